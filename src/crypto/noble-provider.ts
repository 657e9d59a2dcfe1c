// A synchronous CryptoProvider in pure JavaScript, for browsers and edge
// runtimes (no node:crypto, and WebCrypto is asynchronous): hashes, HMAC,
// HKDF from @noble/hashes; AES-GCM, AES-CBC, ChaCha20-Poly1305 from
// @noble/ciphers; X25519, X448, P-256/384/521 ECDH, ECDSA and EdDSA from
// @noble/curves; RSA through node-forge (noble-rsa.ts); randomness from
// crypto.getRandomValues. No primitive is ours: this file adapts calling
// conventions. Finite-field DH (TLS 1.2 DHE suites, ffdhe groups) and DSA
// are not available here: the engine offers neither with this provider.
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { cbc, gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { ed448, x448 } from '@noble/curves/ed448.js';
import { ValueError } from '../errors.js';
import { acceptKeyShareFor, isHybridGroup, keyShareFor } from './group-dispatch.js';
import { certificateSpki, importPrivateKey, importPublicKey, NIST_CURVES, NobleKey, samePublicKey } from './noble-keys.js';
import { rsaSign, rsaVerifyPkcs1, rsaVerifyPss } from './noble-rsa.js';
import type { AeadKey, AeadName, CbcKey, CryptoProvider, DigestName, HashName, KeyHandle, KeyShare, MacHash, MacKey, RunningHash, SignatureParams } from './provider.js';
import { keyFitsScheme, SCHEMES } from './signature-schemes.js';


// node:crypto hands out Buffers, and code above the provider (and its users)
// may rely on that; where a Buffer class exists, results come as Buffer views
// of the same memory (no copy). In a browser without one they stay Uint8Arrays.
const BufferClass = (globalThis as { Buffer?: typeof Buffer }).Buffer;
function out(u: Uint8Array): Uint8Array {
  return BufferClass ? BufferClass.from(u.buffer, u.byteOffset, u.byteLength) : u;
}

const HASHES = { md5, sha1, sha224, sha256, sha384, sha512 } as const;
type NobleHash = (typeof HASHES)[HashName];
type HashState = ReturnType<NobleHash['create']>;

class NobleRunningHash implements RunningHash {
  constructor(private readonly h: HashState) {}
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  peek(): Uint8Array {
    return out(this.h.clone().digest());
  }
  clone(): RunningHash {
    return new NobleRunningHash(this.h.clone());
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const TAG = 16;

class NobleAead implements AeadKey {
  readonly tagLength = TAG;
  constructor(private readonly alg: AeadName, private readonly key: Uint8Array) {}
  private cipher(nonce: Uint8Array, aad: Uint8Array): ReturnType<typeof gcm> {
    return this.alg === 'chacha20-poly1305' ? chacha20poly1305(this.key, nonce, aad) : gcm(this.key, nonce, aad);
  }
  seal(nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], prefix: Uint8Array): Uint8Array[] {
    return [prefix, this.cipher(nonce, aad).encrypt(concat(parts))];
  }
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
    if (ciphertext.length < TAG) return null;
    try {
      return out(this.cipher(nonce, aad).decrypt(ciphertext));
    } catch {
      return null; // authentication failed
    }
  }
}

class NobleCbc implements CbcKey {
  constructor(private readonly key: Uint8Array) {}
  encrypt(iv: Uint8Array, parts: readonly Uint8Array[]): Uint8Array[] {
    return [cbc(this.key, iv, { disablePadding: true }).encrypt(concat(parts))];
  }
  decrypt(iv: Uint8Array, ct: Uint8Array): Uint8Array {
    return out(cbc(this.key, iv, { disablePadding: true }).decrypt(ct));
  }
}

class NobleMac implements MacKey {
  private readonly base: ReturnType<typeof hmac.create>;
  constructor(name: MacHash, key: Uint8Array) {
    this.base = hmac.create(HASHES[name], key);
  }
  mac(parts: readonly Uint8Array[]): Uint8Array {
    const h = this.base.clone();
    for (const p of parts) h.update(p);
    return out(h.digest());
  }
}

// ---- randomness: crypto.getRandomValues, which fills at most 64 KiB per call

function randomBytes(n: number): Uint8Array {
  const r = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) globalThis.crypto.getRandomValues(r.subarray(i, Math.min(n, i + 65536)));
  return out(r);
}

