// TLS 1.2 handshake state machines (handshake-client12.ts, handshake-server12.ts):
// the checks and choices that mutation testing found untested. Expected alerts
// and reasons are OpenSSL 3.0's, seen with `openssl s_client`/`s_server -tls1_2`
// against our engine with the message changed, or read in OpenSSL's statem code.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { getDefaultCryptoProvider } from '../../src/crypto/default-provider.js';
import { ffdhePrime } from '../../src/crypto/ffdhe.js';
import { tls12SuiteByName } from '../../src/tls/cipher-suites12.js';
import { Alert, ExtensionType as E, HandshakeType as HT, NamedGroup } from '../../src/tls/constants.js';
import type { Connection } from '../../src/tls/connection.js';
import { decodeServerHello, encodeServerHello } from '../../src/tls/hello-messages.js';
import { encodeNewSessionTicket12 } from '../../src/tls/resumption12.js';
import type { ServerSessionStore } from '../../src/tls/session-state.js';
import { decodeCertificateVerify, encodeCertificateVerify } from '../../src/tls/tls13-messages.js';
import { decodeCertificateRequest12, decodeServerKeyExchange, encodeCertificate12, encodeServerKeyExchange } from '../../src/tls/tls12-messages.js';
import { expectReason, pair, pemCerts, serverCert } from './engine-helpers.js';
import { startClient as startClient12 } from '../../src/tls/handshake-client13.js';
import { clientHelloRecords, failure, feed, handshake, sealed, sentAlert, tamper } from './hostile-helpers.js';

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

