// TLS 1.2 in the engine: the handshake in memory, version negotiation and
// downgrade protection, and the negative cases of issue 4, made by rewriting
// the (plaintext) hello flights between the two sides.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TLS12_SUITES } from '../../src/tls/cipher-suites12.js';
import { ExtensionType, HandshakeType, NamedGroup } from '../../src/tls/constants.js';
import type { Connection } from '../../src/tls/connection.js';
import { encodeClientHello, decodeClientHello, decodeServerHello, encodeServerHello } from '../../src/tls/hello-messages.js';
import { frameHandshake } from '../../src/tls/handshake-framing.js';
import { startClient } from '../../src/tls/handshake-client13.js';
import { ferry, pair, serverCert, expectReason } from './engine-helpers.js';

const TLS12 = 0x0303;

function handshake(client: Connection, server: Connection): void {
  client.begin(startClient);
  for (let i = 0; i < 6 && !(client.handshakeDone && server.handshakeDone); i++) {
    ferry(client, server);
    ferry(server, client);
  }
}


/** Rewrite one handshake message in a plaintext flight; other records pass unchanged. */
function rewrite(flight: Uint8Array[], type: number, f: (body: Buffer) => Uint8Array): Buffer {
  const all = Buffer.concat(flight);
  const out: Buffer[] = [];
  let off = 0;
  while (off < all.length) {
    const rtype = all[off]!;
    const len = all.readUInt16BE(off + 3);
    const body = all.subarray(off + 5, off + 5 + len);
    if (rtype !== 22) {
      out.push(all.subarray(off, off + 5 + len));
    } else {
      const msgs: Buffer[] = [];
      for (let m = 0; m < body.length; ) {
        const mlen = body.readUIntBE(m + 1, 3);
        const mb = body.subarray(m + 4, m + 4 + mlen);
        msgs.push(body[m] === type ? Buffer.from(frameHandshake(type, f(Buffer.from(mb)))) : body.subarray(m, m + 4 + mlen));
        m += 4 + mlen;
      }
      const joined = Buffer.concat(msgs);
      const hdr = Buffer.from([22, all[off + 1]!, all[off + 2]!, 0, 0]);
      hdr.writeUInt16BE(joined.length, 3);
      out.push(hdr, joined);
    }
    off += 5 + len;
  }
  return Buffer.concat(out);
}

function feed(to: Connection, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) {
    const n = Math.min(to.wanted(), bytes.length - off);
    to.receive(bytes.subarray(off, off + n));
    off += n;
  }
}

