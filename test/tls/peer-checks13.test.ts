// TLS 1.3 checks on what the peer sends, one test each (issue 8's audit of
// src/tls): every check here was removed once to see its test fail.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Writer } from '../../src/tls/codec.js';
import { ContentType, ExtensionType as E, HandshakeType as HT } from '../../src/tls/constants.js';
import { decodeClientHello, decodeServerHello, encodeClientHello, encodeServerHello, type ServerHello } from '../../src/tls/hello-messages.js';
import { decodeCertificate, decodeCertificateRequest, decodeCertificateVerify, decodeEncryptedExtensions, encodeCertificate, encodeCertificateRequest, encodeCertificateVerify, encodeEncryptedExtensions } from '../../src/tls/tls13-messages.js';
import { encodeKeyShareServer, encodeKeyShareHrr } from '../../src/tls/extensions.js';
import { expectReason, pair, serverCert } from './engine-helpers.js';
import { certificateVerifyInput } from '../../src/tls/handshake-common13.js';
import { clientHelloRecords, editSecondHello, failure, feed, handshake, record, sealed, setExt, tamper } from './hostile-helpers.js';
import type { ClientHello } from '../../src/tls/hello-messages.js';

function editServerHello(f: (sh: ServerHello) => void) {
  return (body: Buffer) => {
    const sh = decodeServerHello(body);
    f(sh);
    return encodeServerHello(sh);
  };
}

/** The client's verdict on a ServerHello changed by `f`. */
function clientRefusesServerHello(f: (sh: ServerHello) => void, reason: string, clientOver = {}, serverOver = {}): void {
  const { client, server } = pair(clientOver, serverOver);
  tamper(server, HT.server_hello, editServerHello(f));
  assert.equal(failure(client, server, client), reason);
}

describe('TLS 1.3 client: ServerHello', () => {
  test('supported_versions naming TLS 1.2: BAD_PROTOCOL_VERSION_NUMBER', () =>
    clientRefusesServerHello((sh) => setExt(sh.extensions, E.supported_versions, Uint8Array.of(3, 3)), 'BAD_PROTOCOL_VERSION_NUMBER'));
  test('legacy_version other than 0x0303: BAD_LEGACY_VERSION', () =>
    clientRefusesServerHello((sh) => (sh.legacyVersion = 0x0301), 'BAD_LEGACY_VERSION'));
  test('a session id other than ours: INVALID_SESSION_ID', () =>
    clientRefusesServerHello((sh) => (sh.sessionId = Buffer.alloc(32, 9)), 'INVALID_SESSION_ID'));
  test('compression method 1: INVALID_COMPRESSION_ALGORITHM', () =>
    clientRefusesServerHello((sh) => (sh.compressionMethod = 1), 'INVALID_COMPRESSION_ALGORITHM'));
  test('a cipher suite we did not offer: WRONG_CIPHER_RETURNED', () =>
    clientRefusesServerHello((sh) => (sh.cipherSuite = 0x1302), 'WRONG_CIPHER_RETURNED', { tls13Suites: pair().client.config.tls13Suites.filter((s) => s.id !== 0x1302) }));
  test('a TLS 1.2 cipher suite: WRONG_CIPHER_RETURNED', () =>
    clientRefusesServerHello((sh) => (sh.cipherSuite = 0xc02b), 'WRONG_CIPHER_RETURNED'));
  test('an extension that does not belong in ServerHello: UNSOLICITED_EXTENSION', () =>
    clientRefusesServerHello((sh) => setExt(sh.extensions, E.alpn, Uint8Array.of(0, 3, 2, 0x68, 0x32)), 'UNSOLICITED_EXTENSION'));
  test('a cookie in a ServerHello (not HRR): UNSOLICITED_EXTENSION', () =>
    clientRefusesServerHello((sh) => setExt(sh.extensions, E.cookie, Uint8Array.of(0, 1, 7)), 'UNSOLICITED_EXTENSION'));
  test('no key_share: NO_SUITABLE_KEY_SHARE', () =>
    clientRefusesServerHello((sh) => setExt(sh.extensions, E.key_share, null), 'NO_SUITABLE_KEY_SHARE'));
  test('a key share for another group: BAD_KEY_SHARE', () =>
    clientRefusesServerHello((sh) => setExt(sh.extensions, E.key_share, encodeKeyShareServer({ group: 0x17, keyExchange: Buffer.alloc(65, 4) })), 'BAD_KEY_SHARE'));
  test('an X25519 share of all zeros (small order): BAD_ECPOINT', () =>
    clientRefusesServerHello((sh) => setExt(sh.extensions, E.key_share, encodeKeyShareServer({ group: 0x1d, keyExchange: Buffer.alloc(32) })), 'BAD_ECPOINT'));
  test('a P-256 share off the curve: BAD_ECPOINT', () =>
    clientRefusesServerHello(
      (sh) => setExt(sh.extensions, E.key_share, encodeKeyShareServer({ group: 0x17, keyExchange: Buffer.concat([Buffer.of(4), Buffer.alloc(64, 1)]) })),
      'BAD_ECPOINT',
      { groups: [0x17] },
      { groups: [0x17] },
    ));
});

