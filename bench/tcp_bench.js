// ssl-ts's node-facing API (connect / createServer, a TLSStream Duplex) and
// node:tls (OpenSSL inside node) over the same loopback TCP, with the same
// certificate, the same client code and the same server code: only the
// module differs. Client and server live in this one process.
//
// Usage: node bench/tcp_bench.js IMPL ['{"runMs":600,...}']   (IMPL: ssl-ts | node)
// Prints one JSON line. BENCH_ONLY=handshake|bulk16k|bulk1k limits the rows.
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { CA_FILE, CERT_CHAIN, CERT_KEY, HOSTNAME, MiB, emit, measureAsync, payload, DEFAULT_CONFIG } from './lib.js';
import { tcpImpl } from './tcp_impl.js';

/** TLS 1.3 record overhead on the wire: 5-byte header, 1-byte inner type, 16-byte AEAD tag. */
const TLS13_RECORD_OVERHEAD = 22;

const implName = process.argv[2];
const cfg = process.argv[3] ? { ...DEFAULT_CONFIG, ...JSON.parse(process.argv[3]) } : { ...DEFAULT_CONFIG };
const impl = await tcpImpl(implName);

const waiting = [];
const arrived = [];
const server = impl.createServer(
  { cert: readFileSync(CERT_CHAIN), key: readFileSync(CERT_KEY), minVersion: 'TLSv1.3' },
  (sock) => {
    sock.on('error', () => {});
    const w = waiting.shift();
    if (w) w(sock);
    else arrived.push(sock);
  },
);
server.on('tlsClientError', (e) => console.error(`${implName} server handshake error: ${e.message}`));
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const port = server.address().port;
const client = impl.clientFactory({ ca: readFileSync(CA_FILE) });

function nextServerSocket() {
  const s = arrived.shift();
  return s ? Promise.resolve(s) : new Promise((resolve) => waiting.push(resolve));
}

/** One full handshake (certificate verified, hostname checked); resolves with both ends. */
async function connectPair() {
  const serverSide = nextServerSocket();
  const c = client.connect(port, HOSTNAME);
  c.on('error', () => {});
  await once(c, 'secureConnect');
  if (!c.authorized) throw new Error(`${implName} verify failed: ${c.authorizationError}`);
  return { client: c, server: await serverSide };
}

function close(pair) {
  // Server end first, so TIME_WAIT lands on the server's side.
  pair.server.destroy();
  pair.client.destroy();
}

async function benchHandshake() {
  const first = await connectPair();
  const negotiated = impl.negotiated(first.client);
  close(first);
  const run = async (budgetMs) => {
    let n = 0;
    const t0 = performance.now();
    let el = 0;
    do {
      close(await connectPair());
      n++;
      el = performance.now() - t0;
    } while (el < budgetMs);
    return { units: n, seconds: el / 1000 };
  };
  return { ...(await measureAsync(run, cfg)), negotiated };
}

/**
 * The client writes `size`-byte chunks as fast as write() allows (waiting for
 * 'drain' when it says so) until the budget is spent and the minimum byte
 * count is written; the run ends when the server has read everything.
 */
async function benchBulk(size) {
  const pair = await connectPair();
  pair.client.setNoDelay(true);
  pair.server.setNoDelay(true);
  const data = Buffer.from(payload(size));
  const minBytes = cfg.bulkMinBytes[size] ?? 0;
  let received = 0;
  let chunks = 0;
  let onData = null;
  pair.server.on('data', (d) => {
    received += d.length;
    chunks++;
    onData?.();
  });
  let written = 0;
  let plainTotal = 0;
  // CPU time (user + system, both ends) per MiB over the timed runs: steadier
  // than throughput when other processes compete for the cores.
  let cpuMicros = 0;
  let cpuBytes = 0;
  const run = (budgetMs, least = minBytes) =>
    new Promise((resolve, reject) => {
      received = 0;
      written = 0;
      let target = -1;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const finish = () => {
        const el = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        if (least > 0) {
          cpuMicros += cpu.user + cpu.system;
          cpuBytes += received;
        }
        onData = null;
        if (received !== target) reject(new Error(`${implName} bulk: got ${received}, sent ${target}`));
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
          plainTotal += size;
          if (!pair.client.write(data)) {
            pair.client.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
  const before = impl.wireBytesWritten(pair.client);
  const r = await measureAsync(run, cfg, { scale: 1 / MiB });
  const after = impl.wireBytesWritten(pair.client);
  close(pair);
  // Average plaintext bytes per record the client sent: about 16384 when
  // small writes were coalesced into full records, `size` when they were not.
  const records = before === null ? 0 : (after - before - plainTotal) / TLS13_RECORD_OVERHEAD;
  return { ...r, cpuMsPerMiB: cpuBytes > 0 ? cpuMicros / 1000 / (cpuBytes / MiB) : null, bytesPerRecord: records > 0 ? Math.round(plainTotal / records) : null };
}

const only = process.env.BENCH_ONLY;
const out = { impl: implName, results: {} };
if (!only || only === 'handshake') out.results.tcp_handshake = await benchHandshake();
for (const size of cfg.writeSizes) {
  const key = size === 16384 ? 'bulk16k' : size === 1024 ? 'bulk1k' : `bulk${size}`;
  if (!only || only === key) out.results[`tcp_bulk_${size}`] = await benchBulk(size);
}
server.close();
emit(out);
