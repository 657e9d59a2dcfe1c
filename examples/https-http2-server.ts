// ssl-ts as the TLS layer of node's HTTP servers: createServer() accepts and
// runs the handshake, node:http and node:http2 speak HTTP over each TLSStream.
// ALPN picks the protocol per connection. Clients here are node's own.
// Run: npx tsx examples/https-http2-server.ts
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type TLSStream } from 'ssl-ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const ca = fixture('ca.pem');

const app = (proto: string) => (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse): void => {
  res.setHeader('content-type', 'text/plain');
  res.end(`${proto} ${req.method} ${req.url}`);
};
const h1 = http.createServer(app('HTTP/1.1'));
const h2 = http2.createServer({}, app('HTTP/2'));

const tlsServer = createServer(
  { key: fixture('leaf-ecdsa-p256.key'), cert: fixture('leaf-ecdsa-p256-chain.pem'), ALPNProtocols: ['h2', 'http/1.1'] },
  (stream: TLSStream) => (stream.alpnProtocol === 'h2' ? h2 : h1).emit('connection', stream),
);
tlsServer.listen(0, '127.0.0.1');
await once(tlsServer, 'listening');
const { port } = tlsServer.address() as AddressInfo;

// HTTP/1.1 with node:https.
const one = await new Promise<string>((resolve, reject) => {
  https
    .get({ host: '127.0.0.1', port, path: '/one', servername: 'localhost', ca, agent: false }, (res) => {
      let t = '';
      res.on('data', (d: Buffer) => (t += d));
      res.on('end', () => resolve(`${res.statusCode} ${t}`));
    })
    .on('error', reject);
});
console.log('https:', one);

// HTTP/2 with node:http2.
const session = http2.connect(`https://localhost:${port}`, { ca, host: '127.0.0.1', servername: 'localhost' });
const two = await new Promise<string>((resolve, reject) => {
  const req = session.request({ ':path': '/two' });
  let t = '';
  let status = 0;
  req.on('response', (h) => (status = Number(h[':status'])));
  req.on('data', (d: Buffer) => (t += d));
  req.on('end', () => resolve(`${status} ${t}`));
  req.on('error', reject);
  req.end();
});
console.log('http2:', two);
session.close();
tlsServer.close();
