// Python's ssl over real loopback sockets (py_socket_peer.py), in both roles
// and pinned to each version: TLS 1.2 and TLS 1.3. interop/python.test.ts
// ferries Python's MemoryBIO bytes over pipes; this file is the same peer
// with its own socket layer, against our SSLSocket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import type { SSLSocket } from '../../src/index.js';
import { CA, FIX, PY_PEER, clientCtx, guardUnhandled, listen, pyResult, recvExactly, serverCtx, startChild, tcpConnect, within } from './net-helpers.js';

guardUnhandled();

const VERSIONS = [
  { py: 'TLSv1_2', name: 'TLSv1.2' },
  { py: 'TLSv1_3', name: 'TLSv1.3' },
] as const;

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

for (const v of VERSIONS) {
  test(`${v.name}: Python ssl server on a socket ← our SSLSocket client: echo, unwrap both ways`, { timeout: 30000 }, async () => {
    const py = startChild('python3', [
      PY_PEER, '--role', 'server', '--cert', FIX + 'leaf-ecdsa-p256-chain.pem', '--key', FIX + 'leaf-ecdsa-p256.key',
      '--alpn', 'x-test', '--tls-version', v.py,
    ]);
    try {
      const port = Number((await py.waitStdout(/PORT (\d+)/, 15000))[1]);
      const ctx = clientCtx();
      ctx.setAlpnProtocols(['x-test']);
      const sock = await tcpConnect(port);
      const ss = ctx.wrapSocket(sock, { serverHostname: 'localhost' });
      const msg = randomBytes(100_000);
      const [, echoed] = await Promise.all([ss.sendall(msg), recvExactly(ss, msg.length)]);
      assert.ok(echoed.equals(msg));
      assert.equal(ss.version(), v.name);
      assert.equal(ss.selectedAlpnProtocol(), 'x-test');
      const cipher = ss.cipher()![0];
      const plain = await within(ss.unwrap(), 10000, 'unwrap');
      assert.equal(plain, sock);
      plain.end();
      await within(py.exited, 15000, 'python to exit');
      const r = pyResult(py);
      assert.equal(r.ok, true, JSON.stringify(r));
      assert.equal(r.received, msg.length);
      assert.equal(r.sha256, sha256(msg));
      assert.equal(r.version, v.name);
      assert.equal(r.cipher, cipher);
      assert.equal(r.alpn, 'x-test');
    } finally {
      await py.kill();
    }
  });

  test(`${v.name}: Python ssl client on a socket → our SSLSocket server: echo until close_notify, unwrap answers`, { timeout: 30000 }, async () => {
    const ctx = serverCtx(['x-test']);
    const done: Promise<{ version: string | null; cipher: string | undefined }>[] = [];
    const srv = await listen(
      net.createServer({ allowHalfOpen: true }, (sock) => {
        const ss: SSLSocket = ctx.wrapSocket(sock, { serverSide: true });
        done.push((async () => {
          for (;;) {
            const c = await ss.recv(65536);
            if (c.length === 0) break;
            await ss.sendall(c);
          }
          const info = { version: ss.version(), cipher: ss.cipher()?.[0] };
          const plain = await ss.unwrap();
          plain.end();
          return info;
        })());
      }),
    );
    const py = startChild('python3', [
      PY_PEER, '--role', 'client', '--port', String(srv.port), '--cafile', CA, '--alpn', 'x-test',
      '--repeat', '5000', '--tls-version', v.py,
    ]);
    try {
      await within(py.exited, 20000, 'python client to exit');
      const [ours] = await within(Promise.all(done), 10000, 'our server to finish');
      const r = pyResult(py);
      assert.equal(r.ok, true, JSON.stringify(r));
      assert.equal(r.echoed, true);
      assert.equal(r.received, 'hello from python'.length * 5000);
      assert.equal(r.version, v.name);
      assert.equal(r.alpn, 'x-test');
      assert.equal(r.peer_cn, 'localhost');
      assert.equal(ours!.version, v.name);
      assert.equal(ours!.cipher, r.cipher);
    } finally {
      await py.kill();
      await srv.stop();
    }
  });
}
