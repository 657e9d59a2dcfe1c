// CryptoProvider over node:crypto (OpenSSL underneath): every primitive here
// is Node's; this file only adapts calling conventions.
import * as nc from 'node:crypto';
import type { AeadKey, AeadName, CryptoProvider, HashName, KeyShare, RunningHash } from './provider.js';
import { createKeyShare, isSupportedGroup } from './key-exchange.js';
import { acceptKeyShareFor, isHybridGroup, keyShareFor } from './group-dispatch.js';
import { signWithScheme, verifyWithScheme } from './signature.js';

class NodeRunningHash implements RunningHash {
  constructor(private h: nc.Hash) {}
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  peek(): Uint8Array {
    return this.h.copy().digest();
  }
  clone(): RunningHash {
    return new NodeRunningHash(this.h.copy());
  }
}

const TAG = 16;

class NodeAead implements AeadKey {
  readonly tagLength = TAG;
  private readonly key: nc.KeyObject;
  constructor(private readonly alg: AeadName, key: Uint8Array) {
    this.key = nc.createSecretKey(key);
  }

  seal(nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], prefix: Uint8Array): Uint8Array[] {
    let total = 0;
    for (const p of parts) total += p.length;
    const c = nc.createCipheriv(this.alg as nc.CipherGCMTypes, this.key, nonce, { authTagLength: TAG });
    c.setAAD(aad, { plaintextLength: total });
    const out: Uint8Array[] = [prefix];
    for (const p of parts) out.push(c.update(p));
    c.final();
    out.push(c.getAuthTag());
    return out;
  }

  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
    if (ciphertext.length < TAG) return null;
    const n = ciphertext.length - TAG;
    const d = nc.createDecipheriv(this.alg as nc.CipherGCMTypes, this.key, nonce, { authTagLength: TAG });
    d.setAAD(aad, { plaintextLength: n });
    d.setAuthTag(ciphertext.subarray(n));
    const body = d.update(ciphertext.subarray(0, n));
    try {
      d.final();
    } catch {
      return null;
    }
    return body;
  }
}

function hkdfExpand(name: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  // RFC 5869 2.3, built from Node's HMAC: T(i) = HMAC(PRK, T(i-1) | info | i).
  const out = Buffer.allocUnsafe(length);
  let prev: Buffer = Buffer.alloc(0);
  let done = 0;
  for (let i = 1; done < length; i++) {
    prev = nc.createHmac(name, prk).update(prev).update(info).update(Buffer.of(i)).digest();
    done += prev.copy(out, done);
  }
  return out;
}

/** Where randomness and ephemeral key shares come from: node:crypto, unless a test swaps it. */
export interface EntropySource {
  randomBytes(n: number): Uint8Array;
  keyShare(group: number): KeyShare;
}

const systemEntropy: EntropySource = { randomBytes: (n) => nc.randomBytes(n), keyShare: createKeyShare };
let entropy: EntropySource = systemEntropy;

/**
 * Tests only: the fuzzer replays recorded conversations deterministically by
 * drawing randoms and ephemeral keys from a seeded DRBG (test/fuzz/seeded-entropy.ts).
 * `null` restores node:crypto. Not exported from the package's index.
 */
export function setEntropySourceForTests(source: EntropySource | null): void {
  entropy = source ?? systemEntropy;
}

/** The hybrid group's classical half and randomness come from the same (possibly seeded) source. */
const classical = { keyShare: (g: number): KeyShare => entropy.keyShare(g), randomBytes: (n: number): Uint8Array => entropy.randomBytes(n) };

export const nodeCrypto: CryptoProvider = {
  hash: (name) => new NodeRunningHash(nc.createHash(name)),
  digest: (name, data) => nc.createHash(name).update(data).digest(),
  hmac: (name, key, data) => nc.createHmac(name, key).update(data).digest(),
  hkdfExtract: (name, salt, ikm) => nc.createHmac(name, salt).update(ikm).digest(),
  hkdfExpand,
  aead: (name, key) => new NodeAead(name, key),
  keyShare: (group): KeyShare => keyShareFor(classical, group),
  acceptKeyShare: (group, peer) => acceptKeyShareFor(classical, group, peer),
  supportsGroup: (group) => isSupportedGroup(group) || isHybridGroup(group),
  randomBytes: (n) => entropy.randomBytes(n),
  sign: signWithScheme,
  verify: verifyWithScheme,
  timingSafeEqual: (a, b) => a.length === b.length && nc.timingSafeEqual(a, b),
};
