// Name constraints (RFC 5280 4.2.1.10) with OpenSSL 3.0's matching rules:
// permitted subtrees of a name's type must contain it, excluded ones must
// not; directory names, DNS names, e-mail addresses, URIs and IP addresses
// are understood, other constrained types fail closed.
import { type DerNode, CONTEXT, TAG, UNIVERSAL, asn1Error, expect, integerOf, listElements, stringValue } from './asn1.js';
import type { Certificate } from './certificate.js';
import { type GeneralName, type ParsedName, parseGeneralName } from './names.js';
import { OID } from './oids.js';
import { X509_V } from './verify-errors.js';

export interface GeneralSubtree {
  base: GeneralName;
  minimum: bigint;
  maximum: bigint | null;
}

export interface NameConstraints {
  permitted: GeneralSubtree[];
  excluded: GeneralSubtree[];
}

function parseSubtrees(n: DerNode): GeneralSubtree[] {
  return listElements(n).map((st) => {
    const seq = expect(st, TAG.SEQUENCE);
    if (seq.children.length < 1) throw asn1Error();
    let minimum = 0n;
    let maximum: bigint | null = null;
    for (const f of seq.children.slice(1)) {
      if (f.tagClass !== CONTEXT || f.constructed) throw asn1Error();
      const v = integerOf({ ...f, tagClass: UNIVERSAL, tag: TAG.INTEGER });
      if (f.tag === 0) minimum = v;
      else if (f.tag === 1) maximum = v;
      else throw asn1Error();
    }
    return { base: parseGeneralName(seq.children[0]!), minimum, maximum };
  });
}

/** Decodes a NameConstraints extension value. */
export function parseNameConstraints(n: DerNode): NameConstraints {
  const out: NameConstraints = { permitted: [], excluded: [] };
  for (const f of expect(n, TAG.SEQUENCE).children) {
    // [0] / [1] IMPLICIT SEQUENCE OF: OpenSSL also reads a primitive encoding (listElements).
    if (f.tagClass !== CONTEXT) throw asn1Error();
    if (f.tag === 0) out.permitted = parseSubtrees(f);
    else if (f.tag === 1) out.excluded = parseSubtrees(f);
    else throw asn1Error();
  }
  return out;
}

const { OK, UNSPECIFIED, PERMITTED_VIOLATION, EXCLUDED_VIOLATION, SUBTREE_MINMAX, UNSUPPORTED_CONSTRAINT_TYPE, UNSUPPORTED_NAME_SYNTAX } = X509_V;

function lower(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
}

function caseEq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (lower(a[i]!) !== lower(b[i]!)) return false;
  return true;
}

function ncDns(dns: Uint8Array, base: Uint8Array): number {
  if (base.length === 0) return OK;
  if (dns.length < base.length) return PERMITTED_VIOLATION;
  let tail = dns;
  if (dns.length > base.length) {
    // Extra labels on the left must end at a dot (unless the base starts with one).
    tail = dns.subarray(dns.length - base.length);
    if (base[0] !== 0x2e && dns[dns.length - base.length - 1] !== 0x2e) return PERMITTED_VIOLATION;
  }
  return caseEq(tail, base) ? OK : PERMITTED_VIOLATION;
}

function ncEmail(eml: Uint8Array, base: Uint8Array): number {
  const baseAt = base.lastIndexOf(0x40);
  const emlAt = eml.lastIndexOf(0x40);
  if (emlAt === -1) return UNSUPPORTED_NAME_SYNTAX;
  // A leading '.' constrains the domain by suffix.
  if (baseAt === -1 && base.length > 0 && base[0] === 0x2e) {
    if (eml.length > base.length && caseEq(eml.subarray(eml.length - base.length), base)) return OK;
    return PERMITTED_VIOLATION;
  }
  let baseHost = base;
  if (baseAt !== -1) {
    if (baseAt !== 0) {
      if (baseAt !== emlAt) return PERMITTED_VIOLATION;
      const bl = base.subarray(0, baseAt);
      const el = eml.subarray(0, emlAt);
      if (bl.includes(0) || el.includes(0)) return UNSUPPORTED_NAME_SYNTAX;
      // The local part compares case-sensitively.
      if (!Buffer.from(bl).equals(Buffer.from(el))) return PERMITTED_VIOLATION;
    }
    baseHost = base.subarray(baseAt + 1);
  }
  return caseEq(eml.subarray(emlAt + 1), baseHost) ? OK : PERMITTED_VIOLATION;
}

