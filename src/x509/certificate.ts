// Parsed X.509 certificates: the fields path validation and Python's
// getpeercert() need, plus signature checking through the crypto provider.
import { SSLError } from '../errors.js';
import {
  type DerNode, CONTEXT, TAG, UNIVERSAL, asn1Error, bitStringBytes, booleanOf, expect, integerOf,
  hasNonMinimalLength, isContext, oidOf, parseDer, stringValue,
} from './asn1.js';
import { type GeneralName, type ParsedName, parseGeneralName, parseGeneralNamesNode, parseName } from './names.js';
import { OID } from './oids.js';
import { type NameConstraints, parseNameConstraints } from './constraints.js';
import type { CryptoProvider, DigestName, KeyHandle, SignatureParams } from '../crypto/provider.js';
import { getDefaultCryptoProvider } from '../crypto/default-provider.js';
import {
  checkAsIdentifiers, checkIpAddrBlocks, checkNetscapeCertType, checkProxyCertInfo, parseCrlDistributionPoints, type DistPoint,
} from './extension-checks.js';

export type { GeneralName, ParsedName } from './names.js';

export const KEY_USAGE_NAMES = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment',
  'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_NAMES)[number];

export interface Extension {
  oid: string;
  critical: boolean;
  /** The extnValue OCTET STRING contents (the extension's own DER). */
  value: Uint8Array;
}

/** A certificate time as encoded, with its meaning. */
export interface CertTime {
  tag: number;
  text: string;
  /** NaN time when the value is malformed. */
  date: Date;
}

// Extensions OpenSSL 3.0 knows how to enforce when marked critical
// (X509_supported_extension in crypto/x509/v3_purp.c, checked one by one
// against `openssl verify`); any other critical extension fails validation.
export const SUPPORTED_CRITICAL: ReadonlySet<string> = new Set<string>([
  OID.netscapeCertType, OID.keyUsage, OID.subjectAltName, OID.basicConstraints,
  OID.certificatePolicies, OID.crlDistributionPoints, OID.extKeyUsage, OID.ipAddrBlocks,
  OID.autonomousSysIds, OID.ocspNoCheck, OID.policyConstraints, OID.proxyCertInfo,
  OID.nameConstraints, OID.policyMappings, OID.inhibitAnyPolicy,
]);

const EC_PUBLIC_KEY = '1.2.840.10045.2.1';

interface SigAlg {
  /** Digest name, or null for algorithms that hash internally. */
  hash: DigestName | null;
  /** asymmetricKeyType values allowed to verify it. */
  keyTypes: readonly string[];
  pss?: boolean;
  /** Security strength in bits, as OpenSSL rates the signature. */
  bits: number;
}

const RSA_KEYS = ['rsa'] as const;
const PSS_KEYS = ['rsa', 'rsa-pss'] as const;
const EC_KEYS = ['ec'] as const;
const DSA_KEYS = ['dsa'] as const;

// OpenSSL rates SHA-1 signatures at 64 bits and MD5 at 39 since 3.0.
const SIG_ALGS: Readonly<Record<string, SigAlg>> = {
  '1.2.840.113549.1.1.4': { hash: 'md5', keyTypes: RSA_KEYS, bits: 39 },
  '1.2.840.113549.1.1.5': { hash: 'sha1', keyTypes: RSA_KEYS, bits: 64 },
  '1.2.840.113549.1.1.14': { hash: 'sha224', keyTypes: RSA_KEYS, bits: 112 },
  '1.2.840.113549.1.1.11': { hash: 'sha256', keyTypes: RSA_KEYS, bits: 128 },
  '1.2.840.113549.1.1.12': { hash: 'sha384', keyTypes: RSA_KEYS, bits: 192 },
  '1.2.840.113549.1.1.13': { hash: 'sha512', keyTypes: RSA_KEYS, bits: 256 },
  '1.2.840.113549.1.1.10': { hash: null, keyTypes: PSS_KEYS, pss: true, bits: 0 },
  '1.2.840.10045.4.1': { hash: 'sha1', keyTypes: EC_KEYS, bits: 64 },
  '1.2.840.10045.4.3.1': { hash: 'sha224', keyTypes: EC_KEYS, bits: 112 },
  '1.2.840.10045.4.3.2': { hash: 'sha256', keyTypes: EC_KEYS, bits: 128 },
  '1.2.840.10045.4.3.3': { hash: 'sha384', keyTypes: EC_KEYS, bits: 192 },
  '1.2.840.10045.4.3.4': { hash: 'sha512', keyTypes: EC_KEYS, bits: 256 },
  '1.2.840.10040.4.3': { hash: 'sha1', keyTypes: DSA_KEYS, bits: 64 },
  '2.16.840.1.101.3.4.3.1': { hash: 'sha224', keyTypes: DSA_KEYS, bits: 112 },
  '2.16.840.1.101.3.4.3.2': { hash: 'sha256', keyTypes: DSA_KEYS, bits: 128 },
  '1.3.101.112': { hash: null, keyTypes: ['ed25519'], bits: 128 },
  '1.3.101.113': { hash: null, keyTypes: ['ed448'], bits: 224 },
};

