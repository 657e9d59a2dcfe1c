// SSLSocket methods Python code calls: connect()/connectEx() on a socket wrapped before it was
// connected, Python-shaped connection errors, sendall/recvInto/getpeername/getsockname,
// sendfile, shutdown(how). The peer is node:tls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConnectionError,
  ConnectionRefusedError,
  OSError,
  PROTOCOL_TLS_CLIENT,
  SHUT_RDWR,
  SHUT_WR,
  SSLContext,
} from '../../src/index.js';
import { fixture, freePort } from '../helpers/peers.js';

async function echoServer(): Promise<{ port: number; close: () => void; received: () => Buffer }> {
  const chunks: Buffer[] = [];
  const server = tls.createServer({ cert: readFileSync(fixture('leaf-ecdsa-p256-chain.pem')), key: readFileSync(fixture('leaf-ecdsa-p256.key')) }, (s) => {
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      s.write(d);
    });
    s.on('error', () => {});
    s.on('end', () => s.end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close(), received: () => Buffer.concat(chunks) };
}

function clientContext(): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.loadVerifyLocations({ cafile: fixture('ca.pem') });
  return ctx;
}

test('wrap an unconnected socket, then connect(): the handshake runs on connect', async () => {
  const srv = await echoServer();
  try {
    const s = clientContext().wrapSocket(new net.Socket(), { serverHostname: 'localhost' });
    await assert.rejects(s.recv(10), (e: OSError) => e.errno === 107);
    await s.connect(['127.0.0.1', srv.port]);
    assert.equal(s.version(), 'TLSv1.3');
    await assert.rejects(s.connect(['127.0.0.1', srv.port]), /already-connected/);
    assert.deepEqual(s.getpeername(), ['127.0.0.1', srv.port]);
    assert.equal(s.getsockname()[0], '127.0.0.1');
    await s.sendall(Buffer.from('hello'));
    const buf = new Uint8Array(16);
    assert.equal(await s.recvInto(buf), 5);
    assert.equal(Buffer.from(buf.subarray(0, 5)).toString(), 'hello');
    await s.close();
  } finally {
    srv.close();
  }
});

test('connection refused: ConnectionRefusedError (errno 111, code ECONNREFUSED); connectEx returns 111', async () => {
  const port = await freePort();
  const s = clientContext().wrapSocket(new net.Socket(), { serverHostname: 'localhost' });
  await assert.rejects(s.connect(['127.0.0.1', port]), (e: unknown) => {
    assert.ok(e instanceof ConnectionRefusedError);
    assert.ok(e instanceof ConnectionError && e instanceof OSError);
    assert.equal(e.errno, 111);
    assert.equal(e.code, 'ECONNREFUSED');
    assert.equal(e.message, '[Errno 111] Connection refused');
    return true;
  });
  const s2 = clientContext().wrapSocket(new net.Socket(), { serverHostname: 'localhost' });
  assert.equal(await s2.connectEx(['127.0.0.1', port]), 111);
  await s2.close();
  await s.close();
});

test('connectEx resolves 0 on success; server-side sockets cannot connect', async () => {
  const srv = await echoServer();
  try {
    const s = clientContext().wrapSocket(new net.Socket(), { serverHostname: 'localhost' });
    assert.equal(await s.connectEx(['127.0.0.1', srv.port]), 0);
    assert.equal(s.version(), 'TLSv1.3');
    await s.close();
  } finally {
    srv.close();
  }
});

test('sendfile sends the file (offset, count) over TLS', async () => {
  const srv = await echoServer();
  const dir = mkdtempSync(join(tmpdir(), 'ssl-ts-sendfile-'));
  try {
    const file = join(dir, 'data.bin');
    writeFileSync(file, Buffer.from('0123456789'.repeat(10000)));
    const s = clientContext().wrapSocket(new net.Socket(), { serverHostname: 'localhost' });
    await s.connect(['127.0.0.1', srv.port]);
    assert.equal(await s.sendfile(file, 5, 70000), 70000);
    assert.equal(await s.sendfile(file, 99990), 10);
    await assert.rejects(s.sendfile(file, -1), /offset must be a non-negative integer/);
    let got = 0;
    while (got < 70010) got += (await s.recv(65536)).length;
    const all = srv.received();
    assert.equal(all.length, 70010);
    assert.equal(all.subarray(0, 5).toString(), '56789');
    assert.equal(all.subarray(70000).toString(), '0123456789');
    await s.close();
  } finally {
    srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('shutdown(how) drops TLS without close_notify; bad how is EINVAL', async () => {
  const srv = await echoServer();
  try {
    const s = clientContext().wrapSocket(new net.Socket(), { serverHostname: 'localhost' });
    await s.connect(['127.0.0.1', srv.port]);
    assert.throws(() => s.shutdown(7), (e: OSError) => e.errno === 22);
    s.shutdown(SHUT_WR);
    assert.deepEqual(await s.recv(10), new Uint8Array(0));
    await s.close();
    const s2 = clientContext().wrapSocket(new net.Socket(), { serverHostname: 'localhost' });
    await s2.connect(['127.0.0.1', srv.port]);
    s2.shutdown(SHUT_RDWR);
    await s2.close();
  } finally {
    srv.close();
  }
});