function ncUri(uri: Uint8Array, base: Uint8Array): number {
  const colon = uri.indexOf(0x3a);
  if (colon === -1 || uri.length - colon < 3 || uri[colon + 1] !== 0x2f || uri[colon + 2] !== 0x2f) return UNSUPPORTED_NAME_SYNTAX;
  const hostStart = colon + 3;
  let end = uri.indexOf(0x3a, hostStart);
  if (end === -1) end = uri.indexOf(0x2f, hostStart);
  if (end === -1) end = uri.length;
  const host = uri.subarray(hostStart, end);
  if (host.length === 0) return UNSUPPORTED_NAME_SYNTAX;
  if (base.length > 0 && base[0] === 0x2e) {
    if (host.length > base.length && caseEq(host.subarray(host.length - base.length), base)) return OK;
    return PERMITTED_VIOLATION;
  }
  return caseEq(host, base) ? OK : PERMITTED_VIOLATION;
}

function ncIp(ip: Uint8Array, base: Uint8Array): number {
  if (ip.length !== 4 && ip.length !== 16) return UNSUPPORTED_NAME_SYNTAX;
  if (base.length !== 8 && base.length !== 32) return UNSUPPORTED_NAME_SYNTAX;
  if (ip.length * 2 !== base.length) return PERMITTED_VIOLATION;
  for (let i = 0; i < ip.length; i++) {
    const mask = base[ip.length + i]!;
    if ((ip[i]! & mask) !== (base[i]! & mask)) return PERMITTED_VIOLATION;
  }
  return OK;
}

function ncDirName(nm: ParsedName, base: ParsedName): number {
  if (base.canonRdns.length > nm.canonRdns.length) return PERMITTED_VIOLATION;
  return base.canonRdns.every((r, i) => r === nm.canonRdns[i]) ? OK : PERMITTED_VIOLATION;
}

/** A name to test: a GeneralName, or a subject-derived DNS/e-mail/DirName value. */
type Candidate =
  | { kind: 'DNS' | 'email' | 'URI' | 'IP'; bytes: Uint8Array }
  | { kind: 'DirName'; name: ParsedName }
  | { kind: 'other'; type: string; typeId?: string };

function candidateOf(g: GeneralName): Candidate {
  switch (g.type) {
    case 'DNS':
    case 'email':
    case 'URI':
    case 'IP':
      return { kind: g.type, bytes: g.bytes };
    case 'DirName':
      return { kind: 'DirName', name: g.name };
    case 'otherName':
      return { kind: 'other', type: g.typeId === OID.onSmtpUtf8Mailbox ? 'email' : 'otherName', typeId: g.typeId };
    default:
      return { kind: 'other', type: g.type };
  }
}

function typeOf(c: Candidate): string {
  return c.kind === 'other' ? c.type : c.kind;
}

function sameType(c: Candidate, base: GeneralName): boolean {
  const t = typeOf(c);
  if (c.kind === 'other' && t === 'otherName') return base.type === 'otherName' && base.typeId === c.typeId;
  return t === base.type;
}

function matchSingle(c: Candidate, base: GeneralName): number {
  if (c.kind === 'DNS' && base.type === 'DNS') return ncDns(c.bytes, base.bytes);
  if (c.kind === 'email' && base.type === 'email') return ncEmail(c.bytes, base.bytes);
  if (c.kind === 'URI' && base.type === 'URI') return ncUri(c.bytes, base.bytes);
  if (c.kind === 'IP' && base.type === 'IP') return ncIp(c.bytes, base.bytes);
  if (c.kind === 'DirName' && base.type === 'DirName') return ncDirName(c.name, base.name);
  // SmtpUTF8Mailbox, otherName, x400 and EDI party names are not supported.
  return UNSUPPORTED_CONSTRAINT_TYPE;
}

function minMaxValid(st: GeneralSubtree): boolean {
  return st.minimum === 0n && st.maximum === null;
}

