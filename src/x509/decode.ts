// The dictionary CPython builds from a certificate (_ssl._test_decode_cert,
// SSLSocket.getpeercert()), with Python tuples rendered as arrays.
import { SSLError, ValueError } from '../errors.js';
import {
  type DerNode, CONTEXT, TAG, asn1Error, bitStringBytes, decodeUtf8, expect, oidOf, parseDer, stringValue,
} from './asn1.js';
import { type Certificate, type CertTime, parseCertificate } from './certificate.js';
import { type GeneralName, type NameAttribute, type ParsedName, ipText, parseGeneralName, parseGeneralNamesNode } from './names.js';
import { OID, oidText } from './oids.js';
import { firstPemBlock } from './pem.js';

/** One attribute: [long name, value]; BIT STRING values (x500UniqueIdentifier) stay bytes as in Python. */
export type NameEntry = [string, string | Uint8Array];
/** A relative distinguished name: its attributes, as in Python's `getpeercert()` dict. */
export type RelativeDistinguishedName = NameEntry[];
/** A distinguished name: RDNs in certificate order, as in Python's `getpeercert()` dict. */
export type DistinguishedName = RelativeDistinguishedName[];
/** A subjectAltName entry: [kind, text], or ['DirName', name], as in Python's `getpeercert()` dict. */
export type AltNameEntry = [string, string] | ['DirName', DistinguishedName];

