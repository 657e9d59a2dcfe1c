// Every hello extension we know is checked for its syntax, used or not
// (tlsfuzzer test-extended-master-secret-extension and the audit of issue 8):
// bodies that must be empty, vectors with trailing bytes, empty lists.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Alert, ExtensionType as E } from '../../src/tls/constants.js';
import {
  checkClientHelloExtensions,
  checkEncryptedExtensions,
  checkServerHello12Extensions,
} from '../../src/tls/extension-checks.js';
import type { ClientHello } from '../../src/tls/hello-messages.js';
import { expectReason, pair } from './engine-helpers.js';
import { startClient as clientStart } from '../../src/tls/handshake-client13.js';
import { clientHelloRecords, feed, sentAlert } from './hostile-helpers.js';

const TLS12 = 0x0303;
const TLS13 = 0x0304;

function setExtension(ch: ClientHello, type: number, data: Uint8Array): void {
  const at = ch.extensions.findIndex((e) => e.type === type);
  if (at >= 0) ch.extensions[at] = { type, data };
  else ch.extensions.splice(Math.max(0, ch.extensions.length - 1), 0, { type, data });
}

/** A server's verdict on our ClientHello with one extension body replaced. */
function serverSees(version: number, type: number, data: Uint8Array): { reason: string | null; alert: number[] | null } {
  const { server } = pair({}, {});
  const records = clientHelloRecords((ch) => setExtension(ch, type, data), { maxVersion: version });
  try {
    feed(server, records);
    return { reason: null, alert: null };
  } catch (e) {
    return { reason: (e as { reason: string }).reason, alert: sentAlert(server) };
  }
}

const b = (...v: number[]) => Uint8Array.from(v);

describe('ClientHello extensions, checked by the server', () => {
  // [name, type, bad body, reason, alert, versions where it is parsed]
  const cases: [string, number, Uint8Array, string, number, number[]][] = [
    ['extended_master_secret with a body', E.extended_master_secret, b(0), 'BAD_EXTENSION', Alert.decode_error, [TLS12]],
    ['encrypt_then_mac with a body', E.encrypt_then_mac, b(1, 2), 'BAD_EXTENSION', Alert.decode_error, [TLS12]],
    ['ec_point_formats empty', E.ec_point_formats, b(0), 'BAD_EXTENSION', Alert.decode_error, [TLS12]],
    ['ec_point_formats with trailing bytes', E.ec_point_formats, b(1, 0, 0), 'BAD_EXTENSION', Alert.decode_error, [TLS12]],
    ['renegotiation_info with trailing bytes', E.renegotiation_info, b(0, 0), 'RENEGOTIATION_ENCODING_ERR', Alert.decode_error, [TLS12]],
    ['renegotiation_info without its length', E.renegotiation_info, b(), 'RENEGOTIATION_ENCODING_ERR', Alert.decode_error, [TLS12]],
    ['post_handshake_auth with a body', E.post_handshake_auth, b(0), 'POST_HANDSHAKE_AUTH_ENCODING_ERR', Alert.decode_error, [TLS13]],
    ['early_data with a body', E.early_data, b(0, 0, 0, 0), 'BAD_EXTENSION', Alert.decode_error, [TLS13]],
    ['psk_key_exchange_modes empty', E.psk_key_exchange_modes, b(0), 'BAD_EXTENSION', Alert.decode_error, [TLS13]],
    ['psk_key_exchange_modes with trailing bytes', E.psk_key_exchange_modes, b(1, 1, 9), 'BAD_EXTENSION', Alert.decode_error, [TLS13]],
    ['server_name empty', E.server_name, b(), 'BAD_EXTENSION', Alert.decode_error, [TLS12, TLS13]],
    ['server_name with trailing bytes', E.server_name, b(0, 4, 0, 0, 1, 0x61, 0), 'BAD_EXTENSION', Alert.decode_error, [TLS12, TLS13]],
    ['max_fragment_length of 2 bytes', E.max_fragment_length, b(1, 1), 'BAD_EXTENSION', Alert.decode_error, [TLS12, TLS13]],
    ['max_fragment_length of an unknown value', E.max_fragment_length, b(5), 'SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH', Alert.illegal_parameter, [TLS12, TLS13]],
    ['alpn with trailing bytes', E.alpn, b(0, 3, 2, 0x68, 0x32, 0), 'BAD_EXTENSION', Alert.decode_error, [TLS12, TLS13]],
    ['alpn with an empty name', E.alpn, b(0, 1, 0), 'BAD_EXTENSION', Alert.decode_error, [TLS12, TLS13]],
    ['signature_algorithms_cert empty', E.signature_algorithms_cert, b(0, 0), 'BAD_EXTENSION', Alert.decode_error, [TLS12, TLS13]],
    ['signature_algorithms_cert with trailing bytes', E.signature_algorithms_cert, b(0, 2, 4, 3, 0), 'BAD_EXTENSION', Alert.decode_error, [TLS12, TLS13]],
    ['supported_groups of odd length', E.supported_groups, b(0, 3, 0, 0x1d, 0), 'BAD_EXTENSION', Alert.decode_error, [TLS12, TLS13]],
    ['signature_algorithms with trailing bytes', E.signature_algorithms, b(0, 2, 4, 3, 0), 'BAD_EXTENSION', Alert.decode_error, [TLS12, TLS13]],
  ];
  for (const [name, type, body, reason, alert, versions] of cases) {
    for (const version of versions) {
      test(`${version === TLS13 ? 'TLS 1.3' : 'TLS 1.2'}: ${name}`, () => {
        const seen = serverSees(version, type, body);
        assert.equal(seen.reason, reason);
        assert.deepEqual(seen.alert, [2, alert]);
      });
    }
  }

  test('extensions of the other version are not parsed, as OpenSSL ignores them', () => {
    assert.equal(serverSees(TLS13, E.extended_master_secret, b(1)).reason, null);
    assert.equal(serverSees(TLS12, E.post_handshake_auth, b(1)).reason, null);
  });

  test('well-formed bodies pass', () => {
    for (const version of [TLS12, TLS13]) {
      checkClientHelloExtensions(
        [
          { type: E.max_fragment_length, data: b(4) },
          { type: E.server_name, data: b(0, 4, 0, 0, 1, 0x61) },
          { type: E.signature_algorithms_cert, data: b(0, 2, 4, 3) },
          { type: E.alpn, data: b(0, 3, 2, 0x68, 0x32) },
        ],
        version,
      );
    }
    checkClientHelloExtensions([{ type: E.extended_master_secret, data: b() }, { type: E.renegotiation_info, data: b(0) }, { type: E.ec_point_formats, data: b(1, 0) }], TLS12);
    checkClientHelloExtensions([{ type: E.post_handshake_auth, data: b() }, { type: E.early_data, data: b() }, { type: E.psk_key_exchange_modes, data: b(1, 1) }], TLS13);
  });
});

