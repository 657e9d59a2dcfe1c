// Trust-store plumbing checked against the reference tools: subject-name
// hashes (openssl x509 -subject_hash), hashed directories made by
// `openssl rehash`, CRLs in cafile bundles, CPython's revocation test data,
// get_default_verify_paths() and cert_time_to_seconds() against python3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SSLContext } from '../../src/ssl/context.js';
import { PROTOCOL_TLS_CLIENT, VerifyFlags } from '../../src/ssl/constants.js';
import { ValueError } from '../../src/errors.js';
import { verifyCertificateChain } from '../../src/ssl/verify-chain.js';
import { getDefaultVerifyPaths } from '../../src/ssl/verify-paths.js';
import { certTimeToSeconds } from '../../src/x509/cert-time.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { nameHash } from '../../src/x509/store.js';
import { pemBlocks } from '../../src/x509/pem.js';
import * as index from '../../src/index.js';
import { FIXTURES, certdataDir, tempDir, verifyCode as codeOf } from './helpers.js';

const CHAINS = join(FIXTURES, 'chains');
const pem = (name: string): string => readFileSync(join(CHAINS, `${name}.pem`), 'utf8');


test('subject-name hashes equal openssl x509 -subject_hash', () => {
  const files = [
    ...readdirSync(CHAINS).filter((f) => f.endsWith('.pem') && !f.endsWith('.crl.pem')).map((f) => join(CHAINS, f)),
    ...readdirSync(FIXTURES).filter((f) => /^(ca|inter|other-ca|leaf-rsa2048|client)\.pem$/.test(f)).map((f) => join(FIXTURES, f)),
  ];
  const cd = certdataDir();
  assert.ok(cd, 'CPython test data');
  for (const f of ['capath/6e88d7b8.0', 'capath/99d0fa06.0', 'capath/b1930218.0', 'allsans.pem', 'idnsans.pem', 'nokia.pem', 'talos-2019-0758.pem']) {
    files.push(join(cd, f));
  }
  for (const f of files) {
    const want = execFileSync('openssl', ['x509', '-noout', '-subject_hash', '-in', f], { encoding: 'utf8' }).trim();
    const cert = parseCertificate(pemBlocks(readFileSync(f, 'latin1'))[0]!);
    assert.equal(nameHash(cert.subject), want, f);
  }
});

test('capath: a directory made by openssl rehash is searched by hash, lazily', () => {
  const dir = tempDir();
  for (const n of ['root-ec', 'root-rsa', 'int-ec1']) copyFileSync(join(CHAINS, `${n}.pem`), join(dir, `${n}.pem`));
  copyFileSync(join(CHAINS, 'int-crl.crl.pem'), join(dir, 'int-crl.crl.pem'));
  const r = spawnSync('openssl', ['rehash', dir], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 0, r.stderr);
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.loadVerifyLocations({ capath: dir });
  assert.deepEqual(ctx.certStoreStats(), { x509: 0, crl: 0, x509_ca: 0 });
  assert.deepEqual(ctx.getCaCerts(), []);
  const opts = { leaf: pem('leaf-ec2'), intermediates: [pem('int-ec2')], context: ctx, hostname: 'localhost' };
  // int-ec1 and the root both come from the directory.
  assert.equal(verifyCertificateChain(opts).length, 4);
  assert.equal(codeOf(() => verifyCertificateChain({ ...opts, context: new SSLContext(PROTOCOL_TLS_CLIENT) })), 20);
  // CRLs are looked up there too (<hash>.r0).
  ctx.verifyFlags = VerifyFlags.VERIFY_X509_TRUSTED_FIRST | VerifyFlags.VERIFY_CRL_CHECK_LEAF;
  const crlOpts = { leaf: pem('leaf-revoked'), intermediates: [pem('int-crl')], context: ctx };
  assert.equal(codeOf(() => verifyCertificateChain(crlOpts)), 23);
  assert.equal(codeOf(() => verifyCertificateChain({ ...crlOpts, leaf: pem('leaf-crl-good') })), 0);
  // A colon-separated list works like OpenSSL's directory list.
  const ctx2 = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx2.loadVerifyLocations({ capath: `/nonexistent-ssl-ts:${dir}` });
  assert.equal(verifyCertificateChain({ ...opts, context: ctx2 }).length, 4);
});

