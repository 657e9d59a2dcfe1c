// Session resumption against real peers, both roles, reuse asserted on both
// ends: openssl s_server / s_client (-sess_out, -sess_in), node:tls, Python.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import type net from 'node:net';

import { MemoryBIO, OP_NO_TICKET, SSLContext, SSLObject, SSLSession, TLSVersion } from '../../src/index.js';
import { BioSocketPump } from '../helpers/pump.js';
import {
  connectNodeTls,
  connectTcp,
  fixture,
  leafFiles,
  listenTcp,
  runOpensslClient,
  startNodeTlsServer,
  startOpensslServer,
  withTimeout,
} from '../helpers/peers.js';
import { acceptOurs, ourClientContext, ourServerContext } from '../helpers/ours.js';

const T = { timeout: 60000 };
const VERSIONS = [
  { name: 'TLSv1.3', ours: 'tls13' as const, openssl: '-tls1_3', node: 'TLSv1.3' as const, py: 'TLSv1_3' },
  { name: 'TLSv1.2', ours: 'tls12' as const, openssl: '-tls1_2', node: 'TLSv1.2' as const, py: 'TLSv1_2' },
];

interface ClientConn {
  obj: SSLObject;
  session: SSLSession | null;
  reply: string;
}

/** Our client: connect, send a line, read the reply (tickets arrive with it), close. */
async function ourClientOnce(port: number, ctx: SSLContext, session: SSLSession | null, line = 'ping\n'): Promise<ClientConn> {
  const sock = await connectTcp(port);
  const incoming = new MemoryBIO();
  const outgoing = new MemoryBIO();
  const obj = ctx.wrapBio(incoming, outgoing, { serverHostname: 'localhost', session });
  const pump = new BioSocketPump<SSLObject>(sock, obj, incoming, outgoing, { timeoutMs: 15000 });
  try {
    await pump.handshake();
    await pump.write(line);
    const reply = Buffer.from(await pump.readUntil('\n')).toString();
    await pump.close().catch(() => {});
    return { obj, session: obj.session, reply };
  } finally {
    pump.destroy();
    sock.destroy();
  }
}

/** Our server: accept `n` connections, echo one line each; returns each SSLObject. */
async function ourServer(ctx: SSLContext, n: number): Promise<{ port: number; done: Promise<SSLObject[]>; close: () => Promise<void> }> {
  const l = await listenTcp();
  const done = (async () => {
    const objs: SSLObject[] = [];
    for (let i = 0; i < n; i++) {
      const sock: net.Socket = await l.accept(30000);
      const ours = acceptOurs(sock, ctx);
      try {
        await ours.pump.handshake();
        const line = await ours.pump.readUntil('\n');
        await ours.pump.write(line);
        objs.push(ours.obj);
        await ours.pump.close().catch(() => {});
      } finally {
        ours.pump.destroy();
        sock.destroy();
      }
    }
    return objs;
  })();
  done.catch(() => {});
  return { port: l.port, done, close: () => l.close() };
}

