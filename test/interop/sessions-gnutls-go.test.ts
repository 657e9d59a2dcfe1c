// Session resumption against gnutls (gnutls-cli --resume, gnutls-serv) and
// Go's crypto/tls, TLS 1.3 and 1.2, both roles, reuse asserted on both ends.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type net from 'node:net';

import { MemoryBIO, SSLContext, SSLObject, SSLSession } from '../../src/index.js';
import { BioSocketPump } from '../helpers/pump.js';
import { connectTcp, fixture, freePort, leafFiles, listenTcp, withTimeout } from '../helpers/peers.js';
import { acceptOurs, ourClientContext, ourServerContext } from '../helpers/ours.js';

const T = { timeout: 90000 };
const GO_SOURCE = fixture('../test/helpers/go_session_peer.go');
// Go 1.26 on PATH; Debian's Go 1.19 (from .ci/run) otherwise.
const GO = spawnSync('go', ['version']).status === 0 ? 'go' : '/usr/lib/go-1.19/bin/go';

let goDir = '';
let goBin = '';
before(() => {
  goDir = mkdtempSync(join(tmpdir(), 'ssl-ts-go-'));
  goBin = join(goDir, 'peer');
  const r = spawnSync(GO, ['build', '-o', goBin, GO_SOURCE], {
    // The usual build cache under $HOME keeps this quick after the first time.
    env: { ...process.env, GO111MODULE: 'off', GOFLAGS: '', ...(process.env.HOME || process.env.GOCACHE ? {} : { GOCACHE: join(tmpdir(), 'ssl-ts-go-cache') }) },
    encoding: 'utf8',
    timeout: 240000,
  });
  assert.equal(r.status, 0, `go build failed: ${r.stderr}`);
  assert.ok(existsSync(goBin));
});
after(() => rmSync(goDir, { recursive: true, force: true }));

/** Run a child to its end, collecting stdout; `onPort` sees "PORT n" when it appears. */
function run(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
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
  child.stdin.on('error', () => {});
  if (opts.input !== undefined) child.stdin.end(opts.input);
  const done = withTimeout(
    new Promise<{ code: number | null; out: string; err: string }>((res) => child.once('close', (code) => res({ code, out, err }))),
    opts.timeoutMs ?? 40000,
    `${cmd} ${args.join(' ')}`,
  );
  done.catch(() => child.kill('SIGKILL'));
  return { child, port, done };
}

async function ourClientOnce(port: number, ctx: SSLContext, session: SSLSession | null): Promise<SSLObject> {
  const sock = await connectTcp(port);
  const incoming = new MemoryBIO();
  const outgoing = new MemoryBIO();
  const obj = ctx.wrapBio(incoming, outgoing, { serverHostname: 'localhost', session });
  const pump = new BioSocketPump<SSLObject>(sock, obj, incoming, outgoing, { timeoutMs: 15000 });
  try {
    await pump.handshake();
    await pump.write('ping\n');
    assert.equal(Buffer.from(await pump.readUntil('\n')).toString(), 'ping\n');
    return obj;
  } finally {
    pump.destroy();
    sock.destroy();
  }
}

