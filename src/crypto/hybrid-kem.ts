// X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem): ML-KEM-768 (FIPS 203) and
// X25519 in one TLS 1.3 group. ML-KEM comes from @noble/post-quantum, since
// node:crypto has none on Node 20; X25519 comes from whatever provider made
// the classical share, so the hybrid follows the active provider.
//
// Unlike the other hybrids, this one puts the ML-KEM part first everywhere:
//   client share  = ML-KEM encapsulation key (1184) || X25519 public (32)
//   server share  = ML-KEM ciphertext (1088)        || X25519 public (32)
//   shared secret = ML-KEM shared secret (32)        || X25519 secret (32)
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import type { KeyShare } from './provider.js';

export const X25519MLKEM768 = 0x11ec;
const X25519 = 0x001d;

const EK = 1184;
const CT = 1088;
const X_LEN = 32;
export const HYBRID_CLIENT_SHARE_LENGTH = EK + X_LEN;
export const HYBRID_SERVER_SHARE_LENGTH = CT + X_LEN;

/** What the hybrid needs from a provider: an X25519 share and randomness. */
export interface ClassicalParts {
  keyShare(group: number): KeyShare;
  randomBytes(n: number): Uint8Array;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The client's half: a fresh ML-KEM key pair beside an X25519 share. */
class HybridClientShare implements KeyShare {
  readonly group = X25519MLKEM768;
  readonly publicKey: Uint8Array;
  readonly #secretKey: Uint8Array;
  readonly #x: KeyShare;

  constructor(parts: ClassicalParts) {
    // FIPS 203 ML-KEM.KeyGen takes d || z, 64 random bytes.
    const { publicKey, secretKey } = ml_kem768.keygen(parts.randomBytes(64));
    this.#secretKey = secretKey;
    this.#x = parts.keyShare(X25519);
    this.publicKey = concat(publicKey, this.#x.publicKey);
  }

  derive(peer: Uint8Array): Uint8Array | null {
    if (peer.length !== HYBRID_SERVER_SHARE_LENGTH) return null;
    // Decapsulation never fails on a well-sized ciphertext: a tampered one
    // yields an unrelated secret (implicit rejection), and the handshake then
    // fails when the server's first encrypted record does not authenticate.
    let k: Uint8Array;
    try {
      k = ml_kem768.decapsulate(peer.subarray(0, CT), this.#secretKey);
    } catch {
      return null;
    }
    const x = this.#x.derive(peer.subarray(CT));
    return x ? concat(k, x) : null;
  }
}

export function hybridClientShare(parts: ClassicalParts): KeyShare {
  return new HybridClientShare(parts);
}

/**
 * The server's half: encapsulate to the client's ML-KEM key and answer its
 * X25519 share. Null when the client's share is malformed, including an
 * encapsulation key that fails FIPS 203's modulus check.
 */
export function hybridServerShare(parts: ClassicalParts, peer: Uint8Array): { publicKey: Uint8Array; secret: Uint8Array } | null {
  if (peer.length !== HYBRID_CLIENT_SHARE_LENGTH) return null;
  let kem: { cipherText: Uint8Array; sharedSecret: Uint8Array };
  try {
    kem = ml_kem768.encapsulate(peer.subarray(0, EK), parts.randomBytes(32));
  } catch {
    return null;
  }
  const x = parts.keyShare(X25519);
  const xs = x.derive(peer.subarray(EK));
  if (!xs) return null;
  return { publicKey: concat(kem.cipherText, x.publicKey), secret: concat(kem.sharedSecret, xs) };
}
