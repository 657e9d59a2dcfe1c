import type { ASN1Object } from './constants.js';
// Python's names for JavaScript values, so TypeErrors read as CPython's do
// ("a bytes-like object is required, not 'str'").

export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  switch (typeof v) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'function':
      return 'function';
    default:
      return (v as object).constructor?.name ?? 'object';
  }
}

/** Python's "'x' object cannot be interpreted as an integer" check. */
export function requireInt(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new TypeError(`'${pyTypeName(v)}' object cannot be interpreted as an integer`);
  }
  return v;
}

/** JS bitwise results are signed 32-bit; read a negative int32 back as the unsigned flag set. */
export function asUnsignedFlags(v: number): number {
  return v < 0 && v >= -0x80000000 ? v >>> 0 : v;
}

export function bytesView(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return null;
}

/** Python truthiness for the optional str/bytes arguments: empty ones count as omitted. */
export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'string') return v.length > 0;
  const bytes = bytesView(v);
  return bytes === null || bytes.byteLength > 0;
}

export function isAsn1Object(v: unknown): v is ASN1Object {
  return typeof v === 'object' && v !== null && typeof (v as ASN1Object).oid === 'string';
}

export function asn1Repr(p: ASN1Object): string {
  return `_ASN1Object(nid=${p.nid}, shortname='${p.shortname}', longname='${p.longname}', oid='${p.oid}')`;
}

