// TLS 1.2 checks on what the peer sends, one test each (issue 8's audit of
// src/tls): every check here was removed once to see its test fail.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExtensionType as E, HandshakeType as HT } from '../../src/tls/constants.js';
import { decodeServerHello, encodeServerHello, type ServerHello } from '../../src/tls/hello-messages.js';
import { decodeCertificateVerify, encodeCertificateVerify } from '../../src/tls/tls13-messages.js';
import {
  decodeServerKeyExchange,
  encodeCertificate12,
  encodeClientKeyExchange,
  encodeEcdhParams,
  encodeServerKeyExchange,
} from '../../src/tls/tls12-messages.js';
import { expectReason, pair, pemCerts, serverCert } from './engine-helpers.js';
import { clientHelloRecords, failure, feed, handshake, setExt, tamper } from './hostile-helpers.js';

const TLS12 = { maxVersion: 0x0303 };

function clientRefusesServerHello(f: (sh: ServerHello) => void, reason: string): void {
  const { client, server } = pair(TLS12, TLS12);
  tamper(server, HT.server_hello, (body) => {
    const sh = decodeServerHello(body);
    f(sh);
    return encodeServerHello(sh);
  });
  assert.equal(failure(client, server, client), reason);
}

describe('TLS 1.2 client: ServerHello', () => {
  test('compression method 1: UNSUPPORTED_COMPRESSION_ALGORITHM', () =>
    clientRefusesServerHello((sh) => (sh.compressionMethod = 1), 'UNSUPPORTED_COMPRESSION_ALGORITHM'));
  test('a suite we did not offer: WRONG_CIPHER_RETURNED', () =>
    clientRefusesServerHello((sh) => (sh.cipherSuite = 0x009c), 'WRONG_CIPHER_RETURNED'));
  test('a suite we support but did not offer: WRONG_CIPHER_RETURNED', () => {
    const all = pair().client.config.tls12Suites;
    const offered = all.filter((s) => s.id !== 0xc02c);
    const { client, server } = pair({ ...TLS12, tls12Suites: offered }, TLS12);
    tamper(server, HT.server_hello, (body) => {
      const sh = decodeServerHello(body);
      sh.cipherSuite = 0xc02c;
      return encodeServerHello(sh);
    });
    assert.ok(all.some((s) => s.id === 0xc02c), 'ECDHE-ECDSA-AES256-GCM-SHA384 is ours');
    assert.equal(failure(client, server, client), 'WRONG_CIPHER_RETURNED');
  });
  test('ALPN in a ServerHello when we offered none: UNSOLICITED_EXTENSION', () =>
    clientRefusesServerHello((sh) => setExt(sh.extensions, E.alpn, Uint8Array.of(0, 3, 2, 0x68, 0x32)), 'UNSOLICITED_EXTENSION'));
  test('a TLS 1.3 suite: WRONG_CIPHER_RETURNED', () => clientRefusesServerHello((sh) => (sh.cipherSuite = 0x1301), 'WRONG_CIPHER_RETURNED'));
  test('an extension we did not send: UNSOLICITED_EXTENSION', () =>
    clientRefusesServerHello((sh) => setExt(sh.extensions, 0x1234, new Uint8Array(0)), 'UNSOLICITED_EXTENSION'));
  test('a TLS 1.3-only extension: UNSOLICITED_EXTENSION', () =>
    clientRefusesServerHello((sh) => setExt(sh.extensions, E.signature_algorithms, Uint8Array.of(0, 2, 4, 3)), 'UNSOLICITED_EXTENSION'));
  test('renegotiation_info with a non-empty renegotiated_connection: RENEGOTIATION_MISMATCH', () =>
    clientRefusesServerHello((sh) => setExt(sh.extensions, E.renegotiation_info, Uint8Array.of(1, 0)), 'RENEGOTIATION_MISMATCH'));
  test('ALPN naming a protocol we did not offer: BAD_EXTENSION', () => {
    const { client, server } = pair({ ...TLS12, alpn: ['h2'] }, { ...TLS12, alpn: ['h2'] });
    tamper(server, HT.server_hello, (body) => {
      const sh = decodeServerHello(body);
      setExt(sh.extensions, E.alpn, Uint8Array.of(0, 9, 8, ...Buffer.from('http/1.1')));
      return encodeServerHello(sh);
    });
    assert.equal(failure(client, server, client), 'BAD_EXTENSION');
  });
});

