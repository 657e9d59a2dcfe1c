// The socket layer against real peers over loopback, in both roles:
// `openssl s_server` / `s_client`, node:tls, and Python's ssl with real
// sockets (py_socket_peer.py). Handshake, echo, a few MiB through openssl,
// half-close, clean close and abrupt ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { SSLEOFError, SSLSocket, connect, createServer, type TLSStream } from '../../src/index.js';
import {
  CA,
  CA_PEM,
  CHAIN_PEM,
  FIX,
  KEY_PEM,
  PY_PEER,
  clientCtx,
  delay,
  guardUnhandled,
  listen,
  pyResult,
  recvExactly,
  serverCtx,
  startChild,
  tcpConnect,
  within,
} from './net-helpers.js';

guardUnhandled();

const OPENSSL_SERVER_CERT = ['-cert', FIX + 'leaf-ecdsa-p256.pem', '-cert_chain', FIX + 'inter.pem', '-key', FIX + 'leaf-ecdsa-p256.key'];

/** A net server whose connections are wrapped in server-side SSLSockets and handed to `onSocket`. */
async function ourServer(onSocket: (s: SSLSocket) => Promise<void>, opts: { suppressRaggedEofs?: boolean; alpn?: string[] } = {}) {
  const ctx = serverCtx(opts.alpn);
  const done: Promise<void>[] = [];
  const l = await listen(
    net.createServer({ allowHalfOpen: true }, (sock) => {
      const ss = ctx.wrapSocket(sock, { serverSide: true, suppressRaggedEofs: opts.suppressRaggedEofs });
      done.push(onSocket(ss));
    }),
  );
  return { ...l, handled: () => Promise.all(done) };
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

// ------------------------------------------------------------------ openssl

test('openssl s_client → our server: 4 MiB echoed through, then our close_notify ends s_client cleanly', { timeout: 30000 }, async () => {
  const payload = randomBytes(4 << 20);
  let serverSaw = '';
  const srv = await ourServer(async (ss) => {
    let n = 0;
    const h = createHash('sha256');
    while (n < payload.length) {
      const c = await ss.recv(65536);
      if (c.length === 0) break;
      n += c.length;
      h.update(c);
      await ss.sendall(c);
    }
    serverSaw = h.digest('hex');
    await ss.close();
  });
  const child = spawn(
    'openssl',
    ['s_client', '-connect', `127.0.0.1:${srv.port}`, '-quiet', '-CAfile', CA, '-servername', 'localhost', '-verify_return_error'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  try {
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.on('error', () => {});
    child.stdin.end(payload);
    const [code] = (await within(once(child, 'close'), 25000, 's_client to finish')) as [number];
    assert.equal(code, 0, err);
    await within(srv.handled(), 5000, 'server done');
    assert.equal(serverSaw, sha256(payload));
    assert.equal(sha256(Buffer.concat(out)), sha256(payload), 'echo intact');
  } finally {
    child.kill('SIGKILL');
    await srv.stop();
  }
});

test('our client → openssl s_server -rev: echo, then unwrap() gets s_server\'s close_notify', { timeout: 20000 }, async () => {
  const s = startChild('openssl', ['s_server', '-accept', '127.0.0.1:0', '-rev', ...OPENSSL_SERVER_CERT]);
  try {
    const port = Number((await s.waitStdout(/ACCEPT\s+\S*:(\d+)/, 10000))[1]);
    const sock = await tcpConnect(port);
    const ss = clientCtx().wrapSocket(sock, { serverHostname: 'localhost' });
    await ss.sendall(Buffer.from('hello world\n'));
    assert.equal(Buffer.from(await recvExactly(ss, 12)).toString(), 'dlrow olleh\n');
    assert.equal(ss.version(), 'TLSv1.3');
    const plain = await within(ss.unwrap(), 5000, 'unwrap');
    assert.equal(plain, sock);
    plain.destroy();
  } finally {
    await s.kill();
  }
});

test('openssl peers killed mid-connection: SSLEOFError (or ECONNRESET), never a hang', { timeout: 20000 }, async () => {
  // Our client, s_server dies.
  const s = startChild('openssl', ['s_server', '-accept', '127.0.0.1:0', '-rev', ...OPENSSL_SERVER_CERT]);
  try {
    const port = Number((await s.waitStdout(/ACCEPT\s+\S*:(\d+)/, 10000))[1]);
    const ss = clientCtx().wrapSocket(await tcpConnect(port), { serverHostname: 'localhost', suppressRaggedEofs: false });
    await ss.doHandshake();
    const check = assert.rejects(ss.recv(100), (e: NodeJS.ErrnoException) => e instanceof SSLEOFError || e.code === 'ECONNRESET');
    await s.kill();
    await within(check, 5000, 'recv after s_server died');
    await ss.close();
  } finally {
    await s.kill();
  }

  // Our server, s_client dies.
  let outcome: unknown = null;
  const srv = await ourServer(
    async (ss) => {
      try {
        for (;;) if ((await ss.recv(1000)).length === 0) break;
        outcome = 'clean';
      } catch (e) {
        outcome = e;
      }
    },
    { suppressRaggedEofs: false },
  );
  const c = startChild('openssl', ['s_client', '-connect', `127.0.0.1:${srv.port}`, '-quiet', '-CAfile', CA, '-servername', 'localhost']);
  try {
    c.child.stdin!.write('partial data\n');
    await delay(300);
    await c.kill();
    await within(srv.handled(), 5000, 'server to notice');
    assert.ok(
      outcome instanceof SSLEOFError || (outcome as NodeJS.ErrnoException)?.code === 'ECONNRESET',
      `got ${String(outcome)}`,
    );
  } finally {
    await c.kill();
    await srv.stop();
  }
});

// ------------------------------------------------------------------ node:tls

test('node:tls both roles: half-close (allowHalfOpen) lets the answer come after our end()', { timeout: 20000 }, async () => {
  // Our TLSStream client, node server that answers only after the request ended.
  const nodeSrv = await listen(
    tls.createServer({ key: KEY_PEM, cert: CHAIN_PEM, allowHalfOpen: true }, (s) => {
      s.on('error', () => {});
      const parts: Buffer[] = [];
      s.on('data', (d: Buffer) => parts.push(d));
      s.on('end', () => s.end(`got ${Buffer.concat(parts).length} bytes after your end`));
    }),
  );
  try {
    const c = connect({ host: '127.0.0.1', port: nodeSrv.port, servername: 'localhost', ca: CA_PEM, allowHalfOpen: true });
    await once(c, 'secureConnect');
    const closed = once(c, 'close');
    c.end(Buffer.alloc(1000, 1));
    const chunks: Buffer[] = [];
    c.on('data', (d: Buffer) => chunks.push(d));
    await within(once(c, 'end'), 5000, 'end');
    assert.equal(Buffer.concat(chunks).toString(), 'got 1000 bytes after your end');
    assert.equal(c.closeNotifyReceived, true);
    await within(closed, 5000, 'close');
  } finally {
    await nodeSrv.stop();
  }

  // node client (allowHalfOpen), our server answering after the client's end.
  const ours = createServer({ key: KEY_PEM, cert: CHAIN_PEM, allowHalfOpen: true }, (s: TLSStream) => {
    let n = 0;
    s.on('data', (d: Buffer) => (n += d.length));
    s.on('end', () => s.end(`server saw ${n}`));
  });
  const l = await listen(ours);
  try {
    const opts = { host: '127.0.0.1', port: l.port, servername: 'localhost', ca: CA_PEM, allowHalfOpen: true };
    const c = tls.connect(opts as tls.ConnectionOptions);
    const closed = once(c, 'close');
    await once(c, 'secureConnect');
    c.end(Buffer.alloc(2000, 2));
    const chunks: Buffer[] = [];
    c.on('data', (d: Buffer) => chunks.push(d));
    await within(once(c, 'end'), 5000, 'node client end');
    assert.equal(Buffer.concat(chunks).toString(), 'server saw 2000');
    await within(closed, 5000, 'node client close');
  } finally {
    await l.stop();
  }
});

test('node:tls both roles: clean close both ways, and a reset peer gives ECONNRESET', { timeout: 20000 }, async () => {
  // Our client; node's raw socket is reset after the echo.
  let raw: net.Socket | null = null;
  const nodeSrv = await listen(
    net.createServer((sock) => {
      raw = sock;
      const t = new tls.TLSSocket(sock, { isServer: true, secureContext: tls.createSecureContext({ key: KEY_PEM, cert: CHAIN_PEM }) });
      t.on('error', () => {});
      t.pipe(t);
    }),
  );
  try {
    const c = connect({ host: '127.0.0.1', port: nodeSrv.port, servername: 'localhost', ca: CA_PEM });
    const errored = new Promise<Error>((resolve) => c.once('error', resolve));
    const closed = new Promise((resolve) => c.once('close', resolve));
    c.write('echo me');
    const [d] = (await once(c, 'data')) as [Buffer];
    assert.equal(d.toString(), 'echo me');
    (raw as net.Socket | null)!.resetAndDestroy();
    const err = (await within(errored, 5000, 'error after reset')) as NodeJS.ErrnoException;
    assert.equal(err.code, 'ECONNRESET');
    await within(closed, 5000, 'close after reset');
  } finally {
    await nodeSrv.stop();
  }

  // node client, our server: clean close initiated by node, then a reset one.
  const closes: Array<{ err: Error | null; closeNotify: boolean }> = [];
  const ours = createServer({ key: KEY_PEM, cert: CHAIN_PEM }, (s: TLSStream) => {
    let err: Error | null = null;
    s.on('error', (e) => (err = e));
    s.pipe(s);
    s.on('close', () => closes.push({ err, closeNotify: s.closeNotifyReceived }));
  });
  const l = await listen(ours);
  try {
    const c = tls.connect({ host: '127.0.0.1', port: l.port, servername: 'localhost', ca: CA_PEM });
    await once(c, 'secureConnect');
    c.write('x');
    await once(c, 'data');
    c.end();
    await within(once(c, 'close'), 5000, 'node client close');
    await within((async () => { while (closes.length < 1) await delay(10); })(), 5000, 'our close');
    assert.deepEqual(closes[0], { err: null, closeNotify: true });

    const rawSock = await tcpConnect(l.port);
    const c2 = tls.connect({ socket: rawSock, servername: 'localhost', ca: CA_PEM });
    c2.on('error', () => {});
    await once(c2, 'secureConnect');
    c2.write('y');
    await once(c2, 'data');
    rawSock.resetAndDestroy();
    await within((async () => { while (closes.length < 2) await delay(10); })(), 5000, 'our close after reset');
    assert.equal((closes[1]!.err as NodeJS.ErrnoException | null)?.code, 'ECONNRESET');
  } finally {
    await l.stop();
  }
});

// ------------------------------------------------------------------ Python

test('Python ssl server with real sockets ← our SSLSocket client: echo, unwrap both ways', { timeout: 20000 }, async () => {
  const py = startChild('python3', [PY_PEER, '--role', 'server', '--cert', FIX + 'leaf-ecdsa-p256-chain.pem', '--key', FIX + 'leaf-ecdsa-p256.key', '--alpn', 'x-test']);
  try {
    const port = Number((await py.waitStdout(/PORT (\d+)/, 10000))[1]);
    const ctx = clientCtx();
    ctx.setAlpnProtocols(['x-test']);
    const sock = await tcpConnect(port);
    const ss = ctx.wrapSocket(sock, { serverHostname: 'localhost' });
    const msg = randomBytes(300_000);
    const [, echoed] = await Promise.all([ss.sendall(msg), recvExactly(ss, msg.length)]);
    assert.ok(echoed.equals(msg));
    assert.equal(ss.selectedAlpnProtocol(), 'x-test');
    const plain = await within(ss.unwrap(), 5000, 'unwrap');
    assert.equal(plain, sock);
    plain.end();
    await within(py.exited, 10000, 'python to exit');
    const r = pyResult(py);
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.received, msg.length);
    assert.equal(r.sha256, sha256(msg));
    assert.equal(r.version, 'TLSv1.3');
    assert.equal(r.alpn, 'x-test');
  } finally {
    await py.kill();
  }
});

test('Python ssl client with real sockets → our SSLSocket server: echo until close_notify, unwrap answers', { timeout: 20000 }, async () => {
  let serverVersion: string | null = null;
  const srv = await ourServer(
    async (ss) => {
      for (;;) {
        const c = await ss.recv(65536);
        if (c.length === 0) break;
        await ss.sendall(c);
      }
      serverVersion = ss.version();
      const plain = await ss.unwrap();
      plain.end();
    },
    { alpn: ['x-test'] },
  );
  const py = startChild('python3', [PY_PEER, '--role', 'client', '--port', String(srv.port), '--cafile', CA, '--alpn', 'x-test', '--repeat', '20000']);
  try {
    await within(py.exited, 15000, 'python client to exit');
    await within(srv.handled(), 5000, 'our server to finish');
    const r = pyResult(py);
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.echoed, true);
    assert.equal(r.received, 'hello from python'.length * 20000);
    assert.equal(r.version, 'TLSv1.3');
    assert.equal(r.alpn, 'x-test');
    assert.equal(r.peer_cn, 'localhost');
    assert.equal(serverVersion, 'TLSv1.3');
  } finally {
    await py.kill();
    await srv.stop();
  }
});
