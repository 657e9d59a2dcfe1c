// TLS 1.2 signature scheme and certificate choice. Unlike TLS 1.3, an ECDSA
// scheme names only the hash, PKCS#1 v1.5 is allowed, and SHA-1 is not (OpenSSL
// refuses it at security level 1 and above).
import type { KeyHandle } from '../crypto/provider.js';
import { keyFitsScheme } from '../crypto/signature-schemes.js';
import type { CertifiedKey } from './config.js';

const CURVE_GROUP: Record<string, number> = { prime256v1: 0x0017, secp384r1: 0x0018, secp521r1: 0x0019 };

/** An ECDSA key's curve must be among `groups` (RFC 8422 5.1.1); other keys always pass. */
export function curveAllowed(key: KeyHandle, groups: readonly number[]): boolean {
  if (key.asymmetricKeyType !== 'ec') return true;
  const g = CURVE_GROUP[key.asymmetricKeyDetails?.namedCurve ?? ''];
  return g !== undefined && groups.includes(g);
}

function isSha1(scheme: number): boolean {
  return scheme >> 8 === 0x02;
}

/**
 * The first scheme in our order that the peer accepts and the key's type can
 * make. In TLS 1.2 an ECDSA scheme names only the hash, and OpenSSL 3.0 does
 * not prefer the one matching the curve: a P-384 key signs with
 * ecdsa_secp256r1_sha256 when that comes first (`openssl s_client` reports
 * "Peer signing digest: SHA256" against `openssl s_server` with such a key).
 */
export function chooseScheme12(key: KeyHandle, peerSchemes: readonly number[], preference: readonly number[]): number | null {
  return preference.find((s) => !isSha1(s) && peerSchemes.includes(s) && keyFitsScheme(s, key, false)) ?? null;
}

export function selectCertificate12(
  certs: readonly CertifiedKey[],
  peerSchemes: readonly number[],
  preference: readonly number[],
  keyFilter: (key: KeyHandle) => boolean = () => true,
): { cert: CertifiedKey; scheme: number } | null {
  for (const cert of certs) {
    if (!keyFilter(cert.key)) continue;
    const scheme = chooseScheme12(cert.key, peerSchemes, preference);
    if (scheme !== null) return { cert, scheme };
  }
  return null;
}
