// The node-native surface: connect() / createServer() / TLSStream with
// node:tls, node:http(s) and stream.pipeline; getServerCertificate()
// compared with Python's ssl.get_server_certificate().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  SSLCertVerificationError,
  TimeoutError,
  TLSStream,
  connect,
  createServer,
  getServerCertificate,
  type ConnectOptions,
} from '../../src/index.js';
import {
  CA,
  CA_PEM,
  CHAIN_PEM,
  FIX,
  KEY_PEM,
  PY_PEER,
  clientCtx,
  guardUnhandled,
  listen,
  serverCtx,
  startChild,
  within,
} from './net-helpers.js';
import { readFileSync } from 'node:fs';

guardUnhandled();

function get(options: https.RequestOptions): Promise<{ status: number; body: string; reused: boolean; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const req = https.get(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, reused: req.reusedSocket, socket: req.socket! }));
      res.on('error', reject);
    });
    req.setTimeout(10000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
  });
}

test('connect() to node:tls: secureConnect, authorized, ALPN, SNI, pipeline round trip', { timeout: 15000 }, async () => {
  let sni: string | false = false;
  const srv = await listen(
    tls.createServer({ key: KEY_PEM, cert: CHAIN_PEM, ALPNProtocols: ['x-echo'] }, (s) => {
      sni = (s as tls.TLSSocket & { servername: string | false }).servername;
      s.on('error', () => {});
      s.pipe(s);
    }),
  );
  try {
    const c = connect({ host: '127.0.0.1', port: srv.port, servername: 'localhost', ca: CA_PEM, ALPNProtocols: ['x-echo'] });
    await once(c, 'secureConnect');
    assert.equal(c.authorized, true);
    assert.equal(c.alpnProtocol, 'x-echo');
    assert.equal(c.getProtocol(), 'TLSv1.3');
    assert.equal(c.encrypted, true);
    assert.equal(c.remotePort, srv.port);

    const chunks = Array.from({ length: 64 }, () => randomBytes(16384));
    const got: Buffer[] = [];
    await within(
      pipeline(
        Readable.from(chunks),
        c,
        new Writable({
          write(chunk: Buffer, _enc, cb) {
            got.push(chunk);
            cb();
          },
        }),
      ),
      10000,
      'pipeline',
    );
    assert.ok(Buffer.concat(got).equals(Buffer.concat(chunks)));
    assert.equal(c.destroyed, true);
    assert.equal(sni, 'localhost');
  } finally {
    await srv.stop();
  }
});

test('createServer() with node:tls clients: secureConnection, SNI, client certificates, tlsClientError', { timeout: 15000 }, async () => {
  const ours = createServer({ key: KEY_PEM, cert: CHAIN_PEM, ca: CA_PEM, requestCert: true }, (s: TLSStream) => {
    s.end(`hello ${s.servername} cert=${s.authorized}`);
  });
  const clientErrors: Error[] = [];
  ours.on('tlsClientError', (e: Error) => clientErrors.push(e));
  const l = await listen(ours);
  try {
    const c = tls.connect({
      host: '127.0.0.1',
      port: l.port,
      servername: 'localhost',
      ca: CA_PEM,
      cert: readFileSync(FIX + 'client-chain.pem'),
      key: readFileSync(FIX + 'client.key'),
    });
    const chunks: Buffer[] = [];
    c.on('data', (d: Buffer) => chunks.push(d));
    await within(once(c, 'end'), 5000, 'answer');
    assert.equal(Buffer.concat(chunks).toString(), 'hello localhost cert=true');
    c.end();

    // No client certificate: the server refuses, reports it as tlsClientError, and keeps serving.
    const bare = tls.connect({ host: '127.0.0.1', port: l.port, servername: 'localhost', ca: CA_PEM });
    const failure = await new Promise<Error | null>((resolve) => {
      bare.on('error', resolve);
      bare.on('data', () => {});
      bare.on('close', () => resolve(null));
    });
    assert.ok(failure, 'node sees the refusal');
    await within((async () => { while (clientErrors.length === 0) await new Promise((r) => setTimeout(r, 10)); })(), 5000, 'tlsClientError');
    assert.match(String(clientErrors[0]), /PEER_DID_NOT_RETURN_A_CERTIFICATE|certificate/i);
  } finally {
    await l.stop();
  }
});

