// The record layer on its own: protected records are checked against the
// RFC constructions computed here directly with node:crypto (RFC 8446 5.2-5.3
// for TLS 1.3, RFC 5288 3 / RFC 7905 2 for TLS 1.2), including sequence
// numbers above 2^32; then framing, size limits and the checks on headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nc from 'node:crypto';
import { SSLError } from '../../src/errors.js';
import { nodeCrypto } from '../../src/crypto/node-provider.js';
import { alertToSend } from '../../src/tls/alert.js';
import { Alert, MAX_CIPHERTEXT_TLS12, MAX_CIPHERTEXT_TLS13, MAX_PLAINTEXT } from '../../src/tls/constants.js';
import { RecordReader, RecordWriter, Tls12Protection, Tls13Protection, type RecordProtection } from '../../src/tls/record-layer.js';
import type { AeadKey } from '../../src/crypto/provider.js';

const KEY16 = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const KEY32 = Buffer.concat([KEY16, KEY16]);
const IV12 = Buffer.from('a0a1a2a3a4a5a6a7a8a9aaab', 'hex');

/** Sets the private sequence number, to reach values far along a connection's life. */
function setSeq(p: RecordProtection, seq: number): void {
  (p as unknown as { seq: number }).seq = seq;
}

function seqBytes(seq: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(seq));
  return b;
}

/** RFC 8446 5.3: the 64-bit sequence number, left-padded to the IV length, XORed with the IV. */
function xorNonce(iv: Buffer, seq: number): Buffer {
  const pad = Buffer.concat([Buffer.alloc(4), seqBytes(seq)]);
  return Buffer.from(iv.map((b, i) => b ^ pad[i]!));
}

function gcm(key: Buffer, nonce: Buffer, aad: Buffer, plain: Buffer): Buffer {
  const c = nc.createCipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, nonce);
  c.setAAD(aad);
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

function chacha(key: Buffer, nonce: Buffer, aad: Buffer, plain: Buffer): Buffer {
  const c = nc.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: plain.length });
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

const joined = (pieces: Uint8Array[]): Buffer => Buffer.concat(pieces);

function reasonOf(f: () => unknown): { reason: string | null; alert: number | undefined } {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof SSLError, `expected SSLError, got ${String(e)}`);
    return { reason: e.reason, alert: alertToSend(e) };
  }
  assert.fail('no error');
}

for (const seq of [0, 1, 0x1_0000_0001, 0x12_3456_789a_bcde]) {
  test(`TLS 1.3 records at sequence ${seq}: RFC 8446 nonce and AAD, inner type, padding`, () => {
    const sealer = new Tls13Protection(nodeCrypto.aead('aes-256-gcm', KEY32), IV12);
    const opener = new Tls13Protection(nodeCrypto.aead('aes-256-gcm', KEY32), IV12);
    setSeq(sealer, seq);
    setSeq(opener, seq);
    const data = Buffer.from('hello, records');
    const rec = joined(sealer.seal(23, data));
    const inner = Buffer.concat([data, Buffer.of(23)]);
    const header = Buffer.from([23, 3, 3, 0, inner.length + 16]);
    assert.deepEqual(rec, Buffer.concat([header, gcm(KEY32, xorNonce(IV12, seq), header, inner)]));
    assert.deepEqual(opener.open(rec.subarray(0, 5), rec.subarray(5)), { type: 23, data });
    // The next record uses the next nonce.
    const rec2 = joined(sealer.seal(22, data, 3));
    const inner2 = Buffer.concat([data, Buffer.of(22, 0, 0, 0)]);
    const header2 = Buffer.from([23, 3, 3, 0, inner2.length + 16]);
    assert.deepEqual(rec2, Buffer.concat([header2, gcm(KEY32, xorNonce(IV12, seq + 1), header2, inner2)]));
    assert.deepEqual(opener.open(rec2.subarray(0, 5), rec2.subarray(5)), { type: 22, data });
  });

  test(`TLS 1.2 records at sequence ${seq}: RFC 5288 explicit nonce and RFC 7905 ChaCha20 nonce`, () => {
    const salt = IV12.subarray(0, 4);
    const data = Buffer.from('tls 1.2 data');
    const aad = (type: number, len: number): Buffer => Buffer.concat([seqBytes(seq), Buffer.from([type, 3, 3, len >> 8, len & 0xff])]);
    // AES-GCM: nonce = salt || explicit, explicit = the sequence number, sent in clear.
    const g = new Tls12Protection(nodeCrypto.aead('aes-128-gcm', KEY16), salt, true);
    setSeq(g, seq);
    const rec = joined(g.seal(23, data));
    const body = gcm(KEY16, Buffer.concat([salt, seqBytes(seq)]), aad(23, data.length), data);
    assert.deepEqual(rec, Buffer.concat([Buffer.from([23, 3, 3, 0, 8 + body.length]), seqBytes(seq), body]));
    const gOpen = new Tls12Protection(nodeCrypto.aead('aes-128-gcm', KEY16), salt, true);
    setSeq(gOpen, seq);
    assert.deepEqual(gOpen.open(rec.subarray(0, 5), rec.subarray(5)), { type: 23, data });
    // ChaCha20-Poly1305: nonce = IV XOR sequence number, nothing explicit.
    const c = new Tls12Protection(nodeCrypto.aead('chacha20-poly1305', KEY32), IV12, false);
    setSeq(c, seq);
    const crec = joined(c.seal(22, data));
    const cbody = chacha(KEY32, xorNonce(IV12, seq), aad(22, data.length), data);
    assert.deepEqual(crec, Buffer.concat([Buffer.from([22, 3, 3, 0, cbody.length]), cbody]));
    const cOpen = new Tls12Protection(nodeCrypto.aead('chacha20-poly1305', KEY32), IV12, false);
    setSeq(cOpen, seq);
    assert.deepEqual(cOpen.open(crec.subarray(0, 5), crec.subarray(5)), { type: 22, data });
  });
}