describe('TLS 1.3 client: HelloRetryRequest', () => {
  const HRR = { groups: [0x1d, 0x17] };
  const HRR_SERVER = { groups: [0x17] };
  test('asking for the group we already sent: BAD_KEY_SHARE', () =>
    clientRefusesServerHello((sh) => setExt(sh.extensions, E.key_share, encodeKeyShareHrr(0x1d)), 'BAD_KEY_SHARE', HRR, HRR_SERVER));
  test('asking for a group we do not support: BAD_KEY_SHARE', () =>
    clientRefusesServerHello((sh) => setExt(sh.extensions, E.key_share, encodeKeyShareHrr(0x19)), 'BAD_KEY_SHARE', HRR, HRR_SERVER));
  test('neither key_share nor cookie: NO_CHANGE_FOLLOWING_HRR', () =>
    clientRefusesServerHello((sh) => setExt(sh.extensions, E.key_share, null), 'NO_CHANGE_FOLLOWING_HRR', HRR, HRR_SERVER));
  test('a second HelloRetryRequest: unexpected_message', () => {
    const { client, server } = pair(HRR, HRR_SERVER);
    // The server answers the second ClientHello with another HRR (its first message again).
    let hrr: Uint8Array | null = null;
    tamper(server, HT.server_hello, (body) => {
      if (!hrr) hrr = Buffer.from(body);
      return hrr;
    });
    assert.equal(failure(client, server, client), 'UNEXPECTED_MESSAGE');
  });
});

describe('TLS 1.3 client: the encrypted flight', () => {
  test('an extension we did not offer in EncryptedExtensions: UNSOLICITED_EXTENSION', () => {
    const { client, server } = pair();
    tamper(server, HT.encrypted_extensions, (body) => {
      const exts = decodeEncryptedExtensions(body);
      exts.push({ type: E.alpn, data: Uint8Array.of(0, 3, 2, 0x68, 0x32) });
      return encodeEncryptedExtensions(exts);
    });
    assert.equal(failure(client, server, client), 'UNSOLICITED_EXTENSION');
  });
  test('key_share in EncryptedExtensions: UNSOLICITED_EXTENSION', () => {
    const { client, server } = pair();
    tamper(server, HT.encrypted_extensions, () => encodeEncryptedExtensions([{ type: E.key_share, data: encodeKeyShareHrr(0x1d) }]));
    assert.equal(failure(client, server, client), 'UNSOLICITED_EXTENSION');
  });
  test('a Certificate with a request context: INVALID_CONTEXT', () => {
    const { client, server } = pair();
    tamper(server, HT.certificate, (body) => encodeCertificate({ ...decodeCertificate(body), context: Uint8Array.of(1) }));
    assert.equal(failure(client, server, client), 'INVALID_CONTEXT');
  });
  test('an empty certificate list: LENGTH_MISMATCH', () => {
    const { client, server } = pair();
    tamper(server, HT.certificate, () => encodeCertificate({ context: new Uint8Array(0), entries: [] }));
    assert.equal(failure(client, server, client), 'LENGTH_MISMATCH');
  });
  test('an empty certificate entry: CERT_LENGTH_MISMATCH', () => {
    const { client, server } = pair();
    tamper(server, HT.certificate, () => Uint8Array.of(0, 0, 0, 5, 0, 0, 0, 0, 0));
    assert.equal(failure(client, server, client), 'CERT_LENGTH_MISMATCH');
  });
  test('a certificate entry without its extensions length: CERT_LENGTH_MISMATCH', () => {
    const { client, server } = pair();
    tamper(server, HT.certificate, () => Uint8Array.of(0, 0, 0, 4, 0, 0, 1, 0x30));
    assert.equal(failure(client, server, client), 'CERT_LENGTH_MISMATCH');
  });
  test('a leaf that is not a certificate: ASN1_LIB', () => {
    const { client, server } = pair();
    tamper(server, HT.certificate, () => encodeCertificate({ context: new Uint8Array(0), entries: [{ der: Buffer.from('not DER'), extensions: [] }] }));
    assert.equal(failure(client, server, client), 'ASN1_LIB');
  });
  test('a CertificateVerify with a scheme we did not offer: WRONG_SIGNATURE_TYPE', () => {
    const { client, server } = pair();
    tamper(server, HT.certificate_verify, (body) => encodeCertificateVerify({ ...decodeCertificateVerify(body), scheme: 0x0203 }));
    assert.equal(failure(client, server, client), 'WRONG_SIGNATURE_TYPE');
  });
  test('a CertificateVerify scheme that does not fit the key: WRONG_SIGNATURE_TYPE', () => {
    const { client, server } = pair();
    tamper(server, HT.certificate_verify, (body) => encodeCertificateVerify({ ...decodeCertificateVerify(body), scheme: 0x0804 }));
    assert.equal(failure(client, server, client), 'WRONG_SIGNATURE_TYPE');
  });
  test('a CertificateVerify signature off by one bit: BAD_SIGNATURE', () => {
    const { client, server } = pair();
    tamper(server, HT.certificate_verify, (body) => {
      const cv = decodeCertificateVerify(body);
      const sig = Buffer.from(cv.signature);
      sig[sig.length - 1]! ^= 1;
      return encodeCertificateVerify({ ...cv, signature: sig });
    });
    assert.equal(failure(client, server, client), 'BAD_SIGNATURE');
  });
  test('a CertificateRequest with a context: LENGTH_MISMATCH', () => {
    const { client, server } = pair({}, { verifyMode: 2 });
    tamper(server, HT.certificate_request, (body) => encodeCertificateRequest({ ...decodeCertificateRequest(body), context: Uint8Array.of(1) }));
    assert.equal(failure(client, server, client), 'LENGTH_MISMATCH');
  });
  test('a CertificateRequest without signature_algorithms: MISSING_SIGALGS_EXTENSION', () => {
    const { client, server } = pair({}, { verifyMode: 2 });
    tamper(server, HT.certificate_request, () => encodeCertificateRequest({ context: new Uint8Array(0), extensions: [] }));
    assert.equal(failure(client, server, client), 'MISSING_SIGALGS_EXTENSION');
  });
});

