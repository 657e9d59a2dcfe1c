// node:tls (OpenSSL inside node) as a peer: client and server in this one
// process over loopback TCP. Figures therefore include TCP and event-loop
// costs that the MemoryBIO benchmarks do not pay.
// Usage: node bench/nodetls_bench.js ['{"runMs":600,...}']   (prints one JSON line)
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { CA_FILE, CERT_CHAIN, CERT_KEY, HOSTNAME, MiB, childConfig, emit, measureAsync, payload } from './lib.js';

const cfg = childConfig();

// One client SecureContext, made once, like the SSLContext in the other two:
// passing `ca` straight to tls.connect would rebuild it on every connection.
const clientCtx = tls.createSecureContext({ ca: readFileSync(CA_FILE), minVersion: 'TLSv1.3' });

// Server connections arrive in order; each waits in this queue for its client.
const waiting = [];
const arrived = [];
// tls.Server builds its own shared SecureContext from these, once.
const serverOpts = { cert: readFileSync(CERT_CHAIN), key: readFileSync(CERT_KEY), minVersion: 'TLSv1.3' };
const server = tls.createServer(serverOpts, (sock) => {
  sock.on('error', () => {});
  const w = waiting.shift();
  if (w) w(sock);
  else arrived.push(sock);
});
server.on('tlsClientError', (e) => {
  console.error('node:tls server handshake error:', e.message);
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const port = server.address().port;

function nextServerSocket() {
  const s = arrived.shift();
  return s ? Promise.resolve(s) : new Promise((resolve) => waiting.push(resolve));
}

/** One full handshake; resolves with both ends once both report completion. */
async function connectPair(verify) {
  const serverSide = nextServerSocket();
  const client = tls.connect({
    host: '127.0.0.1',
    port,
    servername: HOSTNAME,
    secureContext: clientCtx,
    rejectUnauthorized: verify,
    minVersion: 'TLSv1.3',
    // No `session`: every connection is a full handshake.
  });
  client.on('error', () => {});
  await once(client, 'secureConnect');
  if (verify && !client.authorized) throw new Error(`node:tls verify failed: ${client.authorizationError}`);
  const s = await serverSide;
  return { client, server: s };
}

function close(pair) {
  // Server end first, so TIME_WAIT lands on the server's side of each
  // connection rather than tying up the client's ephemeral ports.
  pair.server.destroy();
  pair.client.destroy();
}

async function benchHandshake(verify) {
  const first = await connectPair(verify);
  const c = first.client.getCipher();
  const negotiated = {
    version: first.client.getProtocol(),
    cipher: c.standardName ?? c.name,
    group: first.client.getEphemeralKeyInfo()?.name ?? null,
  };
  close(first);
  const run = async (budgetMs) => {
    let n = 0;
    const t0 = performance.now();
    let el = 0;
    do {
      close(await connectPair(verify));
      n++;
      el = performance.now() - t0;
    } while (el < budgetMs);
    return { units: n, seconds: el / 1000 };
  };
  return { ...(await measureAsync(run, cfg)), negotiated };
}

/**
 * Client writes `size`-byte chunks (respecting backpressure) until the budget
 * is spent and the minimum byte count is written; the run ends when the
 * server has read them all. Warm-up runs skip the byte minimum.
 */
async function benchBulk(size) {
  const pair = await connectPair(true);
  pair.client.setNoDelay(true);
  pair.server.setNoDelay(true);
  const data = Buffer.from(payload(size));
  const minBytes = cfg.bulkMinBytes[size] ?? 0;
  let received = 0;
  let onData = null;
  pair.server.on('data', (d) => {
    received += d.length;
    onData?.();
  });
  const run = (budgetMs, least = minBytes) =>
    new Promise((resolve, reject) => {
      received = 0;
      let written = 0;
      let target = -1;
      const t0 = performance.now();
      const finish = () => {
        const el = performance.now() - t0;
        onData = null;
        if (received !== target) reject(new Error(`node:tls bulk: got ${received}, sent ${target}`));
        else resolve({ units: received, seconds: el / 1000 });
      };
      onData = () => {
        if (target >= 0 && received >= target) finish();
      };
      const pump = () => {
        for (;;) {
          if (performance.now() - t0 >= budgetMs && written >= least) {
            target = written;
            if (received >= target) finish();
            return;
          }
          written += size;
          if (!pair.client.write(data)) {
            pair.client.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
  const r = await measureAsync(run, cfg, { scale: 1 / MiB });
  close(pair);
  return r;
}

const only = process.env.BENCH_ONLY;
const out = { impl: 'node:tls', openssl: process.versions.openssl, results: {} };
if (!only || only === 'handshake') {
  out.results.handshake_verify = await benchHandshake(true);
  out.results.handshake_noverify = await benchHandshake(false);
}
for (const size of cfg.writeSizes) {
  const key = size === 16384 ? 'bulk16k' : size === 1024 ? 'bulk1k' : `bulk${size}`;
  if (!only || only === key) out.results[`bulk_${size}`] = await benchBulk(size);
}
server.close();
emit(out);
