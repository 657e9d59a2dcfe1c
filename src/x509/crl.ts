// Certificate revocation lists (RFC 5280 section 5): the parts OpenSSL's
// CRL checking uses. Parsing is strict; a CRL that does not parse is never
// loaded, which is what OpenSSL's PEM reader does too.
import type { CryptoProvider, KeyHandle } from '../crypto/provider.js';
import { getDefaultCryptoProvider } from '../crypto/default-provider.js';
import { SSLError } from '../errors.js';
import {
  type DerNode, CONTEXT, TAG, UNIVERSAL, asn1Error, bitStringBytes, booleanOf, expect, integerOf, isContext, listElements,
  oidOf, parseDer,
} from './asn1.js';
import { type CertTime, parseTime, verifySignature } from './certificate.js';
import { type GeneralName, type ParsedName, parseGeneralName, parseGeneralNamesNode, parseName } from './names.js';
import { OID } from './oids.js';

const OID_CRL_NUMBER = '2.5.29.20';
const OID_REASON_CODE = '2.5.29.21';
const OID_DELTA_CRL = '2.5.29.27';
const OID_IDP = '2.5.29.28';
const OID_CERT_ISSUER = '2.5.29.29';

/** CRLReason removeFromCRL: the entry does not revoke. */
export const REASON_REMOVE_FROM_CRL = 8;

export interface RevokedEntry {
  /** Serial number, as a signed integer. */
  serial: bigint;
  reason: number | null;
  /**
   * The certificateIssuer names in force for this entry (OpenSSL's
   * crl_set_issuers carries an entry's certificateIssuer on to the entries
   * after it), or null: the entry is about the CRL issuer's certificates.
   */
  issuers: readonly GeneralName[] | null;
}

/** issuingDistributionPoint, reduced to what scoring needs. */
export interface IssuingDistributionPoint {
  /** fullName GeneralNames; null when there is no distributionPoint or it is a relative name. */
  fullNames: GeneralName[] | null;
  /** nameRelativeToCRLIssuer (its SET tag implicit), or null. */
  relativeName: DerNode | null;
  onlyUser: boolean;
  onlyCA: boolean;
  onlyAttr: boolean;
  indirect: boolean;
  hasReasons: boolean;
}

export class Crl {
  readonly der: Uint8Array;
  readonly tbsDer: Uint8Array;
  readonly signatureAlgorithmOid: string;
  readonly signatureAlgorithmParams: DerNode | null;
  readonly sigAlgMatchesTbs: boolean;
  readonly signatureValue: Uint8Array;
  readonly issuer: ParsedName;
  readonly thisUpdate: CertTime;
  readonly nextUpdate: CertTime | null;
  readonly revoked: readonly RevokedEntry[];
  readonly aki: Uint8Array | null;
  readonly akiSerial: Uint8Array | null;
  /** The directoryNames of the authorityKeyIdentifier's authorityCertIssuer (X509_check_akid compares the first). */
  readonly akiIssuerNames: readonly ParsedName[];
  readonly idp: IssuingDistributionPoint | null;
  /** The IDP extension is malformed or inconsistent (OpenSSL's IDP_INVALID). */
  readonly idpInvalid: boolean;
  readonly isDelta: boolean;
  /** An unhandled critical extension in the CRL or one of its entries. */
  readonly hasUnhandledCritical: boolean;
  /** The cRLNumber extension's value, or null when absent or not an INTEGER (RFC 5280 5.2.3 requires it). */
  readonly crlNumber: bigint | null;

