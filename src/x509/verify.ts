// Certificate path building and validation, reproducing the verdicts (error
// codes, messages and the order checks happen in) of OpenSSL 3.0's
// X509_verify_cert as CPython configures it: security level 2, hostname
// flags NO_PARTIAL_WILDCARDS, and the context's verify flags
// (VERIFY_X509_TRUSTED_FIRST by default, PARTIAL_CHAIN, X509_STRICT,
// CRL_CHECK_LEAF / CRL_CHECK_CHAIN).
import type { CryptoProvider } from '../crypto/provider.js';
import { getDefaultCryptoProvider } from '../crypto/default-provider.js';
import { SSLCertVerificationError } from '../errors.js';
import { type Certificate, keySecurityBits, parseCertificate } from './certificate.js';
import { type Crl, REASON_REMOVE_FROM_CRL } from './crl.js';
import { matchDnsName, matchIpAddress, parseIpAddress } from './hostname.js';
import { type GeneralName, type ParsedName, appendRdn } from './names.js';
import type { DerNode } from './asn1.js';
import { ALL_REASONS } from './extension-checks.js';
import { OID } from './oids.js';
import { checkNameConstraints } from './constraints.js';
import { webpkiViolation } from './webpki.js';
import { akidMatches, bytesEq, likelyIssued, selfSigned } from './issuer-match.js';
import { webpkiPaths } from './webpki-paths.js';
import { TrustStore, trustStoreFor } from './store.js';
import { X509_V, V_FLAG, verifyErrorString } from './verify-errors.js';

export { X509_V, V_FLAG, verifyErrorString, alertForVerifyError } from './verify-errors.js';



export interface VerifyOptions {
  /** Server name to check (an IP literal here is checked against iPAddress names, as Python does). */
  hostname?: string | null;
  /** IP address (text) the leaf must name. */
  ip?: string | null;
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
  /** X509_V_FLAG_* bits, i.e. Python's VerifyFlags (default VERIFY_X509_TRUSTED_FIRST). */
  flags?: number;
  /** CRLs to use besides the trust store's. */
  crls?: readonly Uint8Array[];
  /** Hashed directories searched for issuers and CRLs by subject-name hash. */
  capaths?: readonly string[];
  /** The crypto provider that loads keys and checks signatures (default: getDefaultCryptoProvider()). */
  provider?: CryptoProvider;
}

function fail(code: number, message?: string): never {
  throw new SSLCertVerificationError(code, message ?? verifyErrorString(code));
}

const MIN_BITS = [80, 112, 128, 192, 256];

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

/** State of one verification, like X509_STORE_CTX. */
interface Ctx {
  chain: Certificate[];
  /** How many certificates at the bottom of the chain did not come from the trust store. */
  numUntrusted: number;
  store: TrustStore;
  now: number;
  flags: number;
  depth: number;
  extraCrls: Crl[];
  provider: CryptoProvider;
}

/** get1_trusted_issuer: the store's best issuer of `x`. */
function trustedIssuer(ctx: Ctx, x: Certificate): Certificate | undefined {
  return pickIssuer(ctx.store.bySubject(x.issuer).filter((c) => likelyIssued(c, x)), ctx.now);
}

/** find_issuer over the peer's certificates. */
function untrustedIssuer(ctx: Ctx, sk: Certificate[], x: Certificate): Certificate | undefined {
  let best: Certificate | undefined;
  for (const c of sk) {
    if (!likelyIssued(c, x)) continue;
    if (!((x.selfIssued && ctx.chain.length === 1) || !ctx.chain.includes(c))) continue;
    if (timeValid(c, ctx.now)) return c;
    if (!best || c.notAfter.getTime() > best.notAfter.getTime()) best = c;
  }
  return best;
}

/** check_trust: is the chain anchored, looking at store certificates from index `from` up? */
function checkTrust(ctx: Ctx, from: number): boolean {
  const { chain } = ctx;
  // Without auxiliary trust settings, a store certificate is an anchor when self-signed.
  for (let i = from; i < chain.length; i++) {
    const x = chain[i]!;
    if (!x.hasInvalidExtensions && selfSigned(x)) return true;
  }
  const partial = (ctx.flags & V_FLAG.PARTIAL_CHAIN) !== 0;
  if (from < chain.length) return partial;
  if (partial) {
    // Last resort: the leaf itself is in the store.
    const leaf = chain[0]!;
    const mx = ctx.store.bySubject(leaf.subject).find((c) => bytesEq(c.der, leaf.der));
    if (mx) {
      chain[0] = mx;
      ctx.numUntrusted = 0;
      return true;
    }
  }
  return false;
}

