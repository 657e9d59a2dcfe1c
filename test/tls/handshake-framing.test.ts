// Handshake message reassembly: linear work, OpenSSL's per-message caps.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HandshakeReassembler } from '../../src/tls/handshake-framing.js';
import { CLIENT_HELLO_MAX, MAX_CERT_LIST, maxMessageSize } from '../../src/tls/message-limits.js';
import { HandshakeType } from '../../src/tls/constants.js';
import { expectReason, pair } from './engine-helpers.js';
import { clientHelloRecords, feed, handshakeMessage, record } from './hostile-helpers.js';

function oneByteAtATime(size: number): { copied: number; body: Uint8Array } {
  const r = new HandshakeReassembler(() => 1 << 24);
  const msg = handshakeMessage(1, Buffer.alloc(size, 0x61));
  let got: Uint8Array | null = null;
  for (let i = 0; i < msg.length; i++) {
    r.push(msg.subarray(i, i + 1));
    const m = r.next();
    if (m) got = m.body;
  }
  assert.ok(got, 'message complete');
  assert.equal(r.buffered, 0);
  return { copied: r.copied, body: got };
}

describe('handshake reassembly', () => {
  test('a 128 KiB message in 1-byte pieces: each byte is copied once', () => {
    for (const size of [1024, 64 * 1024, 128 * 1024]) {
      const { copied, body } = oneByteAtATime(size);
      assert.equal(body.length, size);
      assert.ok(body.every((b) => b === 0x61));
      // Linear: the work is the message itself, whatever the number of pieces
      // (the old reassembler re-joined everything buffered on every piece).
      assert.equal(copied, size + 4);
    }
  });

  test('whole messages inside one piece are not copied; several per piece all come out', () => {
    const r = new HandshakeReassembler(() => 100);
    const a = handshakeMessage(20, Buffer.alloc(12, 1));
    const b = handshakeMessage(20, Buffer.alloc(0));
    const c = handshakeMessage(20, Buffer.alloc(30, 3));
    const all = Buffer.concat([a, b, c]);
    r.push(all.subarray(0, a.length + b.length + 5)); // a, b and the start of c
    assert.deepEqual(Buffer.from(r.next()!.raw), a);
    assert.deepEqual(Buffer.from(r.next()!.raw), b);
    assert.equal(r.next(), null);
    assert.equal(r.buffered, 5);
    r.push(all.subarray(a.length + b.length + 5));
    const m = r.next()!;
    assert.deepEqual(Buffer.from(m.raw), c);
    assert.equal(m.type, 20);
    assert.equal(r.copied, c.length, 'only the split message was copied');
    assert.equal(r.buffered, 0);
  });

  test('the cap is checked on the header, before the body arrives', () => {
    const r = new HandshakeReassembler((t) => (t === 20 ? 64 : null));
    r.push(Uint8Array.of(20, 0, 0, 64));
    assert.equal(r.next(), null, 'exactly the cap is fine');
    const r2 = new HandshakeReassembler((t) => (t === 20 ? 64 : null));
    r2.push(Uint8Array.of(20, 0, 0));
    assert.equal(r2.next(), null);
    r2.push(Uint8Array.of(65));
    expectReason(() => r2.next(), 'EXCESSIVE_MESSAGE_SIZE');
    const r3 = new HandshakeReassembler((t) => (t === 20 ? 64 : null));
    r3.push(Uint8Array.of(99, 0, 0, 0));
    expectReason(() => r3.next(), 'UNEXPECTED_MESSAGE');
  });
});

