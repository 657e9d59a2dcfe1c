// The README's sans-I/O loop with `send` and `recv` written out over a TCP
// socket: an SSLObject driven by hand against a node:tls server on loopback.
// Run: npx tsx examples/sans-io-loop.ts
import * as net from 'node:net';
import * as tls from 'node:tls';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SSLContext, MemoryBIO, PROTOCOL_TLS_CLIENT, SSLWantReadError } from 'ssl-ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

// A server to talk to: node:tls answering one HTTP/1.0 request.
const server = tls.createServer({ key: readFileSync(fixture('leaf-ecdsa-p256.key')), cert: readFileSync(fixture('leaf-ecdsa-p256-chain.pem')) }, (s) => {
  s.once('data', () => s.end('HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nhello over TLS\n'));
  s.on('error', () => {});
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const sock = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
await once(sock, 'connect');

// The transport: `send` writes to the socket, `recv` waits for the next chunk
// (an empty one at EOF). Nothing here knows about TLS.
const chunks: Buffer[] = [];
let ended = false;
let wake: (() => void) | null = null;
sock.on('data', (d: Buffer) => { chunks.push(d); wake?.(); });
sock.on('end', () => { ended = true; wake?.(); });
async function send(data: Uint8Array): Promise<void> {
  if (!sock.write(data)) await once(sock, 'drain');
}
async function recv(): Promise<Uint8Array> {
  while (chunks.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
  wake = null;
  return chunks.shift() ?? new Uint8Array(0);
}

// The README's loop, verbatim.
const ctx = new SSLContext(PROTOCOL_TLS_CLIENT); // CERT_REQUIRED + checkHostname
ctx.loadVerifyLocations({ cafile: fixture('ca.pem') });
const incoming = new MemoryBIO(), outgoing = new MemoryBIO();
const tlsObj = ctx.wrapBio(incoming, outgoing, { serverHostname: 'localhost' });

async function step<T>(op: () => T): Promise<T> {
  for (;;) {
    try { return op(); }
    catch (e) { if (!(e instanceof SSLWantReadError)) throw e; }
    finally { const out = outgoing.read(); if (out.length) await send(out); }
    const data = await recv(); // bytes from the peer
    if (data.length) incoming.write(data); else incoming.writeEof();
  }
}

await step(() => tlsObj.doHandshake());
console.log(tlsObj.version(), tlsObj.cipher()?.[0]);
await step(() => tlsObj.write(Buffer.from('GET / HTTP/1.0\r\n\r\n')));
let reply = '';
for (;;) {
  const part = await step(() => tlsObj.read(4096)); // empty once the peer sends close_notify
  if (part.length === 0) break;
  reply += Buffer.from(part).toString();
}
await step(() => tlsObj.unwrap()); // our close_notify (the peer's already came)
console.log(reply.split('\r\n')[0], '/', reply.split('\r\n\r\n')[1]?.trim());
sock.end();
server.close();