/** The dict of Python's `SSLSocket.getpeercert()`. */
export interface PeerCertDict {
  subject: DistinguishedName;
  issuer: DistinguishedName;
  version: number;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  subjectAltName?: AltNameEntry[];
  OCSP?: string[];
  caIssuers?: string[];
  crlDistributionPoints?: string[];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** OpenSSL's ASN1_TIME_print layout: "Jan  5 09:34:43 2018 GMT" (offsets are folded into GMT). */
export function formatCertTime(t: CertTime): string {
  const d = t.date;
  if (Number.isNaN(d.getTime())) return 'Bad time value';
  const two = (n: number): string => String(n).padStart(2, '0');
  let frac = '';
  if (t.tag === TAG.GENERALIZED_TIME && t.text.length > 15 && t.text[14] === '.') {
    frac = '.' + /^\d*/.exec(t.text.slice(15))![0];
  }
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}${frac} ${d.getUTCFullYear()} GMT`;
}

/** Python decodes C strings as strict UTF-8; failures surface as UnicodeDecodeError (a ValueError). */
function pyText(bytes: Uint8Array): string {
  try {
    return decodeUtf8(bytes);
  } catch {
    throw new ValueError("'utf-8' codec can't decode bytes: invalid utf-8 data");
  }
}

function attributeText(a: NameAttribute): NameEntry {
  if (a.value.tag === TAG.BIT_STRING) {
    const { unusedBits, bytes } = bitStringBytes(a.value);
    const copy = new Uint8Array(bytes);
    // OpenSSL clears the unused trailing bits when it reads a BIT STRING.
    if (copy.length > 0) copy[copy.length - 1]! &= (0xff << unusedBits) & 0xff;
    return [oidText(a.oid), copy];
  }
  return [oidText(a.oid), stringValue(a.value)];
}

/** A Name as nested arrays; empty RDNs are dropped like CPython does. */
export function nameToPython(name: ParsedName): DistinguishedName {
  return name.rdns.filter((rdn) => rdn.length > 0).map((rdn) => rdn.map(attributeText));
}

// otherName types OpenSSL 3.0 prints, with the string type it insists on.
const OTHERNAME_LABELS: Readonly<Record<string, { label: string; tag: number }>> = {
  [OID.onSmtpUtf8Mailbox]: { label: 'SmtpUTF8Mailbox', tag: TAG.UTF8_STRING },
  [OID.onXmppAddr]: { label: 'XmppAddr', tag: TAG.UTF8_STRING },
  [OID.onSrvName]: { label: 'SRVName', tag: TAG.IA5_STRING },
  [OID.onMsUpn]: { label: 'UPN', tag: TAG.UTF8_STRING },
  [OID.onNaiRealm]: { label: 'NAIRealm', tag: TAG.UTF8_STRING },
};

/** The text after "othername:" that GENERAL_NAME_print produces and Python keeps. */
function otherNameText(g: Extract<GeneralName, { type: 'otherName' }>): string {
  const known = OTHERNAME_LABELS[g.typeId];
  const v = g.inner;
  if (!known || !v || v.constructed || v.tagClass !== 1 || v.tag !== known.tag) return '<unsupported>';
  // printf's %.*s stops at a NUL, and Python reads back a single line.
  let bytes = v.content;
  const nul = bytes.indexOf(0);
  if (nul !== -1) bytes = bytes.subarray(0, nul);
  const nl = bytes.indexOf(0x0a);
  if (nl !== -1) bytes = bytes.subarray(0, nl + 1);
  return `${known.label}:${pyText(bytes)}`;
}

function altNameEntry(g: GeneralName): AltNameEntry {
  switch (g.type) {
    case 'DirName':
      return ['DirName', nameToPython(g.name)];
    case 'email':
    case 'DNS':
    case 'URI':
      return [g.type, pyText(g.bytes)];
    case 'RID':
      return ['Registered ID', oidText(g.value)];
    case 'IP':
      return ['IP Address', ipText(g.bytes)];
    case 'otherName':
      return ['othername', otherNameText(g)];
    case 'x400Address':
      return ['X400Name', '<unsupported>'];
    case 'ediPartyName':
      return ['EdiPartyName', '<unsupported>'];
  }
}

/**
 * An extension's decoded value as OpenSSL's X509_get_ext_d2i returns it:
 * nothing when absent, repeated, or undecodable.
 */
function uniqueExtension<T>(cert: Certificate, oid: string, decode: (n: DerNode) => T): T | null {
  const matches = cert.extensions.filter((e) => e.oid === oid);
  if (matches.length !== 1) return null;
  try {
    return decode(parseDer(matches[0]!.value));
  } catch {
    return null;
  }
}

function aiaUris(cert: Certificate, method: string): string[] | null {
  const entries = uniqueExtension(cert, OID.authorityInfoAccess, (n) =>
    expect(n, TAG.SEQUENCE).children.map((ad) => {
      const seq = expect(ad, TAG.SEQUENCE);
      if (seq.children.length !== 2) throw asn1Error();
      return { method: oidOf(seq.children[0]), location: parseGeneralName(seq.children[1]!) };
    }),
  );
  if (!entries) return null;
  const uris = entries.filter((e) => e.method === method && e.location.type === 'URI').map((e) => pyText((e.location as { bytes: Uint8Array }).bytes));
  return uris.length > 0 ? uris : null;
}

function crlUris(cert: Certificate): string[] | null {
  const points = uniqueExtension(cert, OID.crlDistributionPoints, (n) =>
    expect(n, TAG.SEQUENCE).children.map((dp) => {
      let fullName: GeneralName[] | null = null;
      for (const f of expect(dp, TAG.SEQUENCE).children) {
        if (f.tagClass !== CONTEXT) throw asn1Error();
        if (f.tag === 0) {
          const dpName = f.children[0];
          if (!dpName || dpName.tagClass !== CONTEXT) throw asn1Error();
          // Only fullName [0] carries GeneralNames; a relative name holds no URIs.
          if (dpName.tag === 0) fullName = dpName.children.map(parseGeneralName);
        }
      }
      return fullName;
    }),
  );
  if (!points) return null;
  const uris: string[] = [];
  for (const names of points) {
    // Points without a name are skipped (CVE-2019-5010 in CPython).
    if (!names) continue;
    for (const g of names) if (g.type === 'URI') uris.push(pyText(g.bytes));
  }
  return uris.length > 0 ? uris : null;
}

/** The Python dictionary for a parsed certificate. */
export function certificateToDict(cert: Certificate): PeerCertDict {
  const out: PeerCertDict = {
    subject: nameToPython(cert.subject),
    issuer: nameToPython(cert.issuer),
    version: cert.version,
    serialNumber: cert.serialNumberHex,
    notBefore: formatCertTime(cert.notBeforeTime),
    notAfter: formatCertTime(cert.notAfterTime),
  };
  const san = uniqueExtension(cert, OID.subjectAltName, (n) => parseGeneralNamesNode(n));
  if (san) out.subjectAltName = san.map(altNameEntry);
  const ocsp = aiaUris(cert, OID.adOcsp);
  if (ocsp) out.OCSP = ocsp;
  const ca = aiaUris(cert, OID.adCaIssuers);
  if (ca) out.caIssuers = ca;
  const crl = crlUris(cert);
  if (crl) out.crlDistributionPoints = crl;
  return out;
}

/**
 * Python's `ssl._ssl._test_decode_cert()` for PEM text (first CERTIFICATE
 * block) or DER bytes. PEM text without a readable certificate fails like
 * CPython: SSLError('Error decoding PEM-encoded file').
 */
export function decodeCertificate(pemOrDer: string | Uint8Array): PeerCertDict {
  let cert: Certificate;
  if (typeof pemOrDer === 'string') {
    try {
      const der = firstPemBlock(pemOrDer, 'CERTIFICATE');
      if (!der) throw new Error('no certificate');
      cert = parseCertificate(der);
    } catch {
      throw new SSLError('Error decoding PEM-encoded file', { library: null, reason: null });
    }
  } else {
    cert = parseCertificate(pemOrDer);
  }
  return certificateToDict(cert);
}
