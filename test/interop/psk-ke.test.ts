// TLS 1.3 resumption with psk_ke only (RFC 8446 4.2.9): a tlslite-ng client
// offers no (EC)DHE mode. As OpenSSL, our server resumes without a key share
// only with OP_ALLOW_NO_DHE_KEX, and otherwise falls back to a full handshake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createServer, SSLContext, PROTOCOL_TLS_SERVER, OP_ALLOW_NO_DHE_KEX, type TLSStream } from '../../src/index.js';
import { fixture, REPO_ROOT, withTimeout } from '../helpers/peers.js';

const CLIENT = join(REPO_ROOT, 'test', 'helpers', 'tlslite_psk_ke_client.py');

async function run(allowNoDhe: boolean): Promise<{ client: { resumed: boolean; first: string; second: string }; server: { reused: boolean; group: string | null }[] }> {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.loadCertChain(fixture('leaf-ecdsa-p256-chain.pem'), fixture('leaf-ecdsa-p256.key'));
  if (allowNoDhe) ctx.options |= OP_ALLOW_NO_DHE_KEX;
  const server: { reused: boolean; group: string | null }[] = [];
  const srv = createServer({ context: ctx }, (s: TLSStream) => {
    server.push({ reused: s.sslobj.sessionReused, group: s.sslobj.handshakeInfo().group });
    s.on('data', (d: Buffer) => s.write(d));
    s.on('end', () => s.end());
    s.on('error', () => s.destroy());
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  try {
    const port = (srv.address() as AddressInfo).port;
    const child = spawn('python3', [CLIENT, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await withTimeout(new Promise<number | null>((r) => child.once('close', r)), 60000, 'tlslite client');
    assert.equal(code, 0, err);
    return { client: JSON.parse(out), server };
  } finally {
    await new Promise<void>((r) => srv.close(() => r()));
  }
}

test('psk_ke only, server with OP_ALLOW_NO_DHE_KEX: resumed on both ends without a key exchange', { timeout: 120000 }, async () => {
  const r = await run(true);
  assert.deepEqual(r.client, { first: 'hello', resumed: true, second: 'again' });
  assert.equal(r.server.length, 2);
  assert.equal(r.server[0]!.reused, false);
  assert.deepEqual(r.server[1], { reused: true, group: null });
});

test('psk_ke only, server without OP_ALLOW_NO_DHE_KEX: a full handshake, as OpenSSL', { timeout: 120000 }, async () => {
  const r = await run(false);
  assert.deepEqual(r.client, { first: 'hello', resumed: false, second: 'again' });
  assert.equal(r.server[1]!.reused, false);
  assert.notEqual(r.server[1]!.group, null);
});
