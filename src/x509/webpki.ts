// The WebPKI profile (VerifyFlags.VERIFY_X509_WEBPKI, an ssl-ts flag): what
// browsers, rustls-webpki and pyca/cryptography enforce beyond OpenSSL 3.0,
// from the CA/Browser Forum Baseline Requirements and the RFC 5280 MUSTs
// OpenSSL skips. It runs after OpenSSL's own checks, on the chain built the
// OpenSSL way, so every verdict OpenSSL refuses stays refused.
//
// Besides the checks here, the flag makes verify.ts
//   - apply X509_V_FLAG_X509_STRICT's checks, except that a CA may lack keyUsage,
//   - never fall back to the subject commonName for host names,
//   - treat notAfter as inclusive (RFC 5280 4.1.2.5),
//   - require a cRLNumber in every CRL it uses (RFC 5280 5.2.3).
import { type DerNode, TAG, expect, isContext, oidOf, parseDer, stringValue } from './asn1.js';
import type { Certificate } from './certificate.js';
import type { NameConstraints } from './constraints.js';
import { ipText, parseGeneralName } from './names.js';
import { isPublicSuffix } from './public-suffix.js';
import { OID } from './oids.js';
import { X509_V } from './verify-errors.js';

export interface WebpkiViolation {
  code: number;
  message: string;
}

const violation = (code: number, what: string): WebpkiViolation => ({ code, message: `WebPKI: ${what}` });

const ANY_EKU = '2.5.29.37.0';
const NAME_CHECK_MAX = 1 << 20;
// CABF 6.1.5/6.1.6: RSA moduli of at least 2048 bits, a whole number of octets; the NIST curves.
const CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** A DNS name's label syntax (LDH, 1-63 octets each, 253 at most); `*` allowed as a whole leftmost label when `wildcard`. */
export function validDnsName(bytes: Uint8Array, wildcard: boolean): boolean {
  if (bytes.length === 0 || bytes.length > 253) return false;
  const labels = Buffer.from(bytes).toString('latin1').split('.');
  return labels.every((l, i) => {
    if (wildcard && i === 0 && l === '*') return labels.length > 2;
    return l.length >= 1 && l.length <= 63 && /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(l);
  });
}

function count(x: Certificate, oid: string): number {
  return x.extensions.filter((e) => e.oid === oid).length;
}

function extensionNode(x: Certificate, oid: string): DerNode | null {
  const e = x.extensions.find((y) => y.oid === oid);
  if (!e) return null;
  try {
    return parseDer(e.value);
  } catch {
    return null;
  }
}

/** AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE { OID, GeneralName }. */
function aiaWellFormed(x: Certificate): boolean {
  const n = extensionNode(x, OID.authorityInfoAccess);
  if (!n) return false;
  try {
    const list = expect(n, TAG.SEQUENCE).children;
    if (list.length === 0) return false;
    for (const ad of list) {
      const kv = expect(ad, TAG.SEQUENCE).children;
      if (kv.length !== 2) return false;
      oidOf(kv[0]);
      parseGeneralName(kv[1]!);
    }
    return true;
  } catch {
    return false;
  }
}

/** The fields present in authorityKeyIdentifier. */
function akiFields(x: Certificate): { keyId: boolean; issuer: boolean; serial: boolean } | null {
  const n = extensionNode(x, OID.authorityKeyIdentifier);
  if (!n) return null;
  const f = { keyId: false, issuer: false, serial: false };
  for (const c of n.children) {
    if (isContext(c, 0)) f.keyId = true;
    else if (isContext(c, 1)) f.issuer = true;
    else if (isContext(c, 2)) f.serial = true;
  }
  return f;
}

/** Both subtree lists, as encoded: absent lists are null (an empty one is malformed). */
function subtreeLists(x: Certificate): { permitted: number | null; excluded: number | null } {
  const n = extensionNode(x, OID.nameConstraints);
  const out = { permitted: null as number | null, excluded: null as number | null };
  // (parseNameConstraints already refused anything but [0] and [1] here.)
  for (const c of n?.children ?? []) {
    if (c.tag === 0) out.permitted = c.children.length;
    else if (c.tag === 1) out.excluded = c.children.length;
  }
  return out;
}

function keyViolation(x: Certificate): WebpkiViolation | null {
  const key = x.tryPublicKey();
  if (!key) return violation(X509_V.UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY, 'public key cannot be read');
  const d = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss': {
      const bits = d.modulusLength ?? 0;
      if (bits < 2048 || bits % 8 !== 0) return violation(X509_V.EE_KEY_TOO_SMALL, `RSA modulus of ${bits} bits (2048 or more, a multiple of 8)`);
      return null;
    }
    case 'ec':
      return CURVES.has(d.namedCurve ?? '') ? null : violation(X509_V.EE_KEY_TOO_SMALL, `EC curve ${d.namedCurve ?? 'unknown'} is not P-256, P-384 or P-521`);
    case 'ed25519':
    case 'ed448':
      return null;
    default:
      return violation(X509_V.EE_KEY_TOO_SMALL, `${key.asymmetricKeyType ?? 'unknown'} keys are not allowed`);
  }
}

