// The `ssl-ts` command line, run from source through tsx (no build needed):
// demo, server (against openssl s_client and node's https), client (against
// openssl s_server -rev and a node:tls echo server), and usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as https from 'node:https';
import * as net from 'node:net';
import { networkInterfaces } from 'node:os';
import * as tls from 'node:tls';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const FIX = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const CA = FIX + 'ca.pem';

interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** Resolves with the first match of `re` on stdout. */
  waitStdout: (re: RegExp, ms: number) => Promise<RegExpExecArray>;
}

const children = new Set<ChildProcess>();

function start(cmd: string, args: string[]): Spawned {
  const child = spawn(cmd, args, { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin!.on('error', () => {}); // the child may exit before reading all of it
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? signal ?? -1);
    });
    child.on('error', (e) => resolve(`spawn error: ${e.message}`));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitStdout: (re, ms) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const m = re.exec(out);
          if (m) {
            cleanup();
            resolve(m);
          }
          return !!m;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${re} on stdout\n--- stdout:\n${out}\n--- stderr:\n${err}`));
        }, ms);
        const onExit = (): void => {
          if (!check()) {
            cleanup();
            reject(new Error(`exited before printing ${re}\n--- stdout:\n${out}\n--- stderr:\n${err}`));
          }
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          child.stdout!.off('data', check);
          child.off('exit', onExit);
        };
        if (check()) return;
        child.stdout!.on('data', check);
        child.on('exit', onExit);
      }),
  };
}

function cli(args: string[]): Spawned {
  return start(process.execPath, ['--import', 'tsx', MAIN, ...args]);
}

/** Kill a child (TERM, then KILL) and wait for it to go. */
async function stop(s: Spawned): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  s.child.kill('SIGTERM');
  const t = setTimeout(() => s.child.kill('SIGKILL'), 2000);
  await s.exited;
  clearTimeout(t);
}

/** Wait for exit at most `ms`; kill and fail on overrun. */
async function exitWithin(s: Spawned, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not exit within ${ms} ms\n--- stdout:\n${s.stdout()}\n--- stderr:\n${s.stderr()}`)), ms);
  });
  try {
    return await Promise.race([s.exited, timeout]);
  } finally {
    clearTimeout(timer);
    await stop(s);
  }
}

process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/**
 * Start `ssl-ts server` on a free port and return it with its port and, when
 * no --cert was given, the PEM of the CA it made for this run.
 */
async function cliServer(args: string[]): Promise<{ s: Spawned; port: number; ca: string }> {
  const s = cli(['server', '--port', '0', ...args]);
  try {
    const m = await s.waitStdout(/ACCEPT 127\.0\.0\.1:(\d+)/, 15000);
    const pem = /-----BEGIN CERTIFICATE-----[^]*?-----END CERTIFICATE-----\n/.exec(s.stdout().slice(0, m.index));
    return { s, port: Number(m[1]), ca: pem ? pem[0] : '' };
  } catch (e) {
    await stop(s);
    throw e;
  }
}

