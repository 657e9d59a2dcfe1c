// Sessions between our own client and server over MemoryBIOs: resumption in
// TLS 1.3 (and 1.2), SSLSession as Python's, sessionStats() counting, and the
// negative cases that must fall back to a full handshake or fail as OpenSSL.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  CERT_REQUIRED,
  MemoryBIO,
  OP_NO_TICKET,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  SSLContext,
  SSLObject,
  SSLSession,
  SSLWantReadError,
  TLSVersion,
  ValueError,
} from '../../src/index.js';
import { OP_ALLOW_NO_DHE_KEX } from '../../src/ssl/constants.js';
import { fixture, leafFiles } from '../helpers/peers.js';

interface Pair {
  client: SSLObject;
  server: SSLObject;
  trace: string[];
}

function contexts(version: TLSVersion = TLSVersion.TLSv1_3): { cctx: SSLContext; sctx: SSLContext } {
  const cctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  cctx.loadVerifyLocations({ cafile: fixture('ca.pem') });
  cctx.maximumVersion = version;
  const sctx = new SSLContext(PROTOCOL_TLS_SERVER);
  sctx.loadCertChain(leafFiles('ecdsa-p256').chain, leafFiles('ecdsa-p256').key);
  return { cctx, sctx };
}

/** Run a handshake to the end and read once so that TLS 1.3 tickets arrive. */
function connect(cctx: SSLContext, sctx: SSLContext, session?: SSLSession | null): Pair {
  const cIn = new MemoryBIO();
  const cOut = new MemoryBIO();
  const sIn = new MemoryBIO();
  const sOut = new MemoryBIO();
  const client = cctx.wrapBio(cIn, cOut, { serverHostname: 'localhost', session });
  const server = sctx.wrapBio(sIn, sOut, { serverSide: true });
  const trace: string[] = [];
  server.trace = (ev) => {
    if (ev.kind === 'handshake') trace.push(`${ev.direction}:${ev.type}`);
  };
  const step = (o: SSLObject): void => {
    try {
      o.doHandshake();
    } catch (e) {
      if (!(e instanceof SSLWantReadError)) throw e;
    }
  };
  for (let i = 0; i < 8; i++) {
    step(client);
    sIn.write(cOut.read());
    step(server);
    cIn.write(sOut.read());
  }
  server.write(Buffer.from('x'));
  cIn.write(sOut.read());
  assert.equal(Buffer.from(client.read(10)).toString(), 'x');
  return { client, server, trace };
}

const CERTIFICATE = `sent:11`;

describe('TLS 1.3 resumption between our client and server', () => {
  test('a ticket resumes: sessionReused on both ends, no certificate re-sent, stats count', () => {
    const { cctx, sctx } = contexts();
    const first = connect(cctx, sctx);
    assert.equal(first.client.sessionReused, false);
    const sess = first.client.session!;
    assert.ok(sess instanceof SSLSession);
    assert.equal(sess.hasTicket, true);
    assert.equal(sess.ticketLifetimeHint, 7200);
    assert.equal(sess.timeout, 7200);
    assert.equal(sess.id.length, 32);
    assert.ok(Math.abs(sess.time - Date.now() / 1000) < 5);
    assert.ok(first.trace.includes(CERTIFICATE));
    const second = connect(cctx, sctx, sess);
    assert.equal(second.client.sessionReused, true);
    assert.equal(second.server.sessionReused, true);
    assert.ok(!second.trace.includes(CERTIFICATE), second.trace.join());
    // The server's certificate is still known from the session.
    assert.ok(second.client.getPeerCert(true));
    assert.equal(second.client.getPeerCert()?.subject !== undefined, true);
    // A fresh ticket came with the resumed connection.
    assert.equal(second.client.session!.equals(sess), false);
    const s = sctx.sessionStats();
    assert.deepEqual([s.accept, s.accept_good, s.hits, s.misses, s.number], [2, 2, 1, 0, 0]);
    const c = cctx.sessionStats();
    assert.deepEqual([c.connect, c.connect_good, c.hits], [2, 2, 1]);
  });

  test('client certificate state is carried in the ticket', () => {
    const { cctx, sctx } = contexts();
    sctx.verifyMode = CERT_REQUIRED;
    sctx.loadVerifyLocations({ cafile: fixture('ca.pem') });
    cctx.loadCertChain(fixture('client-chain.pem'), fixture('client.key'));
    const first = connect(cctx, sctx);
    const firstCert = first.server.getPeerCert(true)!;
    const second = connect(cctx, sctx, first.client.session);
    assert.equal(second.server.sessionReused, true);
    assert.deepEqual(Buffer.from(second.server.getPeerCert(true)!), Buffer.from(firstCert));
    assert.ok(!second.trace.includes('sent:13'), 'no CertificateRequest when resuming');
  });

  test('OP_NO_TICKET: stateful single-use tickets in the server cache', () => {
    const { cctx, sctx } = contexts();
    sctx.options |= OP_NO_TICKET;
    const first = connect(cctx, sctx);
    assert.equal(sctx.sessionStats().number, 2);
    const sess = first.client.session!;
    assert.equal(connect(cctx, sctx, sess).client.sessionReused, true);
    // Used once, gone: the same ticket gives a full handshake.
    assert.equal(connect(cctx, sctx, sess).client.sessionReused, false);
  });

  test('numTickets = 0: nothing to resume', () => {
    const { cctx, sctx } = contexts();
    sctx.numTickets = 0;
    const first = connect(cctx, sctx);
    assert.equal(first.client.session!.hasTicket, false);
  });

  test('OP_ALLOW_NO_DHE_KEX on both ends: psk_dhe_ke is still preferred, as OpenSSL does', () => {
    const { cctx, sctx } = contexts();
    cctx.options |= OP_ALLOW_NO_DHE_KEX;
    sctx.options |= OP_ALLOW_NO_DHE_KEX;
    const first = connect(cctx, sctx);
    const second = connect(cctx, sctx, first.client.session);
    assert.equal(second.server.sessionReused, true);
    assert.equal(second.server.handshakeInfo().group, 'x25519');
  });

  test('HelloRetryRequest with a PSK', () => {
    const { cctx, sctx } = contexts();
    const first = connect(cctx, sctx);
    cctx._groups = ['x25519', 'secp384r1'];
    sctx._groups = ['secp384r1'];
    const second = connect(cctx, sctx, first.client.session);
    assert.equal(second.server.handshakeInfo().helloRetryRequest, true);
    assert.equal(second.server.sessionReused, true);
    assert.equal(second.client.sessionReused, true);
  });
});

describe('SSLSession API as Python', () => {
  test('session setter checks', () => {
    const { cctx, sctx } = contexts();
    const first = connect(cctx, sctx);
    const sess = first.client.session!;
    assert.throws(() => {
      first.client.session = sess;
    }, (e: unknown) => e instanceof ValueError && /after handshake/.test((e as Error).message));
    const other = contexts().cctx;
    assert.throws(() => other.wrapBio(new MemoryBIO(), new MemoryBIO(), { serverHostname: 'localhost', session: sess }), /different SSLContext/);
    // CPython checks the context before the role.
    assert.throws(() => sctx.wrapBio(new MemoryBIO(), new MemoryBIO(), { serverSide: true, session: sess }), /different SSLContext/);
    const obj = cctx.wrapBio(new MemoryBIO(), new MemoryBIO(), { serverHostname: 'localhost' });
    assert.throws(() => {
      obj.session = 'x' as unknown as SSLSession;
    }, TypeError);
    obj.session = sess;
    assert.equal(obj.session, sess);
    assert.ok(first.client.session!.equals(first.client.session));
  });
});
