// RFC 7919 ffdhe groups in TLS 1.3 against Python's ssl (OpenSSL 3.0), in both roles:
// Python's set_ecdh_curve() takes the ffdhe names, leaving one group on its side.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLContext, TLSVersion } from '../../src/index.js';
import { acceptOurs, connectOurs, text } from '../helpers/ours.js';
import { fixture, listenTcp, type TcpListener, withTimeout } from '../helpers/peers.js';

const T = { timeout: 60000 };
const CA = fixture('ca.pem');
const LEAF = { chain: fixture('leaf-ecdsa-p256-chain.pem'), key: fixture('leaf-ecdsa-p256.key') };

const PY = `
import json, socket, ssl, sys
role, group, port, cert, key, cafile = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
if role == 'server':
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.set_ecdh_curve(group)
    srv = socket.create_server(('127.0.0.1', 0))
    print(srv.getsockname()[1], flush=True)
    conn, _ = srv.accept()
    with ctx.wrap_socket(conn, server_side=True) as s:
        s.sendall(s.recv(100))
        print(json.dumps({'version': s.version()}), flush=True)
else:
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.set_ecdh_curve(group)
    with ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='localhost') as s:
        s.sendall(b'ffdhe\\n')
        print(json.dumps({'version': s.version(), 'echo': s.recv(100).decode()}), flush=True)
`;

function python(args: string[]): { lines: () => string[]; done: Promise<void>; kill: () => void; err: () => string } {
  const py = spawn('python3', ['-c', PY, ...args, LEAF.chain, LEAF.key, CA], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  py.stdout.on('data', (d) => (out += d));
  py.stderr.on('data', (d) => (err += d));
  const done = new Promise<void>((r) => py.on('close', () => r()));
  return { lines: () => out.split('\n').filter(Boolean), done, kill: () => py.kill(), err: () => err };
}

describe('ffdhe groups in TLS 1.3 against Python', () => {
  let l: TcpListener;
  before(async () => {
    l = await listenTcp();
  });
  after(() => l.close());

  for (const group of ['ffdhe2048', 'ffdhe3072']) {
    test(`Python client with set_ecdh_curve('${group}') -> our server (default groups): its key share is used`, T, async () => {
      const py = python(['client', group, String(l.port)]);
      try {
        const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
        ctx.loadCertChain(LEAF.chain, LEAF.key);
        const sock = await l.accept();
        const { pump, obj } = acceptOurs(sock, ctx);
        try {
          await pump.handshake();
          await pump.write(await pump.readUntil('\n'));
          const info = obj.handshakeInfo();
          assert.equal(info.version, 'TLSv1.3');
          assert.equal(info.group, group);
          assert.equal(info.helloRetryRequest, false);
          await pump.endStream();
        } finally {
          sock.destroy();
        }
        await withTimeout(py.done, 20000, `python client: ${py.err()}`);
        assert.deepEqual(JSON.parse(py.lines().at(-1)!), { version: 'TLSv1.3', echo: 'ffdhe\n' });
      } finally {
        py.kill();
      }
    });

    test(`our client (default groups) -> Python server with set_ecdh_curve('${group}'): HelloRetryRequest, then ${group}`, T, async () => {
      const py = python(['server', group, '0']);
      try {
        await withTimeout(
          (async () => {
            while (py.lines().length < 1) await new Promise((r) => setTimeout(r, 20));
          })(),
          15000,
          'python server port',
        );
        const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
        ctx.loadVerifyLocations({ cafile: CA });
        ctx.minimumVersion = TLSVersion.TLSv1_3;
        const { pump, obj, sock } = await connectOurs(Number(py.lines()[0]), ctx);
        try {
          await pump.handshake();
          await pump.write('over ffdhe\n');
          assert.equal(text(await pump.readUntil('\n')), 'over ffdhe\n');
          const info = obj.handshakeInfo();
          assert.equal(info.group, group);
          assert.equal(info.helloRetryRequest, true);
        } finally {
          sock.destroy();
        }
        await withTimeout(py.done, 20000, `python server: ${py.err()}`);
        assert.deepEqual(JSON.parse(py.lines().at(-1)!), { version: 'TLSv1.3' });
      } finally {
        py.kill();
      }
    });
  }
});