function ncMatch(c: Candidate, nc: NameConstraints): number {
  let match = 0; // 0: no subtree of this type, 1: some but none matched, 2: matched
  for (const st of nc.permitted) {
    if (!sameType(c, st.base)) continue;
    if (!minMaxValid(st)) return SUBTREE_MINMAX;
    if (match === 2) continue;
    match = 1;
    const r = matchSingle(c, st.base);
    if (r === OK) match = 2;
    else if (r !== PERMITTED_VIOLATION) return r;
  }
  if (match === 1) return PERMITTED_VIOLATION;
  for (const st of nc.excluded) {
    if (!sameType(c, st.base)) continue;
    if (!minMaxValid(st)) return SUBTREE_MINMAX;
    const r = matchSingle(c, st.base);
    if (r === OK) return EXCLUDED_VIOLATION;
    if (r !== PERMITTED_VIOLATION) return r;
  }
  return OK;
}

const NAME_CHECK_MAX = 1 << 20;

function checkCert(x: Certificate, nc: NameConstraints): number {
  const entryCount = x.subject.rdns.reduce((n, r) => n + r.length, 0);
  const names = entryCount + x.subjectAltNames.length;
  const constraints = nc.permitted.length + nc.excluded.length;
  // Bound the work a hostile certificate can cause, as OpenSSL does.
  if (names > 0 && constraints > NAME_CHECK_MAX / names) return UNSPECIFIED;
  if (entryCount > 0) {
    const r = ncMatch({ kind: 'DirName', name: x.subject }, nc);
    if (r !== OK) return r;
    for (const rdn of x.subject.rdns) {
      for (const a of rdn) {
        if (a.oid !== '1.2.840.113549.1.9.1') continue;
        if (a.value.tagClass !== UNIVERSAL || a.value.tag !== TAG.IA5_STRING) return UNSUPPORTED_NAME_SYNTAX;
        const r2 = ncMatch({ kind: 'email', bytes: a.value.content }, nc);
        if (r2 !== OK) return r2;
      }
    }
  }
  for (const g of x.subjectAltNames) {
    const r = ncMatch(candidateOf(g), nc);
    if (r !== OK) return r;
  }
  return OK;
}

/** A commonName as a DNS identifier, or null when it does not look like a multi-label host name. */
function cnAsDnsId(text: string): Uint8Array | null | 'bad' {
  let b = Buffer.from(text, 'utf8');
  let len = b.length;
  while (len > 0 && b[len - 1] === 0) len--;
  b = b.subarray(0, len);
  if (b.includes(0)) return 'bad';
  let isDns = false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f) continue;
    if (i > 0 && i < b.length - 1) {
      if (c === 0x2d) continue;
      if (c === 0x2e && b[i + 1] !== 0x2e && b[i - 1] !== 0x2d && b[i + 1] !== 0x2d) {
        isDns = true;
        continue;
      }
    }
    isDns = false;
    break;
  }
  return isDns ? b : null;
}

function checkCommonNames(x: Certificate, nc: NameConstraints): number {
  for (const rdn of x.subject.rdns) {
    for (const a of rdn) {
      if (a.oid !== OID.commonName) continue;
      let text: string;
      try {
        text = stringValue(a.value);
      } catch {
        return 17; // OpenSSL reports the conversion failure as out of memory
      }
      const id = cnAsDnsId(text);
      if (id === 'bad') return UNSUPPORTED_NAME_SYNTAX;
      if (id === null || id.length === 0) continue;
      const r = ncMatch({ kind: 'DNS', bytes: id }, nc);
      if (r !== OK) return r;
    }
  }
  return OK;
}

/**
 * Checks every certificate below each constrained CA (self-issued
 * intermediates excepted). For the leaf, host-like commonNames are checked
 * as DNS names when there is no DNS subjectAltName and CN checking is on.
 * Returns 0 or the X509_V_ERR code of the first violation.
 */
export function checkNameConstraints(chain: readonly Certificate[], checkCommonName: boolean): number {
  for (let i = chain.length - 1; i >= 0; i--) {
    const x = chain[i]!;
    if (i !== 0 && x.selfIssued) continue;
    for (let j = chain.length - 1; j > i; j--) {
      const nc = chain[j]!.nameConstraints;
      if (!nc) continue;
      let rv = checkCert(x, nc);
      if (rv === OK && i === 0 && checkCommonName && !x.subjectAltNames.some((g) => g.type === 'DNS')) {
        rv = checkCommonNames(x, nc);
      }
      if (rv !== OK) return rv;
    }
  }
  return OK;
}