const S_UNTRUSTED = 1;
const S_TRUSTED = 2;
const S_ALTERNATE = 4;

/**
 * build_chain: extends the chain from the leaf with the peer's certificates
 * and the store's, trusted-first unless that flag is cleared, in which case
 * OpenSSL's alternate-chain search may drop untrusted certificates to reach
 * a trust anchor through the store instead.
 */
function buildChain(ctx: Ctx, untrusted: Certificate[]): void {
  const { chain } = ctx;
  let search = S_UNTRUSTED;
  let mayAlternate = false;
  if (ctx.flags & V_FLAG.TRUSTED_FIRST) search |= S_TRUSTED;
  else if (!(ctx.flags & V_FLAG.NO_ALT_CHAINS)) mayAlternate = true;
  const sk = [...untrusted];
  const maxDepth = ctx.depth + 1;
  let trusted = false;
  let altUntrusted = 0;

  while (search !== 0) {
    let num = chain.length;
    if (search & S_TRUSTED) {
      const i = search & S_ALTERNATE ? altUntrusted : num;
      const curr = chain[i - 1]!;
      const issuer = num > maxDepth ? undefined : trustedIssuer(ctx, curr);
      if (issuer) {
        let ss = selfSigned(curr);
        let ok = true;
        if (search & S_ALTERNATE) {
          // A store issuer for a certificate further down: drop what the peer's chain put above it.
          search &= ~S_ALTERNATE;
          chain.length = i;
          num = i;
          ctx.numUntrusted = num;
        }
        if (!ss) {
          chain.push(issuer);
          ss = selfSigned(issuer);
        } else if (!bytesEq(curr.der, issuer.der)) {
          ok = false; // a self-signed look-alike of a store certificate
        } else {
          num--;
          ctx.numUntrusted = num;
          chain[num] = issuer;
        }
        if (ok) {
          search &= ~S_UNTRUSTED;
          trusted = checkTrust(ctx, num);
          if (trusted) break;
          if (!ss) continue;
        }
      }
      if (!(search & S_UNTRUSTED)) {
        if (search & S_ALTERNATE && --altUntrusted > 0) continue;
        if (!mayAlternate || search & S_ALTERNATE || ctx.numUntrusted < 2) break;
        search |= S_ALTERNATE;
        altUntrusted = ctx.numUntrusted - 1;
      }
    }
    if (search & S_UNTRUSTED) {
      num = chain.length;
      const curr = chain[num - 1]!;
      const issuer = selfSigned(curr) || num > maxDepth ? undefined : untrustedIssuer(ctx, sk, curr);
      if (!issuer) {
        search &= ~S_UNTRUSTED;
        search |= S_TRUSTED;
        continue;
      }
      sk.splice(sk.indexOf(issuer), 1);
      chain.push(issuer);
      ctx.numUntrusted++;
    }
  }

  const num = chain.length;
  if (!trusted && num <= maxDepth && num === ctx.numUntrusted) trusted = checkTrust(ctx, num);
  if (trusted) return;
  if (num > maxDepth) fail(X509_V.CERT_CHAIN_TOO_LONG);
  if (selfSigned(chain[num - 1]!)) {
    fail(num === 1 ? X509_V.DEPTH_ZERO_SELF_SIGNED_CERT : X509_V.SELF_SIGNED_CERT_IN_CHAIN);
  }
  fail(ctx.numUntrusted < num ? X509_V.UNABLE_TO_GET_ISSUER_CERT : X509_V.UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

function nameEntryCount(n: { rdns: readonly (readonly unknown[])[] }): number {
  return n.rdns.reduce((k, r) => k + r.length, 0);
}

/** The RFC 5280 profile checks OpenSSL adds under X509_V_FLAG_X509_STRICT (and the WebPKI profile implies). */
function strictChecks(x: Certificate, i: number, num: number, webpki: boolean): void {
  const isCa = x.isCA === true && !x.hasInvalidExtensions;
  const ku = x.keyUsage;
  if (x.pathLen !== null) {
    if (!isCa) fail(X509_V.PATHLEN_INVALID_FOR_NON_CA);
    if (!ku?.includes('keyCertSign')) fail(X509_V.PATHLEN_WITHOUT_KU_KEY_CERT_SIGN);
  }
  if (isCa && !x.isCritical(OID.basicConstraints)) fail(X509_V.CA_BCONS_NOT_CRITICAL);
  if (isCa) {
    // Browsers and the Baseline Requirements' users accept CAs without keyUsage.
    if (!ku && !webpki) fail(X509_V.CA_CERT_MISSING_KEY_USAGE);
  } else if (ku?.includes('keyCertSign')) {
    fail(X509_V.KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA);
  }
  if (nameEntryCount(x.issuer) === 0) fail(X509_V.ISSUER_NAME_EMPTY);
  const subjectEmpty = nameEntryCount(x.subject) === 0;
  if ((isCa || ku?.includes('cRLSign') || !x.hasSubjectAltName) && subjectEmpty) fail(X509_V.SUBJECT_NAME_EMPTY);
  if (subjectEmpty && x.hasSubjectAltName && !x.isCritical(OID.subjectAltName)) fail(X509_V.EMPTY_SUBJECT_SAN_NOT_CRITICAL);
  if (x.hasSubjectAltName && x.subjectAltNames.length === 0) fail(X509_V.EMPTY_SUBJECT_ALT_NAME);
  if (!x.sigAlgMatchesTbs) fail(X509_V.SIGNATURE_ALGORITHM_INCONSISTENCY);
  if (x.hasExtension(OID.authorityKeyIdentifier) && x.isCritical(OID.authorityKeyIdentifier)) fail(X509_V.AUTHORITY_KEY_IDENTIFIER_CRITICAL);
  if (x.ski && x.isCritical(OID.subjectKeyIdentifier)) fail(X509_V.SUBJECT_KEY_IDENTIFIER_CRITICAL);
  if (x.version >= 3) {
    if (i + 1 < num && !x.aki) fail(X509_V.MISSING_AUTHORITY_KEY_IDENTIFIER);
    if (isCa && !x.ski) fail(X509_V.MISSING_SUBJECT_KEY_IDENTIFIER);
  } else if (x.extensions.length > 0) {
    fail(X509_V.EXTENSIONS_REQUIRE_VERSION_3);
  }
}

/** check_extensions: critical extensions, CA markings, purpose and path lengths. */
function checkExtensions(ctx: Ctx, purpose: VerifyOptions['purpose']): void {
  const { chain } = ctx;
  const webpki = (ctx.flags & V_FLAG.WEBPKI) !== 0;
  const strict = (ctx.flags & V_FLAG.X509_STRICT) !== 0 || webpki;
  const num = chain.length;
  let plen = 0;
  for (let i = 0; i < num; i++) {
    const x = chain[i]!;
    if (x.hasUnhandledCritical) fail(X509_V.UNHANDLED_CRITICAL_EXTENSION);
    const ca = checkCa(x);
    if (i === 0) {
      if (strict && ca !== 1 && ca !== 0) fail(X509_V.INVALID_CA);
    } else if (ca === 0 || ((i + 1 < num || strict) && ca !== 1)) {
      // Intermediates need a real basicConstraints CA; the anchor may also be a legacy CA.
      fail(X509_V.INVALID_CA);
    }
    // Spelled-out curve parameters (CVE-2020-0601-style curve substitution): OpenSSL 3.0 refuses them under every flag set once there is an issuer.
    if (num > 1 && x.ecExplicitParams) fail(X509_V.EC_KEY_EXPLICIT_PARAMS);
    if (strict && num > 1) strictChecks(x, i, num, webpki);
    if (purpose) {
      const r = checkPurpose(x, purpose, i > 0);
      if (r === 0 || (r < 0 && strict)) fail(X509_V.INVALID_PURPOSE);
    }
    if (i > 1 && x.pathLen !== null && plen > x.pathLen) fail(X509_V.PATH_LENGTH_EXCEEDED);
    if (i > 0 && !x.selfIssued) plen++;
  }
}

function checkSecurityLevel(chain: Certificate[], level: number, provider: CryptoProvider): void {
  if (level <= 0) return;
  const min = MIN_BITS[Math.min(level, 5) - 1]!;
  for (let i = 0; i < chain.length; i++) {
    const x = chain[i]!;
    if (i > 0) {
      const key = x.tryPublicKey(provider);
      if (!key || keySecurityBits(key) < min) fail(X509_V.CA_KEY_TOO_SMALL);
    }
    // The anchor's own signature is never relied upon, so its digest is not rated.
    if (i < chain.length - 1 && x.signatureSecurityBits < min) fail(X509_V.CA_MD_TOO_WEAK);
  }
}

function checkTime(c: Certificate, now: number, inclusiveNotAfter: boolean): void {
  const nb = cmpTime(c.notBefore, now);
  if (nb === 0) fail(X509_V.ERROR_IN_CERT_NOT_BEFORE_FIELD);
  if (nb > 0) fail(X509_V.CERT_NOT_YET_VALID);
  // OpenSSL treats the notAfter second itself as expired; RFC 5280 4.1.2.5 includes it.
  const na = cmpTime(c.notAfter, inclusiveNotAfter ? now - 1000 : now);
  if (na === 0) fail(X509_V.ERROR_IN_CERT_NOT_AFTER_FIELD);
  if (na < 0) fail(X509_V.CERT_HAS_EXPIRED);
}

/** internal_verify: signatures and validity periods, from the anchor down to the leaf. */
function checkSignaturesAndTimes(ctx: Ctx): void {
  const { chain, now } = ctx;
  let n = chain.length - 1;
  let issuer = chain[n]!;
  let subject: Certificate;
  if (likelyIssued(issuer, issuer)) {
    subject = issuer;
  } else if (ctx.flags & V_FLAG.PARTIAL_CHAIN) {
    // A partial chain's anchor is trusted as it is: only its dates are checked.
    subject = issuer;
  } else {
    if (n <= 0) fail(X509_V.UNABLE_TO_VERIFY_LEAF_SIGNATURE);
    n--;
    subject = chain[n]!;
  }
  for (;;) {
    // A self-signed anchor's own signature is not checked (it is trusted as such).
    if (subject !== issuer) {
      if (issuer.keyUsage && !issuer.keyUsage.includes('keyCertSign')) fail(X509_V.KEYUSAGE_NO_CERTSIGN);
      const key = issuer.tryPublicKey(ctx.provider);
      if (!key) fail(X509_V.UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY);
      if (!subject.verifySignedBy(key, ctx.provider)) fail(X509_V.CERT_SIGNATURE_FAILURE);
    }
    checkTime(subject, now, (ctx.flags & V_FLAG.WEBPKI) !== 0);
    if (--n < 0) return;
    issuer = subject;
    subject = chain[n]!;
  }
}

// ------------------------------------------------------------------ CRLs

const CRL_SCORE_NOCRITICAL = 0x100;
const CRL_SCORE_SCOPE = 0x080;
const CRL_SCORE_TIME = 0x040;
const CRL_SCORE_ISSUER_NAME = 0x020;
const CRL_SCORE_VALID = CRL_SCORE_NOCRITICAL | CRL_SCORE_TIME | CRL_SCORE_SCOPE;
const CRL_SCORE_ISSUER_CERT = 0x018;
const CRL_SCORE_SAME_PATH = 0x008;
const CRL_SCORE_AKID = 0x004;

/** check_crl_time without reporting: 1 when current, otherwise the error it would report. */
function crlTimeError(crl: Crl, now: number): number {
  const lu = cmpTime(crl.thisUpdate.date, now);
  if (lu === 0) return X509_V.ERROR_IN_CRL_LAST_UPDATE_FIELD;
  if (lu > 0) return X509_V.CRL_NOT_YET_VALID;
  if (crl.nextUpdate) {
    const nu = cmpTime(crl.nextUpdate.date, now);
    if (nu === 0) return X509_V.ERROR_IN_CRL_NEXT_UPDATE_FIELD;
    if (nu < 0) return X509_V.CRL_HAS_EXPIRED;
  }
  return 0;
}

function sameGeneralName(a: GeneralName, b: GeneralName): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'DirName' && b.type === 'DirName') return a.name.canon === b.name.canon;
  if ('bytes' in a && 'bytes' in b) return bytesEq(a.bytes, b.bytes);
  return a.value === b.value;
}

