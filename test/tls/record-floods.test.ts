// Peer floods and malformed records that carry nothing, with OpenSSL 3.0's
// limits and reasons: empty records (MAX_EMPTY_RECORDS 32), warning alerts
// (MAX_WARN_ALERT_COUNT 5), alert records of the wrong size, and TLS 1.3's
// middlebox ChangeCipherSpec (at most one, only during the handshake).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Alert, AlertLevel, ContentType } from '../../src/tls/constants.js';
import type { Connection } from '../../src/tls/connection.js';
import { Tls13Protection } from '../../src/tls/record-layer.js';
import { expectReason, pair } from './engine-helpers.js';
import * as clientModule from '../../src/tls/handshake-client13.js';
import { clientHelloRecords, feed, handshake, record, sealed, sentAlert } from './hostile-helpers.js';

const CCS = record(ContentType.change_cipher_spec, Uint8Array.of(1));

function connected(version: 0x0303 | 0x0304) {
  const p = pair({ maxVersion: version }, { maxVersion: version });
  handshake(p.client, p.server);
  assert.ok(p.client.handshakeDone && p.server.handshakeDone);
  return p;
}

/** What the server's peer sees: its alert, decrypted by the client. */
function alertSeenByClient(client: Connection, server: Connection, reason: string): void {
  expectReason(() => feed(client, server.takeOutput()), reason);
}

for (const version of [0x0303, 0x0304] as const) {
  const v = version === 0x0304 ? 'TLS 1.3' : 'TLS 1.2';
  describe(`${v}: empty records`, () => {
    test('32 empty application records in a row pass, the 33rd is RECORD_TOO_SMALL', () => {
      const { client, server } = connected(version);
      const empty = () => sealed(client, ContentType.application_data, new Uint8Array(0));
      for (let i = 0; i < 32; i++) feed(server, [empty()]);
      assert.equal(server.error, null);
      expectReason(() => feed(server, [empty()]), 'RECORD_TOO_SMALL');
      alertSeenByClient(client, server, 'SSLV3_ALERT_UNEXPECTED_MESSAGE');
    });

    test('a record with data resets the count', () => {
      const { client, server } = connected(version);
      const empty = () => sealed(client, ContentType.application_data, new Uint8Array(0));
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 30; i++) feed(server, [empty()]);
        feed(server, [sealed(client, ContentType.application_data, Uint8Array.of(round))]);
      }
      assert.equal(server.error, null);
      assert.deepEqual([...server.readApp(10)], [0, 1, 2]);
    });
  });

  describe(`${v}: alerts`, () => {
    test('an alert record of 1 or 3 bytes is INVALID_ALERT', () => {
      for (const body of [Uint8Array.of(1), Uint8Array.of(1, 0, 0)]) {
        const { client, server } = connected(version);
        expectReason(() => feed(server, [sealed(client, ContentType.alert, body)]), 'INVALID_ALERT');
        alertSeenByClient(client, server, 'SSLV3_ALERT_UNEXPECTED_MESSAGE');
      }
    });

    // TLS 1.2 ignores warnings; TLS 1.3 knows only user_canceled as one.
    const warning = version === 0x0304 ? Alert.user_canceled : Alert.unrecognized_name;
    test('four warning alerts in a row pass, the fifth is TOO_MANY_WARN_ALERTS', () => {
      const { client, server } = connected(version);
      const warn = () => sealed(client, ContentType.alert, Uint8Array.of(AlertLevel.warning, warning));
      for (let i = 0; i < 4; i++) feed(server, [warn()]);
      assert.equal(server.error, null);
      expectReason(() => feed(server, [warn()]), 'TOO_MANY_WARN_ALERTS');
      alertSeenByClient(client, server, 'SSLV3_ALERT_UNEXPECTED_MESSAGE');
    });

    test('data between warnings resets their count', () => {
      const { client, server } = connected(version);
      const warn = () => sealed(client, ContentType.alert, Uint8Array.of(AlertLevel.warning, warning));
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 4; i++) feed(server, [warn()]);
        feed(server, [sealed(client, ContentType.application_data, Uint8Array.of(round))]);
      }
      assert.equal(server.error, null);
    });
  });
}

describe('TLS 1.2: alert levels', () => {
  test('a level that is neither warning nor fatal is UNKNOWN_ALERT_TYPE', () => {
    const { client, server } = connected(0x0303);
    expectReason(() => feed(server, [sealed(client, ContentType.alert, Uint8Array.of(3, Alert.close_notify))]), 'UNKNOWN_ALERT_TYPE');
    alertSeenByClient(client, server, 'SSLV3_ALERT_ILLEGAL_PARAMETER');
  });
});

