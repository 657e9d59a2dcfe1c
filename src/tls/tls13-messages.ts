// The TLS 1.3 handshake messages after the hellos (RFC 8446 4.3-4.6).
import { decodeError, illegalParameter } from './alert.js';
import { Reader, Writer } from './codec.js';
import { type Extension, readExtensions, writeExtensions } from './extensions.js';

export function encodeEncryptedExtensions(exts: readonly Extension[]): Uint8Array {
  const w = new Writer(64);
  writeExtensions(w, exts);
  return w.finish();
}

export function decodeEncryptedExtensions(body: Uint8Array): Extension[] {
  const r = new Reader(body);
  if (r.remaining < 2) throw decodeError();
  const exts = readExtensions(r);
  r.expectEnd();
  return exts;
}

export interface CertificateEntry {
  der: Uint8Array;
  extensions: Extension[];
}

export interface CertificateMsg {
  context: Uint8Array;
  entries: CertificateEntry[];
}

export function encodeCertificate(msg: CertificateMsg): Uint8Array {
  const w = new Writer(2048);
  w.vec8(msg.context);
  w.block(3, (list) => {
    for (const e of msg.entries) {
      list.vec24(e.der);
      writeExtensions(list, e.extensions);
    }
  });
  return w.finish();
}

export function decodeCertificate(body: Uint8Array): CertificateMsg {
  const r = new Reader(body);
  const context = r.vec8();
  const list = r.sub24();
  r.expectEnd();
  const entries: CertificateEntry[] = [];
  while (list.remaining > 0) {
    const der = list.vec24();
    if (der.length === 0) throw decodeError('CERT_LENGTH_MISMATCH');
    if (list.remaining < 2) throw decodeError('CERT_LENGTH_MISMATCH');
    entries.push({ der, extensions: readExtensions(list) });
  }
  return { context, entries };
}

export interface CertificateRequestMsg {
  context: Uint8Array;
  extensions: Extension[];
}

export function encodeCertificateRequest(msg: CertificateRequestMsg): Uint8Array {
  const w = new Writer(128);
  w.vec8(msg.context);
  writeExtensions(w, msg.extensions);
  return w.finish();
}

export function decodeCertificateRequest(body: Uint8Array): CertificateRequestMsg {
  const r = new Reader(body);
  const context = r.vec8();
  if (r.remaining < 2) throw decodeError();
  const extensions = readExtensions(r);
  r.expectEnd();
  return { context, extensions };
}

export interface CertificateVerifyMsg {
  scheme: number;
  signature: Uint8Array;
}

export function encodeCertificateVerify(msg: CertificateVerifyMsg): Uint8Array {
  return new Writer(msg.signature.length + 4).u16(msg.scheme).vec16(msg.signature).finish();
}

export function decodeCertificateVerify(body: Uint8Array): CertificateVerifyMsg {
  const r = new Reader(body);
  const scheme = r.u16();
  const signature = r.vec16();
  r.expectEnd();
  return { scheme, signature };
}

export interface NewSessionTicketMsg {
  lifetime: number;
  ageAdd: number;
  nonce: Uint8Array;
  ticket: Uint8Array;
  extensions: Extension[];
}

export function encodeNewSessionTicket(t: NewSessionTicketMsg): Uint8Array {
  const w = new Writer(128);
  w.u32(t.lifetime).u32(t.ageAdd).vec8(t.nonce).vec16(t.ticket);
  writeExtensions(w, t.extensions);
  return w.finish();
}

export function decodeNewSessionTicket(body: Uint8Array): NewSessionTicketMsg {
  const r = new Reader(body);
  const lifetime = r.u32();
  const ageAdd = r.u32();
  const nonce = r.vec8();
  const ticket = r.vec16();
  if (ticket.length === 0) throw decodeError();
  if (r.remaining < 2) throw decodeError();
  const extensions = readExtensions(r);
  r.expectEnd();
  // RFC 8446 4.6.1: lifetimes over seven days are invalid.
  if (lifetime > 604800) throw illegalParameter('BAD_PACKET');
  return { lifetime, ageAdd, nonce, ticket, extensions };
}

export const KEY_UPDATE_NOT_REQUESTED = 0;
export const KEY_UPDATE_REQUESTED = 1;

export function decodeKeyUpdate(body: Uint8Array): number {
  const r = new Reader(body);
  const v = r.u8();
  r.expectEnd();
  if (v > 1) throw illegalParameter('BAD_KEY_UPDATE');
  return v;
}