test('a record under the wrong sequence number, header or key is bad_record_mac', () => {
  const seal = new Tls13Protection(nodeCrypto.aead('aes-128-gcm', KEY16), IV12);
  const rec = joined(seal.seal(23, Buffer.from('x')));
  const skipped = new Tls13Protection(nodeCrypto.aead('aes-128-gcm', KEY16), IV12);
  setSeq(skipped, 1);
  assert.deepEqual(reasonOf(() => skipped.open(rec.subarray(0, 5), rec.subarray(5))), { reason: 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC', alert: Alert.bad_record_mac });
  const header = Buffer.from(rec.subarray(0, 5));
  header[2] = 1; // the header is the AAD
  const fresh = new Tls13Protection(nodeCrypto.aead('aes-128-gcm', KEY16), IV12);
  assert.equal(reasonOf(() => fresh.open(header, rec.subarray(5))).reason, 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC');

  const g = new Tls12Protection(nodeCrypto.aead('aes-128-gcm', KEY16), IV12.subarray(0, 4), true);
  const r12 = joined(g.seal(23, Buffer.from('abc')));
  const other = new Tls12Protection(nodeCrypto.aead('aes-128-gcm', Buffer.alloc(16, 0x55)), IV12.subarray(0, 4), true);
  assert.deepEqual(reasonOf(() => other.open(r12.subarray(0, 5), r12.subarray(5))), { reason: 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC', alert: Alert.bad_record_mac });
  // The record type and version are in the AAD too.
  const h12 = Buffer.from(r12.subarray(0, 5));
  h12[0] = 22;
  const o2 = new Tls12Protection(nodeCrypto.aead('aes-128-gcm', KEY16), IV12.subarray(0, 4), true);
  assert.equal(reasonOf(() => o2.open(h12, r12.subarray(5))).reason, 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC');
  // Shorter than explicit nonce + tag: refused before decryption.
  for (const len of [0, 8, 23]) {
    const o = new Tls12Protection(nodeCrypto.aead('aes-128-gcm', KEY16), IV12.subarray(0, 4), true);
    assert.equal(reasonOf(() => o.open(Buffer.from([23, 3, 3, 0, len]), Buffer.alloc(len))).reason, 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC', `length ${len}`);
  }
  // 8 + 16 bytes is an empty record, which is valid.
  const e = new Tls12Protection(nodeCrypto.aead('aes-128-gcm', KEY16), IV12.subarray(0, 4), true);
  const empty = joined(e.seal(23, new Uint8Array(0)));
  assert.equal(empty.length, 5 + 8 + 16);
  const eo = new Tls12Protection(nodeCrypto.aead('aes-128-gcm', KEY16), IV12.subarray(0, 4), true);
  assert.deepEqual(eo.open(empty.subarray(0, 5), empty.subarray(5)).data.length, 0);
});

test('a record that does not open uses up no sequence number: the next one still opens (RFC 8446 4.2.10)', () => {
  // A server that rejected 0-RTT skips records it cannot open under the
  // handshake keys; they were never sealed under those keys, so the next
  // record the client does seal under them is its sequence number 0.
  const opener = new Tls13Protection(nodeCrypto.aead('aes-128-gcm', KEY16), IV12);
  const otherKey = Buffer.alloc(16, 0x5a);
  const inner = Buffer.from('early\x17', 'latin1');
  const header = Buffer.from([23, 3, 3, 0, inner.length + 16]);
  const foreign = gcm(otherKey, xorNonce(IV12, 0), header, inner);
  for (let i = 0; i < 3; i++) {
    assert.equal(reasonOf(() => opener.open(header, foreign)).reason, 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC');
  }
  const fin = Buffer.from('finished\x16', 'latin1');
  const h2 = Buffer.from([23, 3, 3, 0, fin.length + 16]);
  assert.deepEqual(opener.open(h2, gcm(KEY16, xorNonce(IV12, 0), h2, fin)), { type: 22, data: Buffer.from('finished') });
  const h3 = Buffer.from([23, 3, 3, 0, inner.length + 16]);
  assert.deepEqual(opener.open(h3, gcm(KEY16, xorNonce(IV12, 1), h3, inner)).data, Buffer.from('early'));
});

test('TLS 1.2 AES-GCM: the explicit nonce is read from the record, whatever value the peer chose (RFC 5288 3)', () => {
  // RFC 5288 lets the sender pick any unique nonce_explicit; the receiver
  // must use the one in the record, not assume the sequence number.
  const salt = IV12.subarray(0, 4);
  const opener = new Tls12Protection(nodeCrypto.aead('aes-128-gcm', KEY16), salt, true);
  for (const [seq, explicit] of [[0, 'f0e1d2c3b4a59687'], [1, '0000000000000000']] as const) {
    const data = Buffer.from(`record ${seq}`);
    const aad = Buffer.concat([seqBytes(seq), Buffer.from([23, 3, 3, 0, data.length])]);
    const body = Buffer.concat([Buffer.from(explicit, 'hex'), gcm(KEY16, Buffer.concat([salt, Buffer.from(explicit, 'hex')]), aad, data)]);
    assert.deepEqual(opener.open(Buffer.from([23, 3, 3, 0, body.length]), body), { type: 23, data });
  }
});

/** An AEAD that 'decrypts' to whatever the test wants, to reach the checks after decryption. */
function fakeAead(plain: Uint8Array | null): AeadKey {
  return { tagLength: 16, seal: () => [], open: () => plain };
}

test('decrypted TLS 1.3 content: size limit, padding stripped, an all-zero record has no type', () => {
  const open = (plain: Uint8Array) => new Tls13Protection(fakeAead(plain), IV12).open(Buffer.from([23, 3, 3, 0, 0]), Buffer.alloc(0));
  assert.equal(open(Buffer.concat([Buffer.alloc(MAX_PLAINTEXT), Buffer.of(23)])).data.length, MAX_PLAINTEXT);
  assert.deepEqual(reasonOf(() => open(Buffer.concat([Buffer.alloc(MAX_PLAINTEXT + 1), Buffer.of(23)]))), { reason: 'DATA_LENGTH_TOO_LONG', alert: Alert.record_overflow });
  // Padding may take the record up to 2^14 + 1 bytes, but no more.
  assert.deepEqual(open(Buffer.concat([Buffer.from('ab'), Buffer.of(22), Buffer.alloc(MAX_PLAINTEXT - 2)])), { type: 22, data: Buffer.from('ab') });
  assert.equal(reasonOf(() => open(Buffer.concat([Buffer.from('ab'), Buffer.of(22), Buffer.alloc(MAX_PLAINTEXT - 1)]))).reason, 'DATA_LENGTH_TOO_LONG');
  assert.deepEqual(open(Buffer.of(0, 0, 21, 0, 0)), { type: 21, data: Buffer.of(0, 0) });
  assert.deepEqual(open(Buffer.of(21)), { type: 21, data: Buffer.alloc(0) });
  assert.deepEqual(reasonOf(() => open(Buffer.alloc(5))), { reason: 'BAD_RECORD_TYPE', alert: Alert.unexpected_message });
  assert.deepEqual(reasonOf(() => open(Buffer.alloc(0))), { reason: 'BAD_RECORD_TYPE', alert: Alert.unexpected_message });
  assert.deepEqual(reasonOf(() => new Tls13Protection(fakeAead(null), IV12).open(Buffer.from([23, 3, 3, 0, 0]), Buffer.alloc(0))), { reason: 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC', alert: Alert.bad_record_mac });
});

test('decrypted TLS 1.2 content: at most 2^14 bytes', () => {
  const open = (plain: Uint8Array) => new Tls12Protection(fakeAead(plain), IV12, false).open(Buffer.from([23, 3, 3, 0, 16]), Buffer.alloc(16));
  assert.equal(open(Buffer.alloc(MAX_PLAINTEXT)).data.length, MAX_PLAINTEXT);
  assert.deepEqual(reasonOf(() => open(Buffer.alloc(MAX_PLAINTEXT + 1))), { reason: 'DATA_LENGTH_TOO_LONG', alert: Alert.record_overflow });
});

test('sequence numbers stop at 2^53 - 1 instead of wrapping', () => {
  for (const p of [new Tls13Protection(fakeAead(Buffer.of(23)), IV12), new Tls12Protection(fakeAead(Buffer.alloc(1)), IV12, true)]) {
    setSeq(p, Number.MAX_SAFE_INTEGER - 1);
    p.open(Buffer.from([23, 3, 3, 0, 24]), Buffer.alloc(24));
    assert.deepEqual(reasonOf(() => p.open(Buffer.from([23, 3, 3, 0, 24]), Buffer.alloc(24))), { reason: 'INTERNAL_ERROR', alert: Alert.internal_error });
  }
});

// ---------------------------------------------------------------- framing

function readAll(r: RecordReader, bytes: Uint8Array, step = bytes.length) {
  const out = [];
  for (let off = 0; off < bytes.length; ) {
    const n = Math.min(step, r.wanted() || step, bytes.length - off);
    const got = r.push(bytes.subarray(off, off + n));
    off += n;
    if (got) out.push(got);
  }
  return out;
}

test('reader: wanted() asks for the header, then exactly the body; partial is true in between', () => {
  const r = new RecordReader();
  assert.equal(r.wanted(), 5);
  assert.equal(r.partial, false);
  assert.equal(r.push(Buffer.from([22, 3])), null);
  assert.equal(r.partial, true);
  assert.equal(r.wanted(), 3);
  assert.equal(r.push(Buffer.from([1, 0, 3])), null);
  assert.equal(r.wanted(), 3);
  assert.equal(r.push(Buffer.from([7, 8])), null);
  assert.equal(r.wanted(), 1);
  const got = r.push(Buffer.from([9]));
  assert.deepEqual(got?.record, { type: 22, data: Buffer.from([7, 8, 9]) });
  assert.deepEqual(Buffer.from(got!.header), Buffer.from([22, 3, 1, 0, 3]));
  assert.equal(r.partial, false);
  assert.equal(r.wanted(), 5);
  // A whole record in one piece, and an empty one.
  assert.deepEqual(r.push(Buffer.from([23, 3, 3, 0, 1, 42]))?.record, { type: 23, data: Buffer.of(42) });
  assert.deepEqual(readAll(r, Buffer.from([21, 3, 3, 0, 0])).map((x) => x.record), [{ type: 21, data: Buffer.alloc(0) }]);
});

test('reader: one byte at a time gives the same records as all at once', () => {
  const bytes = Buffer.concat([Buffer.from([22, 3, 1, 0, 4, 1, 2, 3, 4]), Buffer.from([21, 3, 3, 0, 2, 1, 0]), Buffer.from([23, 3, 3, 0, 0])]);
  const whole = readAll(new RecordReader(), bytes, 9).map((x) => x.record);
  assert.deepEqual(readAll(new RecordReader(), bytes, 1).map((x) => x.record), whole);
  assert.deepEqual(whole.map((x) => x.type), [22, 21, 23]);
});

test('reader: a body chunk shaped like a whole record is still body; lastBodyLength is the body length', () => {
  const r = new RecordReader();
  // The header alone, then the 10-byte body in one piece; the body's bytes
  // 3-4 read as a length of 5, so the chunk is 5 + 5 bytes long, like a record.
  assert.equal(r.push(Buffer.from([22, 3, 3, 0, 10])), null);
  const body = Buffer.from([22, 3, 3, 0, 5, 6, 7, 8, 9, 10]);
  const got = r.push(body);
  assert.deepEqual(got?.record, { type: 22, data: body });
  assert.equal(r.lastBodyLength, 10);
  // A whole record in one piece.
  assert.deepEqual(r.push(Buffer.from([23, 3, 3, 0, 3, 1, 2, 3]))?.record, { type: 23, data: Buffer.of(1, 2, 3) });
  assert.equal(r.lastBodyLength, 3);
  assert.deepEqual(readAll(r, Buffer.from([23, 3, 3, 0, 2, 1, 2]), 1).map((x) => x.record), [{ type: 23, data: Buffer.of(1, 2) }]);
  assert.equal(r.lastBodyLength, 2);
});

test('reader: HTTP and proxy requests are recognised on the first record only', () => {
  for (const [text, reason] of [['GET / HTTP/1.1', 'HTTP_REQUEST'], ['POST /', 'HTTP_REQUEST'], ['HEAD /', 'HTTP_REQUEST'], ['PUT /x', 'HTTP_REQUEST'], ['CONNECT a:443', 'HTTPS_PROXY_REQUEST']]) {
    assert.deepEqual(reasonOf(() => new RecordReader().push(Buffer.from(text!))), { reason, alert: Alert.unexpected_message }, text);
    assert.deepEqual(reasonOf(() => readAll(new RecordReader(), Buffer.from(text!), 1)), { reason, alert: Alert.unexpected_message }, `${text} byte by byte`);
  }
  assert.equal(reasonOf(() => new RecordReader().push(Buffer.from('DELETE / HTTP/1.1'))).reason, 'WRONG_VERSION_NUMBER');
  const r = new RecordReader();
  r.push(Buffer.from([22, 3, 3, 0, 1, 0]));
  assert.equal(reasonOf(() => r.push(Buffer.from('GET / HTTP/1.1'))).reason, 'WRONG_VERSION_NUMBER');
});

test('reader: header checks — version major, content type range, plaintext and protected size limits', () => {
  const push = (h: number[], prot: RecordProtection | null = null, maxBody?: number) => {
    const r = new RecordReader();
    r.protection = prot;
    if (maxBody !== undefined) r.maxBody = maxBody;
    return r.push(Buffer.from(h));
  };
  assert.deepEqual(reasonOf(() => push([22, 2, 0, 0, 1])), { reason: 'WRONG_VERSION_NUMBER', alert: Alert.protocol_version });
  assert.deepEqual(reasonOf(() => push([22, 4, 3, 0, 1])), { reason: 'WRONG_VERSION_NUMBER', alert: Alert.protocol_version });
  for (const t of [0, 19, 24, 255]) assert.deepEqual(reasonOf(() => push([t, 3, 3, 0, 1])), { reason: 'UNEXPECTED_RECORD', alert: Alert.unexpected_message }, `type ${t}`);
  for (const t of [20, 21, 22, 23]) assert.equal(push([t, 3, 3, 0, 1]), null, `type ${t}`);
  // Plaintext: 2^14.
  assert.equal(push([22, 3, 3, MAX_PLAINTEXT >> 8, 0]), null);
  assert.deepEqual(reasonOf(() => push([22, 3, 3, MAX_PLAINTEXT >> 8, 1])), { reason: 'PACKET_LENGTH_TOO_LONG', alert: Alert.record_overflow });
  // TLS 1.3 protected: 2^14 + 256 for application_data; other types stay plaintext-sized.
  const p13 = new Tls13Protection(fakeAead(null), IV12);
  assert.equal(push([23, 3, 3, MAX_CIPHERTEXT_TLS13 >> 8, MAX_CIPHERTEXT_TLS13 & 0xff], p13), null);
  assert.deepEqual(reasonOf(() => push([23, 3, 3, MAX_CIPHERTEXT_TLS13 >> 8, (MAX_CIPHERTEXT_TLS13 & 0xff) + 1], p13)), { reason: 'ENCRYPTED_LENGTH_TOO_LONG', alert: Alert.record_overflow });
  assert.equal(reasonOf(() => push([21, 3, 3, MAX_PLAINTEXT >> 8, 1], p13)).reason, 'PACKET_LENGTH_TOO_LONG');
  // TLS 1.2 protected: every type, up to the limit the caller sets (2^14 + 2048).
  const p12 = new Tls12Protection(fakeAead(null), IV12, true);
  const m = MAX_CIPHERTEXT_TLS12;
  assert.equal(push([21, 3, 3, m >> 8, m & 0xff], p12, m), null);
  assert.deepEqual(reasonOf(() => push([21, 3, 3, (m + 1) >> 8, (m + 1) & 0xff], p12, m)), { reason: 'ENCRYPTED_LENGTH_TOO_LONG', alert: Alert.record_overflow });
  // By default the TLS 1.3 limit applies.
  assert.equal(new RecordReader().maxBody, MAX_CIPHERTEXT_TLS13);
  // Before any keys, application_data is plaintext-sized too.
  assert.equal(new RecordReader().skippingEarlyData, false);
  assert.deepEqual(reasonOf(() => push([23, 3, 3, MAX_PLAINTEXT >> 8, 1])), { reason: 'PACKET_LENGTH_TOO_LONG', alert: Alert.record_overflow });
  // Skipping refused 0-RTT data (after a HelloRetryRequest): only application_data gets the ciphertext size.
  const skipping = (h: number[]) => {
    const r = new RecordReader();
    r.skippingEarlyData = true;
    return r.push(Buffer.from(h));
  };
  assert.equal(skipping([23, 3, 3, MAX_CIPHERTEXT_TLS13 >> 8, MAX_CIPHERTEXT_TLS13 & 0xff]), null);
  assert.deepEqual(reasonOf(() => skipping([23, 3, 3, MAX_CIPHERTEXT_TLS13 >> 8, (MAX_CIPHERTEXT_TLS13 & 0xff) + 1])), { reason: 'ENCRYPTED_LENGTH_TOO_LONG', alert: Alert.record_overflow });
  for (const t of [21, 22]) {
    assert.deepEqual(reasonOf(() => skipping([t, 3, 3, MAX_PLAINTEXT >> 8, 1])), { reason: 'PACKET_LENGTH_TOO_LONG', alert: Alert.record_overflow }, `type ${t}`);
  }
});

test('reader under TLS 1.3 keys: CCS and (during the handshake) alerts pass in clear, other clear types do not', () => {
  const p = new Tls13Protection(fakeAead(Buffer.from([9, 23])), IV12);
  const mk = () => {
    const r = new RecordReader();
    r.protection = p;
    return r;
  };
  assert.deepEqual(mk().push(Buffer.from([20, 3, 3, 0, 1, 1]))?.record, { type: 20, data: Buffer.of(1) });
  assert.deepEqual(mk().push(Buffer.from([21, 3, 3, 0, 2, 2, 40]))?.record, { type: 21, data: Buffer.of(2, 40) });
  const noPlainAlerts = mk();
  noPlainAlerts.plainAlertsAllowed = false;
  assert.deepEqual(reasonOf(() => noPlainAlerts.push(Buffer.from([21, 3, 3, 0, 2, 2, 40]))), { reason: 'UNEXPECTED_RECORD', alert: Alert.unexpected_message });
  assert.deepEqual(reasonOf(() => mk().push(Buffer.from([22, 3, 3, 0, 1, 1]))), { reason: 'UNEXPECTED_RECORD', alert: Alert.unexpected_message });
  assert.deepEqual(mk().push(Buffer.from([23, 3, 3, 0, 1, 0]))?.record, { type: 23, data: Buffer.of(9) });
  // Under TLS 1.2 keys every record is decrypted, its type from the header.
  const r12 = new RecordReader();
  r12.protection = new Tls12Protection(fakeAead(Buffer.of(5)), IV12, false);
  assert.deepEqual(r12.push(Buffer.from([21, 3, 3, 0, 16, ...Buffer.alloc(16)]))?.record, { type: 21, data: Buffer.of(5) });
});

test('writer: plaintext framing with the legacy version, fragments of 2^14, nothing for empty non-data', () => {
  const w = new RecordWriter();
  assert.equal(w.legacyVersion, 0x0303);
  assert.equal(w.padding, 0);
  const out: Uint8Array[] = [];
  w.legacyVersion = 0x0301;
  w.encode(22, Buffer.from([1, 2, 3]), out);
  assert.deepEqual(joined(out), Buffer.from([22, 3, 1, 0, 3, 1, 2, 3]));
  const big: Uint8Array[] = [];
  w.legacyVersion = 0x0303;
  w.encode(23, Buffer.alloc(2 * MAX_PLAINTEXT + 1, 7), big);
  assert.deepEqual(big.map((r) => [r[0], r[3]! * 256 + r[4]!, r.length]), [
    [23, MAX_PLAINTEXT, MAX_PLAINTEXT + 5],
    [23, MAX_PLAINTEXT, MAX_PLAINTEXT + 5],
    [23, 1, 6],
  ]);
  const none: Uint8Array[] = [];
  w.encode(22, new Uint8Array(0), none);
  w.encode(21, new Uint8Array(0), none);
  assert.equal(none.length, 0);
  // An empty application_data record is still written (it is how some peers probe).
  w.encode(23, new Uint8Array(0), none);
  assert.deepEqual(joined(none), Buffer.from([23, 3, 3, 0, 0]));
});

test('writer under keys: each fragment sealed with the writer padding', () => {
  const calls: { type: number; len: number; padding: number | undefined }[] = [];
  const w = new RecordWriter();
  w.protection = {
    hidesType: true,
    seal: (type, data, padding) => {
      calls.push({ type, len: data.length, padding });
      return [Buffer.of(type)];
    },
    open: () => assert.fail(),
  };
  w.padding = 5;
  const out: Uint8Array[] = [];
  w.encode(22, Buffer.alloc(MAX_PLAINTEXT + 2), out);
  assert.deepEqual(calls, [
    { type: 22, len: MAX_PLAINTEXT, padding: 5 },
    { type: 22, len: 2, padding: 5 },
  ]);
  assert.deepEqual(out, [Buffer.of(22), Buffer.of(22)]);
});

test('observers (Python _msg_callback) see each record header as on the wire, and TLS 1.3 inner types', () => {
  const seen: string[] = [];
  const observer = (who: string) => ({
    header: (h: Uint8Array) => seen.push(`${who} header ${Buffer.from(h).toString('hex')}`),
    innerType: (t: number) => seen.push(`${who} inner ${t}`),
  });
  // Plaintext records: the header of each fragment.
  const w = new RecordWriter();
  w.observer = observer('w');
  w.maxFragment = 3;
  const plain: Uint8Array[] = [];
  w.encode(22, Buffer.from('abcde'), plain);
  assert.deepEqual(seen, plain.map((r) => `w header ${Buffer.from(r.subarray(0, 5)).toString('hex')}`));
  assert.deepEqual(seen, ['w header 1603030003', 'w header 1603030002']);
  // TLS 1.3 protected records: the outer header (type 23), then the inner type.
  seen.length = 0;
  const w13 = new RecordWriter();
  w13.observer = observer('w');
  w13.protection = new Tls13Protection(nodeCrypto.aead('aes-128-gcm', KEY16), IV12);
  w13.padding = 2;
  const sealed: Uint8Array[] = [];
  w13.encode(21, Buffer.from([1, 0]), sealed);
  const wire = joined(sealed);
  assert.deepEqual(seen, [`w header ${wire.subarray(0, 5).toString('hex')}`, 'w inner 21']);
  assert.equal(wire.readUInt16BE(3), wire.length - 5);
  assert.equal(wire[0], 23);
  // The reader reports the header before opening and the inner type after, on both paths.
  seen.length = 0;
  const r = new RecordReader();
  r.observer = observer('r');
  r.protection = new Tls13Protection(nodeCrypto.aead('aes-128-gcm', KEY16), IV12);
  assert.deepEqual(r.push(wire)?.record, { type: 21, data: Buffer.from([1, 0]) });
  assert.deepEqual(seen, [`r header ${wire.subarray(0, 5).toString('hex')}`, 'r inner 21']);
  seen.length = 0;
  const r2 = new RecordReader();
  r2.observer = observer('r');
  assert.equal(readAll(r2, joined(plain), 1).length, 2);
  assert.deepEqual(seen, ['r header 1603030003', 'r header 1603030002']);
  // TLS 1.2 protected records keep their type in the header; no inner type.
  seen.length = 0;
  const w12 = new RecordWriter();
  w12.observer = observer('w');
  w12.protection = new Tls12Protection(nodeCrypto.aead('aes-128-gcm', KEY16), IV12.subarray(0, 4), true);
  const s12: Uint8Array[] = [];
  w12.encode(22, Buffer.from('hi'), s12);
  const wire12 = joined(s12);
  assert.deepEqual(seen, [`w header ${wire12.subarray(0, 5).toString('hex')}`]);
  assert.equal(wire12[0], 22);
  assert.equal(wire12.readUInt16BE(3), 8 + 2 + 16);
});
