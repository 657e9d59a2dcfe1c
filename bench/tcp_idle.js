// Memory held by idle, established TLS connections over loopback TCP, for
// ssl-ts (connect / createServer) and node:tls with the same code.
//
// The server runs in this process; the clients run in a child process (one
// process could not hold 2 x 10,000 sockets under the usual 20,000 file
// descriptor limit). Both processes measure themselves after a full GC
// before the connections and once all of them completed their handshake and
// sit idle, and report RSS and heap + external memory per connection.
//
// Usage: node --expose-gc bench/tcp_idle.js IMPL N   (IMPL: ssl-ts | node; prints one JSON line)
//        node --expose-gc bench/tcp_idle.js IMPL N client PORT   (the child)
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CA_FILE, CERT_CHAIN, CERT_KEY, HOSTNAME, emit } from './lib.js';
import { tcpImpl } from './tcp_impl.js';

const [implName, nArg, role, portArg] = process.argv.slice(2);
const N = Number(nArg ?? 1000);
/** Handshakes in flight at once while connecting. */
const CONCURRENCY = 64;
const impl = await tcpImpl(implName);

function settle() {
  // Twice: the first pass can leave weakly held objects for the second.
  globalThis.gc?.();
  globalThis.gc?.();
}

function snapshot() {
  settle();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external };
}

function perConnection(before, after) {
  return {
    rssBytes: Math.round((after.rss - before.rss) / N),
    heapBytes: Math.round((after.heap - before.heap) / N),
    externalBytes: Math.round((after.external - before.external) / N),
    rssTotalMiB: Math.round((after.rss / 1048576) * 10) / 10,
  };
}

if (role === 'client') {
  const port = Number(portArg);
  const client = impl.clientFactory({ ca: readFileSync(CA_FILE) });
  const sockets = [];
  // Warm up the code paths (and the certificate caches) before the baseline.
  for (let i = 0; i < 20; i++) {
    const s = client.connect(port, HOSTNAME);
    await once(s, 'secureConnect');
    s.end();
  }
  // Let the server take its baseline, then connect.
  process.send({ warm: true });
  await once(process, 'message');
  const before = snapshot();
  let next = 0;
  const worker = async () => {
    while (next < N) {
      next++;
      const s = client.connect(port, HOSTNAME);
      s.on('error', (e) => {
        console.error(`${implName} idle client: ${e.message}`);
        process.exit(1);
      });
      await once(s, 'secureConnect');
      sockets.push(s);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const after = snapshot();
  process.send({ client: perConnection(before, after), held: sockets.length });
  // Stay connected until the server has measured too.
  process.once('message', () => {
    for (const s of sockets) s.destroy();
    process.disconnect();
  });
} else {
  const server = impl.createServer({ cert: readFileSync(CERT_CHAIN), key: readFileSync(CERT_KEY), minVersion: 'TLSv1.3' }, (s) => {
    s.on('error', () => {});
    established++;
  });
  let established = 0;
  let failed = 0;
  server.on('tlsClientError', () => failed++);
  server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 });
  await once(server, 'listening');
  const child = fork(fileURLToPath(import.meta.url), [implName, String(N), 'client', String(server.address().port)], {
    execArgv: ['--expose-gc'],
  });
  await once(child, 'message'); // warmed up
  await new Promise((r) => setTimeout(r, 100)); // the warm-up connections' closes arrive
  const before = snapshot();
  established = 0;
  const t0 = Date.now();
  child.send('go');
  const [msg] = await once(child, 'message');
  const seconds = (Date.now() - t0) / 1000;
  while (established < N) await new Promise((r) => setTimeout(r, 20));
  const after = snapshot();
  child.send('done');
  await once(child, 'exit');
  server.close();
  emit({
    impl: implName,
    connections: msg.held,
    serverHandshakeFailures: failed,
    seconds,
    server: perConnection(before, after),
    client: msg.client,
  });
  process.exit(0);
}