async function ourServer(ctx: SSLContext, n: number) {
  const l = await listenTcp();
  const done = (async () => {
    const objs: SSLObject[] = [];
    for (let i = 0; i < n; i++) {
      const sock: net.Socket = await l.accept(60000);
      const ours = acceptOurs(sock, ctx);
      try {
        await ours.pump.handshake();
        objs.push(ours.obj);
        const line = await ours.pump.readUntil('\n');
        await ours.pump.write(line);
        await ours.pump.close().catch(() => {});
      } catch {
        // gnutls-cli may hang up without reading; the handshake outcome is what counts
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

for (const v of [
  { name: 'TLSv1.3', ours: 'tls13' as const, go: '1.3', gnutls: 'NORMAL:-VERS-ALL:+VERS-TLS1.3' },
  { name: 'TLSv1.2', ours: 'tls12' as const, go: '1.2', gnutls: 'NORMAL:-VERS-ALL:+VERS-TLS1.2' },
]) {
  describe(`${v.name} resumption with gnutls and Go`, () => {
    test('gnutls-cli --resume against our server', T, async () => {
      // gnutls-cli disconnects right after its first handshake and waits only
      // briefly for a TLS 1.3 ticket; on a heavily loaded machine ours can come
      // later, and its second connection is then a full handshake. So up to
      // three tries, each with a new server; a broken resumption fails all three.
      let last = '';
      for (let attempt = 1; attempt <= 3; attempt++) {
        const ctx = ourServerContext({ versions: v.ours });
        const srv = await ourServer(ctx, 2);
        try {
          const g = run('gnutls-cli', ['--resume', '--priority', v.gnutls, '--x509cafile', fixture('ca.pem'), '-p', String(srv.port), 'localhost'], { input: 'ping\n' });
          const r = await g.done;
          const objs = await srv.done;
          last = r.out + r.err;
          if (!/\*\*\* This is a resumed session/.test(r.out)) continue;
          assert.deepEqual(objs.map((o) => o.sessionReused), [false, true]);
          return;
        } finally {
          await srv.close();
        }
      }
      assert.fail(`gnutls-cli never resumed in three tries; the last one said:\n${last}`);
    });

    test('our client against gnutls-serv', T, async () => {
      const port = await freePort();
      const kind = leafFiles('ecdsa-p256');
      const g = run('gnutls-serv', ['--port', String(port), '--priority', v.gnutls, '--echo', '--x509certfile', kind.chain, '--x509keyfile', kind.key], { timeoutMs: 60000 });
      try {
        // gnutls-serv prints "Echo Server listening" once it listens; connect retries until then.
        const ctx = ourClientContext({ versions: v.ours });
        let first: SSLObject | null = null;
        for (let i = 0; i < 50 && !first; i++) {
          first = await ourClientOnce(port, ctx, null).catch(async () => {
            await new Promise((r) => setTimeout(r, 200));
            return null;
          });
        }
        assert.ok(first, 'gnutls-serv did not come up');
        const second = await ourClientOnce(port, ctx, first.session);
        assert.equal(second.sessionReused, true);
        g.child.kill('SIGTERM');
        const r = await g.done;
        assert.equal((r.out.match(/\*\*\* This is a resumed session/g) ?? []).length, 1, r.out);
      } finally {
        g.child.kill('SIGKILL');
      }
    });

    test("Go's crypto/tls client against our server", T, async () => {
      const ctx = ourServerContext({ versions: v.ours });
      const srv = await ourServer(ctx, 2);
      try {
        const r = await run(goBin, ['-role', 'client', '-port', String(srv.port), '-ca', fixture('ca.pem'), '-max', v.go]).done;
        assert.equal(r.code, 0, r.err);
        assert.deepEqual(JSON.parse(r.out.trim().split('\n').at(-1)!), [false, true]);
        const objs = await srv.done;
        assert.deepEqual(objs.map((o) => o.sessionReused), [false, true]);
      } finally {
        await srv.close();
      }
    });

    test("our client against Go's crypto/tls server", T, async () => {
      const kind = leafFiles('ecdsa-p256');
      const g = run(goBin, ['-role', 'server', '-cert', kind.chain, '-key', kind.key, '-max', v.go]);
      const port = await withTimeout(g.port, 20000, 'go port');
      const ctx = ourClientContext({ versions: v.ours });
      const first = await ourClientOnce(port, ctx, null);
      const second = await ourClientOnce(port, ctx, first.session);
      assert.equal(second.sessionReused, true);
      const r = await g.done;
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(JSON.parse(r.out.trim().split('\n').at(-1)!), [false, true]);
    });
  });
}