function serverRefuses(edit: (ch: ClientHello) => void, reason: string, serverOver = {}, clientOver = {}): void {
  const { server } = pair({}, serverOver);
  expectReason(() => feed(server, clientHelloRecords(edit, clientOver)), reason);
}

describe('TLS 1.3 server: ClientHello', () => {
  test('compression other than exactly [0]: INVALID_COMPRESSION_ALGORITHM', () => {
    serverRefuses((ch) => (ch.compressionMethods = Uint8Array.of(0, 1)), 'INVALID_COMPRESSION_ALGORITHM');
    serverRefuses((ch) => (ch.compressionMethods = Uint8Array.of(1)), 'INVALID_COMPRESSION_ALGORITHM');
  });
  test('no cipher suites: NO_CIPHERS_SPECIFIED', () => serverRefuses((ch) => (ch.cipherSuites = []), 'NO_CIPHERS_SPECIFIED'));
  test('a cipher suite list of odd length: NO_CIPHERS_SPECIFIED', () => {
    const { server } = pair();
    const ch = decodeClientHello(clientHelloRecords(() => {})[0]!.subarray(9));
    const w = new Writer(512);
    w.u16(ch.legacyVersion).bytes(ch.random).vec8(ch.sessionId).vec16(Uint8Array.of(0x13, 0x01, 0x13));
    const tail = encodeClientHello(ch).subarray(2 + 32 + 1 + ch.sessionId.length + 2 + ch.cipherSuites.length * 2);
    const body = Buffer.concat([w.finish(), tail]);
    expectReason(() => feed(server, [record(22, Buffer.concat([Buffer.of(1, 0, body.length >> 8, body.length & 0xff), body]))]), 'NO_CIPHERS_SPECIFIED');
  });
  test('a session id of 33 bytes: LENGTH_MISMATCH', () => serverRefuses((ch) => (ch.sessionId = Buffer.alloc(33)), 'LENGTH_MISMATCH'));
  test('no supported_groups: MISSING_SUPPORTED_GROUPS_EXTENSION', () =>
    serverRefuses((ch) => setExt(ch.extensions, E.supported_groups, null), 'MISSING_SUPPORTED_GROUPS_EXTENSION'));
  test('no signature_algorithms: MISSING_SIGALGS_EXTENSION', () =>
    serverRefuses((ch) => setExt(ch.extensions, E.signature_algorithms, null), 'MISSING_SIGALGS_EXTENSION'));
  test('a key share for a group not in supported_groups: BAD_KEY_SHARE', () =>
    serverRefuses((ch) => setExt(ch.extensions, E.supported_groups, Uint8Array.of(0, 2, 0, 0x17)), 'BAD_KEY_SHARE'));
  test('two key shares for one group: BAD_KEY_SHARE', () => {
    const share = (fill: number) => [0, 0x1d, 0, 32, ...new Array(32).fill(fill)];
    const list = [...share(1), ...share(2)];
    serverRefuses((ch) => setExt(ch.extensions, E.key_share, Uint8Array.from([list.length >> 8, list.length & 0xff, ...list])), 'BAD_KEY_SHARE');
  });
  test('an empty key share: BAD_KEY_SHARE', () =>
    serverRefuses((ch) => setExt(ch.extensions, E.key_share, Uint8Array.of(0, 4, 0, 0x1d, 0, 0)), 'BAD_KEY_SHARE'));
  test('an X25519 share of all zeros: BAD_ECPOINT', () => {
    const list = [0, 0x1d, 0, 32, ...new Array(32).fill(0)];
    serverRefuses((ch) => setExt(ch.extensions, E.key_share, Uint8Array.from([0, list.length, ...list])), 'BAD_ECPOINT');
  });
  test('no group in common: NO_SUITABLE_KEY_SHARE', () =>
    serverRefuses(() => {}, 'NO_SUITABLE_KEY_SHARE', { groups: [0x18] }, { groups: [0x1d] }));
  test('no signature scheme our certificate can make: NO_SUITABLE_SIGNATURE_ALGORITHM', () =>
    serverRefuses((ch) => setExt(ch.extensions, E.signature_algorithms, Uint8Array.of(0, 2, 0x08, 0x04)), 'NO_SUITABLE_SIGNATURE_ALGORITHM'));
  // RFC 8446 4.1.2: after HRR only key_share, early_data, cookie, pre_shared_key
  // and padding may change. (So the HRR's suite is always still offered.)
  for (const [what, edit] of [
    ['cipher suites', (ch: ClientHello) => (ch.cipherSuites = ch.cipherSuites.slice(1))],
    ['random', (ch: ClientHello) => (ch.random = Buffer.alloc(32, 3))],
    ['session id', (ch: ClientHello) => (ch.sessionId = Buffer.alloc(32, 3))],
    ['legacy_version', (ch: ClientHello) => (ch.legacyVersion = 0x0301)],
    ['an extension', (ch: ClientHello) => setExt(ch.extensions, E.signature_algorithms, Uint8Array.of(0, 2, 4, 3))],
    ['the extension list', (ch: ClientHello) => setExt(ch.extensions, E.server_name, null)],
  ] as const) {
    test(`a second ClientHello with other ${what}: BAD_EXTENSION`, () => {
      const { client, server } = pair({ groups: [0x1d, 0x17] }, { groups: [0x17] });
      editSecondHello(client, edit);
      assert.equal(failure(client, server, server), 'BAD_EXTENSION');
    });
  }
  test('a second ClientHello with a share for another group than the HRR asked: BAD_KEY_SHARE', () => {
    const { client, server } = pair({ groups: [0x1d, 0x17] }, { groups: [0x17] });
    editSecondHello(client, (ch) => {
      const list = [0, 0x1d, 0, 32, ...new Array(32).fill(9)];
      setExt(ch.extensions, E.key_share, Uint8Array.from([0, list.length, ...list]));
    });
    assert.equal(failure(client, server, server), 'BAD_KEY_SHARE');
  });
  test('a client Certificate with a request context: INVALID_CONTEXT', () => {
    const { client, server } = pair({ certs: [pair().server.config.certs[0]!] }, { verifyMode: 2 });
    tamper(client, HT.certificate, (body) => encodeCertificate({ ...decodeCertificate(body), context: Uint8Array.of(1) }));
    assert.equal(failure(client, server, server), 'INVALID_CONTEXT');
  });
});

