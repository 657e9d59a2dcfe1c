// Bounds-checked readers and writers for TLS's length-prefixed wire format.
// Every overrun becomes a decode_error alert, never a RangeError.
import { decodeError } from './alert.js';

export class Reader {
  private pos = 0;
  constructor(readonly buf: Uint8Array, private readonly end = buf.length, start = 0) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get offset(): number {
    return this.pos;
  }

  u8(): number {
    if (this.pos + 1 > this.end) throw decodeError();
    return this.buf[this.pos++]!;
  }

  u16(): number {
    if (this.pos + 2 > this.end) throw decodeError();
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u24(): number {
    if (this.pos + 3 > this.end) throw decodeError();
    const v = (this.buf[this.pos]! << 16) | (this.buf[this.pos + 1]! << 8) | this.buf[this.pos + 2]!;
    this.pos += 3;
    return v;
  }

  u32(): number {
    return this.u16() * 0x10000 + this.u16();
  }

  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.end) throw decodeError();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  vec8(): Uint8Array {
    return this.bytes(this.u8());
  }

  vec16(): Uint8Array {
    return this.bytes(this.u16());
  }

  vec24(): Uint8Array {
    return this.bytes(this.u24());
  }

  /** A sub-reader over a u8/u16/u24-length-prefixed block. */
  sub8(): Reader {
    return new Reader(this.vec8());
  }

  sub16(): Reader {
    return new Reader(this.vec16());
  }

  sub24(): Reader {
    return new Reader(this.vec24());
  }

  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /** Trailing bytes after a structure are a decode_error (RFC 8446 4). */
  expectEnd(reason = 'LENGTH_MISMATCH'): void {
    if (this.pos !== this.end) throw decodeError(reason);
  }
}

/** Growable byte writer; length-prefixed blocks are back-patched. */
export class Writer {
  private buf: Uint8Array;
  private len = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u24(v: number): this {
    this.ensure(3);
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    return this.u16(Math.floor(v / 0x10000)).u16(v & 0xffff);
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  vec8(b: Uint8Array): this {
    return this.u8(b.length).bytes(b);
  }

  vec16(b: Uint8Array): this {
    return this.u16(b.length).bytes(b);
  }

  vec24(b: Uint8Array): this {
    return this.u24(b.length).bytes(b);
  }

  /** Write a block whose length prefix (of `width` bytes) is filled in afterwards. */
  block(width: 1 | 2 | 3, body: (w: this) => void): this {
    const at = this.len;
    this.ensure(width);
    this.len += width;
    body(this);
    const n = this.len - at - width;
    if (n >= 1 << (8 * width)) throw new RangeError('TLS vector too long');
    for (let i = width - 1, v = n; i >= 0; i--, v >>>= 8) this.buf[at + i] = v & 0xff;
    return this;
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
