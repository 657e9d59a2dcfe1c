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
import { decodeKeyShareClient, decodeU16List, encodeAlpn, encodeKeyShareHrr } from '../../src/tls/extensions.js';
import { initialShareGroups, startClient } from '../../src/tls/handshake-client13.js';
import { decodeClientHello, decodeServerHello, encodeServerHello, type ClientHello, type ServerHello } from '../../src/tls/hello-messages.js';
import { encodeSelectedIdentity } from '../../src/tls/psk.js';
import type { ClientSession } from '../../src/tls/session-state.js';
import { decodeEncryptedExtensions, encodeEncryptedExtensions } from '../../src/tls/tls13-messages.js';
import { engineConfig, pair } from './engine-helpers.js';
import { clientHello, type Ext, failure, feed, handshake, record, setExt, tamper } from './hostile-helpers.js';

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

const X25519MLKEM768 = 0x11ec;

/** Every ClientHello `client` sends in a handshake with `server`, decoded, with its record's version. */
function helloesSent(client: Connection, server: Connection): { ch: ClientHello; recordVersion: number }[] {
  const seen: { ch: ClientHello; recordVersion: number }[] = [];
  const take = client.takeOutput.bind(client);
  client.takeOutput = () => {
    const out = take();
    const all = Buffer.concat(out);
    for (let off = 0; off + 5 <= all.length; off += 5 + all.readUInt16BE(off + 3)) {
      if (all[off] === 22 && all[off + 5] === HT.client_hello) {
        seen.push({ ch: decodeClientHello(all.subarray(off + 9, off + 5 + all.readUInt16BE(off + 3))), recordVersion: all.readUInt16BE(off + 1) });
      }
    }
    return out;
  };
  handshake(client, server);
  return seen;
}

const ext = (ch: ClientHello, type: number) => ch.extensions.find((e) => e.type === type);

describe('TLS 1.3 client: what its ClientHello holds', () => {
  test('key shares: the first group, and X25519 beside the hybrid KEM when both are configured', () => {
    assert.deepEqual(initialShareGroups([]), []);
    assert.deepEqual(initialShareGroups([0x17, 0x1d]), [0x17]);
    assert.deepEqual(initialShareGroups([X25519MLKEM768, 0x17, 0x1d]), [X25519MLKEM768, 0x1d]);
    assert.deepEqual(initialShareGroups([X25519MLKEM768, 0x17]), [X25519MLKEM768]);
    const shares = decodeKeyShareClient(ext(clientHello({ groups: [X25519MLKEM768, 0x17, 0x1d] }), E.key_share)!.data);
    assert.deepEqual(shares.map((s) => s.group), [X25519MLKEM768, 0x1d]);
  });
  test('a HelloRetryRequest for the second group we sent a share for: illegal_parameter BAD_KEY_SHARE', () => {
    const { client, server } = pair({ groups: [X25519MLKEM768, 0x17, 0x1d] }, { groups: [0x17] });
    tamper(server, HT.server_hello, editServerHello((sh) => setExt(sh.extensions, E.key_share, encodeKeyShareHrr(0x1d))));
    assert.deepEqual(clientVerdict(client, server), { reason: 'BAD_KEY_SHARE', alert: Alert.illegal_parameter });
  });
  test('ec_point_formats (uncompressed only) whenever TLS 1.2 is offered, as OpenSSL', () => {
    for (const maxVersion of [0x0303, 0x0304]) assert.deepEqual(Buffer.from(ext(clientHello({ maxVersion }), E.ec_point_formats)!.data), Buffer.of(1, 0));
  });
  test('a TLS 1.2-only ClientHello lists no group that exists only in TLS 1.3 (ffdhe, the hybrid KEM), as OpenSSL 3.0', () => {
    const ch = clientHello({ maxVersion: 0x0303, groups: [X25519MLKEM768, 0x1d, 0x0100, 0x17, 0x0101] });
    assert.deepEqual(decodeU16List(ext(ch, E.supported_groups)!.data), [0x1d, 0x17]);
    assert.equal(ext(ch, E.key_share), undefined);
    assert.equal(ext(ch, E.supported_versions), undefined);
  });
  test('the legacy session id: 32 random bytes in middlebox compatibility mode, else empty; empty in a TLS 1.2-only hello', () => {
    const a = clientHello({});
    const b = clientHello({});
    assert.equal(a.sessionId.length, 32);
    assert.notDeepEqual(Buffer.from(a.sessionId), Buffer.from(b.sessionId));
    assert.equal(clientHello({ middleboxCompat: false }).sessionId.length, 0);
    assert.equal(clientHello({ maxVersion: 0x0303 }).sessionId.length, 0);
  });
  test('the record of the first ClientHello says TLS 1.0, later ones TLS 1.2 (as OpenSSL)', () => {
    const { client, server } = pair({ groups: [0x1d, 0x17] }, { groups: [0x17] });
    const sent = helloesSent(client, server);
    assert.ok(client.handshakeDone);
    assert.deepEqual(sent.map((h) => h.recordVersion), [0x0301, 0x0303]);
  });
  test('after a HelloRetryRequest whose suite has another hash, the PSK is dropped (RFC 8446 4.1.4) and a full handshake follows', () => {
    const store = newStore();
    const session = ticket(store);
    assert.equal(session.cipherSuite, 0x1302); // SHA-384
    const suites = pair().client.config.tls13Suites;
    const sha256First = [...suites.filter((s) => s.id === 0x1301), ...suites.filter((s) => s.id !== 0x1301)];
    const { client, server } = pair({ resume: session, groups: [0x1d, 0x17] }, { sessionStore: store, groups: [0x17], tls13Suites: sha256First });
    const sent = helloesSent(client, server);
    assert.ok(client.handshakeDone && server.handshakeDone);
    assert.ok(ext(sent[0]!.ch, E.pre_shared_key));
    assert.equal(ext(sent[1]!.ch, E.pre_shared_key), undefined);
    assert.equal(client.negotiated.resumed, false);
    assert.equal(client.negotiated.cipherSuite, 'TLS_AES_128_GCM_SHA256');
  });
  test('after a HelloRetryRequest whose suite has the same hash, the PSK is offered again and resumes', () => {
    const store = newStore();
    const { client, server } = pair({ resume: ticket(store), groups: [0x1d, 0x17] }, { sessionStore: store, groups: [0x17] });
    const sent = helloesSent(client, server);
    assert.ok(ext(sent[1]!.ch, E.pre_shared_key));
    assert.equal(client.negotiated.resumed, true);
  });
  test('a TLS 1.2 ticket offered in the first ClientHello is offered again after a HelloRetryRequest (the server refuses a change)', () => {
    const store = newStore();
    const first = pair({ maxVersion: 0x0303 }, { sessionStore: store });
    handshake(first.client, first.server);
    feed(first.client, first.server.takeOutput());
    const session = first.client.sessions.at(-1);
    assert.ok(session?.ticket);
    const { client, server } = pair({ resume: session, groups: [0x1d, 0x17] }, { sessionStore: store, groups: [0x17] });
    const sent = helloesSent(client, server);
    assert.ok(client.handshakeDone && server.handshakeDone, client.error?.reason ?? server.error?.reason ?? undefined);
    assert.deepEqual(Buffer.from(ext(sent[1]!.ch, E.session_ticket)!.data), Buffer.from(session.ticket));
  });
  test('early data: offered when it fits max_early_data_size exactly, not when it is one byte over or empty', () => {
    const store = newStore();
    const session = ticket(store, {}, { maxEarlyData: 5 });
    const offered = (earlyData: Uint8Array) => {
      const client = new Connection(engineConfig({ resume: session, earlyData }));
      client.begin(startClient);
      // The ClientHello's record comes first (then the CCS and the early data, if any).
      const out = Buffer.concat(client.takeOutput());
      const ch = decodeClientHello(out.subarray(9, 5 + out.readUInt16BE(3)));
      return ext(ch, E.early_data) !== undefined;
    };
    assert.equal(offered(Buffer.from('12345')), true);
    assert.equal(offered(Buffer.from('123456')), false);
    assert.equal(offered(new Uint8Array(0)), false);
    assert.equal(ext(clientHello({ resume: session }), E.early_data), undefined);
  });
});

