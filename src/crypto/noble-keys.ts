// Keys for the pure-JavaScript provider: SubjectPublicKeyInfo, PKCS#8,
// SEC1 and PKCS#1 read with ssl-ts's DER parser into NobleKey handles. The
// curve points are checked by @noble/curves on import, so a handle always
// holds a usable key (or the import answers null / throws).
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { SSLError } from '../errors.js';
import { bitStringBytes, CONTEXT, expect, integerOf, oidOf, parseDer, TAG, UNIVERSAL, type DerNode } from '../x509/asn1.js';
import type { KeyDetails, KeyHandle, PrivateKeyInput } from './provider.js';
import { decryptPkcs8, decryptTraditional } from './noble-key-decrypt.js';

export type NistCurve = typeof p256;

/** OpenSSL's curve names, with the @noble/curves implementation and scalar size. */
export const NIST_CURVES: Readonly<Record<string, { oid: string; curve: NistCurve; size: number }>> = {
  prime256v1: { oid: '1.2.840.10045.3.1.7', curve: p256, size: 32 },
  secp384r1: { oid: '1.3.132.0.34', curve: p384, size: 48 },
  secp521r1: { oid: '1.3.132.0.35', curve: p521, size: 66 },
};

const OID = {
  rsa: '1.2.840.113549.1.1.1',
  rsaPss: '1.2.840.113549.1.1.10',
  ec: '1.2.840.10045.2.1',
  x25519: '1.3.101.110',
  x448: '1.3.101.111',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
};

export interface RsaNumbers {
  n: bigint;
  e: bigint;
  /** Private keys only: d, p, q, d mod (p-1), d mod (q-1), q^-1 mod p. */
  priv?: { d: bigint; p: bigint; q: bigint; dp: bigint; dq: bigint; qi: bigint };
}

/** A key imported by the pure-JavaScript provider. */
export class NobleKey implements KeyHandle {
  constructor(
    readonly type: 'public' | 'private',
    readonly asymmetricKeyType: string,
    readonly asymmetricKeyDetails: KeyDetails,
    /** EC: the point (SEC1 encoding as given); EdDSA, X25519/X448: the raw public key. Empty for RSA. */
    readonly publicBytes: Uint8Array,
    /** EC: the scalar; EdDSA: the seed. Absent for public keys and RSA. */
    readonly secretBytes: Uint8Array | null,
    readonly rsa: RsaNumbers | null,
  ) {}
}

function unsupported(what: string): SSLError {
  return new SSLError(`${what} is not supported by the pure-JavaScript crypto provider`, { library: 'EVP', reason: 'UNSUPPORTED_PRIVATE_KEY_ALGORITHM' });
}

function bitLength(n: bigint): number {
  return n <= 0n ? 0 : n.toString(2).length;
}

function curveByOid(params: DerNode | undefined): string | null {
  if (!params || params.tagClass !== UNIVERSAL || params.tag !== TAG.OID) return null; // explicit curves are not supported
  const oid = oidOf(params);
  for (const [name, c] of Object.entries(NIST_CURVES)) if (c.oid === oid) return name;
  return null;
}

/** OpenSSL's bounds (OPENSSL_RSA_MAX_MODULUS_BITS, RSA_SMALL_MODULUS_BITS, RSA_MAX_PUBEXP_BITS): a hostile key cannot ask for unbounded work. */
const RSA_MAX_MODULUS_BITS = 16384;
const RSA_SMALL_MODULUS_BITS = 3072;
const RSA_MAX_PUBEXP_BITS = 64;

function rsaPublicNumbers(der: Uint8Array): RsaNumbers | null {
  const seq = expect(parseDer(der), TAG.SEQUENCE);
  if (seq.children.length !== 2) return null;
  const n = integerOf(seq.children[0]);
  const e = integerOf(seq.children[1]);
  if (n <= 0n || e <= 1n || (n & 1n) === 0n || (e & 1n) === 0n) return null;
  const bits = bitLength(n);
  if (bits > RSA_MAX_MODULUS_BITS || (bits > RSA_SMALL_MODULUS_BITS && bitLength(e) > RSA_MAX_PUBEXP_BITS)) return null;
  return { n, e };
}

function rsaKey(type: 'public' | 'private', keyType: 'rsa' | 'rsa-pss', nums: RsaNumbers): NobleKey {
  return new NobleKey(type, keyType, { modulusLength: bitLength(nums.n), publicExponent: nums.e }, new Uint8Array(0), null, nums);
}

function ecPublic(curveName: string, point: Uint8Array): NobleKey | null {
  const c = NIST_CURVES[curveName]!;
  try {
    c.curve.Point.fromBytes(point).assertValidity();
  } catch {
    return null; // not on the curve, the point at infinity, or malformed
  }
  return new NobleKey('public', 'ec', { namedCurve: curveName }, point, null, null);
}