test('rejectUnauthorized: default fails with SSLCertVerificationError; false connects with authorized=false', { timeout: 15000 }, async () => {
  const srv = await listen(
    tls.createServer({ key: readFileSync(FIX + 'untrusted.key'), cert: readFileSync(FIX + 'untrusted-chain.pem') }, (s) => {
      s.on('error', () => {});
      s.end('ok');
    }),
  );
  try {
    const strict = connect({ host: '127.0.0.1', port: srv.port, servername: 'localhost', ca: CA_PEM });
    const [err] = (await within(once(strict, 'error').catch((e: unknown) => [e]), 5000, 'error')) as [Error];
    assert.ok(err instanceof SSLCertVerificationError, String(err));

    const lax = connect({ host: '127.0.0.1', port: srv.port, servername: 'localhost', ca: CA_PEM, rejectUnauthorized: false });
    await once(lax, 'secureConnect');
    assert.equal(lax.authorized, false);
    assert.match(String(lax.authorizationError), /unable to get local issuer certificate|self.signed|issuer/i);
    lax.resume();
    await within(once(lax, 'end'), 5000, 'end');
  } finally {
    await srv.stop();
  }
});

test('https.get through connect() as createConnection to a node:https server', { timeout: 15000 }, async () => {
  const server = https.createServer({ key: KEY_PEM, cert: CHAIN_PEM }, (req, res) => {
    res.setHeader('x-tls', String((req.socket as tls.TLSSocket).getProtocol?.()));
    res.end(`you asked for ${req.url}`);
  });
  const l = await listen(server);
  try {
    const createConnection = ((opts: ConnectOptions) => connect({ ...opts, servername: 'localhost', ca: CA_PEM })) as unknown as https.RequestOptions['createConnection'];
    const r = await get({ host: '127.0.0.1', port: l.port, path: '/one', createConnection });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'you asked for /one');
    assert.ok(r.socket instanceof TLSStream);

    // Keep-alive through an Agent whose connections are ours.
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    (agent as unknown as { createConnection: unknown }).createConnection = createConnection;
    const bodies: string[] = [];
    const sockets = new Set<net.Socket>();
    for (let i = 0; i < 4; i++) {
      const res = await get({ host: '127.0.0.1', port: l.port, path: `/ka${i}`, agent });
      bodies.push(res.body);
      sockets.add(res.socket);
      assert.equal(res.reused, i > 0);
    }
    assert.deepEqual(bodies, ['you asked for /ka0', 'you asked for /ka1', 'you asked for /ka2', 'you asked for /ka3']);
    assert.equal(sockets.size, 1, 'one connection carried every request');
    agent.destroy();
  } finally {
    server.closeAllConnections();
    await l.stop();
  }
});

test("node's https.get to our createServer() feeding an http.Server; keep-alive with several requests", { timeout: 15000 }, async () => {
  const httpServer = http.createServer((req, res) => {
    const s = req.socket as unknown as TLSStream;
    res.end(`${req.method} ${req.url} over ${s.version()} alpn=${s.alpnProtocol}`);
  });
  const ours = createServer({ key: KEY_PEM, cert: CHAIN_PEM, ALPNProtocols: ['http/1.1'] }, (s) => httpServer.emit('connection', s));
  const l = await listen(ours);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: CA_PEM, servername: 'localhost' } as https.AgentOptions);
  try {
    const seen = new Set<net.Socket>();
    for (let i = 0; i < 5; i++) {
      const r = await get({ host: '127.0.0.1', port: l.port, path: `/req/${i}`, agent, ALPNProtocols: ['http/1.1'] } as https.RequestOptions);
      assert.equal(r.status, 200);
      assert.equal(r.body, `GET /req/${i} over TLSv1.3 alpn=http/1.1`);
      assert.equal(r.reused, i > 0);
      seen.add(r.socket);
    }
    assert.equal(seen.size, 1);
    // A fresh connection without keep-alive also works.
    const once_ = await get({ host: '127.0.0.1', port: l.port, path: '/solo', ca: CA_PEM, servername: 'localhost', agent: false });
    assert.equal(once_.body, 'GET /solo over TLSv1.3 alpn=false');
  } finally {
    agent.destroy();
    httpServer.close();
    await l.stop();
  }
});

