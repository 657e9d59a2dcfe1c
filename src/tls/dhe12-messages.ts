// TLS 1.2 finite-field DHE messages (RFC 5246 7.4.3, 7.4.7.2): the server's
// ServerDHParams with its signature, and the client's public value.
import { decodeError } from './alert.js';
import { Reader, Writer } from './codec.js';

export interface ServerDhParams {
  p: Uint8Array;
  g: Uint8Array;
  publicKey: Uint8Array;
  /** The signed bytes: p, g and Ys with their length prefixes. */
  raw: Uint8Array;
}

export function encodeDhParams(p: Uint8Array, g: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return new Writer(p.length + g.length + publicKey.length + 6).vec16(p).vec16(g).vec16(publicKey).finish();
}

export function decodeServerKeyExchangeDhe(body: Uint8Array): { params: ServerDhParams; scheme: number; signature: Uint8Array } {
  const r = new Reader(body);
  const p = r.vec16();
  const g = r.vec16();
  const publicKey = r.vec16();
  // <1..2^16-1>: none of the three may be empty.
  if (p.length === 0 || g.length === 0 || publicKey.length === 0) throw decodeError('LENGTH_MISMATCH');
  const raw = body.subarray(0, r.offset);
  const scheme = r.u16();
  const signature = r.vec16();
  r.expectEnd();
  return { params: { p, g, publicKey, raw }, scheme, signature };
}

export function encodeClientKeyExchangeDhe(publicKey: Uint8Array): Uint8Array {
  return new Writer(publicKey.length + 2).vec16(publicKey).finish();
}

export function decodeClientKeyExchangeDhe(body: Uint8Array): Uint8Array {
  const r = new Reader(body);
  const y = r.vec16();
  r.expectEnd();
  if (y.length === 0) throw decodeError('LENGTH_MISMATCH');
  return y;
}