/**
 * A distribution point's names as OpenSSL compares them: a name relative to
 * the CRL issuer becomes that issuer's name plus the RDN (DIST_POINT_set_dpname).
 * null: the point has no distributionPoint.
 */
function pointNames(fullNames: GeneralName[] | null, relativeName: DerNode | null, base: ParsedName): GeneralName[] | null {
  if (relativeName) {
    const name = appendRdn(base, relativeName);
    return [{ type: 'DirName', value: '', name }];
  }
  return fullNames;
}

/**
 * crl_crldp_check: does the CRL's scope cover `x`? null when it does not,
 * else the reasons it covers (those of the certificate's matching point).
 */
function crlScope(x: Certificate, crl: Crl, score: number): number | null {
  const idp = crl.idp;
  if (idp?.onlyAttr) return null;
  if (x.isCA === true && !x.hasInvalidExtensions) {
    if (idp?.onlyUser) return null;
  } else if (idp?.onlyCA) {
    return null;
  }
  const idpNames = idp ? pointNames(idp.fullNames, idp.relativeName, crl.issuer) : null;
  for (const dp of x.crlDistPoints) {
    // crldp_check_crlissuer: a point with a cRLIssuer names the CRL's issuer; one without needs the certificate's issuer.
    if (dp.crlIssuer ? !dp.crlIssuerNames.some((n) => n.canon === crl.issuer.canon) : !(score & CRL_SCORE_ISSUER_NAME)) continue;
    // idp_check_dp: a side without a distributionPoint matches anything.
    const dpNames = pointNames(dp.fullNames, dp.relativeName, dp.crlIssuerNames[0] ?? x.issuer);
    if (idpNames === null || dpNames === null || dpNames.some((a) => idpNames.some((b) => sameGeneralName(a, b)))) return dp.reasons;
  }
  return idpNames === null && (score & CRL_SCORE_ISSUER_NAME) !== 0 ? ALL_REASONS : null;
}