  constructor(der: Uint8Array) {
    this.der = new Uint8Array(der);
    const top = expect(parseDer(this.der), TAG.SEQUENCE);
    if (top.children.length !== 3) throw asn1Error();
    const tbs = expect(top.children[0], TAG.SEQUENCE);
    this.tbsDer = tbs.raw;
    const outer = expect(top.children[1], TAG.SEQUENCE);
    this.signatureAlgorithmOid = oidOf(outer.children[0]);
    this.signatureAlgorithmParams = outer.children[1] ?? null;
    this.signatureValue = bitStringBytes(top.children[2]).bytes;

    const f = tbs.children;
    let i = 0;
    if (f[i] && f[i]!.tagClass === UNIVERSAL && f[i]!.tag === TAG.INTEGER) {
      if (integerOf(f[i]) !== 1n) throw asn1Error();
      i++;
    }
    const inner = expect(f[i++], TAG.SEQUENCE);
    this.sigAlgMatchesTbs = Buffer.from(inner.raw).equals(Buffer.from(outer.raw));
    this.issuer = parseName(f[i++]);
    const t = f[i++];
    if (!t || t.tagClass !== UNIVERSAL || (t.tag !== TAG.UTC_TIME && t.tag !== TAG.GENERALIZED_TIME)) throw asn1Error();
    this.thisUpdate = parseTime(t);
    let next: CertTime | null = null;
    const n = f[i];
    if (n && n.tagClass === UNIVERSAL && (n.tag === TAG.UTC_TIME || n.tag === TAG.GENERALIZED_TIME)) {
      next = parseTime(n);
      i++;
    }
    this.nextUpdate = next;

    let critical = false;
    const revoked: RevokedEntry[] = [];
    let issuers: GeneralName[] | null = null;
    if (f[i] && f[i]!.tagClass === UNIVERSAL && f[i]!.tag === TAG.SEQUENCE) {
      for (const e of f[i]!.children) {
        expect(e, TAG.SEQUENCE);
        const serial = integerOf(e.children[0]);
        expect(e.children[1], e.children[1]?.tag === TAG.GENERALIZED_TIME ? TAG.GENERALIZED_TIME : TAG.UTC_TIME);
        let reason: number | null = null;
        if (e.children[2]) {
          for (const x of extensionsOf(e.children[2])) {
            if (x.oid === OID_REASON_CODE) {
              const v = parseDer(x.value);
              if (v.tagClass !== UNIVERSAL || v.tag !== 10) throw asn1Error();
              reason = Number(integerOf({ ...v, tag: TAG.INTEGER }));
            } else if (x.oid === OID_CERT_ISSUER) {
              issuers = parseGeneralNamesNode(parseDer(x.value));
            } else if (x.critical) {
              critical = true;
            }
          }
        }
        revoked.push({ serial, reason, issuers });
      }
      i++;
    }
    this.revoked = revoked;

    let aki: Uint8Array | null = null;
    let akiSerial: Uint8Array | null = null;
    const akiIssuerNames: ParsedName[] = [];
    let idp: IssuingDistributionPoint | null = null;
    let idpInvalid = false;
    let isDelta = false;
    let crlNumber: bigint | null = null;
    if (isContext(f[i], 0)) {
      for (const x of extensionsOf(f[i]!.children[0]!)) {
        if (x.oid === OID.authorityKeyIdentifier) {
          // OpenSSL keeps an authorityKeyIdentifier it cannot decode as none at all (crl_cb): any signer then matches it.
          const a = parseAki(x.value);
          if (a) {
            aki = a.aki;
            akiSerial = a.akiSerial;
            akiIssuerNames.push(...a.names);
          }
        } else if (x.oid === OID_IDP) {
          try {
            idp = parseIdp(parseDer(x.value));
            const only = Number(idp.onlyUser) + Number(idp.onlyCA) + Number(idp.onlyAttr);
            if (only > 1) idpInvalid = true;
          } catch {
            idpInvalid = true;
          }
        } else if (x.oid === OID_DELTA_CRL) {
          isDelta = true;
        } else if (x.oid === OID_CRL_NUMBER) {
          crlNumber = integerOrNull(x.value);
        }
        // Of the critical extensions OpenSSL handles only these three (a critical cRLNumber counts as unhandled).
        if (x.critical && x.oid !== OID.authorityKeyIdentifier && x.oid !== OID_IDP && x.oid !== OID_DELTA_CRL) critical = true;
      }
      i++;
    }
    if (i !== f.length) throw asn1Error();
    this.aki = aki;
    this.akiSerial = akiSerial;
    this.akiIssuerNames = akiIssuerNames;
    this.idp = idp;
    this.idpInvalid = idpInvalid;
    this.isDelta = isDelta;
    this.hasUnhandledCritical = critical;
    this.crlNumber = crlNumber;
  }

  /**
   * The revocation entry for the certificate of `serial` issued by `issuer`,
   * if any (OpenSSL's def_crl_lookup with crl_revoked_issuer_match).
   */
  entryFor(serial: bigint, issuer: ParsedName): RevokedEntry | undefined {
    return this.revoked.find((r) => r.serial === serial && (r.issuers === null
      ? issuer.canon === this.issuer.canon
      : r.issuers.some((g) => g.type === 'DirName' && g.name.canon === issuer.canon)));
  }

