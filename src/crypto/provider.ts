// The crypto the TLS engine, the X.509 verifier and the key loading need, as
// an interface: protocol code never calls a primitive directly, so a
// different backend can be slotted in. Two exist: node:crypto
// (node-provider.ts, the default on Node) and a synchronous pure-JavaScript
// one over @noble/* and node-forge (noble-provider.ts, the default in a
// browser build); default-provider.ts picks between them.

/** ssl-ts only: the hashes of the TLS 1.3 and TLS 1.2 suites (node:crypto's names). */
export type HashName = 'sha256' | 'sha384' | 'sha512';
/** ssl-ts only: digests beyond the suites' hashes, which X.509 signatures and name hashes need (node:crypto's names). */
export type DigestName = HashName | 'md5' | 'sha1' | 'sha224';
/** ssl-ts only: the HMAC hash of a TLS 1.2 CBC suite: SHA-1 for the pre-TLS 1.2 suites, otherwise the PRF hash. */
export type MacHash = HashName | 'sha1';
/** ssl-ts only: the AEADs of the TLS suites (node:crypto's cipher names). */
export type AeadName = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
/** ssl-ts only: the block ciphers of the TLS 1.2 CBC suites (node:crypto's cipher names). */
export type CbcName = 'aes-128-cbc' | 'aes-256-cbc';

/** ssl-ts only: an incremental hash (the handshake transcript), like node's `Hash` with `copy()`. */
export interface RunningHash {
  /** Adds bytes. */
  update(data: Uint8Array): void;
  /** Digest of everything so far, leaving the running state usable. */
  peek(): Uint8Array;
  /** An independent copy of the state so far. */
  clone(): RunningHash;
}

/** ssl-ts only: an AEAD key for TLS records. */
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

/** ssl-ts only: AES-CBC without padding (TLS 1.2 CBC records pad themselves); inputs are whole blocks. */
export interface CbcKey {
  /** Encrypts the concatenation of `parts` (a multiple of 16 bytes in all); the ciphertext as pieces. */
  encrypt(iv: Uint8Array, parts: readonly Uint8Array[]): Uint8Array[];
  /** Decrypts whole blocks; the padding is left in place. */
  decrypt(iv: Uint8Array, ciphertext: Uint8Array): Uint8Array;
}

/** ssl-ts only: an HMAC key kept ready for many messages (the TLS 1.2 record MAC). */
export interface MacKey {
  /** HMAC of the concatenation of `parts`. */
  mac(parts: readonly Uint8Array[]): Uint8Array;
}

/** ssl-ts only: one side's ephemeral key for a TLS NamedGroup (an ECDHE, DHE or hybrid KEM share). */
export interface KeyShare {
  /** The TLS NamedGroup codepoint. */
  readonly group: number;
  /** The value sent to the peer. */
  readonly publicKey: Uint8Array;
  /** Shared secret with the peer's public value; null when the value is invalid. */
  derive(peerPublic: Uint8Array): Uint8Array | null;
}

/** ssl-ts only: an ephemeral finite-field DH key over server-chosen parameters (TLS 1.2 DHE). */
export interface DhKey {
  /** Our public value, minimal big-endian. */
  readonly publicKey: Uint8Array;
  /** The shared secret, left-padded to the length of p; null when the peer's value is invalid. */
  derive(peerPublic: Uint8Array): Uint8Array | null;
}

/** ssl-ts only: what is known about an asymmetric key without its material (node:crypto's `asymmetricKeyDetails`). */
export interface KeyDetails {
  /** RSA and DSA: modulus (prime) size in bits. */
  readonly modulusLength?: number;
  /** RSA: the public exponent. */
  readonly publicExponent?: bigint;
  /** EC: OpenSSL's curve name ('prime256v1', 'secp384r1', 'secp521r1', ...). */
  readonly namedCurve?: string;
}

/**
 * ssl-ts only: a public or private key as a provider imported it (node's `KeyObject` is one). The engine and the
 * verifier only read these fields; the material inside belongs to the provider
 * that made the handle, and only that provider can sign or verify with it.
 * Field names are node:crypto's, so a node KeyObject is such a handle as it is.
 */
export interface KeyHandle {
  readonly type: 'public' | 'private' | 'secret';
  /** 'rsa', 'rsa-pss', 'ec', 'ed25519', 'ed448', 'dsa', ... (undefined for secret keys). */
  readonly asymmetricKeyType?: string;
  readonly asymmetricKeyDetails?: KeyDetails;
}

