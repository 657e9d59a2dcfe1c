// OpenSSL's automatic chain building: a certificate loaded without its intermediates is sent
// with the issuers its context's verify store holds (trust anchor included), in both roles.
// Each case runs OpenSSL (s_server / s_client) and ssl-ts with the same files before the same
// peer, and the chains the peer received must match.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CERT_REQUIRED, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLContext } from '../../src/index.js';
import { acceptOurs, connectOurs } from '../helpers/ours.js';
import { fixture, listenTcp, runOpensslClient, startOpensslServer, type TcpListener, withTimeout } from '../helpers/peers.js';

const CA = fixture('ca.pem');
const LEAF = { cert: fixture('leaf-ecdsa-p256.pem'), key: fixture('leaf-ecdsa-p256.key') };
const CLIENT = { cert: fixture('client.pem'), key: fixture('client.key') };

let dir: string;
/** inter.pem + ca.pem: a verify store that holds the whole path. */
let BUNDLE: string;

/** Subject CNs of the certificates `openssl s_client -showcerts` (without -brief, which hides them) printed, in order. */
async function showcerts(port: number): Promise<string[]> {
  const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-showcerts', '-CAfile', CA], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', () => {});
  child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
  await new Promise<void>((r) => child.on('close', () => r()));
  clearTimeout(timer);
  return [...stdout.matchAll(/^\s*\d+ s:.*CN = ([^\n,]+)$/gm)].map((m) => m[1]!.trim());
}

async function opensslServerChain(store: string): Promise<string[]> {
  const srv = await startOpensslServer(['-cert', LEAF.cert, '-key', LEAF.key, '-CAfile', store, '-naccept', '1']);
  try {
    return await showcerts(srv.port);
  } finally {
    await srv.stop();
  }
}

async function ourServerChain(l: TcpListener, store: string): Promise<string[]> {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.loadCertChain(LEAF.cert, LEAF.key);
  ctx.loadVerifyLocations({ cafile: store });
  const served = (async () => {
    const sock = await l.accept();
    const { pump } = acceptOurs(sock, ctx);
    try {
      await pump.handshake();
      await pump.close().catch(() => {});
    } catch {
      // the client's verdict is what the test reads
    } finally {
      sock.destroy();
    }
  })();
  const chain = await showcerts(l.port);
  await served;
  return chain;
}

/** A Python server (real _ssl) requiring a client certificate; prints the chain the client sent. */
const PY_SERVER = `
import json, socket, ssl, sys
cert, key, cafile = sys.argv[1:4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
ctx.load_verify_locations(cafile)
ctx.verify_mode = ssl.CERT_REQUIRED
srv = socket.create_server(('127.0.0.1', 0))
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
with ctx.wrap_socket(conn, server_side=True) as s:
    chain = [dict(x[0] for x in c.get_info()['subject'])['commonName'] for c in s._sslobj.get_unverified_chain()]
    s.sendall(b'ok\\n')
print(json.dumps(chain), flush=True)
`;

