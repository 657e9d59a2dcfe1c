// The crypto the TLS engine needs, as an interface: the protocol code never
// calls a primitive directly, so a different backend can be slotted in.
import type { KeyObject } from 'node:crypto';

export type HashName = 'sha256' | 'sha384' | 'sha512';
export type AeadName = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

export interface RunningHash {
  update(data: Uint8Array): void;
  /** Digest of everything so far, leaving the running state usable. */
  peek(): Uint8Array;
  clone(): RunningHash;
}

export interface AeadKey {
  readonly tagLength: number;
  /**
   * Encrypts the concatenation of `parts` and returns the record as pieces,
   * `prefix`, ciphertext, tag: nothing is copied into a joined buffer, since
   * the transport usually gathers pieces anyway.
   */
  seal(nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], prefix: Uint8Array): Uint8Array[];
  /** Returns null when authentication fails. */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
}

export interface KeyShare {
  readonly group: number;
  readonly publicKey: Uint8Array;
  /** Shared secret with the peer's public value; null when the value is invalid. */
  derive(peerPublic: Uint8Array): Uint8Array | null;
}

export interface CryptoProvider {
  hash(name: HashName): RunningHash;
  digest(name: HashName, data: Uint8Array): Uint8Array;
  hmac(name: HashName, key: Uint8Array, data: Uint8Array): Uint8Array;
  hkdfExtract(name: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  hkdfExpand(name: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  aead(name: AeadName, key: Uint8Array): AeadKey;
  /** A fresh share of our own for `group` (client, or TLS 1.2 server). */
  keyShare(group: number): KeyShare;
  /**
   * TLS 1.3 server: answer the client's share for `group` with ours and the
   * shared secret. For (EC)DH groups this is a fresh share plus derive(); a
   * KEM group encapsulates to the client's key instead. Null when the
   * client's value is invalid.
   */
  acceptKeyShare(group: number, peerPublic: Uint8Array): { publicKey: Uint8Array; secret: Uint8Array } | null;
  supportsGroup(group: number): boolean;
  randomBytes(n: number): Uint8Array;
  sign(scheme: number, key: KeyObject, data: Uint8Array): Uint8Array;
  verify(scheme: number, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean;
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}
