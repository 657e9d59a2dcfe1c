// TLS 1.2 CBC record protection (RFC 5246 6.2.3.2) with HMAC, in both
// orders: MAC-then-encrypt, the default, and Encrypt-then-MAC (RFC 7366)
// when both sides negotiated it. The AEAD records live in record-layer.ts.
//
// MAC-then-encrypt leaks through timing unless the receiver does the same
// work whatever the padding says (Vaudenay's padding oracle, Lucky 13). Here:
//  - every failure (length, padding, MAC) is the same error, bad_record_mac,
//    raised at the same point, after the MAC has been computed;
//  - the padding is checked over a fixed window (the last 256 bytes, or the
//    whole record when shorter) with masks instead of branches;
//  - the MAC is always computed, and the hash compression function runs the
//    same number of times whatever the padding length: the bytes the real MAC
//    does not cover are fed to a throwaway hash sized to make up the
//    difference (the approach of Go's crypto/tls and s2n, since neither
//    provider can do OpenSSL's constant-time digest of a secret-length message);
//  - the received MAC is read out of the record through a rotation over a
//    fixed window, never at a secret-dependent index.
// What JavaScript cannot promise: the JIT may compile mask arithmetic into
// branches, the provider's call overhead varies with input sizes, and cache
// effects are beyond our reach. The README says so too.
import type { CbcKey, CryptoProvider, MacKey } from '../crypto/provider.js';
import { getDefaultCryptoProvider } from '../crypto/default-provider.js';
import { tlsError } from './alert.js';
import type { CbcName, MacHash } from './cipher-suites12.js';
import { Alert, MAX_PLAINTEXT } from './constants.js';
import type { PlainRecord, RecordProtection } from './record-layer.js';

const BLOCK = 16;

/** The hash's block size and the bytes its final padding needs at least (0x80 plus the length field). */
const HASH_SHAPE: Record<MacHash, { block: number; tail: number }> = {
  sha1: { block: 64, tail: 9 },
  sha256: { block: 64, tail: 9 },
  sha384: { block: 128, tail: 17 },
  sha512: { block: 128, tail: 17 },
};

/** Compression-function calls of HMAC's inner hash over `n` message bytes (key block first). */
function innerBlocks(hash: MacHash, n: number): number {
  const { block, tail } = HASH_SHAPE[hash];
  return Math.ceil((block + n + tail) / block);
}

