// node:tls's SNICallback(servername, cb) on createServer(), answered synchronously or later,
// against node:tls and openssl s_client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { createServer, type TLSStream } from '../../src/net/tls-stream.js';
import { PROTOCOL_TLS_SERVER, SSLContext } from '../../src/index.js';
import { serverNameFromPrefix } from '../../src/net/sni-prefetch.js';
import { fixture, runOpensslClient } from '../helpers/peers.js';

const ca = readFileSync(fixture('ca.pem'));
const main = { cert: readFileSync(fixture('leaf-ecdsa-p256-chain.pem')), key: readFileSync(fixture('leaf-ecdsa-p256.key')) };
const other = { cert: readFileSync(fixture('wronghost-chain.pem')), key: readFileSync(fixture('wronghost.key')) };

async function withServer(
  SNICallback: (name: string, cb: (err: Error | null, ctx?: SSLContext | { cert: Buffer; key: Buffer } | null) => void) => void,
  run: (port: number, names: string[]) => Promise<void>,
): Promise<void> {
  const names: string[] = [];
  const server = createServer({ ...main, SNICallback: (name, cb) => (names.push(name), SNICallback(name, cb)) }, (s: TLSStream) => {
    s.on('data', (d) => s.write(d));
    s.on('end', () => s.end());
    s.on('error', () => {});
  });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    await run((server.address() as AddressInfo).port, names);
  } finally {
    server.close();
  }
}

function nodeClient(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', servername, ca, checkServerIdentity: () => undefined }, () => {
      const cn = String(s.getPeerCertificate().subject.CN);
      s.end();
      resolve(cn);
    });
    s.on('error', reject);
  });
}

test('SNICallback answering later with options switches the certificate (node:tls client)', async () => {
  await withServer(
    (name, cb) => setTimeout(() => cb(null, name === 'wrong.example' ? other : null), 20),
    async (port, names) => {
      assert.equal(await nodeClient(port, 'wrong.example'), 'wrong.example');
      assert.equal(await nodeClient(port, 'localhost'), 'localhost');
      assert.deepEqual(names, ['wrong.example', 'localhost']);
    },
  );
});

test('SNICallback answering with an SSLContext at once (openssl s_client, TLS 1.2 and 1.3)', async () => {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.loadCertChain(fixture('wronghost-chain.pem'), fixture('wronghost.key'));
  await withServer(
    (_name, cb) => cb(null, ctx),
    async (port) => {
      for (const v of ['-tls1_2', '-tls1_3']) {
        const r = await runOpensslClient(port, [v, '-servername', 'x.example', '-CAfile', fixture('ca.pem')], 'ping\n', { ignEof: false, holdStdinMs: 300 });
        assert.match(r.brief.peerCertificate ?? '', /CN = wrong\.example/, r.stderr);
      }
    },
  );
});

test('SNICallback with an error drops the connection; no SNI means no call', async () => {
  await withServer(
    (_name, cb) => cb(new Error('no such host')),
    async (port, names) => {
      await assert.rejects(nodeClient(port, 'wrong.example'));
      const r = await runOpensslClient(port, ['-noservername', '-CAfile', fixture('ca.pem')], 'ping\n', { ignEof: false, holdStdinMs: 300 });
      assert.match(r.brief.peerCertificate ?? '', /CN = localhost/);
      assert.deepEqual(names, ['wrong.example']);
    },
  );
});

test('serverNameFromPrefix needs the whole ClientHello and gives up on non-TLS bytes', () => {
  assert.deepEqual(serverNameFromPrefix(Buffer.from('GET / HTTP/1.1\r\n')), { done: true, name: null });
  assert.deepEqual(serverNameFromPrefix(Uint8Array.of(22, 3, 1, 0, 200, 1)), { done: false });
});
