// Engine-level tests: two Connections wired together in memory, no ssl layer.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SSLError } from '../../src/errors.js';
import { TLS13_SUITES } from '../../src/tls/cipher-suites.js';
import { NamedGroup } from '../../src/tls/constants.js';
import type { Connection } from '../../src/tls/connection.js';
import { startClient } from '../../src/tls/handshake-client13.js';
import { sendKeyUpdate } from '../../src/tls/handshake-connected13.js';
import { KEY_UPDATE_REQUESTED } from '../../src/tls/tls13-messages.js';
import { ferry, pair, serverCert, expectReason } from './engine-helpers.js';

function handshake(client: Connection, server: Connection, chunk = Infinity): void {
  client.begin(startClient);
  for (let i = 0; i < 6 && !(client.handshakeDone && server.handshakeDone); i++) {
    ferry(client, server, chunk);
    ferry(server, client, chunk);
  }
}

function roundTrip(client: Connection, server: Connection, size = 100_000): void {
  const data = Buffer.alloc(size, 7);
  client.sendApp(data);
  ferry(client, server);
  assert.equal(server.appPending, size);
  server.sendApp(server.readApp(size));
  ferry(server, client);
  assert.deepEqual(Buffer.from(client.readApp(size)), data);
}


describe('TLS 1.3 engine in memory', () => {
  for (const suite of TLS13_SUITES) {
    for (const [gname, group] of Object.entries(NamedGroup).filter(([, g]) => g < 0x100)) {
      test(`${suite.name} over ${gname}`, () => {
        const { client, server } = pair({ tls13Suites: [suite], groups: [group] }, { groups: [group] });
        handshake(client, server);
        assert.ok(client.handshakeDone && server.handshakeDone);
        assert.equal(client.negotiated.cipherSuite, suite.name);
        assert.equal(server.negotiated.group, group);
        roundTrip(client, server);
      });
    }
  }

  for (const kind of ['ecdsa-p256', 'ecdsa-p384', 'rsa2048', 'ed25519']) {
    test(`server certificate ${kind}`, () => {
      const { client, server } = pair({}, { certs: [serverCert(kind)] });
      handshake(client, server);
      assert.ok(client.handshakeDone);
      const expected: Record<string, number> = { 'ecdsa-p256': 0x0403, 'ecdsa-p384': 0x0503, rsa2048: 0x0804, ed25519: 0x0807 };
      assert.equal(client.negotiated.signatureScheme, expected[kind]);
    });
  }

  test('HelloRetryRequest when the client shared a group the server does not take', () => {
    const { client, server } = pair({ groups: [NamedGroup.x25519, NamedGroup.secp384r1] }, { groups: [NamedGroup.secp384r1] });
    handshake(client, server);
    assert.ok(client.handshakeDone && server.handshakeDone);
    assert.equal(client.negotiated.helloRetryRequest, true);
    assert.equal(server.negotiated.helloRetryRequest, true);
    assert.equal(client.negotiated.group, NamedGroup.secp384r1);
    roundTrip(client, server, 10);
  });

  test('one byte at a time gives the same result as all at once', () => {
    const a = pair({ alpn: ['h2', 'http/1.1'] }, { alpn: ['http/1.1'] });
    handshake(a.client, a.server, 1);
    assert.ok(a.client.handshakeDone && a.server.handshakeDone);
    assert.equal(a.client.negotiated.alpn, 'http/1.1');
    a.client.sendApp(Buffer.from('byte by byte'));
    ferry(a.client, a.server, 1);
    assert.equal(Buffer.from(a.server.readApp(100)).toString(), 'byte by byte');
  });

  test('client certificate requested and sent', () => {
    const { client, server } = pair({ certs: [serverCert('ecdsa-p384')] }, { verifyMode: 2 });
    handshake(client, server);
    assert.ok(client.handshakeDone && server.handshakeDone);
    assert.equal(server.negotiated.peerCertificates.length, 2);
  });

  test('CERT_REQUIRED server without a client certificate: certificate_required', () => {
    const { client, server } = pair({}, { verifyMode: 2 });
    client.begin(startClient);
    ferry(client, server);
    ferry(server, client);
    assert.ok(client.handshakeDone);
    expectReason(() => ferry(client, server), 'PEER_DID_NOT_RETURN_A_CERTIFICATE');
    expectReason(() => ferry(server, client), 'TLSV13_ALERT_CERTIFICATE_REQUIRED');
  });

  test('CERT_OPTIONAL server accepts an empty Certificate', () => {
    const { client, server } = pair({}, { verifyMode: 1 });
    handshake(client, server);
    assert.ok(server.handshakeDone);
    assert.equal(server.negotiated.peerCertificates.length, 0);
  });

  test('ALPN without overlap: no_application_protocol', () => {
    const { client, server } = pair({ alpn: ['h2'] }, { alpn: ['http/1.1'] });
    client.begin(startClient);
    expectReason(() => ferry(client, server), 'NO_APPLICATION_PROTOCOL');
    // CPython 3.11 has no name for OpenSSL's reason here: reason None, OpenSSL's text.
    assert.throws(() => ferry(server, client), (e: unknown) =>
      e instanceof SSLError && e.reason === null && e.message === '[SSL] tlsv1 alert no application protocol');
  });

  test('KeyUpdate with update_requested is answered and data keeps flowing', () => {
    const { client, server } = pair();
    handshake(client, server);
    ferry(server, client); // tickets
    sendKeyUpdate(client, KEY_UPDATE_REQUESTED);
    ferry(client, server);
    ferry(server, client); // the server's own KeyUpdate
    roundTrip(client, server, 5000);
    sendKeyUpdate(server, KEY_UPDATE_REQUESTED);
    roundTrip(client, server, 5000);
  });

  test('a tampered record is bad_record_mac', () => {
    const { client, server } = pair();
    handshake(client, server);
    client.sendApp(Buffer.from('secret'));
    const rec = Buffer.concat(client.takeOutput());
    rec[rec.length - 1]! ^= 1;
    expectReason(() => server.receive(rec), 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC');
    const alert = Buffer.concat(server.takeOutput());
    assert.equal(alert.length, 5 + 2 + 1 + 16, 'one protected alert record');
    expectReason(() => client.receive(alert), 'SSLV3_ALERT_BAD_RECORD_MAC');
    // Sticky: every later call fails again.
    expectReason(() => server.receive(Buffer.alloc(1)), 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC');
  });

  test('an oversized record is record_overflow', () => {
    const { client, server } = pair();
    handshake(client, server);
    const header = Buffer.from([23, 3, 3, 0x41, 0x01]); // 2^14 + 257
    expectReason(() => server.receive(header), 'ENCRYPTED_LENGTH_TOO_LONG');
    expectReason(() => ferry(server, client), 'TLSV1_ALERT_RECORD_OVERFLOW');
  });

  test('garbage instead of a ClientHello', () => {
    const { server } = pair();
    expectReason(() => server.receive(Buffer.from('\x00\x01\x02\x03\x04')), 'WRONG_VERSION_NUMBER');
    const { server: s2 } = pair();
    expectReason(() => s2.receive(Buffer.from('GET /')), 'HTTP_REQUEST');
    const { server: s3 } = pair();
    s3.receive(Buffer.from([22, 3, 1, 0, 4]));
    expectReason(() => s3.receive(Buffer.from([1, 0, 0, 0])), 'BAD_PACKET_LENGTH');
  });

  test('an unexpected message: a ClientHello sent to a client', () => {
    const { client, server } = pair();
    client.begin(startClient);
    const hello = client.takeOutput();
    const c2 = pair().client;
    c2.begin(startClient);
    c2.takeOutput();
    expectReason(() => hello.forEach((b) => c2.receive(b)), 'UNEXPECTED_MESSAGE');
    void server;
  });

  test('a huge announced handshake message is refused before it is buffered', () => {
    const { server } = pair();
    server.receive(Buffer.from([22, 3, 1, 0, 4]));
    expectReason(() => server.receive(Buffer.from([1, 0xff, 0xff, 0xff])), 'EXCESSIVE_MESSAGE_SIZE');
  });

  test('mutated handshake bytes only ever produce SSLError', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 150; round++) {
      const { client, server } = pair();
      client.begin(startClient);
      ferry(client, server);
      const flight = Buffer.concat(server.takeOutput());
      for (let k = 0; k < 1 + rnd(4); k++) flight[rnd(flight.length)] = rnd(256);
      const cut = rnd(4) === 0 ? rnd(flight.length) : flight.length;
      try {
        let off = 0;
        while (off < cut) {
          const n = Math.min(client.wanted(), cut - off);
          client.receive(flight.subarray(off, off + n));
          off += n;
        }
      } catch (e) {
        assert.ok(e instanceof SSLError, `round ${round}: ${String(e)}`);
        assert.ok(!/internal error/.test(e.message), `round ${round}: ${e.message}`);
      }
    }
  });
});
