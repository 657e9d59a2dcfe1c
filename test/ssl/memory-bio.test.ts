// Port of CPython's MemoryBIOTests (Lib/test/test_ssl.py), plus checks of the
// engine-side methods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBIO } from '../../src/ssl/memory-bio.js';
import { SSLError } from '../../src/errors.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

test('read/write', () => {
  const bio = new MemoryBIO();
  bio.write(b('foo'));
  assert.deepEqual(bio.read(), b('foo'));
  assert.deepEqual(bio.read(), b(''));
  bio.write(b('foo'));
  bio.write(b('bar'));
  assert.deepEqual(bio.read(), b('foobar'));
  assert.deepEqual(bio.read(), b(''));
  bio.write(b('baz'));
  assert.deepEqual(bio.read(2), b('ba'));
  assert.deepEqual(bio.read(1), b('z'));
  assert.deepEqual(bio.read(1), b(''));
});

test('eof', () => {
  const bio = new MemoryBIO();
  assert.equal(bio.eof, false);
  assert.deepEqual(bio.read(), b(''));
  assert.equal(bio.eof, false);
  bio.write(b('foo'));
  assert.equal(bio.eof, false);
  bio.writeEof();
  assert.equal(bio.eof, false);
  assert.deepEqual(bio.read(2), b('fo'));
  assert.equal(bio.eof, false);
  assert.deepEqual(bio.read(1), b('o'));
  assert.equal(bio.eof, true);
  assert.deepEqual(bio.read(), b(''));
  assert.equal(bio.eof, true);
});

test('pending', () => {
  const bio = new MemoryBIO();
  assert.equal(bio.pending, 0);
  bio.write(b('foo'));
  assert.equal(bio.pending, 3);
  for (let i = 0; i < 3; i++) {
    bio.read(1);
    assert.equal(bio.pending, 3 - i - 1);
  }
  for (let i = 0; i < 3; i++) {
    bio.write(b('x'));
    assert.equal(bio.pending, i + 1);
  }
  bio.read();
  assert.equal(bio.pending, 0);
});

test('buffer types', () => {
  const bio = new MemoryBIO();
  bio.write(b('foo'));
  assert.deepEqual(bio.read(), b('foo'));
  bio.write(new Uint8Array(b('bar')));
  assert.deepEqual(bio.read(), b('bar'));
  const ab = new ArrayBuffer(3);
  new Uint8Array(ab).set(b('baz'));
  bio.write(ab);
  assert.deepEqual(bio.read(), b('baz'));
  // Any ArrayBufferView counts, by its bytes (like array('i', [1, 2]) in Python).
  assert.equal(bio.write(new Int32Array([1, 2])), 8);
  assert.equal(bio.pending, 8);
  bio.read();
  const dv = new DataView(new Uint8Array(b('xxquxyy')).buffer, 2, 3);
  bio.write(dv);
  assert.deepEqual(bio.read(), b('qux'));
  // A view into a larger buffer writes only its own bytes.
  const big = b('0123456789');
  bio.write(big.subarray(3, 6));
  assert.deepEqual(bio.read(), b('345'));
  // (Python's non-contiguous memoryview BufferError has no JS counterpart.)
});

test('error types', () => {
  const bio = new MemoryBIO();
  const write = bio.write.bind(bio) as (x: unknown) => number;
  assert.throws(() => write('foo'), { name: 'TypeError', message: "a bytes-like object is required, not 'str'" });
  assert.throws(() => write(null), { name: 'TypeError', message: "a bytes-like object is required, not 'NoneType'" });
  assert.throws(() => write(true), TypeError);
  assert.throws(() => write(1), TypeError);
  assert.throws(() => write([1, 2]), TypeError);
});

test('write after writeEof raises SSLError', () => {
  const bio = new MemoryBIO();
  bio.writeEof();
  assert.throws(
    () => bio.write(b('x')),
    (e: unknown) => e instanceof SSLError && e.message === 'cannot write() after write_eof()',
  );
  // The type check comes first, as in Python.
  assert.throws(() => (bio.write as (x: unknown) => number)('x'), TypeError);
  bio.writeEof(); // idempotent
  assert.equal(bio.eof, true);
});

test('write returns the byte count, empty writes included', () => {
  const bio = new MemoryBIO();
  assert.equal(bio.write(b('')), 0);
  assert.equal(bio.write(b('abc')), 3);
  assert.equal(bio.pending, 3);
});

test('read sizes: negative reads all, zero reads nothing, non-integers rejected', () => {
  const bio = new MemoryBIO();
  bio.write(b('abcdef'));
  assert.deepEqual(bio.read(0), b(''));
  assert.deepEqual(bio.read(-5), b('abcdef'));
  bio.write(b('xyz'));
  assert.deepEqual(bio.read(2 ** 40), b('xyz'));
  const read = bio.read.bind(bio) as (n: unknown) => Buffer;
  assert.throws(() => read(1.5), { name: 'TypeError', message: "'float' object cannot be interpreted as an integer" });
  assert.throws(() => read('a'), { name: 'TypeError', message: "'str' object cannot be interpreted as an integer" });
  assert.throws(() => read(null), TypeError);
});

