// The browser build in an edge-like runtime: a bare V8 context (node:vm)
// whose only globals are the web platform's few that ssl-ts needs (URL,
// TextEncoder/TextDecoder, atob/btoa, crypto.getRandomValues, console, and `self` as
// in a worker; node-forge, the provider's RSA, looks for it). No `process`,
// no `Buffer`, no `require`, no DOM: the bundle must bring its own Buffer and
// run both ends of a TLS 1.3 handshake from PEM text, as it does in Chromium
// (chromium.test.ts). This is what a worker runtime without Node
// compatibility offers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import * as vm from 'node:vm';
import { bundleForBrowser } from './bundle.js';
import { fixtureText } from '../helpers/peers.js';
import type { PemInputs, RaisedError } from './in-page-checks.js';

interface Checks {
  fileApis(): Record<string, RaisedError | null>;
  memoryHandshake(p: PemInputs): Record<string, unknown>;
}

test('a bare V8 context with web globals only runs the browser bundle: Buffer brought along, handshake from PEM text', { timeout: 60_000 }, async () => {
  const bundle = await bundleForBrowser({ file: 'test/browser/in-page-checks.ts' }, 'iife');
  assert.deepEqual(bundle.nodeImports, []);
  const sandbox: Record<string, unknown> = {
    URL,
    TextEncoder,
    TextDecoder,
    atob,
    btoa,
    console,
    crypto: { getRandomValues: <T extends ArrayBufferView>(a: T): T => webcrypto.getRandomValues(a as never) },
  };
  const context = vm.createContext(sandbox);
  vm.runInContext('globalThis.self = globalThis', context); // WorkerGlobalScope.self, which worker runtimes have
  // What the context lacks before the bundle runs: the things ssl-ts must not assume.
  assert.equal(vm.runInContext('JSON.stringify([typeof process, typeof Buffer, typeof require, typeof window])', context), '["undefined","undefined","undefined","undefined"]');
  vm.runInContext(bundle.code, context, { filename: 'ssl-ts-browser-bundle.js' });
  const checks = vm.runInContext('globalThis.sslTsChecks', context) as Checks;

  const hs = checks.memoryHandshake({ ca: fixtureText('ca.pem'), chain: fixtureText('leaf-ecdsa-p256-chain.pem'), key: fixtureText('leaf-ecdsa-p256.key') });
  assert.equal(hs['done'], true);
  assert.equal(hs['got'], 'ping from the page');
  assert.equal((hs['client'] as { version: string }).version, 'TLSv1.3');
  assert.equal(hs['bufferIsGlobal'], true);
  assert.equal(hs['hasProcess'], false);

  const raised = checks.fileApis();
  for (const [api, e] of Object.entries(raised)) {
    assert.ok(e, `${api} did not raise`);
    assert.equal(e.name, 'OSError', api);
    assert.equal(e.errno, 38, api);
  }
});