/** ssl-ts only: a signature algorithm with its parameters, for X.509 (certificates, CRLs) and TLS alike. */
export interface SignatureParams {
  kind: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'dsa' | 'eddsa';
  /** The message digest; null for EdDSA, which hashes internally. */
  hash: DigestName | null;
  /** RSA-PSS: the salt length in bytes (MGF1 uses `hash`). */
  saltLength?: number;
}

/** ssl-ts only: a private key to import: PEM text (any of OpenSSL's key labels), or DER with its format (node's `createPrivateKey` input). */
export type PrivateKeyInput =
  | { pem: string; passphrase?: Uint8Array }
  | { der: Uint8Array; format: 'pkcs8' | 'sec1' | 'pkcs1' };

/**
 * ssl-ts only: every primitive the engine, the X.509 verifier and key loading use.
 * Two are built in: `nodeCrypto` (node:crypto, the default on Node) and
 * `nobleCrypto` (pure JavaScript, the default in a browser build); see
 * {@link SSLContext.cryptoProvider} and {@link setDefaultCryptoProvider}.
 */
export interface CryptoProvider {
  /** A short name for messages and the bench: 'node:crypto', 'noble'. */
  readonly name: string;
  /** A running hash (the handshake transcript). */
  hash(name: HashName): RunningHash;
  /** A one-shot digest. */
  digest(name: DigestName, data: Uint8Array): Uint8Array;
  /** A one-shot HMAC. */
  hmac(name: HashName, key: Uint8Array, data: Uint8Array): Uint8Array;
  /** An HMAC key for many messages. */
  macKey(name: MacHash, key: Uint8Array): MacKey;
  /** HKDF-Extract (RFC 5869 2.2). */
  hkdfExtract(name: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** HKDF-Expand (RFC 5869 2.3). */
  hkdfExpand(name: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** An AEAD key. */
  aead(name: AeadName, key: Uint8Array): AeadKey;
  /** An AES-CBC key (no padding). */
  cbc(name: CbcName, key: Uint8Array): CbcKey;
  /** A fresh share of our own for `group` (client, or TLS 1.2 server). */
  keyShare(group: number): KeyShare;
  /**
   * TLS 1.3 server: answer the client's share for `group` with ours and the
   * shared secret. For (EC)DH groups this is a fresh share plus derive(); a
   * KEM group encapsulates to the client's key instead. Null when the
   * client's value is invalid.
   */
  acceptKeyShare(group: number, peerPublic: Uint8Array): { publicKey: Uint8Array; secret: Uint8Array } | null;
  /** Whether keyShare() and acceptKeyShare() work for this TLS NamedGroup. */
  supportsGroup(group: number): boolean;
  /** Whether finiteFieldDh() and autoDhPrime() work (TLS 1.2 DHE suites, ffdhe groups). */
  readonly supportsFiniteFieldDh: boolean;
  /** A fresh DH key over (prime, generator); the parameters must have passed checkDhParams(). */
  finiteFieldDh(prime: Uint8Array, generator: Uint8Array): DhKey;
  /** OpenSSL 3.0's automatic DHE prime for a key of `keySecurityBits` at `securityLevel`. */
  autoDhPrime(keySecurityBits: number, securityLevel: number): Uint8Array;
  /** `n` bytes from a cryptographically secure generator. */
  randomBytes(n: number): Uint8Array;
  /** Whether TLS SignatureScheme `scheme` can be checked (verify) and made with a fitting key (sign). */
  supportsScheme(scheme: number, use: 'sign' | 'verify'): boolean;
  /** A signature of TLS SignatureScheme `scheme` with a private key this provider imported. */
  sign(scheme: number, key: KeyHandle, data: Uint8Array): Uint8Array;
  /** Checks a signature of TLS SignatureScheme `scheme`; false for a bad one. */
  verify(scheme: number, key: KeyHandle, data: Uint8Array, signature: Uint8Array): boolean;
  /** Checks an X.509-style signature; false for a bad signature, an unusable key or an unsupported algorithm. */
  verifySignature(alg: SignatureParams, key: KeyHandle, data: Uint8Array, signature: Uint8Array): boolean;
  /** A SubjectPublicKeyInfo (DER); null when this provider cannot load it. */
  importPublicKey(spki: Uint8Array): KeyHandle | null;
  /** A private key; throws (any error) when it cannot be read, decrypted or is not supported. */
  importPrivateKey(input: PrivateKeyInput): KeyHandle;
  /** Whether `key` (from importPrivateKey) is the private half of the certificate's key (X509_check_private_key). */
  privateKeyMatchesCertificate(certDer: Uint8Array, key: KeyHandle): boolean;
  /** Equality in time independent of the contents (node's `crypto.timingSafeEqual`, false on different lengths). */
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}
