// The fixtures/chains matrix: for every case, verifyCertificateChain()'s
// verdict and X509_V_ERR code must equal what `openssl verify` reports for
// the same files and options; every certificate decodes exactly as CPython's
// _ssl._test_decode_cert decodes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SSLContext } from '../../src/ssl/context.js';
import { PROTOCOL_TLS_CLIENT, Purpose, VerifyFlags } from '../../src/ssl/constants.js';
import { SSLCertVerificationError } from '../../src/errors.js';
import { verifyCertificateChain } from '../../src/ssl/verify-chain.js';
import { decodeCertificate } from '../../src/x509/decode.js';
import { FIXTURES, pythonDecode, tempDir, toJsonish } from './helpers.js';
import { cachedReference } from '../helpers/mutation-mode.js';

const DIR = join(FIXTURES, 'chains');
const pem = (name: string): string => readFileSync(join(DIR, `${name}.pem`), 'utf8');
const crlPem = (name: string): string => readFileSync(join(DIR, `${name}.crl.pem`), 'utf8');

const { VERIFY_X509_TRUSTED_FIRST: TF, VERIFY_CRL_CHECK_LEAF, VERIFY_CRL_CHECK_CHAIN, VERIFY_X509_PARTIAL_CHAIN, VERIFY_X509_STRICT } = VerifyFlags;

export interface ChainCase {
  name: string;
  leaf: string;
  untrusted?: string[];
  trusted: string[];
  /** CRL fixture names, loaded through the cafile like Python's load_verify_locations. */
  crls?: string[];
  hostname?: string;
  ip?: string;
  purpose?: 'serverAuth' | 'clientAuth';
  flags?: number;
  code: number;
  /** What `openssl verify` says when its command line cannot express Python's settings. */
  opensslCode?: number;
  chainLength?: number;
}