describe('TLS 1.3 records', () => {
  test('an inner plaintext of only zeros: BAD_RECORD_TYPE', () => {
    const { client, server } = pair();
    handshake(client, server);
    // Type byte 0 followed by padding: no content type left after stripping.
    expectReason(() => feed(server, [sealed(client, 0, Buffer.alloc(0), 3)]), 'BAD_RECORD_TYPE');
  });
  test('a plaintext handshake record once keys are on: UNEXPECTED_RECORD', () => {
    const { client, server } = pair();
    handshake(client, server);
    expectReason(() => feed(server, [record(22, Uint8Array.of(24, 0, 0, 1, 0))]), 'UNEXPECTED_RECORD');
  });
  test('a plaintext alert once the handshake is over: UNEXPECTED_RECORD', () => {
    const { client, server } = pair();
    handshake(client, server);
    expectReason(() => feed(server, [record(21, Uint8Array.of(1, 0))]), 'UNEXPECTED_RECORD');
  });
  test('application data before the handshake is done: UNEXPECTED_RECORD', () => {
    const { server } = pair();
    expectReason(() => feed(server, [record(23, Uint8Array.of(1))]), 'UNEXPECTED_RECORD');
  });
  test('an unknown record type: UNEXPECTED_RECORD', () => {
    const { server } = pair();
    expectReason(() => feed(server, [record(24, Uint8Array.of(1))]), 'UNEXPECTED_RECORD');
    const { server: s2 } = pair();
    expectReason(() => feed(s2, [record(19, Uint8Array.of(1))]), 'UNEXPECTED_RECORD');
  });
  test('an inner content type that is not ours: UNEXPECTED_RECORD', () => {
    const { client, server } = pair();
    handshake(client, server);
    expectReason(() => feed(server, [sealed(client, 99, Uint8Array.of(1), 1)]), 'UNEXPECTED_RECORD');
  });
  test('application data between two parts of a handshake message: UNEXPECTED_RECORD', () => {
    const { client, server } = pair();
    handshake(client, server);
    feed(server, [sealed(client, ContentType.handshake, Uint8Array.of(24, 0))]);
    expectReason(() => feed(server, [sealed(client, ContentType.application_data, Uint8Array.of(1))]), 'UNEXPECTED_RECORD');
  });
  test('an HTTP proxy CONNECT instead of a ClientHello: HTTPS_PROXY_REQUEST', () => {
    const { server } = pair();
    expectReason(() => server.receive(Buffer.from('CONNE')), 'HTTPS_PROXY_REQUEST');
  });
  test('a record version major other than 3: WRONG_VERSION_NUMBER', () => {
    const { client, server } = pair();
    handshake(client, server);
    expectReason(() => server.receive(Buffer.from([23, 4, 3, 0, 20])), 'WRONG_VERSION_NUMBER');
  });
});