  /** Checks the CRL's signature with its issuer's key. */
  verifySignedBy(key: KeyHandle, provider: CryptoProvider = getDefaultCryptoProvider()): boolean {
    if (!this.sigAlgMatchesTbs) return false;
    return verifySignature(provider, this.signatureAlgorithmOid, this.signatureAlgorithmParams, this.tbsDer, this.signatureValue, key);
  }
}

function integerOrNull(value: Uint8Array): bigint | null {
  try {
    return integerOf(parseDer(value));
  } catch {
    return null;
  }
}

/** AuthorityKeyIdentifier decoded as strictly as d2i does; null when it does not decode. */
function parseAki(value: Uint8Array): { aki: Uint8Array | null; akiSerial: Uint8Array | null; names: ParsedName[] } | null {
  try {
    let aki: Uint8Array | null = null;
    let akiSerial: Uint8Array | null = null;
    const names: ParsedName[] = [];
    let last = -1;
    for (const c of expect(parseDer(value), TAG.SEQUENCE).children) {
      if (c.tagClass !== CONTEXT || c.tag > 2 || c.tag <= last || (c.tag === 2 && c.constructed)) return null;
      last = c.tag;
      if (c.tag === 0) {
        // keyIdentifier: an OCTET STRING, which BER (and OpenSSL) also allows in constructed segments.
        aki = c.constructed ? octetSegments(c) : c.content;
        if (!aki) return null;
      } else if (c.tag === 1) {
        for (const g of listElements(c).map(parseGeneralName)) if (g.type === 'DirName') names.push(g.name);
      } else akiSerial = stripSerial(c.content);
    }
    return { aki, akiSerial, names };
  } catch {
    return null;
  }
}

/** The contents of a constructed OCTET STRING made of primitive segments, or null. */
function octetSegments(n: DerNode): Uint8Array | null {
  if (!n.children.every((x) => x.tagClass === UNIVERSAL && x.tag === TAG.OCTET_STRING && !x.constructed)) return null;
  return new Uint8Array(Buffer.concat(n.children.map((x) => x.content)));
}

function stripSerial(c: Uint8Array): Uint8Array {
  let s = c;
  while (s.length > 1 && s[0] === 0) s = s.subarray(1);
  return new Uint8Array(s);
}

function extensionsOf(node: DerNode): { oid: string; critical: boolean; value: Uint8Array }[] {
  return expect(node, TAG.SEQUENCE).children.map((e) => {
    expect(e, TAG.SEQUENCE);
    const oid = oidOf(e.children[0]);
    let k = 1;
    let critical = false;
    if (e.children[k]?.tagClass === UNIVERSAL && e.children[k]!.tag === TAG.BOOLEAN) critical = booleanOf(e.children[k++]!);
    return { oid, critical, value: expect(e.children[k], TAG.OCTET_STRING).content };
  });
}

function parseIdp(n: DerNode): IssuingDistributionPoint {
  const out: IssuingDistributionPoint = {
    fullNames: null, relativeName: null, onlyUser: false, onlyCA: false, onlyAttr: false, indirect: false, hasReasons: false,
  };
  const flag = (c: DerNode): boolean => c.content.length === 1 && c.content[0] !== 0;
  for (const c of expect(n, TAG.SEQUENCE).children) {
    if (c.tagClass !== CONTEXT) throw asn1Error();
    switch (c.tag) {
      case 0: {
        const dp = c.children[0];
        // fullName [0] GeneralNames, or nameRelativeToCRLIssuer [1] (made absolute when compared).
        if (isContext(dp, 0)) out.fullNames = dp!.children.map(parseGeneralName);
        else if (isContext(dp, 1) && dp!.constructed) out.relativeName = dp!;
        else throw asn1Error();
        break;
      }
      case 1: out.onlyUser = flag(c); break;
      case 2: out.onlyCA = flag(c); break;
      case 3: out.hasReasons = true; break;
      case 4: out.indirect = flag(c); break;
      case 5: out.onlyAttr = flag(c); break;
      default: throw asn1Error();
    }
  }
  return out;
}

/** Parses a DER CRL; malformed input throws SSLError. */
export function parseCrl(der: Uint8Array): Crl {
  try {
    return new Crl(der);
  } catch (e) {
    if (e instanceof SSLError) throw e;
    throw asn1Error();
  }
}
