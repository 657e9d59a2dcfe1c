// Ephemeral (EC)DH key shares for TLS key_share / ServerKeyExchange.
import * as nc from 'node:crypto';
import type { KeyShare } from './provider.js';
import { isFfdheGroup } from './ffdhe.js';
import { FfdheShare } from './node-ffdhe.js';

const NIST: Record<number, { curve: string; pointLength: number }> = {
  0x0017: { curve: 'prime256v1', pointLength: 65 },
  0x0018: { curve: 'secp384r1', pointLength: 97 },
  0x0019: { curve: 'secp521r1', pointLength: 133 },
};

// X25519/X448 values travel raw; node imports them fastest as JWK (the SPKI
// DER route costs over 100 us each way in Node 20).
const MONTGOMERY: Record<number, { crv: 'X25519' | 'X448'; length: number }> = {
  0x001d: { crv: 'X25519', length: 32 },
  0x001e: { crv: 'X448', length: 56 },
};

function montgomeryPublic(crv: 'X25519' | 'X448', u: Uint8Array): nc.KeyObject {
  return nc.createPublicKey({ key: { kty: 'OKP', crv, x: Buffer.from(u).toString('base64url') }, format: 'jwk' });
}

export function isSupportedGroup(group: number): boolean {
  return group in NIST || group in MONTGOMERY || isFfdheGroup(group);
}

class NistShare implements KeyShare {
  readonly publicKey: Uint8Array;
  private readonly ecdh: nc.ECDH;
  constructor(readonly group: number, private readonly pointLength: number, curve: string) {
    this.ecdh = nc.createECDH(curve);
    this.publicKey = this.ecdh.generateKeys();
  }
  derive(peer: Uint8Array): Uint8Array | null {
    // RFC 8446 4.2.8.2: only the uncompressed form is allowed.
    if (peer.length !== this.pointLength || peer[0] !== 4) return null;
    try {
      return this.ecdh.computeSecret(peer);
    } catch {
      return null; // not a point on the curve
    }
  }
}

/**
 * Node 20's generateKeyPairSync('x25519') followed by a JWK (or other) export
 * of the new key deadlocks the whole process under allocation pressure: the
 * export holds the key's mutex while allocating, the allocation runs the GC,
 * and the GC finalizes the finished key-generation job, which takes the same
 * mutex. So no key-generation job here: the private key is RFC 7748's 32 (56)
 * random bytes imported as JWK (`x` is required to be a string but ignored
 * for private keys). OpenSSL computes X25519(k, base point) while importing
 * it, so the public value is read back from the derived public KeyObject: no
 * job exists whose finalizer could take that key's mutex, and reading it back
 * costs about 3 us where a second scalar multiplication with diffieHellman()
 * cost about 30 us. test/crypto/key-exchange.test.ts runs the freezing loop on it.
 */
class MontgomeryShare implements KeyShare {
  readonly publicKey: Uint8Array;
  private readonly privateKey: nc.KeyObject;
  constructor(readonly group: number, private readonly spec: (typeof MONTGOMERY)[number]) {
    const d = nc.randomBytes(spec.length).toString('base64url');
    this.privateKey = nc.createPrivateKey({ key: { kty: 'OKP', crv: spec.crv, d, x: '' }, format: 'jwk' });
    const x = nc.createPublicKey(this.privateKey).export({ format: 'jwk' }).x;
    if (typeof x !== 'string') throw new Error('no public value for the key share');
    this.publicKey = Buffer.from(x, 'base64url');
  }
  derive(peer: Uint8Array): Uint8Array | null {
    if (peer.length !== this.spec.length) return null;
    let secret: Buffer;
    try {
      secret = nc.diffieHellman({ privateKey: this.privateKey, publicKey: montgomeryPublic(this.spec.crv, peer) });
    } catch {
      return null;
    }
    // RFC 7748 6: an all-zero output means a small-order peer value.
    return secret.some((b) => b !== 0) ? secret : null;
  }
}

export function createKeyShare(group: number): KeyShare {
  const nist = NIST[group];
  if (nist) return new NistShare(group, nist.pointLength, nist.curve);
  const mont = MONTGOMERY[group];
  if (mont) return new MontgomeryShare(group, mont);
  if (isFfdheGroup(group)) return new FfdheShare(group); // RFC 7919 groups, src/crypto/node-ffdhe.ts
  throw new Error(`unsupported group 0x${group.toString(16)}`);
}