/** The checks every certificate of the chain gets. */
function certificateViolation(x: Certificate, i: number, last: number): WebpkiViolation | null {
  const leaf = i === 0;
  const INVALID = X509_V.INVALID_EXTENSION;
  if (x.version !== 3) return violation(INVALID, `certificate is version ${x.version}, not 3`);
  // RFC 5280 4.1.2.2: a positive integer of at most 20 octets. Trust
  // anchors are exempt: several long-trusted roots have serial 0 or negative ones.
  const serialOctets = x.serialBytes.length + (!x.serialNegative && (x.serialBytes[0] ?? 0) & 0x80 ? 1 : 0);
  if (i !== last && (x.serialNegative || x.serialBytes.every((b) => b === 0))) return violation(INVALID, 'serial number is not positive');
  if (i !== last && serialOctets > 20) return violation(INVALID, `serial number of ${serialOctets} octets (20 at most)`);
  const k = keyViolation(x);
  if (k) return leaf ? k : { ...k, code: X509_V.CA_KEY_TOO_SMALL };
  const seen = new Set<string>();
  for (const e of x.extensions) {
    if (seen.has(e.oid)) return violation(INVALID, `extension ${e.oid} appears twice`);
    seen.add(e.oid);
  }
  if (x.hasTrailingExtensionData) return violation(INVALID, 'extension value is not DER');
  if (count(x, OID.authorityInfoAccess) > 0 && !aiaWellFormed(x)) return violation(INVALID, 'malformed authorityInfoAccess');
  // Key identifiers: every certificate but a self-signed root names its
  // issuer's key; a root that has an AKI names its own. CABF forbids the
  // other AKI fields everywhere.
  const aki = akiFields(x);
  const root = i === last && x.selfIssued;
  if (aki && (aki.issuer || aki.serial)) return violation(INVALID, 'authorityKeyIdentifier has authorityCertIssuer or authorityCertSerialNumber');
  if (!root && !aki?.keyId && !(i === last && signedByOwnKey(x))) {
    return violation(X509_V.MISSING_AUTHORITY_KEY_IDENTIFIER, 'missing authorityKeyIdentifier keyIdentifier');
  }
  if (root && aki) {
    if (!aki.keyId) return violation(INVALID, 'authorityKeyIdentifier of a root without keyIdentifier');
    if (x.ski && !Buffer.from(x.aki!).equals(Buffer.from(x.ski))) return violation(INVALID, 'authorityKeyIdentifier of a root does not match its subjectKeyIdentifier');
  }
  if (x.hasExtension(OID.policyConstraints) && !x.isCritical(OID.policyConstraints)) return violation(INVALID, 'policyConstraints is not critical');
  if (x.hasExtension(OID.nameConstraints)) {
    // (The Baseline Requirements let CAs mark it non-critical, unlike RFC 5280 4.2.1.10.)
    if (leaf) return violation(INVALID, 'nameConstraints in an end-entity certificate');
    const lists = subtreeLists(x);
    if (lists.permitted === 0 || lists.excluded === 0 || (lists.permitted === null && lists.excluded === null)) {
      return violation(INVALID, 'nameConstraints without subtrees');
    }
    const nc = x.nameConstraints!;
    for (const st of [...nc.permitted, ...nc.excluded]) {
      if (st.base.type === 'DNS' && st.base.bytes.length > 0 && !validDnsName(st.base.bytes, false)) {
        return violation(INVALID, 'nameConstraints dNSName is not a valid DNS name');
      }
    }
  }
  if (leaf) {
    if (x.isCA === true) return violation(X509_V.INVALID_NON_CA, 'end-entity certificate is a CA');
    if (!x.hasSubjectAltName) return violation(INVALID, 'end-entity certificate without subjectAltName');
    // (An empty one is refused by the X509_STRICT checks the profile implies.)
    const subjectEmpty = x.subject.rdns.every((r) => r.length === 0);
    if (!subjectEmpty && x.isCritical(OID.subjectAltName)) return violation(INVALID, 'subjectAltName is critical although the subject is not empty');
    for (const g of x.subjectAltNames) {
      const text = 'bytes' in g ? Buffer.from(g.bytes).toString('latin1') : '';
      if (g.type === 'DNS' && !validDnsName(g.bytes, true)) return violation(INVALID, `subjectAltName dNSName ${JSON.stringify(text)} is not a valid DNS name`);
      if (g.type === 'DNS' && text.startsWith('*.') && isPublicSuffix(text.slice(2).toLowerCase())) {
        return violation(INVALID, `wildcard ${text} on a public suffix`);
      }
      if (g.type === 'IP' && g.bytes.length !== 4 && g.bytes.length !== 16) return violation(INVALID, 'subjectAltName iPAddress of a wrong length');
    }
    const cnViolation = commonNamesInSan(x);
    if (cnViolation) return cnViolation;
    const eku = x.extKeyUsage;
    if (eku === null) return violation(X509_V.INVALID_PURPOSE, 'end-entity certificate without extendedKeyUsage');
    if (eku.length === 0) return violation(X509_V.INVALID_PURPOSE, 'empty extendedKeyUsage');
    if (eku.includes(ANY_EKU)) return violation(X509_V.INVALID_PURPOSE, 'anyExtendedKeyUsage in an end-entity certificate');
    if (x.isCritical(OID.extKeyUsage)) return violation(X509_V.INVALID_PURPOSE, 'extendedKeyUsage is critical');
  } else if (root && x.extKeyUsage !== null) {
    return violation(X509_V.INVALID_PURPOSE, 'root certificate with extendedKeyUsage');
  }
  return null;
}

