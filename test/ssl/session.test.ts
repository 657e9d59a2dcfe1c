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
    assert.equal(second.server.handshakeInfo().group, 'X25519MLKEM768', 'a key share was used: psk_dhe_ke');
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

describe('TLS 1.2 resumption between our client and server', () => {
  test('RFC 5077 ticket: resumed on both ends, session id is SHA-256 of the ticket', () => {
    const { cctx, sctx } = contexts(TLSVersion.TLSv1_2);
    const first = connect(cctx, sctx);
    assert.equal(first.client.version(), 'TLSv1.2');
    const sess = first.client.session!;
    assert.equal(sess.hasTicket, true);
    assert.equal(sess.ticketLifetimeHint, 7200);
    assert.equal(sess.id.length, 32);
    // The server issued a ticket, so its own session has no id (as OpenSSL).
    assert.equal(first.server.session!.id.length, 0);
    const second = connect(cctx, sctx, sess);
    assert.equal(second.client.sessionReused, true);
    assert.equal(second.server.sessionReused, true);
    assert.ok(!second.trace.includes(CERTIFICATE));
    assert.ok(second.client.session!.equals(sess));
    assert.equal(sctx.sessionStats().hits, 1);
    assert.equal(sctx.sessionStats().number, 0);
  });

  test('session ids and the server cache with OP_NO_TICKET', () => {
    const { cctx, sctx } = contexts(TLSVersion.TLSv1_2);
    sctx.options |= OP_NO_TICKET;
    const first = connect(cctx, sctx);
    const sess = first.client.session!;
    assert.equal(sess.hasTicket, false);
    assert.equal(sess.ticketLifetimeHint, 0);
    assert.deepEqual(Buffer.from(sess.id), Buffer.from(first.server.session!.id));
    assert.equal(sctx.sessionStats().number, 1);
    const second = connect(cctx, sctx, sess);
    assert.equal(second.client.sessionReused, true);
    assert.equal(second.server.sessionReused, true);
    // Session ids may be resumed again.
    assert.equal(connect(cctx, sctx, sess).server.sessionReused, true);
  });

  test('client OP_NO_TICKET: no session_ticket extension, the server falls back to ids', () => {
    const { cctx, sctx } = contexts(TLSVersion.TLSv1_2);
    cctx.options |= OP_NO_TICKET;
    const first = connect(cctx, sctx);
    assert.equal(first.client.session!.hasTicket, false);
    assert.equal(connect(cctx, sctx, first.client.session).server.sessionReused, true);
  });

  test('an id the LRU cache evicted gives a full handshake', () => {
    const { cctx, sctx } = contexts(TLSVersion.TLSv1_2);
    sctx.options |= OP_NO_TICKET;
    sctx.sessionCacheSize = 2;
    const first = connect(cctx, sctx).client.session!;
    connect(cctx, sctx);
    connect(cctx, sctx);
    const s = sctx.sessionStats();
    assert.equal(s.number, 2);
    assert.equal(s.cache_full, 1);
    const again = connect(cctx, sctx, first);
    assert.equal(again.server.sessionReused, false);
    assert.equal(again.client.sessionReused, false);
    assert.equal(sctx.sessionStats().misses, 1);
  });
});

describe('sessions that must not resume', () => {
  const reasonOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      return (e as { reason?: string }).reason ?? String(e);
    }
    return 'no error';
  };

  for (const version of [TLSVersion.TLSv1_3, TLSVersion.TLSv1_2]) {
    const v = version === TLSVersion.TLSv1_3 ? '1.3' : '1.2';
    test(`TLS ${v}: a tampered ticket gives a full handshake`, () => {
      const { cctx, sctx } = contexts(version);
      const sess = connect(cctx, sctx).client.session!;
      const t = sess._state!.ticket!;
      t[t.length - 3]! ^= 0x40;
      const second = connect(cctx, sctx, sess);
      assert.equal(second.server.sessionReused, false);
      assert.equal(second.client.sessionReused, false);
      assert.ok(second.trace.includes(CERTIFICATE));
      assert.equal(sctx.sessionStats().misses, 1);
    });

    test(`TLS ${v}: a ticket from another context gives a full handshake`, () => {
      const { cctx, sctx } = contexts(version);
      const sess = connect(cctx, sctx).client.session!;
      const other = contexts(version).sctx;
      assert.equal(connect(cctx, other, sess).server.sessionReused, false);
      // Unless both contexts share their ticket keys.
      const key = SSLContext.generateTicketKey();
      sctx.setTicketKeys([key]);
      other.setTicketKeys([key]);
      const shared = connect(cctx, sctx).client.session!;
      assert.equal(connect(cctx, other, shared).server.sessionReused, true);
    });

    test(`TLS ${v}: an expired ticket gives a full handshake (server clock)`, async () => {
      const { cctx, sctx } = contexts(version);
      sctx.sessionTimeout = 1;
      const sess = connect(cctx, sctx).client.session!;
      // Our client would not offer it either: make it believe it is still fresh.
      sess._state!.lifetime = 7200;
      await new Promise((r) => setTimeout(r, 1100));
      const second = connect(cctx, sctx, sess);
      assert.equal(second.server.sessionReused, false);
      assert.equal(sctx.sessionStats().timeouts, 1);
    });
  }

  test('ticket key rotation: old tickets still resume, retired keys do not', () => {
    const { cctx, sctx } = contexts();
    const old = connect(cctx, sctx).client.session!;
    sctx.rotateTicketKey();
    assert.equal(connect(cctx, sctx, old).server.sessionReused, true);
    const old2 = connect(cctx, sctx).client.session!;
    for (let i = 0; i < 4; i++) sctx.rotateTicketKey();
    assert.equal(connect(cctx, sctx, old2).server.sessionReused, false);
  });

  test('TLS 1.3: a binder that does not verify is fatal (decrypt_error), as OpenSSL', () => {
    const { cctx, sctx } = contexts();
    const sess = connect(cctx, sctx).client.session!;
    sess._state!.secret[0]! ^= 1;
    assert.equal(reasonOf(() => connect(cctx, sctx, sess)), 'BINDER_DOES_NOT_VERIFY');
  });

  test('TLS 1.3: a suite whose hash differs gives a full handshake', () => {
    const { cctx, sctx } = contexts();
    const first = connect(cctx, sctx);
    assert.equal(first.client.cipher()![0], 'TLS_AES_256_GCM_SHA384');
    sctx._tls13Ciphers = ['TLS_AES_128_GCM_SHA256'];
    const second = connect(cctx, sctx, first.client.session);
    assert.equal(second.server.sessionReused, false);
    assert.equal(second.client.cipher()![0], 'TLS_AES_128_GCM_SHA256');
    // The same hash (SHA-256 for both) resumes across suites, as RFC 8446 allows.
    const third = connect(cctx, sctx, second.client.session);
    assert.equal(third.server.sessionReused, true);
  });

  test('TLS 1.2: a session whose suite the server no longer allows gives a full handshake', () => {
    const { cctx, sctx } = contexts(TLSVersion.TLSv1_2);
    const first = connect(cctx, sctx);
    sctx.setCiphers('ECDHE-ECDSA-CHACHA20-POLY1305');
    assert.equal(connect(cctx, sctx, first.client.session).server.sessionReused, false);
  });
});