describe('TLS 1.3: empty alert records (tlsfuzzer test-tls13-empty-alert)', () => {
  test('under application keys: unexpected_message', () => {
    for (const padding of [0, 2, 5, 30]) {
      const { client, server } = connected(0x0304);
      expectReason(() => feed(server, [sealed(client, ContentType.alert, new Uint8Array(0), padding)]), 'BAD_LENGTH');
      alertSeenByClient(client, server, 'SSLV3_ALERT_UNEXPECTED_MESSAGE');
    }
  });

  test('under handshake keys, in place of the client Finished: unexpected_message', () => {
    for (const padding of [0, 2, 5, 30]) {
      const { client, server } = pair();
      // Keep the client's handshake write keys, fresh (sequence 0), as they are set.
      let handshakeKeys: Tls13Protection | null = null;
      const setWrite = client.setWriteProtection.bind(client);
      client.setWriteProtection = (p) => {
        if (!handshakeKeys && p instanceof Tls13Protection) {
          const { aead, iv } = p as unknown as { aead: ConstructorParameters<typeof Tls13Protection>[0]; iv: Uint8Array };
          handshakeKeys = new Tls13Protection(aead, iv);
        }
        setWrite(p);
      };
      client.begin(clientModule.startClient);
      feed(server, client.takeOutput());
      feed(client, server.takeOutput());
      assert.ok(handshakeKeys, 'client has handshake keys');
      client.takeOutput(); // its CCS and Finished never arrive
      const empty = Buffer.concat((handshakeKeys as Tls13Protection).seal(ContentType.alert, new Uint8Array(0), padding));
      expectReason(() => feed(server, [CCS, empty]), 'BAD_LENGTH');
      // The server's alert goes out under its application keys; the client has them.
      alertSeenByClient(client, server, 'SSLV3_ALERT_UNEXPECTED_MESSAGE');
    }
  });
});

describe('TLS 1.3: ChangeCipherSpec (tlsfuzzer test-tls13-multiple-ccs-messages)', () => {
  test('one CCS after the ClientHello is dropped', () => {
    const { server } = pair();
    feed(server, [...clientHelloRecords(() => {}), CCS]);
    assert.equal(server.error, null);
  });

  test('a second CCS during the handshake is unexpected_message', () => {
    const { server } = pair();
    feed(server, clientHelloRecords(() => {}));
    feed(server, [CCS]);
    expectReason(() => feed(server, [CCS]), 'UNEXPECTED_CCS_MESSAGE');
  });

  test('two CCS in a row, or two in one record, after the ClientHello', () => {
    const { server } = pair();
    expectReason(() => feed(server, [...clientHelloRecords(() => {}), CCS, CCS]), 'UNEXPECTED_CCS_MESSAGE');
    const { server: s2 } = pair();
    feed(s2, clientHelloRecords(() => {}));
    expectReason(() => feed(s2, [record(ContentType.change_cipher_spec, Uint8Array.of(1, 1))]), 'BAD_CHANGE_CIPHER_SPEC');
  });

  test('a second CCS just before the client Finished is unexpected_message', () => {
    const { client, server } = pair();
    client.begin(clientModule.startClient);
    feed(server, client.takeOutput());
    feed(client, server.takeOutput());
    const flight = client.takeOutput(); // CCS, then Finished
    assert.equal(flight[0]![0], ContentType.change_cipher_spec);
    feed(server, [flight[0]!]);
    expectReason(() => feed(server, [CCS, ...flight.slice(1)]), 'UNEXPECTED_CCS_MESSAGE');
    assert.equal(server.handshakeDone, false);
  });

  test('a CCS before any ClientHello is unexpected_message', () => {
    const { server } = pair();
    expectReason(() => feed(server, [CCS]), 'UNEXPECTED_CCS_MESSAGE');
    assert.deepEqual(sentAlert(server), [2, Alert.unexpected_message]);
  });

  test('a CCS once the handshake is over is unexpected_message', () => {
    const { client, server } = connected(0x0304);
    expectReason(() => feed(server, [CCS]), 'UNEXPECTED_CCS_MESSAGE');
    alertSeenByClient(client, server, 'SSLV3_ALERT_UNEXPECTED_MESSAGE');
  });
});