/** A self-signed certificate and key of `alg` (an `openssl req -newkey` argument) made with the openssl command. */
function madeCert(alg: string, ...opts: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'ssl-ts-12-'));
  try {
    const key = join(dir, 'k.pem');
    const cert = join(dir, 'c.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', alg, ...opts, '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=localhost', '-days', '2'], { stdio: 'pipe' });
    const der = Buffer.from(readFileSync(cert, 'latin1').replace(/-----[^-]+-----|\s+/g, ''), 'base64');
    return { chain: [der], key: getDefaultCryptoProvider().importPrivateKey({ pem: readFileSync(key, 'latin1') }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('TLS 1.2: the key types each suite authenticates with (RFC 8422, RFC 8446 4.2.3 schemes)', () => {
  // OpenSSL 3.0 serves TLS 1.2 ECDHE-ECDSA suites with Ed25519 and Ed448 keys and ECDHE-RSA
  // suites with RSA-PSS keys (rsa_pss_pss_*); both our client and our server must agree.
  const cases: Array<[string, () => { chain: Uint8Array[]; key: ReturnType<typeof serverCert>['key'] }, RegExp, number]> = [
    ['Ed25519', () => serverCert('ed25519'), /^ECDHE-ECDSA-/, 0x0807],
    ['Ed448', () => madeCert('ed448'), /^ECDHE-ECDSA-/, 0x0808],
    ['RSA-PSS', () => madeCert('rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048'), /^ECDHE-RSA-/, 0x0809],
  ];
  for (const [name, make, suiteName, scheme] of cases) {
    test(`${name}`, () => {
      const { client, server } = pair(TLS12, { ...TLS12, certs: [make()] });
      handshake(client, server);
      assert.ok(client.handshakeDone && server.handshakeDone);
      assert.match(client.negotiated.cipherSuite ?? '', suiteName);
      assert.equal(client.negotiated.signatureScheme, scheme);
    });
  }
});

describe('TLS 1.2 client: the server certificate', () => {
  test('an RSA certificate for an ECDHE-ECDSA suite: illegal_parameter WRONG_CERTIFICATE_TYPE', () => {
    const { client, server } = pair(TLS12, TLS12);
    tamper(server, HT.certificate, () => encodeCertificate12(pemCerts('leaf-rsa2048-chain.pem')));
    fails(client, server, client, 'WRONG_CERTIFICATE_TYPE', Alert.illegal_parameter);
  });

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

describe('TLS 1.2 client: the ServerKeyExchange signature scheme', () => {
  // `openssl s_client -tls1_2 -sigalgs ECDSA+SHA256:RSA-PSS+SHA256` against our P-256 server
  // naming another scheme: 0x0503 and 0x0203 are handshake_failure, 0x0804 illegal_parameter,
  // all "tls12_check_peer_sigalg:wrong signature type".
  const client12 = { ...TLS12, signatureSchemes: [0x0403, 0x0804] };
  for (const [scheme, alert] of [[0x0503, Alert.handshake_failure], [0x0203, Alert.handshake_failure], [0x0804, Alert.illegal_parameter], [0x0909, Alert.illegal_parameter]] as const) {
    test(`0x${scheme.toString(16).padStart(4, '0')}: WRONG_SIGNATURE_TYPE, alert ${alert}`, () => {
      const { client, server } = pair(client12, TLS12);
      tamper(server, HT.server_key_exchange, (body) => {
        const ske = decodeServerKeyExchange(body);
        return encodeServerKeyExchange(ske.params.raw, scheme, ske.signature);
      });
      fails(client, server, client, 'WRONG_SIGNATURE_TYPE', alert);
    });
  }
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

describe('TLS 1.2 client: ServerHello extensions', () => {
  test('encrypt_then_mac echoed for an AEAD suite is ignored, as OpenSSL does (RFC 7366 3)', () => {
    const { client, server } = pair(TLS12, TLS12);
    tamper(server, HT.server_hello, (body) => {
      const sh = decodeServerHello(body);
      sh.extensions.push({ type: E.encrypt_then_mac, data: new Uint8Array(0) });
      return encodeServerHello(sh);
    });
    handshake(client, server);
    assert.ok(client.handshakeDone && server.handshakeDone);
    assert.match(client.negotiated.cipherSuite ?? '', /GCM|CHACHA20/);
    assert.equal(client.negotiated.encryptThenMac, false);
  });
  // `openssl s_client -tls1_2 -alpn h2,http/1.1` against our server changed the same way:
  // "tls_parse_stoc_alpn:bad extension" and decode_error, for two names and for one not offered.
  test('ALPN naming two protocols: decode_error BAD_EXTENSION', () => {
    const { client, server } = pair({ ...TLS12, alpn: ['h2', 'http/1.1'] }, { ...TLS12, alpn: ['h2'] });
    tamper(server, HT.server_hello, (body) => {
      const sh = decodeServerHello(body);
      const i = sh.extensions.findIndex((e) => e.type === E.alpn);
      sh.extensions[i] = { type: E.alpn, data: Uint8Array.of(0, 12, 2, 0x68, 0x32, 8, ...Buffer.from('http/1.1')) };
      return encodeServerHello(sh);
    });
    fails(client, server, client, 'BAD_EXTENSION', Alert.decode_error);
  });
  test('ALPN naming a protocol we did not offer: decode_error BAD_EXTENSION', () => {
    const { client, server } = pair({ ...TLS12, alpn: ['h2'] }, { ...TLS12, alpn: ['h2'] });
    tamper(server, HT.server_hello, (body) => {
      const sh = decodeServerHello(body);
      const i = sh.extensions.findIndex((e) => e.type === E.alpn);
      sh.extensions[i] = { type: E.alpn, data: Uint8Array.of(0, 3, 2, 0x68, 0x33) };
      return encodeServerHello(sh);
    });
    fails(client, server, client, 'BAD_EXTENSION', Alert.decode_error);
  });
});

describe('TLS 1.2 client: Finished', () => {
  test('another message where the server Finished belongs: unexpected_message', () => {
    // The server's 12 bytes of verify_data arrive as a NewSessionTicket (a type the framing lets a server send).
    const { client, server } = pair(TLS12, TLS12);
    retype(server, HT.finished, HT.new_session_ticket);
    failsProtected(client, server, client, 'UNEXPECTED_MESSAGE', 'SSLV3_ALERT_UNEXPECTED_MESSAGE');
  });
  test('a DH group the quick check refuses: illegal_parameter BAD_DH_VALUE', () => {
    // OpenSSL's tls_process_ske_dhe: EVP_PKEY_param_check_quick failing is illegal_parameter.
    const evenP = Buffer.from(FFDHE2048.p);
    evenP[evenP.length - 1]! &= 0xfe;
    const { client, server } = pair({ ...TLS12, tls12Suites: [suite('DHE-RSA-AES128-GCM-SHA256')] }, { ...TLS12, certs: [serverCert('rsa2048')], dhParams: FFDHE2048 });
    tamper(server, HT.server_key_exchange, (body) => Buffer.concat([body.subarray(0, 2), evenP, body.subarray(2 + evenP.length)]));
    fails(client, server, client, 'BAD_DH_VALUE', Alert.illegal_parameter);
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
  test('promised, and another message comes in its place: unexpected_message', () => {
    const { client, server } = pair(TLS12, { ...TLS12, sessionStore: TICKETS });
    retype(server, HT.new_session_ticket, HT.certificate);
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

describe('TLS 1.2 server: message order (OpenSSL: unexpected_message UNEXPECTED_MESSAGE)', () => {
  test('a certificate was requested and the client goes straight to its ClientKeyExchange', () => {
    // OpenSSL's server in TLS 1.2 (not SSLv3) accepts only a Certificate, possibly empty, after a CertificateRequest.
    const { client, server } = pair(TLS12, { ...TLS12, verifyMode: 1 });
    drop(client, HT.certificate);
    fails(client, server, server, 'UNEXPECTED_MESSAGE', Alert.unexpected_message);
  });
  test('a client with a certificate sends another message where its CertificateVerify belongs', () => {
    const { client, server } = pair({ ...TLS12, certs: [serverCert('ecdsa-p256')] }, { ...TLS12, verifyMode: 2 });
    retype(client, HT.certificate_verify, HT.client_key_exchange);
    fails(client, server, server, 'UNEXPECTED_MESSAGE', Alert.unexpected_message);
  });
  test('a handshake message between the ClientKeyExchange and the CCS', () => {
    const { client, server } = pair(TLS12, TLS12);
    twice(client, HT.client_key_exchange);
    fails(client, server, server, 'UNEXPECTED_MESSAGE', Alert.unexpected_message);
  });
  test('CERT_OPTIONAL: an empty Certificate from the client passes', () => {
    const { client, server } = pair(TLS12, { ...TLS12, verifyMode: 1 });
    handshake(client, server);
    assert.ok(client.handshakeDone && server.handshakeDone, 'CERT_OPTIONAL without a client certificate completes');
    assert.equal(server.negotiated.peerCertificates.length, 0);
  });
});

describe('TLS 1.2 server: the client CertificateVerify', () => {
  // `openssl s_server -tls1_2 -verify 1 -client_sigalgs ECDSA+SHA256:RSA-PSS+SHA256` given
  // ecdsa_secp384r1_sha384 from a P-256 key: "tls12_check_peer_sigalg:wrong signature type",
  // handshake_failure; a scheme for another key type is illegal_parameter.
  test('a scheme that fits the key but that the server did not request: handshake_failure WRONG_SIGNATURE_TYPE', () => {
    const { client, server } = pair({ ...TLS12, certs: [serverCert('ecdsa-p256')] }, { ...TLS12, verifyMode: 2, signatureSchemes: [0x0403, 0x0804, 0x0401] });
    tamper(client, HT.certificate_verify, (body) => encodeCertificateVerify({ ...decodeCertificateVerify(body), scheme: 0x0503 }));
    fails(client, server, server, 'WRONG_SIGNATURE_TYPE', Alert.handshake_failure);
  });
  test('a scheme for another key type: illegal_parameter WRONG_SIGNATURE_TYPE', () => {
    const { client, server } = pair({ ...TLS12, certs: [serverCert('ecdsa-p256')] }, { ...TLS12, verifyMode: 2 });
    tamper(client, HT.certificate_verify, (body) => encodeCertificateVerify({ ...decodeCertificateVerify(body), scheme: 0x0804 }));
    fails(client, server, server, 'WRONG_SIGNATURE_TYPE', Alert.illegal_parameter);
  });
  test('the CertificateRequest offers our schemes without SHA-1 and both certificate types we verify', () => {
    // RFC 5246 7.4.4: rsa_sign(1) and ecdsa_sign(64); an OpenSSL client sends no certificate
    // whose type is not listed.
    // rsa_pkcs1_sha1 in our list is left out of the request: SHA-1 is below every security level.
    const { client, server } = pair({ ...TLS12, certs: [serverCert('ecdsa-p256')] }, { ...TLS12, verifyMode: 2, signatureSchemes: [0x0403, 0x0201, 0x0804, 0x0401] });
    const seen = watch(server, HT.certificate_request);
    handshake(client, server);
    assert.ok(server.handshakeDone);
    const cr = decodeCertificateRequest12(seen[0]!);
    assert.deepEqual([...cr.certificateTypes].sort((a, b) => a - b), [1, 64]);
    assert.deepEqual(cr.schemes, [0x0403, 0x0804, 0x0401]);
  });
});

describe('TLS 1.2 server: what it chooses', () => {
  test('renegotiation_info is answered for the extension alone, for the SCSV alone, and not without either', () => {
    // RFC 5746 3.6: either signal means the client supports secure renegotiation.
    for (const [label, keepExt, keepScsv, expected] of [
      ['extension', true, false, true],
      ['SCSV', false, true, true],
      ['neither', false, false, false],
    ] as const) {
      const { server } = pair(TLS12, TLS12);
      const records = clientHelloRecords((ch) => {
        const has = ch.extensions.some((e) => e.type === E.renegotiation_info);
        if (keepExt && !has) ch.extensions.unshift({ type: E.renegotiation_info, data: Uint8Array.of(0) });
        if (!keepExt && has) withoutExt(ch.extensions, E.renegotiation_info);
        if (!keepScsv) ch.cipherSuites = ch.cipherSuites.filter((s) => s !== 0x00ff);
      }, TLS12);
      const seen = watch(server, HT.server_hello);
      feed(server, records);
      const sh = decodeServerHello(seen[0]!);
      const ri = sh.extensions.find((e) => e.type === E.renegotiation_info);
      assert.equal(ri !== undefined, expected, label);
      if (ri) assert.deepEqual([...ri.data], [0], label);
    }
  });

  test('ffdhe groups first in a TLS 1.2 ClientHello are passed over for a curve', () => {
    const { server } = pair(TLS12, { ...TLS12, certs: [serverCert('rsa2048')], groups: [NamedGroup.ffdhe2048, NamedGroup.secp384r1, NamedGroup.x25519] });
    const records = clientHelloRecords((ch) => {
      const i = ch.extensions.findIndex((e) => e.type === E.supported_groups);
      ch.extensions[i] = { type: E.supported_groups, data: Uint8Array.of(0, 4, 0x01, 0x00, 0x00, 0x18) };
    }, TLS12);
    feed(server, records);
    assert.equal(server.negotiated.group, NamedGroup.secp384r1);
    assert.match(server.negotiated.cipherSuite ?? '', /^ECDHE-RSA-/);
  });

  test('a DHE suite leaves the group unset on the server too, and answers no ec_point_formats', () => {
    const { client, server } = pair({ ...TLS12, tls12Suites: [suite('DHE-RSA-AES128-GCM-SHA256')] }, { ...TLS12, certs: [serverCert('rsa2048')], dhParams: FFDHE2048 });
    const seen = watch(server, HT.server_hello);
    handshake(client, server);
    assert.ok(server.handshakeDone);
    assert.equal(server.negotiated.group, null);
    const sh = decodeServerHello(seen[0]!);
    assert.equal(sh.extensions.some((e) => e.type === E.ec_point_formats), false);
  });

  test('an ECDHE suite answers ec_point_formats with uncompressed only (RFC 8422 5.2)', () => {
    const { client, server } = pair(TLS12, TLS12);
    const seen = watch(server, HT.server_hello);
    handshake(client, server);
    const sh = decodeServerHello(seen[0]!);
    const pf = sh.extensions.find((e) => e.type === E.ec_point_formats);
    assert.deepEqual(pf && [...pf.data], [1, 0]);
  });

  test("the client's order without cipherServerPreference, ours with it", () => {
    const a = suite('ECDHE-ECDSA-AES128-GCM-SHA256');
    const b = suite('ECDHE-ECDSA-CHACHA20-POLY1305');
    for (const [serverPref, expected] of [[true, b], [false, a]] as const) {
      const { client, server } = pair({ ...TLS12, tls12Suites: [a, b] }, { ...TLS12, tls12Suites: [b, a], cipherServerPreference: serverPref });
      handshake(client, server);
      assert.equal(server.negotiated.cipherSuite, expected.name);
    }
  });

  test('the certificate whose key fits the suite: RSA for ECDHE-RSA, ECDSA for ECDHE-ECDSA', () => {
    const certs = [serverCert('ecdsa-p256'), serverCert('rsa2048')];
    for (const [name, scheme] of [['ECDHE-RSA-AES128-GCM-SHA256', 0x0804], ['ECDHE-ECDSA-AES128-GCM-SHA256', 0x0403]] as const) {
      const { client, server } = pair({ ...TLS12, tls12Suites: [suite(name)] }, { ...TLS12, certs });
      handshake(client, server);
      assert.equal(server.negotiated.cipherSuite, name);
      assert.equal(client.negotiated.signatureScheme, scheme);
    }
  });

  test('ECDHE needs a common curve: without one and without DHE, no_shared_cipher', () => {
    const none = pair({ ...TLS12, groups: [NamedGroup.x25519] }, { ...TLS12, certs: [serverCert('rsa2048')], groups: [NamedGroup.secp256r1] });
    none.client.begin(startClient12);
    expectReason(() => feed(none.server, none.client.takeOutput()), 'NO_SHARED_CIPHER');
  });

  test('requireExtendedMasterSecret wins over noExtendedMasterSecret on the server as well', () => {
    const { client, server } = pair(TLS12, { ...TLS12, noExtendedMasterSecret: true, requireExtendedMasterSecret: true });
    handshake(client, server);
    assert.ok(server.negotiated.extendedMasterSecret && client.negotiated.extendedMasterSecret);
  });

  test("'auto' DH parameters follow the key's strength, raised to the security level (OpenSSL's ssl_get_auto_dh)", () => {
    // RSA-2048 is 112 bits: a 2048-bit prime at level 2, 3072 bits at level 3 (128 bits).
    for (const [level, bytes] of [[2, 256], [3, 384]] as const) {
      const { client, server } = pair(
        { ...TLS12, tls12Suites: [suite('DHE-RSA-AES128-GCM-SHA256')], securityLevel: level },
        { ...TLS12, certs: [serverCert('rsa2048')], dhParams: 'auto', securityLevel: level },
      );
      const seen = watch(server, HT.server_key_exchange);
      handshake(client, server);
      assert.ok(client.handshakeDone, `level ${level}`);
      assert.equal(seen[0]!.readUInt16BE(0), bytes, `level ${level}: the prime's length`);
    }
  });
});

describe('TLS 1.2: our own chain and renegotiation_info', () => {
  test('the chain each side sends goes through checkOwnChain (the security level check) first', () => {
    const sent: Uint8Array[][] = [];
    const check = (chain: readonly Uint8Array[]) => void sent.push([...chain]);
    const { client, server } = pair({ ...TLS12, certs: [serverCert('rsa2048')], checkOwnChain: check }, { ...TLS12, verifyMode: 2, checkOwnChain: check });
    handshake(client, server);
    assert.ok(server.handshakeDone);
    assert.deepEqual(sent, [serverCert('ecdsa-p256').chain, serverCert('rsa2048').chain]);

    const refused = pair({ ...TLS12, certs: [serverCert('rsa2048')] }, { ...TLS12, checkOwnChain: () => { throw new Error('own chain refused'); } });
    refused.client.begin(startClient12);
    assert.throws(() => feed(refused.server, refused.client.takeOutput()), /own chain refused/);
  });

  test('a non-empty renegotiated_connection on a first handshake: handshake_failure RENEGOTIATION_MISMATCH (RFC 5746 3.4)', () => {
    // RFC 5746 3.4 names handshake_failure; OpenSSL 3.0's client sends illegal_parameter here.
    // Where the RFC leaves no choice we follow it.
    const { client, server } = pair(TLS12, TLS12);
    tamper(server, HT.server_hello, (body) => {
      const sh = decodeServerHello(body);
      const i = sh.extensions.findIndex((e) => e.type === E.renegotiation_info);
      sh.extensions[i] = { type: E.renegotiation_info, data: Uint8Array.of(12, ...new Uint8Array(12)) };
      return encodeServerHello(sh);
    });
    fails(client, server, client, 'RENEGOTIATION_MISMATCH', Alert.handshake_failure);
  });
});

describe('TLS 1.2 key log', () => {
  test('both sides log CLIENT_RANDOM with the ClientHello random and the 48-byte master secret (NSS key log format)', () => {
    for (const ems of [true, false]) {
      const logs: Array<Array<[string, string, string]>> = [[], []];
      const log = (i: number) => (label: string, random: Uint8Array, secret: Uint8Array) =>
        void logs[i]!.push([label, Buffer.from(random).toString('hex'), Buffer.from(secret).toString('hex')]);
      const { client, server } = pair({ ...TLS12, keylog: log(0), noExtendedMasterSecret: !ems }, { ...TLS12, keylog: log(1) });
      const hello = watch(client, HT.client_hello);
      handshake(client, server);
      assert.ok(client.handshakeDone && server.handshakeDone);
      const random = hello[0]!.subarray(2, 34).toString('hex');
      assert.equal(logs[0]!.length, 1);
      assert.deepEqual(logs[0]![0]!.slice(0, 2), ['CLIENT_RANDOM', random]);
      assert.equal(logs[0]![0]![2].length, 96);
      assert.deepEqual(logs[1], logs[0]);
    }
  });
});

describe('TLS 1.2 server: the server_name acknowledgement', () => {
  // OpenSSL acknowledges only when a servername callback accepted the name (Python: sni_callback
  // set, returning None); with none it answers NOACK (python3 servers, `openssl s_client -tlsextdebug`).
  test('an empty server_name in the ServerHello when the client sent SNI (RFC 6066 3) and a callback accepted it, none otherwise', () => {
    for (const [serverName, callback, acked] of [['localhost', true, true], [null, true, false], ['localhost', false, false]] as const) {
      const { client, server } = pair({ ...TLS12, serverName }, { ...TLS12, onClientHello: callback ? () => true : undefined });
      const seen = watch(server, HT.server_hello);
      handshake(client, server);
      assert.ok(client.handshakeDone);
      const ext = decodeServerHello(seen[0]!).extensions.find((e) => e.type === E.server_name);
      assert.equal(ext !== undefined, acked, `${serverName} ${callback}`);
      if (ext) assert.equal(ext.data.length, 0);
      assert.equal(server.negotiated.serverName, serverName);
    }
  });
});

describe('TLS 1.2: a ChangeCipherSpec out of place', () => {
  // `openssl s_client -tls1_2` against our server sending one: right after the ServerHello,
  // "ossl_statem_client_read_transition:unexpected message"; after the handshake (protected),
  // "ssl3_read_bytes:ccs received early"; unexpected_message both times.
  test('during the handshake: unexpected_message UNEXPECTED_MESSAGE', () => {
    const { client, server } = pair(TLS12, TLS12);
    const send = server.sendHandshake.bind(server);
    server.sendHandshake = (t, body, add) => (t === HT.certificate && server.sendChangeCipherSpec(), send(t, body, add));
    fails(client, server, client, 'UNEXPECTED_MESSAGE', Alert.unexpected_message);
  });
  test('after the handshake, in both roles: unexpected_message CCS_RECEIVED_EARLY', () => {
    for (const role of ['client', 'server'] as const) {
      const { client, server } = pair(TLS12, TLS12);
      handshake(client, server);
      const [from, to] = role === 'client' ? [server, client] : [client, server];
      expectReason(() => feed(to, [sealed(from, 20, Uint8Array.of(1))]), 'CCS_RECEIVED_EARLY');
      expectReason(() => feed(from, to.takeOutput()), 'SSLV3_ALERT_UNEXPECTED_MESSAGE');
    }
  });
});

describe('server_name in a ClientHello, as OpenSSL 3.0 parses it', () => {
  // `openssl s_server` given each of these from our client: "tls_parse_ctos_server_name:bad
  // extension", decode_error for the list shapes, unrecognized_name for 256 bytes; 255 pass.
  const name = (n: number) => [0, n >> 8, n & 0xff, ...Buffer.alloc(n, 0x61)];
  const list = (...entries: number[][]) => {
    const body = entries.flat();
    return Uint8Array.from([body.length >> 8, body.length & 0xff, ...body]);
  };
  const cases: Array<[string, Uint8Array, string | null, number | null]> = [
    ['an entry of another name type alone', list([1, 0, 1, 0x62]), 'BAD_EXTENSION', Alert.decode_error],
    ['another name type before the host_name', list([1, 0, 1, 0x62], name(1)), 'BAD_EXTENSION', Alert.decode_error],
    ['another name type after the host_name', list(name(1), [1, 0, 1, 0x62]), 'BAD_EXTENSION', Alert.decode_error],
    ['two host_names', list(name(1), name(1)), 'BAD_EXTENSION', Alert.decode_error],
    ['a host_name of 256 bytes', list(name(256)), 'BAD_EXTENSION', Alert.unrecognized_name],
    ['a host_name of 255 bytes', list(name(255)), null, null],
  ];
  for (const version of [0x0303, 0x0304]) {
    for (const [label, data, reason, alert] of cases) {
      test(`TLS 1.${version - 0x0301}: ${label}`, () => {
        const { server } = pair({}, {});
        const records = clientHelloRecords((ch) => {
          const i = ch.extensions.findIndex((e) => e.type === E.server_name);
          ch.extensions[i] = { type: E.server_name, data };
        }, { maxVersion: version });
        if (reason === null) {
          feed(server, records);
          assert.equal(server.negotiated.serverName, 'a'.repeat(255));
          return;
        }
        expectReason(() => feed(server, records), reason);
        assert.deepEqual(sentAlert(server), [2, alert]);
      });
    }
  }
});

describe('TLS 1.2 server: more of the message order', () => {
  test('another message where the ClientKeyExchange belongs: unexpected_message', () => {
    const { client, server } = pair(TLS12, TLS12);
    retype(client, HT.client_key_exchange, HT.certificate_verify);
    fails(client, server, server, 'UNEXPECTED_MESSAGE', Alert.unexpected_message);
  });
  test('another message where the client Finished belongs: unexpected_message', () => {
    // The client's 12 bytes of verify_data arrive as a CertificateVerify (a type a client may send).
    const { client, server } = pair(TLS12, TLS12);
    retype(client, HT.finished, HT.certificate_verify);
    fails(client, server, server, 'UNEXPECTED_MESSAGE', Alert.unexpected_message);
  });
  test('CERT_NONE sends no CertificateRequest', () => {
    const { client, server } = pair({ ...TLS12, certs: [serverCert('ecdsa-p256')] }, { ...TLS12, verifyMode: 0 });
    const seen = watch(server, HT.certificate_request);
    handshake(client, server);
    assert.ok(server.handshakeDone);
    assert.equal(seen.length, 0);
    assert.equal(server.negotiated.peerCertificates.length, 0);
  });
  test('client preference: suites we do not know, first in the list, are passed over', () => {
    // OpenSSL ignores cipher suite values it does not know (GREASE, RFC 8701, among them).
    const { server } = pair(TLS12, { ...TLS12, cipherServerPreference: false });
    const records = clientHelloRecords((ch) => (ch.cipherSuites = [0x0a0a, 0x1301, 0xc02b, 0xc02c]), TLS12);
    feed(server, records);
    assert.equal(server.negotiated.cipherSuite, 'ECDHE-ECDSA-AES128-GCM-SHA256');
  });
});