describe('TLS 1.2 engine', () => {
  // DHE suites have their own file (engine12-cbc-dhe.test.ts): they need server parameters.
  for (const suite of TLS12_SUITES.filter((s) => s.kx === 'ECDHE')) {
    for (const group of [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1]) {
      test(`${suite.name} over group 0x${group.toString(16)}`, () => {
        const kind = suite.auth === 'RSA' ? 'rsa2048' : 'ecdsa-p256';
        // RFC 8422: in TLS 1.2 the client's groups must also cover the ECDSA certificate's curve.
        const clientGroups = suite.auth === 'ECDSA' && group !== NamedGroup.secp256r1 ? [group, NamedGroup.secp256r1] : [group];
        const { client, server } = pair({ maxVersion: TLS12, tls12Suites: [suite], groups: clientGroups }, { certs: [serverCert(kind)], groups: [group] });
        handshake(client, server);
        assert.ok(client.handshakeDone && server.handshakeDone);
        assert.equal(client.negotiated.version, TLS12);
        assert.equal(server.negotiated.cipherSuite, suite.name);
        assert.equal(client.negotiated.group, group);
        const data = Buffer.alloc(40000, 3);
        client.sendApp(data);
        ferry(client, server);
        assert.deepEqual(Buffer.from(server.readApp(data.length)), data);
        server.sendApp(Buffer.from('pong'));
        ferry(server, client);
        assert.equal(Buffer.from(client.readApp(10)).toString(), 'pong');
        assert.deepEqual(client.negotiated.clientFinished, server.negotiated.clientFinished);
      });
    }
  }

  test('a 1.3 client and a 1.2-only server settle on 1.2 without a false downgrade alarm', () => {
    const { client, server } = pair({}, { maxVersion: TLS12 });
    handshake(client, server);
    assert.ok(client.handshakeDone);
    assert.equal(client.negotiated.version, TLS12);
  });

  test('a 1.2-only client and a 1.3 server settle on 1.2', () => {
    const { client, server } = pair({ maxVersion: TLS12 }, {});
    handshake(client, server);
    assert.equal(server.negotiated.version, TLS12);
  });

  test('minimum TLS 1.3 against a 1.2-only peer: protocol_version, both directions', () => {
    const a = pair({ minVersion: 0x0304 }, { maxVersion: TLS12 });
    a.client.begin(startClient);
    expectReason(() => ferry(a.client, a.server), 'UNSUPPORTED_PROTOCOL');
    expectReason(() => ferry(a.server, a.client), 'TLSV1_ALERT_PROTOCOL_VERSION');
    const b = pair({ maxVersion: TLS12 }, { minVersion: 0x0304 });
    b.client.begin(startClient);
    expectReason(() => ferry(b.client, b.server), 'UNSUPPORTED_PROTOCOL');
  });

  test('TLS 1.0/1.1 clients are refused with protocol_version', () => {
    const { client, server } = pair({ maxVersion: TLS12 }, {});
    client.begin(startClient);
    const flight = rewrite(client.takeOutput(), HandshakeType.client_hello, (b) => {
      const ch = decodeClientHello(b);
      return encodeClientHello({ ...ch, legacyVersion: 0x0302 });
    });
    expectReason(() => feed(server, flight), 'UNSUPPORTED_PROTOCOL');
  });

  test('a stripped supported_versions (downgrade attack) trips the sentinel in our 1.3 client', () => {
    const { client, server } = pair({}, {});
    client.begin(startClient);
    const flight = rewrite(client.takeOutput(), HandshakeType.client_hello, (b) => {
      const ch = decodeClientHello(b);
      return encodeClientHello({ ...ch, extensions: ch.extensions.filter((e) => e.type !== ExtensionType.supported_versions) });
    });
    feed(server, flight);
    assert.equal(server.negotiated.version, TLS12);
    expectReason(() => ferry(server, client), 'INAPPROPRIATE_FALLBACK');
  });

  test('ServerKeyExchange with a bad signature: decrypt_error', () => {
    const { client, server } = pair({ maxVersion: TLS12 }, {});
    client.begin(startClient);
    ferry(client, server);
    const flight = rewrite(server.takeOutput(), HandshakeType.server_key_exchange, (b) => {
      b[b.length - 5]! ^= 0x40;
      return b;
    });
    expectReason(() => feed(client, flight), 'BAD_SIGNATURE');
  });

  test('ServerKeyExchange naming a group we did not offer: illegal_parameter', () => {
    const { client, server } = pair({ maxVersion: TLS12, groups: [NamedGroup.x25519] }, { certs: [serverCert('rsa2048')] });
    client.begin(startClient);
    ferry(client, server);
    const flight = rewrite(server.takeOutput(), HandshakeType.server_key_exchange, (b) => {
      b.writeUInt16BE(NamedGroup.secp384r1, 1);
      return b;
    });
    expectReason(() => feed(client, flight), 'WRONG_CURVE');
  });

  test('missing extended_master_secret is refused by both sides under requireExtendedMasterSecret', () => {
    const a = pair({ maxVersion: TLS12 }, { requireExtendedMasterSecret: true });
    a.client.begin(startClient);
    const hello = rewrite(a.client.takeOutput(), HandshakeType.client_hello, (b) => {
      const ch = decodeClientHello(b);
      return encodeClientHello({ ...ch, extensions: ch.extensions.filter((e) => e.type !== ExtensionType.extended_master_secret) });
    });
    expectReason(() => feed(a.server, hello), 'INCONSISTENT_EXTMS');

    const b = pair({ maxVersion: TLS12, requireExtendedMasterSecret: true }, {});
    b.client.begin(startClient);
    ferry(b.client, b.server);
    const flight = rewrite(b.server.takeOutput(), HandshakeType.server_hello, (body) => {
      const sh = decodeServerHello(body);
      return encodeServerHello({ ...sh, extensions: sh.extensions.filter((e) => e.type !== ExtensionType.extended_master_secret) });
    });
    expectReason(() => feed(b.client, flight), 'INCONSISTENT_EXTMS');
  });

  test('a server without renegotiation_info is refused (RFC 5746)', () => {
    const { client, server } = pair({ maxVersion: TLS12 }, {});
    client.begin(startClient);
    ferry(client, server);
    const flight = rewrite(server.takeOutput(), HandshakeType.server_hello, (body) => {
      const sh = decodeServerHello(body);
      return encodeServerHello({ ...sh, extensions: sh.extensions.filter((e) => e.type !== ExtensionType.renegotiation_info) });
    });
    expectReason(() => feed(client, flight), 'UNSAFE_LEGACY_RENEGOTIATION_DISABLED');
  });

  test('a tampered Finished: decrypt_error DIGEST_CHECK_FAILED', () => {
    const { client, server } = pair({ maxVersion: TLS12 }, {});
    const send = client.sendHandshake.bind(client);
    client.sendHandshake = (type, body, add) => send(type, type === HandshakeType.finished ? body.map((x) => x ^ 1) : body, add);
    client.begin(startClient);
    ferry(client, server);
    ferry(server, client);
    expectReason(() => ferry(client, server), 'DIGEST_CHECK_FAILED');
    expectReason(() => ferry(server, client), 'TLSV1_ALERT_DECRYPT_ERROR');
  });

  test('renegotiation: the server answers a new ClientHello with a no_renegotiation warning; a HelloRequest is ignored', () => {
    const { client, server } = pair({ maxVersion: TLS12 }, {});
    handshake(client, server);
    client.sendHandshake(HandshakeType.client_hello, encodeClientHello({
      legacyVersion: TLS12, random: Buffer.alloc(32, 1), sessionId: new Uint8Array(0), cipherSuites: [0xc02b],
      compressionMethods: Uint8Array.of(0), extensions: [],
    }), false);
    ferry(client, server);
    const warning = Buffer.concat(server.takeOutput());
    assert.equal(warning.length, 5 + 8 + 2 + 16, 'one protected alert record');
    feed(client, warning); // a warning: ignored, the connection goes on
    server.sendHandshake(HandshakeType.hello_request, new Uint8Array(0), false);
    ferry(server, client);
    client.sendApp(Buffer.from('still here'));
    ferry(client, server);
    assert.equal(Buffer.from(server.readApp(100)).toString(), 'still here');
  });

  test('an ECDSA certificate on a curve the client did not list is not used, and refused if sent', () => {
    const { client, server } = pair({ maxVersion: TLS12, groups: [NamedGroup.x25519] }, { certs: [serverCert('ecdsa-p256')] });
    client.begin(startClient);
    expectReason(() => ferry(client, server), 'NO_SHARED_CIPHER');
  });

  test('client certificate over TLS 1.2, required and missing', () => {
    const ok = pair({ maxVersion: TLS12, certs: [serverCert('rsa2048')] }, { verifyMode: 2 });
    handshake(ok.client, ok.server);
    assert.ok(ok.server.handshakeDone);
    assert.equal(ok.server.negotiated.peerCertificates.length, 2);
    const missing = pair({ maxVersion: TLS12 }, { verifyMode: 2 });
    missing.client.begin(startClient);
    ferry(missing.client, missing.server);
    ferry(missing.server, missing.client);
    expectReason(() => ferry(missing.client, missing.server), 'PEER_DID_NOT_RETURN_A_CERTIFICATE');
  });
});