const HASH_OIDS: Readonly<Record<string, { name: DigestName; bits: number }>> = {
  '1.3.14.3.2.26': { name: 'sha1', bits: 64 },
  '2.16.840.1.101.3.4.2.4': { name: 'sha224', bits: 112 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', bits: 128 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', bits: 192 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', bits: 256 },
};
const MGF1_OID = '1.2.840.113549.1.1.8';

interface PssParams {
  hash: DigestName;
  bits: number;
  saltLength: number;
}

/** RSASSA-PSS-params; null when malformed or not supported (MGF1 over another digest). */
function parsePssParams(params: DerNode | null): PssParams | null {
  let hash: DigestName = 'sha1';
  let bits = 64;
  let mgfHash: DigestName = 'sha1';
  let saltLength = 20;
  if (params === null) return null; // OpenSSL requires explicit parameters
  if (params.tagClass !== UNIVERSAL || params.tag !== TAG.SEQUENCE) return null;
  try {
    for (const f of params.children) {
      if (f.tagClass !== CONTEXT) return null;
      const inner = f.children[0];
      if (f.tag === 0) {
        const h = HASH_OIDS[oidOf(expect(inner, TAG.SEQUENCE).children[0])];
        if (!h) return null;
        hash = h.name;
        bits = h.bits;
      } else if (f.tag === 1) {
        const mgf = expect(inner, TAG.SEQUENCE);
        if (oidOf(mgf.children[0]) !== MGF1_OID) return null;
        const h = HASH_OIDS[oidOf(expect(mgf.children[1], TAG.SEQUENCE).children[0])];
        if (!h) return null;
        mgfHash = h.name;
      } else if (f.tag === 2) {
        const s = integerOf(inner);
        if (s < 0n || s > 4096n) return null;
        saltLength = Number(s);
      } else if (f.tag === 3) {
        if (integerOf(inner) !== 1n) return null;
      } else {
        return null;
      }
    }
  } catch {
    return null;
  }
  // MGF1 with another digest than the message's is not supported (node:crypto cannot express it).
  if (mgfHash !== hash) return null;
  return { hash, bits, saltLength };
}

// Strict calendar checks, as ASN1_TIME parsing in OpenSSL does.
export function parseTime(node: DerNode): CertTime {
  const text = Buffer.from(node.content).toString('latin1');
  const bad = { tag: node.tag, text, date: new Date(NaN) };
  let m: RegExpExecArray | null;
  let year: number;
  let rest: string[];
  if (node.tag === TAG.UTC_TIME) {
    m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(Z|[+-]\d{4})$/.exec(text);
    if (!m) return bad;
    const yy = Number(m[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
    rest = m.slice(2);
  } else if (node.tag === TAG.GENERALIZED_TIME) {
    m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.\d+)?(Z|[+-]\d{4})$/.exec(text);
    if (!m) return bad;
    year = Number(m[1]);
    rest = m.slice(2);
  } else {
    return bad;
  }
  const [mo, d, h, mi, s, zone] = rest as [string, string, string, string, string | undefined, string];
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const mdays = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (month < 1 || month > 12 || day < 1 || day > mdays[month - 1]! || hour > 23 || minute > 59 || second > 59) return bad;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(3, 5));
    if (oh > 12 || om > 59) return bad;
    ms -= sign * (oh * 60 + om) * 60_000;
  }
  const date = new Date(ms);
  // Date.UTC maps years 0-99 to 1900-1999; rebuild so four-digit years stay exact.
  if (year < 100) date.setUTCFullYear(date.getUTCFullYear() - 1900);
  return { tag: node.tag, text, date };
}