const EC = ['int-ec1'];
export const CASES: ChainCase[] = [
  { name: 'valid RSA, 1 intermediate', leaf: 'leaf-rsa', untrusted: ['int-rsa'], trusted: ['root-rsa'], hostname: 'localhost', purpose: 'serverAuth', code: 0, chainLength: 3 },
  { name: 'valid ECDSA, 1 intermediate', leaf: 'leaf-ec1', untrusted: EC, trusted: ['root-ec'], hostname: 'localhost', purpose: 'serverAuth', code: 0, chainLength: 3 },
  { name: 'valid ECDSA, 2 intermediates', leaf: 'leaf-ec2', untrusted: ['int-ec1', 'int-ec2'], trusted: ['root-ec'], hostname: 'localhost', code: 0, chainLength: 4 },
  { name: 'valid Ed25519, 3 intermediates out of order', leaf: 'leaf-ed3', untrusted: ['int-ed1', 'int-ed3', 'int-ed2'], trusted: ['root-ed'], ip: '127.0.0.1', code: 0, chainLength: 5 },
  { name: 'cross-signed: old root only', leaf: 'leaf-cross', untrusted: ['int-new', 'cross-new-by-old'], trusted: ['root-old'], code: 0, chainLength: 4 },
  { name: 'cross-signed: trusted first takes the new root', leaf: 'leaf-cross', untrusted: ['int-new', 'cross-new-by-old'], trusted: ['root-old', 'root-new'], code: 0, chainLength: 3 },
  { name: 'cross-signed: expired alternative skipped', leaf: 'leaf-cross', untrusted: ['int-new', 'cross-new-by-old-expired', 'cross-new-by-old'], trusted: ['root-old'], code: 0, chainLength: 4 },
  { name: 'cross-signed: only an expired cross-certificate', leaf: 'leaf-cross', untrusted: ['int-new', 'cross-new-by-old-expired'], trusted: ['root-old'], code: 10 },
  { name: 'expired leaf', leaf: 'leaf-expired', untrusted: EC, trusted: ['root-ec'], code: 10 },
  { name: 'not-yet-valid leaf', leaf: 'leaf-future', untrusted: EC, trusted: ['root-ec'], code: 9 },
  { name: 'expired intermediate', leaf: 'leaf-under-expired', untrusted: ['int-expired'], trusted: ['root-ec'], code: 10 },
  { name: 'not-yet-valid intermediate', leaf: 'leaf-under-future', untrusted: ['int-future'], trusted: ['root-ec'], code: 9 },
  { name: 'untrusted root sent', leaf: 'leaf-untrusted', untrusted: ['root-other'], trusted: ['root-ec'], code: 19 },
  { name: 'untrusted root absent', leaf: 'leaf-untrusted', trusted: ['root-ec'], code: 20 },
  { name: 'missing intermediate', leaf: 'leaf-ec1', trusted: ['root-ec'], code: 20 },
  { name: 'only the intermediate trusted', leaf: 'leaf-ec1', trusted: ['int-ec1'], code: 2 },
  { name: 'partial chain: trusted intermediate ends the path', leaf: 'leaf-ec1', trusted: ['int-ec1'], flags: TF | VERIFY_X509_PARTIAL_CHAIN, code: 0, chainLength: 2 },
  { name: 'partial chain: leaf itself trusted', leaf: 'leaf-ec1', trusted: ['leaf-ec1'], flags: TF | VERIFY_X509_PARTIAL_CHAIN, code: 0, chainLength: 1 },
  { name: 'self-signed leaf', leaf: 'leaf-selfsigned', trusted: ['root-ec'], code: 18 },
  { name: 'self-signed leaf trusted', leaf: 'leaf-selfsigned', trusted: ['leaf-selfsigned'], hostname: 'localhost', code: 0 },
  { name: 'non-CA intermediate', leaf: 'leaf-noca', untrusted: ['int-noca'], trusted: ['root-ec'], code: 79 },
  { name: 'intermediate keyUsage without keyCertSign', leaf: 'leaf-noku', untrusted: ['int-noku'], trusted: ['root-ec'], code: 79 },
  { name: 'pathLen exceeded', leaf: 'leaf-pl', untrusted: ['sub-pl', 'int-pl0'], trusted: ['root-ec'], code: 25 },
  { name: 'non-critical basicConstraints, default flags', leaf: 'leaf-bcnc', untrusted: ['int-bcnc'], trusted: ['root-ec'], code: 0 },
  { name: 'non-critical basicConstraints, X509_STRICT', leaf: 'leaf-bcnc', untrusted: ['int-bcnc'], trusted: ['root-ec'], flags: TF | VERIFY_X509_STRICT, code: 89 },
  { name: 'valid chain under X509_STRICT', leaf: 'leaf-ec2', untrusted: ['int-ec1', 'int-ec2'], trusted: ['root-ec'], flags: TF | VERIFY_X509_STRICT, code: 0 },
  { name: 'wrong EKU for a server', leaf: 'leaf-client', untrusted: EC, trusted: ['root-ec'], purpose: 'serverAuth', code: 26 },
  { name: 'clientAuth EKU for a client', leaf: 'leaf-client', untrusted: EC, trusted: ['root-ec'], purpose: 'clientAuth', code: 0 },
  { name: 'name constraints: permitted', leaf: 'leaf-nc-ok', untrusted: ['int-nc'], trusted: ['root-ec'], code: 0 },
  { name: 'name constraints: outside permitted', leaf: 'leaf-nc-bad', untrusted: ['int-nc'], trusted: ['root-ec'], code: 47 },
  { name: 'name constraints: excluded', leaf: 'leaf-nc-excl', untrusted: ['int-nc'], trusted: ['root-ec'], code: 48 },
  { name: 'tampered signature', leaf: 'leaf-tampered', untrusted: EC, trusted: ['root-ec'], code: 7 },
  { name: 'SHA-1 signed leaf', leaf: 'leaf-sha1', untrusted: EC, trusted: ['root-ec'], code: 68 },
  { name: 'wrong host', leaf: 'leaf-ec1', untrusted: EC, trusted: ['root-ec'], hostname: 'other.example', code: 62 },
  { name: 'IP SAN match (v4)', leaf: 'leaf-ip', untrusted: EC, trusted: ['root-ec'], ip: '192.0.2.10', code: 0 },
  { name: 'IP SAN match (v6)', leaf: 'leaf-ip', untrusted: EC, trusted: ['root-ec'], ip: '2001:db8::10', code: 0 },
  { name: 'IP SAN mismatch', leaf: 'leaf-ip', untrusted: EC, trusted: ['root-ec'], ip: '192.0.2.11', code: 64 },
  { name: 'IP literal as hostname', leaf: 'leaf-ip', untrusted: EC, trusted: ['root-ec'], hostname: '192.0.2.10', code: 0, opensslCode: 62 },
  { name: 'wildcard: one label', leaf: 'leaf-wild', untrusted: EC, trusted: ['root-ec'], hostname: 'a.wild.example', code: 0 },
  { name: 'wildcard: two labels', leaf: 'leaf-wild', untrusted: EC, trusted: ['root-ec'], hostname: 'a.b.wild.example', code: 62 },
  { name: 'wildcard: bare domain', leaf: 'leaf-wild', untrusted: EC, trusted: ['root-ec'], hostname: 'wild.example', code: 62 },
  // Python sets X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS; `openssl verify` cannot.
  { name: 'wildcard: partial label', leaf: 'leaf-wild', untrusted: EC, trusted: ['root-ec'], hostname: 'foo.partial.example', code: 62, opensslCode: 0 },
  { name: 'CN-only certificate', leaf: 'leaf-cn', untrusted: EC, trusted: ['root-ec'], hostname: 'cn-only.example', code: 0 },
  { name: 'CN-only certificate, other host', leaf: 'leaf-cn', untrusted: EC, trusted: ['root-ec'], hostname: 'other.example', code: 62 },
  { name: 'CRL: revoked leaf', leaf: 'leaf-revoked', untrusted: ['int-crl'], trusted: ['root-ec'], crls: ['int-crl'], flags: TF | VERIFY_CRL_CHECK_LEAF, code: 23 },
  { name: 'CRL: good leaf', leaf: 'leaf-crl-good', untrusted: ['int-crl'], trusted: ['root-ec'], crls: ['int-crl'], flags: TF | VERIFY_CRL_CHECK_LEAF, code: 0 },
  { name: 'CRL: revoked leaf, no checking', leaf: 'leaf-revoked', untrusted: ['int-crl'], trusted: ['root-ec'], crls: ['int-crl'], code: 0 },
  { name: 'CRL: none loaded', leaf: 'leaf-crl-good', untrusted: ['int-crl'], trusted: ['root-ec'], flags: TF | VERIFY_CRL_CHECK_LEAF, code: 3 },
  { name: 'CRL: whole chain', leaf: 'leaf-crl-good', untrusted: ['int-crl'], trusted: ['root-ec'], crls: ['int-crl', 'root-ec'], flags: TF | VERIFY_CRL_CHECK_CHAIN, code: 0 },
  { name: 'CRL: whole chain, root CRL missing', leaf: 'leaf-crl-good', untrusted: ['int-crl'], trusted: ['root-ec'], crls: ['int-crl'], flags: TF | VERIFY_CRL_CHECK_CHAIN, code: 3 },
  { name: 'CRL: expired', leaf: 'leaf-crl-good', untrusted: ['int-crl'], trusted: ['root-ec'], crls: ['int-crl-expired'], flags: TF | VERIFY_CRL_CHECK_LEAF, code: 12 },
  { name: 'CRL: not yet valid', leaf: 'leaf-crl-good', untrusted: ['int-crl'], trusted: ['root-ec'], crls: ['int-crl-future'], flags: TF | VERIFY_CRL_CHECK_LEAF, code: 11 },
  { name: 'CRL: bad signature', leaf: 'leaf-crl-good', untrusted: ['int-crl'], trusted: ['root-ec'], crls: ['int-crl-tampered'], flags: TF | VERIFY_CRL_CHECK_LEAF, code: 8 },
];

