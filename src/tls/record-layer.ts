// The record layer: framing, size limits and AEAD protection of records.
// It knows content types and keys, nothing about handshake messages.
import type { AeadKey } from '../crypto/provider.js';
import { tlsError } from './alert.js';
import { Alert, ContentType, MAX_CIPHERTEXT_TLS13, MAX_PLAINTEXT } from './constants.js';

export interface PlainRecord {
  type: number;
  data: Uint8Array;
}

/** Per-direction record protection; the TLS 1.3 and 1.2 record formats differ. */
export interface RecordProtection {
  /** TLS 1.3 hides the content type inside the encryption; 1.2 keeps it in the header. */
  readonly hidesType: boolean;
  /** The protected record as pieces to send in order. */
  seal(type: number, data: Uint8Array, padding?: number): Uint8Array[];
  open(header: Uint8Array, body: Uint8Array): PlainRecord;
}

/** The 64-bit sequence number, XORed into the right end of a 12-byte IV (RFC 8446 5.3, RFC 7905 2). */
function xorNonce(out: Buffer, iv: Uint8Array, seq: number): Buffer {
  out.set(iv);
  let s = seq;
  for (let i = 11; i >= 4 && s > 0; i--) {
    out[i]! ^= s & 0xff;
    s = Math.floor(s / 256);
  }
  return out;
}

function nextSeq(current: number): number {
  // 2^53 records is far beyond any key's life; refuse rather than wrap.
  if (current >= Number.MAX_SAFE_INTEGER) throw tlsError(Alert.internal_error, 'INTERNAL_ERROR');
  return current + 1;
}

/** One-byte inner content types, shared: they are only ever read. */
const TYPE_BYTES: Record<number, Uint8Array> = {
  [ContentType.alert]: Uint8Array.of(ContentType.alert),
  [ContentType.handshake]: Uint8Array.of(ContentType.handshake),
  [ContentType.application_data]: Uint8Array.of(ContentType.application_data),
};

/** TLS 1.3 AEAD state with its implicit sequence number (RFC 8446 5.2-5.4). */
export class Tls13Protection implements RecordProtection {
  readonly hidesType = true;
  private seq = 0;
  private readonly nonce = Buffer.alloc(12);
  constructor(private readonly aead: AeadKey, private readonly iv: Uint8Array) {}

  private nextNonce(): Uint8Array {
    const n = xorNonce(this.nonce, this.iv, this.seq);
    this.seq = nextSeq(this.seq);
    return n;
  }

  seal(type: number, data: Uint8Array, padding = 0): Uint8Array[] {
    const length = data.length + 1 + padding + this.aead.tagLength;
    // Filled by hand: Buffer.from([...]) goes through the generic array path, a visible cost per record.
    const header = Buffer.allocUnsafe(5);
    header[0] = ContentType.application_data;
    header[1] = 3;
    header[2] = 3;
    header[3] = length >> 8;
    header[4] = length & 0xff;
    const trailer = padding === 0 ? TYPE_BYTES[type]! : Buffer.alloc(1 + padding, 0);
    if (padding !== 0) trailer[0] = type;
    return this.aead.seal(this.nextNonce(), header, [data, trailer], header);
  }

  /** Decrypt a protected record body; returns the inner type and content. */
  open(header: Uint8Array, body: Uint8Array): PlainRecord {
    const plain = this.aead.open(this.nextNonce(), header, body);
    if (!plain) {
      // A record that does not open was not ours to count (rejected 0-RTT data is skipped, RFC 8446 4.2.10).
      this.seq--;
      throw tlsError(Alert.bad_record_mac, 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC');
    }
    if (plain.length > MAX_PLAINTEXT + 1) throw tlsError(Alert.record_overflow, 'DATA_LENGTH_TOO_LONG');
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--; // strip padding (RFC 8446 5.4)
    if (end < 0) throw tlsError(Alert.unexpected_message, 'BAD_RECORD_TYPE');
    return { type: plain[end]!, data: plain.subarray(0, end) };
  }
}

/**
 * TLS 1.2 AEAD records (RFC 5246 6.2.3.3): AES-GCM carries an 8-byte explicit
 * nonce (we use the sequence number, as OpenSSL does); ChaCha20-Poly1305
 * derives its nonce like TLS 1.3 (RFC 7905).
 */
export class Tls12Protection implements RecordProtection {
  readonly hidesType = false;
  private seq = 0;
  private readonly nonce = Buffer.alloc(12);
  private readonly aad = Buffer.alloc(13);
  constructor(private readonly aead: AeadKey, private readonly iv: Uint8Array, private readonly explicitNonce: boolean) {}