describe("the server's extensions, checked by the client", () => {
  test('TLS 1.2 ServerHello', () => {
    for (const [type, body, reason] of [
      [E.extended_master_secret, b(0), 'BAD_EXTENSION'],
      [E.encrypt_then_mac, b(0), 'BAD_EXTENSION'],
      [E.server_name, b(0), 'BAD_EXTENSION'],
      [E.session_ticket, b(0), 'BAD_EXTENSION'],
      [E.ec_point_formats, b(2, 0), 'BAD_EXTENSION'],
      [E.renegotiation_info, b(0, 0), 'RENEGOTIATION_ENCODING_ERR'],
      [E.alpn, b(0, 3, 2, 0x68), 'BAD_PACKET_LENGTH'],
    ] as const) {
      expectReason(() => checkServerHello12Extensions([{ type, data: body }]), reason);
    }
    checkServerHello12Extensions([
      { type: E.extended_master_secret, data: b() },
      { type: E.renegotiation_info, data: b(0) },
      { type: E.ec_point_formats, data: b(1, 0) },
      { type: E.server_name, data: b() },
    ]);
  });

  test('TLS 1.3 EncryptedExtensions', () => {
    for (const [type, body] of [
      [E.server_name, b(0)],
      [E.early_data, b(0)],
      [E.supported_groups, b(0, 0)],
      [E.max_fragment_length, b()],
    ] as const) {
      expectReason(() => checkEncryptedExtensions([{ type, data: body }]), 'BAD_EXTENSION');
    }
    checkEncryptedExtensions([{ type: E.server_name, data: b() }, { type: E.supported_groups, data: b(0, 2, 0, 0x1d) }]);
  });

  test('a TLS 1.2 ServerHello with a non-empty extended_master_secret is refused by our client', () => {
    const { client, server } = pair({ maxVersion: TLS12 }, { maxVersion: TLS12 });
    client.begin((c) => clientStart(c));
    feed(server, client.takeOutput());
    const flight = Buffer.concat(server.takeOutput());
    // ServerHello is the first message; its EMS extension (type 23, length 0) gets a body byte.
    const i = flight.indexOf(Buffer.from([0, 23, 0, 0]), 5 + 4 + 38);
    assert.ok(i > 0);
    const changed = Buffer.concat([flight.subarray(0, i), Buffer.from([0, 23, 0, 1, 0]), flight.subarray(i + 4)]);
    // Fix up the record, message and extensions-block lengths (+1 each).
    changed.writeUInt16BE(changed.readUInt16BE(3) + 1, 3);
    const shLen = changed.readUIntBE(6, 3);
    changed.writeUIntBE(shLen + 1, 6, 3);
    const extLenAt = 9 + 2 + 32 + 1 + changed[9 + 2 + 32]! + 3;
    changed.writeUInt16BE(changed.readUInt16BE(extLenAt) + 1, extLenAt);
    expectReason(() => feed(client, [changed]), 'BAD_EXTENSION');
  });
});
