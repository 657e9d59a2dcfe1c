// A certificate whose EC public key is the point at infinity: node:crypto
// loads such a key and then aborts the process (a native assertion) when its
// details are read. Found by `npm run fuzz`; see usablePublicKey() in src/crypto/node-keys.ts. If
// this regresses, this file's process dies, which fails the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SSLError } from '../../src/errors.js';
import { decodeCertificate } from '../../src/x509/decode.js';
import { verifyCertificateChain } from '../../src/ssl/verify-chain.js';
import { Connection } from '../../src/tls/connection.js';
import { startClient } from '../../src/tls/handshake-client13.js';
import { FIX, engineConfig, ferry, pemCerts, serverCert } from '../tls/engine-helpers.js';
import { startServer } from '../../src/tls/handshake-server13.js';

const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const INFINITY_SPKI = Buffer.from('3019301306072a8648ce3d020106082a8648ce3d03010703020000', 'hex');

/** DER length octets in the two-byte long form the fixture certificates use. */
function withLength(tagAndLen: Buffer, content: Buffer): Buffer {
  assert.equal(tagAndLen[1], 0x82);
  return Buffer.concat([Buffer.from([tagAndLen[0]!, 0x82, content.length >> 8, content.length & 0xff]), content]);
}

/** The fixture's P-256 leaf with its key swapped for the point at infinity (signature left as is). */
function infinityLeaf(): Buffer {
  const der = Buffer.from(pemCerts('leaf-ecdsa-p256.pem')[0]!);
  const tbsStart = 4;
  const tbsLen = der.readUInt16BE(tbsStart + 2);
  const tbs = der.subarray(tbsStart + 4, tbsStart + 4 + tbsLen);
  const at = tbs.indexOf(P256_SPKI_PREFIX);
  assert.ok(at > 0);
  const newTbsBody = Buffer.concat([tbs.subarray(0, at), INFINITY_SPKI, tbs.subarray(at + P256_SPKI_PREFIX.length + 65)]);
  const rest = der.subarray(tbsStart + 4 + tbsLen);
  return withLength(der.subarray(0, 2), Buffer.concat([withLength(der.subarray(tbsStart, tbsStart + 2), newTbsBody), rest]));
}

test('verifyCertificateChain and decodeCertificate: an SSLError, and the process lives on', () => {
  const leaf = infinityLeaf();
  assert.throws(
    () => verifyCertificateChain({ leaf, intermediates: [readFileSync(FIX + 'inter.pem', 'latin1')], trusted: [readFileSync(FIX + 'ca.pem', 'latin1')], hostname: 'localhost' }),
    SSLError,
  );
  assert.equal(decodeCertificate(leaf).subject !== undefined, true);
});

for (const version of [0x0304, 0x0303]) {
  test(`TLS ${version === 0x0304 ? '1.3' : '1.2'}: a server presenting it gets an SSLError from a non-verifying client`, () => {
    const real = serverCert('ecdsa-p256');
    const client = new Connection(engineConfig({ minVersion: version, maxVersion: version }));
    const server = new Connection(engineConfig({ isServer: true, certs: [{ chain: [infinityLeaf(), ...real.chain.slice(1)], key: real.key }], minVersion: version, maxVersion: version }));
    server.begin(startServer);
    client.begin(startClient);
    let err: unknown = null;
    try {
      for (let i = 0; i < 6 && !client.handshakeDone; i++) {
        ferry(client, server);
        ferry(server, client);
      }
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof SSLError, `expected an SSLError, got ${String(err)}`);
    assert.ok(!/internal error/.test(err.message), err.message);
    assert.equal(client.handshakeDone, false);
  });
}