test('getServerCertificate matches Python ssl.get_server_certificate; caCerts verifies; timeout', { timeout: 20000 }, async () => {
  const srv = await listen(
    tls.createServer({ key: KEY_PEM, cert: CHAIN_PEM }, (s) => {
      s.on('error', () => {});
      s.resume();
    }),
  );
  try {
    const pem = await within(getServerCertificate(['127.0.0.1', srv.port], { timeout: 5 }), 10000, 'getServerCertificate');
    const py = startChild('python3', [PY_PEER, '--role', 'getcert', '--port', String(srv.port)], 'ignore');
    const code = await within(py.exited, 10000, 'python');
    assert.equal(code, 0, py.stderr());
    assert.equal(pem, py.stdout(), 'same PEM text as Python');
    assert.match(pem, /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);

    assert.equal(await getServerCertificate(['127.0.0.1', srv.port], { caCerts: CA }), pem);
    await assert.rejects(getServerCertificate(['127.0.0.1', srv.port], { caCerts: FIX + 'other-ca.pem' }), SSLCertVerificationError);
  } finally {
    await srv.stop();
  }
  const stall = await listen(net.createServer(() => {}));
  try {
    const t0 = Date.now();
    await assert.rejects(getServerCertificate(['127.0.0.1', stall.port], { timeout: 0.3 }), TimeoutError);
    assert.ok(Date.now() - t0 < 3000);
  } finally {
    await stall.stop();
  }
});

test('a stalled handshake hits handshakeTimeout on both connect() and createServer()', { timeout: 15000 }, async () => {
  const stall = await listen(net.createServer(() => {}));
  try {
    const c = connect({ host: '127.0.0.1', port: stall.port, servername: 'localhost', ca: CA_PEM, handshakeTimeout: 250 });
    const [err] = (await within(once(c, 'error').catch((e: unknown) => [e]), 5000, 'client timeout')) as [Error];
    assert.ok(err instanceof TimeoutError, String(err));
    assert.match(err.message, /handshake is taking longer/);
  } finally {
    await stall.stop();
  }
  const ours = createServer({ key: KEY_PEM, cert: CHAIN_PEM, handshakeTimeout: 250 }, () => assert.fail('no handshake expected'));
  const errors: Error[] = [];
  ours.on('tlsClientError', (e: Error) => errors.push(e));
  const l = await listen(ours);
  try {
    const raw = net.connect(l.port, '127.0.0.1');
    raw.on('error', () => {});
    raw.write(Buffer.from([0x16, 0x03, 0x01])); // half a record header, then silence
    await within(once(raw, 'close'), 5000, 'server to drop the stalled client');
    assert.ok(errors[0] instanceof TimeoutError, String(errors[0]));
  } finally {
    await l.stop();
  }
});

test('ssl-ts both ends through TLSStream and SSLSocket share a connection cleanly', { timeout: 15000 }, async () => {
  const ours = createServer({ context: serverCtx() }, (s: TLSStream) => s.pipe(s));
  const l = await listen(ours);
  try {
    const sock = net.connect(l.port, '127.0.0.1');
    const ss = clientCtx().wrapSocket(sock, { serverHostname: 'localhost' });
    const data = randomBytes(200_000);
    await ss.sendall(data);
    const parts: Uint8Array[] = [];
    let n = 0;
    while (n < data.length) {
      const c = await ss.recv(65536);
      parts.push(c);
      n += c.length;
    }
    assert.ok(Buffer.concat(parts).equals(data));
    await within(ss.close(), 5000, 'close');
    assert.equal(sock.destroyed, true);
  } finally {
    await l.stop();
  }
});
