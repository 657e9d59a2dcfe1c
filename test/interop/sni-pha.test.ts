// The SNI callback and TLS 1.3 post-handshake auth against real peers: openssl s_client /
// s_server and Python's ssl, in both roles.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type net from 'node:net';
import {
  ALERT_DESCRIPTION_UNRECOGNIZED_NAME,
  CERT_REQUIRED,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  SSLContext,
  TLSVersion,
} from '../../src/index.js';
import { setUnraisableHook } from '../../src/ssl/unraisable.js';
import { acceptOurs, connectOurs, text } from '../helpers/ours.js';
import { fixture, listenTcp, runOpensslClient, startOpensslServer, type TcpListener, withTimeout, delay } from '../helpers/peers.js';

const CA = fixture('ca.pem');
const LEAF = { chain: fixture('leaf-ecdsa-p256-chain.pem'), key: fixture('leaf-ecdsa-p256.key') };
const OTHER = { chain: fixture('wronghost-chain.pem'), key: fixture('wronghost.key') };
const CLIENT = { cert: fixture('client-chain.pem'), key: fixture('client.key') };

function serverContexts(): { main: SSLContext; other: SSLContext; names: (string | null)[] } {
  const main = new SSLContext(PROTOCOL_TLS_SERVER);
  main.loadCertChain(LEAF.chain, LEAF.key);
  const other = new SSLContext(PROTOCOL_TLS_SERVER);
  other.loadCertChain(OTHER.chain, OTHER.key);
  const names: (string | null)[] = [];
  main.sniCallback = (obj, name) => {
    names.push(name);
    if (name === 'wrong.example') obj.context = other;
    else if (name === 'deny.example') return ALERT_DESCRIPTION_UNRECOGNIZED_NAME;
    else if (name === 'boom.example') throw new Error('callback failure on purpose');
    return null;
  };
  return { main, other, names };
}

/** Accept one connection with our server; echo one line back; report the handshake error if any. */
async function serveOnce(l: TcpListener, ctx: SSLContext): Promise<{ error: Error | null }> {
  const sock = await l.accept();
  const ours = acceptOurs(sock, ctx);
  try {
    await ours.pump.handshake();
    const line = await ours.pump.readUntil('\n');
    await ours.pump.write(line);
    await ours.pump.close().catch(() => {});
    return { error: null };
  } catch (e) {
    return { error: e as Error };
  } finally {
    sock.destroy();
  }
}