describe('TLS 1.2 client: Certificate and ServerKeyExchange', () => {
  test('an empty certificate chain: LENGTH_MISMATCH', () => {
    const { client, server } = pair(TLS12, TLS12);
    tamper(server, HT.certificate, () => encodeCertificate12([]));
    assert.equal(failure(client, server, client), 'LENGTH_MISMATCH');
  });
  test('an empty certificate in the chain: CERT_LENGTH_MISMATCH', () => {
    const { client, server } = pair(TLS12, TLS12);
    tamper(server, HT.certificate, () => Uint8Array.of(0, 0, 3, 0, 0, 0));
    assert.equal(failure(client, server, client), 'CERT_LENGTH_MISMATCH');
  });
  test('an ECDSA certificate for an ECDHE-RSA suite: WRONG_CERTIFICATE_TYPE', () => {
    const { client, server } = pair(TLS12, { ...TLS12, certs: [serverCert('rsa2048')] });
    tamper(server, HT.certificate, () => encodeCertificate12(pemCerts('leaf-ecdsa-p256-chain.pem')));
    assert.equal(failure(client, server, client), 'WRONG_CERTIFICATE_TYPE');
  });
  test('a curve type other than named_curve: UNSUPPORTED_ELLIPTIC_CURVE', () => {
    const { client, server } = pair(TLS12, TLS12);
    tamper(server, HT.server_key_exchange, (body) => Buffer.concat([Buffer.of(1), body.subarray(1)]));
    assert.equal(failure(client, server, client), 'UNSUPPORTED_ELLIPTIC_CURVE');
  });
  test('an empty point: LENGTH_MISMATCH', () => {
    const { client, server } = pair(TLS12, TLS12);
    tamper(server, HT.server_key_exchange, (body) => {
      const ske = decodeServerKeyExchange(body);
      return encodeServerKeyExchange(encodeEcdhParams(ske.params.group, new Uint8Array(0)), ske.scheme, ske.signature);
    });
    assert.equal(failure(client, server, client), 'LENGTH_MISMATCH');
  });
  test('a signature scheme we did not offer: WRONG_SIGNATURE_TYPE', () => {
    const { client, server } = pair(TLS12, TLS12);
    tamper(server, HT.server_key_exchange, (body) => {
      const ske = decodeServerKeyExchange(body);
      return encodeServerKeyExchange(ske.params.raw, 0x0203, ske.signature);
    });
    assert.equal(failure(client, server, client), 'WRONG_SIGNATURE_TYPE');
  });
  test('a signature scheme that does not fit the key: WRONG_SIGNATURE_TYPE', () => {
    const { client, server } = pair(TLS12, TLS12);
    tamper(server, HT.server_key_exchange, (body) => {
      const ske = decodeServerKeyExchange(body);
      return encodeServerKeyExchange(ske.params.raw, 0x0804, ske.signature);
    });
    assert.equal(failure(client, server, client), 'WRONG_SIGNATURE_TYPE');
  });
  test('an X25519 point of all zeros, validly signed: BAD_ECPOINT', () => {
    const { client, server } = pair({ ...TLS12, groups: [0x1d, 0x17] }, { ...TLS12, groups: [0x1d, 0x17] });
    // The client checks the signature before the point, so the changed params are signed anew.
    const randoms: Uint8Array[] = [];
    tamper(client, HT.client_hello, (body) => (randoms.push(body.subarray(2, 34)), body));
    tamper(server, HT.server_hello, (body) => (randoms.push(body.subarray(2, 34)), body));
    tamper(server, HT.server_key_exchange, (body) => {
      const ske = decodeServerKeyExchange(body);
      const params = encodeEcdhParams(ske.params.group, new Uint8Array(32));
      const signature = server.config.provider.sign(ske.scheme, server.config.certs[0]!.key, Buffer.concat([...randoms, params]));
      return encodeServerKeyExchange(params, ske.scheme, signature);
    });
    assert.equal(failure(client, server, client), 'BAD_ECPOINT');
  });
});

