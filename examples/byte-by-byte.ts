// A deterministic test of the sans-I/O engine: a client and a server
// SSLObject exchange the whole handshake one byte at a time, with no sockets,
// timers or promises. The outcome is the same as with whole flights.
// Run: npx tsx examples/byte-by-byte.ts
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { MemoryBIO, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLContext, SSLWantReadError, type SSLObject } from 'ssl-ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

function pair(): { client: SSLObject; server: SSLObject; c2s: [MemoryBIO, MemoryBIO]; s2c: [MemoryBIO, MemoryBIO] } {
  const cctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  cctx.loadVerifyLocations({ cafile: fixture('ca.pem') });
  const sctx = new SSLContext(PROTOCOL_TLS_SERVER);
  sctx.loadCertChain(fixture('leaf-ecdsa-p256-chain.pem'), fixture('leaf-ecdsa-p256.key'));
  const cIn = new MemoryBIO(), cOut = new MemoryBIO(), sIn = new MemoryBIO(), sOut = new MemoryBIO();
  return {
    client: cctx.wrapBio(cIn, cOut, { serverHostname: 'localhost' }),
    server: sctx.wrapBio(sIn, sOut, { serverSide: true }),
    c2s: [cOut, sIn],
    s2c: [sOut, cIn],
  };
}

/** true once `op` completes; false while it wants more bytes. */
function attempt(op: () => void): boolean {
  try {
    op();
    return true;
  } catch (e) {
    if (e instanceof SSLWantReadError) return false;
    throw e;
  }
}

/** Run both handshakes, moving at most `chunk` bytes per step; returns the number of steps. */
function handshake(chunk: number): { steps: number; client: SSLObject; server: SSLObject } {
  const { client, server, c2s, s2c } = pair();
  let cDone = attempt(() => client.doHandshake());
  let sDone = false;
  let steps = 0;
  while (!(cDone && sDone)) {
    let moved = false;
    for (const [from, to] of [c2s, s2c]) {
      if (from.pending > 0) {
        to.write(from.read(chunk));
        moved = true;
      }
    }
    if (!moved) throw new Error('handshake stalled');
    if (!sDone) sDone = attempt(() => server.doHandshake());
    if (!cDone) cDone = attempt(() => client.doHandshake());
    steps++;
  }
  return { steps, client, server };
}

const whole = handshake(1 << 20);
const bytewise = handshake(1);
// Every step moved one byte each way at most: thousands of steps, same result.
assert.ok(bytewise.steps > 1000, `only ${bytewise.steps} steps`);
for (const k of ['version', 'cipher', 'selectedAlpnProtocol'] as const) {
  assert.deepEqual(bytewise.client[k](), whole.client[k]());
  assert.deepEqual(bytewise.server[k](), whole.server[k]());
}
assert.deepEqual(bytewise.client.getPeerCert(), whole.client.getPeerCert());
console.log(`whole flights: ${whole.steps} steps; one byte at a time: ${bytewise.steps} steps; both ${bytewise.client.version()} ${bytewise.client.cipher()?.[0]}`);
