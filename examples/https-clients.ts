// HTTPS clients over ssl-ts: node:https with `createConnection`, and undici
// with a `connect` function, both against a node:https server on loopback.
// Run: npx tsx examples/https-clients.ts
import * as https from 'node:https';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { connect } from 'ssl-ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const ca = fixture('ca.pem');

const server = https.createServer({ key: fixture('leaf-ecdsa-p256.key'), cert: fixture('leaf-ecdsa-p256-chain.pem') }, (req, res) => {
  res.end(`hello ${req.url} over ${(req.socket as import('node:tls').TLSSocket).getProtocol()}`);
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as AddressInfo;

// 1. node:https: ssl-ts makes the TLS connection, node speaks HTTP over it.
const body = await new Promise<string>((resolve, reject) => {
  const req = https.get(
    {
      host: '127.0.0.1',
      port,
      path: '/from-node-https',
      // With no agent, node uses createConnection for this request's socket.
      createConnection: () => connect({ host: '127.0.0.1', port, servername: 'localhost', ca }),
    },
    (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve(`${res.statusCode} ${text}`));
    },
  );
  req.on('error', reject);
});
console.log('node:https:', body);

// 2. undici: its `connect` option hands over a socket; ssl-ts's TLSStream is one.
const dispatcher = new Agent({
  connect: (opts, callback) => {
    const stream = connect({ host: opts.hostname, port: Number(opts.port), servername: 'localhost', ca, ALPNProtocols: ['http/1.1'] });
    stream.once('secureConnect', () => callback(null, stream as unknown as import('node:net').Socket));
    stream.once('error', (err) => callback(err, null));
    return stream as unknown as import('node:net').Socket;
  },
});
const res = await request(`https://127.0.0.1:${port}/from-undici`, { dispatcher });
console.log('undici:', res.statusCode, await res.body.text());
await dispatcher.close();
server.close();