describe('TLS 1.3 client: messages out of order are unexpected_message', () => {
  const dropping = (server: Connection, type: number) => {
    const send = server.sendHandshake.bind(server);
    server.sendHandshake = (t, body, add) => (t === type ? new Uint8Array(0) : send(t, body, add));
  };
  test('a first message that is not a ServerHello', () => {
    const client = new Connection(engineConfig({}));
    client.begin(startClient);
    // An EncryptedExtensions with no extensions, in the clear.
    assert.throws(() => feed(client, [record(22, Uint8Array.of(HT.encrypted_extensions, 0, 0, 2, 0, 0))]), (e: { reason?: string }) => e.reason === 'UNEXPECTED_MESSAGE');
    assert.equal(alertToSend(client.error), Alert.unexpected_message);
  });
  for (const [what, type] of [['EncryptedExtensions', HT.encrypted_extensions], ['Certificate', HT.certificate], ['CertificateVerify', HT.certificate_verify]] as const) {
    test(`a server flight without its ${what}`, () => {
      const { client, server } = pair();
      dropping(server, type);
      assert.deepEqual(clientVerdict(client, server), { reason: 'UNEXPECTED_MESSAGE', alert: Alert.unexpected_message });
    });
  }
});

describe('TLS 1.3 client: after the handshake', () => {
  test('a plaintext alert is refused: UNEXPECTED_RECORD', () => {
    const { client, server } = pair();
    handshake(client, server);
    assert.ok(client.handshakeDone);
    assert.throws(() => feed(client, [record(21, Uint8Array.of(1, 0))]), (e: { reason?: string }) => e.reason === 'UNEXPECTED_RECORD');
  });
  test('both sides log the same five secrets under the NSS key log labels', () => {
    const logs: string[][] = [[], []];
    const keylog = (i: number) => (label: string, random: Uint8Array, secret: Uint8Array) => logs[i]!.push(`${label} ${Buffer.from(random).toString('hex')} ${Buffer.from(secret).toString('hex')}`);
    const { client, server } = pair({ keylog: keylog(0) }, { keylog: keylog(1) });
    handshake(client, server);
    const labels = (l: string[]) => l.map((line) => line.split(' ')[0]).sort();
    assert.deepEqual(labels(logs[0]!), ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'EXPORTER_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0']);
    assert.deepEqual([...logs[0]!].sort(), [...logs[1]!].sort());
  });
});
