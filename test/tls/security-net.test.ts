// Checks that protect the connection, each with a test that fails when the
// check is removed (issue 8: the suite stayed green with the Finished check,
// the TLS 1.2 record limit and the KeyUpdate answer disabled).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TraceEvent } from '../../src/tls/config.js';
import { Alert, ContentType, HandshakeType } from '../../src/tls/constants.js';
import type { Connection } from '../../src/tls/connection.js';
import { startClient } from '../../src/tls/handshake-client13.js';
import { sendKeyUpdate } from '../../src/tls/handshake-connected13.js';
import { KEY_UPDATE_NOT_REQUESTED, KEY_UPDATE_REQUESTED } from '../../src/tls/tls13-messages.js';
import { expectReason, pair } from './engine-helpers.js';
import { clientHelloRecords, feed, handshake, record, sealed, sentAlert } from './hostile-helpers.js';

const TLS12 = 0x0303;
const TLS13 = 0x0304;
const name = (v: number) => (v === TLS13 ? 'TLS 1.3' : 'TLS 1.2');

/** Make `conn` send its Finished with one bit of verify_data flipped. */
function corruptFinished(conn: Connection): void {
  const send = conn.sendHandshake.bind(conn);
  conn.sendHandshake = (type, body, add) => {
    if (type !== HandshakeType.finished) return send(type, body, add);
    const bad = Buffer.from(body);
    bad[bad.length - 1]! ^= 1;
    return send(type, bad, add);
  };
}

describe('Finished verification', () => {
  for (const version of [TLS12, TLS13]) {
    test(`${name(version)}: the server refuses a client Finished off by one bit`, () => {
      const { client, server } = pair({ maxVersion: version }, { maxVersion: version });
      corruptFinished(client);
      expectReason(() => handshake(client, server), 'DIGEST_CHECK_FAILED');
      assert.equal(server.handshakeDone, false);
      assert.equal(server.error?.reason, 'DIGEST_CHECK_FAILED');
      // The client learns it through a decrypt_error alert.
      expectReason(() => feed(client, server.takeOutput()), 'TLSV1_ALERT_DECRYPT_ERROR');
    });

    test(`${name(version)}: the client refuses a server Finished off by one bit`, () => {
      const { client, server } = pair({ maxVersion: version }, { maxVersion: version });
      corruptFinished(server);
      expectReason(() => handshake(client, server), 'DIGEST_CHECK_FAILED');
      assert.equal(client.handshakeDone, false);
      assert.equal(client.error?.reason, 'DIGEST_CHECK_FAILED');
    });

    test(`${name(version)}: a Finished of the wrong length is decode_error`, () => {
      const { client, server } = pair({ maxVersion: version }, { maxVersion: version });
      const send = client.sendHandshake.bind(client);
      client.sendHandshake = (type, body, add) =>
        send(type, type === HandshakeType.finished ? Buffer.concat([body, Buffer.alloc(1)]) : body, add);
      expectReason(() => handshake(client, server), 'BAD_LENGTH');
      assert.equal(server.error?.reason, 'BAD_LENGTH');
    });
  }
});

describe('record size limits', () => {
  const limits: Record<number, number> = { [TLS12]: (1 << 14) + 2048, [TLS13]: (1 << 14) + 256 };
  for (const version of [TLS12, TLS13]) {
    const limit = limits[version]!;
    test(`${name(version)}: a protected record of ${limit} bytes is read, one more is record_overflow`, () => {
      const { client, server } = pair({ maxVersion: version }, { maxVersion: version });
      handshake(client, server);
      server.receive(Buffer.from([23, 3, 3, limit >> 8, limit & 0xff]));
      assert.equal(server.error, null, 'the largest allowed length passes the header check');
      const { client: c2, server: s2 } = pair({ maxVersion: version }, { maxVersion: version });
      handshake(c2, s2);
      const over = limit + 1;
      expectReason(() => s2.receive(Buffer.from([23, 3, 3, over >> 8, over & 0xff])), 'ENCRYPTED_LENGTH_TOO_LONG');
      expectReason(() => feed(c2, s2.takeOutput()), 'TLSV1_ALERT_RECORD_OVERFLOW');
    });

    test(`${name(version)}: 2^14 bytes of plaintext in a record are read, one more is DATA_LENGTH_TOO_LONG`, () => {
      const { client, server } = pair({ maxVersion: version }, { maxVersion: version });
      handshake(client, server);
      // Sealed directly, past the writer that would split it.
      feed(server, [sealed(client, ContentType.application_data, Buffer.alloc(1 << 14, 1))]);
      assert.equal(server.appPending, 1 << 14);
      expectReason(() => feed(server, [sealed(client, ContentType.application_data, Buffer.alloc((1 << 14) + 1, 1))]), 'DATA_LENGTH_TOO_LONG');
      expectReason(() => feed(client, server.takeOutput()), 'TLSV1_ALERT_RECORD_OVERFLOW');
    });
  }

  test('TLS 1.3: padding counts toward the 2^14 + 1 bytes of inner plaintext', () => {
    const { client, server } = pair();
    handshake(client, server);
    // 2^13 data + 1 type byte + 2^13 padding is exactly the limit.
    feed(server, [sealed(client, ContentType.application_data, Buffer.alloc(1 << 13, 1), 1 << 13)]);
    assert.equal(server.appPending, 1 << 13);
    expectReason(() => feed(server, [sealed(client, ContentType.application_data, Buffer.alloc(1 << 13, 1), (1 << 13) + 1)]), 'DATA_LENGTH_TOO_LONG');
  });

  test('a plaintext record over 2^14 bytes is record_overflow before any keys', () => {
    const { server } = pair();
    const over = (1 << 14) + 1;
    expectReason(() => server.receive(Buffer.from([22, 3, 1, over >> 8, over & 0xff])), 'PACKET_LENGTH_TOO_LONG');
    assert.deepEqual(sentAlert(server), [2, Alert.record_overflow]);
  });
});