function cafileFor(dir: string, c: ChainCase): string {
  const p = join(dir, 'ca.pem');
  writeFileSync(p, [...c.trusted.map(pem), ...(c.crls ?? []).map(crlPem)].join(''));
  return p;
}

function ours(c: ChainCase, cafile: string): { code: number; message: string; chain?: Uint8Array[] } {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.loadVerifyLocations({ cafile });
  if (c.flags !== undefined) ctx.verifyFlags = c.flags;
  try {
    const chain = verifyCertificateChain({
      leaf: pem(c.leaf),
      intermediates: (c.untrusted ?? []).map(pem),
      context: ctx,
      hostname: c.hostname,
      ip: c.ip,
      purpose: c.purpose === 'serverAuth' ? Purpose.SERVER_AUTH : c.purpose === 'clientAuth' ? Purpose.CLIENT_AUTH : undefined,
    });
    return { code: 0, message: 'ok', chain };
  } catch (e) {
    if (e instanceof SSLCertVerificationError) return { code: e.verifyCode, message: e.verifyMessage };
    throw e;
  }
}

function openssl(c: ChainCase, dir: string, cafile: string): { code: number; message: string } {
  const args = ['verify', '-CAfile', cafile, '-auth_level', '2'];
  if (c.untrusted?.length) {
    const u = join(dir, 'untrusted.pem');
    writeFileSync(u, c.untrusted.map(pem).join(''));
    args.push('-untrusted', u);
  }
  if (c.hostname) args.push('-verify_hostname', c.hostname);
  if (c.ip) args.push('-verify_ip', c.ip);
  if (c.purpose) args.push('-purpose', c.purpose === 'serverAuth' ? 'sslserver' : 'sslclient');
  const f = c.flags ?? TF;
  if ((f & VERIFY_CRL_CHECK_CHAIN) === VERIFY_CRL_CHECK_CHAIN) args.push('-crl_check_all');
  else if (f & VERIFY_CRL_CHECK_LEAF) args.push('-crl_check');
  if (f & VERIFY_X509_PARTIAL_CHAIN) args.push('-partial_chain');
  if (f & VERIFY_X509_STRICT) args.push('-x509_strict');
  args.push(join(DIR, `${c.leaf}.pem`));
  const r = spawnSync('openssl', args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status === 0) return { code: 0, message: 'ok' };
  const m = /error (\d+) at \d+ depth lookup: (.*)/.exec(r.stdout + r.stderr);
  if (!m) throw new Error(`unexpected openssl output: ${r.stdout}${r.stderr}`);
  return { code: Number(m[1]), message: m[2]! };
}