/**
 * The serial number as OpenSSL holds it: the magnitude without padding and
 * a sign. Zero-length and non-minimal encodings are rejected like c2i does.
 */
function serialMagnitude(c: Uint8Array): { negative: boolean; bytes: Uint8Array } {
  if (c.length === 0) throw asn1Error('illegal zero content', 'ILLEGAL_ZERO_CONTENT');
  const negative = (c[0]! & 0x80) !== 0;
  let body = c;
  if (c.length > 1) {
    let pad = false;
    if (c[0] === 0) pad = true;
    else if (c[0] === 0xff) pad = c.subarray(1).some((b) => b !== 0);
    if (pad && negative === ((c[1]! & 0x80) !== 0)) throw asn1Error('illegal padding', 'ILLEGAL_PADDING');
    if (pad) body = c.subarray(1);
  }
  if (!negative) return { negative, bytes: new Uint8Array(body) };
  // Two's complement negation of the (possibly padded) value.
  const out = new Uint8Array(body.length);
  let carry = 1;
  for (let i = body.length - 1; i >= 0; i--) {
    const v = (body[i]! ^ 0xff) + carry;
    out[i] = v & 0xff;
    carry = v >> 8;
  }
  return { negative, bytes: out };
}

/** Upper-case hex the way OpenSSL's i2a_ASN1_INTEGER prints it, first line only. */
function serialHex(negative: boolean, bytes: Uint8Array): string {
  let s = negative ? '-' : '';
  if (bytes.length === 0) return s + '00';
  for (let i = 0; i < bytes.length; i++) {
    // OpenSSL breaks the line after 35 octets; Python keeps only the first line.
    if (i !== 0 && i % 35 === 0) return s + '\\\n';
    s += bytes[i]!.toString(16).padStart(2, '0').toUpperCase();
  }
  return s;
}

function parseAlgorithm(node: DerNode | undefined): { oid: string; params: DerNode | null; der: Uint8Array } {
  const seq = expect(node, TAG.SEQUENCE);
  if (seq.children.length < 1 || seq.children.length > 2) throw asn1Error();
  return { oid: oidOf(seq.children[0]), params: seq.children[1] ?? null, der: seq.raw };
}