interface CrlChoice {
  crl: Crl;
  /** The chain certificate whose key signed the CRL (crl_akid_check). */
  issuer: Certificate;
  score: number;
  /** The reasons the CRL covers for this certificate (ALL_REASONS unless its distribution point lists some). */
  reasons: number;
}

/** get_crl_score + get_crl_sk: the best CRL for the certificate at `depth`. */
function findCrl(ctx: Ctx, depth: number): CrlChoice | null {
  const { chain } = ctx;
  const x = chain[depth]!;
  const candidates = [...ctx.extraCrls, ...ctx.store.crlsFor(x.issuer)];
  let best: CrlChoice | null = null;
  for (const crl of candidates) {
    if (crl.idpInvalid) continue;
    // Indirect CRLs, reason partitions and deltas need extended CRL support, which Python never enables.
    if (crl.idp && (crl.idp.indirect || crl.idp.hasReasons)) continue;
    if (crl.isDelta) continue;
    if (crl.issuer.canon !== x.issuer.canon) continue;
    let score = CRL_SCORE_ISSUER_NAME;
    if (!crl.hasUnhandledCritical) score |= CRL_SCORE_NOCRITICAL;
    if (crlTimeError(crl, ctx.now) === 0) score |= CRL_SCORE_TIME;
    // crl_akid_check: the CRL's signer is the certificate's issuer, or a same-named certificate further up.
    let issuer: Certificate | null = null;
    const cidx = depth === chain.length - 1 ? depth : depth + 1;
    if (akidMatches(chain[cidx]!, crl)) {
      score |= CRL_SCORE_AKID | CRL_SCORE_ISSUER_CERT;
      issuer = chain[cidx]!;
    } else {
      for (let k = cidx + 1; k < chain.length; k++) {
        const c = chain[k]!;
        if (c.subject.canon !== crl.issuer.canon || !akidMatches(c, crl)) continue;
        score |= CRL_SCORE_AKID | CRL_SCORE_SAME_PATH;
        issuer = c;
        break;
      }
    }
    if (!issuer) continue;
    const reasons = crlScope(x, crl, score);
    if (reasons !== null) {
      // In scope for no reason at all: get_crl_score drops the CRL.
      if (reasons === 0) continue;
      score |= CRL_SCORE_SCOPE;
    }
    if (best && score < best.score) continue;
    // An equally good CRL replaces the earlier one only when issued later.
    if (best && score === best.score && !(crl.thisUpdate.date.getTime() > best.crl.thisUpdate.date.getTime())) continue;
    best = { crl, issuer, score, reasons: reasons ?? ALL_REASONS };
  }
  return best;
}

