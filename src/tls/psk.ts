// TLS 1.3 pre-shared keys (RFC 8446 4.2.9, 4.2.11): the pre_shared_key and
// psk_key_exchange_modes extensions, and the binders that tie a PSK to the
// ClientHello that offers it.
import type { CryptoProvider, HashName } from '../crypto/provider.js';
import { decodeError, illegalParameter } from './alert.js';
import type { CipherSuite13 } from './cipher-suites.js';
import { Reader, Writer } from './codec.js';
import { hkdfExpandLabel, KeySchedule } from './key-schedule.js';

export const PSK_KE = 0;
export const PSK_DHE_KE = 1;

export interface PskIdentity {
  identity: Uint8Array;
  obfuscatedTicketAge: number;
}

export interface OfferedPsks {
  identities: PskIdentity[];
  binders: Uint8Array[];
  /** Bytes at the end of the ClientHello taken by the binders list (its length prefix included). */
  bindersLength: number;
}

export function decodePskModes(data: Uint8Array): number[] {
  const r = new Reader(data);
  const list = r.sub8();
  if (list.remaining === 0) throw decodeError('BAD_EXTENSION');
  const out: number[] = [];
  while (list.remaining > 0) out.push(list.u8());
  r.expectEnd('BAD_EXTENSION');
  return out;
}

export function decodeOfferedPsks(data: Uint8Array): OfferedPsks {
  const r = new Reader(data);
  const ids = r.sub16();
  const identities: PskIdentity[] = [];
  while (ids.remaining > 0) {
    const identity = ids.vec16();
    if (identity.length === 0) throw decodeError('BAD_EXTENSION');
    identities.push({ identity, obfuscatedTicketAge: ids.u32() });
  }
  const start = r.offset;
  const list = r.sub16();
  const binders: Uint8Array[] = [];
  while (list.remaining > 0) {
    const b = list.vec8();
    if (b.length < 32) throw decodeError('BAD_EXTENSION');
    binders.push(b);
  }
  const bindersLength = r.offset - start;
  r.expectEnd('BAD_EXTENSION');
  if (identities.length === 0) throw decodeError('BAD_EXTENSION');
  // RFC 8446 4.2.11: one binder per identity.
  if (binders.length !== identities.length) throw illegalParameter('BAD_EXTENSION');
  return { identities, binders, bindersLength };
}

/** The client's pre_shared_key with zeroed binders of the given lengths, patched later. */
export function encodeOfferedPsks(identities: readonly PskIdentity[], binderLengths: readonly number[]): Uint8Array {
  const w = new Writer(256);
  w.block(2, (b) => identities.forEach((i) => b.vec16(i.identity).u32(i.obfuscatedTicketAge >>> 0)));
  w.block(2, (b) => binderLengths.forEach((n) => b.vec8(new Uint8Array(n))));
  return w.finish();
}

export function bindersListLength(binderLengths: readonly number[]): number {
  return 2 + binderLengths.reduce((a, n) => a + 1 + n, 0);
}

/** Write the binders into the tail of an encoded ClientHello (in place). */
export function patchBinders(helloBody: Uint8Array, binders: readonly Uint8Array[]): void {
  let at = helloBody.length - bindersListLength(binders.map((b) => b.length)) + 2;
  for (const b of binders) {
    helloBody[at] = b.length;
    helloBody.set(b, at + 1);
    at += 1 + b.length;
  }
}

export const encodeSelectedIdentity = (index: number): Uint8Array => new Writer(2).u16(index).finish();
export function decodeSelectedIdentity(data: Uint8Array): number {
  const r = new Reader(data);
  const v = r.u16();
  r.expectEnd('BAD_EXTENSION');
  return v;
}

/**
 * binder = HMAC(finished_key(binder_key), Transcript-Hash(truncated ClientHello)),
 * binder_key = Derive-Secret(Early Secret, "res binder" | "ext binder", "").
 */
export function computeBinder(
  p: CryptoProvider,
  suite: CipherSuite13,
  psk: Uint8Array,
  external: boolean,
  truncatedHash: Uint8Array,
): Uint8Array {
  const ks = new KeySchedule(p, suite, psk);
  const binderKey = ks.deriveSecret(ks.earlySecret, external ? 'ext binder' : 'res binder', p.digest(suite.hash, new Uint8Array(0)));
  const finishedKey = hkdfExpandLabel(p, suite, binderKey, 'finished', new Uint8Array(0), suite.hashLength);
  return p.hmac(suite.hash, finishedKey, truncatedHash);
}

/** The PSK a NewSessionTicket stands for (RFC 8446 4.6.1). */
export function ticketPsk(p: CryptoProvider, suite: CipherSuite13, resumptionSecret: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hkdfExpandLabel(p, suite, resumptionSecret, 'resumption', nonce, suite.hashLength);
}

export function hashLengthOf(hash: HashName): number {
  return hash === 'sha256' ? 32 : hash === 'sha384' ? 48 : 64;
}
