// File and PEM loading for SSLContext: paths, OSError mapping, private keys
// and CA bundles, with the error shapes OpenSSL's loaders give under Python.

import type { CryptoProvider, KeyHandle } from '../crypto/provider.js';

import {
  SSLError,
  ValueError,
  OSError,
  FileNotFoundError,
  IsADirectoryError,
  NotADirectoryError,
  PermissionError,
} from '../errors.js';
import { pemBlocks, firstElement, isCertificate, readTlv, type PemBlock } from './pem-files.js';
import { errnoOf, fileStamp, readFileBytes } from '../host/file-system.js';

/** A file name, as text or bytes (Python's path-like). */
export type PathLike = string | Uint8Array;

// OpenSSL's packed reason codes, which Python reports as SSLError.errno.
export const ERR_PEM_LIB = 524297;
export const ERR_ASN1_LIB = 524301;
export const ERR_KEY_VALUES_MISMATCH = 116;
export const ERR_NO_CERTIFICATE_OR_CRL_FOUND = 136;
export const ERR_NOT_ENOUGH_DATA = 142;
export const ERR_BAD_BASE64_DECODE = 100;
export const ERR_NO_START_LINE = 108;

/** OpenSSL's PEM_BUFSIZE: the longest password its callback accepts. */
export const MAX_PASSWORD_BYTES = 1024;

export const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);
export const CERT_LABELS_WITH_TRUSTED = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
export const CRL_LABEL = 'X509 CRL';

export function isPath(v: unknown): v is PathLike {
  return typeof v === 'string' || v instanceof Uint8Array;
}

export function fsPath(p: PathLike): string | Buffer {
  return typeof p === 'string' ? p : Buffer.from(p);
}

export const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
};

/** Turns a node fs error into the OSError subclass Python would raise. */
export function osError(err: unknown, filename: string | null = null): Error {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : '';
  const strerror = STRERROR[code] ?? (e instanceof Error ? e.message : String(err));
  switch (code) {
    case 'ENOENT':
      return new FileNotFoundError(strerror, filename);
    case 'EISDIR':
      return new IsADirectoryError(strerror, filename);
    case 'ENOTDIR':
      return new NotADirectoryError(strerror, filename);
    case 'EACCES':
    case 'EPERM':
      return new PermissionError(code === 'EACCES' ? 13 : 1, strerror, filename);
  }
  return new OSError(errnoOf(code), strerror);
}

export function readFile(p: PathLike): Buffer {
  try {
    return readFileBytes(fsPath(p));
  } catch (err) {
    throw osError(err);
  }
}

export function pemLibError(library: 'SSL' | 'X509'): SSLError {
  return new SSLError(`[${library}] PEM lib`, { library, reason: null, errno: ERR_PEM_LIB });
}

/** Bytes of a password given as str or bytes, enforcing OpenSSL's buffer size. */
export function passwordBytes(pw: string | Uint8Array): Buffer {
  const buf = typeof pw === 'string' ? Buffer.from(pw, 'utf8') : Buffer.from(pw);
  if (buf.length > MAX_PASSWORD_BYTES) {
    throw new ValueError(`password cannot be longer than ${MAX_PASSWORD_BYTES} bytes`);
  }
  return buf;
}

export function isPrivateKeyLabel(label: string): boolean {
  return label === 'PRIVATE KEY' || label === 'ENCRYPTED PRIVATE KEY' || label.endsWith(' PRIVATE KEY');
}

/**
 * Reads the first private key in a PEM text. The password is only asked
 * for when the key is encrypted, so a callback is never run needlessly.
 */
export function loadPrivateKey(provider: CryptoProvider, text: string, password: () => Buffer | null): KeyHandle {
  const block = pemBlocks(text).find((b) => isPrivateKeyLabel(b.label));
  if (!block || block.der === null) throw pemLibError('SSL');
  const encrypted =
    block.label === 'ENCRYPTED PRIVATE KEY' || /ENCRYPTED/.test(block.headers['Proc-Type'] ?? '');
  let passphrase: Uint8Array | undefined;
  if (encrypted) {
    const pw = password();
    if (pw === null) throw pemLibError('SSL'); // Python would prompt on the tty; we cannot
    passphrase = pw;
  }
  let key: KeyHandle;
  try {
    key = provider.importPrivateKey({ pem: block.text, passphrase });
  } catch (e) {
    // A provider that refuses a kind of key says so; anything else is OpenSSL's PEM error.
    if (e instanceof SSLError && e.library === 'EVP' && e.reason === 'UNSUPPORTED_PRIVATE_KEY_ALGORITHM') throw e;
    throw pemLibError('SSL');
  }
  return key;
}

/** OpenSSL keeps one certificate/key per key type; this is the slot name. */
export function keySlot(key: KeyHandle): string {
  return key.asymmetricKeyType ?? 'unknown';
}

export function certDerOf(block: PemBlock): Uint8Array | null {
  if (block.der === null) return null;
  const der = block.label === 'TRUSTED CERTIFICATE' ? firstElement(block.der) : block.der;
  return der !== null && isCertificate(der) ? new Uint8Array(der) : null;
}

/** A cafile's certificates and CRLs, or the SSLError OpenSSL's file loader would report. */
export interface CaFileContents {
  certs: Uint8Array[];
  crls: Uint8Array[];
}

export function parseCaFile(data: Buffer): CaFileContents {
  const certs: Uint8Array[] = [];
  const crls: Uint8Array[] = [];
  for (const block of pemBlocks(data.toString('latin1'))) {
    if (CERT_LABELS_WITH_TRUSTED.has(block.label)) {
      const der = certDerOf(block);
      if (der === null) throw pemLibError('X509'); // one bad block spoils the file, as in OpenSSL
      certs.push(der);
    } else if (block.label === CRL_LABEL) {
      if (block.der === null || readTlv(block.der, 0) === null) throw pemLibError('X509');
      crls.push(new Uint8Array(block.der));
    } else if (isPrivateKeyLabel(block.label) && block.der === null) {
      throw pemLibError('X509');
    }
  }
  if (certs.length === 0 && crls.length === 0) {
    throw new SSLError('no certificate or crl found', {
      library: 'X509',
      reason: 'NO_CERTIFICATE_OR_CRL_FOUND',
      errno: ERR_NO_CERTIFICATE_OR_CRL_FOUND,
    });
  }
  return { certs, crls };
}

// Trust stores are re-read by every default context; cache parsed files by
// path and stat so repeated createDefaultContext() calls stay cheap.
export interface CacheEntry<T> {
  stamp: string;
  value: T;
}
export const caFileCache = new Map<string, CacheEntry<CaFileContents>>();
export const CACHE_LIMIT = 16;

export function cached<T>(cache: Map<string, CacheEntry<T>>, key: string, stamp: string, make: () => T): T {
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) return hit.value;
  const value = make();
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, { stamp, value });
  return value;
}

export function readCaFile(p: PathLike): CaFileContents {
  let stamp: string;
  try {
    const st = fileStamp(fsPath(p));
    if (st.isDirectory) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    stamp = st.stamp;
  } catch (err) {
    throw osError(err);
  }
  return cached(caFileCache, String(p), stamp, () => parseCaFile(readFile(p)));
}

