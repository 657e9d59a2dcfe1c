// VERIFY_X509_WEBPKI set on an SSLContext applies in the handshake (both
// versions), like every other verify flag; without it OpenSSL's verdict holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MemoryBIO, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLCertVerificationError, SSLContext, SSLWantReadError, TLSVersion,
  VERIFY_X509_WEBPKI,
} from '../../src/index.js';
import { OpensslPki } from './openssl-pki.js';

const pki = new OpensslPki();
const root = pki.root();
const GOOD = ['subjectAltName=DNS:a.example', 'extendedKeyUsage=serverAuth', 'authorityKeyIdentifier=keyid'];
const good = pki.issue(root, 'good', '/CN=a.example', GOOD);
const noEku = pki.issue(root, 'noeku', '/CN=a.example', ['subjectAltName=DNS:a.example', 'authorityKeyIdentifier=keyid']);

function clientResult(server: { pem: string; key: string }, flags: number, version: TLSVersion): unknown {
  const c = new SSLContext(PROTOCOL_TLS_CLIENT);
  c.loadVerifyLocations({ cafile: root.pem });
  c.verifyFlags = flags;
  const s = new SSLContext(PROTOCOL_TLS_SERVER);
  s.loadCertChain(server.pem, server.key);
  s.maximumVersion = version;
  const [ci, co, si, so] = [new MemoryBIO(), new MemoryBIO(), new MemoryBIO(), new MemoryBIO()];
  const client = c.wrapBio(ci, co, { serverHostname: 'a.example' });
  const srv = s.wrapBio(si, so, { serverSide: true });
  for (let round = 0; round < 10; round++) {
    try {
      client.doHandshake();
      return 'ok';
    } catch (e) {
      if (!(e instanceof SSLWantReadError)) return e;
    }
    si.write(co.read());
    try {
      srv.doHandshake();
    } catch {
      // want-read, or the server's failure after the client's alert: the client's result is what counts
    }
    ci.write(so.read());
  }
  return 'stuck';
}

for (const version of [TLSVersion.TLSv1_2, TLSVersion.TLSv1_3]) {
  test(`VERIFY_X509_WEBPKI in the handshake, ${version === TLSVersion.TLSv1_3 ? 'TLS 1.3' : 'TLS 1.2'}`, () => {
    const base = new SSLContext(PROTOCOL_TLS_CLIENT).verifyFlags;
    assert.equal(clientResult(good, base | VERIFY_X509_WEBPKI, version), 'ok');
    assert.equal(clientResult(noEku, base, version), 'ok');
    const r = clientResult(noEku, base | VERIFY_X509_WEBPKI, version);
    assert.ok(r instanceof SSLCertVerificationError, String(r));
    assert.equal(r.verifyCode, 26);
    assert.match(r.verifyMessage, /WebPKI: end-entity certificate without extendedKeyUsage/);
  });
}