export class Certificate {
  readonly der: Uint8Array;
  readonly tbsDer: Uint8Array;
  /** X.509 version as people count it: 1, 2 or 3. */
  readonly version: number;
  readonly serialNumber: bigint;
  /** Python's `serialNumber` text: upper-case hex of the magnitude, at least "00". */
  readonly serialNumberHex: string;
  /** The serial's magnitude octets, for AKI issuer/serial comparisons. */
  readonly serialBytes: Uint8Array;
  readonly serialNegative: boolean;
  readonly signatureAlgorithmOid: string;
  readonly signatureAlgorithmParams: DerNode | null;
  /** The AlgorithmIdentifier inside the TBS part (must equal the outer one). */
  readonly tbsSignatureAlgorithmOid: string;
  readonly sigAlgMatchesTbs: boolean;
  readonly signatureValue: Uint8Array;
  readonly issuer: ParsedName;
  readonly subject: ParsedName;
  readonly issuerDer: Uint8Array;
  readonly subjectDer: Uint8Array;
  readonly notBeforeTime: CertTime;
  readonly notAfterTime: CertTime;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spkiDer: Uint8Array;
  readonly publicKeyAlgorithmOid: string;
  /** An EC key whose curve is spelled out instead of named (OpenSSL: X509_V_ERR_EC_KEY_EXPLICIT_PARAMS). */
  readonly ecExplicitParams: boolean;
  readonly extensions: readonly Extension[];
  /** basicConstraints cA, or null when the extension is absent. */
  readonly isCA: boolean | null;
  readonly pathLen: number | null;
  readonly keyUsage: readonly KeyUsageName[] | null;
  /** Extended key usage OIDs, or null when absent. */
  readonly extKeyUsage: readonly string[] | null;
  /** Entries of the subjectAltName extension (empty when absent or unusable). */
  readonly subjectAltNames: readonly GeneralName[];
  readonly hasSubjectAltName: boolean;
  /** commonName values of the subject, as text (undecodable ones skipped). */
  readonly commonNames: readonly string[];
  readonly ski: Uint8Array | null;
  /** authorityKeyIdentifier keyIdentifier. */
  readonly aki: Uint8Array | null;
  /** authorityKeyIdentifier authorityCertSerialNumber content octets. */
  readonly akiSerial: Uint8Array | null;
  /** authorityKeyIdentifier directoryName issuers. */
  readonly akiIssuerNames: readonly ParsedName[];
  /** The nameConstraints extension, when present and well-formed. */
  readonly nameConstraints: NameConstraints | null;
  /** A critical extension this implementation does not understand is present. */
  readonly hasUnhandledCritical: boolean;
  /** Some extension is duplicated or could not be decoded (OpenSSL's EXFLAG_INVALID). */
  readonly hasInvalidExtensions: boolean;
  /** Some decoded extension value is BER, not DER: bytes after the value, or non-minimal lengths (OpenSSL reads both). */
  readonly hasTrailingExtensionData: boolean;
  /** Issuer and subject names are equal. */
  readonly selfIssued: boolean;
  /** CRL distribution points: their fullName GeneralNames (null for other kinds) and whether cRLIssuer is set. */
  readonly crlDistPoints: readonly DistPoint[];
  /** The subject public key as each provider imported it (null: it cannot load it). */
  private keyCache: Map<CryptoProvider, KeyHandle | null> | null = null;
  /**
   * Outcomes of verifySignedBy() per issuer key. A signature check is a pure
   * function of this certificate's bytes and the key, and parsed certificates
   * and their keys are shared through the DER cache, so a chain seen again
   * (every handshake with the same server) is not verified again.
   */
  private signedByCache: WeakMap<KeyHandle, boolean> | null = null;

