// Distinguished names and GeneralNames as they appear in certificates.
import * as asn1js from 'asn1js';
import {
  type DerNode, CONTEXT, TAG, UNIVERSAL, asn1Error, expect, oidOf, parseDer, stringValue,
} from './asn1.js';
import { oidText } from './oids.js';

/** One attribute of a relative distinguished name. */
export interface NameAttribute {
  oid: string;
  /** The attribute value's full encoding (tag included). */
  value: DerNode;
}

/** A Name as a list of RDNs, each a list of attributes, in encoded order. */
export interface ParsedName {
  der: Uint8Array;
  rdns: NameAttribute[][];
  /** Comparison key equal for names OpenSSL's X509_NAME_cmp treats as equal. */
  canon: string;
  /** The same key per non-empty RDN, for prefix (subtree) comparisons. */
  canonRdns: string[];
}

// Universal tags OpenSSL's DirectoryString-like decoder (ASN1_PRINTABLE)
// accepts in names: the printable string kinds, BIT STRING, SEQUENCE, and
// the tags it files under "unknown". Anything else makes the name invalid.
const NAME_VALUE_TAGS = new Set<number>([3, 7, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22, 28, 29, 30, 31]);

/** Parses a Name (SEQUENCE OF SET OF AttributeTypeAndValue). */
export function parseName(node: DerNode | undefined): ParsedName {
  const seq = expect(node, TAG.SEQUENCE);
  const rdns = seq.children.map((set) => rdnOf(expect(set, TAG.SET)));
  const canonRdns = canonicalRdns(rdns);
  return { der: seq.raw, rdns, canon: canonRdns.join('/'), canonRdns };
}

/** The attributes of one RDN (a SET OF AttributeTypeAndValue, its tag checked by the caller). */
function rdnOf(set: DerNode): NameAttribute[] {
  return set.children.map((atv) => {
    expect(atv, TAG.SEQUENCE);
    if (atv.children.length !== 2) throw asn1Error();
    const v = atv.children[1]!;
    if (v.tagClass !== UNIVERSAL || !NAME_VALUE_TAGS.has(v.tag)) throw asn1Error('wrong tag', 'WRONG_TAG');
    return { oid: oidOf(atv.children[0]), value: v };
  });
}

/**
 * A nameRelativeToCRLIssuer made absolute, as OpenSSL's DIST_POINT_set_dpname
 * does before comparing distribution points: `base` with the RDN `rdn` (an
 * implicitly tagged SET) appended.
 */
export function appendRdn(base: ParsedName, rdn: DerNode): ParsedName {
  const rdns = [...base.rdns, rdnOf(rdn)];
  const canonRdns = canonicalRdns(rdns);
  const der = tlv(0x30, Buffer.concat([parseDer(base.der).content, tlv(0x31, rdn.content)]));
  return { der, rdns, canon: canonRdns.join('/'), canonRdns };
}

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return new Uint8Array(Buffer.concat([Buffer.from([tag, ...len]), content]));
}

// Types OpenSSL folds to a canonical UTF8String before comparing names.
const CANON_TYPES = new Set<number>([
  TAG.UTF8_STRING, TAG.BMP_STRING, TAG.UNIVERSAL_STRING, TAG.PRINTABLE_STRING,
  TAG.T61_STRING, TAG.IA5_STRING, TAG.VISIBLE_STRING,
]);

const C_SPACE = /[ \t\n\v\f\r]+/g;

/**
 * Canonical text of one value: trimmed, inner whitespace runs collapsed,
 * ASCII lower-cased. OpenSSL computes this while decoding, so a string it
 * cannot convert makes the whole name (and certificate) unreadable.
 */
function canonicalValue(v: DerNode): string {
  if (v.tagClass === UNIVERSAL && !v.constructed && CANON_TYPES.has(v.tag)) {
    const s = stringValue(v).replace(C_SPACE, ' ').trim().replace(/[A-Z]/g, (c) => c.toLowerCase());
    return 's:' + s;
  }
  return 'r:' + Buffer.from(v.raw).toString('hex');
}

