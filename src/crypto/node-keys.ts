// Key import for the node:crypto provider: handles are node KeyObjects.
import * as nc from 'node:crypto';
import type { KeyHandle, PrivateKeyInput } from './provider.js';
import { nodeKey } from './signature.js';

// node:crypto on Node 20 (OpenSSL 3.0) imports an EC SubjectPublicKeyInfo
// whose point is the point at infinity (a single 0x00 byte) or otherwise not
// encodable, and later aborts the whole process on a native assertion when
// `asymmetricKeyDetails` or a JWK export is asked of that key: one hostile
// certificate would bring down every connection of the process. Encoding the
// key again as DER fails cleanly for such keys, so a key that cannot be
// re-encoded is treated like one that cannot be loaded (found by `npm run fuzz`).
function usablePublicKey(key: nc.KeyObject): nc.KeyObject | null {
  if (key.asymmetricKeyType !== 'ec') return key;
  try {
    key.export({ format: 'der', type: 'spki' });
    return key;
  } catch {
    return null;
  }
}

export function importPublicKey(spki: Uint8Array): KeyHandle | null {
  try {
    return usablePublicKey(nc.createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }));
  } catch {
    return null;
  }
}

export function importPrivateKey(input: PrivateKeyInput): KeyHandle {
  if ('pem' in input) {
    return nc.createPrivateKey({ key: input.pem, format: 'pem', passphrase: input.passphrase ? Buffer.from(input.passphrase) : undefined });
  }
  const type = input.format === 'sec1' ? 'sec1' : input.format === 'pkcs1' ? 'pkcs1' : 'pkcs8';
  return nc.createPrivateKey({ key: Buffer.from(input.der), format: 'der', type });
}

export function privateKeyMatchesCertificate(certDer: Uint8Array, key: KeyHandle): boolean {
  return new nc.X509Certificate(certDer).checkPrivateKey(nodeKey(key));
}
