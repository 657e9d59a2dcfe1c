// Whether the client sends SNI is decided as CPython decides it: a name that
// OpenSSL's a2i_IPADDRESS reads as an address (IPv4, or IPv6 with or without
// brackets) goes without server_name (RFC 6066 3), anything else with it.
// The server's SNI callback shows what arrived.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CERT_NONE, MemoryBIO, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLContext, SSLWantReadError } from '../../src/index.js';
import { fixture } from '../helpers/peers.js';

function sniSeenFor(serverHostname: string): string | null | undefined {
  const sctx = new SSLContext(PROTOCOL_TLS_SERVER);
  sctx.loadCertChain(fixture('leaf-ecdsa-p256-chain.pem'), fixture('leaf-ecdsa-p256.key'));
  let seen: string | null | undefined;
  sctx.sniCallback = (_obj, name) => {
    seen = name;
  };
  const cctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  cctx.checkHostname = false;
  cctx.verifyMode = CERT_NONE;
  const ci = new MemoryBIO(), co = new MemoryBIO(), si = new MemoryBIO(), so = new MemoryBIO();
  const c = cctx.wrapBio(ci, co, { serverHostname });
  const s = sctx.wrapBio(si, so, { serverSide: true });
  for (const f of [() => c.doHandshake(), () => s.doHandshake()]) {
    try {
      f();
    } catch (e) {
      if (!(e instanceof SSLWantReadError)) throw e;
    }
    si.write(co.read());
  }
  return seen;
}

test('SNI: sent for host names, not for IPv4 or IPv6 literals', () => {
  assert.equal(sniSeenFor('localhost'), 'localhost');
  assert.equal(sniSeenFor('bücher.example'), 'xn--bcher-kva.example');
  assert.equal(sniSeenFor('127.0.0.1'), null);
  assert.equal(sniSeenFor('::1'), null);
  assert.equal(sniSeenFor('[::1]'), null);
  assert.equal(sniSeenFor('2001:db8::17'), null);
});
