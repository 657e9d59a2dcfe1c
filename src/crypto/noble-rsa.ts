// RSA for the pure-JavaScript provider. @noble/* has no RSA, so the modular
// arithmetic (with blinding for private keys) is node-forge's, the most widely
// used pure-JavaScript RSA. What is ours is only encoding around it:
// PKCS#1 v1.5 signatures are checked the way RFC 8017 8.2.2 recommends
// (re-encode the expected EM and compare every byte, so no lenient parsing of
// the DigestInfo can be exploited); RSA-PSS encoding is forge's own.
import forge from 'node-forge/lib/forge.js';
import 'node-forge/lib/rsa.js';
import 'node-forge/lib/pss.js';
import 'node-forge/lib/mgf1.js';
import 'node-forge/lib/sha1.js';
import 'node-forge/lib/sha256.js';
import 'node-forge/lib/sha512.js';
import type { DigestName } from './provider.js';
import type { NobleKey, RsaNumbers } from './noble-keys.js';

type ForgeKey = forge.pki.rsa.PublicKey | forge.pki.rsa.PrivateKey;

// forge's private-key operation draws its blinding factor from forge.random,
// whose generator reseeds from require('crypto') whenever it believes it runs
// on Node. In a browser bundle that module is mapped away, and a runtime that
// looks like Node (a `process` global) would then fail. So forge's random
// bytes come from crypto.getRandomValues, the provider's own source: a
// cryptographically secure generator either way, and the same in every runtime.
function secureRandomBinary(n: number): string {
  const r = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) globalThis.crypto.getRandomValues(r.subarray(i, Math.min(n, i + 65536)));
  return binary(r);
}
const forgeRandom = forge.random as unknown as { getBytes: (n: number) => string; getBytesSync: (n: number) => string };
forgeRandom.getBytes = secureRandomBinary;
forgeRandom.getBytesSync = secureRandomBinary;

/** DER DigestInfo prefixes (RFC 8017 9.2, note 1): AlgorithmIdentifier with NULL parameters, then the OCTET STRING header. */
const DIGEST_INFO: Readonly<Record<DigestName, string>> = {
  md5: '3020300c06082a864886f70d020505000410',
  sha1: '3021300906052b0e03021a05000414',
  sha224: '302d300d06096086480165030402040500041c',
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

/** forge's message digests, for PSS's M' hash and MGF1 (forge has no SHA-224 or MD5 here). */
const FORGE_MD: Partial<Record<DigestName, () => forge.md.MessageDigest>> = {
  sha1: () => forge.md.sha1.create(),
  sha256: () => forge.md.sha256.create(),
  sha384: () => forge.md.sha384.create(),
  sha512: () => forge.md.sha512.create(),
};

function big(v: bigint): forge.jsbn.BigInteger {
  return new forge.jsbn.BigInteger(v.toString(16), 16);
}

function binary(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x2000) s += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  return s;
}

function bytesOf(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const KEYS = new WeakMap<NobleKey, ForgeKey>();

function forgeKey(key: NobleKey, rsa: RsaNumbers): ForgeKey {
  let k = KEYS.get(key);
  if (!k) {
    const p = rsa.priv;
    k = p
      ? forge.pki.setRsaPrivateKey(big(rsa.n), big(rsa.e), big(p.d), big(p.p), big(p.q), big(p.dp), big(p.dq), big(p.qi))
      : forge.pki.setRsaPublicKey(big(rsa.n), big(rsa.e));
    KEYS.set(key, k);
  }
  return k;
}

function publicKeyOf(key: NobleKey): forge.pki.rsa.PublicKey {
  return forgeKey(key, key.rsa!) as forge.pki.rsa.PublicKey;
}

/** EMSA-PKCS1-v1_5 (RFC 8017 9.2) of an already computed digest, `k` bytes long; null when the modulus is too small. */
function pkcs1Encoding(hash: DigestName, digest: Uint8Array, k: number): string | null {
  const t = DIGEST_INFO[hash].replace(/../g, (h) => String.fromCharCode(parseInt(h, 16))) + binary(digest);
  if (k < t.length + 11) return null;
  return '\x00\x01' + '\xff'.repeat(k - t.length - 3) + '\x00' + t;
}

export function rsaVerifyPkcs1(key: NobleKey, hash: DigestName, digest: Uint8Array, sig: Uint8Array): boolean {
  const pub = publicKeyOf(key);
  const k = Math.ceil(pub.n.bitLength() / 8);
  const expected = pkcs1Encoding(hash, digest, k);
  if (expected === null || sig.length !== k) return false;
  try {
    // A custom scheme receives the raw EM (s^e mod n, left-padded to k bytes).
    return pub.verify('', binary(sig), { verify: (_: string, em: string) => em === expected } as unknown as 'RSASSA-PKCS1-V1_5');
  } catch {
    return false; // signature >= n, or of the wrong length
  }
}

function pssScheme(hash: DigestName, saltLength: number, randomBytes?: (n: number) => Uint8Array): unknown | null {
  const md = FORGE_MD[hash];
  if (!md) return null;
  return forge.pss.create({
    md: md(),
    mgf: forge.mgf.mgf1.create(md()),
    saltLength,
    prng: randomBytes ? { getBytesSync: (n: number) => binary(randomBytes(n)) } : undefined,
  });
}

export function rsaVerifyPss(key: NobleKey, hash: DigestName, saltLength: number, digest: Uint8Array, sig: Uint8Array): boolean {
  const scheme = pssScheme(hash, saltLength);
  if (!scheme) return false;
  const pub = publicKeyOf(key);
  if (sig.length !== Math.ceil(pub.n.bitLength() / 8)) return false;
  try {
    return pub.verify(binary(digest), binary(sig), scheme as 'RSASSA-PKCS1-V1_5');
  } catch {
    return false;
  }
}

/** A stand-in for a forge digest whose value is already known (forge's signers only read these). */
function precomputed(hash: DigestName, digest: Uint8Array): forge.md.MessageDigest {
  return { algorithm: hash, digestLength: digest.length, digest: () => forge.util.createBuffer(binary(digest)) } as unknown as forge.md.MessageDigest;
}

export function rsaSign(
  key: NobleKey,
  p: { kind: 'rsa-pkcs1' | 'rsa-pss'; hash: DigestName; saltLength?: number },
  digest: Uint8Array,
  randomBytes: (n: number) => Uint8Array,
): Uint8Array {
  const priv = forgeKey(key, key.rsa!) as forge.pki.rsa.PrivateKey;
  if (p.kind === 'rsa-pkcs1') return bytesOf(priv.sign(precomputed(p.hash, digest), 'RSASSA-PKCS1-V1_5'));
  const scheme = pssScheme(p.hash, p.saltLength ?? digest.length, randomBytes);
  if (!scheme) throw new Error(`RSA-PSS with ${p.hash} is not supported by the pure-JavaScript crypto provider`);
  return bytesOf(priv.sign(precomputed(p.hash, digest), scheme as 'RSASSA-PKCS1-V1_5'));
}