describe('TLS 1.3 signature schemes: no PKCS#1 v1.5, no SHA-1 (RFC 8446 4.2.3, 4.4.3)', () => {
  const rsaServer = { certs: [serverCert('rsa2048')] };
  test('a CertificateVerify made with rsa_pkcs1_sha256, which we do offer for certificates: WRONG_SIGNATURE_TYPE', () => {
    // OpenSSL 3.0 tls12_check_peer_sigalg: RSA in TLS 1.3 must be PSS, else illegal_parameter WRONG_SIGNATURE_TYPE.
    const { client, server } = pair({}, rsaServer);
    assert.ok(client.config.signatureSchemes.includes(0x0401));
    tamper(server, HT.certificate_verify, (body) => encodeCertificateVerify({ ...decodeCertificateVerify(body), scheme: 0x0401 }));
    assert.equal(failure(client, server, client), 'WRONG_SIGNATURE_TYPE');
  });
  test('a CertificateVerify made with ecdsa_sha1, even when offered: WRONG_SIGNATURE_TYPE', () => {
    const { client, server } = pair({ signatureSchemes: [0x0403, 0x0203] });
    tamper(server, HT.certificate_verify, (body) => encodeCertificateVerify({ ...decodeCertificateVerify(body), scheme: 0x0203 }));
    assert.equal(failure(client, server, client), 'WRONG_SIGNATURE_TYPE');
  });
  test('a client offering only PKCS#1 or SHA-1 schemes: the server has none to sign with', () => {
    serverRefuses(() => {}, 'NO_SUITABLE_SIGNATURE_ALGORITHM', rsaServer, { signatureSchemes: [0x0401, 0x0501, 0x0201] });
    serverRefuses(() => {}, 'NO_SUITABLE_SIGNATURE_ALGORITHM', {}, { signatureSchemes: [0x0203] });
  });
  test('the CertificateVerify input is 64 spaces, the RFC 8446 4.4.3 context string, a zero byte and the hash', () => {
    const hash = Buffer.alloc(32, 0xab);
    for (const [fromServer, context] of [[true, 'TLS 1.3, server CertificateVerify'], [false, 'TLS 1.3, client CertificateVerify']] as const) {
      assert.deepEqual(Buffer.from(certificateVerifyInput(fromServer, hash)), Buffer.concat([Buffer.alloc(64, 0x20), Buffer.from(context, 'latin1'), Buffer.of(0), hash]));
    }
  });
});
