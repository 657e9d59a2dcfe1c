// The TLS 1.3 client state machine (src/tls/handshake-client13.ts): what it
// refuses in the server's flight and what its ClientHello holds. Written from
// the mutants `npm run mutation -- handshake-client13` left alive. Where the
// expected alert and reason are not plain from RFC 8446, they are OpenSSL
// 3.0's: `openssl s_client` was run against our server with the same message
// changed, and its error line and the alert it sent are what is asserted here.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ContextSessions } from '../../src/ssl/session-cache.js';
import { getDefaultCryptoProvider } from '../../src/crypto/default-provider.js';
import type { EngineConfig } from '../../src/tls/config.js';
import { Connection } from '../../src/tls/connection.js';
import { alertToSend } from '../../src/tls/alert.js';
import { Alert, ExtensionType as E, HandshakeType as HT } from '../../src/tls/constants.js';
import { encodeAlpn } from '../../src/tls/extensions.js';
import { startClient } from '../../src/tls/handshake-client13.js';
import { decodeServerHello, encodeServerHello, type ServerHello } from '../../src/tls/hello-messages.js';
import { encodeSelectedIdentity } from '../../src/tls/psk.js';
import type { ClientSession } from '../../src/tls/session-state.js';
import { decodeEncryptedExtensions, encodeEncryptedExtensions } from '../../src/tls/tls13-messages.js';
import { engineConfig, pair } from './engine-helpers.js';
import { failure, feed, handshake, tamper } from './hostile-helpers.js';

type Ext = { type: number; data: Uint8Array };

function setExt(list: Ext[], type: number, data: Uint8Array | null): void {
  const i = list.findIndex((e) => e.type === type);
  if (data === null) {
    if (i >= 0) list.splice(i, 1);
  } else if (i >= 0) list[i] = { type, data };
  else list.push({ type, data });
}

function editServerHello(f: (sh: ServerHello) => void) {
  return (body: Buffer): Uint8Array => {
    const sh = decodeServerHello(body);
    f(sh);
    return encodeServerHello(sh);
  };
}

function editEncryptedExtensions(f: (exts: Ext[]) => void) {
  return (body: Buffer): Uint8Array => {
    const exts = decodeEncryptedExtensions(body);
    f(exts);
    return encodeEncryptedExtensions(exts);
  };
}

/** Only the `n`-th message of its type (0 = first) is changed. */
function nth(n: number, edit: (body: Buffer) => Uint8Array) {
  let i = 0;
  return (body: Buffer): Uint8Array => (i++ === n ? edit(body) : body);
}

/** The client's reason and the alert it sends with it. */
function clientVerdict(client: Connection, server: Connection): { reason: string | null; alert: number | null } {
  const reason = failure(client, server, client);
  return { reason, alert: alertToSend(client.error) ?? null };
}

/** A session from a first full handshake with a server that keeps its tickets in `store`. */
function ticket(store: ReturnType<ContextSessions['store']>, clientOver: Partial<EngineConfig> = {}, serverOver: Partial<EngineConfig> = {}): ClientSession {
  const { client, server } = pair(clientOver, { sessionStore: store, ...serverOver });
  handshake(client, server);
  // The tickets follow the client's Finished.
  feed(client, server.takeOutput());
  const s = client.sessions.at(-1);
  assert.ok(s, 'no ticket');
  return s;
}

const newStore = () => new ContextSessions(getDefaultCryptoProvider()).store(true);

describe('TLS 1.3 client: which ServerHello versions it takes', () => {
  test('a TLS 1.2 ServerHello after a HelloRetryRequest: protocol_version WRONG_SSL_VERSION (OpenSSL ssl_choose_client_version)', () => {
    const { client, server } = pair({ groups: [0x1d, 0x17] }, { groups: [0x17] });
    tamper(server, HT.server_hello, nth(1, editServerHello((sh) => setExt(sh.extensions, E.supported_versions, null))));
    assert.deepEqual(clientVerdict(client, server), { reason: 'WRONG_SSL_VERSION', alert: Alert.protocol_version });
  });
  test('a TLS 1.2 ServerHello to a client of TLS 1.3 only: protocol_version UNSUPPORTED_PROTOCOL', () => {
    const { client, server } = pair({ minVersion: 0x0304 });
    tamper(server, HT.server_hello, editServerHello((sh) => setExt(sh.extensions, E.supported_versions, null)));
    assert.deepEqual(clientVerdict(client, server), { reason: 'UNSUPPORTED_PROTOCOL', alert: Alert.protocol_version });
  });
  test('a ServerHello of TLS 1.1 (legacy_version 0x0302, no supported_versions): protocol_version UNSUPPORTED_PROTOCOL', () => {
    const { client, server } = pair();
    tamper(server, HT.server_hello, editServerHello((sh) => {
      setExt(sh.extensions, E.supported_versions, null);
      sh.legacyVersion = 0x0302;
    }));
    assert.deepEqual(clientVerdict(client, server), { reason: 'UNSUPPORTED_PROTOCOL', alert: Alert.protocol_version });
  });
  test('supported_versions in the answer to a TLS 1.2-only ClientHello: unsupported_extension UNSOLICITED_EXTENSION', () => {
    // Our TLS 1.2-only ClientHello has no supported_versions; OpenSSL's tls_collect_extensions refuses it unasked.
    const { client, server } = pair({ maxVersion: 0x0303 });
    tamper(server, HT.server_hello, editServerHello((sh) => setExt(sh.extensions, E.supported_versions, Uint8Array.of(3, 4))));
    assert.deepEqual(clientVerdict(client, server), { reason: 'UNSOLICITED_EXTENSION', alert: Alert.unsupported_extension });
  });
});

