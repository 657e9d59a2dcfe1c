// Certificate path building and validation, reproducing the verdicts (error
// codes, messages and the order checks happen in) of OpenSSL 3.0's
// X509_verify_cert as CPython configures it: X509_V_FLAG_TRUSTED_FIRST, no
// partial chains, security level 2, hostname flags NO_PARTIAL_WILDCARDS.
import { SSLCertVerificationError } from '../ssl/errors.js';
import { type Certificate, keySecurityBits, parseCertificate } from './certificate.js';
import { matchDnsName, matchIpAddress, parseIpAddress } from './hostname.js';
import { OID } from './oids.js';
import { checkNameConstraints } from './constraints.js';

/** X509_V_ERR_* codes this module reports. */
export const X509_V = {
  OK: 0,
  UNABLE_TO_GET_ISSUER_CERT: 2,
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 6,
  CERT_SIGNATURE_FAILURE: 7,
  CERT_NOT_YET_VALID: 9,
  CERT_HAS_EXPIRED: 10,
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 13,
  ERROR_IN_CERT_NOT_AFTER_FIELD: 14,
  DEPTH_ZERO_SELF_SIGNED_CERT: 18,
  SELF_SIGNED_CERT_IN_CHAIN: 19,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 20,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 21,
  CERT_CHAIN_TOO_LONG: 22,
  PATH_LENGTH_EXCEEDED: 25,
  INVALID_PURPOSE: 26,
  KEYUSAGE_NO_CERTSIGN: 32,
  UNHANDLED_CRITICAL_EXTENSION: 34,
  PERMITTED_VIOLATION: 47,
  EXCLUDED_VIOLATION: 48,
  SUBTREE_MINMAX: 49,
  UNSUPPORTED_CONSTRAINT_TYPE: 51,
  UNSUPPORTED_NAME_SYNTAX: 53,
  HOSTNAME_MISMATCH: 62,
  IP_ADDRESS_MISMATCH: 64,
  EE_KEY_TOO_SMALL: 66,
  CA_KEY_TOO_SMALL: 67,
  CA_MD_TOO_WEAK: 68,
  INVALID_CA: 79,
} as const;

// X509_verify_cert_error_string() texts of OpenSSL 3.0.
const MESSAGES: Readonly<Record<number, string>> = {
  0: 'ok',
  2: 'unable to get issuer certificate',
  6: 'unable to decode issuer public key',
  7: 'certificate signature failure',
  9: 'certificate is not yet valid',
  10: 'certificate has expired',
  13: "format error in certificate's notBefore field",
  14: "format error in certificate's notAfter field",
  18: 'self-signed certificate',
  19: 'self-signed certificate in certificate chain',
  20: 'unable to get local issuer certificate',
  21: 'unable to verify the first certificate',
  22: 'certificate chain too long',
  25: 'path length constraint exceeded',
  26: 'unsuitable certificate purpose',
  32: 'key usage does not include certificate signing',
  34: 'unhandled critical extension',
  1: 'unspecified certificate verification error',
  17: 'out of memory',
  47: 'permitted subtree violation',
  48: 'excluded subtree violation',
  49: 'name constraints minimum and maximum not supported',
  51: 'unsupported name constraint type',
  53: 'unsupported or invalid name syntax',
  62: 'hostname mismatch',
  64: 'IP address mismatch',
  66: 'EE certificate key too weak',
  67: 'CA certificate key too weak',
  68: 'CA signature digest algorithm too weak',
  79: 'invalid CA certificate',
};

/** OpenSSL's text for a verification result code. */
export function verifyErrorString(code: number): string {
  return MESSAGES[code] ?? 'unspecified certificate verification error';
}

// TLS alert numbers.
const BAD_CERTIFICATE = 42;
const UNSUPPORTED_CERTIFICATE = 43;
const CERTIFICATE_EXPIRED = 45;
const CERTIFICATE_UNKNOWN = 46;
const UNKNOWN_CA = 48;
const DECRYPT_ERROR = 51;

