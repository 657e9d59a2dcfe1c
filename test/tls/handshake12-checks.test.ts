// TLS 1.2 handshake state machines (handshake-client12.ts, handshake-server12.ts):
// the checks and choices that mutation testing found untested. Expected alerts
// and reasons are OpenSSL 3.0's, seen with `openssl s_client`/`s_server -tls1_2`
// against our engine with the message changed, or read in OpenSSL's statem code.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ffdhePrime } from '../../src/crypto/ffdhe.js';
import { tls12SuiteByName } from '../../src/tls/cipher-suites12.js';
import { Alert, ExtensionType as E, HandshakeType as HT, NamedGroup } from '../../src/tls/constants.js';
import type { Connection } from '../../src/tls/connection.js';
import { decodeServerHello } from '../../src/tls/hello-messages.js';
import { encodeNewSessionTicket12 } from '../../src/tls/resumption12.js';
import type { ServerSessionStore } from '../../src/tls/session-state.js';
import { decodeCertificateVerify, encodeCertificateVerify } from '../../src/tls/tls13-messages.js';
import { decodeCertificateRequest12, decodeServerKeyExchange, encodeCertificate12, encodeServerKeyExchange } from '../../src/tls/tls12-messages.js';
import { expectReason, pair, pemCerts, serverCert } from './engine-helpers.js';
import { clientHelloRecords, failure, feed, handshake, sentAlert, tamper } from './hostile-helpers.js';

const TLS12 = { maxVersion: 0x0303 };
const FFDHE2048 = { p: ffdhePrime(NamedGroup.ffdhe2048), g: Uint8Array.of(2) };
const suite = (name: string) => tls12SuiteByName(name)!;

/** The handshake fails on `side` with `reason`, and `side` sent the fatal plaintext alert `alert`. */
function fails(client: Connection, server: Connection, side: Connection, reason: string, alert: number): void {
  assert.equal(failure(client, server, side), reason);
  assert.deepEqual(sentAlert(side), [2, alert]);
}

/** The handshake fails on `side`, which sent `alert` protected: its peer reads it. */
function failsProtected(client: Connection, server: Connection, side: Connection, reason: string, alertName: string): void {
  assert.equal(failure(client, server, side), reason);
  const peer = side === client ? server : client;
  expectReason(() => feed(peer, side.takeOutput()), alertName);
}

/** `conn` leaves out its handshake messages of `type`. */
function drop(conn: Connection, type: number): void {
  const send = conn.sendHandshake.bind(conn);
  conn.sendHandshake = (t, body, add) => (t === type ? new Uint8Array(0) : send(t, body, add));
}

/** `conn` sends its message of type `from` as type `to`, same body. */
function retype(conn: Connection, from: number, to: number): void {
  const send = conn.sendHandshake.bind(conn);
  conn.sendHandshake = (t, body, add) => send(t === from ? to : t, body, add);
}

/** `conn` sends its messages of `type` twice. */
function twice(conn: Connection, type: number): void {
  const send = conn.sendHandshake.bind(conn);
  conn.sendHandshake = (t, body, add) => (t === type && send(t, body, add), send(t, body, add));
}

/** A server ticket store that seals every session into the same opaque bytes and opens none. */
const TICKETS: ServerSessionStore = {
  ticketsEnabled: true,
  lifetime: 7200,
  seal: () => new Uint8Array(48).fill(7),
  open: () => null,
  cachePut: () => undefined,
  cacheGet: () => null,
  cacheRemove: () => undefined,
  claimEarlyData: () => false,
  count: () => undefined,
};

/** What `server` sent as its handshake message of `type` (observed, not changed). */
function watch(conn: Connection, type: number): Buffer[] {
  const seen: Buffer[] = [];
  tamper(conn, type, (body) => (seen.push(Buffer.from(body)), body));
  return seen;
}

