// Load and volume: 200 concurrent connections, and 256 MiB each way with
// the peer in another process so that our own memory can be measured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';
import { createServer, type TLSStream } from '../../src/index.js';
import { CA, CHAIN, KEY, clientCtx, guardUnhandled, listen, recvExactly, serverCtx, startChild, within } from './net-helpers.js';
import { makePattern, matches } from './node-tls-peer.mjs';

guardUnhandled();

const PEER = fileURLToPath(new URL('./node-tls-peer.mjs', import.meta.url));
const MiB = 1 << 20;
/** Bytes each way for the volume tests; SSL_TS_BIG_MIB overrides (the issue asks for 256). */
const BIG = Number(process.env.SSL_TS_BIG_MIB ?? 256) * MiB;
const RSS_LIMIT = 64 * MiB;

/** Sample RSS until stopped; returns the peak growth over the level at start. */
function rssWatch(): { stop(): { growth: number; baseline: number; peak: number } } {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  return {
    stop: () => {
      clearInterval(t);
      peak = Math.max(peak, process.memoryUsage.rss());
      return { growth: peak - baseline, baseline, peak };
    },
  };
}

test('200 concurrent connections, each a handshake and a 64 KiB echo, all succeed', { timeout: 30000 }, async () => {
  const ours = createServer({ context: serverCtx() }, (s: TLSStream) => s.pipe(s));
  const l = await listen(ours);
  try {
    const ctx = clientCtx();
    const payload = randomBytes(64 * 1024);
    const results = await within(
      Promise.all(
        Array.from({ length: 200 }, async () => {
          const sock = net.connect({ port: l.port, host: '127.0.0.1', allowHalfOpen: true });
          const ss = ctx.wrapSocket(sock, { serverHostname: 'localhost' });
          const [, echoed] = await Promise.all([ss.sendall(payload), recvExactly(ss, payload.length)]);
          await ss.close();
          return echoed.equals(payload) && ss.closed;
        }),
      ),
      25000,
      '200 connections',
    );
    assert.equal(results.filter(Boolean).length, 200);
  } finally {
    await l.stop();
  }
});

test(`${BIG / MiB} MiB each way: our SSLSocket client ↔ node:tls echo server (child), bounded memory`, { timeout: 60000 }, async (t) => {
  const child = startChild(process.execPath, [PEER, 'server', KEY, CHAIN]);
  try {
    const port = Number((await child.waitStdout(/PORT (\d+)/, 10000))[1]);
    const pattern = makePattern();
    const sock = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const ss = clientCtx().wrapSocket(sock, { serverHostname: 'localhost' });
    await ss.doHandshake();
    const watch = rssWatch();
    const t0 = Date.now();
    const send = (async () => {
      for (let sent = 0; sent < BIG; ) {
        const at = sent % pattern.length;
        const n = Math.min(MiB, BIG - sent, pattern.length - at);
        await ss.sendall(pattern.subarray(at, at + n));
        sent += n;
      }
    })();
    let received = 0;
    let intact = true;
    while (received < BIG) {
      const c = await ss.recv(256 * 1024);
      if (c.length === 0) break;
      if (intact && !matches(pattern, c, received)) intact = false;
      received += c.length;
    }
    await send;
    const ms = Date.now() - t0;
    const mem = watch.stop();
    await ss.close();
    assert.equal(received, BIG);
    assert.ok(intact, 'echo matches what was sent');
    t.diagnostic(`RSS growth ${(mem.growth / MiB).toFixed(1)} MiB (baseline ${(mem.baseline / MiB).toFixed(0)} MiB), ${ms} ms`);
    assert.ok(mem.growth < RSS_LIMIT, `RSS grew by ${(mem.growth / MiB).toFixed(1)} MiB in ${ms} ms`);
  } finally {
    await child.kill();
  }
});

test(`${BIG / MiB} MiB each way: node:tls client (child) → our createServer() piping TLSStream, bounded memory`, { timeout: 60000 }, async (t) => {
  const ours = createServer({ context: serverCtx() }, (s: TLSStream) => s.pipe(s));
  const l = await listen(ours);
  const watch = rssWatch();
  const child = startChild(process.execPath, [PEER, 'client', String(l.port), CA, String(BIG)], 'ignore');
  try {
    await within(child.exited, 55000, 'node client');
    const mem = watch.stop();
    const line = child.stdout().split('\n').find((x) => x.startsWith('RESULT '));
    assert.ok(line, child.stderr());
    const r = JSON.parse(line.slice(7)) as { ok: boolean; received: number; ms: number };
    assert.deepEqual({ ok: r.ok, received: r.received }, { ok: true, received: BIG });
    t.diagnostic(`RSS growth ${(mem.growth / MiB).toFixed(1)} MiB (baseline ${(mem.baseline / MiB).toFixed(0)} MiB), ${r.ms} ms`);
    assert.ok(mem.growth < RSS_LIMIT, `RSS grew by ${(mem.growth / MiB).toFixed(1)} MiB in ${r.ms} ms`);
  } finally {
    await child.kill();
    await l.stop();
  }
});