/** check_crl: the chosen CRL itself must be usable. */
function checkCrl(ctx: Ctx, choice: CrlChoice): void {
  // Without extended CRL support OpenSSL only picks a CRL whose signer it found in the chain
  // (so its CRL_PATH_VALIDATION_ERROR and UNABLE_TO_GET_CRL_ISSUER cannot happen), and never
  // one with an invalid issuingDistributionPoint (so neither can INVALID_EXTENSION for it).
  const { crl, issuer } = choice;
  if (issuer.keyUsage && !issuer.keyUsage.includes('cRLSign')) fail(X509_V.KEYUSAGE_NO_CRL_SIGN);
  if (!(choice.score & CRL_SCORE_SCOPE)) fail(X509_V.DIFFERENT_CRL_SCOPE);
  if (ctx.flags & V_FLAG.WEBPKI && crl.crlNumber === null) fail(X509_V.INVALID_EXTENSION, 'WebPKI: CRL without a cRLNumber');
  if (!(choice.score & CRL_SCORE_TIME)) {
    const e = crlTimeError(crl, ctx.now);
    if (e) fail(e);
  }
  const key = issuer.tryPublicKey(ctx.provider);
  if (!key) fail(X509_V.UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY);
  if (!crl.verifySignedBy(key, ctx.provider)) fail(X509_V.CRL_SIGNATURE_FAILURE);
}