test('writeEof with data pending: eof only after draining', () => {
  const bio = new MemoryBIO();
  bio.write(b('ab'));
  bio.writeEof();
  assert.deepEqual(bio.read(0), b(''));
  assert.equal(bio.eof, false);
  assert.deepEqual(bio.read(5), b('ab'));
  assert.equal(bio.eof, true);
});

test('writes are copied: later changes to the caller buffer do not leak in', () => {
  const bio = new MemoryBIO();
  const src = b('abc');
  bio.write(src);
  src[0] = 0x7a;
  assert.deepEqual(bio.read(), b('abc'));
});

test('reads spanning many chunks', () => {
  const bio = new MemoryBIO();
  let expected = '';
  for (let i = 0; i < 1000; i++) {
    const s = `chunk${i};`;
    bio.write(b(s));
    expected += s;
  }
  let got = '';
  for (const n of [1, 7, 13, 100, 3, 5000]) got += bio.read(n).toString('latin1');
  got += bio.read().toString('latin1');
  assert.equal(got, expected);
  assert.equal(bio.pending, 0);
});

test('engine side: _peek/_consume', () => {
  const bio = new MemoryBIO();
  assert.equal(bio._peek(1), null);
  assert.deepEqual(bio._peek(0), new Uint8Array(0));
  bio.write(b('ab'));
  bio.write(b('cde'));
  bio.write(b('fgh'));
  assert.equal(bio._peek(9), null);
  assert.deepEqual(Buffer.from(bio._peek(2)!), b('ab'));
  assert.deepEqual(Buffer.from(bio._peek(4)!), b('abcd'));
  assert.equal(bio.pending, 8);
  bio._consume(3);
  assert.equal(bio.pending, 5);
  assert.deepEqual(Buffer.from(bio._peek(5)!), b('defgh'));
  bio._consume(1);
  assert.deepEqual(bio.read(), b('efgh'));
  bio._consume(10); // clamps
  assert.equal(bio.pending, 0);
});

test('engine side: _writeOwned and _readChunks', () => {
  const bio = new MemoryBIO();
  const owned = new Uint8Array(b('xyz'));
  bio._writeOwned(owned);
  bio.write(b('123'));
  bio.read(1);
  const chunks = bio._readChunks();
  assert.deepEqual(
    chunks.map((c) => Buffer.from(c).toString('latin1')),
    ['yz', '123'],
  );
  assert.equal(bio.pending, 0);
  assert.deepEqual(bio._readChunks(), []);
  // Ownership is transferred: no copy was made.
  assert.equal(chunks[0]!.buffer, owned.buffer);
  // Engine writes still work after writeEof (only the public write() is closed).
  bio.writeEof();
  bio._writeOwned(new Uint8Array([1]));
  assert.equal(bio.pending, 1);
  assert.equal(bio.eof, false);
});

// Its speed (that many small writes and reads stay linear) is measured by
// bench/memory-bio.js, not here: timing goals live in the bench.
test('a long stream of small writes and interleaved reads keeps every byte in order', () => {
  const bio = new MemoryBIO();
  const got: Uint8Array[] = [];
  let written = 0;
  for (let i = 0; i < 50_000; i++) {
    const piece = new Uint8Array(16);
    for (let j = 0; j < 16; j++) piece[j] = (written + j) & 0xff;
    bio.write(piece);
    written += 16;
    if (i % 3 === 0) got.push(bio.read(20));
  }
  got.push(bio.read());
  assert.equal(bio.pending, 0);
  const all = Buffer.concat(got);
  assert.equal(all.length, written);
  for (let k = 0; k < all.length; k++) if (all[k] !== (k & 0xff)) assert.fail(`byte ${k} is ${all[k]}`);
});

test('engine side: record headers peeked across thousands of 1-byte chunks cost work linear in the backlog', () => {
  // A peer that sends every byte in its own TCP segment (or a fuzzer's
  // 1-byte records) leaves one chunk per byte. Each _peek(5) merges five of
  // them; removing the merged slots with splice() used to shift every chunk
  // behind, so draining N records took N x backlog element moves (the fuzzer
  // found a 4-second read()). Count the element moves splice() makes.
  const bio = new MemoryBIO();
  const records = 5000;
  for (let r = 0; r < records; r++) for (const b of [23, 3, 3, 0, 1]) bio.write(new Uint8Array([b]));
  const original = Array.prototype.splice;
  let moved = 0;
  Array.prototype.splice = function (this: unknown[], start: number, deleteCount?: number, ...items: unknown[]) {
    moved += Math.max(0, this.length - start);
    return original.call(this, start, deleteCount ?? 0, ...items) as unknown[];
  } as typeof Array.prototype.splice;
  let seen = 0;
  try {
    for (;;) {
      const header = bio._peek(5);
      if (header === null) break;
      assert.deepEqual([...header], [23, 3, 3, 0, 1]);
      bio._consume(5);
      seen++;
    }
  } finally {
    Array.prototype.splice = original;
  }
  assert.equal(seen, records);
  assert.equal(bio.pending, 0);
  assert.ok(moved <= 4 * records * 5, `splice moved ${moved} slots for ${records * 5} chunks`);
});