async function withPythonServer(run: (port: number) => Promise<void>): Promise<string[]> {
  const py = spawn('python3', ['-c', PY_SERVER, fixture('leaf-ecdsa-p256-chain.pem'), LEAF.key, CA], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  py.stdout.on('data', (d) => (out += d));
  py.stderr.on('data', (d) => (err += d));
  const closed = new Promise<void>((r) => py.on('close', () => r()));
  try {
    await withTimeout(
      (async () => {
        while (!out.includes('\n')) await new Promise((r) => setTimeout(r, 20));
      })(),
      15000,
      'python server port',
    );
    await run(Number(out.split('\n')[0]));
    await withTimeout(closed, 15000, `python server end: ${err}`);
    return JSON.parse(out.split('\n')[1] ?? 'null') as string[];
  } finally {
    py.kill();
  }
}

describe('automatic chain building, as OpenSSL', () => {
  let l: TcpListener;
  before(async () => {
    l = await listenTcp();
    dir = mkdtempSync(join(tmpdir(), 'ssl-ts-autochain-'));
    BUNDLE = join(dir, 'bundle.pem');
    writeFileSync(BUNDLE, readFileSync(fixture('inter.pem'), 'utf8') + readFileSync(CA, 'utf8'));
  });
  after(async () => {
    await l.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('server: leaf only, intermediate and root in the verify store (openssl s_client -showcerts)', async () => {
    const theirs = await opensslServerChain(BUNDLE);
    const ours = await ourServerChain(l, BUNDLE);
    assert.deepEqual(theirs, ['localhost', 'ssl-ts Test Intermediate CA', 'ssl-ts Test Root CA']);
    assert.deepEqual(ours, theirs);
  });

  test('server: leaf only, the issuer missing from the store: the leaf alone', async () => {
    const theirs = await opensslServerChain(CA);
    const ours = await ourServerChain(l, CA);
    assert.deepEqual(theirs, ['localhost']);
    assert.deepEqual(ours, theirs);
  });

  test('server: a certificate file with its intermediates is sent as loaded', async () => {
    const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
    ctx.loadCertChain(fixture('leaf-ecdsa-p256-chain.pem'), LEAF.key);
    ctx.loadVerifyLocations({ cafile: BUNDLE });
    const served = (async () => {
      const sock = await l.accept();
      const { pump } = acceptOurs(sock, ctx);
      await pump.handshake().catch(() => {});
      await pump.close().catch(() => {});
      sock.destroy();
    })();
    const chain = await showcerts(l.port);
    await served;
    assert.deepEqual(chain, ['localhost', 'ssl-ts Test Intermediate CA']);
  });

  test('client: leaf only, the verify store completes it (Python server reads get_unverified_chain())', async () => {
    const theirs = await withPythonServer(async (port) => {
      await runOpensslClient(port, ['-cert', CLIENT.cert, '-key', CLIENT.key, '-CAfile', BUNDLE], '', { ignEof: false });
    });
    let ourChain: string[] = [];
    const ours = await withPythonServer(async (port) => {
      const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
      ctx.loadCertChain(CLIENT.cert, CLIENT.key);
      ctx.loadVerifyLocations({ cafile: BUNDLE });
      const { pump, obj, sock } = await connectOurs(port, ctx);
      try {
        await pump.handshake();
        await pump.readUntil('\n');
        // Our client sees the server's chain as sent (its file holds leaf and intermediate).
        ourChain = obj.getUnverifiedChain().map((der) => cnOf(der));
      } finally {
        sock.destroy();
      }
    });
    assert.deepEqual(theirs, ['ssl-ts test client', 'ssl-ts Test Intermediate CA', 'ssl-ts Test Root CA']);
    assert.deepEqual(ours, theirs);
    assert.deepEqual(ourChain, ['localhost', 'ssl-ts Test Intermediate CA']);
  });

  test('our server verifies a leaf-only client of ours through the chain it sent', async () => {
    const server = new SSLContext(PROTOCOL_TLS_SERVER);
    server.loadCertChain(fixture('leaf-ecdsa-p256-chain.pem'), LEAF.key);
    server.loadVerifyLocations({ cafile: CA }); // the root only: the intermediate must come from the client
    server.verifyMode = CERT_REQUIRED;
    const served = (async () => {
      const sock = await l.accept();
      const { pump, obj } = acceptOurs(sock, server);
      try {
        await pump.handshake();
        return obj.getUnverifiedChain().map((der) => cnOf(der));
      } finally {
        await pump.close().catch(() => {});
        sock.destroy();
      }
    })();
    const client = new SSLContext(PROTOCOL_TLS_CLIENT);
    client.loadCertChain(CLIENT.cert, CLIENT.key);
    client.loadVerifyLocations({ cafile: BUNDLE });
    const { pump, sock } = await connectOurs(l.port, client);
    try {
      await pump.handshake();
      await pump.close().catch(() => {});
    } finally {
      sock.destroy();
    }
    assert.deepEqual(await served, ['ssl-ts test client', 'ssl-ts Test Intermediate CA', 'ssl-ts Test Root CA']);
  });
});

/** The subject CN (node's X509Certificate lists the subject one attribute a line). */
function cnOf(der: Uint8Array): string {
  const m = /^CN=(.*)$/m.exec(new X509Certificate(der).subject);
  if (!m) throw new Error('no CN');
  return m[1]!;
}
