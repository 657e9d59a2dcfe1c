// Ephemeral (EC)DH key shares for TLS key_share / ServerKeyExchange.
import * as nc from 'node:crypto';
import type { KeyShare } from './provider.js';
import { FfdheShare, isFfdheGroup } from './ffdhe.js';

const NIST: Record<number, { curve: string; pointLength: number }> = {
  0x0017: { curve: 'prime256v1', pointLength: 65 },
  0x0018: { curve: 'secp384r1', pointLength: 97 },
  0x0019: { curve: 'secp521r1', pointLength: 133 },
};

// X25519/X448 values travel raw; node imports and exports them fastest as JWK
// (the SPKI DER route costs over 100 us each way in Node 20).
const MONTGOMERY: Record<number, { type: 'x25519' | 'x448'; crv: 'X25519' | 'X448'; length: number }> = {
  0x001d: { type: 'x25519', crv: 'X25519', length: 32 },
  0x001e: { type: 'x448', crv: 'X448', length: 56 },
};

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

class MontgomeryShare implements KeyShare {
  readonly publicKey: Uint8Array;
  private readonly privateKey: nc.KeyObject;
  constructor(readonly group: number, private readonly spec: (typeof MONTGOMERY)[number]) {
    const { publicKey, privateKey } =
      spec.type === 'x25519' ? nc.generateKeyPairSync('x25519') : nc.generateKeyPairSync('x448');
    this.privateKey = privateKey;
    this.publicKey = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  }
  derive(peer: Uint8Array): Uint8Array | null {
    if (peer.length !== this.spec.length) return null;
    let secret: Buffer;
    try {
      const publicKey = nc.createPublicKey({
        key: { kty: 'OKP', crv: this.spec.crv, x: Buffer.from(peer).toString('base64url') },
        format: 'jwk',
      });
      secret = nc.diffieHellman({ privateKey: this.privateKey, publicKey });
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
  if (isFfdheGroup(group)) return new FfdheShare(group); // RFC 7919 groups, src/crypto/ffdhe.ts
  throw new Error(`unsupported group 0x${group.toString(16)}`);
}