// ---- key shares

const NIST_GROUPS: Readonly<Record<number, { curve: string; pointLength: number }>> = {
  0x0017: { curve: 'prime256v1', pointLength: 65 },
  0x0018: { curve: 'secp384r1', pointLength: 97 },
  0x0019: { curve: 'secp521r1', pointLength: 133 },
};
const MONTGOMERY = { 0x001d: { fn: x25519, length: 32 }, 0x001e: { fn: x448, length: 56 } } as const;

class NistShare implements KeyShare {
  readonly publicKey: Uint8Array;
  private readonly secret: Uint8Array;
  private readonly curve: (typeof NIST_CURVES)[string]['curve'];
  constructor(readonly group: number, private readonly pointLength: number, curveName: string) {
    this.curve = NIST_CURVES[curveName]!.curve;
    this.secret = this.curve.utils.randomSecretKey();
    this.publicKey = this.curve.getPublicKey(this.secret, false);
  }
  derive(peer: Uint8Array): Uint8Array | null {
    // RFC 8446 4.2.8.2: only the uncompressed form is allowed.
    if (peer.length !== this.pointLength || peer[0] !== 4) return null;
    try {
      return out(this.curve.getSharedSecret(this.secret, peer, true).subarray(1)); // the x coordinate
    } catch {
      return null; // not a point on the curve
    }
  }
}

class MontgomeryShare implements KeyShare {
  readonly publicKey: Uint8Array;
  private readonly secret: Uint8Array;
  constructor(readonly group: number, private readonly spec: (typeof MONTGOMERY)[keyof typeof MONTGOMERY]) {
    this.secret = randomBytes(spec.length); // RFC 7748: any string of this length is a private key
    this.publicKey = spec.fn.getPublicKey(this.secret);
  }
  derive(peer: Uint8Array): Uint8Array | null {
    if (peer.length !== this.spec.length) return null;
    try {
      // @noble/curves refuses an all-zero result (a small-order peer value, RFC 7748 6).
      return out(this.spec.fn.getSharedSecret(this.secret, peer));
    } catch {
      return null;
    }
  }
}

function classicalShare(group: number): KeyShare {
  const nist = NIST_GROUPS[group];
  if (nist) return new NistShare(group, nist.pointLength, nist.curve);
  const mont = MONTGOMERY[group as keyof typeof MONTGOMERY];
  if (mont) return new MontgomeryShare(group, mont);
  throw new ValueError(`group 0x${group.toString(16)} is not supported by the pure-JavaScript crypto provider`);
}

const classical = { keyShare: classicalShare, randomBytes };

// ---- signatures

function nobleKey(key: KeyHandle): NobleKey {
  if (!(key instanceof NobleKey)) throw new TypeError('this key was not imported by the pure-JavaScript crypto provider');
  return key;
}

function digest(name: DigestName, data: Uint8Array): Uint8Array {
  return out(HASHES[name](data));
}

function verifyParams(p: SignatureParams, handle: KeyHandle, data: Uint8Array, sig: Uint8Array): boolean {
  if (!(handle instanceof NobleKey)) return false;
  const key = handle;
  try {
    switch (p.kind) {
      case 'eddsa':
        if (key.asymmetricKeyType === 'ed25519') return ed25519.verify(sig, data, key.publicBytes, { zip215: false });
        if (key.asymmetricKeyType === 'ed448') return ed448.verify(sig, data, key.publicBytes);
        return false;
      case 'ecdsa': {
        const c = NIST_CURVES[key.asymmetricKeyDetails.namedCurve ?? ''];
        if (!c || key.asymmetricKeyType !== 'ec' || !p.hash) return false;
        // OpenSSL accepts high-S signatures, and so must we.
        return c.curve.verify(sig, digest(p.hash, data), key.publicBytes, { prehash: false, lowS: false, format: 'der' });
      }
      case 'rsa-pkcs1':
        if (!key.rsa || key.asymmetricKeyType !== 'rsa' || !p.hash) return false;
        return rsaVerifyPkcs1(key, p.hash, digest(p.hash, data), sig);
      case 'rsa-pss':
        if (!key.rsa || !p.hash) return false;
        return rsaVerifyPss(key, p.hash, p.saltLength ?? 20, digest(p.hash, data), sig);
      default:
        return false; // DSA: no well-kept pure-JavaScript implementation is used here
    }
  } catch {
    return false;
  }
}

