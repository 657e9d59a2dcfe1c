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
import { decodeServerHello, encodeServerHello } from '../../src/tls/hello-messages.js';
import { encodeCertificate12 } from '../../src/tls/tls12-messages.js';
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