test('chains matrix: our verdicts equal openssl verify', () => {
  const dir = tempDir();
  for (const c of CASES) {
    const cafile = cafileFor(dir, c);
    const got = ours(c, cafile);
    assert.equal(got.code, c.code, `${c.name}: ours ${got.code} (${got.message})`);
    // Fixture files only: under `npm run mutation` openssl is asked once per run.
    const ref = cachedReference(`chains\0${JSON.stringify(c)}`, () => openssl(c, dir, cafile));
    assert.equal(ref.code, c.opensslCode ?? c.code, `${c.name}: openssl ${ref.code} (${ref.message})`);
    if (c.code !== 0 && c.code !== 62 && c.code !== 64) assert.equal(got.message, ref.message, c.name);
    if (c.chainLength !== undefined) assert.equal(got.chain?.length, c.chainLength, `${c.name}: chain length`);
  }
});

test('chains matrix: trusted lists and DER input give the same verdicts as a context', () => {
  for (const c of CASES) {
    if (c.crls || c.flags !== undefined) continue;
    let code = 0;
    try {
      verifyCertificateChain({
        leaf: Buffer.from(pem(c.leaf).replace(/-----[^-]+-----|\s/g, ''), 'base64'),
        intermediates: (c.untrusted ?? []).map(pem),
        trusted: c.trusted.map(pem).join(''),
        hostname: c.hostname,
        ip: c.ip,
        purpose: c.purpose,
      });
    } catch (e) {
      if (!(e instanceof SSLCertVerificationError)) throw e;
      code = e.verifyCode;
    }
    assert.equal(code, c.code, c.name);
  }
});

test('alternate chains: without trusted-first a store issuer replaces an untrusted path', () => {
  const base = { leaf: pem('leaf-cross'), intermediates: [pem('int-new'), pem('cross-new-by-old')], trusted: [pem('root-new')] };
  // Untrusted first: leaf -> int-new -> cross (issuer root-old is unknown), then back off to int-new's store issuer.
  assert.equal(verifyCertificateChain({ ...base, flags: 0 }).length, 3);
  assert.equal(verifyCertificateChain({ ...base, flags: TF }).length, 3);
  // With alternate chains disabled (X509_V_FLAG_NO_ALT_CHAINS) the untrusted path is final.
  assert.throws(() => verifyCertificateChain({ ...base, flags: 0x100000 }), (e: unknown) => e instanceof SSLCertVerificationError && e.verifyCode === 20);
  // The same path with root-old trusted verifies through the cross-certificate either way.
  assert.equal(verifyCertificateChain({ ...base, trusted: [pem('root-old')], flags: 0 }).length, 4);
});

test('every chains fixture decodes as CPython decodes it', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.pem') && !f.endsWith('.crl.pem')).sort();
  assert.ok(files.length > 40);
  const paths = files.map((f) => join(DIR, f));
  // Fixture files only: under `npm run mutation` python3 is asked once per run.
  const ref = cachedReference(`chains-decode\0${paths.map((p) => readFileSync(p, 'latin1')).join('\0')}`, () => pythonDecode(paths));
  files.forEach((f, i) => {
    const r = ref[i]!;
    assert.ok(r.ok, `${f}: python failed: ${!r.ok && r.error}`);
    assert.deepStrictEqual(toJsonish(decodeCertificate(readFileSync(paths[i]!, 'utf8'))), r.value, f);
  });
});
