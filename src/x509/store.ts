// The verifier's view of a trust store: anchors and CRLs indexed by name,
// plus OpenSSL-style hashed directories (capath) searched lazily by the
// subject-name hash the first time a name is needed.
import { getDefaultCryptoProvider } from '../crypto/default-provider.js';
import { fileStamp, joinPath, readFileBytes } from '../host/file-system.js';
import { TAG, UNIVERSAL, stringValue } from './asn1.js';
import { type Certificate, parseCertificate } from './certificate.js';
import { type Crl, parseCrl } from './crl.js';
import type { ParsedName } from './names.js';
import { pemBlocks } from './pem.js';

// ------------------------------------------------------------ name hashing

// String types OpenSSL folds to a lower-cased UTF8String before hashing.
const CANON_TYPES = new Set<number>([
  TAG.UTF8_STRING, TAG.BMP_STRING, TAG.UNIVERSAL_STRING, TAG.PRINTABLE_STRING,
  TAG.T61_STRING, TAG.IA5_STRING, TAG.VISIBLE_STRING,
]);

function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  let len: number[];
  if (n < 0x80) len = [n];
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    len = [0x80 | bytes.length, ...bytes];
  }
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}

/** Canonical form of one value: UTF-8, outer whitespace dropped, inner runs collapsed, ASCII lower-cased. */
function canonValue(v: { tagClass: number; tag: number; constructed: boolean; raw: Uint8Array }, text: () => string): Uint8Array {
  if (v.tagClass !== UNIVERSAL || v.constructed || !CANON_TYPES.has(v.tag)) return v.raw;
  const b = Buffer.from(text(), 'utf8');
  let start = 0;
  let end = b.length;
  while (start < end && isSpace(b[start]!)) start++;
  while (end > start && isSpace(b[end - 1]!)) end--;
  const out: number[] = [];
  for (let i = start; i < end; ) {
    const c = b[i]!;
    if (c >= 0x80) {
      out.push(c);
      i++;
    } else if (isSpace(c)) {
      out.push(0x20);
      while (i < end && isSpace(b[i]!)) i++;
    } else {
      out.push(c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
      i++;
    }
  }
  return tlv(TAG.UTF8_STRING, Buffer.from(out));
}

function derCompare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * OpenSSL's canonical name encoding (what X509_NAME_hash hashes): each
 * non-empty RDN as a DER SET OF its canonicalised attributes, concatenated
 * without the outer SEQUENCE header.
 */
export function canonicalNameEncoding(name: ParsedName): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const rdn of name.rdns) {
    if (rdn.length === 0) continue;
    const atvs = rdn.map((a) => {
      const oidDer = tlv(TAG.OID, oidContent(a.oid));
      const value = canonValue(a.value, () => stringValue(a.value));
      return tlv(0x30, Buffer.concat([oidDer, value]));
    });
    atvs.sort(derCompare);
    parts.push(tlv(0x31, Buffer.concat(atvs)));
  }
  return Buffer.concat(parts);
}

function oidContent(oid: string): Uint8Array {
  const arcs = oid.split('.').map((x) => BigInt(x));
  const out: number[] = [];
  const push = (v: bigint): void => {
    const bytes: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) bytes.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...bytes);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return Buffer.from(out);
}

/** `openssl x509 -subject_hash` of a name: 8 hex digits (SHA-1 of the canonical encoding, first 4 bytes little-endian). */
export function nameHash(name: ParsedName): string {
  let enc: Uint8Array;
  try {
    enc = canonicalNameEncoding(name);
  } catch {
    enc = name.der;
  }
  const md = getDefaultCryptoProvider().digest('sha1', enc);
  return (((md[0]! | (md[1]! << 8) | (md[2]! << 16) | (md[3]! << 24)) >>> 0).toString(16)).padStart(8, '0');
}

// ------------------------------------------------------------- hashed dirs

interface DirEntry {
  stamp: string;
  certs: Certificate[];
  crls: Crl[];
}

// Parsed capath files by absolute name; re-read when the file changes.
const dirFileCache = new Map<string, DirEntry>();
const DIR_CACHE_LIMIT = 512;

/** Loads `<dir>/<hash>.<k>` (or `.r<k>` for CRLs) for k = 0, 1, ... until one is missing or unreadable. */
function loadHashed(dir: string, hash: string, crl: boolean): DirEntry[] {
  const out: DirEntry[] = [];
  for (let k = 0; k < 1000; k++) {
    const file = joinPath(dir, `${hash}.${crl ? 'r' : ''}${k}`);
    let stamp: string;
    try {
      stamp = fileStamp(file).stamp;
    } catch {
      break;
    }
    let entry = dirFileCache.get(file);
    if (!entry || entry.stamp !== stamp) {
      let text: string;
      try {
        text = readFileBytes(file).toString('latin1');
      } catch {
        break;
      }
      entry = { stamp, certs: [], crls: [] };
      let blocks: { certs: Uint8Array[]; trusted: Uint8Array[]; crls: Uint8Array[] };
      try {
        blocks = { certs: pemBlocks(text), trusted: pemBlocks(text, 'TRUSTED CERTIFICATE'), crls: pemBlocks(text, 'X509 CRL') };
      } catch {
        break; // broken PEM: OpenSSL's load fails and the scan stops
      }
      for (const der of [...blocks.certs, ...blocks.trusted.map(firstSequence)]) {
        try {
          entry.certs.push(parseCertificate(der));
        } catch {
          // unreadable entries are skipped
        }
      }
      for (const der of blocks.crls) {
        try {
          entry.crls.push(parseCrl(der));
        } catch {
          // idem
        }
      }
      if (dirFileCache.size >= DIR_CACHE_LIMIT) dirFileCache.delete(dirFileCache.keys().next().value!);
      dirFileCache.set(file, entry);
    }
    // A file that holds nothing usable ends the scan, as a failed load does in OpenSSL.
    if (entry.certs.length === 0 && entry.crls.length === 0) break;
    out.push(entry);
  }
  return out;
}

