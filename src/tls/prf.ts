// The TLS 1.2 pseudo-random function and the secrets derived with it
// (RFC 5246 5, 6.3, 7.4.9; RFC 7627 4).
import type { CryptoProvider, HashName } from '../crypto/provider.js';

/** P_hash(secret, label + seed), built from the provider's HMAC. */
export function prf(p: CryptoProvider, hash: HashName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const labelSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out = Buffer.allocUnsafe(length);
  let a: Uint8Array = labelSeed; // A(0)
  let done = 0;
  while (done < length) {
    a = p.hmac(hash, secret, a);
    const block = p.hmac(hash, secret, Buffer.concat([a, labelSeed]));
    done += Buffer.from(block.buffer, block.byteOffset, block.byteLength).copy(out, done);
  }
  return out;
}

/** RFC 5246 8.1: the master secret without RFC 7627, for peers that do not offer it. */
export function legacyMasterSecret(p: CryptoProvider, hash: HashName, preMaster: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): Uint8Array {
  return prf(p, hash, preMaster, 'master secret', Buffer.concat([clientRandom, serverRandom]), 48);
}

/** RFC 7627: the master secret bound to the whole handshake so far. */
export function extendedMasterSecret(p: CryptoProvider, hash: HashName, preMaster: Uint8Array, sessionHash: Uint8Array): Uint8Array {
  return prf(p, hash, preMaster, 'extended master secret', sessionHash, 48);
}

export interface KeyBlock {
  /** CBC suites only: the HMAC keys, first in the key block (RFC 5246 6.3). */
  clientMacKey: Uint8Array;
  serverMacKey: Uint8Array;
  clientKey: Uint8Array;
  serverKey: Uint8Array;
  clientIv: Uint8Array;
  serverIv: Uint8Array;
}

/** MAC keys (CBC suites; none for AEAD), keys and implicit IVs (RFC 5246 6.3, RFC 5288 3). */
export function keyBlock(
  p: CryptoProvider,
  hash: HashName,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  keyLength: number,
  ivLength: number,
  macKeyLength = 0,
): KeyBlock {
  const seed = Buffer.concat([serverRandom, clientRandom]);
  const kb = prf(p, hash, master, 'key expansion', seed, 2 * macKeyLength + 2 * keyLength + 2 * ivLength);
  let at = 0;
  const take = (n: number): Uint8Array => kb.subarray(at, (at += n));
  return {
    clientMacKey: take(macKeyLength),
    serverMacKey: take(macKeyLength),
    clientKey: take(keyLength),
    serverKey: take(keyLength),
    clientIv: take(ivLength),
    serverIv: take(ivLength),
  };
}

export function finishedVerifyData12(p: CryptoProvider, hash: HashName, master: Uint8Array, fromClient: boolean, transcriptHash: Uint8Array): Uint8Array {
  return prf(p, hash, master, fromClient ? 'client finished' : 'server finished', transcriptHash, 12);
}
