// ALPN lists that share nothing: OpenSSL under Python goes on without ALPN (no
// no_application_protocol alert), and so does ssl-ts, in both roles against Python, and as a
// server against openssl s_client. openssl s_server's own ALPN callback refuses instead.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fixture, listenTcp, runOpensslClient, startOpensslServer, type TcpListener, withTimeout } from '../helpers/peers.js';
import { acceptOurs, connectOurs, ourClientContext, ourServerContext, text } from '../helpers/ours.js';

const T = { timeout: 60000 };

const PY = `
import json, socket, ssl, sys
role, port, cert, key, cafile = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
if role == 'server':
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.set_alpn_protocols(['h2'])
    srv = socket.create_server(('127.0.0.1', 0))
    print(srv.getsockname()[1], flush=True)
    conn, _ = srv.accept()
    with ctx.wrap_socket(conn, server_side=True) as s:
        s.sendall(s.recv(100))
        print(json.dumps({'alpn': s.selected_alpn_protocol()}), flush=True)
else:
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.set_alpn_protocols(['foo'])
    try:
        with ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='localhost') as s:
            s.sendall(b'alpn\\n')
            print(json.dumps({'alpn': s.selected_alpn_protocol(), 'echo': s.recv(100).decode()}), flush=True)
    except ssl.SSLError as e:
        print(json.dumps({'error': str(e).split(' (_ssl.c')[0]}), flush=True)
`;

function python(args: string[]): { lines: () => string[]; done: Promise<void>; kill: () => void } {
  const py = spawn('python3', ['-c', PY, ...args, fixture('leaf-ecdsa-p256-chain.pem'), fixture('leaf-ecdsa-p256.key'), fixture('ca.pem')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  py.stdout.on('data', (d) => (out += d));
  py.stderr.on('data', (d) => (out += d));
  const done = new Promise<void>((r) => py.on('close', () => r()));
  return { lines: () => out.split('\n').filter(Boolean), done, kill: () => py.kill() };
}

async function echoOnce(l: TcpListener, alpn: string[]): Promise<string | null> {
  const sock = await l.accept();
  const ctx = ourServerContext({ versions: 'any' });
  ctx.setAlpnProtocols(alpn);
  const { pump, obj } = acceptOurs(sock, ctx);
  try {
    await pump.handshake();
    await pump.write(await pump.readUntil('\n'));
    await pump.endStream();
    return obj.selectedAlpnProtocol();
  } finally {
    sock.destroy();
  }
}

describe('ALPN lists sharing nothing: the handshake goes on without ALPN, as OpenSSL under Python', () => {
  let l: TcpListener;
  before(async () => {
    l = await listenTcp();
  });
  after(() => l.close());

  test('openssl s_client -alpn foo -> our server (h2)', T, async () => {
    const served = echoOnce(l, ['h2']);
    const r = await runOpensslClient(l.port, ['-alpn', 'foo', '-servername', 'localhost', '-CAfile', fixture('ca.pem')], 'alpn\n', { ignEof: false, holdStdinMs: 500 });
    assert.equal(await served, null);
    assert.equal(r.brief.established, true, r.stderr);
    assert.equal(r.brief.alpn, undefined);
    assert.match(r.stdout, /alpn/);
  });

  test('Python client (foo) -> our server (h2)', T, async () => {
    const py = python(['client', String(l.port)]);
    try {
      assert.equal(await echoOnce(l, ['h2']), null);
      await withTimeout(py.done, 20000, 'python client');
      assert.deepEqual(JSON.parse(py.lines().at(-1)!), { alpn: null, echo: 'alpn\n' });
    } finally {
      py.kill();
    }
  });

  test('openssl s_server -alpn h2 itself refuses (its callback, not the library): our client gets the alert Python gets', T, async () => {
    const args = ['-rev', '-naccept', '1', '-alpn', 'h2', '-cert', fixture('leaf-ecdsa-p256.pem'), '-key', fixture('leaf-ecdsa-p256.key'), '-cert_chain', fixture('inter.pem')];
    const ref = await startOpensslServer(args);
    const py = python(['client', String(ref.port)]);
    let expected: unknown;
    try {
      await withTimeout(py.done, 20000, 'python client');
      expected = JSON.parse(py.lines().at(-1)!);
    } finally {
      py.kill();
      await ref.stop();
    }
    // CPython 3.11 has no name for this OpenSSL 3.0 reason: e.reason is None, the text is OpenSSL's. ssl-ts the same.
    assert.deepEqual(expected, { error: '[SSL] tlsv1 alert no application protocol' });
    const srv = await startOpensslServer(args);
    const ours = await connectOurs(srv.port, ourClientContext({ versions: 'any', alpn: ['foo'] }));
    try {
      await assert.rejects(
        ours.pump.handshake(),
        (e: unknown) => (e as Error).message === (expected as { error: string }).error && (e as { reason?: string | null }).reason === null,
      );
    } finally {
      ours.pump.destroy();
      await srv.stop();
    }
  });

  test('our client (foo) -> Python server (h2)', T, async () => {
    const py = python(['server', '0']);
    try {
      await withTimeout(
        (async () => {
          while (py.lines().length < 1) await new Promise((r) => setTimeout(r, 20));
        })(),
        15000,
        'python server port',
      );
      const ours = await connectOurs(Number(py.lines()[0]), ourClientContext({ versions: 'any', alpn: ['foo'] }));
      try {
        await ours.pump.handshake();
        assert.equal(ours.obj.selectedAlpnProtocol(), null);
        await ours.pump.write('alpn\n');
        assert.equal(text(await ours.pump.readUntil('\n')), 'alpn\n');
      } finally {
        ours.pump.destroy();
      }
      await withTimeout(py.done, 20000, 'python server');
      assert.deepEqual(JSON.parse(py.lines().at(-1)!), { alpn: null });
    } finally {
      py.kill();
    }
  });
});
