// The SNI callback and a HelloRetryRequest: OpenSSL 3.0 runs the servername callback for each
// ClientHello, so twice when `openssl s_client -groups X25519:P-256` meets a P-256-only server
// (with a name or without, when it is called with None both times);
// after a switch of context, the second call goes to the new context's callback if it has one,
// else to the first context's. Python's server (OpenSSL underneath) and ours are put before the
// same s_client, and ours must make the same calls.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PROTOCOL_TLS_SERVER, SSLContext, type SSLObject } from '../../src/index.js';
import { acceptOurs } from '../helpers/ours.js';
import { countClientHellos, fixture, listenTcp, runOpensslClient, type TcpListener, withTimeout } from '../helpers/peers.js';

const CA = fixture('ca.pem');
const LEAF = { chain: fixture('leaf-ecdsa-p256-chain.pem'), key: fixture('leaf-ecdsa-p256.key') };
const OTHER = { chain: fixture('wronghost-chain.pem'), key: fixture('wronghost.key') };
type Mode = 'stay' | 'switch' | 'switch-own-callback' | 'no-sni';
const clientArgs = (mode: Mode): string[] => [
  '-tls1_3',
  '-groups',
  'X25519:P-256',
  ...(mode === 'no-sni' ? ['-noservername'] : ['-servername', 'foo.example']),
  '-CAfile',
  CA,
];
type Call = [callback: string, name: string | null, context: string];

const PY_SERVER = `
import json, socket, ssl, sys
chain, key, other_chain, other_key, mode = sys.argv[1:6]
def ctx_for(c, k):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(c, k)
    ctx.set_ecdh_curve('prime256v1')
    return ctx
ctx, ctx2 = ctx_for(chain, key), ctx_for(other_chain, other_key)
calls = []
label = lambda c: 'ctx' if c is ctx else 'ctx2' if c is ctx2 else '?'
def cb1(sslobj, name, c):
    calls.append(['cb1', name, label(c)])
    if mode not in ('stay', 'no-sni'):
        sslobj.context = ctx2
def cb2(sslobj, name, c):
    calls.append(['cb2', name, label(c)])
ctx.sni_callback = cb1
if mode == 'switch-own-callback':
    ctx2.sni_callback = cb2
srv = socket.create_server(('127.0.0.1', 0))
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
try:
    with ctx.wrap_socket(conn, server_side=True) as s:
        s.sendall(s.recv(100))
except (ssl.SSLError, OSError):
    pass
print(json.dumps(calls), flush=True)
`;

async function pythonCalls(mode: Mode): Promise<{ calls: Call[]; hellos: number }> {
  const py = spawn('python3', ['-c', PY_SERVER, LEAF.chain, LEAF.key, OTHER.chain, OTHER.key, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    const port = Number(out.split('\n')[0]);
    const r = await runOpensslClient(port, clientArgs(mode), 'ping\n', { trace: true });
    await withTimeout(closed, 15000, `python server end: ${err}`);
    return { calls: JSON.parse(out.split('\n')[1]!) as Call[], hellos: countClientHellos(r.trace) };
  } finally {
    py.kill();
  }
}

async function ourCalls(l: TcpListener, mode: Mode): Promise<{ calls: Call[]; hellos: number; error: unknown }> {
  const ctxFor = (c: { chain: string; key: string }) => {
    const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
    ctx.loadCertChain(c.chain, c.key);
    ctx.setEcdhCurve('prime256v1');
    return ctx;
  };
  const ctx = ctxFor(LEAF);
  const ctx2 = ctxFor(OTHER);
  const calls: Call[] = [];
  const label = (c: SSLContext) => (c === ctx ? 'ctx' : c === ctx2 ? 'ctx2' : '?');
  ctx.sniCallback = (obj, name, c) => {
    calls.push(['cb1', name, label(c)]);
    if (mode !== 'stay' && mode !== 'no-sni') (obj as SSLObject).context = ctx2;
    return null;
  };
  if (mode === 'switch-own-callback') {
    ctx2.sniCallback = (_obj, name, c) => {
      calls.push(['cb2', name, label(c)]);
      return null;
    };
  }
  const served = (async () => {
    const sock = await l.accept();
    const { pump } = acceptOurs(sock, ctx);
    try {
      await pump.handshake();
      await pump.write(await pump.readUntil('\n'));
      await pump.close().catch(() => {});
      return null;
    } catch (e) {
      return e;
    } finally {
      sock.destroy();
    }
  })();
  const r = await runOpensslClient(l.port, clientArgs(mode), 'ping\n', { trace: true });
  return { calls, hellos: countClientHellos(r.trace), error: await served };
}

describe('SNI callback after a HelloRetryRequest, as OpenSSL 3.0 under Python', () => {
  let l: TcpListener;
  before(async () => {
    l = await listenTcp();
  });
  after(() => l.close());

  for (const mode of ['stay', 'switch', 'switch-own-callback', 'no-sni'] as const) {
    test(`openssl s_client -groups X25519:P-256 (${mode})`, async () => {
      const py = await pythonCalls(mode);
      const ours = await ourCalls(l, mode);
      // The premise: both servers answered the X25519 share with a HelloRetryRequest.
      assert.equal(py.hellos, 2, 'Python server: two ClientHellos');
      assert.equal(ours.hellos, 2, 'our server: two ClientHellos');
      assert.equal(ours.error, null);
      assert.equal(py.calls.length, 2, `Python calls the callback once per ClientHello: ${JSON.stringify(py.calls)}`);
      assert.deepEqual(ours.calls, py.calls);
    });
  }
});