function withoutExt(list: { type: number }[], type: number): void {
  const i = list.findIndex((e) => e.type === type);
  assert.ok(i >= 0, `extension ${type} present`);
  list.splice(i, 1);
}

describe('TLS 1.2 client: the server certificate', () => {
  test('an ECDSA certificate for an ECDHE-RSA suite: illegal_parameter WRONG_CERTIFICATE_TYPE', () => {
    // `openssl s_client -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256`, same change:
    // "tls_post_process_server_certificate:wrong certificate type", alert illegal_parameter.
    const { client, server } = pair(TLS12, { ...TLS12, certs: [serverCert('rsa2048')] });
    tamper(server, HT.certificate, () => encodeCertificate12(pemCerts('leaf-ecdsa-p256-chain.pem')));
    fails(client, server, client, 'WRONG_CERTIFICATE_TYPE', Alert.illegal_parameter);
  });

  test('an ECDSA certificate on a curve the client did not list: illegal_parameter WRONG_CURVE', () => {
    // RFC 8422 5.1.1; OpenSSL's tls12_check_peer_sigalg refuses such a key (WRONG_CURVE, illegal_parameter).
    const { client, server } = pair({ ...TLS12, groups: [NamedGroup.x25519, NamedGroup.secp256r1] }, TLS12);
    tamper(server, HT.certificate, () => encodeCertificate12(pemCerts('leaf-ecdsa-p384-chain.pem')));
    fails(client, server, client, 'WRONG_CURVE', Alert.illegal_parameter);
  });

  test('the same certificate when the client listed P-384: accepted up to the signature check', () => {
    // The other side of the test above: the curve check alone refuses it. The P-256 key's
    // signature then fails under the P-384 key.
    const { client, server } = pair({ ...TLS12, groups: [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1] }, TLS12);
    tamper(server, HT.certificate, () => encodeCertificate12(pemCerts('leaf-ecdsa-p384-chain.pem')));
    fails(client, server, client, 'BAD_SIGNATURE', Alert.decrypt_error);
  });
});

describe('TLS 1.2 client: message order (OpenSSL: unexpected_message UNEXPECTED_MESSAGE)', () => {
  test('no Certificate: the ServerKeyExchange comes first', () => {
    const { client, server } = pair(TLS12, TLS12);
    drop(server, HT.certificate);
    fails(client, server, client, 'UNEXPECTED_MESSAGE', Alert.unexpected_message);
  });
  test('no ServerKeyExchange for an ECDHE suite', () => {
    const { client, server } = pair(TLS12, TLS12);
    drop(server, HT.server_key_exchange);
    fails(client, server, client, 'UNEXPECTED_MESSAGE', Alert.unexpected_message);
  });
  test('no ServerKeyExchange for a DHE suite', () => {
    const { client, server } = pair({ ...TLS12, tls12Suites: [suite('DHE-RSA-AES128-GCM-SHA256')] }, { ...TLS12, certs: [serverCert('rsa2048')], dhParams: FFDHE2048 });
    drop(server, HT.server_key_exchange);
    fails(client, server, client, 'UNEXPECTED_MESSAGE', Alert.unexpected_message);
  });
  test('a second CertificateRequest', () => {
    const { client, server } = pair({ ...TLS12, certs: [serverCert('ecdsa-p256')] }, { ...TLS12, verifyMode: 2 });
    twice(server, HT.certificate_request);
    fails(client, server, client, 'UNEXPECTED_MESSAGE', Alert.unexpected_message);
  });
  test('a second ServerKeyExchange', () => {
    const { client, server } = pair(TLS12, TLS12);
    twice(server, HT.server_key_exchange);
    fails(client, server, client, 'UNEXPECTED_MESSAGE', Alert.unexpected_message);
  });
  test('a ServerKeyExchange naming an ffdhe group the client lists (a TLS 1.3 group): illegal_parameter WRONG_CURVE', () => {
    const { client, server } = pair({ ...TLS12, groups: [NamedGroup.x25519, NamedGroup.ffdhe2048] }, { ...TLS12, certs: [serverCert('rsa2048')] });
    tamper(server, HT.server_key_exchange, (body) => {
      const ske = decodeServerKeyExchange(body);
      const raw = Buffer.from(ske.params.raw);
      raw.writeUInt16BE(NamedGroup.ffdhe2048, 1);
      return encodeServerKeyExchange(raw, ske.scheme, ske.signature);
    });
    fails(client, server, client, 'WRONG_CURVE', Alert.illegal_parameter);
  });
});

