// node:crypto on Node 20 (OpenSSL 3.0) imports an EC SubjectPublicKeyInfo
// whose point is the point at infinity (a single 0x00 byte) or otherwise not
// encodable, and later aborts the whole process on a native assertion when
// `asymmetricKeyDetails` or a JWK export is asked of that key: one hostile
// certificate would bring down every connection of the process. Encoding the
// key again as DER fails cleanly for such keys, so a key that cannot be
// re-encoded is treated like one that cannot be loaded (found by `npm run fuzz`).
import type { KeyObject } from 'node:crypto';

export function usablePublicKey(key: KeyObject): KeyObject | null {
  if (key.asymmetricKeyType !== 'ec') return key;
  try {
    key.export({ format: 'der', type: 'spki' });
    return key;
  } catch {
    return null;
  }
}