function badRecordMac(): Error {
  return tlsError(Alert.bad_record_mac, 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC');
}

/** 0xff when a <= b, else 0, for small non-negative integers, without a branch. */
function leMask(a: number, b: number): number {
  return ((((b - a) >> 31) & 1) - 1) & 0xff;
}

export interface CbcKeys {
  cipher: CbcName;
  key: Uint8Array;
  macHash: MacHash;
  macKey: Uint8Array;
  /** RFC 7366 negotiated: the MAC covers the ciphertext. */
  encryptThenMac: boolean;
}

export class CbcProtection implements RecordProtection {
  readonly hidesType = false;
  private seq = 0;
  private readonly key: CbcKey;
  private readonly macKey: MacKey;
  private readonly macLength: number;
  /** Scratch for the throwaway hash; its content is irrelevant. */
  private static readonly filler = new Uint8Array(16 * 1024 + 2048 + 256);

  constructor(private readonly k: CbcKeys, private readonly p: CryptoProvider = getDefaultCryptoProvider()) {
    this.key = p.cbc(k.cipher, k.key);
    this.macKey = p.macKey(k.macHash, k.macKey);
    this.macLength = k.macHash === 'sha384' ? 48 : k.macHash === 'sha512' ? 64 : k.macHash === 'sha1' ? 20 : 32;
  }

  /** seq_num || type || version || length (RFC 5246 6.2.3.1), and the sequence number moves on. */
  private pseudoHeader(type: number, version: number, length: number): Buffer {
    const seq = this.seq;
    // 2^53 records is far beyond any key's life; refuse rather than wrap.
    if (seq >= Number.MAX_SAFE_INTEGER) throw tlsError(Alert.internal_error, 'INTERNAL_ERROR');
    this.seq = seq + 1;
    const h = Buffer.allocUnsafe(13);
    h.writeUInt32BE(Math.floor(seq / 0x100000000), 0);
    h.writeUInt32BE(seq >>> 0, 4);
    h[8] = type;
    h.writeUInt16BE(version, 9);
    h.writeUInt16BE(length, 11);
    return h;
  }

  private mac(parts: readonly Uint8Array[]): Uint8Array {
    return this.macKey.mac(parts);
  }

  seal(type: number, data: Uint8Array): Uint8Array[] {
    const etm = this.k.encryptThenMac;
    const macLen = this.macLength;
    const iv = this.p.randomBytes(BLOCK);
    const covered = etm ? data.length : data.length + macLen; // what the padding completes to blocks
    const padLen = BLOCK - 1 - (covered % BLOCK);
    const padding = Buffer.alloc(padLen + 1, padLen);
    const pieces: Uint8Array[] = [];
    if (etm) {
      const ctLen = data.length + padLen + 1;
      const header = this.pseudoHeader(type, 0x0303, BLOCK + ctLen);
      const ct = this.key.encrypt(iv, [data, padding]);
      pieces.push(iv, ...ct, this.mac([header, iv, ...ct]));
    } else {
      const header = this.pseudoHeader(type, 0x0303, data.length);
      const tag = this.mac([header, data]);
      pieces.push(iv, ...this.key.encrypt(iv, [data, tag, padding]));
    }
    let total = 0;
    for (const p of pieces) total += p.length;
    const recordHeader = Buffer.from([type, 3, 3, total >> 8, total & 0xff]);
    return [recordHeader, ...pieces.filter((p) => p.length > 0)];
  }

  open(header: Uint8Array, body: Uint8Array): PlainRecord {
    const type = header[0]!;
    const version = (header[1]! << 8) | header[2]!;
    return { type, data: this.k.encryptThenMac ? this.openEtm(type, version, body) : this.openMte(type, version, body) };
  }

  private decrypt(iv: Uint8Array, ct: Uint8Array): Uint8Array {
    return this.key.decrypt(iv, ct);
  }

  /** RFC 7366: check the MAC over the ciphertext first; only then decrypt and strip the padding. */
  private openEtm(type: number, version: number, body: Uint8Array): Uint8Array {
    const macLen = this.macLength;
    const ctLen = body.length - macLen - BLOCK;
    if (ctLen < BLOCK || ctLen % BLOCK !== 0) throw badRecordMac();
    const header = this.pseudoHeader(type, version, body.length - macLen);
    const expected = this.mac([header, body.subarray(0, body.length - macLen)]);
    if (!this.p.timingSafeEqual(expected, body.subarray(body.length - macLen))) throw badRecordMac();
    const pt = this.decrypt(body.subarray(0, BLOCK), body.subarray(BLOCK, BLOCK + ctLen));
    const padLen = pt[pt.length - 1]!;
    // Authentic bytes: the padding may be checked plainly, there is nothing left to leak.
    if (padLen + 1 > pt.length) throw badRecordMac();
    for (let i = pt.length - 1 - padLen; i < pt.length; i++) if (pt[i] !== padLen) throw badRecordMac();
    const data = pt.subarray(0, pt.length - padLen - 1);
    if (data.length > MAX_PLAINTEXT) throw tlsError(Alert.record_overflow, 'DATA_LENGTH_TOO_LONG');
    return data;
  }

  /** MAC-then-encrypt, in constant shape (see the top of this file). */
  private openMte(type: number, version: number, body: Uint8Array): Uint8Array {
    const macLen = this.macLength;
    const hash = this.k.macHash;
    const ctLen = body.length - BLOCK;
    // The smallest record holds the MAC and one padding byte; these lengths are public.
    if (ctLen < macLen + 1 || ctLen % BLOCK !== 0) {
      this.seq += 1; // the record still used its sequence number
      throw badRecordMac();
    }
    const pt = this.decrypt(body.subarray(0, BLOCK), body.subarray(BLOCK));
    const n = pt.length;
    const padLen = pt[n - 1]!;

    // Padding: fits (padLen + 1 + macLen <= n) and every padding byte equals padLen.
    let good = leMask(padLen + 1 + macLen, n);
    const window = Math.min(256, n);
    for (let i = 0; i < window; i++) {
      const inPadding = leMask(i, padLen);
      good &= ~(inPadding & (pt[n - 1 - i]! ^ padLen)) & 0xff;
    }
    // Collapse to all-or-nothing: 0xff only when every bit survived.
    good = leMask(0xff, good);
    const strip = (good | (good << 8)) & (padLen + 1); // 0 when the padding is bad: the MAC will not match
    const dataLen = n - macLen - strip;

    // The MAC over the data, and a throwaway hash to even out the compression count.
    const header = this.pseudoHeader(type, version, dataLen);
    const expected = this.mac([header, pt.subarray(0, dataLen)]);
    const maxData = n - macLen - 1;
    const missing = innerBlocks(hash, 13 + maxData) - innerBlocks(hash, 13 + dataLen);
    const { block, tail } = HASH_SHAPE[hash];
    this.p.digest(hash, CbcProtection.filler.subarray(0, (missing + 1) * block - tail));

    // Read the received MAC from pt[dataLen .. dataLen + macLen) without indexing by a secret:
    // gather the fixed window that must contain it into a rotated copy, then undo the rotation.
    const scanStart = Math.max(0, n - macLen - 256);
    const rotated = new Uint8Array(macLen);
    const macStart = dataLen;
    let rotateBy = 0;
    for (let i = scanStart, j = 0; i < n; i++) {
      const started = leMask(macStart, i);
      const before = leMask(i + 1, macStart + macLen); // i < macStart + macLen
      rotated[j] = rotated[j]! | (pt[i]! & started & before);
      rotateBy |= j & leMask(i, macStart) & leMask(macStart, i); // j where i === macStart
      j = j + 1 === macLen ? 0 : j + 1;
    }
    let diff = 0;
    for (let i = 0; i < macLen; i++) {
      let byte = 0;
      const want = (i + rotateBy) % macLen;
      for (let j = 0; j < macLen; j++) {
        const hit = leMask(j, want) & leMask(want, j);
        byte |= rotated[j]! & hit;
      }
      diff |= byte ^ expected[i]!;
    }
    if ((diff | (~good & 0xff)) !== 0) throw badRecordMac();
    if (dataLen > MAX_PLAINTEXT) throw tlsError(Alert.record_overflow, 'DATA_LENGTH_TOO_LONG');
    return pt.subarray(0, dataLen);
  }
}
