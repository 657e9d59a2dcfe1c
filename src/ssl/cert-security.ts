// OpenSSL's security level applied to our own certificates (ssl_security_cert), when
// load_cert_chain() loads them and again when a handshake sends them: the leaf's key must
// reach the level's strength (EE_KEY_TOO_SMALL), each chain certificate's key too
// (CA_KEY_TOO_SMALL), and every signature but a self-signed certificate's must use a strong
// enough digest (CA_MD_TOO_WEAK). Python raises these from load_cert_chain(), before the
// private key is read; during a handshake they end it with internal_error.
import type { CryptoProvider } from '../crypto/provider.js';
import { SSLError } from '../errors.js';
import { withAlert } from '../tls/alert.js';
import { Alert } from '../tls/constants.js';
import { keySecurityBits, parseCertificate } from '../x509/certificate.js';
import { selfSigned } from '../x509/issuer-match.js';

/** Security bits each level asks for (OpenSSL's ssl_get_security_level_bits). */
const MIN_BITS = [80, 112, 128, 192, 256];

// Written out one by one, so that test/tls/reason-strings.test.ts finds and checks them. At load
// time Python's errno is OpenSSL's reason code; during a handshake it is SSL_ERROR_SSL.
const ERRORS = {
  EE_KEY_TOO_SMALL: (errno?: number) => new SSLError('ee key too small', { library: 'SSL', reason: 'EE_KEY_TOO_SMALL', errno }),
  CA_KEY_TOO_SMALL: (errno?: number) => new SSLError('ca key too small', { library: 'SSL', reason: 'CA_KEY_TOO_SMALL', errno }),
  CA_MD_TOO_WEAK: (errno?: number) => new SSLError('ca md too weak', { library: 'SSL', reason: 'CA_MD_TOO_WEAK', errno }),
};
const LOAD_ERRNO = { EE_KEY_TOO_SMALL: 399, CA_KEY_TOO_SMALL: 397, CA_MD_TOO_WEAK: 398 };

/** Throws Python's SSLError when a certificate of `chain` (leaf first, DER) is too weak for `level`. */
export function checkOwnChainSecurity(chain: readonly Uint8Array[], level: number, provider?: CryptoProvider): void {
  const problem = chainProblem(chain, level, provider);
  if (problem) throw ERRORS[problem](LOAD_ERRNO[problem]);
}

/** Per chain sent, the verdict at each level, so that a handshake does not parse it again. */
const verdicts = new WeakMap<readonly Uint8Array[], Map<number, keyof typeof ERRORS | null>>();

/**
 * The same check when the chain is about to be sent (OpenSSL's ssl_add_cert_chain): a chain
 * completed from the verify store, or a level raised since loading, fails the handshake with
 * internal_error, as in OpenSSL.
 */
export function checkSentChain(chain: readonly Uint8Array[], level: number, provider?: CryptoProvider): void {
  let byLevel = verdicts.get(chain);
  if (!byLevel) verdicts.set(chain, (byLevel = new Map()));
  let problem = byLevel.get(level);
  if (problem === undefined) byLevel.set(level, (problem = chainProblem(chain, level, provider)));
  if (problem) throw withAlert(ERRORS[problem](), Alert.internal_error);
}

function chainProblem(chain: readonly Uint8Array[], level: number, provider?: CryptoProvider): keyof typeof ERRORS | null {
  if (level <= 0) return null;
  const min = MIN_BITS[Math.min(level, 5) - 1]!;
  for (const [i, der] of chain.entries()) {
    let cert;
    try {
      cert = parseCertificate(der);
    } catch {
      continue; // unreadable certificates are refused elsewhere, with their own error
    }
    const key = cert.tryPublicKey(provider); // the context's provider reads the keys it will use
    if (!key || keySecurityBits(key) < min) return i === 0 ? 'EE_KEY_TOO_SMALL' : 'CA_KEY_TOO_SMALL';
    if (!selfSigned(cert) && cert.signatureSecurityBits < min) return 'CA_MD_TOO_WEAK';
  }
  return null;
}
