// RFC 7627 5.3 on TLS 1.2 resumption, against Python (OpenSSL 3.0) in both roles: a session
// made without extended master secret offered by a client that now sends the extension, and
// an EMS session offered by a client that no longer does (OP_NO_EXTENDED_MASTER_SECRET, 0x1).
// Each case runs the same two connections with Python in our place first; ssl-ts must end
// each connection as OpenSSL does (resumed, full handshake, or the same alert).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { OP_NO_EXTENDED_MASTER_SECRET, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLContext, SSLError, type SSLSession, TLSVersion } from '../../src/index.js';
import { acceptOurs, connectOurs } from '../helpers/ours.js';
import { fixture, listenTcp, type TcpListener, withTimeout } from '../helpers/peers.js';

const T = { timeout: 60000 };
const CA = fixture('ca.pem');
const LEAF = { chain: fixture('leaf-ecdsa-p256-chain.pem'), key: fixture('leaf-ecdsa-p256.key') };

/** How one connection ended: resumed or not, or the reason of the SSLError the client got. */
interface Outcome {
  reused: boolean | null;
  reason: string | null;
}

const PY_CLIENT = `
import json, socket, ssl, sys
port, cafile, opts = int(sys.argv[1]), sys.argv[2], [int(x) for x in sys.argv[3:]]
ctx = ssl.create_default_context(cafile=cafile)
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
sess, out = None, []
for o in opts:
    ctx.options = (ctx.options & ~1) | o
    try:
        with socket.create_connection(('127.0.0.1', port)) as raw:
            with ctx.wrap_socket(raw, server_hostname='localhost', session=sess) as s:
                s.sendall(b'hi\\n')
                s.recv(10)
                out.append({'reused': s.session_reused, 'reason': None})
                if sess is None:
                    sess = s.session
    except ssl.SSLError as e:
        out.append({'reused': None, 'reason': e.reason})
print(json.dumps(out), flush=True)
`;

const PY_SERVER = `
import socket, ssl, sys
cert, key, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
srv = socket.create_server(('127.0.0.1', 0))
print(srv.getsockname()[1], flush=True)
for _ in range(n):
    conn, _ = srv.accept()
    try:
        with ctx.wrap_socket(conn, server_side=True) as s:
            s.sendall(s.recv(10))
    except (ssl.SSLError, OSError):
        pass
`;

function python(script: string, args: string[]): { out: () => string; done: Promise<void>; kill: () => void } {
  const py = spawn('python3', ['-c', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  py.stdout.on('data', (d) => (out += d));
  py.stderr.on('data', (d) => (err += d));
  const done = new Promise<void>((r) => py.on('close', () => r()));
  return { out: () => out + err, done, kill: () => py.kill() };
}

async function pythonServerPort(p: { out: () => string }): Promise<number> {
  await withTimeout(
    (async () => {
      while (!/^\d+\n/.test(p.out())) await new Promise((r) => setTimeout(r, 20));
    })(),
    15000,
    'python server port',
  );
  return Number(p.out().split('\n')[0]);
}

async function pythonClient(port: number, opts: number[]): Promise<Outcome[]> {
  const c = python(PY_CLIENT, [String(port), CA, ...opts.map(String)]);
  try {
    await withTimeout(c.done, 30000, 'python client');
    return JSON.parse(c.out().trim().split('\n').at(-1)!) as Outcome[];
  } finally {
    c.kill();
  }
}

/** Python's server, `opts.length` connections from `client`. */
async function againstPythonServer(opts: number[], client: (port: number) => Promise<Outcome[]>): Promise<Outcome[]> {
  const srv = python(PY_SERVER, [LEAF.chain, LEAF.key, String(opts.length)]);
  try {
    const port = await pythonServerPort(srv);
    const out = await client(port);
    await withTimeout(srv.done, 15000, 'python server end');
    return out;
  } finally {
    srv.kill();
  }
}

async function ourClient(port: number, opts: number[]): Promise<Outcome[]> {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.loadVerifyLocations({ cafile: CA });
  ctx.maximumVersion = TLSVersion.TLSv1_2;
  let session: SSLSession | null = null;
  const out: Outcome[] = [];
  for (const o of opts) {
    ctx.options = (ctx.options & ~OP_NO_EXTENDED_MASTER_SECRET) | o;
    const { pump, obj, sock } = await connectOurs(port, ctx);
    if (session) obj.session = session;
    try {
      await pump.handshake();
      await pump.write('hi\n');
      await pump.readUntil('\n');
      out.push({ reused: obj.sessionReused, reason: null });
      session ??= obj.session;
    } catch (e) {
      if (!(e instanceof SSLError)) throw e;
      out.push({ reused: null, reason: e.reason ?? null });
    } finally {
      sock.destroy();
    }
  }
  return out;
}

/** Our server: `n` connections, each echoing one line. */
async function ourServer(l: TcpListener, n: number): Promise<void> {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.loadCertChain(LEAF.chain, LEAF.key);
  ctx.maximumVersion = TLSVersion.TLSv1_2;
  for (let i = 0; i < n; i++) {
    const sock = await l.accept();
    const { pump } = acceptOurs(sock, ctx);
    try {
      await pump.handshake();
      await pump.write(await pump.readUntil('\n'));
      await pump.endStream();
    } catch {
      // the client's outcome is what is compared
    } finally {
      sock.destroy();
    }
  }
}

const NO_EMS = OP_NO_EXTENDED_MASTER_SECRET;
const CASES: Array<[string, number[]]> = [
  ['a session without EMS, resumed by a client that now offers it', [NO_EMS, 0]],
  ['an EMS session, resumed by a client that no longer offers it', [0, NO_EMS]],
  ['without EMS both times (resumption as usual)', [NO_EMS, NO_EMS]],
];

describe('RFC 7627 5.3: TLS 1.2 resumption across a change of extended master secret', () => {
  let l: TcpListener;
  before(async () => {
    l = await listenTcp();
  });
  after(() => l.close());

  for (const [label, opts] of CASES) {
    test(`our server, Python client: ${label}`, T, async () => {
      const expected = await againstPythonServer(opts, (port) => pythonClient(port, opts));
      const served = ourServer(l, opts.length);
      const got = await pythonClient(l.port, opts);
      await served;
      assert.deepEqual(got, expected);
    });

    test(`our client, Python server: ${label}`, T, async () => {
      const expected = await againstPythonServer(opts, (port) => pythonClient(port, opts));
      const got = await againstPythonServer(opts, (port) => ourClient(port, opts));
      assert.deepEqual(got, expected);
    });
  }
});
