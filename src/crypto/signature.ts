// TLS SignatureScheme values (RFC 8446 4.2.3) mapped onto node:crypto sign/verify.
import * as nc from 'node:crypto';

interface SchemeSpec {
  hash: string | null; // null: the algorithm hashes internally (EdDSA)
  padding?: number;
  saltLength?: number;
  /** Key types that may make this signature. */
  keyTypes: readonly string[];
  /** For ECDSA in TLS 1.3 the curve is bound to the scheme. */
  curve?: string;
}

const PSS = nc.constants.RSA_PKCS1_PSS_PADDING;
const PKCS1 = nc.constants.RSA_PKCS1_PADDING;

export const SCHEMES: Record<number, SchemeSpec> = {
  0x0403: { hash: 'sha256', keyTypes: ['ec'], curve: 'prime256v1' },
  0x0503: { hash: 'sha384', keyTypes: ['ec'], curve: 'secp384r1' },
  0x0603: { hash: 'sha512', keyTypes: ['ec'], curve: 'secp521r1' },
  0x0804: { hash: 'sha256', padding: PSS, saltLength: 32, keyTypes: ['rsa'] },
  0x0805: { hash: 'sha384', padding: PSS, saltLength: 48, keyTypes: ['rsa'] },
  0x0806: { hash: 'sha512', padding: PSS, saltLength: 64, keyTypes: ['rsa'] },
  0x0809: { hash: 'sha256', padding: PSS, saltLength: 32, keyTypes: ['rsa-pss'] },
  0x080a: { hash: 'sha384', padding: PSS, saltLength: 48, keyTypes: ['rsa-pss'] },
  0x080b: { hash: 'sha512', padding: PSS, saltLength: 64, keyTypes: ['rsa-pss'] },
  0x0807: { hash: null, keyTypes: ['ed25519'] },
  0x0808: { hash: null, keyTypes: ['ed448'] },
  0x0401: { hash: 'sha256', padding: PKCS1, keyTypes: ['rsa'] },
  0x0501: { hash: 'sha384', padding: PKCS1, keyTypes: ['rsa'] },
  0x0601: { hash: 'sha512', padding: PKCS1, keyTypes: ['rsa'] },
  0x0201: { hash: 'sha1', padding: PKCS1, keyTypes: ['rsa'] },
  0x0203: { hash: 'sha1', keyTypes: ['ec'] },
};

function keyOptions(spec: SchemeSpec, key: nc.KeyObject): nc.SignKeyObjectInput {
  const opts: nc.SignKeyObjectInput = { key };
  if (spec.padding !== undefined) opts.padding = spec.padding;
  if (spec.saltLength !== undefined) opts.saltLength = spec.saltLength;
  if (key.asymmetricKeyType === 'ec') opts.dsaEncoding = 'der';
  return opts;
}

/**
 * Whether `key` can make (or check) signatures of `scheme`. TLS 1.3 binds an
 * ECDSA scheme to its curve; TLS 1.2 only names the hash (`curveBound` false).
 */
export function keyFitsScheme(scheme: number, key: nc.KeyObject, curveBound = true): boolean {
  const spec = SCHEMES[scheme];
  if (!spec || !spec.keyTypes.includes(key.asymmetricKeyType ?? '')) return false;
  if (curveBound && spec.curve && key.asymmetricKeyDetails?.namedCurve !== spec.curve) return false;
  return true;
}

export function signWithScheme(scheme: number, key: nc.KeyObject, data: Uint8Array): Uint8Array {
  const spec = SCHEMES[scheme];
  if (!spec) throw new Error(`unsupported signature scheme 0x${scheme.toString(16)}`);
  return nc.sign(spec.hash, data, keyOptions(spec, key));
}

export function verifyWithScheme(scheme: number, key: nc.KeyObject, data: Uint8Array, sig: Uint8Array): boolean {
  const spec = SCHEMES[scheme];
  // Callers enforce curve binding where the protocol asks for it.
  if (!spec || !keyFitsScheme(scheme, key, false)) return false;
  try {
    return nc.verify(spec.hash, data, keyOptions(spec, key), sig);
  } catch {
    return false; // malformed signature encodings are just bad signatures
  }
}
