// A thin, uniform view over asn1js parse trees. The X.509 code needs the raw
// bytes of many sub-structures (TBS for signatures, Names for comparison,
// string contents for Python's output), so every node keeps its encoding.
import * as asn1js from 'asn1js';
import { SSLError } from '../errors.js';

/** asn1js tag class numbers. */
export const UNIVERSAL = 1;
export const CONTEXT = 3;

/** Universal tag numbers used in certificates. */
export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  NUMERIC_STRING: 18,
  PRINTABLE_STRING: 19,
  T61_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  VISIBLE_STRING: 26,
  GENERAL_STRING: 27,
  UNIVERSAL_STRING: 28,
  BMP_STRING: 30,
} as const;

export interface DerNode {
  tagClass: number;
  tag: number;
  constructed: boolean;
  /** The whole TLV encoding. */
  raw: Uint8Array;
  /** The value octets only. */
  content: Uint8Array;
  children: DerNode[];
  /** Dotted form, for universal OBJECT IDENTIFIER nodes. */
  oid?: string;
  /** The length is in long form where short would do, or has leading zero octets (BER, not DER). */
  nonMinimalLength?: true;
}

/** Whether any node of the tree has a non-DER length encoding. */
export function hasNonMinimalLength(node: DerNode): boolean {
  return node.nonMinimalLength === true || node.children.some(hasNonMinimalLength);
}

/** The failure every malformed structure maps to, like OpenSSL's d2i errors. */
export function asn1Error(text = 'nested asn1 error', reason = 'NESTED_ASN1_ERROR'): SSLError {
  return new SSLError(text, { library: 'ASN1', reason });
}

function convert(block: asn1js.AsnType): DerNode {
  // Certificates are DER; indefinite lengths would also break raw slicing.
  if (block.lenBlock.isIndefiniteForm) throw asn1Error('indefinite length not allowed', 'ILLEGAL_OPTIONS_ON_ITEM_TEMPLATE');
  const raw = block.valueBeforeDecodeView;
  const header = block.idBlock.blockLength + block.lenBlock.blockLength;
  // asn1js lets a child's length run past the end of its parent (the parent
  // then spans more than its length says); DER and OpenSSL do not.
  if (raw.length !== header + block.lenBlock.length) throw asn1Error('too long', 'TOO_LONG');
  const content = raw.subarray(header, header + block.lenBlock.length);
  const node: DerNode = {
    tagClass: block.idBlock.tagClass,
    tag: block.idBlock.tagNumber,
    constructed: block.idBlock.isConstructed,
    raw,
    content,
    children: [],
  };
  const len = block.lenBlock;
  if (len.longFormUsed && (len.length < 0x80 || len.blockLength - 1 > Math.max(1, Math.ceil(Math.log2(len.length + 1) / 8)))) {
    node.nonMinimalLength = true;
  }
  if (node.constructed) {
    const inner = (block.valueBlock as unknown as { value?: asn1js.AsnType[] }).value ?? [];
    node.children = inner.map(convert);
  } else if (node.tagClass === UNIVERSAL && node.tag === TAG.OID && block instanceof asn1js.ObjectIdentifier) {
    node.oid = block.getValue();
  }
  return node;
}

/**
 * Parses exactly one DER value covering all of `der` (or, with
 * `allowTrailing`, the first value, as OpenSSL's d2i of an extension value
 * does); throws SSLError otherwise.
 */
export function parseDer(der: Uint8Array, allowTrailing = false): DerNode {
  let parsed: asn1js.FromBerResult;
  try {
    // asn1js caps a parse at 10,000 nodes by default; OpenSSL has no such cap,
    // and a certificate with more names than that must still be read whole
    // (a SAN list cut short once let the commonName stand in for it). Every
    // node takes at least two octets, so this bound is never the one hit and
    // the work stays linear in the input.
    parsed = asn1js.fromBER(der, { parseEmbedded: false, maxNodes: (der.length >> 1) + 1 });
  } catch {
    throw asn1Error();
  }
  if (parsed.offset === -1 || parsed.result.error) throw asn1Error('header too long', 'HEADER_TOO_LONG');
  if (parsed.offset !== der.length && !allowTrailing) throw asn1Error('too long', 'TOO_LONG');
  try {
    return convert(parsed.result);
  } catch (e) {
    if (e instanceof SSLError) throw e;
    throw asn1Error();
  }
}

/**
 * The elements of an implicitly tagged SEQUENCE OF / SET OF. OpenSSL's decoder
 * (asn1_template_noexp_d2i) does not look at the constructed bit of such a
 * tag, so a primitive encoding whose contents are the elements reads the same.
 */