describe('TLS 1.3 client: the ServerHello after a HelloRetryRequest', () => {
  const HRR = { groups: [0x1d, 0x17] };
  const HRR_SERVER = { groups: [0x17] };
  test('another cipher suite than the HelloRetryRequest named: illegal_parameter WRONG_CIPHER_RETURNED', () => {
    // The server picks TLS_AES_256_GCM_SHA384 (its first); the ServerHello then says TLS_AES_128_GCM_SHA256, also offered.
    const { client, server } = pair(HRR, HRR_SERVER);
    tamper(server, HT.server_hello, nth(1, editServerHello((sh) => (sh.cipherSuite = 0x1301))));
    assert.deepEqual(clientVerdict(client, server), { reason: 'WRONG_CIPHER_RETURNED', alert: Alert.illegal_parameter });
  });
  test('the same cipher suite: the handshake completes over the group the HelloRetryRequest asked for', () => {
    const { client, server } = pair(HRR, HRR_SERVER);
    handshake(client, server);
    assert.ok(client.handshakeDone && server.handshakeDone);
    assert.equal(client.negotiated.cipherSuite, server.negotiated.cipherSuite);
    assert.equal(client.negotiated.group, 0x17);
  });
});

describe('TLS 1.3 client: pre_shared_key in the ServerHello', () => {
  test('when we offered no PSK: unsupported_extension UNSOLICITED_EXTENSION', () => {
    const { client, server } = pair();
    tamper(server, HT.server_hello, editServerHello((sh) => setExt(sh.extensions, E.pre_shared_key, encodeSelectedIdentity(0))));
    assert.deepEqual(clientVerdict(client, server), { reason: 'UNSOLICITED_EXTENSION', alert: Alert.unsupported_extension });
  });
  test('an identity we did not send (we send one): illegal_parameter BAD_PSK_IDENTITY', () => {
    const store = newStore();
    const { client, server } = pair({ resume: ticket(store) }, { sessionStore: store });
    tamper(server, HT.server_hello, editServerHello((sh) => setExt(sh.extensions, E.pre_shared_key, encodeSelectedIdentity(1))));
    assert.deepEqual(clientVerdict(client, server), { reason: 'BAD_PSK_IDENTITY', alert: Alert.illegal_parameter });
  });
  test("a cipher suite of another hash than the session's: illegal_parameter CIPHERSUITE_DIGEST_HAS_CHANGED", () => {
    const store = newStore();
    const session = ticket(store);
    assert.equal(session.cipherSuite, 0x1302); // SHA-384
    const { client, server } = pair({ resume: session }, { sessionStore: store });
    tamper(server, HT.server_hello, editServerHello((sh) => (sh.cipherSuite = 0x1301)));
    assert.deepEqual(clientVerdict(client, server), { reason: 'CIPHERSUITE_DIGEST_HAS_CHANGED', alert: Alert.illegal_parameter });
  });
  test('a resumption without key_share when we offered psk_dhe_ke only: missing_extension NO_SUITABLE_KEY_SHARE', () => {
    const store = newStore();
    const { client, server } = pair({ resume: ticket(store) }, { sessionStore: store });
    tamper(server, HT.server_hello, editServerHello((sh) => setExt(sh.extensions, E.key_share, null)));
    assert.deepEqual(clientVerdict(client, server), { reason: 'NO_SUITABLE_KEY_SHARE', alert: Alert.missing_extension });
  });
  test('no key_share and no PSK, even with psk_ke allowed (OP_ALLOW_NO_DHE_KEX): missing_extension NO_SUITABLE_KEY_SHARE', () => {
    const { client, server } = pair({ allowNoDheKex: true });
    tamper(server, HT.server_hello, editServerHello((sh) => setExt(sh.extensions, E.key_share, null)));
    assert.deepEqual(clientVerdict(client, server), { reason: 'NO_SUITABLE_KEY_SHARE', alert: Alert.missing_extension });
  });
});