describe("OpenSSL 3.0's per-message caps", () => {
  test('the table', () => {
    assert.equal(maxMessageSize(true, null, HandshakeType.client_hello), 131396);
    assert.equal(maxMessageSize(true, null, HandshakeType.certificate), 102400);
    assert.equal(maxMessageSize(true, null, HandshakeType.client_key_exchange), 2048);
    assert.equal(maxMessageSize(true, null, HandshakeType.certificate_verify), 16384);
    assert.equal(maxMessageSize(true, null, HandshakeType.finished), 64);
    assert.equal(maxMessageSize(true, null, HandshakeType.key_update), 1);
    assert.equal(maxMessageSize(true, null, HandshakeType.end_of_early_data), 0);
    assert.equal(maxMessageSize(true, null, HandshakeType.server_hello), null);
    assert.equal(maxMessageSize(true, null, HandshakeType.new_session_ticket), null);
    assert.equal(maxMessageSize(false, null, HandshakeType.server_hello), 20000);
    assert.equal(maxMessageSize(false, null, HandshakeType.encrypted_extensions), 20000);
    assert.equal(maxMessageSize(false, null, HandshakeType.certificate_request), MAX_CERT_LIST);
    assert.equal(maxMessageSize(false, null, HandshakeType.server_key_exchange), 102400);
    assert.equal(maxMessageSize(false, null, HandshakeType.server_hello_done), 0);
    assert.equal(maxMessageSize(false, null, HandshakeType.hello_request), 0);
    assert.equal(maxMessageSize(false, 0x0304, HandshakeType.new_session_ticket), 131338);
    assert.equal(maxMessageSize(false, 0x0303, HandshakeType.new_session_ticket), 65541);
    assert.equal(maxMessageSize(false, null, HandshakeType.client_hello), null);
  });

  test('a ClientHello of the largest size the grammar allows, in 1-byte records, is answered', () => {
    const records = clientHelloRecords((ch) => {
      ch.sessionId = Buffer.alloc(32, 5);
      // 32767 cipher suites (2^16-2 bytes): unknown values, then ours.
      const ours = ch.cipherSuites;
      const extra: number[] = [];
      for (let v = 0x2000; extra.length < 32767 - ours.length; v++) if (v !== 0x5600) extra.push(v);
      ch.cipherSuites = [...extra, ...ours];
      // Extensions block of 2^16-1 bytes, topped up with padding (RFC 7685).
      const used = ch.extensions.reduce((n, e) => n + 4 + e.data.length, 0);
      ch.extensions.splice(ch.extensions.length - 1, 0, { type: 21, data: Buffer.alloc(65535 - used - 4) });
    });
    const body = Buffer.concat(records.map((r) => r.subarray(5)));
    // TLS 1.3 allows one compression method, so 254 bytes short of OpenSSL's cap.
    assert.equal(body.length - 4, CLIENT_HELLO_MAX - 254);
    const { server } = pair();
    const tiny: Buffer[] = [];
    for (let i = 0; i < body.length; i++) tiny.push(record(22, body.subarray(i, i + 1)));
    feed(server, tiny);
    const reply = Buffer.concat(server.takeOutput());
    assert.equal(reply[0], 22, 'a handshake record');
    assert.equal(reply[5], HandshakeType.server_hello);
  });

  test('TLS 1.2: a ClientHello of exactly 131,396 bytes (tlsfuzzer test-client-hello-max-size) is answered', () => {
    const TLS12 = { maxVersion: 0x0303 };
    const records = clientHelloRecords((ch) => {
      ch.sessionId = Buffer.alloc(32, 5);
      const ours = ch.cipherSuites;
      const extra: number[] = [];
      for (let v = 0x2000; extra.length < 32767 - ours.length; v++) if (v !== 0x5600) extra.push(v);
      ch.cipherSuites = [...extra, ...ours];
      // 255 compression methods, null among them, as TLS 1.2 allows.
      ch.compressionMethods = Uint8Array.from({ length: 255 }, (_, i) => i);
      const used = ch.extensions.reduce((n, e) => n + 4 + e.data.length, 0);
      ch.extensions.push({ type: 21, data: Buffer.alloc(65535 - used - 4) });
    }, TLS12);
    const body = Buffer.concat(records.map((r) => r.subarray(5)));
    assert.equal(body.length - 4, CLIENT_HELLO_MAX);
    const { server } = pair({}, TLS12);
    feed(server, records);
    const reply = Buffer.concat(server.takeOutput());
    assert.equal(reply[5], HandshakeType.server_hello);
  });

  test('a ClientHello announced one byte over the cap is refused at its header', () => {
    const { server } = pair();
    const n = CLIENT_HELLO_MAX + 1;
    expectReason(() => server.receive(record(22, Uint8Array.of(1, n >> 16, (n >> 8) & 0xff, n & 0xff))), 'EXCESSIVE_MESSAGE_SIZE');
    assert.deepEqual(Buffer.concat(server.takeOutput()), record(21, Uint8Array.of(2, 47)), 'illegal_parameter');
    const { server: s2 } = pair();
    s2.receive(record(22, Uint8Array.of(1, CLIENT_HELLO_MAX >> 16, (CLIENT_HELLO_MAX >> 8) & 0xff, CLIENT_HELLO_MAX & 0xff)));
    assert.equal(s2.error, null, 'the cap itself is fine');
  });

  test('a server refuses a message type only a server sends', () => {
    const { server } = pair();
    expectReason(() => server.receive(record(22, handshakeMessage(HandshakeType.server_hello, Buffer.alloc(40)))), 'UNEXPECTED_MESSAGE');
    assert.deepEqual(Buffer.concat(server.takeOutput()), record(21, Uint8Array.of(2, 10)));
  });
});