// OpenSSL's ssl_x509err2alert table (codes not listed map to certificate_unknown).
const ALERTS: Readonly<Record<number, number>> = {
  1: 80, // unspecified -> internal_error
  17: 80, // out of memory -> internal_error
  2: UNKNOWN_CA,
  4: BAD_CERTIFICATE,
  6: BAD_CERTIFICATE,
  7: DECRYPT_ERROR,
  9: BAD_CERTIFICATE,
  10: CERTIFICATE_EXPIRED,
  13: BAD_CERTIFICATE,
  14: BAD_CERTIFICATE,
  18: UNKNOWN_CA,
  19: UNKNOWN_CA,
  20: UNKNOWN_CA,
  21: UNKNOWN_CA,
  22: UNKNOWN_CA,
  23: 44, // certificate_revoked
  25: UNKNOWN_CA,
  26: UNSUPPORTED_CERTIFICATE,
  27: BAD_CERTIFICATE,
  28: BAD_CERTIFICATE,
  50: 40, // application verification -> handshake_failure
  62: BAD_CERTIFICATE,
  63: BAD_CERTIFICATE,
  64: BAD_CERTIFICATE,
  65: BAD_CERTIFICATE,
  66: BAD_CERTIFICATE,
  67: BAD_CERTIFICATE,
  68: BAD_CERTIFICATE,
  79: UNKNOWN_CA,
  94: BAD_CERTIFICATE,
};

/** The TLS alert OpenSSL sends when peer verification fails with `code`. */
export function alertForVerifyError(code: number): number {
  return ALERTS[code] ?? CERTIFICATE_UNKNOWN;
}

export interface VerifyOptions {
  /** Server name to check (IP literals are checked against iPAddress names). */
  hostname?: string | null;
  /** Validation time; defaults to now. */
  time?: Date;
  /** Required use of the leaf: 'serverAuth' when verifying servers, 'clientAuth' for clients. Omitted: no purpose check. */
  purpose?: 'serverAuth' | 'clientAuth';
  /** Python's hostname_checks_common_name (default true). */
  hostnameChecksCommonName?: boolean;
  /** OpenSSL security level for keys and signature digests (default 2, CPython's; 0 disables). */
  securityLevel?: number;
  /** Maximum number of intermediate certificates (OpenSSL's verify depth, default 100). */
  maxDepth?: number;
}

function fail(code: number, message?: string): never {
  throw new SSLCertVerificationError(code, message ?? verifyErrorString(code));
}

const MIN_BITS = [80, 112, 128, 192, 256];

function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

/** X509_check_akid: does `subject`'s authority key identifier allow `issuer`? */
function akidMatches(issuer: Certificate, subject: Certificate): boolean {
  if (subject.aki && issuer.ski && !bytesEq(subject.aki, issuer.ski)) return false;
  if (subject.akiSerial && (issuer.serialNegative || !bytesEq(subject.akiSerial, issuer.serialBytes))) return false;
  const dirName = subject.akiIssuerNames[0];
  if (dirName && dirName.canon !== issuer.issuer.canon) return false;
  return true;
}

/** ossl_x509_likely_issued: names, key identifiers and key type agree (no signature check). */
function likelyIssued(issuer: Certificate, subject: Certificate): boolean {
  if (issuer.subject.canon !== subject.issuer.canon) return false;
  if (!akidMatches(issuer, subject)) return false;
  const key = issuer.tryPublicKey();
  return key !== null && subject.signatureKeyTypeMatches(key);
}

/** OpenSSL's EXFLAG_SS: self-issued with consistent key identifier and key type. */
function selfSigned(c: Certificate): boolean {
  return c.selfIssued && likelyIssued(c, c);
}

/** X509_cmp_time at one-second precision: -1 if t <= now, 1 if later, 0 if t is malformed. */
function cmpTime(t: Date, now: number): number {
  const ms = t.getTime();
  if (Number.isNaN(ms)) return 0;
  return Math.floor(ms / 1000) <= Math.floor(now / 1000) ? -1 : 1;
}

function timeValid(c: Certificate, now: number): boolean {
  return cmpTime(c.notBefore, now) < 0 && cmpTime(c.notAfter, now) > 0;
}

/** Among issuer candidates, the first currently valid one, else the one expiring last. */
function pickIssuer(cands: Certificate[], now: number): Certificate | undefined {
  let best: Certificate | undefined;
  for (const c of cands) {
    if (timeValid(c, now)) return c;
    if (!best || c.notAfter.getTime() > best.notAfter.getTime()) best = c;
  }
  return best;
}

/** X509_check_ca: 0 = not a CA, 1 = basicConstraints CA, 3 = v1 self-signed root, 4 = keyUsage-only CA. */
function checkCa(c: Certificate): number {
  if (c.hasInvalidExtensions) return 0;
  if (c.keyUsage && !c.keyUsage.includes('keyCertSign')) return 0;
  if (c.isCA !== null) return c.isCA ? 1 : 0;
  if (c.version === 1 && selfSigned(c)) return 3;
  if (c.keyUsage) return 4;
  return 0;
}

