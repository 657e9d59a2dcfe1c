// Deterministic randomness and ephemeral keys for the fuzzer's replays: an
// HMAC_DRBG (NIST SP 800-90A 10.1.2, SHA-256) built on node:crypto's HMAC,
// and key shares whose private keys come from it, imported through
// createECDH().setPrivateKey() / createPrivateKey(PKCS#8). Only ever
// installed by tests, through setEntropySourceForTests().
import * as nc from 'node:crypto';
import type { KeyShare } from '../../src/crypto/provider.js';
import type { EntropySource } from '../../src/crypto/node-provider.js';

export class HmacDrbg {
  private k: Buffer = Buffer.alloc(32, 0);
  private v: Buffer = Buffer.alloc(32, 1);

  constructor(seed: Uint8Array) {
    this.update(seed);
  }

  private hmac(...parts: Uint8Array[]): Buffer {
    const h = nc.createHmac('sha256', this.k);
    for (const p of parts) h.update(p);
    return h.digest();
  }

  private update(data: Uint8Array): void {
    this.k = this.hmac(this.v, Uint8Array.of(0), data);
    this.v = this.hmac(this.v);
    if (data.length === 0) return;
    this.k = this.hmac(this.v, Uint8Array.of(1), data);
    this.v = this.hmac(this.v);
  }

  generate(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let at = 0; at < n; ) {
      this.v = this.hmac(this.v);
      at += this.v.copy(out, at);
    }
    this.update(new Uint8Array(0));
    return out;
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    return this.generate(4).readUInt32BE(0) % n;
  }
}

const NIST: Record<number, { curve: string; scalar: number; topMask: number; point: number }> = {
  0x0017: { curve: 'prime256v1', scalar: 32, topMask: 0xff, point: 65 },
  0x0018: { curve: 'secp384r1', scalar: 48, topMask: 0xff, point: 97 },
  0x0019: { curve: 'secp521r1', scalar: 66, topMask: 0x01, point: 133 },
};

const MONTGOMERY: Record<number, { crv: 'X25519' | 'X448'; length: number; pkcs8: string }> = {
  0x001d: { crv: 'X25519', length: 32, pkcs8: '302e020100300506032b656e04220420' },
  0x001e: { crv: 'X448', length: 56, pkcs8: '3046020100300506032b656f043a0438' },
};

class SeededNistShare implements KeyShare {
  readonly publicKey: Uint8Array;
  private readonly ecdh: nc.ECDH;
  constructor(readonly group: number, drbg: HmacDrbg) {
    const spec = NIST[group]!;
    this.ecdh = nc.createECDH(spec.curve);
    for (;;) {
      const d = drbg.generate(spec.scalar);
      d[0] = d[0]! & spec.topMask;
      try {
        this.ecdh.setPrivateKey(d);
        break;
      } catch {
        // zero or not below the group order: draw again
      }
    }
    this.publicKey = this.ecdh.getPublicKey();
  }
  derive(peer: Uint8Array): Uint8Array | null {
    if (peer.length !== NIST[this.group]!.point || peer[0] !== 4) return null;
    try {
      return this.ecdh.computeSecret(peer);
    } catch {
      return null;
    }
  }
}

class SeededMontgomeryShare implements KeyShare {
  readonly publicKey: Uint8Array;
  private readonly privateKey: nc.KeyObject;
  constructor(readonly group: number, drbg: HmacDrbg) {
    const spec = MONTGOMERY[group]!;
    const der = Buffer.concat([Buffer.from(spec.pkcs8, 'hex'), drbg.generate(spec.length)]);
    this.privateKey = nc.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    const spki = nc.createPublicKey(this.privateKey).export({ format: 'der', type: 'spki' });
    this.publicKey = spki.subarray(spki.length - spec.length);
  }
  derive(peer: Uint8Array): Uint8Array | null {
    const spec = MONTGOMERY[this.group]!;
    if (peer.length !== spec.length) return null;
    let secret: Buffer;
    try {
      const publicKey = nc.createPublicKey({ key: { kty: 'OKP', crv: spec.crv, x: Buffer.from(peer).toString('base64url') }, format: 'jwk' });
      secret = nc.diffieHellman({ privateKey: this.privateKey, publicKey });
    } catch {
      return null;
    }
    return secret.some((b) => b !== 0) ? secret : null;
  }
}

/** An EntropySource whose every output follows from `seed`. */
export function seededEntropy(seed: Uint8Array): EntropySource {
  const drbg = new HmacDrbg(seed);
  return {
    randomBytes: (n) => drbg.generate(n),
    keyShare: (group) => {
      if (group in NIST) return new SeededNistShare(group, drbg);
      if (group in MONTGOMERY) return new SeededMontgomeryShare(group, drbg);
      throw new Error(`unsupported group 0x${group.toString(16)}`);
    },
  };
}
