// Certificate parsing and signature checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCertificate } from '../../src/x509/certificate.js';
import { pemBlocks } from '../../src/x509/pem.js';
import { SSLError } from '../../src/errors.js';
import { fixtureDer, tempDir } from './helpers.js';

test('fixture fields', () => {
  const leaf = parseCertificate(fixtureDer('leaf-rsa2048.pem'));
  assert.equal(leaf.version, 3);
  assert.deepStrictEqual(leaf.commonNames, ['localhost']);
  assert.equal(leaf.isCA, false);
  assert.equal(leaf.pathLen, null);
  assert.deepStrictEqual(leaf.keyUsage, ['digitalSignature', 'keyEncipherment']);
  assert.deepStrictEqual(leaf.extKeyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  assert.deepStrictEqual(leaf.subjectAltNames.map((s) => [s.type, s.value]), [['DNS', 'localhost'], ['IP', '127.0.0.1'], ['IP', '0:0:0:0:0:0:0:1']]);
  assert.equal(leaf.notBefore.toISOString(), '2025-01-01T00:00:00.000Z');
  assert.equal(leaf.notAfter.toISOString(), '2075-01-01T00:00:00.000Z');
  assert.equal(leaf.publicKey.asymmetricKeyType, 'rsa');
  assert.equal(leaf.signatureAlgorithmOid, '1.2.840.10045.4.3.2');
  assert.match(leaf.serialNumberHex, /^[0-9A-F]+$/);
  assert.equal(leaf.selfIssued, false);
  assert.equal(leaf.hasUnhandledCritical, false);

  const inter = parseCertificate(fixtureDer('inter.pem'));
  const root = parseCertificate(fixtureDer('ca.pem'));
  assert.equal(inter.isCA, true);
  assert.equal(inter.pathLen, 0);
  assert.equal(root.isCA, true);
  assert.equal(root.pathLen, null);
  assert.equal(root.selfIssued, true);
  assert.deepStrictEqual(leaf.aki, inter.ski);
  assert.deepStrictEqual(inter.aki, root.ski);
  assert.deepStrictEqual(Buffer.from(leaf.issuerDer), Buffer.from(inter.subjectDer));
  // tbsDer is the exact slice of the encoding that was signed.
  assert.ok(Buffer.from(leaf.der).includes(Buffer.from(leaf.tbsDer)));
  assert.equal(leaf.verifySignedBy(inter.publicKey), true);
  assert.equal(leaf.verifySignedBy(root.publicKey), false);
  assert.equal(inter.verifySignedBy(root.publicKey), true);
  assert.equal(root.verifySignedBy(root.publicKey), true);
});

test('garbage never escapes as anything but SSLError', () => {
  const samples = ['leaf-ecdsa-p256.pem', 'leaf-rsa2048.pem', 'ca.pem', 'leaf-ed25519.pem'].map(fixtureDer);
  const inter = parseCertificate(fixtureDer('inter.pem'));
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const check = (d: Uint8Array): void => {
    try {
      const c = parseCertificate(d);
      c.verifySignedBy(inter.publicKey);
      c.tryPublicKey();
    } catch (e) {
      assert.ok(e instanceof SSLError, `unexpected ${String(e)}`);
    }
  };
  for (const s of samples) {
    for (let len = 0; len < s.length; len += 7) check(s.subarray(0, len));
    for (let i = 0; i < 400; i++) {
      const m = new Uint8Array(s);
      for (let k = 0; k < 1 + rand(3); k++) m[rand(m.length)] = rand(256);
      check(m);
    }
  }
  for (const junk of [new Uint8Array(0), new Uint8Array([0x30]), new Uint8Array([0x30, 0x80, 0, 0]), new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff])]) {
    assert.throws(() => parseCertificate(junk), SSLError);
  }
  // Trailing bytes after the certificate are refused.
  assert.throws(() => parseCertificate(new Uint8Array([...samples[0]!, 0])), SSLError);
});

// Self-signed certificates made by openssl with every signature scheme we claim.
const SCHEMES: Record<string, string[]> = {
  'rsa-sha256': ['-newkey', 'rsa:2048', '-sha256'],
  'rsa-sha384': ['-newkey', 'rsa:2048', '-sha384'],
  'rsa-sha512': ['-newkey', 'rsa:2048', '-sha512'],
  'rsa-pss-sha256': ['-newkey', 'rsa:2048', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'],
  'rsa-pss-sha384-salt20': ['-newkey', 'rsa:2048', '-sha384', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:20'],
  'rsa-pss-key': ['-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048', '-sha256'],
  'ecdsa-p256-sha256': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-sha256'],
  'ecdsa-p384-sha384': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-sha384'],
  'ecdsa-p521-sha512': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521', '-sha512'],
  'ecdsa-p256-sha1': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-sha1'],
  ed25519: ['-newkey', 'ed25519'],
  ed448: ['-newkey', 'ed448'],
};

test('signature schemes verify with node:crypto (and fail when tampered)', () => {
  const dir = tempDir();
  for (const [label, args] of Object.entries(SCHEMES)) {
    const out = join(dir, `${label}.pem`);
    execFileSync('openssl', ['req', '-x509', '-nodes', '-subj', `/CN=${label}`, '-days', '2', '-keyout', join(dir, `${label}.key`), '-out', out, ...args], { stdio: 'ignore' });
    const der = pemBlocks(readFileSync(out, 'utf8'))[0]!;
    const c = parseCertificate(der);
    assert.equal(c.verifySignedBy(c.publicKey), true, label);
    assert.ok(c.signatureSecurityBits >= (label.endsWith('sha1') ? 64 : 112), label);
    const tampered = new Uint8Array(der);
    // Flip a bit inside the subject CN text, which is covered by the signature.
    const at = Buffer.from(tampered).indexOf(Buffer.from(label));
    tampered[at]! ^= 1;
    assert.equal(parseCertificate(tampered).verifySignedBy(c.publicKey), false, label);
  }
});