/** X509_check_purpose for the SSL server/client purposes; -1 means "cannot tell". */
function checkPurpose(c: Certificate, purpose: 'serverAuth' | 'clientAuth', requireCa: boolean): number {
  if (c.hasInvalidExtensions) return -1;
  const eku = c.extKeyUsage;
  if (purpose === 'serverAuth') {
    if (eku && !eku.some((o) => o === OID.ekuServerAuth || o === OID.ekuNsSGC || o === OID.ekuMsSGC)) return 0;
    if (requireCa) return checkCa(c) !== 0 ? 1 : 0;
    const ku = c.keyUsage;
    if (ku && !ku.some((u) => u === 'digitalSignature' || u === 'keyEncipherment' || u === 'keyAgreement')) return 0;
    return 1;
  }
  if (eku && !eku.includes(OID.ekuClientAuth)) return 0;
  if (requireCa) return checkCa(c) !== 0 ? 1 : 0;
  const ku = c.keyUsage;
  if (ku && !ku.some((u) => u === 'digitalSignature' || u === 'keyAgreement')) return 0;
  return 1;
}

interface Link {
  cert: Certificate;
  trusted: boolean;
}

/** Builds the chain leaf -> trust anchor the way OpenSSL does with trusted-first lookup. */
function buildChain(leaf: Certificate, untrustedIn: Certificate[], store: Certificate[], now: number, maxDepth: number): Link[] {
  const chain: Link[] = [{ cert: leaf, trusted: false }];
  const untrusted = [...untrustedIn];
  let searchUntrusted = true;
  for (;;) {
    const top = chain[chain.length - 1]!;
    if (chain.length > maxDepth + 1) break;
    const topSelfSigned = selfSigned(top.cert);

    // Trust store first.
    const cands = store.filter((t) => likelyIssued(t, top.cert));
    const found = pickIssuer(cands, now);
    if (found) {
      if (!topSelfSigned) {
        chain.push({ cert: found, trusted: true });
        searchUntrusted = false;
        if (selfSigned(found)) return chain;
        continue;
      }
      // A self-signed certificate is only trusted if the store holds that exact certificate.
      if (!top.trusted && bytesEq(found.der, top.cert.der)) {
        chain[chain.length - 1] = { cert: found, trusted: true };
        return chain;
      }
    }
    if (top.trusted && topSelfSigned) return chain;

    // Then the certificates the peer sent.
    if (searchUntrusted && !topSelfSigned) {
      const fromPeer = untrusted.filter((u) => likelyIssued(u, top.cert) && !chain.some((l) => l.cert === u));
      const next = pickIssuer(fromPeer, now);
      if (next) {
        untrusted.splice(untrusted.indexOf(next), 1);
        chain.push({ cert: next, trusted: false });
        continue;
      }
    }
    break;
  }

  const top = chain[chain.length - 1]!;
  if (chain.length > maxDepth + 1) fail(X509_V.CERT_CHAIN_TOO_LONG);
  if (selfSigned(top.cert)) {
    fail(chain.length === 1 ? X509_V.DEPTH_ZERO_SELF_SIGNED_CERT : X509_V.SELF_SIGNED_CERT_IN_CHAIN);
  }
  if (chain.some((l) => l.trusted)) fail(X509_V.UNABLE_TO_GET_ISSUER_CERT);
  fail(X509_V.UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

function checkExtensions(chain: Link[], purpose: VerifyOptions['purpose']): void {
  let plen = 0;
  for (let i = 0; i < chain.length; i++) {
    const x = chain[i]!.cert;
    if (x.hasUnhandledCritical) fail(X509_V.UNHANDLED_CRITICAL_EXTENSION);
    if (i > 0) {
      // Intermediates need a real basicConstraints CA; the anchor may also be a legacy CA.
      const ca = checkCa(x);
      if (ca === 0 || (i + 1 < chain.length && ca !== 1)) fail(X509_V.INVALID_CA);
    }
    if (purpose && checkPurpose(x, purpose, i > 0) === 0) fail(X509_V.INVALID_PURPOSE);
    if (i > 1 && x.pathLen !== null && plen > x.pathLen) fail(X509_V.PATH_LENGTH_EXCEEDED);
    if (i > 0 && !x.selfIssued) plen++;
  }
}

function checkSecurityLevel(chain: Link[], level: number): void {
  if (level <= 0) return;
  const min = MIN_BITS[Math.min(level, 5) - 1]!;
  for (let i = 0; i < chain.length; i++) {
    const x = chain[i]!.cert;
    if (i > 0) {
      const key = x.tryPublicKey();
      if (!key || keySecurityBits(key) < min) fail(X509_V.CA_KEY_TOO_SMALL);
    }
    // The anchor's own signature is never relied upon, so its digest is not rated.
    if (i < chain.length - 1 && x.signatureSecurityBits < min) fail(X509_V.CA_MD_TOO_WEAK);
  }
}

function checkTime(c: Certificate, now: number): void {
  const nb = cmpTime(c.notBefore, now);
  if (nb === 0) fail(X509_V.ERROR_IN_CERT_NOT_BEFORE_FIELD);
  if (nb > 0) fail(X509_V.CERT_NOT_YET_VALID);
  const na = cmpTime(c.notAfter, now);
  if (na === 0) fail(X509_V.ERROR_IN_CERT_NOT_AFTER_FIELD);
  if (na < 0) fail(X509_V.CERT_HAS_EXPIRED);
}

/** Signatures and validity periods, checked from the anchor down to the leaf. */
function checkSignaturesAndTimes(chain: Link[], now: number): void {
  let n = chain.length - 1;
  let issuer = chain[n]!.cert;
  let subject: Certificate;
  if (likelyIssued(issuer, issuer)) {
    subject = issuer;
  } else {
    if (n <= 0) fail(X509_V.UNABLE_TO_VERIFY_LEAF_SIGNATURE);
    n--;
    subject = chain[n]!.cert;
  }
  for (;;) {
    // A self-signed anchor's own signature is not checked (it is trusted as such).
    if (subject !== issuer) {
      if (issuer.keyUsage && !issuer.keyUsage.includes('keyCertSign')) fail(X509_V.KEYUSAGE_NO_CERTSIGN);
      const key = issuer.tryPublicKey();
      if (!key) fail(X509_V.UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY);
      if (!subject.verifySignedBy(key)) fail(X509_V.CERT_SIGNATURE_FAILURE);
    }
    checkTime(subject, now);
    if (--n < 0) return;
    issuer = subject;
    subject = chain[n]!.cert;
  }
}

// Trust stores are passed again on every handshake; parse each anchor once.
const anchorCache = new WeakMap<Uint8Array, Certificate>();

function parseTrusted(der: Uint8Array): Certificate {
  let c = anchorCache.get(der);
  if (!c) {
    c = parseCertificate(der);
    anchorCache.set(der, c);
  }
  return c;
}

/**
 * Validates a peer's certificate list against trust anchors.
 *
 * `presented` is the list as received (leaf first; further certificates in
 * any order, unused ones ignored); `trusted` are the anchors (DER). Returns
 * the verified chain as DER from leaf to anchor. Failures throw
 * SSLCertVerificationError with OpenSSL's code and message; malformed
 * certificates throw SSLError.
 */
export function verifyChain(presented: Uint8Array[], trusted: Uint8Array[], opts: VerifyOptions = {}): Uint8Array[] {
  if (presented.length === 0) fail(X509_V.UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  const now = (opts.time ?? new Date()).getTime();
  const level = opts.securityLevel ?? 2;
  const maxDepth = opts.maxDepth ?? 100;
  const leaf = parseCertificate(presented[0]!);
  const extras = presented.slice(1).map(parseCertificate);
  const store = trusted.map(parseTrusted);

  if (level > 0) {
    const key = leaf.tryPublicKey();
    if (!key || keySecurityBits(key) < MIN_BITS[Math.min(level, 5) - 1]!) fail(X509_V.EE_KEY_TOO_SMALL);
  }
  const chain = buildChain(leaf, extras, store, now, maxDepth);
  checkExtensions(chain, opts.purpose);
  checkSecurityLevel(chain, level);

  const hostname = opts.hostname;
  if (hostname !== undefined && hostname !== null) {
    const ip = parseIpAddress(hostname);
    if (ip) {
      if (!matchIpAddress(leaf, ip)) {
        fail(X509_V.IP_ADDRESS_MISMATCH, `IP address mismatch, certificate is not valid for '${hostname}'.`);
      }
    } else if (!matchDnsName(leaf, hostname, { checkCommonName: opts.hostnameChecksCommonName ?? true })) {
      fail(X509_V.HOSTNAME_MISMATCH, `Hostname mismatch, certificate is not valid for '${hostname}'.`);
    }
  }

  checkSignaturesAndTimes(chain, now);
  const nc = checkNameConstraints(chain.map((l) => l.cert), opts.hostnameChecksCommonName ?? true);
  if (nc !== 0) fail(nc);
  return chain.map((l) => l.cert.der);
}
