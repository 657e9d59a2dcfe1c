// TLS 1.2 handshake messages that differ from TLS 1.3's (RFC 5246 7.4, RFC 8422 5).
import { decodeError, illegalParameter } from './alert.js';
import { Reader, Writer } from './codec.js';

/** Certificate: a plain list of DER certificates, no per-entry extensions. */
export function encodeCertificate12(chain: readonly Uint8Array[]): Uint8Array {
  const w = new Writer(2048);
  w.block(3, (list) => chain.forEach((der) => list.vec24(der)));
  return w.finish();
}

export function decodeCertificate12(body: Uint8Array): Uint8Array[] {
  const r = new Reader(body);
  const list = r.sub24();
  r.expectEnd();
  const out: Uint8Array[] = [];
  while (list.remaining > 0) {
    const der = list.vec24();
    if (der.length === 0) throw decodeError('CERT_LENGTH_MISMATCH');
    out.push(der);
  }
  return out;
}

const NAMED_CURVE = 3;

export interface ServerEcdhParams {
  group: number;
  publicKey: Uint8Array;
  /** The signed bytes: ECParameters followed by the point. */
  raw: Uint8Array;
}

export interface ServerKeyExchange {
  params: ServerEcdhParams;
  scheme: number;
  signature: Uint8Array;
}

export function encodeEcdhParams(group: number, publicKey: Uint8Array): Uint8Array {
  return new Writer(publicKey.length + 4).u8(NAMED_CURVE).u16(group).vec8(publicKey).finish();
}

export function encodeServerKeyExchange(params: Uint8Array, scheme: number, signature: Uint8Array): Uint8Array {
  return new Writer(params.length + signature.length + 4).bytes(params).u16(scheme).vec16(signature).finish();
}

export function decodeServerKeyExchange(body: Uint8Array): ServerKeyExchange {
  const r = new Reader(body);
  const start = r.offset;
  if (r.u8() !== NAMED_CURVE) throw illegalParameter('UNSUPPORTED_ELLIPTIC_CURVE');
  const group = r.u16();
  const publicKey = r.vec8();
  if (publicKey.length === 0) throw decodeError('LENGTH_MISMATCH');
  const raw = body.subarray(start, r.offset);
  const scheme = r.u16();
  const signature = r.vec16();
  r.expectEnd();
  return { params: { group, publicKey, raw }, scheme, signature };
}

export function encodeClientKeyExchange(publicKey: Uint8Array): Uint8Array {
  return new Writer(publicKey.length + 1).vec8(publicKey).finish();
}

export function decodeClientKeyExchange(body: Uint8Array): Uint8Array {
  const r = new Reader(body);
  const point = r.vec8();
  r.expectEnd();
  if (point.length === 0) throw decodeError('LENGTH_MISMATCH');
  return point;
}

export const CLIENT_CERT_RSA_SIGN = 1;
export const CLIENT_CERT_ECDSA_SIGN = 64;

export interface CertificateRequest12 {
  certificateTypes: number[];
  schemes: number[];
}

export function encodeCertificateRequest12(req: CertificateRequest12): Uint8Array {
  const w = new Writer(64);
  w.vec8(Uint8Array.from(req.certificateTypes));
  w.block(2, (b) => req.schemes.forEach((s) => b.u16(s)));
  w.u16(0); // no certificate_authorities hint
  return w.finish();
}

export function decodeCertificateRequest12(body: Uint8Array): CertificateRequest12 {
  const r = new Reader(body);
  const certificateTypes = Array.from(r.vec8());
  const list = r.sub16();
  if (list.remaining % 2) throw decodeError('LENGTH_MISMATCH');
  const schemes: number[] = [];
  while (list.remaining > 0) schemes.push(list.u16());
  r.vec16(); // certificate_authorities: we pick by algorithm only
  r.expectEnd();
  return { certificateTypes, schemes };
}

export function expectEmpty(body: Uint8Array): void {
  if (body.length !== 0) throw decodeError('LENGTH_MISMATCH');
}