/** check_revocation: the leaf (CRL_CHECK) or every certificate (CRL_CHECK_ALL) needs a CRL that does not list it. */
function checkRevocation(ctx: Ctx): void {
  if (!(ctx.flags & V_FLAG.CRL_CHECK)) return;
  const last = ctx.flags & V_FLAG.CRL_CHECK_ALL ? ctx.chain.length - 1 : 0;
  for (let i = 0; i <= last; i++) {
    const x = ctx.chain[i]!;
    const choice = findCrl(ctx, i);
    if (!choice) fail(X509_V.UNABLE_TO_GET_CRL);
    checkCrl(ctx, choice);
    if (choice.crl.hasUnhandledCritical) fail(X509_V.UNHANDLED_CRITICAL_CRL_EXTENSION);
    const entry = choice.crl.entryFor(x.serialNegative ? -bytesToBigInt(x.serialBytes) : bytesToBigInt(x.serialBytes), x.issuer);
    if (entry && entry.reason !== REASON_REMOVE_FROM_CRL) fail(X509_V.CERT_REVOKED);
    // A CRL covering every reason was found, so the loop over reason partitions ends here.
    // A CRL for some reasons only (the certificate's distribution point lists
    // them) leaves the others unchecked, and no other CRL can add them without
    // extended CRL support: OpenSSL's next pass finds none.
    if (choice.score < CRL_SCORE_VALID || choice.reasons !== ALL_REASONS) fail(X509_V.UNABLE_TO_GET_CRL);
  }
}

function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

// ------------------------------------------------------------- entry points

function checkIdentity(leaf: Certificate, opts: VerifyOptions, webpki: boolean): void {
  const hostname = opts.hostname;
  if (hostname !== undefined && hostname !== null) {
    const ip = parseIpAddress(hostname);
    if (ip) {
      if (!matchIpAddress(leaf, ip)) {
        fail(X509_V.IP_ADDRESS_MISMATCH, `IP address mismatch, certificate is not valid for '${hostname}'.`);
      }
    } else if (!matchDnsName(leaf, hostname, { checkCommonName: (opts.hostnameChecksCommonName ?? true) && !webpki })) {
      fail(X509_V.HOSTNAME_MISMATCH, `Hostname mismatch, certificate is not valid for '${hostname}'.`);
    }
  }
  if (opts.ip !== undefined && opts.ip !== null) {
    const ip = parseIpAddress(opts.ip);
    if (!ip || !matchIpAddress(leaf, ip)) {
      fail(X509_V.IP_ADDRESS_MISMATCH, `IP address mismatch, certificate is not valid for '${opts.ip}'.`);
    }
  }
}