/** A SubjectPublicKeyInfo; null when it is malformed or of a kind this provider does not handle (DSA, DH, explicit curves...). */
export function importPublicKey(spki: Uint8Array): NobleKey | null {
  try {
    const seq = expect(parseDer(spki), TAG.SEQUENCE);
    const alg = expect(seq.children[0], TAG.SEQUENCE);
    const oid = oidOf(alg.children[0]);
    const { unusedBits, bytes } = bitStringBytes(seq.children[1]);
    if (unusedBits !== 0 || seq.children.length !== 2) return null;
    switch (oid) {
      case OID.rsa: {
        const nums = rsaPublicNumbers(bytes);
        return nums ? rsaKey('public', 'rsa', nums) : null;
      }
      case OID.rsaPss: {
        // Parameters would restrict the key to some digests; OpenSSL enforces them, so such keys are refused here.
        if (alg.children.length > 1) return null;
        const nums = rsaPublicNumbers(bytes);
        return nums ? rsaKey('public', 'rsa-pss', nums) : null;
      }
      case OID.ec: {
        const curve = curveByOid(alg.children[1]);
        return curve ? ecPublic(curve, bytes) : null;
      }
      case OID.ed25519:
        return bytes.length === 32 && validEdPoint(ed25519, bytes) ? new NobleKey('public', 'ed25519', {}, bytes, null, null) : null;
      case OID.ed448:
        return bytes.length === 57 && validEdPoint(ed448, bytes) ? new NobleKey('public', 'ed448', {}, bytes, null, null) : null;
      case OID.x25519:
        return bytes.length === 32 ? new NobleKey('public', 'x25519', {}, bytes, null, null) : null;
      case OID.x448:
        return bytes.length === 56 ? new NobleKey('public', 'x448', {}, bytes, null, null) : null;
      default:
        return null;
    }
  } catch {
    return null;
  }
}

function validEdPoint(curve: typeof ed25519 | typeof ed448, bytes: Uint8Array): boolean {
  try {
    curve.Point.fromBytes(bytes);
    return true;
  } catch {
    return false;
  }
}

function octets(node: DerNode | undefined): Uint8Array {
  return expect(node, TAG.OCTET_STRING).content;
}

function ecPrivate(curveName: string, scalar: Uint8Array): NobleKey {
  const c = NIST_CURVES[curveName]!;
  // SEC1 stores the scalar at the order's size; accept shorter encodings by left-padding.
  if (scalar.length > c.size) throw new Error('EC private key too long');
  const d = new Uint8Array(c.size);
  d.set(scalar, c.size - scalar.length);
  if (!c.curve.utils.isValidSecretKey(d)) throw new Error('EC private key out of range');
  return new NobleKey('private', 'ec', { namedCurve: curveName }, c.curve.getPublicKey(d, false), d, null);
}

/** SEC1 ECPrivateKey; `curveName` comes from the PKCS#8 algorithm when the key itself has no parameters. */
function sec1(der: Uint8Array, curveName: string | null): NobleKey {
  const seq = expect(parseDer(der), TAG.SEQUENCE);
  if (integerOf(seq.children[0]) !== 1n) throw new Error('bad ECPrivateKey version');
  const scalar = octets(seq.children[1]);
  let curve = curveName;
  for (const f of seq.children.slice(2)) {
    if (f.tagClass === CONTEXT && f.tag === 0) {
      const named = curveByOid(f.children[0]);
      if (!named) throw unsupported('this elliptic curve');
      if (curve && curve !== named) throw new Error('curve mismatch');
      curve = named;
    }
  }
  if (!curve) throw unsupported('this elliptic curve');
  return ecPrivate(curve, scalar);
}

function pkcs1(der: Uint8Array, keyType: 'rsa' | 'rsa-pss'): NobleKey {
  const seq = expect(parseDer(der), TAG.SEQUENCE);
  if (seq.children.length < 9 || integerOf(seq.children[0]) !== 0n) throw new Error('bad RSAPrivateKey');
  const [n, e, d, p, q, dp, dq, qi] = seq.children.slice(1, 9).map((c) => integerOf(c)) as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
  if (n <= 0n || e <= 1n || p * q !== n) throw new Error('inconsistent RSA key');
  return rsaKey('private', keyType, { n, e, priv: { d, p, q, dp, dq, qi } });
}

