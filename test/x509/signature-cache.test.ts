// Signature checks are remembered per parsed certificate and issuer key
// (certificate.ts, verifySignedBy): a chain seen again is not verified again,
// and nothing about another certificate or another key can leak through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCertificate } from '../../src/x509/certificate.js';
import { verifyCertificateChain } from '../../src/ssl/verify-chain.js';
import { SSLCertVerificationError } from '../../src/errors.js';
import { fixtureDer } from './helpers.js';

const LEAF = fixtureDer('leaf-ecdsa-p256.pem');
const INTER = fixtureDer('inter.pem');
const ROOT = fixtureDer('ca.pem');
const OTHER_CA = fixtureDer('other-ca.pem');

/** The same certificate with the last byte of its signature changed: same TBS, bad signature. */
function tampered(der: Uint8Array): Uint8Array {
  const t = Uint8Array.prototype.slice.call(der);
  t[t.length - 1]! ^= 0x01;
  return t;
}

test('verifySignedBy: repeated answers stay right per key; a tampered copy is checked on its own', () => {
  const leaf = parseCertificate(LEAF);
  const inter = parseCertificate(INTER);
  const other = parseCertificate(OTHER_CA);
  for (let i = 0; i < 3; i++) {
    assert.equal(leaf.verifySignedBy(inter.publicKey), true);
    assert.equal(leaf.verifySignedBy(other.publicKey), false);
  }
  const bad = parseCertificate(tampered(LEAF));
  assert.notEqual(bad, leaf);
  assert.deepEqual(bad.tbsDer, leaf.tbsDer);
  assert.equal(bad.verifySignedBy(inter.publicKey), false);
  assert.equal(leaf.verifySignedBy(inter.publicKey), true);
});

test('verifyCertificateChain: a good chain verified first does not let the tampered leaf through', () => {
  const opts = { intermediates: [INTER], trusted: [ROOT], hostname: 'localhost' };
  assert.equal(verifyCertificateChain({ leaf: LEAF, ...opts }).length, 3);
  assert.throws(
    () => verifyCertificateChain({ leaf: tampered(LEAF), ...opts }),
    (e: unknown) => e instanceof SSLCertVerificationError && e.verifyCode === 7, // X509_V_ERR_CERT_SIGNATURE_FAILURE
  );
  assert.equal(verifyCertificateChain({ leaf: LEAF, ...opts }).length, 3);
});