function nodeEchoServer(opts: tls.TlsOptions = {}): Promise<tls.Server> {
  const server = tls.createServer(
    {
      key: readFileSync(FIX + 'leaf-ecdsa-p256.key'),
      cert: readFileSync(FIX + 'leaf-ecdsa-p256-chain.pem'),
      ...opts,
    },
    (sock) => {
      sock.on('error', () => sock.destroy());
      sock.pipe(sock);
    },
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function closeServer(server: net.Server | tls.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

// ---------------------------------------------------------------- demo

test('demo: exits 0 and shows ladders and summaries', { timeout: 30000 }, async () => {
  const s = cli(['demo']);
  const code = await exitWithin(s, 25000);
  const out = s.stdout();
  assert.equal(code, 0, s.stderr());
  assert.match(out, /TLSv1\.3/);
  assert.match(out, /TLS_AES_(128|256)_GCM_SHA(256|384)|TLS_CHACHA20_POLY1305_SHA256/);
  assert.match(out, /ClientHello \(\d+ bytes\)\s+──▶/);
  assert.match(out, /◀──\s+ServerHello \(\d+ bytes\)/);
  assert.match(out, /Finished/);
  assert.match(out, /HelloRetryRequest \(\d+ bytes\)/);
  assert.match(out, /HelloRetryRequest\s+yes/);
  assert.match(out, /node getProtocol\(\)\s+TLSv1\.3/);
  assert.match(out, /peer certificate \(the server's\)\s+.*commonName=localhost/);
  assert.match(out, /peer certificate \(the client's\)\s+\(none\)/);
  assert.doesNotMatch(out, /fixtures/, 'the demo makes its own certificates');
  assert.match(out, /\(c\) node:tls client ↔ ssl-ts server/);
  assert.doesNotMatch(out, /\x1b\[/, 'no colours when stdout is not a terminal');
});

// ---------------------------------------------------------------- server

test('server --ciphers --dhparam auto: s_client gets an HMAC-SHA1 DHE suite with OpenSSL-chosen DH parameters', { timeout: 30000 }, async () => {
  const { s, port } = await cliServer([
    '--www', '--cert', FIX + 'leaf-rsa2048-chain.pem', '--key', FIX + 'leaf-rsa2048.key',
    '--ciphers', 'DHE-RSA-AES128-SHA', '--dhparam', 'auto',
  ]);
  try {
    const c = start('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-cipher', 'DHE-RSA-AES128-SHA', '-CAfile', FIX + 'ca.pem', '-servername', 'localhost', '-ign_eof']);
    c.child.stdin!.end('GET / HTTP/1.0\r\n\r\n');
    const code = await exitWithin(c, 15000);
    const out = c.stdout();
    assert.equal(code, 0, c.stderr());
    assert.match(out, /Verify return code: 0 \(ok\)/);
    assert.match(out, /Server Temp Key: DH, 2048 bits/);
    assert.match(out, /Cipher\s+DHE-RSA-AES128-SHA\n/);
  } finally {
    await stop(s);
  }
});

test('server --ciphers with nothing we can use: exits 1 with Python\'s error', { timeout: 30000 }, async () => {
  const s = cli(['server', '--port', '0', '--ciphers', 'CAMELLIA']);
  assert.equal(await exitWithin(s, 15000), 1);
  assert.match(s.stderr(), /No cipher can be selected/);
});

test('server --www: openssl s_client gets the status page', { timeout: 30000 }, async () => {
  const { s, port, ca } = await cliServer(['--www', '--alpn', 'h2,http/1.1']);
  // Without --cert the server makes its certificate at start and prints the CA.
  assert.match(ca, /^-----BEGIN CERTIFICATE-----/);
  const caFile = join(mkdtempSync(join(tmpdir(), 'ssl-ts-cli-')), 'ca.pem');
  writeFileSync(caFile, ca);
  try {
    const c = start('openssl', [
      's_client',
      '-connect', `127.0.0.1:${port}`,
      '-tls1_3',
      '-CAfile', caFile,
      '-servername', 'localhost',
      '-alpn', 'http/1.1',
      '-ign_eof',
    ]);
    c.child.stdin!.end('GET / HTTP/1.0\r\n\r\n');
    const code = await exitWithin(c, 15000);
    const out = c.stdout();
    assert.equal(code, 0, c.stderr());
    assert.match(out, /Verify return code: 0 \(ok\)/);
    assert.match(out, /HTTP\/1\.0 200 ok\r\n/);
    assert.match(out, /Content-Type: text\/plain/);
    assert.match(out, /Protocol\s+TLSv1\.3/);
    assert.match(out, /Cipher\s+TLS_/);
    assert.match(out, /ALPN\s+http\/1\.1/);
    assert.match(out, /SNI\s+localhost/);
    assert.match(out, /Client address\s+127\.0\.0\.1:\d+/);
    assert.match(out, /Request\s+GET \/ HTTP\/1\.0/);
    // The server logs the connection's summary on stderr.
    assert.match(s.stderr(), /CONNECTION from 127\.0\.0\.1:\d+/);
  } finally {
    await stop(s);
  }
});

test('server --www: node https.get with the test CA', { timeout: 30000 }, async () => {
  const { s, port, ca } = await cliServer(['--www']);
  try {
    const { status, type, body } = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = https.get(
        { host: '127.0.0.1', port, path: '/hello', ca, servername: 'localhost', agent: false, timeout: 10000 },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('https.get timed out')));
      req.on('error', reject);
    });
    assert.equal(status, 200);
    assert.match(type, /^text\/plain/);
    assert.match(body, /Protocol\s+TLSv1\.3/);
    assert.match(body, /SNI\s+localhost/);
    assert.match(body, /Request\s+GET \/hello HTTP\/1\.1/);
  } finally {
    await stop(s);
  }
});

test('server (echo): node:tls client gets its bytes back; --verify demands a client certificate', { timeout: 30000 }, async () => {
  const { s, port, ca } = await cliServer([
    '--cert', FIX + 'leaf-ecdsa-p256-chain.pem', '--key', FIX + 'leaf-ecdsa-p256.key', '--cafile', CA, '--verify', '--trace',
  ]);
  assert.equal(ca, '', 'with --cert no CA is made');
  try {
    const sock = tls.connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: readFileSync(CA),
      cert: readFileSync(FIX + 'client-chain.pem'),
      key: readFileSync(FIX + 'client.key'),
    });
    sock.on('error', () => {});
    await once(sock, 'secureConnect');
    sock.write('ping over ssl-ts');
    const [data] = (await once(sock, 'data')) as [Buffer];
    assert.equal(data.toString(), 'ping over ssl-ts');
    sock.end();
    await once(sock, 'close');
    const err = s.stderr();
    assert.match(err, /ClientHello/);
    assert.match(err, /peer certificate \(the client's\)\s+.*commonName=ssl-ts test client/);

    // Without a client certificate the handshake must fail.
    const bare = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(CA) });
    const failure = await new Promise<Error | null>((resolve) => {
      bare.on('error', resolve);
      bare.on('data', () => {});
      bare.on('close', () => resolve(null));
    });
    assert.ok(failure, 'expected the server to reject a client without a certificate');
  } finally {
    await stop(s);
  }
});

// ---------------------------------------------------------------- client

test('client: openssl s_server -rev reverses a line', { timeout: 30000 }, async () => {
  const srv = start('openssl', [
    's_server',
    '-accept', '127.0.0.1:0',
    '-rev',
    '-cert', FIX + 'leaf-ecdsa-p256.pem',
    '-cert_chain', FIX + 'inter.pem',
    '-key', FIX + 'leaf-ecdsa-p256.key',
  ]);
  try {
    // s_server quits on stdin EOF, so its stdin stays open until stop().
    const m = await srv.waitStdout(/ACCEPT\s+\S*:(\d+)/, 15000);
    const c = cli(['client', `127.0.0.1:${m[1]}`, '--cafile', CA, '--servername', 'localhost', '--trace']);
    c.child.stdin!.end('hello world\n');
    const code = await exitWithin(c, 15000);
    assert.equal(code, 0, c.stderr());
    assert.equal(c.stdout(), 'dlrow olleh\n');
    const err = c.stderr();
    assert.match(err, /version\s+TLSv1\.3/);
    assert.match(err, /peer certificate \(the server's\)\s+.*commonName=localhost/);
    assert.match(err, /ClientHello \(\d+ bytes\)/);
    assert.match(err, /Alert warning close_notify/);
  } finally {
    await stop(srv);
  }
});

test('client --reconnect: five resumptions against openssl s_server, then the session goes on', { timeout: 40000 }, async () => {
  const srv = start('openssl', [
    's_server',
    '-accept', '127.0.0.1:0',
    '-rev',
    '-cert', FIX + 'leaf-ecdsa-p256.pem',
    '-cert_chain', FIX + 'inter.pem',
    '-key', FIX + 'leaf-ecdsa-p256.key',
  ]);
  try {
    const m = await srv.waitStdout(/ACCEPT\s+\S*:(\d+)/, 15000);
    const c = cli(['client', `127.0.0.1:${m[1]}`, '--cafile', CA, '--servername', 'localhost', '--reconnect']);
    c.child.stdin!.end('hello world\n');
    const code = await exitWithin(c, 30000);
    assert.equal(code, 0, c.stderr());
    assert.equal(c.stdout(), 'dlrow olleh\n');
    const err = c.stderr();
    assert.match(err, /^New, TLSv1\.3, Cipher is TLS_AES_256_GCM_SHA384$/m);
    for (let i = 1; i <= 5; i++) assert.match(err, new RegExp(`^reconnect ${i}: Reused, TLSv1\\.3`, 'm'));
    assert.match(err, /session\s+resumed/);
  } finally {
    await stop(srv);
  }
});

test('client --reconnect --early-data: 0-RTT accepted by openssl s_server -early_data', { timeout: 40000 }, async () => {
  const srv = start('openssl', [
    's_server',
    '-accept', '127.0.0.1:0',
    '-early_data',
    '-cert', FIX + 'leaf-ecdsa-p256.pem',
    '-cert_chain', FIX + 'inter.pem',
    '-key', FIX + 'leaf-ecdsa-p256.key',
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'ssl-ts-cli-early-'));
  try {
    const file = join(dir, 'early.txt');
    writeFileSync(file, 'zero round trip\n');
    const m = await srv.waitStdout(/ACCEPT\s+\S*:(\d+)/, 15000);
    const c = cli(['client', `127.0.0.1:${m[1]}`, '--cafile', CA, '--servername', 'localhost', '--reconnect', '--early-data', file]);
    c.child.stdin!.end();
    const code = await exitWithin(c, 30000);
    assert.equal(code, 0, c.stderr());
    const err = c.stderr();
    assert.match(err, /^reconnect 1: Reused, TLSv1\.3, Cipher is \S+, early data accepted$/m);
    assert.match(err, /early data \(0-RTT\)\s+accepted/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await stop(srv);
  }
});

test('client: node:tls echo server, ALPN, IPv4 form', { timeout: 30000 }, async () => {
  const server = await nodeEchoServer({ ALPNProtocols: ['h2'] });
  try {
    const c = cli(['client', `127.0.0.1:${portOf(server)}`, '--cafile', CA, '--servername', 'localhost', '--alpn', 'h2,http/1.1']);
    c.child.stdin!.end('echo this\n');
    assert.equal(await exitWithin(c, 15000), 0, c.stderr());
    assert.equal(c.stdout(), 'echo this\n');
    assert.match(c.stderr(), /ALPN\s+h2/);
    assert.match(c.stderr(), /server name \(SNI\)\s+localhost/);
  } finally {
    await closeServer(server);
  }
});

// IPv6 loopback cannot be installed by .ci/run: where the machine has no ::1,
// the runner reports this test as skipped with the reason instead of passing it.
const HAVE_IPV6_LOOPBACK = Object.values(networkInterfaces()).some((addrs) =>
  (addrs ?? []).some((a) => a.internal && a.family === 'IPv6' && a.address === '::1'),
);

test('client: the [::1] form over IPv6 loopback', {
  timeout: 30000,
  skip: HAVE_IPV6_LOOPBACK ? false : 'no IPv6 loopback (::1) on this machine',
}, async () => {
  const v6 = tls.createServer({
    key: readFileSync(FIX + 'leaf-ecdsa-p256.key'),
    cert: readFileSync(FIX + 'leaf-ecdsa-p256-chain.pem'),
  }, (sock) => {
    sock.on('error', () => sock.destroy());
    sock.pipe(sock);
  });
  await new Promise<void>((resolve, reject) => {
    v6.once('error', reject);
    v6.listen(0, '::1', () => resolve());
  });
  try {
    // The certificate has IP:::1, so an IP literal verifies without SNI.
    const c = cli(['client', `[::1]:${portOf(v6)}`, '--cafile', CA]);
    c.child.stdin!.end('over v6');
    assert.equal(await exitWithin(c, 15000), 0, c.stderr());
    assert.equal(c.stdout(), 'over v6');
    assert.match(c.stderr(), /CONNECTED to \[::1\]:\d+/);
  } finally {
    await closeServer(v6);
  }
});

test('client: verification failure exits 1 with the SSLError text; --insecure connects', { timeout: 30000 }, async () => {
  const server = await nodeEchoServer();
  try {
    const port = portOf(server);
    // The default trust store does not know the test CA.
    const bad = cli(['client', `127.0.0.1:${port}`, '--servername', 'localhost']);
    bad.child.stdin!.end();
    assert.equal(await exitWithin(bad, 15000), 1);
    assert.match(bad.stderr(), /\[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed/);

    // Wrong name against the right CA.
    const wrong = cli(['client', `127.0.0.1:${port}`, '--cafile', CA, '--servername', 'example.org']);
    wrong.child.stdin!.end();
    assert.equal(await exitWithin(wrong, 15000), 1);
    assert.match(wrong.stderr(), /CERTIFICATE_VERIFY_FAILED|hostname/i);

    const ok = cli(['client', `127.0.0.1:${port}`, '--insecure']);
    ok.child.stdin!.end('anyway');
    assert.equal(await exitWithin(ok, 15000), 0, ok.stderr());
    assert.equal(ok.stdout(), 'anyway');
  } finally {
    await closeServer(server);
  }
});

test('client: connection refused exits 1', { timeout: 20000 }, async () => {
  // Take a free port, then release it so nothing listens there.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = portOf(probe);
  await closeServer(probe);
  const c = cli(['client', `127.0.0.1:${port}`, '--cafile', CA]);
  c.child.stdin!.end();
  assert.equal(await exitWithin(c, 15000), 1);
  assert.match(c.stderr(), /ECONNREFUSED/);
});

// ---------------------------------------------------------------- usage

test('usage errors exit 2 with the usage text; --help exits 0', { timeout: 60000 }, async () => {
  const bad: string[][] = [
    [],
    ['bogus'],
    ['client'],
    ['client', 'localhost'],
    ['client', 'localhost:99999'],
    ['client', 'localhost:443', '--nope'],
    ['client', 'localhost:443', '--key', 'k.pem'],
    ['server', '--port', 'abc'],
    ['server', '--verify'],
    ['server', 'extra'],
    ['demo', 'extra'],
  ];
  await Promise.all(
    bad.map(async (args) => {
      const s = cli(args);
      s.child.stdin!.end();
      const code = await exitWithin(s, 60000);
      assert.equal(code, 2, `ssl-ts ${args.join(' ')}: ${s.stderr()}`);
      assert.match(s.stderr(), /usage: ssl-ts/, `ssl-ts ${args.join(' ')}`);
    }),
  );
  const h = cli(['--help']);
  assert.equal(await exitWithin(h, 60000), 0);
  assert.match(h.stdout(), /usage: ssl-ts/);
});

// ---------------------------------------------------------------- polish

test('client --help and server --help print their own options', { timeout: 60000 }, async () => {
  const c = cli(['client', '--help']);
  assert.equal(await exitWithin(c, 60000), 0);
  assert.match(c.stdout(), /^usage: ssl-ts client HOST:PORT/);
  assert.match(c.stdout(), /--servername N/);
  assert.match(c.stdout(), /--pass-file F/);
  assert.doesNotMatch(c.stdout(), /--www/);
  const s = cli(['server', '--help']);
  assert.equal(await exitWithin(s, 60000), 0);
  assert.match(s.stdout(), /^usage: ssl-ts server/);
  assert.match(s.stdout(), /--www/);
  assert.doesNotMatch(s.stdout(), /--servername/);
});

test('unknown or malformed flags: one line naming the flag, not node\'s ERR_PARSE_ARGS text', { timeout: 60000 }, async () => {
  const cases: Array<[string[], RegExp]> = [
    [['client', '127.0.0.1:443', '--nope'], /^ssl-ts client: unknown option '--nope'; usage: ssl-ts client HOST:PORT \[options\] \(ssl-ts client --help\)\n$/],
    [['server', '--bogus=1'], /^ssl-ts server: unknown option '--bogus'; usage: ssl-ts server/],
    [['client', '127.0.0.1:443', '--cafile'], /^ssl-ts client: option '--cafile' needs a value; usage/],
    [['server', '--www=yes'], /^ssl-ts server: option '--www' takes no value; usage/],
    [['client', '127.0.0.1:443', '--pass', 'x'], /^ssl-ts client: --pass and --pass-file need --cert; usage/],
  ];
  await Promise.all(
    cases.map(async ([args, re]) => {
      const s = cli(args);
      s.child.stdin!.end();
      assert.equal(await exitWithin(s, 60000), 2, args.join(' '));
      assert.match(s.stderr(), re);
      assert.doesNotMatch(s.stderr(), /ERR_PARSE_ARGS/);
    }),
  );
});

test('a missing file is named as Python names it', { timeout: 60000 }, async () => {
  const runs: Array<[string[], string]> = [
    [['client', '127.0.0.1:1', '--cafile', 'no-such-ca.pem'], 'no-such-ca.pem'],
    [['server', '--port', '0', '--cert', 'no-such-cert.pem'], 'no-such-cert.pem'],
    [['server', '--port', '0', '--cert', FIX + 'leaf-ecdsa-p256-chain.pem', '--key', FIX + 'leaf-ecdsa-p256.enc-pkcs8.key', '--pass-file', 'no-such-pass.txt'], 'no-such-pass.txt'],
  ];
  await Promise.all(
    runs.map(async ([args, file]) => {
      const s = cli(args);
      s.child.stdin!.end();
      assert.equal(await exitWithin(s, 60000), 1, s.stderr());
      assert.match(s.stderr(), new RegExp(`\\[Errno 2\\] No such file or directory: '${file}'`));
    }),
  );
});

test('server --pass / --pass-file open an encrypted key; a wrong one fails; --cafile alone warns', { timeout: 60000 }, async () => {
  const passFile = join(mkdtempSync(join(tmpdir(), 'ssl-ts-cli-')), 'pass.txt');
  writeFileSync(passFile, 'somepass\n');
  const key = ['--cert', FIX + 'leaf-ecdsa-p256-chain.pem', '--key', FIX + 'leaf-ecdsa-p256.enc-pkcs8.key'];
  for (const pass of [['--pass', 'somepass'], ['--pass-file', passFile]]) {
    const { s, port } = await cliServer([...key, ...pass, '--www']);
    try {
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port, path: '/', ca: readFileSync(CA), servername: 'localhost', agent: false }, (res) => {
            let t = '';
            res.on('data', (d: Buffer) => (t += d));
            res.on('end', () => resolve(t));
          })
          .on('error', reject);
      });
      assert.match(body, /Protocol\s+TLSv1\.3/);
    } finally {
      await stop(s);
    }
  }
  const wrong = cli(['server', '--port', '0', ...key, '--pass', 'wrong']);
  assert.equal(await exitWithin(wrong, 60000), 1);
  assert.match(wrong.stderr(), /^ssl-ts server: /);

  const { s } = await cliServer(['--cafile', CA]);
  try {
    // stderr and stdout are separate pipes: give the warning a moment to arrive.
    for (let i = 0; i < 50 && !/warning/.test(s.stderr()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(s.stderr(), /warning: --cafile without --verify/);
  } finally {
    await stop(s);
  }
});