/**
 * RFC 5280 4.2.1.1 lets a CA that "distributes its public key in the form of
 * a self-signed certificate" omit the AKI: the key identifier exists to find
 * the issuer's key, and there is none to find. A trust anchor whose issuer
 * name differs from its subject but whose signature verifies under its own
 * key is such a certificate (x509-limbo's cve-2024-0567 root); one signed by
 * another CA's key is a cross-certificate and needs the AKI.
 */
function signedByOwnKey(x: Certificate): boolean {
  const key = x.tryPublicKey();
  return key !== null && x.signatureKeyTypeMatches(key) && x.verifySignedBy(key);
}

/** RFC 5952 text of an IPv6 address: lower-case, no leading zeros, the longest zero run as '::'. */
function ipv6Text(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * BR 7.1.4.3: a subject commonName, if present, holds one of the SAN values
 * exactly (a dNSName as written, an iPAddress as dotted quad or RFC 5952 text).
 */
function commonNamesInSan(x: Certificate): WebpkiViolation | null {
  const allowed = new Set<string>();
  for (const g of x.subjectAltNames) {
    if (g.type === 'DNS') allowed.add(Buffer.from(g.bytes).toString('latin1'));
    else if (g.type === 'IP') allowed.add(g.bytes.length === 16 ? ipv6Text(g.bytes) : ipText(g.bytes));
  }
  for (const rdn of x.subject.rdns) {
    for (const a of rdn) {
      if (a.oid !== OID.commonName) continue;
      let cn: string;
      try {
        cn = stringValue(a.value);
      } catch {
        return violation(X509_V.INVALID_EXTENSION, 'subject commonName cannot be read');
      }
      if (!allowed.has(cn)) return violation(X509_V.HOSTNAME_MISMATCH, `subject commonName ${JSON.stringify(cn)} is not one of the subjectAltName values`);
    }
  }
  return null;
}

/** The labels of `a` end with all the labels of `b` (case-insensitive). */
function within(a: string, b: string): boolean {
  return a === b || a.endsWith('.' + b);
}

/**
 * Name constraints against wildcard names (CVE-2025-61727): `*.X` stands for
 * every `L.X`, so it must lie wholly inside a permitted subtree and must not
 * reach into any excluded one.
 */
function wildcardViolation(leaf: Certificate, nc: NameConstraints): WebpkiViolation | null {
  const bases = (list: NameConstraints['permitted']): string[] =>
    list.filter((st) => st.base.type === 'DNS').map((st) => Buffer.from((st.base as { bytes: Uint8Array }).bytes).toString('latin1').toLowerCase());
  const permitted = bases(nc.permitted);
  const excluded = bases(nc.excluded);
  // The same bound on names x constraints as checkNameConstraints (OpenSSL's NAME_CHECK_MAX).
  const wildcards = leaf.subjectAltNames.filter((g) => g.type === 'DNS' && g.bytes[0] === 0x2a).length;
  if (wildcards > 0 && permitted.length + excluded.length > NAME_CHECK_MAX / wildcards) {
    return violation(X509_V.UNSPECIFIED, 'too many wildcard names and name constraints to compare');
  }
  for (const g of leaf.subjectAltNames) {
    if (g.type !== 'DNS') continue;
    const name = Buffer.from(g.bytes).toString('latin1').toLowerCase();
    if (!name.startsWith('*.')) continue;
    const parent = name.slice(2);
    if (permitted.length > 0 && !permitted.some((p) => p === '' || within(parent, p))) {
      return violation(X509_V.PERMITTED_VIOLATION, `wildcard ${name} reaches outside the permitted subtrees`);
    }
    for (const e of excluded) {
      if (e === '' || within(parent, e) || (e.endsWith('.' + parent) && !e.slice(0, -parent.length - 1).includes('.'))) {
        return violation(X509_V.EXCLUDED_VIOLATION, `wildcard ${name} covers the excluded subtree ${e}`);
      }
    }
  }
  return null;
}

/** The first WebPKI violation of a verified chain (leaf first, anchor last), or null. */
export function webpkiViolation(chain: readonly Certificate[]): WebpkiViolation | null {
  const last = chain.length - 1;
  for (let i = 0; i <= last; i++) {
    const v = certificateViolation(chain[i]!, i, last);
    if (v) return v;
  }
  for (let j = 1; j <= last; j++) {
    const nc = chain[j]!.nameConstraints;
    if (!nc) continue;
    const v = wildcardViolation(chain[0]!, nc);
    if (v) return v;
  }
  return null;
}