  private prepare(type: number, version: number, length: number): { nonce: Buffer; explicit: Buffer | null } {
    const seq = this.seq;
    this.seq = nextSeq(seq);
    const seqBytes = Buffer.alloc(8);
    seqBytes.writeUInt32BE(Math.floor(seq / 0x100000000), 0);
    seqBytes.writeUInt32BE(seq >>> 0, 4);
    seqBytes.copy(this.aad, 0);
    this.aad[8] = type;
    this.aad.writeUInt16BE(version, 9);
    this.aad.writeUInt16BE(length, 11);
    if (!this.explicitNonce) return { nonce: xorNonce(this.nonce, this.iv, seq), explicit: null };
    this.nonce.set(this.iv.subarray(0, 4), 0);
    seqBytes.copy(this.nonce, 4);
    return { nonce: this.nonce, explicit: seqBytes };
  }

  seal(type: number, data: Uint8Array): Uint8Array[] {
    const { nonce, explicit } = this.prepare(type, 0x0303, data.length);
    const extra = explicit ? 8 : 0;
    const prefix = Buffer.allocUnsafe(5 + extra);
    prefix[0] = type;
    prefix[1] = 3;
    prefix[2] = 3;
    prefix.writeUInt16BE(extra + data.length + this.aead.tagLength, 3);
    if (explicit) explicit.copy(prefix, 5);
    return this.aead.seal(nonce, this.aad, [data], prefix);
  }