/** A TRUSTED CERTIFICATE block is the certificate followed by OpenSSL's aux data. */
function firstSequence(der: Uint8Array): Uint8Array {
  if (der[0] !== 0x30 || der.length < 2) return der;
  let len = der[1]!;
  let off = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[2 + i]!;
    off = 2 + n;
  }
  return der.subarray(0, off + len);
}

/** Splits capath strings the way OpenSSL's hashed-directory lookup does (":"-separated lists). */
export function splitCapath(dirs: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of dirs) for (const part of d.split(':')) if (part && !out.includes(part)) out.push(part);
  return out;
}

// ------------------------------------------------------------------ store

const parsedCerts = new WeakMap<Uint8Array, Certificate | null>();
const parsedCrls = new WeakMap<Uint8Array, Crl | null>();

function parseCached<T>(cache: WeakMap<Uint8Array, T | null>, der: Uint8Array, parse: (d: Uint8Array) => T): T | null {
  let v = cache.get(der);
  if (v === undefined) {
    try {
      v = parse(der);
    } catch {
      v = null;
    }
    cache.set(der, v);
  }
  return v;
}

/** Trusted certificates and CRLs, looked up by name like an X509_STORE. */
export class TrustStore {
  readonly certs: Certificate[] = [];
  readonly crls: Crl[] = [];
  readonly capaths: string[];
  private readonly byName = new Map<string, Certificate[]>();
  private readonly crlsByName = new Map<string, Crl[]>();
  /**
   * Called for certificates found in a hashed directory: OpenSSL's by_dir lookup adds them to
   * the X509_STORE, so its owner may list them from then on (Python's get_ca_certs()).
   */
  onCapathLoad: ((c: Certificate) => void) | null = null;

  constructor(certs: readonly Uint8Array[] = [], crls: readonly Uint8Array[] = [], capaths: readonly string[] = []) {
    for (const der of certs) {
      const c = parseCached(parsedCerts, der, parseCertificate);
      if (c) this.addCert(c);
    }
    for (const der of crls) {
      const c = parseCached(parsedCrls, der, parseCrl);
      if (c) this.addCrl(c);
    }
    this.capaths = splitCapath(capaths);
  }

  addCert(c: Certificate): void {
    const list = this.byName.get(c.subject.canon);
    if (list?.some((x) => Buffer.from(x.der).equals(Buffer.from(c.der)))) return;
    if (list) list.push(c);
    else this.byName.set(c.subject.canon, [c]);
    this.certs.push(c);
  }

  addCrl(c: Crl): void {
    const list = this.crlsByName.get(c.issuer.canon);
    if (list) list.push(c);
    else this.crlsByName.set(c.issuer.canon, [c]);
    this.crls.push(c);
  }

  /** Certificates whose subject is `name`; hashed directories are searched only when none is loaded. */
  bySubject(name: ParsedName): Certificate[] {
    const hit = this.byName.get(name.canon);
    if (hit || this.capaths.length === 0) return hit ?? [];
    const hash = nameHash(name);
    for (const dir of this.capaths) {
      const found: Certificate[] = [];
      for (const entry of loadHashed(dir, hash, false)) {
        for (const c of entry.certs) if (c.subject.canon === name.canon) found.push(c);
      }
      if (found.length > 0) {
        for (const c of found) {
          this.addCert(c);
          this.onCapathLoad?.(c);
        }
        return found;
      }
    }
    return [];
  }

  /** CRLs issued under `name`: the loaded ones, then any in the hashed directories. */
  crlsFor(name: ParsedName): Crl[] {
    const out = [...(this.crlsByName.get(name.canon) ?? [])];
    if (this.capaths.length > 0) {
      const hash = nameHash(name);
      for (const dir of this.capaths) {
        for (const entry of loadHashed(dir, hash, true)) {
          for (const c of entry.crls) if (c.issuer.canon === name.canon) out.push(c);
        }
      }
    }
    return out;
  }
}

// Contexts hand over the same (growing) arrays on every handshake; reuse the index.
const storeCache = new WeakMap<readonly Uint8Array[], { key: string; store: TrustStore }>();

/** A TrustStore for these arrays, cached while they keep their length. */
export function trustStoreFor(
  certs: readonly Uint8Array[], crls: readonly Uint8Array[] = [], capaths: readonly string[] = [],
): TrustStore {
  const key = `${certs.length}/${crls.length}/${capaths.join('\0')}`;
  const hit = storeCache.get(certs);
  if (hit && hit.key === key) return hit.store;
  const store = new TrustStore(certs, crls, capaths);
  storeCache.set(certs, { key, store });
  return store;
}