function sign(scheme: number, handle: KeyHandle, data: Uint8Array): Uint8Array {
  const spec = SCHEMES[scheme];
  if (!spec) throw new ValueError(`unsupported signature scheme 0x${scheme.toString(16)}`);
  const key = nobleKey(handle);
  if (!key.secretBytes && !key.rsa?.priv) throw new ValueError('signing needs a private key');
  if (!keyFitsScheme(scheme, key, false)) throw new ValueError(`a ${key.asymmetricKeyType} key cannot make signature scheme 0x${scheme.toString(16)}`);
  switch (spec.kind) {
    case 'eddsa':
      return key.asymmetricKeyType === 'ed25519' ? ed25519.sign(data, key.secretBytes!) : ed448.sign(data, key.secretBytes!);
    case 'ecdsa': {
      const c = NIST_CURVES[key.asymmetricKeyDetails.namedCurve ?? '']!;
      // RFC 6979 nonces hedged with fresh randomness.
      return c.curve.sign(digest(spec.hash!, data), key.secretBytes!, { prehash: false, lowS: false, format: 'der', extraEntropy: true });
    }
    case 'rsa-pkcs1':
    case 'rsa-pss':
      return rsaSign(key, { kind: spec.kind, hash: spec.hash!, saltLength: spec.saltLength }, digest(spec.hash!, data), randomBytes);
    default:
      throw new ValueError(`signature scheme 0x${scheme.toString(16)} is not supported by the pure-JavaScript crypto provider`);
  }
}

function noFiniteFieldDh(): never {
  throw new ValueError('finite-field Diffie-Hellman (DHE) is not supported by the pure-JavaScript crypto provider');
}

/**
 * ssl-ts only: the pure-JavaScript provider (@noble/hashes, @noble/ciphers,
 * @noble/curves, node-forge for RSA; randomness from crypto.getRandomValues):
 * synchronous, no `node:` module, the default in a browser build. It has no
 * finite-field DH (no DHE suites, no ffdhe groups), no DSA and no encrypted
 * private keys.
 */
export const nobleCrypto: CryptoProvider = {
  name: 'noble',
  hash: (name) => new NobleRunningHash(HASHES[name].create()),
  digest,
  hmac: (name, key, data) => out(hmac(HASHES[name], key, data)),
  macKey: (name, key) => new NobleMac(name, key),
  hkdfExtract: (name, salt, ikm) => out(extract(HASHES[name], ikm, salt)),
  hkdfExpand: (name, prk, info, length) => out(expand(HASHES[name], prk, info, length)),
  aead: (name, key) => new NobleAead(name, key),
  cbc: (_name, key) => new NobleCbc(key),
  keyShare: (group) => keyShareFor(classical, group),
  acceptKeyShare: (group, peer) => acceptKeyShareFor(classical, group, peer),
  supportsGroup: (group) => group in NIST_GROUPS || group in MONTGOMERY || isHybridGroup(group),
  supportsFiniteFieldDh: false,
  finiteFieldDh: noFiniteFieldDh,
  autoDhPrime: noFiniteFieldDh,
  randomBytes,
  supportsScheme: (scheme) => scheme in SCHEMES,
  sign,
  verify: (scheme, key, data, sig) => {
    const spec = SCHEMES[scheme];
    // Callers enforce curve binding where the protocol asks for it.
    if (!spec || !keyFitsScheme(scheme, key, false)) return false;
    return verifyParams(spec, key, data, sig);
  },
  verifySignature: verifyParams,
  importPublicKey,
  importPrivateKey,
  privateKeyMatchesCertificate: (certDer, key) => {
    const pub = importPublicKey(certificateSpki(certDer));
    return pub !== null && samePublicKey(pub, nobleKey(key));
  },
  timingSafeEqual: (a, b) => a.length === b.length && equalBytes(a, b),
};
