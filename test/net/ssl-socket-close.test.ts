// How SSLSocket ends a connection, seen by a Python server that tells close_notify from a bare
// EOF (suppress_ragged_eofs=False). Python's close() sends no close_notify; ssl-ts's close()
// sends one once the handshake is done (a node socket is its connection's only owner, and
// node:tls and HTTP peers read a bare EOF as truncation), and shutdown(how) drops TLS without
// one, as Python's close() does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { PROTOCOL_TLS_CLIENT, SHUT_RDWR, SSLContext } from '../../src/index.js';
import { fixture, withTimeout } from '../helpers/peers.js';

const PY_SERVER = `
import socket, ssl, sys
cert, key, cafile, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv = socket.create_server(('127.0.0.1', 0))
print(srv.getsockname()[1], flush=True)
for _ in range(n):
    conn, _ = srv.accept()
    s = ctx.wrap_socket(conn, server_side=True, suppress_ragged_eofs=False)
    s.sendall(s.recv(10))
    try:
        print('clean' if s.recv(10) == b'' else 'data', flush=True)
    except ssl.SSLEOFError:
        print('eof', flush=True)
    s.close()
`;

const PY_CLIENT = `
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))), server_hostname='localhost')
s.sendall(b'hi')
s.recv(10)
s.close()
`;

function run(script: string, args: string[]): { out: () => string; done: Promise<void>; kill: () => void } {
  const p = spawn('python3', ['-c', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (out += d));
  const done = new Promise<void>((r) => p.on('close', () => r()));
  return { out: () => out, done, kill: () => p.kill() };
}

test("close() sends close_notify (Python's does not); shutdown(how) then close() ends as Python's close()", { timeout: 60000 }, async () => {
  const srv = run(PY_SERVER, [fixture('leaf-ecdsa-p256-chain.pem'), fixture('leaf-ecdsa-p256.key'), fixture('ca.pem'), '3']);
  try {
    await withTimeout(
      (async () => {
        while (!srv.out().includes('\n')) await new Promise((r) => setTimeout(r, 20));
      })(),
      15000,
      'python server port',
    );
    const port = Number(srv.out().split('\n')[0]);
    const verdict = async (n: number): Promise<string> => {
      await withTimeout(
        (async () => {
          while (srv.out().split('\n').filter(Boolean).length < n + 1) await new Promise((r) => setTimeout(r, 20));
        })(),
        15000,
        `server verdict ${n}: ${srv.out()}`,
      );
      return srv.out().split('\n')[n]!;
    };

    // Python's close(): no close_notify.
    const py = run(PY_CLIENT, [String(port), fixture('ca.pem')]);
    await withTimeout(py.done, 15000, 'python client');
    assert.equal(await verdict(1), 'eof');

    const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
    ctx.loadVerifyLocations({ cafile: fixture('ca.pem') });

    const a = ctx.wrapSocket(new net.Socket(), { serverHostname: 'localhost' });
    await a.connect(['127.0.0.1', port]);
    await a.sendall(Buffer.from('hi'));
    await a.recv(10);
    await a.close();
    assert.equal(await verdict(2), 'clean');

    const b = ctx.wrapSocket(new net.Socket(), { serverHostname: 'localhost' });
    await b.connect(['127.0.0.1', port]);
    await b.sendall(Buffer.from('hi'));
    await b.recv(10);
    b.shutdown(SHUT_RDWR);
    await b.close();
    assert.equal(await verdict(3), 'eof');
    await withTimeout(srv.done, 15000, 'python server end');
  } finally {
    srv.kill();
  }
});