describe('TLS 1.3 KeyUpdate', () => {
  function traced() {
    const events: TraceEvent[] = [];
    const p = pair({ trace: (e) => events.push(e) }, {});
    handshake(p.client, p.server);
    return { ...p, events };
  }
  const keyUpdates = (events: TraceEvent[]) =>
    events.filter((e) => e.direction === 'received' && e.kind === 'handshake' && e.type === HandshakeType.key_update);

  test('update_requested is answered by the server with its own KeyUpdate, and its keys change', () => {
    const { client, server, events } = traced();
    sendKeyUpdate(client, KEY_UPDATE_REQUESTED);
    feed(server, client.takeOutput());
    const answer = server.takeOutput();
    assert.equal(answer.length > 0, true, 'the server answers');
    const before = keyUpdates(events).length;
    feed(client, answer);
    assert.equal(keyUpdates(events).length, before + 1, 'the client received a KeyUpdate');
    // Data from the server now needs the client's new read keys: both sides moved.
    server.sendApp(Buffer.from('after'));
    feed(client, server.takeOutput());
    assert.equal(Buffer.from(client.readApp(10)).toString(), 'after');
  });

  test('update_not_requested is not answered', () => {
    const { client, server } = traced();
    sendKeyUpdate(client, KEY_UPDATE_NOT_REQUESTED);
    feed(server, client.takeOutput());
    assert.deepEqual(server.takeOutput(), []);
    client.sendApp(Buffer.from('x'));
    feed(server, client.takeOutput());
    assert.equal(server.appPending, 1);
  });

  test('a KeyUpdate value other than 0 or 1 is illegal_parameter', () => {
    const { client, server } = traced();
    client.sendHandshake(HandshakeType.key_update, Uint8Array.of(2), false);
    expectReason(() => feed(server, client.takeOutput()), 'BAD_KEY_UPDATE');
    expectReason(() => feed(client, server.takeOutput()), 'SSLV3_ALERT_ILLEGAL_PARAMETER');
  });

  test('a KeyUpdate of two bytes is refused at its header', () => {
    const { client, server } = traced();
    client.sendHandshake(HandshakeType.key_update, Uint8Array.of(0, 0), false);
    expectReason(() => feed(server, client.takeOutput()), 'EXCESSIVE_MESSAGE_SIZE');
  });

  test('a KeyUpdate not at the end of its record is unexpected_message', () => {
    const { client, server } = traced();
    // KeyUpdate and the start of another message in one record.
    const rec = sealed(client, ContentType.handshake, Uint8Array.of(24, 0, 0, 1, 0, 24, 0));
    expectReason(() => feed(server, [rec]), 'NOT_ON_RECORD_BOUNDARY');
  });
});

describe('TLS 1.3 ClientHello legacy_version (tlsfuzzer test-tls13-legacy-version)', () => {
  for (const legacy of [0x0300, 0x0000, 0x0200, 0x0002, 0x0100, 0x0103, 0x0102, 0x0001]) {
    test(`0x${legacy.toString(16).padStart(4, '0')} beside supported_versions is protocol_version`, () => {
      const { server } = pair();
      expectReason(() => feed(server, clientHelloRecords((ch) => (ch.legacyVersion = legacy))), 'BAD_LEGACY_VERSION');
      assert.deepEqual(sentAlert(server), [2, Alert.protocol_version]);
    });
  }

  test('0x0301 and 0x0303 beside supported_versions get a ServerHello', () => {
    for (const legacy of [0x0301, 0x0303]) {
      const { server } = pair();
      feed(server, clientHelloRecords((ch) => (ch.legacyVersion = legacy)));
      const out = Buffer.concat(server.takeOutput());
      assert.equal(out[5], HandshakeType.server_hello);
    }
  });
});

describe('ClientHello framing reasons (OpenSSL, CPython)', () => {
  for (const [body, reason] of [
    [[], 'LENGTH_TOO_SHORT'],
    [[3], 'LENGTH_TOO_SHORT'],
    [[3, 3], 'LENGTH_MISMATCH'],
    [[3, 3, ...new Array(32).fill(0), 33], 'LENGTH_MISMATCH'],
  ] as const) {
    test(`${body.length} bytes: ${reason}`, () => {
      const { server } = pair();
      const n = body.length;
      expectReason(() => feed(server, [record(22, Uint8Array.from([1, 0, 0, n, ...body]))]), reason);
      assert.deepEqual(sentAlert(server), [2, Alert.decode_error]);
    });
  }
});

void startClient;