function python(args: string[]): { lines: Promise<string[]>; port: Promise<number> } {
  const child = spawn('python3', [fixture('../test/helpers/py_session_peer.py'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let portResolve: (n: number) => void = () => {};
  const port = new Promise<number>((r) => (portResolve = r));
  child.stdout.on('data', (d) => {
    out += d.toString();
    const m = /^PORT (\d+)$/m.exec(out);
    if (m) portResolve(Number(m[1]));
  });
  child.stderr.on('data', (d) => (err += d.toString()));
  const lines = withTimeout(
    new Promise<string[]>((res, rej) =>
      child.once('close', (code) => (code === 0 ? res(out.trim().split('\n')) : rej(new Error(`python exited ${code}: ${err}`)))),
    ),
    40000,
    'python session peer',
  );
  lines.catch(() => child.kill('SIGKILL'));
  return { lines, port };
}

for (const v of VERSIONS) {
  describe(`${v.name} resumption, our client`, () => {
    for (const extra of [[], ['-no_ticket']]) test(`against openssl s_server ${extra.join(' ')}`, T, async () => {
      const kind = leafFiles('ecdsa-p256');
      const srv = await startOpensslServer(['-naccept', '2', '-rev', v.openssl, '-cert', kind.leaf, '-key', kind.key, '-cert_chain', kind.chain, ...extra]);
      try {
        const ctx = ourClientContext({ versions: v.ours });
        const first = await ourClientOnce(srv.port, ctx, null);
        assert.equal(first.obj.sessionReused, false);
        // TLS 1.2 without tickets resumes by session id; TLS 1.3 -no_ticket still sends (stateful) tickets.
        assert.equal(first.session?.hasTicket, v.ours === 'tls13' || extra.length === 0);
        const second = await ourClientOnce(srv.port, ctx, first.session);
        assert.equal(second.obj.sessionReused, true);
        assert.equal(second.reply, 'gnip\n');
        const out = await srv.finished(15000);
        assert.match(out, /^\s*1 session cache hits$/m, out);
      } finally {
        await srv.stop();
      }
    });

    test('against node:tls', T, async () => {
      const kind = leafFiles('ecdsa-p256');
      const reused: boolean[] = [];
      const srv = await startNodeTlsServer(
        { key: readFileSync(kind.key), cert: readFileSync(kind.chain), minVersion: v.node, maxVersion: v.node },
        (s) => {
          reused.push(s.isSessionReused());
          s.pipe(s);
        },
      );
      try {
        const ctx = ourClientContext({ versions: v.ours });
        const first = await ourClientOnce(srv.port, ctx, null);
        const second = await ourClientOnce(srv.port, ctx, first.session);
        assert.equal(first.obj.sessionReused, false);
        assert.equal(second.obj.sessionReused, true);
        assert.deepEqual(reused, [false, true]);
      } finally {
        await srv.stop();
      }
    });

    test("against Python's ssl", T, async () => {
      const kind = leafFiles('ecdsa-p256');
      const py = python(['--role', 'server', '--cert', kind.chain, '--key', kind.key, '--max', v.py]);
      const port = await withTimeout(py.port, 20000, 'python port');
      const ctx = ourClientContext({ versions: v.ours });
      const first = await ourClientOnce(port, ctx, null);
      const second = await ourClientOnce(port, ctx, first.session);
      assert.equal(second.obj.sessionReused, true);
      const res = JSON.parse((await py.lines).at(-1)!) as { reused?: boolean; stats?: { hits: number } }[];
      assert.deepEqual(res.slice(0, 2).map((r) => r.reused), [false, true]);
      assert.equal(res[2]!.stats!.hits, 1);
    });
  });

  describe(`${v.name} resumption, our server`, () => {
    for (const [noTicket, clientNoTicket] of [
      [false, false],
      [true, false],
      [false, true],
    ]) {
      const what = noTicket ? ' (server OP_NO_TICKET)' : clientNoTicket ? ' -no_ticket' : '';
      test(`openssl s_client -sess_out / -sess_in${what}`, T, async () => {
        const ctx = ourServerContext({ versions: v.ours });
        if (noTicket) ctx.options |= OP_NO_TICKET;
        const srv = await ourServer(ctx, 2);
        const dir = mkdtempSync(join(tmpdir(), 'ssl-ts-sess-'));
        try {
          const sess = join(dir, 'sess.pem');
          const common = [v.openssl, '-CAfile', fixture('ca.pem'), '-servername', 'localhost', ...(clientNoTicket ? ['-no_ticket'] : [])];
          const a = await runOpensslClient(srv.port, [...common, '-sess_out', sess], 'ping\n', { ignEof: false, holdStdinMs: 1500, trace: true });
          const b = await runOpensslClient(srv.port, [...common, '-sess_in', sess], 'ping\n', { ignEof: false, holdStdinMs: 1500, trace: true });
          const objs = await srv.done;
          assert.equal(objs[0]!.sessionReused, false);
          assert.equal(objs[1]!.sessionReused, true);
          assert.ok(a.brief.established && b.brief.established, a.stderr + b.stderr);
          // s_client resumed: no Certificate came, and in TLS 1.3 our ServerHello accepted its PSK.
          assert.match(a.trace, /Certificate, Length/);
          assert.doesNotMatch(b.trace, /Certificate, Length/);
          if (v.ours === 'tls13') {
            assert.doesNotMatch(a.trace, /ServerHello[\s\S]*extension_type=psk\(41\)/);
            assert.match(b.trace, /ServerHello[\s\S]*extension_type=psk\(41\)/);
          }
          const stats = ctx.sessionStats();
          assert.equal(stats.hits, 1);
          assert.equal(stats.accept_good, 2);
        } finally {
          rmSync(dir, { recursive: true, force: true });
          await srv.close();
        }
      });
    }

    test('node:tls client: session event, isSessionReused()', T, async () => {
      const ctx = ourServerContext({ versions: v.ours });
      const srv = await ourServer(ctx, 2);
      try {
        const opts = { servername: 'localhost', ca: readFileSync(fixture('ca.pem')), minVersion: v.node, maxVersion: v.node };
        let session: Buffer | undefined;
        const c1 = tls.connect({ host: '127.0.0.1', port: srv.port, ...opts });
        c1.on('session', (s: Buffer) => (session = s));
        c1.on('error', () => {});
        c1.write('ping\n');
        await withTimeout(new Promise((r) => c1.once('data', r)), 10000, 'echo');
        c1.end();
        assert.ok(session, 'a session event');
        const c2 = await connectNodeTls(srv.port, { ...opts, session });
        assert.equal(c2.isSessionReused(), true);
        c2.write('ping\n');
        await new Promise((r) => c2.once('data', r));
        c2.end();
        const objs = await srv.done;
        assert.deepEqual(objs.map((o) => o.sessionReused), [false, true]);
      } finally {
        await srv.close();
      }
    });

    test("Python's ssl client: session=, session_reused", T, async () => {
      const ctx = ourServerContext({ versions: v.ours });
      const srv = await ourServer(ctx, 2);
      try {
        const py = python(['--role', 'client', '--port', String(srv.port), '--cafile', fixture('ca.pem'), '--max', v.py]);
        const res = JSON.parse((await py.lines).at(-1)!) as { reused?: boolean; has_ticket?: boolean }[];
        assert.deepEqual(res.slice(0, 2).map((r) => r.reused), [false, true]);
        const objs = await srv.done;
        assert.deepEqual(objs.map((o) => o.sessionReused), [false, true]);
      } finally {
        await srv.close();
      }
    });
  });
}

void TLSVersion;
