// TLS inside a WebSocket: the WebSocket is only a byte pipe (say, through a
// proxy that speaks nothing else), and TLS runs end to end inside it. Both
// ends are ssl-ts TLSStreams over ws's createWebSocketStream() Duplex.
// Run: npx tsx examples/tls-over-websocket.ts
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { WebSocket, WebSocketServer, createWebSocketStream } from 'ws';
import { TLSStream, connect } from 'ssl-ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

// The server end: a WebSocket server whose connections carry TLS.
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await once(wss, 'listening');
wss.on('connection', (ws) => {
  const pipe = createWebSocketStream(ws);
  const tls = new TLSStream(pipe, { isServer: true, key: fixture('leaf-ecdsa-p256.key'), cert: fixture('leaf-ecdsa-p256-chain.pem') });
  tls.on('error', () => {});
  tls.on('data', (d: Buffer) => tls.write(`echo over ${tls.getProtocol()}: ${d}`));
});

// The client end.
const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
await once(ws, 'open');
const tls = connect({ socket: createWebSocketStream(ws), servername: 'localhost', ca: fixture('ca.pem') });
await once(tls, 'secureConnect');
console.log(`TLS inside WebSocket: ${tls.getProtocol()} ${tls.getCipher()?.name} authorized=${tls.authorized}`);
tls.write('hello');
const [reply] = (await once(tls, 'data')) as [Buffer];
console.log(String(reply));
// The client closes first: close_notify both ways inside the WebSocket, then the WebSocket closes.
tls.end();
await once(tls, 'close');
wss.close();
