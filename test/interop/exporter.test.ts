// Keying material exporters equal node:tls's (OpenSSL's) on the other end,
// TLS 1.3 (RFC 8446 7.5) and TLS 1.2 (RFC 5705), both roles; and the RFC 9266
// 'tls-exporter' channel binding.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { MemoryBIO, SSLObject, ValueError } from '../../src/index.js';
import { BioSocketPump } from '../helpers/pump.js';
import { connectTcp, fixture, leafFiles, listenTcp, startNodeTlsServer, withTimeout } from '../helpers/peers.js';
import { acceptOurs, ourClientContext, ourServerContext } from '../helpers/ours.js';

const T = { timeout: 30000 };

/** node's exportKeyingMaterial, whose context argument is optional at run time though not in its types. */
function nodeEkm(sock: tls.TLSSocket, length: number, label: string, context: Uint8Array | null): Buffer {
  const f = sock.exportKeyingMaterial as (length: number, label: string, context?: Buffer) => Buffer;
  return context === null ? f.call(sock, length, label) : f.call(sock, length, label, Buffer.from(context));
}
const CASES: [string, number, Uint8Array | null][] = [
  ['EXPORTER-ssl-ts-test', 32, null],
  ['EXPORTER-ssl-ts-test', 64, Buffer.from('some context')],
  ['EXPORTER-ssl-ts-test', 20, new Uint8Array(0)],
  ['EXPORTER-Channel-Binding', 32, null],
];

for (const [name, ours, node] of [
  ['TLS 1.3', 'tls13', 'TLSv1.3'],
  ['TLS 1.2', 'tls12', 'TLSv1.2'],
] as const) {
  describe(`exporters, ${name}`, () => {
    test('our client, node:tls server', T, async () => {
      const kind = leafFiles('ecdsa-p256');
      const srv = await startNodeTlsServer({ key: readFileSync(kind.key), cert: readFileSync(kind.chain), minVersion: node, maxVersion: node });
      const sock = await connectTcp(srv.port);
      try {
        const incoming = new MemoryBIO();
        const outgoing = new MemoryBIO();
        const obj = ourClientContext({ versions: ours }).wrapBio(incoming, outgoing, { serverHostname: 'localhost' });
        assert.throws(() => obj.exportKeyingMaterial('EXPORTER-x', 16), ValueError);
        const pump = new BioSocketPump<SSLObject>(sock, obj, incoming, outgoing, { timeoutMs: 15000 });
        await pump.handshake();
        const peer = (await srv.nextSecure()).socket;
        for (const [label, len, ctx] of CASES) {
          const mine = Buffer.from(obj.exportKeyingMaterial(label, len, ctx));
          const theirs = nodeEkm(peer, len, label, ctx);
          assert.equal(mine.toString('hex'), theirs.toString('hex'), `${label}/${len}/${ctx === null ? 'none' : ctx.length}`);
        }
        assert.equal(Buffer.from(obj.getChannelBinding('tls-exporter')!).toString('hex'), nodeEkm(peer, 32, 'EXPORTER-Channel-Binding', null).toString('hex'));
        pump.destroy();
      } finally {
        sock.destroy();
        await srv.stop();
      }
    });

    test('our server, node:tls client', T, async () => {
      const l = await listenTcp();
      try {
        const client = tls.connect({ host: '127.0.0.1', port: l.port, servername: 'localhost', ca: readFileSync(fixture('ca.pem')), minVersion: node, maxVersion: node });
        client.on('error', () => {});
        const ready = withTimeout(new Promise<void>((r) => client.once('secureConnect', () => r())), 15000, 'secureConnect');
        const sock = await l.accept();
        const o = acceptOurs(sock, ourServerContext({ versions: ours }));
        await o.pump.handshake();
        await ready;
        for (const [label, len, ctx] of CASES) {
          const mine = Buffer.from(o.obj.exportKeyingMaterial(label, len, ctx));
          const theirs = nodeEkm(client, len, label, ctx);
          assert.equal(mine.toString('hex'), theirs.toString('hex'), `${label}/${len}`);
        }
        client.destroy();
        o.pump.destroy();
      } finally {
        await l.close();
      }
    });
  });
}