function runPython(script: string, args: string[], timeoutMs = 20000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const PY_SNI_CLIENT = `
import json, socket, ssl, sys
port, name, cafile, maxv = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=cafile)
ctx.check_hostname = False
ctx.maximum_version = getattr(ssl.TLSVersion, maxv)
out = {}
try:
    with socket.create_connection(('127.0.0.1', port)) as raw:
        with ctx.wrap_socket(raw, server_hostname=name) as s:
            out['subject'] = dict(x[0] for x in s.getpeercert()['subject'])
            s.sendall(b'hi\\n')
            out['echo'] = s.recv(100).decode()
except ssl.SSLError as e:
    out['reason'] = e.reason
print(json.dumps(out))
`;

for (const [label, tlsFlag, pyMax] of [
  ['TLS 1.3', '-tls1_3', 'TLSv1_3'],
  ['TLS 1.2', '-tls1_2', 'TLSv1_2'],
] as const) {
  describe(`SNI callback on our server (${label})`, () => {
    let l: TcpListener;
    const unraisable: unknown[] = [];
    let restore: ReturnType<typeof setUnraisableHook>;
    before(async () => {
      l = await listenTcp();
      restore = setUnraisableHook((info) => unraisable.push(info.exception));
    });
    after(async () => {
      setUnraisableHook(restore);
      await l.close();
    });

    test('openssl s_client -servername: the callback switches the certificate', async () => {
      const { main, names } = serverContexts();
      const served = serveOnce(l, main);
      const r = await runOpensslClient(l.port, [tlsFlag, '-servername', 'wrong.example', '-CAfile', CA], 'ping\n');
      assert.equal((await served).error, null);
      assert.match(r.brief.peerCertificate ?? '', /CN = wrong\.example/);
      assert.match(r.stdout, /ping/);
      assert.deepEqual(names, ['wrong.example']);
    });

    test('openssl s_client without SNI: called with null, certificate unchanged', async () => {
      const { main, names } = serverContexts();
      const served = serveOnce(l, main);
      const r = await runOpensslClient(l.port, [tlsFlag, '-noservername', '-CAfile', CA], 'ping\n');
      assert.equal((await served).error, null);
      assert.match(r.brief.peerCertificate ?? '', /CN = localhost/);
      assert.deepEqual(names, [null]);
    });

    test('openssl s_client: a returned alert reaches the client', async () => {
      const { main } = serverContexts();
      const served = serveOnce(l, main);
      const r = await runOpensslClient(l.port, [tlsFlag, '-servername', 'deny.example', '-CAfile', CA], 'ping\n');
      const { error } = await served;
      assert.equal((error as { reason?: string }).reason, 'CALLBACK_FAILED');
      assert.match(r.stderr, /tlsv1 unrecognized name/);
      assert.equal(r.brief.established, false);
    });

    test('openssl s_client: an exception in the callback sends handshake_failure', async () => {
      const { main } = serverContexts();
      unraisable.length = 0;
      const served = serveOnce(l, main);
      const r = await runOpensslClient(l.port, [tlsFlag, '-servername', 'boom.example', '-CAfile', CA], 'ping\n');
      assert.equal(((await served).error as { reason?: string }).reason, 'CALLBACK_FAILED');
      assert.match(r.stderr, /sslv3 alert handshake failure/);
      assert.equal(unraisable.length, 1);
      assert.match(String(unraisable[0]), /on purpose/);
    });

    test('Python client: switched certificate, alert and exception', async () => {
      const { main } = serverContexts();
      const results: Record<string, unknown>[] = [];
      for (const name of ['wrong.example', 'localhost', 'deny.example', 'boom.example']) {
        const served = serveOnce(l, main);
        const r = await runPython(PY_SNI_CLIENT, [String(l.port), name, CA, pyMax]);
        await served;
        results.push(JSON.parse(r.stdout || '{}'));
      }
      assert.deepEqual(results[0], { subject: { organizationName: 'ssl-ts', commonName: 'wrong.example' }, echo: 'hi\n' });
      assert.deepEqual(results[1], { subject: { organizationName: 'ssl-ts', commonName: 'localhost' }, echo: 'hi\n' });
      assert.deepEqual(results[2], { reason: 'TLSV1_UNRECOGNIZED_NAME' });
      assert.deepEqual(results[3], { reason: 'SSLV3_ALERT_HANDSHAKE_FAILURE' });
    });
  });
}

/** Our PHA server: a line protocol like test_ssl's echo server (PHA, HASCERT, GETCERT, QUIT). */
async function phaServe(l: TcpListener, ctx: SSLContext): Promise<string[]> {
  const sock: net.Socket = await l.accept();
  const { pump, obj } = acceptOurs(sock, ctx);
  const log: string[] = [];
  try {
    await pump.handshake();
    for (;;) {
      const line = text(await pump.readUntil('\n')).trim();
      log.push(line);
      if (line === 'PHA') {
        try {
          obj.verifyClientPostHandshake();
          await pump.write('OK\n');
        } catch (e) {
          await pump.write(`${(e as Error).message}\n`);
        }
      } else if (line === 'HASCERT') {
        await pump.write(obj.getPeerCert() ? 'TRUE\n' : 'FALSE\n');
      } else if (line === 'GETCERT') {
        const cert = obj.getPeerCert() as { subject?: [string, string][][] } | null;
        await pump.write(`${JSON.stringify(cert?.subject ?? null)}\n`);
      } else {
        await pump.write('BYE\n');
        break;
      }
    }
    await pump.close().catch(() => {});
  } catch (e) {
    log.push(`error: ${(e as { reason?: string }).reason ?? (e as Error).message}`);
  } finally {
    sock.destroy();
  }
  return log;
}

const PY_PHA_CLIENT = `
import json, socket, ssl, sys
port, cafile, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=cafile)
ctx.post_handshake_auth = True
if cert != '-':
    ctx.load_cert_chain(cert, key)
answers = []
try:
    with socket.create_connection(('127.0.0.1', port)) as raw:
        with ctx.wrap_socket(raw, server_hostname='localhost') as s:
            f = s.makefile('rb')
            for cmd in sys.argv[5:]:
                s.sendall(cmd.encode() + b'\\n')
                answers.append(f.readline().decode().strip())
except ssl.SSLError as e:
    answers.append('error: ' + str(e.reason))
print(json.dumps(answers))
`;

describe('post-handshake auth: our server', () => {
  let l: TcpListener;
  before(async () => {
    l = await listenTcp();
  });
  after(() => l.close());

  function phaServer(): SSLContext {
    const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
    ctx.loadCertChain(LEAF.chain, LEAF.key);
    ctx.loadVerifyLocations({ cafile: CA });
    ctx.verifyMode = CERT_REQUIRED;
    ctx.postHandshakeAuth = true;
    return ctx;
  }

  test('Python client (post_handshake_auth): certificate only after verifyClientPostHandshake()', async () => {
    const served = phaServe(l, phaServer());
    const r = await runPython(PY_PHA_CLIENT, [String(l.port), CA, CLIENT.cert, CLIENT.key, 'HASCERT', 'PHA', 'HASCERT', 'GETCERT', 'PHA', 'HASCERT', 'QUIT']);
    await served;
    const answers = JSON.parse(r.stdout) as string[];
    assert.deepEqual(answers.slice(0, 3), ['FALSE', 'OK', 'TRUE']);
    assert.match(answers[3]!, /ssl-ts test client/);
    assert.deepEqual(answers.slice(4), ['OK', 'TRUE', 'BYE']);
  });

  test('Python client without a certificate: certificate_required', async () => {
    const served = phaServe(l, phaServer());
    const r = await runPython(PY_PHA_CLIENT, [String(l.port), CA, '-', '-', 'PHA', 'HASCERT', 'HASCERT']);
    const log = await served;
    assert.deepEqual(log, ['PHA', 'error: PEER_DID_NOT_RETURN_A_CERTIFICATE']);
    const answers = JSON.parse(r.stdout) as string[];
    assert.equal(answers[0], 'OK');
    assert.equal(answers.at(-1), 'error: TLSV13_ALERT_CERTIFICATE_REQUIRED');
  });

  test('openssl s_client -enable_pha answers the request', async () => {
    const served = phaServe(l, phaServer());
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${l.port}`, '-enable_pha', '-cert', fixture('client.pem'), '-cert_chain', fixture('inter.pem'), '-key', CLIENT.key, '-CAfile', CA, '-quiet'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const waitOut = (re: RegExp) =>
      withTimeout(
        (async () => {
          while (!re.test(out)) await delay(20);
        })(),
        15000,
        `s_client output ${re}: ${out}`,
      );
    try {
      child.stdin.write('HASCERT\n');
      await waitOut(/FALSE/);
      child.stdin.write('PHA\n');
      await waitOut(/OK/);
      child.stdin.write('GETCERT\n');
      await waitOut(/test client/);
      child.stdin.write('QUIT\n');
      await waitOut(/BYE/);
    } finally {
      child.kill();
    }
    assert.deepEqual(await served, ['HASCERT', 'PHA', 'GETCERT', 'QUIT']);
  });

  test('openssl s_client without -enable_pha: EXTENSION_NOT_RECEIVED', async () => {
    const served = phaServe(l, phaServer());
    const r = await runOpensslClient(l.port, ['-cert', CLIENT.cert, '-key', CLIENT.key, '-CAfile', CA], 'PHA\nQUIT\n', { holdStdinMs: 500 });
    await served;
    assert.match(r.stdout, /\[SSL: EXTENSION_NOT_RECEIVED\] extension not received/);
  });
});

const PY_PHA_SERVER = `
import socket, ssl, sys
cert, key, cafile = sys.argv[1], sys.argv[2], sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
ctx.load_verify_locations(cafile)
ctx.verify_mode = ssl.CERT_REQUIRED
ctx.post_handshake_auth = True
srv = socket.create_server(('127.0.0.1', 0))
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
with ctx.wrap_socket(conn, server_side=True) as s:
    f = s.makefile('rb')
    while True:
        line = f.readline().strip()
        if line == b'PHA':
            s.verify_client_post_handshake()
            s.sendall(b'OK\\n')
        elif line == b'HASCERT':
            c = s.getpeercert()
            s.sendall((dict(x[0] for x in c['subject'])['commonName'] if c else 'NONE').encode() + b'\\n')
        else:
            s.sendall(b'BYE\\n')
            break
`;

describe('post-handshake auth: our client', () => {
  function phaClient(): SSLContext {
    const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
    ctx.loadVerifyLocations({ cafile: CA });
    ctx.loadCertChain(CLIENT.cert, CLIENT.key);
    ctx.postHandshakeAuth = true;
    return ctx;
  }

  test('Python server verify_client_post_handshake()', async () => {
    const py = spawn('python3', ['-c', PY_PHA_SERVER, LEAF.chain, LEAF.key, CA], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    py.stderr.on('data', (d) => (err += d));
    try {
      const port = Number(await withTimeout(new Promise<string>((r) => py.stdout.once('data', (d) => r(String(d)))), 10000, 'python port'));
      const { pump, sock } = await connectOurs(port, phaClient());
      try {
        await pump.handshake();
        const ask = async (cmd: string) => {
          await pump.write(`${cmd}\n`);
          return text(await pump.readUntil('\n')).trim();
        };
        assert.equal(await ask('HASCERT'), 'NONE');
        assert.equal(await ask('PHA'), 'OK');
        assert.equal(await ask('HASCERT'), 'ssl-ts test client', err);
        assert.equal(await ask('QUIT'), 'BYE');
      } finally {
        sock.destroy();
      }
    } finally {
      py.kill();
    }
  });

  test("openssl s_server: the 'c' command", async () => {
    const srv = await startOpensslServer(['-cert', fixture('leaf-ecdsa-p256.pem'), '-key', LEAF.key, '-cert_chain', fixture('inter.pem'), '-CAfile', CA, '-naccept', '1']);
    try {
      const { pump, sock } = await connectOurs(srv.port, phaClient());
      try {
        await pump.handshake();
        assert.equal(pump.obj.version(), 'TLSv1.3');
        await pump.write('hello\n');
        await srv.waitFor(/hello/, 10000);
        srv.child.stdin!.write('c\n');
        await delay(300); // s_server's report of the request goes to a buffered stdout
        srv.child.stdin!.write('from server\n');
        assert.match(text(await pump.readUntil('from server\n')), /from server/);
        await srv.waitFor(/depth=0 O = ssl-ts, CN = ssl-ts test client/, 10000);
      } finally {
        sock.destroy();
      }
    } finally {
      await srv.stop();
    }
  });

  test('a client without postHandshakeAuth refuses a post-handshake CertificateRequest', async () => {
    const ctx = phaClient();
    ctx.postHandshakeAuth = false;
    const srv = await startOpensslServer(['-cert', fixture('leaf-ecdsa-p256.pem'), '-key', LEAF.key, '-cert_chain', fixture('inter.pem'), '-naccept', '1']);
    try {
      const { pump, sock } = await connectOurs(srv.port, ctx);
      try {
        await pump.handshake();
        await pump.write('hello\n');
        await srv.waitFor(/hello/, 10000);
        srv.child.stdin!.write('c\n');
        // s_server refuses to ask (the extension is missing), so nothing reaches us.
        await srv.waitFor(/extension not received/, 10000);
      } finally {
        sock.destroy();
      }
    } finally {
      await srv.stop();
    }
  });
});
