// Python's ssl.MemoryBIO: an in-memory byte pipe between the TLS engine and
// whatever moves bytes on the wire.
//
// Layout: a queue of immutable chunks plus a read offset into the first one.
// Writes append a chunk, reads advance the offset, so bytes are never shifted
// and a read(-1) concatenates everything exactly once.
//
// Engine-side API (underscore methods, not part of Python's surface):
//   _writeOwned(buf)  append without copying; the caller hands over ownership
//                     and must not modify `buf` afterwards.
//   _peek(n)          the first n pending bytes as one contiguous view, or
//                     null if fewer are pending. Only the chunks covering those
//                     n bytes are merged (once), so peeking a 5-byte record
//                     header never copies a large payload behind it.
//   _consume(n)       drop n pending bytes (after a successful _peek).
//   _readChunks()     take every pending byte as the list of chunks they sit
//                     in, without concatenating; the BIO is left empty.
// None of them is blocked by writeEof(): eof only stops the public write().

import { SSLError } from '../errors.js';
import { pyTypeName } from './py-types.js';

const EMPTY = new Uint8Array(0);


/** A view of the bytes of a bytes-like value, or null if it isn't one. */
function bytesView(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof SharedArrayBuffer !== 'undefined' && data instanceof SharedArrayBuffer) return new Uint8Array(data);
  return null;
}

/** A byte buffer between an SSLObject and its transport. Python: `ssl.MemoryBIO`. */
export class MemoryBIO {
  #chunks: Uint8Array[] = [];
  /** Index of the first live chunk; dead ones are dropped in batches. */
  #head = 0;
  /** Bytes of #chunks[#head] already read. */
  #offset = 0;
  #pending = 0;
  #eofWritten = false;

  /** Number of bytes waiting to be read. */
  get pending(): number {
    return this.#pending;
  }

  /** True once writeEof() was called and every byte has been read. */
  get eof(): boolean {
    return this.#eofWritten && this.#pending === 0;
  }

  /**
   * Append a copy of `buf`; returns the number of bytes written. Throws
   * TypeError for anything that is not bytes-like and SSLError after
   * writeEof(), like Python.
   */
  write(buf: Uint8Array | ArrayBufferView | ArrayBuffer): number {
    const view = bytesView(buf);
    if (view === null) {
      throw new TypeError(`a bytes-like object is required, not '${pyTypeName(buf)}'`);
    }
    if (this.#eofWritten) throw new SSLError('cannot write() after write_eof()');
    // Copy: the caller may reuse its buffer after we return.
    if (view.byteLength > 0) this.#push(Uint8Array.prototype.slice.call(view));
    return view.byteLength;
  }

  /** Mark the end of the stream; eof becomes true once the buffer is drained. */
  writeEof(): void {
    this.#eofWritten = true;
  }

  /**
   * Read up to `n` bytes; a negative `n` (the default) reads everything.
   * An empty result means no data or EOF; check `eof` to tell which.
   */
  read(n = -1): Buffer {
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      throw new TypeError(`'${pyTypeName(n)}' object cannot be interpreted as an integer`);
    }
    const want = n < 0 || n > this.#pending ? this.#pending : n;
    if (want === 0) return Buffer.alloc(0);
    const first = this.#chunks[this.#head]!;
    const firstLeft = first.byteLength - this.#offset;
    if (want <= firstLeft) {
      // Common case: served from one chunk without copying.
      const out = Buffer.from(first.buffer, first.byteOffset + this.#offset, want);
      this.#consume(want);
      return out;
    }
    const out = Buffer.allocUnsafe(want);
    let filled = 0;
    while (filled < want) {
      const chunk = this.#chunks[this.#head]!;
      const take = Math.min(chunk.byteLength - this.#offset, want - filled);
      out.set(chunk.subarray(this.#offset, this.#offset + take), filled);
      filled += take;
      this.#consume(take);
    }
    return out;
  }

  // ------------------------------------------------------------ engine side

  /** Append `buf` without copying; ownership passes to the BIO. */
  _writeOwned(buf: Uint8Array): void {
    if (buf.byteLength > 0) this.#push(buf);
  }

  /** The first `n` pending bytes as one view (valid until the next call), or null if fewer are pending. */
  _peek(n: number): Uint8Array | null {
    if (n > this.#pending) return null;
    if (n === 0) return EMPTY;
    const first = this.#chunks[this.#head]!;
    if (first.byteLength - this.#offset >= n) {
      return first.subarray(this.#offset, this.#offset + n);
    }
    // Merge just the chunks that cover the first n bytes into one, in place.
    let end = this.#head;
    let covered = 0;
    let offset = this.#offset;
    while (covered < n) {
      covered += this.#chunks[end]!.byteLength - offset;
      offset = 0;
      end++;
    }
    const merged = new Uint8Array(covered);
    let at = 0;
    offset = this.#offset;
    for (let i = this.#head; i < end; i++) {
      const c = this.#chunks[i]!;
      merged.set(offset === 0 ? c : c.subarray(offset), at);
      at += c.byteLength - offset;
      offset = 0;
    }
    // The merged bytes take the last covered slot and the ones before it
    // become consumed slots, dropped in batches by #consume(). (Splicing them
    // out here would shift every chunk behind: with thousands of 1-byte
    // chunks pending, each record header would cost time linear in the
    // backlog, and reading it all quadratic.)
    for (let i = this.#head; i < end - 1; i++) this.#chunks[i] = EMPTY;
    this.#chunks[end - 1] = merged;
    this.#head = end - 1;
    this.#offset = 0;
    return merged.subarray(0, n);
  }

  /** Discard `n` pending bytes (at most what is pending). */
  _consume(n: number): void {
    this.#consume(Math.min(Math.max(0, n), this.#pending));
  }

  /** Take all pending bytes as their chunks, leaving the BIO empty. */
  _readChunks(): Uint8Array[] {
    if (this.#pending === 0) return [];
    const out = this.#chunks.slice(this.#head);
    if (this.#offset > 0) out[0] = out[0]!.subarray(this.#offset);
    this.#chunks = [];
    this.#head = 0;
    this.#offset = 0;
    this.#pending = 0;
    return out;
  }

  // ---------------------------------------------------------------- private

  #push(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#pending += chunk.byteLength;
  }

  #consume(n: number): void {
    this.#pending -= n;
    while (n > 0) {
      const chunk = this.#chunks[this.#head]!;
      const left = chunk.byteLength - this.#offset;
      if (n < left) {
        this.#offset += n;
        return;
      }
      n -= left;
      this.#chunks[this.#head] = EMPTY; // release the memory now
      this.#head++;
      this.#offset = 0;
    }
    if (this.#head === this.#chunks.length) {
      this.#chunks.length = 0;
      this.#head = 0;
    } else if (this.#head >= 64 && this.#head * 2 >= this.#chunks.length) {
      // Drop consumed slots in batches so the queue stays O(1) amortised.
      this.#chunks.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
