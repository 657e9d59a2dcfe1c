// load_cert_chain() and OpenSSL's security level, against Python on the same files: a weak
// leaf key (EE_KEY_TOO_SMALL), a weak key in the chain (CA_KEY_TOO_SMALL), a SHA-1 signature
// (CA_MD_TOO_WEAK, but never for a self-signed certificate), at levels 2 and 1.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTOCOL_TLS_SERVER, SSLContext, SSLError } from '../../src/index.js';

let dir: string;
const files: Record<string, { cert: string; key: string }> = {};

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A key and a certificate signed by `issuer` (self-signed without one). */
function make(name: string, keyArgs: string[], digest: string, issuer?: string): void {
  openssl(['genpkey', ...keyArgs, '-out', `${name}.key`]);
  if (!issuer) {
    openssl(['req', '-x509', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, `-${digest}`, '-days', '30', '-out', `${name}.pem`,
      '-addext', 'basicConstraints=critical,CA:TRUE']);
    return;
  }
  openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`]);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-set_serial', '7', `-${digest}`, '-days', '30', '-out', `${name}.pem`]);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ssl-ts-certsec-'));
  const rsa = (bits: number) => ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`];
  make('weak-self', rsa(1024), 'sha256');
  make('sha1-self', rsa(2048), 'sha1');
  make('weak-ca', rsa(1024), 'sha256');
  make('leaf-of-weak-ca', rsa(2048), 'sha256', 'weak-ca');
  make('ca', rsa(2048), 'sha256');
  make('sha1-leaf', rsa(2048), 'sha1', 'ca');
  make('good-leaf', ['-algorithm', 'ED25519'], 'sha256', 'ca');
  const chain = (leaf: string, ca: string) => {
    writeFileSync(join(dir, `${leaf}-chain.pem`), readFileSync(join(dir, `${leaf}.pem`), 'utf8') + readFileSync(join(dir, `${ca}.pem`), 'utf8'));
    return { cert: join(dir, `${leaf}-chain.pem`), key: join(dir, `${leaf}.key`) };
  };
  files['weak leaf key'] = { cert: join(dir, 'weak-self.pem'), key: join(dir, 'weak-self.key') };
  files['self-signed SHA-1'] = { cert: join(dir, 'sha1-self.pem'), key: join(dir, 'sha1-self.key') };
  files['weak key in the chain'] = chain('leaf-of-weak-ca', 'weak-ca');
  files['leaf signed with SHA-1'] = { cert: join(dir, 'sha1-leaf.pem'), key: join(dir, 'sha1-leaf.key') };
  files['Ed25519 leaf with its CA'] = chain('good-leaf', 'ca');
});
after(() => rmSync(dir, { recursive: true, force: true }));

type Outcome = { ok: true } | { reason: string | null; errno: number | null; message: string };

function python(cases: [string, string, string][]): Outcome[] {
  const code = `
import json, ssl, sys
out = []
for cert, key, ciphers in json.loads(sys.argv[1]):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.set_ciphers(ciphers)
    try:
        ctx.load_cert_chain(cert, key)
        out.append({'ok': True})
    except ssl.SSLError as e:
        out.append({'reason': e.reason, 'errno': e.errno, 'message': str(e).split(' (_ssl.c')[0]})
print(json.dumps(out))`;
  return JSON.parse(execFileSync('python3', ['-c', code, JSON.stringify(cases)]).toString()) as Outcome[];
}

function ours(cert: string, key: string, ciphers: string): Outcome {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.setCiphers(ciphers);
  try {
    ctx.loadCertChain(cert, key);
    return { ok: true };
  } catch (e) {
    assert.ok(e instanceof SSLError, String(e));
    return { reason: e.reason ?? null, errno: e.errno ?? null, message: e.message };
  }
}

test('loadCertChain refuses certificates below the security level as Python does', () => {
  const cases: [string, string, string][] = [];
  const labels: string[] = [];
  for (const [label, f] of Object.entries(files)) {
    for (const ciphers of ['DEFAULT', 'DEFAULT:@SECLEVEL=1']) {
      cases.push([f.cert, f.key, ciphers]);
      labels.push(`${label} (${ciphers})`);
    }
  }
  const expected = python(cases);
  // The premise: Python refuses some of them, for each of the three reasons.
  const reasons = new Set(expected.map((o) => ('reason' in o ? o.reason : null)));
  for (const r of ['EE_KEY_TOO_SMALL', 'CA_KEY_TOO_SMALL', 'CA_MD_TOO_WEAK']) assert.ok(reasons.has(r), `Python gives ${r}`);
  const got = cases.map(([c, k, s]) => ours(c, k, s));
  assert.deepEqual(Object.fromEntries(labels.map((l, i) => [l, got[i]])), Object.fromEntries(labels.map((l, i) => [l, expected[i]])));
});