test("capath: Debian's /etc/ssl/certs works as a hashed directory", () => {
  const dir = '/etc/ssl/certs';
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.loadVerifyLocations({ capath: dir });
  const hashed = existsSync(dir) ? readdirSync(dir).filter((f) => /^[0-9a-f]{8}\.0$/.test(f)) : [];
  // .ci/run installs ca-certificates, which fills the directory.
  assert.ok(hashed.length > 0, `${dir} holds no hashed certificates`);
  // A root of ours is not in it: nothing is found, and nothing fails.
  assert.equal(codeOf(() => verifyCertificateChain({ leaf: pem('root-ec'), context: ctx })), 18);
  assert.deepEqual(ctx.certStoreStats(), { x509: 0, crl: 0, x509_ca: 0 });
  const found = new Set<string>();
  for (const f of hashed.slice(0, 5)) {
    const root = readFileSync(join(dir, f), 'utf8');
    found.add(Buffer.from(pemBlocks(root)[0]!).toString('base64'));
    // A root is only accepted as itself when the directory lookup finds it.
    assert.equal(codeOf(() => verifyCertificateChain({ leaf: root, context: ctx, time: new Date(parseCertificate(pemBlocks(root)[0]!).notAfter.getTime() - 86400_000) })), 0, f);
    assert.equal(codeOf(() => verifyCertificateChain({ leaf: root, context: new SSLContext(PROTOCOL_TLS_CLIENT), time: new Date(parseCertificate(pemBlocks(root)[0]!).notAfter.getTime() - 86400_000) })), 18, f);
  }
  // What the lookups found is in the store from then on, as OpenSSL's by_dir adds it.
  assert.equal(ctx.certStoreStats().x509, found.size);
});

test('CRLs in cafile bundles: counted like Python and used for CRL checks', () => {
  const dir = tempDir();
  const bundle = join(dir, 'bundle.pem');
  writeFileSync(bundle, pem('root-ec') + readFileSync(join(CHAINS, 'int-crl.crl.pem'), 'utf8') + readFileSync(join(CHAINS, 'root-ec.crl.pem'), 'utf8'));
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.loadVerifyLocations({ cafile: bundle });
  ctx.loadVerifyLocations({ cafile: bundle }); // duplicates are not stored twice
  const py = execFileSync('python3', ['-c', `import ssl,json,sys
c=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); c.load_verify_locations(sys.argv[1]); c.load_verify_locations(sys.argv[1])
print(json.dumps(c.cert_store_stats()))`, bundle], { encoding: 'utf8' });
  assert.deepEqual(ctx.certStoreStats(), JSON.parse(py));
  // A file holding only a CRL is accepted too.
  const onlyCrl = join(dir, 'only.crl.pem');
  copyFileSync(join(CHAINS, 'int-crl.crl.pem'), onlyCrl);
  new SSLContext(PROTOCOL_TLS_CLIENT).loadVerifyLocations({ cafile: onlyCrl });
});

test("CPython's revocation.crl revokes nothing it should not (test_crl_check)", () => {
  const cd = certdataDir()!;
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.loadVerifyLocations({ cafile: join(cd, 'pycacert.pem') });
  const leaf = readFileSync(join(cd, 'keycert3.pem'), 'utf8');
  const time = new Date(Date.UTC(2030, 0, 1));
  assert.equal(codeOf(() => verifyCertificateChain({ leaf, context: ctx, hostname: 'localhost', time })), 0);
  ctx.verifyFlags |= VerifyFlags.VERIFY_CRL_CHECK_LEAF;
  assert.equal(codeOf(() => verifyCertificateChain({ leaf, context: ctx, hostname: 'localhost', time })), 3);
  ctx.loadVerifyLocations({ cafile: join(cd, 'revocation.crl') });
  assert.equal(ctx.certStoreStats().crl, 1);
  const ref = spawnSync('openssl', ['verify', '-attime', String(time.getTime() / 1000), '-crl_check', '-CAfile', join(cd, 'pycacert.pem'), '-CRLfile', join(cd, 'revocation.crl'), join(cd, 'keycert3.pem')], { encoding: 'utf8', timeout: 10_000 });
  const refCode = ref.status === 0 ? 0 : Number(/error (\d+)/.exec(ref.stdout + ref.stderr)?.[1]);
  assert.equal(codeOf(() => verifyCertificateChain({ leaf, context: ctx, hostname: 'localhost', time })), refCode);
});