  open(header: Uint8Array, body: Uint8Array): PlainRecord {
    const type = header[0]!;
    const extra = this.explicitNonce ? 8 : 0;
    const length = body.length - extra - this.aead.tagLength;
    if (length < 0) throw tlsError(Alert.bad_record_mac, 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC');
    const { nonce } = this.prepare(type, (header[1]! << 8) | header[2]!, length);
    if (this.explicitNonce) nonce.set(body.subarray(0, 8), 4);
    const plain = this.aead.open(nonce, this.aad, body.subarray(extra));
    if (!plain) throw tlsError(Alert.bad_record_mac, 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC');
    if (plain.length > MAX_PLAINTEXT) throw tlsError(Alert.record_overflow, 'DATA_LENGTH_TOO_LONG');
    return { type, data: plain };
  }
}

const HTTP_METHODS = ['GET ', 'POST', 'HEAD', 'PUT '];

/**
 * Incoming side. The caller asks how many bytes complete the current record
 * (`wanted`) and feeds exactly those, so bytes after a record stay with the
 * transport: what unwrap() leaves behind is still readable as plaintext.
 */
export class RecordReader {
  private readonly header = Buffer.alloc(5);
  private headerHave = 0;
  private body: Buffer | null = null;
  private bodyHave = 0;
  private first = true;
  protection: RecordProtection | null = null;
  /** During the handshake a peer that never got our keys may send a plaintext alert. */
  plainAlertsAllowed = true;
  /** Largest record body accepted (RFC 8446 5.2 for TLS 1.3). */
  maxBody = MAX_CIPHERTEXT_TLS13;
  /**
   * Server, after a HelloRetryRequest that refused early data: the client's 0-RTT records still
   * come before any read keys, as application_data records of ciphertext size (up to 2^14 + 256),
   * to be skipped; the plaintext limit would refuse a full one.
   */
  skippingEarlyData = false;
  /** Body length of the last complete record (for skipping rejected early data). */
  lastBodyLength = 0;
  /**
   * Python's _msg_callback: each record header once read (before decryption, as OpenSSL
   * reports it), and the inner content type of each TLS 1.3 record once opened.
   */
  observer: RecordObserver | null = null;

  wanted(): number {
    if (this.headerHave < 5) return 5 - this.headerHave;
    return this.body ? this.body.length - this.bodyHave : 0;
  }

  /** True while a record has been started but not finished. */
  get partial(): boolean {
    return this.headerHave > 0;
  }

  /** Feed at most `wanted()` bytes; returns a complete record, decrypted, once whole. */
  push(data: Uint8Array): { header: Uint8Array; record: PlainRecord } | null {
    // Fast path: a whole record in one view is processed in place, without buffering.
    if (this.headerHave === 0 && data.length >= 5 && data.length === 5 + ((data[3]! << 8) | data[4]!)) {
      const header = data.subarray(0, 5);
      this.header.set(header);
      this.checkHeader();
      this.lastBodyLength = data.length - 5;
      this.observer?.header(Uint8Array.from(header));
      return { header, record: this.unprotect(header, data.subarray(5)) };
    }
    let off = 0;
    if (this.headerHave < 5) {
      const n = Math.min(5 - this.headerHave, data.length);
      this.header.set(data.subarray(0, n), this.headerHave);
      this.headerHave += n;
      off = n;
      if (this.headerHave < 5) return null;
      this.body = Buffer.allocUnsafe(this.checkHeader());
      this.bodyHave = 0;
    }
    const body = this.body!;
    const n = Math.min(body.length - this.bodyHave, data.length - off);
    body.set(data.subarray(off, off + n), this.bodyHave);
    this.bodyHave += n;
    if (this.bodyHave < body.length) return null;
    const header = Buffer.from(this.header);
    this.headerHave = 0;
    this.body = null;
    this.lastBodyLength = body.length;
    this.observer?.header(Uint8Array.from(header));
    return { header, record: this.unprotect(header, body) };
  }

  private checkHeader(): number {
    const h = this.header;
    const type = h[0]!;
    const length = h.readUInt16BE(3);
    if (this.first) {
      const text = h.subarray(0, 4).toString('latin1');
      if (HTTP_METHODS.includes(text)) throw tlsError(Alert.unexpected_message, 'HTTP_REQUEST');
      if (text === 'CONN') throw tlsError(Alert.unexpected_message, 'HTTPS_PROXY_REQUEST');
    }
    if (h[1] !== 3) throw tlsError(Alert.protocol_version, 'WRONG_VERSION_NUMBER');
    if (type < ContentType.change_cipher_spec || type > ContentType.application_data) {
      throw tlsError(Alert.unexpected_message, 'UNEXPECTED_RECORD');
    }
    const protectedRecord =
      (this.protection && (!this.protection.hidesType || type === ContentType.application_data)) ||
      (this.skippingEarlyData && type === ContentType.application_data);
    const limit = protectedRecord ? this.maxBody : MAX_PLAINTEXT;
    if (length > limit) {
      throw tlsError(Alert.record_overflow, protectedRecord ? 'ENCRYPTED_LENGTH_TOO_LONG' : 'PACKET_LENGTH_TOO_LONG');
    }
    this.first = false;
    return length;
  }

  private unprotect(header: Uint8Array, body: Uint8Array): PlainRecord {
    const type = header[0]!;
    // Change_cipher_spec is never protected in TLS 1.3 (RFC 8446 5).
    const p = this.protection;
    if (!p) return { type, data: body };
    if (!p.hidesType) return p.open(header, body); // TLS 1.2: everything after CCS is protected
    // Change_cipher_spec is never protected in TLS 1.3 (RFC 8446 5).
    if (type === ContentType.change_cipher_spec) return { type, data: body };
    if (type === ContentType.alert && this.plainAlertsAllowed) return { type, data: body };
    if (type !== ContentType.application_data) throw tlsError(Alert.unexpected_message, 'UNEXPECTED_RECORD');
    const rec = p.open(header, body);
    this.observer?.innerType(rec.type);
    return rec;
  }
}

/** Who watches records go by (Python's _msg_callback, through the connection's trace). */
export interface RecordObserver {
  /** The 5-byte header of a record. */
  header(header: Uint8Array): void;
  /** The inner content type of a TLS 1.3 protected record. */
  innerType(type: number): void;
}

/** The header of a protected record made of these pieces (the header is part of the first). */
function protectedHeader(pieces: readonly Uint8Array[], outerType: number): Uint8Array {
  let total = 0;
  for (const p of pieces) total += p.length;
  const length = total - 5;
  return Uint8Array.of(outerType, 3, 3, length >> 8, length & 0xff);
}

/** Outgoing side: fragments and (once keys are set) protects records. */
export class RecordWriter {
  protection: RecordProtection | null = null;
  /** Python's _msg_callback: each record header as written, then a TLS 1.3 record's inner type. */
  observer: RecordObserver | null = null;
  /** The record version of plaintext records: 0x0301 for the first ClientHello, as OpenSSL does. */
  legacyVersion = 0x0303;
  /** Padding added to each protected record; 0 like OpenSSL's default. */
  padding = 0;
  /** The largest plaintext put in one record (OpenSSL's max_send_fragment, node's setMaxSendFragment). */
  maxFragment = MAX_PLAINTEXT;

  /** Encode `data` of `type` as one or more records. */
  encode(type: number, data: Uint8Array, out: Uint8Array[]): void {
    if (data.length === 0 && type !== ContentType.application_data) return;
    let off = 0;
    do {
      const n = Math.min(this.maxFragment, data.length - off);
      const frag = data.subarray(off, off + n);
      off += n;
      if (this.protection) {
        const pieces = this.protection.seal(type, frag, this.padding);
        for (const piece of pieces) out.push(piece);
        const o = this.observer;
        if (o) {
          const hides = this.protection.hidesType;
          o.header(protectedHeader(pieces, hides ? ContentType.application_data : type));
          if (hides) o.innerType(type);
        }
      } else {
        const rec = Buffer.allocUnsafe(5 + n);
        rec[0] = type;
        rec[1] = this.legacyVersion >> 8;
        rec[2] = this.legacyVersion & 0xff;
        rec.writeUInt16BE(n, 3);
        rec.set(frag, 5);
        out.push(rec);
        this.observer?.header(Uint8Array.from(rec.subarray(0, 5)));
      }
    } while (off < data.length);
  }
}