describe('TLS 1.2 server', () => {
  test('a ClientHello without the null compression method: NO_COMPRESSION_SPECIFIED', () => {
    const { server } = pair({}, TLS12);
    expectReason(() => feed(server, clientHelloRecords((ch) => (ch.compressionMethods = Uint8Array.of(1)), TLS12)), 'NO_COMPRESSION_SPECIFIED');
  });
  test('renegotiation_info with a renegotiated_connection on a first handshake: RENEGOTIATION_MISMATCH', () => {
    const { server } = pair({}, TLS12);
    expectReason(
      () => feed(server, clientHelloRecords((ch) => setExt(ch.extensions, E.renegotiation_info, Uint8Array.of(1, 7)), TLS12)),
      'RENEGOTIATION_MISMATCH',
    );
  });
  test('an empty ClientKeyExchange point: LENGTH_MISMATCH', () => {
    const { client, server } = pair(TLS12, TLS12);
    tamper(client, HT.client_key_exchange, () => encodeClientKeyExchange(new Uint8Array(0)));
    assert.equal(failure(client, server, server), 'LENGTH_MISMATCH');
  });
  test('a ClientKeyExchange with trailing bytes: LENGTH_MISMATCH', () => {
    const { client, server } = pair(TLS12, TLS12);
    tamper(client, HT.client_key_exchange, (body) => Buffer.concat([body, Buffer.of(0)]));
    assert.equal(failure(client, server, server), 'LENGTH_MISMATCH');
  });
  test('a ClientKeyExchange point off the curve: BAD_ECPOINT', () => {
    const { client, server } = pair({ ...TLS12, groups: [0x17] }, { ...TLS12, groups: [0x17] });
    tamper(client, HT.client_key_exchange, () => encodeClientKeyExchange(Buffer.concat([Buffer.of(4), Buffer.alloc(64, 1)])));
    assert.equal(failure(client, server, server), 'BAD_ECPOINT');
  });
  test('a client CertificateVerify with a scheme not requested: WRONG_SIGNATURE_TYPE', () => {
    const { client, server } = pair({ ...TLS12, certs: [serverCert('ecdsa-p256')] }, { ...TLS12, verifyMode: 2 });
    tamper(client, HT.certificate_verify, (body) => encodeCertificateVerify({ ...decodeCertificateVerify(body), scheme: 0x0804 }));
    assert.equal(failure(client, server, server), 'WRONG_SIGNATURE_TYPE');
  });
  test('a client CertificateVerify off by one bit: BAD_SIGNATURE', () => {
    const { client, server } = pair({ ...TLS12, certs: [serverCert('ecdsa-p256')] }, { ...TLS12, verifyMode: 2 });
    tamper(client, HT.certificate_verify, (body) => {
      const cv = decodeCertificateVerify(body);
      const sig = Buffer.from(cv.signature);
      sig[sig.length - 1]! ^= 1;
      return encodeCertificateVerify({ ...cv, signature: sig });
    });
    assert.equal(failure(client, server, server), 'BAD_SIGNATURE');
  });
});

describe('TLS 1.2 signature schemes', () => {
  test('the server signs with a scheme the client offered, the first of ours its key can make', () => {
    // RFC 5246 7.4.1.4.1: only schemes from the client's list.
    const { client, server } = pair({ ...TLS12, signatureSchemes: [0x0805] }, { ...TLS12, certs: [serverCert('rsa2048')] });
    handshake(client, server);
    assert.equal(client.negotiated.signatureScheme, 0x0805);
    const p256 = pair({ ...TLS12, signatureSchemes: [0x0804, 0x0503, 0x0403] }, TLS12);
    handshake(p256.client, p256.server);
    assert.equal(p256.client.negotiated.signatureScheme, 0x0403);
  });

  test('a P-384 key signs with ecdsa_secp256r1_sha256 when it comes first, as OpenSSL 3.0 does', () => {
    // `openssl s_server -tls1_2` with leaf-ecdsa-p384 gives `openssl s_client`
    // "Peer signing digest: SHA256": in TLS 1.2 ECDSA schemes name only the
    // hash, and OpenSSL takes the first one of the key type.
    const { client, server } = pair(TLS12, { ...TLS12, certs: [serverCert('ecdsa-p384')] });
    handshake(client, server);
    assert.equal(client.negotiated.signatureScheme, 0x0403);
    // When the client offers only the SHA-384 one, that one.
    const only384 = pair({ ...TLS12, signatureSchemes: [0x0503] }, { ...TLS12, certs: [serverCert('ecdsa-p384')] });
    handshake(only384.client, only384.server);
    assert.equal(only384.client.negotiated.signatureScheme, 0x0503);
  });
});

describe('TLS 1.2 after the handshake', () => {
  test('a client refuses any handshake message but HelloRequest (unexpected_message)', () => {
    const { client, server } = pair(TLS12, TLS12);
    handshake(client, server);
    server.sendHandshake(HT.finished, new Uint8Array(12), false);
    expectReason(() => feed(client, server.takeOutput()), 'UNEXPECTED_MESSAGE');
  });

  test('a server refuses any handshake message but ClientHello (unexpected_message)', () => {
    const { client, server } = pair(TLS12, TLS12);
    handshake(client, server);
    client.sendHandshake(HT.finished, new Uint8Array(12), false);
    expectReason(() => feed(server, client.takeOutput()), 'UNEXPECTED_MESSAGE');
  });
});
