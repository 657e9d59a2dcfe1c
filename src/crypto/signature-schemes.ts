// TLS SignatureScheme values (RFC 8446 4.2.3): which keys make them and
// what they mean as a signature algorithm. Provider-neutral: each provider
// maps SignatureParams onto its own primitives.
import type { KeyHandle, SignatureParams } from './provider.js';

export interface SchemeSpec extends SignatureParams {
  /** Key types that may make this signature. */
  keyTypes: readonly string[];
  /** For ECDSA in TLS 1.3 the curve is bound to the scheme. */
  curve?: string;
}

export const SCHEMES: Record<number, SchemeSpec> = {
  0x0403: { kind: 'ecdsa', hash: 'sha256', keyTypes: ['ec'], curve: 'prime256v1' },
  0x0503: { kind: 'ecdsa', hash: 'sha384', keyTypes: ['ec'], curve: 'secp384r1' },
  0x0603: { kind: 'ecdsa', hash: 'sha512', keyTypes: ['ec'], curve: 'secp521r1' },
  0x0804: { kind: 'rsa-pss', hash: 'sha256', saltLength: 32, keyTypes: ['rsa'] },
  0x0805: { kind: 'rsa-pss', hash: 'sha384', saltLength: 48, keyTypes: ['rsa'] },
  0x0806: { kind: 'rsa-pss', hash: 'sha512', saltLength: 64, keyTypes: ['rsa'] },
  0x0809: { kind: 'rsa-pss', hash: 'sha256', saltLength: 32, keyTypes: ['rsa-pss'] },
  0x080a: { kind: 'rsa-pss', hash: 'sha384', saltLength: 48, keyTypes: ['rsa-pss'] },
  0x080b: { kind: 'rsa-pss', hash: 'sha512', saltLength: 64, keyTypes: ['rsa-pss'] },
  0x0807: { kind: 'eddsa', hash: null, keyTypes: ['ed25519'] },
  0x0808: { kind: 'eddsa', hash: null, keyTypes: ['ed448'] },
  0x0401: { kind: 'rsa-pkcs1', hash: 'sha256', keyTypes: ['rsa'] },
  0x0501: { kind: 'rsa-pkcs1', hash: 'sha384', keyTypes: ['rsa'] },
  0x0601: { kind: 'rsa-pkcs1', hash: 'sha512', keyTypes: ['rsa'] },
  0x0201: { kind: 'rsa-pkcs1', hash: 'sha1', keyTypes: ['rsa'] },
  0x0203: { kind: 'ecdsa', hash: 'sha1', keyTypes: ['ec'] },
};

/**
 * Whether `key` can make (or check) signatures of `scheme`. TLS 1.3 binds an
 * ECDSA scheme to its curve; TLS 1.2 only names the hash (`curveBound` false).
 */
export function keyFitsScheme(scheme: number, key: KeyHandle, curveBound = true): boolean {
  const spec = SCHEMES[scheme];
  if (!spec || !spec.keyTypes.includes(key.asymmetricKeyType ?? '')) return false;
  if (curveBound && spec.curve && key.asymmetricKeyDetails?.namedCurve !== spec.curve) return false;
  return true;
}
