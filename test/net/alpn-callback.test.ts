// node's ALPNCallback on createServer(), checked against tls.createServer()
// with the same callback: what the callback is given, what the client ends up
// with, and how a refusal reaches the client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tls from 'node:tls';
import { createServer } from '../../src/index.js';
import { CA_PEM, CHAIN_PEM, KEY_PEM, guardUnhandled, listen, within } from './net-helpers.js';

guardUnhandled();

type Info = { servername: string | false; protocols: string[] };
type Pick = (info: Info) => string | undefined;

interface Outcome {
  info: Info | null;
  alpn: string | false | null;
  error: string | null;
}

/** One node:tls client against a server made by `make` with ALPNCallback = pick. */
async function run(make: 'ours' | 'node', pick: Pick, servername: string | undefined): Promise<Outcome> {
  let info: Info | null = null;
  const cb: Pick = (i) => {
    info = { servername: i.servername, protocols: [...i.protocols] };
    return pick(i);
  };
  const opts = { key: KEY_PEM, cert: CHAIN_PEM, ALPNCallback: cb };
  const server =
    make === 'ours'
      ? createServer(opts, (s) => s.end())
      : tls.createServer(opts, (s) => s.end());
  server.on('tlsClientError', () => {});
  const l = await listen(server);
  try {
    const outcome = await within(
      new Promise<Outcome>((resolve) => {
        const c = tls.connect({ port: l.port, host: '127.0.0.1', servername, ca: CA_PEM, checkServerIdentity: () => undefined, ALPNProtocols: ['h2', 'http/1.1'] });
        c.once('secureConnect', () => {
          resolve({ info, alpn: c.alpnProtocol ?? null, error: null });
          c.destroy();
        });
        c.once('error', (e: NodeJS.ErrnoException) => resolve({ info, alpn: null, error: e.code ?? e.message }));
      }),
      30000,
      'client',
    );
    return outcome;
  } finally {
    await l.stop();
  }
}

const CASES: Array<[string, Pick, string | undefined]> = [
  ['picks the second protocol', () => 'http/1.1', 'localhost'],
  ['picks the first protocol', (i) => i.protocols[0], 'localhost'],
  ['refuses every protocol', () => undefined, 'localhost'],
  ['no SNI: servername is false', () => 'h2', undefined],
];

for (const [name, pick, sni] of CASES) {
  test(`ALPNCallback ${name}: as node:tls`, { timeout: 90000 }, async () => {
    const node = await run('node', pick, sni);
    const ours = await run('ours', pick, sni);
    assert.notEqual(node.info, null, 'node called the callback');
    assert.deepEqual(ours, node);
  });
}

test('ALPNCallback and ALPNProtocols together are refused, as node refuses them', () => {
  const opts = { key: KEY_PEM, cert: CHAIN_PEM, ALPNProtocols: ['h2'], ALPNCallback: () => 'h2' };
  assert.throws(() => tls.createServer(opts), { code: 'ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS' });
  assert.throws(() => createServer(opts), { code: 'ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS' });
});