function canonicalRdns(rdns: NameAttribute[][]): string[] {
  // Empty RDNs vanish, and the order inside a multi-valued RDN does not matter.
  return rdns
    .filter((rdn) => rdn.length > 0)
    .map((rdn) => rdn.map((a) => `${a.oid}=${JSON.stringify(canonicalValue(a.value))}`).sort().join('+'));
}

/** Decodes the value bytes of an OBJECT IDENTIFIER whose tag was implicit. */
export function oidFromContent(content: Uint8Array): string {
  const oid = new asn1js.ObjectIdentifier();
  const end = oid.valueBlock.fromBER(content, 0, content.length);
  if (end === -1 || oid.valueBlock.error) throw asn1Error();
  return oid.getValue();
}

export type GeneralName =
  | { type: 'DNS' | 'email' | 'URI'; value: string; bytes: Uint8Array }
  | { type: 'IP'; value: string; bytes: Uint8Array }
  | { type: 'DirName'; value: string; name: ParsedName }
  | { type: 'RID'; value: string }
  | { type: 'otherName'; value: string; typeId: string; inner: DerNode | null }
  | { type: 'x400Address' | 'ediPartyName'; value: string };

/** IPv4 dotted quad, or IPv6 as eight upper-case hex groups (Python's rendering). */
export function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16).toUpperCase());
    return groups.join(':');
  }
  return '<invalid>';
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

/** A readable one-line form of a name, used only as the DirName `value`. */
export function nameToString(name: ParsedName): string {
  return name.rdns
    .map((rdn) =>
      rdn
        .map((a) => {
          let v: string;
          try {
            v = stringValue(a.value);
          } catch {
            v = '#' + Buffer.from(a.value.raw).toString('hex');
          }
          return `${oidText(a.oid)}=${v}`;
        })
        .join('+'),
    )
    .join(', ');
}

/** One GeneralName CHOICE element. */
export function parseGeneralName(n: DerNode): GeneralName {
  if (n.tagClass !== CONTEXT) throw asn1Error('wrong tag', 'WRONG_TAG');
  switch (n.tag) {
    case 0: {
      // otherName: type-id OID, then [0] EXPLICIT value
      if (!n.constructed || n.children.length < 1) throw asn1Error();
      const typeId = oidOf(n.children[0]);
      const wrap = n.children[1];
      const inner = wrap && wrap.tagClass === CONTEXT && wrap.tag === 0 ? (wrap.children[0] ?? null) : null;
      return { type: 'otherName', value: typeId, typeId, inner };
    }
    case 1:
    case 2:
    case 6: {
      if (n.constructed) throw asn1Error();
      const type = n.tag === 1 ? 'email' : n.tag === 2 ? 'DNS' : 'URI';
      return { type, value: latin1(n.content), bytes: n.content };
    }
    case 3:
      return { type: 'x400Address', value: '<unsupported>' };
    case 4: {
      if (!n.constructed || n.children.length !== 1) throw asn1Error();
      const name = parseName(n.children[0]);
      return { type: 'DirName', value: nameToString(name), name };
    }
    case 5:
      return { type: 'ediPartyName', value: '<unsupported>' };
    case 7:
      if (n.constructed) throw asn1Error();
      return { type: 'IP', value: ipText(n.content), bytes: n.content };
    case 8:
      if (n.constructed) throw asn1Error();
      return { type: 'RID', value: oidFromContent(n.content) };
    default:
      throw asn1Error('wrong tag', 'WRONG_TAG');
  }
}

/** GeneralNames (SEQUENCE OF GeneralName) from an encoded extension value. */
export function parseGeneralNames(der: Uint8Array): GeneralName[] {
  return parseGeneralNamesNode(parseDer(der));
}

export function parseGeneralNamesNode(node: DerNode): GeneralName[] {
  const seq = expect(node, TAG.SEQUENCE);
  return seq.children.map(parseGeneralName);
}