test('getDefaultVerifyPaths() equals python3, with and without SSL_CERT_FILE / SSL_CERT_DIR', () => {
  const script = 'import ssl,json; print(json.dumps(list(ssl.get_default_verify_paths())))';
  const dir = tempDir();
  const file = join(dir, 'roots.pem');
  writeFileSync(file, pem('root-ec'));
  const envs: Record<string, string | undefined>[] = [
    { SSL_CERT_FILE: undefined, SSL_CERT_DIR: undefined },
    { SSL_CERT_FILE: file, SSL_CERT_DIR: dir },
    { SSL_CERT_FILE: join(dir, 'missing.pem'), SSL_CERT_DIR: file },
    { SSL_CERT_FILE: '', SSL_CERT_DIR: '' },
  ];
  const saved = { SSL_CERT_FILE: process.env.SSL_CERT_FILE, SSL_CERT_DIR: process.env.SSL_CERT_DIR };
  try {
    for (const e of envs) {
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const [k, v] of Object.entries(e)) {
        if (v === undefined) {
          delete env[k];
          delete process.env[k];
        } else {
          env[k] = v;
          process.env[k] = v;
        }
      }
      const want = JSON.parse(execFileSync('python3', ['-c', script], { encoding: 'utf8', env })) as unknown[];
      const p = getDefaultVerifyPaths();
      assert.deepEqual([p.cafile, p.capath, p.openssl_cafile_env, p.openssl_cafile, p.openssl_capath_env, p.openssl_capath], want, JSON.stringify(e));
    }
    // setDefaultVerifyPaths() loads $SSL_CERT_FILE now and searches $SSL_CERT_DIR later.
    process.env.SSL_CERT_FILE = file;
    process.env.SSL_CERT_DIR = dir;
    const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
    ctx.loadDefaultCerts();
    assert.deepEqual(ctx.certStoreStats(), { x509: 1, crl: 0, x509_ca: 1 });
    assert.deepEqual(ctx._capaths, [dir]);
    assert.equal(verifyCertificateChain({ leaf: pem('leaf-ec1'), intermediates: [pem('int-ec1')], context: ctx }).length, 3);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('certTimeToSeconds() equals Python, errors included', () => {
  const inputs = [
    'Jan  5 09:34:43 2018 GMT', 'Jan 5 09:34:43 2018 GMT', 'jan  5 09:34:43 2018 gmt', 'MAY  9 23:59:59 2049 GMT',
    'Feb 31 00:00:00 2021 GMT', 'Dec 31 23:59:61 1999 GMT', 'Jun 10 0:0:0 2000 GMT', 'Jan 01 00:00:00 0001 GMT',
    'Jan  5 09:34:43 2018', 'Jan  5 09:34:43 2018 GMTx', 'Xyz  5 09:34:43 2018 GMT', 'Jan 32 09:34:43 2018 GMT',
    "Jan  5 09:34:43 2018 GMT'", 'Jan  5 24:00:00 2018 GMT', '', 'Jan', 'Jan 5 09:34:43 18 GMT', 'Jan 0 09:34:43 2018 GMT',
  ];
  const script = `import ssl,json,sys
out=[]
for s in json.loads(sys.stdin.read()):
    try: out.append(["ok", ssl.cert_time_to_seconds(s)])
    except ValueError as e: out.append(["ValueError", str(e)])
print(json.dumps(out))`;
  const want = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(inputs), encoding: 'utf8' })) as [string, number | string][];
  inputs.forEach((s, i) => {
    let got: [string, number | string];
    try {
      got = ['ok', certTimeToSeconds(s)];
    } catch (e) {
      assert.ok(e instanceof ValueError, `${s}: ${String(e)}`);
      got = ['ValueError', e.message];
    }
    assert.deepEqual(got, want[i], JSON.stringify(s));
  });
});

test('the public index exports the verifier and helpers', () => {
  assert.equal(typeof index.verifyCertificateChain, 'function');
  assert.equal(typeof index.decodeCertificate, 'function');
  assert.equal(typeof index.certTimeToSeconds, 'function');
  assert.ok(index.getDefaultVerifyPaths() instanceof index.DefaultVerifyPaths);
  const chain = index.verifyCertificateChain({
    leaf: pem('leaf-rsa'), intermediates: pem('int-rsa'), trusted: pem('root-rsa'),
    hostname: 'localhost', purpose: index.Purpose.SERVER_AUTH, time: index.certTimeToSeconds('Jan  1 00:00:00 2030 GMT'),
  });
  assert.equal(chain.length, 3);
  assert.throws(
    () => index.verifyCertificateChain({ leaf: pem('leaf-rsa'), trusted: pem('root-rsa') }),
    (e: unknown) => e instanceof index.SSLCertVerificationError && e.verifyCode === 20 && e.message === '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate',
  );
  assert.throws(() => index.verifyCertificateChain({ leaf: 'not pem' }), ValueError);
});
