// OpenSSL's security level applied to our own certificates (ssl_security_cert): when
// load_cert_chain() loads them, the leaf's key must reach the level's strength
// (EE_KEY_TOO_SMALL), each chain certificate's key too (CA_KEY_TOO_SMALL), and every
// signature but a self-signed certificate's must use a strong enough digest (CA_MD_TOO_WEAK).
// Python raises these from load_cert_chain(), before the private key is read.
import type { CryptoProvider } from '../crypto/provider.js';
import { SSLError } from '../errors.js';
import { keySecurityBits, parseCertificate } from '../x509/certificate.js';
import { selfSigned } from '../x509/issuer-match.js';

/** Security bits each level asks for (OpenSSL's ssl_get_security_level_bits). */
const MIN_BITS = [80, 112, 128, 192, 256];

// Written out one by one, so that test/tls/reason-strings.test.ts finds and checks them.
const ERRORS = {
  EE_KEY_TOO_SMALL: () => new SSLError('ee key too small', { library: 'SSL', reason: 'EE_KEY_TOO_SMALL', errno: 399 }),
  CA_KEY_TOO_SMALL: () => new SSLError('ca key too small', { library: 'SSL', reason: 'CA_KEY_TOO_SMALL', errno: 397 }),
  CA_MD_TOO_WEAK: () => new SSLError('ca md too weak', { library: 'SSL', reason: 'CA_MD_TOO_WEAK', errno: 398 }),
};

/** Throws Python's SSLError when a certificate of `chain` (leaf first, DER) is too weak for `level`. */
export function checkOwnChainSecurity(chain: readonly Uint8Array[], level: number, provider?: CryptoProvider): void {
  if (level <= 0) return;
  const min = MIN_BITS[Math.min(level, 5) - 1]!;
  chain.forEach((der, i) => {
    let cert;
    try {
      cert = parseCertificate(der);
    } catch {
      return; // unreadable certificates are refused elsewhere, with their own error
    }
    const key = cert.tryPublicKey(provider); // the context's provider reads the keys it will use
    if (!key || keySecurityBits(key) < min) fail(i === 0 ? 'EE_KEY_TOO_SMALL' : 'CA_KEY_TOO_SMALL');
    if (!selfSigned(cert) && cert.signatureSecurityBits < min) fail('CA_MD_TOO_WEAK');
  });
}

function fail(reason: keyof typeof ERRORS): never {
  throw ERRORS[reason]();
}