/**
 * X509_verify_cert over parsed certificates: `untrusted` are the peer's
 * certificates (the leaf may be among them), `store` the trust anchors and
 * CRLs. Returns the verified chain, leaf first, anchor last.
 */
export function verifyParsed(leaf: Certificate, untrusted: Certificate[], store: TrustStore, opts: VerifyOptions = {}): Certificate[] {
  const now = (opts.time ?? new Date()).getTime();
  const level = opts.securityLevel ?? 2;
  const ctx: Ctx = {
    chain: [leaf],
    numUntrusted: 1,
    store,
    now,
    flags: opts.flags ?? V_FLAG.TRUSTED_FIRST,
    depth: Math.min(opts.maxDepth ?? 100, 0x3fffffff),
    extraCrls: [],
    provider: opts.provider ?? getDefaultCryptoProvider(),
  };
  if (opts.crls) {
    for (const der of opts.crls) ctx.extraCrls.push(...new TrustStore([], [der]).crls);
  }
  if (level > 0) {
    const key = leaf.tryPublicKey(ctx.provider);
    if (!key || keySecurityBits(key) < MIN_BITS[Math.min(level, 5) - 1]!) fail(X509_V.EE_KEY_TOO_SMALL);
  }
  if (!(ctx.flags & V_FLAG.WEBPKI)) {
    buildChain(ctx, untrusted);
    validatePath(ctx, leaf, opts, level);
    return ctx.chain;
  }
  try {
    buildChain(ctx, untrusted);
    validatePath(ctx, leaf, opts, level);
    return ctx.chain;
  } catch (first) {
    if (!(first instanceof SSLCertVerificationError)) throw first;
    // The WebPKI profile tries the other ways up from the leaf (bounded), and
    // reports the OpenSSL-built chain's failure when none of them holds.
    const search = { store, untrusted, partial: (ctx.flags & V_FLAG.PARTIAL_CHAIN) !== 0, depth: ctx.depth };
    let tried = 0;
    for (const path of webpkiPaths(leaf, search)) {
      if (++tried > MAX_ALTERNATE_PATHS) break;
      const alt: Ctx = { ...ctx, chain: path, numUntrusted: path.length - 1 };
      try {
        validatePath(alt, leaf, opts, level);
        return alt.chain;
      } catch (e) {
        if (!(e instanceof SSLCertVerificationError)) throw e;
      }
    }
    throw first;
  }
}

/** Alternative chains the WebPKI profile validates at most (each costs a few signature checks). */
const MAX_ALTERNATE_PATHS = 16;

/** Everything X509_verify_cert checks once a chain is built (plus the WebPKI profile when asked). */
function validatePath(ctx: Ctx, leaf: Certificate, opts: VerifyOptions, level: number): void {
  const webpki = (ctx.flags & V_FLAG.WEBPKI) !== 0;
  checkExtensions(ctx, opts.purpose);
  checkSecurityLevel(ctx.chain, level, ctx.provider);
  if (webpki) {
    const v = webpkiViolation(ctx.chain);
    if (v) fail(v.code, v.message);
  }
  checkIdentity(leaf, opts, webpki);
  checkRevocation(ctx);
  checkSignaturesAndTimes(ctx);
  const nc = checkNameConstraints(ctx.chain, (opts.hostnameChecksCommonName ?? true) && !webpki);
  if (nc !== 0) fail(nc);
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
export function verifyChain(presented: Uint8Array[], trusted: readonly Uint8Array[], opts: VerifyOptions = {}): Uint8Array[] {
  if (presented.length === 0) fail(X509_V.UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  const certs = presented.map(parseCertificate);
  const store = trustStoreFor(trusted, [], opts.capaths ?? []);
  return verifyParsed(certs[0]!, certs, store, opts).map((c) => c.der);
}
