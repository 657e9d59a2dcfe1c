// Whether one certificate can be the issuer of another without checking a
// signature (OpenSSL's ossl_x509_likely_issued and X509_check_akid), shared
// by OpenSSL-style chain building and the WebPKI path search.
import type { Certificate } from './certificate.js';

export function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export interface AkidLike {
  aki: Uint8Array | null;
  akiSerial: Uint8Array | null;
  akiIssuerNames?: readonly { canon: string }[];
}

/** X509_check_akid: does this authority key identifier allow `issuer`? */
export function akidMatches(issuer: Certificate, akid: AkidLike): boolean {
  if (akid.aki && issuer.ski && !bytesEq(akid.aki, issuer.ski)) return false;
  if (akid.akiSerial && (issuer.serialNegative || !bytesEq(akid.akiSerial, issuer.serialBytes))) return false;
  const dirName = akid.akiIssuerNames?.[0];
  if (dirName && dirName.canon !== issuer.issuer.canon) return false;
  return true;
}

/** ossl_x509_likely_issued: names, key identifiers and key type agree (no signature check). */
export function likelyIssued(issuer: Certificate, subject: Certificate): boolean {
  if (issuer.subject.canon !== subject.issuer.canon) return false;
  // A certificate with a duplicated or undecodable extension can neither
  // issue nor be issued (OpenSSL: ossl_x509v3_cache_extensions fails), so
  // its chain ends there: nothing it says is ever read half-parsed.
  if (issuer.hasInvalidExtensions || subject.hasInvalidExtensions) return false;
  if (!akidMatches(issuer, subject)) return false;
  const key = issuer.tryPublicKey();
  return key !== null && subject.signatureKeyTypeMatches(key);
}

/** OpenSSL's EXFLAG_SS: self-issued with consistent key identifier and key type. */
export function selfSigned(c: Certificate): boolean {
  return c.selfIssued && likelyIssued(c, c);
}