  constructor(der: Uint8Array) {
    this.der = new Uint8Array(der);
    const root = parseDer(this.der);
    const top = expect(root, TAG.SEQUENCE);
    if (top.children.length !== 3) throw asn1Error();
    const tbs = expect(top.children[0], TAG.SEQUENCE);
    this.tbsDer = tbs.raw;
    const outerAlg = parseAlgorithm(top.children[1]);
    this.signatureAlgorithmOid = outerAlg.oid;
    this.signatureAlgorithmParams = outerAlg.params;
    const sig = bitStringBytes(top.children[2]);
    this.signatureValue = sig.bytes;

    const f = tbs.children;
    let i = 0;
    let version = 0n;
    if (isContext(f[i], 0)) {
      version = integerOf(f[i]!.children[0]);
      i++;
    }
    // OpenSSL 3.0 accepts any version number here; Python reports it plus one.
    this.version = Number(version) + 1;
    const serialNode = f[i++];
    const serial = serialMagnitude(expect(serialNode, TAG.INTEGER).content);
    this.serialNumber = integerOf(serialNode);
    this.serialBytes = serial.bytes;
    this.serialNegative = serial.negative;
    this.serialNumberHex = serialHex(serial.negative, serial.bytes);
    const innerAlg = parseAlgorithm(f[i++]);
    this.tbsSignatureAlgorithmOid = innerAlg.oid;
    this.sigAlgMatchesTbs = Buffer.from(innerAlg.der).equals(Buffer.from(outerAlg.der));
    this.issuer = parseName(f[i++]);
    const validity = expect(f[i++], TAG.SEQUENCE);
    if (validity.children.length !== 2) throw asn1Error();
    for (const t of validity.children) {
      if (t.tagClass !== UNIVERSAL || (t.tag !== TAG.UTC_TIME && t.tag !== TAG.GENERALIZED_TIME)) throw asn1Error('wrong tag', 'WRONG_TAG');
    }
    this.notBeforeTime = parseTime(validity.children[0]!);
    this.notAfterTime = parseTime(validity.children[1]!);
    this.notBefore = this.notBeforeTime.date;
    this.notAfter = this.notAfterTime.date;
    this.subject = parseName(f[i++]);
    this.issuerDer = this.issuer.der;
    this.subjectDer = this.subject.der;
    const spki = expect(f[i++], TAG.SEQUENCE);
    this.spkiDer = spki.raw;
    const keyAlg = parseAlgorithm(spki.children[0]);
    this.publicKeyAlgorithmOid = keyAlg.oid;
    this.ecExplicitParams = keyAlg.oid === EC_PUBLIC_KEY && keyAlg.params !== null
      && keyAlg.params.tagClass === UNIVERSAL && keyAlg.params.tag === TAG.SEQUENCE;
    bitStringBytes(spki.children[1]);
    if (isContext(f[i], 1)) i++;
    if (isContext(f[i], 2)) i++;
    const extensions: Extension[] = [];
    if (isContext(f[i], 3)) {
      const list = expect(f[i]!.children[0], TAG.SEQUENCE);
      for (const e of list.children) {
        expect(e, TAG.SEQUENCE);
        const oid = oidOf(e.children[0]);
        let critical = false;
        let k = 1;
        if (e.children[k] && e.children[k]!.tagClass === UNIVERSAL && e.children[k]!.tag === TAG.BOOLEAN) {
          critical = booleanOf(e.children[k]!);
          k++;
        }
        const value = expect(e.children[k], TAG.OCTET_STRING);
        if (value.constructed || e.children.length !== k + 1) throw asn1Error();
        extensions.push({ oid, critical, value: value.content });
      }
      i++;
    }
    if (i !== f.length) throw asn1Error();
    this.extensions = extensions;

    // Decode the extensions validation depends on; a duplicate or broken one
    // is ignored (OpenSSL's X509_get_ext_d2i returns nothing) and flagged, and
    // path validation then refuses the certificate. Like d2i, only the first
    // value in extnValue is read; trailing bytes are noted for strict profiles.
    let invalid = false;
    let trailing = false;
    const counts = new Map<string, number>();
    for (const e of extensions) counts.set(e.oid, (counts.get(e.oid) ?? 0) + 1);
    const single = <T>(oid: string, decode: (n: DerNode) => T): T | null => {
      const e = extensions.find((x) => x.oid === oid);
      if (!e) return null;
      if (counts.get(oid)! > 1) {
        invalid = true;
        return null;
      }
      try {
        const node = parseDer(e.value, true);
        if (node.raw.length !== e.value.length || hasNonMinimalLength(node)) trailing = true;
        return decode(node);
      } catch {
        invalid = true;
        return null;
      }
    };

    const bc = single(OID.basicConstraints, (n) => {
      const seq = expect(n, TAG.SEQUENCE);
      let ca = false;
      let pathLen: number | null = null;
      for (const c of seq.children) {
        if (c.tagClass === UNIVERSAL && c.tag === TAG.BOOLEAN) ca = booleanOf(c);
        else {
          const v = integerOf(c);
          if (v < 0n) throw asn1Error();
          pathLen = v > 0x7fffffffn ? 0x7fffffff : Number(v);
        }
      }
      return { ca, pathLen };
    });
    this.isCA = bc ? bc.ca : null;
    // Kept on a non-CA too, as OpenSSL 3.0 keeps it: only X509_STRICT then
    // objects (PATHLEN_INVALID_FOR_NON_CA); the certificate is not invalid.
    this.pathLen = bc ? bc.pathLen : null;

    this.keyUsage = single(OID.keyUsage, (n) => {
      const { bytes } = bitStringBytes(n);
      // RFC 5280 4.2.1.3: at least one bit; OpenSSL 3.0 (reading the first
      // two octets) marks an empty keyUsage invalid.
      if (((bytes[0] ?? 0) | (bytes[1] ?? 0)) === 0) throw new SSLError('empty key usage', { library: 'X509V3', reason: 'EMPTY_KEY_USAGE' });
      return KEY_USAGE_NAMES.filter((_, bit) => ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0);
    });
    this.extKeyUsage = single(OID.extKeyUsage, (n) => expect(n, TAG.SEQUENCE).children.map((c) => oidOf(c)));
    const san = single(OID.subjectAltName, (n) => parseGeneralNamesNode(n));
    this.subjectAltNames = san ?? [];
    this.hasSubjectAltName = san !== null;
    this.ski = single(OID.subjectKeyIdentifier, (n) => {
      const o = expect(n, TAG.OCTET_STRING);
      if (o.constructed) throw asn1Error();
      return o.content;
    });
    const aki = single(OID.authorityKeyIdentifier, (n) => {
      let keyId: Uint8Array | null = null;
      let serialNo: Uint8Array | null = null;
      const names: ParsedName[] = [];
      for (const c of expect(n, TAG.SEQUENCE).children) {
        if (isContext(c, 0) && !c.constructed) keyId = c.content;
        else if (isContext(c, 1) && c.constructed) {
          for (const g of c.children.map(parseGeneralName)) {
            if (g.type === 'DirName') names.push(g.name);
          }
        } else if (isContext(c, 2) && !c.constructed) {
          serialNo = serialMagnitude(c.content).bytes;
        } else throw asn1Error();
      }
      return { keyId, serialNo, names };
    });
    this.aki = aki?.keyId ?? null;
    this.akiSerial = aki?.serialNo ?? null;
    this.akiIssuerNames = aki?.names ?? [];

    this.nameConstraints = single(OID.nameConstraints, parseNameConstraints);
    this.crlDistPoints = single(OID.crlDistributionPoints, parseCrlDistributionPoints) ?? [];
    single(OID.netscapeCertType, checkNetscapeCertType);
    single(OID.proxyCertInfo, checkProxyCertInfo);
    single(OID.ipAddrBlocks, checkIpAddrBlocks);
    single(OID.autonomousSysIds, checkAsIdentifiers);

    this.hasUnhandledCritical = extensions.some((e) => e.critical && !SUPPORTED_CRITICAL.has(e.oid));
    this.hasInvalidExtensions = invalid;
    this.hasTrailingExtensionData = trailing;
    this.selfIssued = this.subject.canon === this.issuer.canon;

    const cns: string[] = [];
    for (const rdn of this.subject.rdns) {
      for (const a of rdn) {
        if (a.oid !== OID.commonName) continue;
        try {
          cns.push(stringValue(a.value));
        } catch {
          // OpenSSL skips values it cannot convert when matching names.
        }
      }
    }
    this.commonNames = cns;
  }

