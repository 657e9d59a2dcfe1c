// SSLSocket (ctx.wrapSocket) over loopback TCP: Python's API and semantics,
// against node:tls and against itself. Failure paths must reject promptly
// and never leave an unhandled rejection behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { X509Certificate, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import {
  OSError,
  SSLCertVerificationError,
  SSLEOFError,
  SSLError,
  SSLSocket,
  SSLWantReadError,
  TimeoutError,
  ValueError,
} from '../../src/index.js';
import {
  CHAIN_PEM,
  FIX,
  KEY_PEM,
  clientCtx,
  delay,
  guardUnhandled,
  listen,
  recvExactly,
  serverCtx,
  tcpConnect,
  tcpPair,
  within,
} from './net-helpers.js';

guardUnhandled();

/** node:tls echo server (ends when the client ends). */
async function nodeEcho(extra: tls.TlsOptions = {}) {
  const server = tls.createServer({ key: KEY_PEM, cert: CHAIN_PEM, ...extra }, (s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  const errors: Error[] = [];
  server.on('tlsClientError', (e) => errors.push(e));
  return { ...(await listen(server)), errors };
}

test('wrapSocket validates like Python and leaves a rejected socket untouched', { timeout: 10000 }, async () => {
  const pair = await tcpPair();
  try {
    const ctx = clientCtx();
    assert.throws(() => ctx.wrapSocket(pair.client), (e) => e instanceof ValueError && e.message === 'check_hostname requires server_hostname');
    assert.throws(
      () => serverCtx().wrapSocket(pair.server, { serverSide: true, serverHostname: 'localhost' }),
      (e) => e instanceof ValueError && /server_hostname can only be specified in client mode/.test(e.message),
    );
    assert.throws(() => ctx.wrapSocket({} as net.Socket, { serverHostname: 'localhost' }), TypeError);
    assert.throws(() => new (SSLSocket as unknown as new (...a: unknown[]) => SSLSocket)(Symbol(), ctx, pair.client, {}), /does not have a public constructor/);
    assert.equal(pair.client.listenerCount('readable'), 0, 'no listener left on the socket');
  } finally {
    await pair.stop();
  }
});

test('client against node:tls: handshake, details, echo with recv/recvInto/read, iteration, close', { timeout: 15000 }, async () => {
  const srv = await nodeEcho({ ALPNProtocols: ['h2', 'http/1.1'] });
  try {
    const ctx = clientCtx();
    ctx.setAlpnProtocols(['http/1.1']);
    const ss = ctx.wrapSocket(await tcpConnect(srv.port), { serverHostname: 'localhost' });
    await ss.doHandshake();
    await ss.doHandshake(); // a second call is a no-op, as in Python
    assert.equal(ss.version(), 'TLSv1.3');
    assert.equal(ss.cipher()?.[1], 'TLSv1.3');
    assert.equal(ss.selectedAlpnProtocol(), 'http/1.1');
    const dict = ss.getPeerCert();
    assert.ok(dict && 'subject' in dict);
    assert.deepEqual(dict.subject.at(-1), [['commonName', 'localhost']]);
    const der = ss.getPeerCert(true)!;
    assert.equal(new X509Certificate(der).fingerprint256, new X509Certificate(CHAIN_PEM).fingerprint256);
    assert.equal(ss.getChannelBinding('tls-unique')?.length, 48); // Finished of a SHA-384 suite
    assert.equal(ss.getpeername()[0], '127.0.0.1');

    assert.equal(await ss.send(Buffer.from('ping')), 4);
    assert.equal(Buffer.from(await recvExactly(ss, 4)).toString(), 'ping');
    await ss.sendall(new TextEncoder().encode('abcdef'));
    const buf = new Uint8Array(3);
    assert.equal(await ss.recvInto(buf), 3);
    assert.equal(Buffer.from(buf).toString(), 'abc');
    const rest = new Uint8Array(8);
    assert.equal(await ss.read(3, rest), 3);
    assert.equal(Buffer.from(rest.subarray(0, 3)).toString(), 'def');
    await assert.rejects(ss.recv(10, 1), (e) => e instanceof ValueError && /non-zero flags/.test(e.message));
    await assert.rejects(ss.sendall('text' as unknown as Uint8Array), TypeError);

    // Iteration ends at the server's close_notify: make the server end by half-closing ourselves.
    await ss.write(Buffer.from('tail'));
    await delay(20);
    ss.driver.closeWrite();
    const chunks: Buffer[] = [];
    for await (const c of ss) chunks.push(Buffer.from(c));
    assert.equal(Buffer.concat(chunks).toString(), 'tail');
    assert.equal(ss.closeNotifyReceived, true);
    assert.deepEqual(await ss.recv(10), new Uint8Array(0), 'b"" after close_notify');

    await within(ss.close(), 5000, 'close');
    assert.equal(ss.socket.destroyed, true);
    assert.equal(ss.version(), null, 'details are gone after close, as in Python');
    await assert.rejects(ss.recv(1), (e) => e instanceof OSError && e.errno === 9);
  } finally {
    await srv.stop();
  }
});

test('ssl-ts both ends: doHandshakeOnConnect=false starts on first I/O; 1 MiB each way; unwrap back to plaintext', { timeout: 15000 }, async () => {
  const pair = await tcpPair();
  try {
    const server = serverCtx().wrapSocket(pair.server, { serverSide: true });
    const client = clientCtx().wrapSocket(pair.client, { serverHostname: 'localhost', doHandshakeOnConnect: false });
    await delay(50);
    assert.equal(client.driver.handshakeStarted, false, 'nothing happens before the first I/O call');
    const up = randomBytes(1 << 20);
    const down = randomBytes(1 << 20);
    const [, gotUp, , gotDown] = await within(
      Promise.all([client.sendall(up), recvExactly(server, up.length), server.sendall(down), recvExactly(client, down.length)]),
      10000,
      'transfer',
    );
    assert.ok(gotUp.equals(up));
    assert.ok(gotDown.equals(down));
    assert.ok(server.getChannelBinding()!.length > 0);
    assert.deepEqual(server.getChannelBinding(), client.getChannelBinding());

    // Plaintext the client sends right after its close_notify must reach the server's plain socket.
    const [plainC, plainS] = await within(Promise.all([client.unwrap(), server.unwrap()]), 5000, 'unwrap');
    assert.equal(plainC, pair.client);
    assert.equal(plainS, pair.server);
    plainC.write('plain again\n');
    const [line] = (await once(plainS, 'data')) as [Buffer];
    assert.equal(line.toString(), 'plain again\n');
    await assert.rejects(client.recv(1), (e) => e instanceof OSError && e.errno === 9);
    assert.equal(client.version(), null);
  } finally {
    await pair.stop();
  }
});

test('ragged EOF: suppressRaggedEofs=true reads b"", false raises SSLEOFError', { timeout: 15000 }, async () => {
  for (const suppress of [true, false]) {
    const pair = await tcpPair();
    try {
      const server = serverCtx().wrapSocket(pair.server, { serverSide: true });
      const client = clientCtx().wrapSocket(pair.client, { serverHostname: 'localhost', suppressRaggedEofs: suppress });
      await Promise.all([server.doHandshake(), client.doHandshake()]);
      await server.sendall(Buffer.from('bye'));
      pair.server.end(); // TCP FIN, no close_notify
      assert.equal(Buffer.from(await recvExactly(client, 3)).toString(), 'bye');
      if (suppress) {
        assert.equal((await client.recv(10)).length, 0);
        assert.equal(client.closeNotifyReceived, false);
      } else {
        await assert.rejects(client.recv(10), (e) => e instanceof SSLEOFError && /UNEXPECTED_EOF_WHILE_READING/.test(e.message));
      }
      await client.close();
    } finally {
      await pair.stop();
    }
  }
});

test('abrupt reset surfaces as ECONNRESET on pending and later calls', { timeout: 15000 }, async () => {
  const pair = await tcpPair();
  try {
    const server = serverCtx().wrapSocket(pair.server, { serverSide: true });
    const client = clientCtx().wrapSocket(pair.client, { serverHostname: 'localhost' });
    await Promise.all([server.doHandshake(), client.doHandshake()]);
    // One round trip first, so the reset lands on an idle, established connection.
    await client.sendall(Buffer.from('hi'));
    assert.equal(Buffer.from(await recvExactly(server, 2)).toString(), 'hi');
    await delay(20);
    const pending = client.recv(100);
    pair.server.resetAndDestroy();
    await within(
      assert.rejects(pending, (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET'),
      5000,
      'recv after reset',
    );
    await assert.rejects(client.sendall(Buffer.from('x')), (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET');
  } finally {
    await pair.stop();
  }
});

test('certificate failure rejects doHandshake and alerts the peer; nothing unhandled', { timeout: 15000 }, async () => {
  const srv = await nodeEcho();
  try {
    const ss = clientCtx(FIX + 'other-ca.pem').wrapSocket(await tcpConnect(srv.port), { serverHostname: 'localhost' });
    await assert.rejects(ss.doHandshake(), (e) => e instanceof SSLCertVerificationError && e.verifyCode === 20);
    await assert.rejects(ss.recv(1), SSLCertVerificationError); // latched
    await within(
      (async () => {
        while (srv.errors.length === 0) await delay(10);
      })(),
      5000,
      'node to see the alert',
    );
    assert.match(String(srv.errors[0]), /unknown ca/i);
    await ss.close();
  } finally {
    await srv.stop();
  }
});

test('peer closing during the handshake rejects with SSLEOFError; close() before the handshake', { timeout: 15000 }, async () => {
  const l = await listen(net.createServer((s) => s.end()));
  try {
    const ss = clientCtx().wrapSocket(await tcpConnect(l.port), { serverHostname: 'localhost' });
    await within(assert.rejects(ss.doHandshake(), SSLEOFError), 5000, 'handshake EOF');
  } finally {
    await l.stop();
  }
  const stall = await listen(net.createServer(() => {}));
  try {
    const ss = clientCtx().wrapSocket(await tcpConnect(stall.port), { serverHostname: 'localhost' });
    const hs = ss.doHandshake();
    await ss.close();
    await assert.rejects(hs, /before the handshake completed/);
    assert.equal(ss.socket.destroyed, true);
  } finally {
    await stall.stop();
  }
});

test('stalled peer: handshake timeout aborts; settimeout raises Python TimeoutError; non-blocking raises SSLWantReadError', { timeout: 15000 }, async () => {
  // Accepts TCP, never speaks TLS.
  const stall = await listen(net.createServer(() => {}));
  try {
    const a = clientCtx().wrapSocket(await tcpConnect(stall.port), { serverHostname: 'localhost', handshakeTimeout: 300 });
    const t0 = Date.now();
    await within(
      assert.rejects(a.doHandshake(), (e) => e instanceof TimeoutError && /handshake is taking longer than 0.3 seconds/.test(e.message)),
      5000,
      'handshake timeout',
    );
    assert.ok(Date.now() - t0 >= 250);
    await within(once(a.socket, 'close'), 2000, 'socket closed after the timeout');

    const b = clientCtx().wrapSocket(await tcpConnect(stall.port), { serverHostname: 'localhost' });
    b.settimeout(0.2);
    assert.equal(b.gettimeout(), 0.2);
    await assert.rejects(b.doHandshake(), (e) => e instanceof TimeoutError && e.message === 'The handshake operation timed out');
    b.setblocking(false);
    await assert.rejects(b.recv(10), SSLWantReadError);
    assert.throws(() => b.settimeout(-1), (e) => e instanceof ValueError && e.message === 'Timeout value out of range');
    await b.close();
  } finally {
    await stall.stop();
  }
});

test('read and write timeouts leave the connection usable; writes wait for a slow reader with bounded buffering', { timeout: 20000 }, async () => {
  const pair = await tcpPair();
  try {
    const server = serverCtx().wrapSocket(pair.server, { serverSide: true });
    const client = clientCtx().wrapSocket(pair.client, { serverHostname: 'localhost' });
    await Promise.all([server.doHandshake(), client.doHandshake()]);
    client.settimeout(0.2);
    await assert.rejects(client.recv(10), (e) => e instanceof TimeoutError && e.message === 'The read operation timed out');
    // The server does not read: a large sendall must stall and time out instead of buffering it all.
    const big = Buffer.alloc(64 << 20);
    await assert.rejects(client.sendall(big), (e) => e instanceof TimeoutError && e.message === 'The write operation timed out');
    assert.ok(pair.client.writableLength < 1 << 20, `transport buffer stays small (${pair.client.writableLength})`);
    client.settimeout(null);
    await server.sendall(Buffer.from('still here'));
    assert.equal(Buffer.from(await recvExactly(client, 10)).toString(), 'still here');
  } finally {
    await pair.stop();
  }
});

test('unwrap before any handshake is an SSLError, as in CPython', { timeout: 10000 }, async () => {
  const pair = await tcpPair();
  try {
    const ss = clientCtx().wrapSocket(pair.client, { serverHostname: 'localhost', doHandshakeOnConnect: false });
    await assert.rejects(ss.unwrap(), (e) => e instanceof SSLError && /SHUTDOWN_WHILE_IN_INIT/.test(e.message));
    await ss.close();
  } finally {
    await pair.stop();
  }
});
