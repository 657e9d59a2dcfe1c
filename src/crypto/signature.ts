// SignatureParams (TLS schemes and X.509 algorithms alike) mapped onto
// node:crypto sign/verify. Part of the node:crypto provider.
import * as nc from 'node:crypto';
import type { KeyHandle, SignatureParams } from './provider.js';
import { keyFitsScheme, SCHEMES } from './signature-schemes.js';

const PSS = nc.constants.RSA_PKCS1_PSS_PADDING;
const PKCS1 = nc.constants.RSA_PKCS1_PADDING;

/** The handle as node's own KeyObject; a key another provider made is refused clearly. */
export function nodeKey(key: KeyHandle): nc.KeyObject {
  if (!(key instanceof nc.KeyObject)) throw new TypeError('this key was not imported by the node:crypto provider');
  return key;
}

function keyOptions(p: SignatureParams, key: nc.KeyObject): nc.SignKeyObjectInput {
  const opts: nc.SignKeyObjectInput = { key };
  if (p.kind === 'rsa-pss') {
    opts.padding = PSS;
    if (p.saltLength !== undefined) opts.saltLength = p.saltLength;
  } else if (p.kind === 'rsa-pkcs1') {
    opts.padding = PKCS1;
  }
  if (key.asymmetricKeyType === 'ec' || key.asymmetricKeyType === 'dsa') opts.dsaEncoding = 'der';
  return opts;
}

export function signWithScheme(scheme: number, key: KeyHandle, data: Uint8Array): Uint8Array {
  const spec = SCHEMES[scheme];
  if (!spec) throw new Error(`unsupported signature scheme 0x${scheme.toString(16)}`);
  return nc.sign(spec.hash, data, keyOptions(spec, nodeKey(key)));
}

export function verifyWithScheme(scheme: number, key: KeyHandle, data: Uint8Array, sig: Uint8Array): boolean {
  const spec = SCHEMES[scheme];
  // Callers enforce curve binding where the protocol asks for it.
  if (!spec || !keyFitsScheme(scheme, key, false)) return false;
  try {
    return nc.verify(spec.hash, data, keyOptions(spec, nodeKey(key)), sig);
  } catch {
    return false; // malformed signature encodings are just bad signatures
  }
}

/** An X.509 signature (the caller has matched the key type to the algorithm). */
export function verifyParams(p: SignatureParams, key: KeyHandle, data: Uint8Array, sig: Uint8Array): boolean {
  try {
    const k = nodeKey(key);
    if (p.kind === 'eddsa') return nc.verify(null, data, k, sig);
    return nc.verify(p.hash, data, keyOptions(p, k), sig);
  } catch {
    return false;
  }
}