  /** Whether the extension `oid` is present and marked critical. */
  isCritical(oid: string): boolean {
    return this.extensions.some((e) => e.oid === oid && e.critical);
  }

  hasExtension(oid: string): boolean {
    return this.extensions.some((e) => e.oid === oid);
  }

  /** The subject public key (default provider); throws SSLError if it cannot be loaded. */
  get publicKey(): KeyHandle {
    const k = this.tryPublicKey();
    if (!k) throw new SSLError('unable to get certs public key', { library: 'X509', reason: 'UNABLE_TO_GET_CERTS_PUBLIC_KEY' });
    return k;
  }

  /** The subject public key, or null when it cannot be loaded. */
  tryPublicKey(provider: CryptoProvider = getDefaultCryptoProvider()): KeyHandle | null {
    const cache = (this.keyCache ??= new Map());
    let key = cache.get(provider);
    if (key === undefined) {
      key = provider.importPublicKey(this.spkiDer);
      cache.set(provider, key);
    }
    return key;
  }

  /** Whether the signature algorithm is one this module can check at all. */
  get signatureAlgorithmSupported(): boolean {
    return this.signatureAlgorithmOid in SIG_ALGS;
  }

  /** OpenSSL's security-bits rating of the signature algorithm (0 when unknown). */
  get signatureSecurityBits(): number {
    const alg = SIG_ALGS[this.signatureAlgorithmOid];
    if (!alg) return 0;
    if (alg.pss) return parsePssParams(this.signatureAlgorithmParams)?.bits ?? 0;
    return alg.bits;
  }

  /**
   * Whether a key of `issuerKey`'s type can have produced this certificate's
   * signature algorithm (OpenSSL's check before treating it as the issuer).
   */
  signatureKeyTypeMatches(issuerKey: KeyHandle): boolean {
    const alg = SIG_ALGS[this.tbsSignatureAlgorithmOid];
    return alg !== undefined && alg.keyTypes.includes(issuerKey.asymmetricKeyType ?? '');
  }