describe('TLS 1.2 client: NewSessionTicket (RFC 5077 3.3)', () => {
  // Seen with `openssl s_client -tls1_2` against our server changed the same way: a missing
  // or second ticket is "ossl_statem_client_read_transition:unexpected message", unexpected_message.
  test('promised but not sent: the CCS is unexpected_message UNEXPECTED_MESSAGE', () => {
    const { client, server } = pair(TLS12, { ...TLS12, sessionStore: TICKETS });
    drop(server, HT.new_session_ticket);
    failsProtected(client, server, client, 'UNEXPECTED_MESSAGE', 'SSLV3_ALERT_UNEXPECTED_MESSAGE');
  });
  test('sent twice: unexpected_message', () => {
    const { client, server } = pair(TLS12, { ...TLS12, sessionStore: TICKETS });
    twice(server, HT.new_session_ticket);
    failsProtected(client, server, client, 'UNEXPECTED_MESSAGE', 'SSLV3_ALERT_UNEXPECTED_MESSAGE');
  });
  test('sent without the session_ticket extension in the ServerHello: unexpected_message', () => {
    const { client, server } = pair(TLS12, TLS12);
    const ccs = server.sendChangeCipherSpec.bind(server);
    server.sendChangeCipherSpec = () => {
      server.sendHandshake(HT.new_session_ticket, encodeNewSessionTicket12({ lifetimeHint: 60, ticket: new Uint8Array(32).fill(1) }));
      ccs();
    };
    failsProtected(client, server, client, 'UNEXPECTED_MESSAGE', 'SSLV3_ALERT_UNEXPECTED_MESSAGE');
  });
  test('promised and sent once: the handshake completes and the client keeps the ticket', () => {
    const { client, server } = pair(TLS12, { ...TLS12, sessionStore: TICKETS });
    handshake(client, server);
    assert.ok(client.handshakeDone && server.handshakeDone);
    assert.equal(client.sessions.length, 1);
    assert.deepEqual(Buffer.from(client.sessions[0]!.ticket!), Buffer.alloc(48, 7));
  });
});

describe('TLS 1.2 server: the ClientHello', () => {
  test('no supported_groups: no ECDHE suite, as OpenSSL 3.0 (DHE if it has parameters, else no_shared_cipher)', () => {
    // `openssl s_server -tls1_2` with an RSA key picks DHE-RSA-AES256-GCM-SHA384 for such a
    // ClientHello and ECDHE-RSA-AES256-GCM-SHA384 when the extension is there.
    const dhe = pair(TLS12, { ...TLS12, certs: [serverCert('rsa2048')], dhParams: FFDHE2048 });
    const records = clientHelloRecords((ch) => withoutExt(ch.extensions, E.supported_groups), TLS12);
    feed(dhe.server, records);
    assert.equal(dhe.server.negotiated.cipherSuite, 'DHE-RSA-AES256-GCM-SHA384');
    assert.equal(dhe.server.negotiated.group, null);

    const ecdhe = pair(TLS12, { ...TLS12, certs: [serverCert('rsa2048')] });
    expectReason(() => feed(ecdhe.server, clientHelloRecords((ch) => withoutExt(ch.extensions, E.supported_groups), TLS12)), 'NO_SHARED_CIPHER');
    assert.deepEqual(sentAlert(ecdhe.server), [2, Alert.handshake_failure]);
  });
});
