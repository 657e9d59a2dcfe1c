// CryptoProvider over node:crypto (OpenSSL underneath): every primitive here
// is Node's; this file only adapts calling conventions.
import * as nc from 'node:crypto';
import type { AeadKey, AeadName, CbcKey, CbcName, CryptoProvider, HashName, KeyShare, MacHash, MacKey, RunningHash } from './provider.js';
import { createKeyShare, isSupportedGroup } from './key-exchange.js';
import { acceptKeyShareFor, isHybridGroup, keyShareFor } from './group-dispatch.js';
import { signWithScheme, verifyParams, verifyWithScheme } from './signature.js';
import { SCHEMES } from './signature-schemes.js';
import { autoDhPrime, DhKeyPair } from './node-ffdhe.js';
import { importPrivateKey, importPublicKey, privateKeyMatchesCertificate } from './node-keys.js';

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

class NodeCbc implements CbcKey {
  private readonly key: nc.KeyObject;
  constructor(private readonly alg: CbcName, key: Uint8Array) {
    this.key = nc.createSecretKey(key);
  }
  encrypt(iv: Uint8Array, parts: readonly Uint8Array[]): Uint8Array[] {
    const c = nc.createCipheriv(this.alg, this.key, iv).setAutoPadding(false);
    const out: Uint8Array[] = [];
    for (const p of parts) out.push(c.update(p));
    out.push(c.final());
    return out;
  }
  decrypt(iv: Uint8Array, ct: Uint8Array): Uint8Array {
    const d = nc.createDecipheriv(this.alg, this.key, iv).setAutoPadding(false);
    return Buffer.concat([d.update(ct), d.final()]);
  }
}

class NodeMac implements MacKey {
  private readonly key: nc.KeyObject;
  constructor(private readonly alg: MacHash, key: Uint8Array) {
    this.key = nc.createSecretKey(key);
  }
  mac(parts: readonly Uint8Array[]): Uint8Array {
    const h = nc.createHmac(this.alg, this.key);
    for (const p of parts) h.update(p);
    return h.digest();
  }
}

const HASH_LENGTH: Record<HashName, number> = { sha256: 32, sha384: 48, sha512: 64 };
const ONE = Buffer.of(1);

function hkdfExpand(name: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  // RFC 5869 2.3, built from Node's HMAC: T(i) = HMAC(PRK, T(i-1) | info | i).
  // Most outputs (traffic secrets, keys, IVs) fit one block: the digest itself,
  // in its own memory. Secrets live as long as the connection, and a slice of
  // Buffer's shared pool would keep a whole 8 KiB pool slab alive with them.
  if (length <= HASH_LENGTH[name]) {
    const t1 = nc.createHmac(name, prk).update(info).update(ONE).digest();
    return length === t1.length ? t1 : t1.subarray(0, length);
  }
  const out = Buffer.alloc(length);
  let prev: Buffer = Buffer.alloc(0);
  let done = 0;
  for (let i = 1; done < length; i++) {
    prev = nc.createHmac(name, prk).update(prev).update(info).update(Buffer.of(i)).digest();
    done += prev.copy(out, done);
  }
  return out;
}

// Randomness for the handshake (hello randoms, session ids, ticket nonces...)
// comes in many small requests; one OpenSSL RAND call per request costs more
// than the bytes. Small requests are served from a block drawn ahead; every
// byte is handed out once, in its own copy.
const RANDOM_BLOCK = 4096;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

function randomBytes(n: number): Uint8Array {
  if (n > 256) return nc.randomBytes(n);
  if (randomOffset + n > randomPool.length) {
    randomPool = nc.randomBytes(RANDOM_BLOCK);
    randomOffset = 0;
  }
  const out = Uint8Array.prototype.slice.call(randomPool, randomOffset, randomOffset + n);
  randomPool.fill(0, randomOffset, randomOffset + n);
  randomOffset += n;
  return out;
}

/** Where randomness and ephemeral key shares come from: node:crypto, unless a test swaps it. */
export interface EntropySource {
  randomBytes(n: number): Uint8Array;
  keyShare(group: number): KeyShare;
}

const systemEntropy: EntropySource = { randomBytes, keyShare: createKeyShare };
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

/** ssl-ts only: the node:crypto provider (OpenSSL underneath), the default on Node. */
export const nodeCrypto: CryptoProvider = {
  name: 'node:crypto',
  hash: (name) => new NodeRunningHash(nc.createHash(name)),
  digest: (name, data) => nc.createHash(name).update(data).digest(),
  hmac: (name, key, data) => nc.createHmac(name, key).update(data).digest(),
  hkdfExtract: (name, salt, ikm) => nc.createHmac(name, salt).update(ikm).digest(),
  macKey: (name, key) => new NodeMac(name, key),
  hkdfExpand,
  aead: (name, key) => new NodeAead(name, key),
  cbc: (name, key) => new NodeCbc(name, key),
  keyShare: (group): KeyShare => keyShareFor(classical, group),
  acceptKeyShare: (group, peer) => acceptKeyShareFor(classical, group, peer),
  supportsGroup: (group) => isSupportedGroup(group) || isHybridGroup(group),
  supportsFiniteFieldDh: true,
  finiteFieldDh: (prime, generator) => new DhKeyPair(prime, generator),
  autoDhPrime,
  randomBytes: (n) => entropy.randomBytes(n),
  supportsScheme: (scheme) => scheme in SCHEMES,
  sign: signWithScheme,
  verify: verifyWithScheme,
  verifySignature: verifyParams,
  importPublicKey,
  importPrivateKey,
  privateKeyMatchesCertificate,
  timingSafeEqual: (a, b) => a.length === b.length && nc.timingSafeEqual(a, b),
};