  /** Checks this certificate's signature against a candidate issuer's public key (made by `provider`). */
  verifySignedBy(issuerKey: KeyHandle, provider: CryptoProvider = getDefaultCryptoProvider()): boolean {
    if (!this.sigAlgMatchesTbs) return false;
    const cache = (this.signedByCache ??= new WeakMap());
    let ok = cache.get(issuerKey);
    if (ok === undefined) {
      ok = verifySignature(provider, this.signatureAlgorithmOid, this.signatureAlgorithmParams, this.tbsDer, this.signatureValue, issuerKey);
      cache.set(issuerKey, ok);
    }
    return ok;
  }
}

/**
 * Checks a signature made with the X.509 AlgorithmIdentifier (`oid`,
 * `params`) over `data` (certificates and CRLs alike) with `provider`, which
 * made `issuerKey`.
 */
export function verifySignature(
  provider: CryptoProvider, oid: string, params: DerNode | null, data: Uint8Array, sig: Uint8Array, issuerKey: KeyHandle,
): boolean {
  const alg = SIG_ALGS[oid];
  if (!alg || !alg.keyTypes.includes(issuerKey.asymmetricKeyType ?? '')) return false;
  let p: SignatureParams;
  if (alg.pss) {
    const pss = parsePssParams(params);
    if (!pss) return false;
    p = { kind: 'rsa-pss', hash: pss.hash, saltLength: pss.saltLength };
  } else if (alg.keyTypes === RSA_KEYS) {
    // PKCS#1 v1.5 parameters must be absent or NULL.
    if (params && !(params.tagClass === UNIVERSAL && params.tag === TAG.NULL && params.content.length === 0)) return false;
    p = { kind: 'rsa-pkcs1', hash: alg.hash };
  } else if (alg.keyTypes === EC_KEYS) {
    p = { kind: 'ecdsa', hash: alg.hash };
  } else if (alg.keyTypes === DSA_KEYS) {
    p = { kind: 'dsa', hash: alg.hash };
  } else {
    p = { kind: 'eddsa', hash: null };
  }
  return provider.verifySignature(p, issuerKey, data, sig);
}

/** Whether a key of `key`'s type can verify signatures of algorithm `oid`. */
export function signatureKeyTypeAllowed(oid: string, key: KeyHandle): boolean {
  const alg = SIG_ALGS[oid];
  return alg !== undefined && alg.keyTypes.includes(key.asymmetricKeyType ?? '');
}

/** Parses DER into a Certificate; malformed input throws SSLError, never anything else. */
// Certificates are immutable once parsed, and a TLS peer presents the same
// chain on every connection; parsing (asn1js) and key import cost more than
// the signature checks, so keep the most recent ones by their exact DER.
const PARSED = new Map<string, Certificate>();
const PARSED_MAX = 128;

export function parseCertificate(der: Uint8Array): Certificate {
  const id = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
  const hit = PARSED.get(id);
  if (hit) return hit;
  let cert: Certificate;
  try {
    // Own copy: `der` may be a view into a larger transport buffer.
    cert = new Certificate(Uint8Array.prototype.slice.call(der));
  } catch (e) {
    if (e instanceof SSLError) throw e;
    throw asn1Error();
  }
  if (PARSED.size >= PARSED_MAX) PARSED.delete(PARSED.keys().next().value!);
  PARSED.set(id, cert);
  return cert;
}

/** OpenSSL's security-bits rating of a public key (EVP_PKEY_get_security_bits). */
export function keySecurityBits(key: KeyHandle): number {
  const d = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
    case 'dsa': {
      const n = d.modulusLength ?? 0;
      if (n >= 15360) return 256;
      if (n >= 7680) return 192;
      if (n >= 3072) return 128;
      if (n >= 2048) return 112;
      if (n >= 1024) return 80;
      return 0;
    }
    case 'ec':
      return Math.floor((CURVE_ORDER_BITS[d.namedCurve ?? ''] ?? 256) / 2);
    case 'ed25519':
    case 'x25519':
      return 128;
    case 'ed448':
    case 'x448':
      return 224;
    default:
      return 0;
  }
}

const CURVE_ORDER_BITS: Readonly<Record<string, number>> = {
  prime192v1: 192, secp224r1: 224, prime256v1: 256, secp256k1: 256, secp384r1: 384, secp521r1: 521,
  brainpoolP256r1: 256, brainpoolP384r1: 384, brainpoolP512r1: 512,
};