function pkcs8(der: Uint8Array): NobleKey {
  const seq = expect(parseDer(der), TAG.SEQUENCE);
  const version = integerOf(seq.children[0]);
  if (version !== 0n && version !== 1n) throw new Error('bad PrivateKeyInfo version');
  const alg = expect(seq.children[1], TAG.SEQUENCE);
  const oid = oidOf(alg.children[0]);
  const inner = octets(seq.children[2]);
  switch (oid) {
    case OID.rsa:
      return pkcs1(inner, 'rsa');
    case OID.rsaPss:
      if (alg.children.length > 1) throw unsupported('an RSA-PSS key with parameters');
      return pkcs1(inner, 'rsa-pss');
    case OID.ec: {
      const curve = curveByOid(alg.children[1]);
      if (!curve) throw unsupported('this elliptic curve');
      return sec1(inner, curve);
    }
    case OID.ed25519: {
      const seed = octets(parseDer(inner));
      if (seed.length !== 32) throw new Error('bad Ed25519 key');
      return new NobleKey('private', 'ed25519', {}, ed25519.getPublicKey(seed), seed, null);
    }
    case OID.ed448: {
      const seed = octets(parseDer(inner));
      if (seed.length !== 57) throw new Error('bad Ed448 key');
      return new NobleKey('private', 'ed448', {}, ed448.getPublicKey(seed), seed, null);
    }
    default:
      throw unsupported(`a private key of algorithm ${oid}`);
  }
}

const PEM_RE = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function base64(body: string): Uint8Array {
  const b64 = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new Error('bad base64');
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function importPrivateKey(input: PrivateKeyInput): NobleKey {
  if ('der' in input) {
    if (input.format === 'sec1') return sec1(input.der, null);
    if (input.format === 'pkcs1') return pkcs1(input.der, 'rsa');
    return pkcs8(input.der);
  }
  // The first private key block, as OpenSSL's PEM_read_bio_PrivateKey finds it among certificates.
  const m = [...input.pem.matchAll(PEM_RE)].find((b) => b[1]!.endsWith('PRIVATE KEY'));
  if (!m) throw new Error('no PEM private key');
  const [, label, text] = m as unknown as [string, string, string];
  // RFC 1421 headers ("Name: value" lines, then an empty line) come before the base64.
  const headers = new Map<string, string>();
  let body = text;
  const h = /^\s*((?:[A-Za-z-]+:[^\r\n]*\r?\n)+)\r?\n/.exec(text);
  if (h) {
    for (const line of h[1]!.split(/\r?\n/)) {
      const at = line.indexOf(':');
      if (at > 0) headers.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
    }
    body = text.slice(h[0].length);
  }
  if (body.includes(':')) throw new Error('unexpected PEM headers');
  let der = base64(body);
  const password = input.passphrase;
  if (label === 'ENCRYPTED PRIVATE KEY') {
    if (!password) throw new Error('the key is encrypted and no password was given');
    return pkcs8(decryptPkcs8(der, password));
  }
  if (/^4,ENCRYPTED$/.test(headers.get('Proc-Type') ?? '')) {
    if (!password) throw new Error('the key is encrypted and no password was given');
    der = decryptTraditional(headers.get('DEK-Info') ?? '', der, password);
  } else if (headers.size > 0) {
    throw new Error('unexpected PEM headers');
  }
  if (label === 'PRIVATE KEY') return pkcs8(der);
  if (label === 'EC PRIVATE KEY') return sec1(der, null);
  if (label === 'RSA PRIVATE KEY') return pkcs1(der, 'rsa');
  throw unsupported(`a "${label}" key`);
}

/** The SubjectPublicKeyInfo of a certificate, found with the DER parser alone. */
export function certificateSpki(certDer: Uint8Array): Uint8Array {
  const cert = expect(parseDer(certDer), TAG.SEQUENCE);
  const tbs = expect(cert.children[0], TAG.SEQUENCE);
  const first = tbs.children[0];
  const offset = first && first.tagClass === CONTEXT && first.tag === 0 ? 1 : 0;
  return expect(tbs.children[5 + offset], TAG.SEQUENCE).raw;
}

/** Whether two keys (public or private) share their public half (EVP_PKEY_eq). */
export function samePublicKey(a: NobleKey, b: NobleKey): boolean {
  if (a.asymmetricKeyType !== b.asymmetricKeyType) return false;
  if (a.rsa || b.rsa) return !!a.rsa && !!b.rsa && a.rsa.n === b.rsa.n && a.rsa.e === b.rsa.e;
  if (a.asymmetricKeyType === 'ec') {
    const curve = a.asymmetricKeyDetails.namedCurve;
    if (!curve || curve !== b.asymmetricKeyDetails.namedCurve) return false;
    const C = NIST_CURVES[curve]!.curve;
    return C.Point.fromBytes(a.publicBytes).equals(C.Point.fromBytes(b.publicBytes));
  }
  const x = a.publicBytes;
  const y = b.publicBytes;
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