export function listElements(node: DerNode): DerNode[] {
  if (node.constructed) return node.children;
  const out: DerNode[] = [];
  let rest = node.content;
  while (rest.length > 0) {
    const n = parseDer(rest, true);
    out.push(n);
    rest = rest.subarray(n.raw.length);
  }
  return out;
}

/** Asserts the node is a universal `tag` (constructedness follows the tag). */
export function expect(node: DerNode | undefined, tag: number): DerNode {
  if (!node || node.tagClass !== UNIVERSAL || node.tag !== tag) throw asn1Error('wrong tag', 'WRONG_TAG');
  return node;
}

/** Asserts a context-specific [n] node. */
export function isContext(node: DerNode | undefined, n: number): boolean {
  return node !== undefined && node.tagClass === CONTEXT && node.tag === n;
}

export function oidOf(node: DerNode | undefined): string {
  const n = expect(node, TAG.OID);
  if (n.oid === undefined) throw asn1Error();
  return n.oid;
}

/** BIT STRING contents without the unused-bits octet. */
export function bitStringBytes(node: DerNode | undefined): { unusedBits: number; bytes: Uint8Array } {
  const n = expect(node, TAG.BIT_STRING);
  if (n.constructed || n.content.length === 0) throw asn1Error('invalid bit string', 'INVALID_BIT_STRING_BITS_LEFT');
  const unusedBits = n.content[0]!;
  if (unusedBits > 7) throw asn1Error('invalid bit string', 'INVALID_BIT_STRING_BITS_LEFT');
  return { unusedBits, bytes: n.content.subarray(1) };
}

export function booleanOf(node: DerNode): boolean {
  expect(node, TAG.BOOLEAN);
  if (node.content.length !== 1) throw asn1Error('boolean is wrong length', 'BOOLEAN_IS_WRONG_LENGTH');
  return node.content[0] !== 0;
}

/** INTEGER as a bigint (two's complement). */
export function integerOf(node: DerNode | undefined): bigint {
  const n = expect(node, TAG.INTEGER);
  const c = n.content;
  if (c.length === 0) return 0n;
  let v = 0n;
  for (const b of c) v = (v << 8n) | BigInt(b);
  if (c[0]! & 0x80) v -= 1n << BigInt(c.length * 8);
  return v;
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Strict UTF-8 decoding, as Python's "s#" conversion does. */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8Fatal.decode(bytes);
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function fromCodePoints(bytes: Uint8Array, width: 2 | 4): string {
  if (bytes.length % width !== 0) throw stringError();
  let s = '';
  for (let i = 0; i < bytes.length; i += width) {
    let cp = 0;
    for (let k = 0; k < width; k++) cp = cp * 256 + bytes[i + k]!;
    // Lone surrogates or out-of-range values cannot become valid UTF-8.
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) throw stringError();
    s += String.fromCodePoint(cp);
  }
  return s;
}

function stringError(): SSLError {
  return new SSLError('unknown format', { library: 'ASN1', reason: 'UNKNOWN_FORMAT' });
}

/** Universal string types whose content is taken byte-per-character. */
const SINGLE_BYTE_TYPES = new Set<number>([
  TAG.NUMERIC_STRING, TAG.PRINTABLE_STRING, TAG.T61_STRING, TAG.IA5_STRING,
  TAG.UTC_TIME, TAG.GENERALIZED_TIME, TAG.VISIBLE_STRING, TAG.GENERAL_STRING,
]);

/**
 * Text of a string-typed value, following OpenSSL's ASN1_STRING_to_UTF8:
 * UTF8String is validated, BMP/Universal are UCS-2/UCS-4, every other
 * supported type is read as Latin-1. Unsupported types throw SSLError.
 */
export function stringValue(node: DerNode): string {
  if (node.tagClass !== UNIVERSAL || node.constructed) throw stringError();
  if (node.tag === TAG.UTF8_STRING) {
    try {
      return decodeUtf8(node.content);
    } catch {
      throw new SSLError('invalid utf8string', { library: 'ASN1', reason: 'INVALID_UTF8STRING' });
    }
  }
  if (node.tag === TAG.BMP_STRING) return fromCodePoints(node.content, 2);
  if (node.tag === TAG.UNIVERSAL_STRING) return fromCodePoints(node.content, 4);
  if (SINGLE_BYTE_TYPES.has(node.tag)) return latin1(node.content);
  throw stringError();
}