describe('TLS 1.3 client: EncryptedExtensions', () => {
  test('ALPN naming a protocol we did not offer: decode_error BAD_EXTENSION (OpenSSL tls_parse_stoc_alpn)', () => {
    const { client, server } = pair({ alpn: ['h2'] }, { alpn: ['h2'] });
    tamper(server, HT.encrypted_extensions, editEncryptedExtensions((exts) => setExt(exts, E.alpn, encodeAlpn(['x']))));
    assert.deepEqual(clientVerdict(client, server), { reason: 'BAD_EXTENSION', alert: Alert.decode_error });
  });
  test('ALPN naming two protocols: decode_error BAD_EXTENSION', () => {
    const { client, server } = pair({ alpn: ['h2', 'http/1.1'] }, { alpn: ['h2'] });
    tamper(server, HT.encrypted_extensions, editEncryptedExtensions((exts) => setExt(exts, E.alpn, encodeAlpn(['h2', 'http/1.1']))));
    assert.deepEqual(clientVerdict(client, server), { reason: 'BAD_EXTENSION', alert: Alert.decode_error });
  });
  test('early_data when we sent none: unsupported_extension UNSOLICITED_EXTENSION', () => {
    const { client, server } = pair();
    tamper(server, HT.encrypted_extensions, editEncryptedExtensions((exts) => setExt(exts, E.early_data, new Uint8Array(0))));
    assert.deepEqual(clientVerdict(client, server), { reason: 'UNSOLICITED_EXTENSION', alert: Alert.unsupported_extension });
  });
  test('early_data accepted by a server that did not resume: illegal_parameter BAD_EXTENSION (OpenSSL tls_parse_stoc_early_data)', () => {
    const session = ticket(newStore(), {}, { maxEarlyData: 1000 });
    assert.equal(session.maxEarlyData, 1000);
    // A server with other ticket keys cannot open the ticket and does a full handshake.
    const { client, server } = pair({ resume: session, earlyData: Buffer.from('early') }, { sessionStore: newStore(), maxEarlyData: 1000 });
    tamper(server, HT.encrypted_extensions, editEncryptedExtensions((exts) => setExt(exts, E.early_data, new Uint8Array(0))));
    assert.deepEqual(clientVerdict(client, server), { reason: 'BAD_EXTENSION', alert: Alert.illegal_parameter });
  });
  test('early_data after a HelloRetryRequest (the second ClientHello offers none): UNSOLICITED_EXTENSION', () => {
    const store = newStore();
    const session = ticket(store, {}, { maxEarlyData: 1000 });
    const { client, server } = pair({ resume: session, earlyData: Buffer.from('early'), groups: [0x1d, 0x17] }, { sessionStore: store, maxEarlyData: 1000, groups: [0x17] });
    tamper(server, HT.encrypted_extensions, editEncryptedExtensions((exts) => setExt(exts, E.early_data, new Uint8Array(0))));
    assert.deepEqual(clientVerdict(client, server), { reason: 'UNSOLICITED_EXTENSION', alert: Alert.unsupported_extension });
  });
});

describe('TLS 1.3 client: configurations with nothing to offer (as OpenSSL before any byte is sent)', () => {
  const start = (over: Partial<EngineConfig>) => {
    const conn = new Connection(engineConfig(over));
    try {
      conn.begin(startClient);
    } catch (e) {
      return (e as { reason: string }).reason;
    }
    return null;
  };
  test('a version range without TLS 1.2 or 1.3: NO_PROTOCOLS_AVAILABLE', () => {
    assert.equal(start({ minVersion: 0x0304, maxVersion: 0x0303 }), 'NO_PROTOCOLS_AVAILABLE');
  });
  test('TLS 1.3 only and no group: NO_SUITABLE_KEY_SHARE; with TLS 1.2 too the ClientHello goes out', () => {
    assert.equal(start({ minVersion: 0x0304, groups: [] }), 'NO_SUITABLE_KEY_SHARE');
    assert.equal(start({ groups: [] }), null);
  });
  test('no cipher suite of an offered version: NO_CIPHERS_AVAILABLE', () => {
    assert.equal(start({ minVersion: 0x0304, tls13Suites: [] }), 'NO_CIPHERS_AVAILABLE');
    assert.equal(start({ maxVersion: 0x0303, tls12Suites: [] }), 'NO_CIPHERS_AVAILABLE');
    assert.equal(start({ tls12Suites: [] }), null);
    assert.equal(start({ tls13Suites: [] }), null);
  });
});
