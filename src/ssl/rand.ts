// Python's ssl.RAND_* functions over the default crypto provider's CSPRNG
// (node:crypto's, OpenSSL's DRBG underneath; crypto.getRandomValues in a browser build).
import { getDefaultCryptoProvider } from '../crypto/default-provider.js';
import { SSLError, ValueError } from '../errors.js';
import { deprecated } from './deprecations.js';
import { bytesView, pyTypeName } from './py-types.js';

function count(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`'${pyTypeName(n)}' object cannot be interpreted as an integer`);
  if (n < 0) throw new ValueError('num must be positive');
  if (n > 0x7fffffff) throw new SSLError('Python int too large to convert to C int');
  return n;
}

/** Python: `ssl.RAND_bytes(n)`: `n` cryptographically strong random bytes. */
export function RAND_bytes(n: number): Uint8Array {
  return new Uint8Array(getDefaultCryptoProvider().randomBytes(count(n)));
}

/** Python 3.11's deprecated RAND_pseudo_bytes: (bytes, isCryptographic), always strong here. */
export function RAND_pseudo_bytes(n: number): [Uint8Array, boolean] {
  deprecated('ssl.RAND_pseudo_bytes() is deprecated');
  return [RAND_bytes(n), true];
}

/** Python: `ssl.RAND_status()`: whether the generator is seeded; OpenSSL 3 seeds itself from the OS, so always true. */
export function RAND_status(): boolean {
  return true;
}

/**
 * Python's RAND_add(bytes, entropy): the arguments are checked as Python does, but neither
 * node:crypto nor getRandomValues has a way to mix bytes into the generator, so they are not
 * used. OpenSSL 3's generator (and the browser's) seeds and reseeds itself from the operating
 * system, which is what RAND_add once made up for.
 */
export function RAND_add(data: string | Uint8Array | ArrayBufferView, entropy: number): void {
  if (typeof data !== 'string' && bytesView(data) === null) {
    throw new TypeError(`a bytes-like object is required, not '${pyTypeName(data)}'`);
  }
  if (typeof entropy !== 'number') throw new TypeError(`must be real number, not ${pyTypeName(entropy)}`);
}
