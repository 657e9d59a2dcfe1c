// Structure checks for the extensions OpenSSL 3.0 decodes while caching a
// certificate's extensions (ossl_x509v3_cache_extensions) but that path
// validation here does not otherwise read. A value that fails to decode
// marks the certificate invalid (EXFLAG_INVALID), exactly as for the
// extensions whose contents are used.
import { type DerNode, CONTEXT, TAG, UNIVERSAL, asn1Error, bitStringBytes, expect, integerOf, isContext, oidOf } from './asn1.js';
import { type GeneralName, type ParsedName, parseGeneralName } from './names.js';

function isUniversal(n: DerNode | undefined, tag: number): boolean {
  return n !== undefined && n.tagClass === UNIVERSAL && n.tag === tag;
}

function primitive(n: DerNode): DerNode {
  if (n.constructed) throw asn1Error();
  return n;
}

/** Netscape certificate type: a BIT STRING. */
export function checkNetscapeCertType(n: DerNode): void {
  bitStringBytes(primitive(n));
}

/** ProxyCertInfo ::= SEQUENCE { pCPathLenConstraint INTEGER OPTIONAL, proxyPolicy SEQUENCE { OID, OCTET STRING OPTIONAL } } */
export function checkProxyCertInfo(n: DerNode): void {
  const kids = expect(n, TAG.SEQUENCE).children;
  let i = 0;
  if (isUniversal(kids[i], TAG.INTEGER)) integerOf(kids[i++]);
  const policy = expect(kids[i++], TAG.SEQUENCE).children;
  oidOf(policy[0]);
  if (policy.length > 2) throw asn1Error();
  if (policy[1]) primitive(expect(policy[1], TAG.OCTET_STRING));
  if (i !== kids.length) throw asn1Error();
}

function checkIpAddressOrRange(n: DerNode): void {
  if (isUniversal(n, TAG.BIT_STRING)) {
    bitStringBytes(primitive(n));
    return;
  }
  const r = expect(n, TAG.SEQUENCE).children;
  if (r.length !== 2) throw asn1Error();
  bitStringBytes(primitive(r[0]!));
  bitStringBytes(primitive(r[1]!));
}

/** RFC 3779 IPAddrBlocks ::= SEQUENCE OF IPAddressFamily. */
export function checkIpAddrBlocks(n: DerNode): void {
  for (const fam of expect(n, TAG.SEQUENCE).children) {
    const f = expect(fam, TAG.SEQUENCE).children;
    if (f.length !== 2) throw asn1Error();
    const afi = primitive(expect(f[0], TAG.OCTET_STRING));
    if (afi.content.length < 2 || afi.content.length > 3) throw asn1Error();
    const choice = f[1]!;
    if (isUniversal(choice, TAG.NULL)) continue; // inherit
    for (const a of expect(choice, TAG.SEQUENCE).children) checkIpAddressOrRange(a);
  }
}

function checkAsIdentifierChoice(n: DerNode): void {
  if (isUniversal(n, TAG.NULL)) return; // inherit
  for (const a of expect(n, TAG.SEQUENCE).children) {
    if (isUniversal(a, TAG.INTEGER)) {
      integerOf(a);
      continue;
    }
    const r = expect(a, TAG.SEQUENCE).children;
    if (r.length !== 2) throw asn1Error();
    integerOf(r[0]);
    integerOf(r[1]);
  }
}

/** RFC 3779 ASIdentifiers ::= SEQUENCE { asnum [0] EXPLICIT ASIdentifierChoice OPTIONAL, rdi [1] EXPLICIT ... OPTIONAL } */
export function checkAsIdentifiers(n: DerNode): void {
  let last = -1;
  for (const c of expect(n, TAG.SEQUENCE).children) {
    if (c.tagClass !== CONTEXT || c.tag > 1 || c.tag <= last || !c.constructed || c.children.length !== 1) throw asn1Error();
    last = c.tag;
    checkAsIdentifierChoice(c.children[0]!);
  }
}

/** The reason bits OpenSSL tracks (CRLDP_ALL_REASONS: keyCompromise..privilegeWithdrawn, aACompromise). */
export const ALL_REASONS = 0x807f;

/** One DistributionPoint of cRLDistributionPoints, as OpenSSL's DIST_POINT template reads it. */
export interface DistPoint {
  /** fullName GeneralNames, or null for a nameRelativeToCRLIssuer or an absent name. */
  fullNames: GeneralName[] | null;
  /** nameRelativeToCRLIssuer (its SET tag implicit), or null. */
  relativeName: DerNode | null;
  crlIssuer: boolean;
  /** The directoryNames of cRLIssuer. */
  crlIssuerNames: ParsedName[];
  /** The reasons bits as OpenSSL's setup_dp reads them (first two bytes), ALL_REASONS when absent. */
  reasons: number;
}

/** ReasonFlags bits as OpenSSL keeps them: the first byte, then the second shifted by 8. */
export function reasonBits(bytes: Uint8Array): number {
  return ((bytes[0] ?? 0) | ((bytes[1] ?? 0) << 8)) & ALL_REASONS;
}

/** CRLDistributionPoints ::= SEQUENCE OF DistributionPoint (strictly typed, like d2i). */
export function parseCrlDistributionPoints(n: DerNode): DistPoint[] {
  return expect(n, TAG.SEQUENCE).children.map((dp) => {
    let fullNames: DistPoint['fullNames'] = null;
    let relativeName: DerNode | null = null;
    let crlIssuer = false;
    const crlIssuerNames: ParsedName[] = [];
    let reasons = ALL_REASONS;
    let hasPoint = false;
    let crlIssuerCount = 0;
    let last = -1;
    for (const c of expect(dp, TAG.SEQUENCE).children) {
      if (c.tagClass !== CONTEXT || c.tag > 2 || c.tag <= last) throw asn1Error();
      last = c.tag;
      if (c.tag === 0) {
        // distributionPoint [0] DistributionPointName (a CHOICE, so explicitly tagged)
        if (!c.constructed || c.children.length !== 1) throw asn1Error();
        hasPoint = true;
        const name = c.children[0]!;
        if (isContext(name, 0) && name.constructed) fullNames = name.children.map(parseGeneralName);
        else if (isContext(name, 1) && name.constructed) {
          relativeName = name;
          for (const atv of name.children) {
            const kv = expect(atv, TAG.SEQUENCE).children;
            if (kv.length !== 2) throw asn1Error();
            oidOf(kv[0]);
          }
        } else throw asn1Error();
      } else if (c.tag === 1) {
        reasons = reasonBits(bitStringBytes({ ...primitive(c), tagClass: UNIVERSAL, tag: TAG.BIT_STRING }).bytes);
      } else {
        if (!c.constructed) throw asn1Error();
        for (const g of c.children.map(parseGeneralName)) if (g.type === 'DirName') crlIssuerNames.push(g.name);
        crlIssuerCount = c.children.length;
        crlIssuer = true;
      }
    }
    // OpenSSL's setup_dp: a point needs a distributionPoint or some cRLIssuer name, else the certificate is invalid.
    if (!hasPoint && crlIssuerCount === 0) throw asn1Error();
    return { fullNames, relativeName, crlIssuer, crlIssuerNames, reasons };
  });
}
