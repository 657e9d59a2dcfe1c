// SocketPump: an SSLObject driven over a real loopback socket, against
// node:tls and against another SocketPump.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import {
  MemoryBIO,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  SSLCertVerificationError,
  SSLContext,
} from '../../src/index.js';
import { SocketPump } from '../../src/net/socket-pump.js';

const FIX = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const KEY = readFileSync(FIX + 'leaf-ecdsa-p256.key');
const CHAIN = readFileSync(FIX + 'leaf-ecdsa-p256-chain.pem');

function clientCtx(cafile = FIX + 'ca.pem'): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.loadVerifyLocations({ cafile });
  return ctx;
}

function serverCtx(): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.loadCertChain(FIX + 'leaf-ecdsa-p256-chain.pem', FIX + 'leaf-ecdsa-p256.key');
  return ctx;
}

function clientPump(sock: net.Socket, ctx = clientCtx()): SocketPump {
  const inc = new MemoryBIO();
  const out = new MemoryBIO();
  return new SocketPump(ctx.wrapBio(inc, out, { serverHostname: 'localhost' }), inc, out, sock);
}

function serverPump(sock: net.Socket, ctx = serverCtx()): SocketPump {
  const inc = new MemoryBIO();
  const out = new MemoryBIO();
  return new SocketPump(ctx.wrapBio(inc, out, { serverSide: true }), inc, out, sock);
}

async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

async function connect(port: number): Promise<net.Socket> {
  const sock = net.connect(port, '127.0.0.1');
  await once(sock, 'connect');
  return sock;
}

function collect(p: SocketPump): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  p.on('data', (d) => parts.push(d));
  return new Promise((resolve, reject) => {
    p.on('end', () => resolve(Buffer.concat(parts)));
    p.on('error', reject);
  });
}

test('pump: handshake, write before the handshake, echo, close_notify both ways (node:tls server)', { timeout: 15000 }, async () => {
  let nodeSawEnd = false;
  const server = tls.createServer({ key: KEY, cert: CHAIN }, (s) => {
    s.on('data', (d: Buffer) => s.write(d));
    s.on('end', () => (nodeSawEnd = true));
  });
  const port = await listen(server);
  try {
    const pump = clientPump(await connect(port));
    pump.write('queued before the handshake');
    const got = new Promise<string>((resolve) => pump.once('data', (d) => resolve(Buffer.from(d).toString())));
    await pump.handshake();
    assert.equal(pump.sslobj.version(), 'TLSv1.3');
    assert.equal(await got, 'queued before the handshake');
    const closed = once(pump, 'close');
    await pump.close();
    await closed;
    assert.equal(pump.closeNotifyReceived, true);
    assert.equal(nodeSawEnd, true);
    assert.throws(() => pump.write('late'), /write after close/);
  } finally {
    server.close();
  }
});

test('pump: a verification failure rejects handshake() and alerts the peer, nothing thrown', { timeout: 15000 }, async () => {
  let nodeError: Error | null = null;
  const server = tls.createServer({ key: KEY, cert: CHAIN });
  server.on('tlsClientError', (e) => (nodeError = e));
  const port = await listen(server);
  try {
    const pump = clientPump(await connect(port), clientCtx(FIX + 'other-ca.pem'));
    await assert.rejects(pump.handshake(), (e) => e instanceof SSLCertVerificationError);
    await once(pump, 'close');
    await new Promise((r) => setTimeout(r, 50));
    assert.match(String(nodeError), /unknown ca/i);
  } finally {
    server.close();
  }
});

test('pump: ssl-ts to ssl-ts, 1 MiB each way, data intact, clean close', { timeout: 20000 }, async () => {
  const up = randomBytes(1 << 20);
  const down = randomBytes(1 << 20);
  let serverReceived: Promise<Buffer> = Promise.resolve(Buffer.alloc(0));
  let serverClosed: Promise<unknown> = Promise.resolve();
  const server = net.createServer((sock) => {
    const p = serverPump(sock);
    serverReceived = collect(p);
    serverClosed = once(p, 'close');
    p.handshake().then(() => p.write(down), () => {});
  });
  const port = await listen(server);
  try {
    const c = clientPump(await connect(port));
    const received: Uint8Array[] = [];
    let size = 0;
    const gotAll = new Promise<void>((resolve) => {
      c.on('data', (d) => {
        received.push(d);
        size += d.length;
        if (size >= down.length) resolve();
      });
    });
    await c.handshake();
    c.write(up);
    await gotAll;
    await c.close();
    assert.ok(Buffer.concat(received).equals(down));
    assert.ok((await serverReceived).equals(up));
    await serverClosed;
    assert.equal(c.closeNotifyReceived, true);
  } finally {
    server.close();
  }
});

test('pump: transport EOF without close_notify ends the stream, flagged', { timeout: 15000 }, async () => {
  const server = tls.createServer({ key: KEY, cert: CHAIN }, (s) => {
    s.write('bye', () => s.destroy()); // TCP close, no close_notify
  });
  const port = await listen(server);
  try {
    const pump = clientPump(await connect(port));
    const data = collect(pump);
    await pump.handshake();
    assert.equal((await data).toString(), 'bye');
    assert.equal(pump.closeNotifyReceived, false);
    await pump.close();
  } finally {
    server.close();
  }
});

test('pump: close() before the handshake ends the socket and rejects handshake()', { timeout: 15000 }, async () => {
  const server = net.createServer((s) => s.on('data', () => {})); // never answers
  const port = await listen(server);
  try {
    const pump = clientPump(await connect(port));
    const hs = pump.handshake();
    await pump.close();
    await assert.rejects(hs, /before the handshake completed/);
  } finally {
    server.close();
  }
});

test('pump: peer that closes during the handshake rejects handshake()', { timeout: 15000 }, async () => {
  const server = net.createServer((s) => s.once('data', () => s.end()));
  const port = await listen(server);
  try {
    const pump = clientPump(await connect(port));
    await assert.rejects(pump.handshake(), /EOF/);
  } finally {
    server.close();
  }
});
