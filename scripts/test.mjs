#!/usr/bin/env node
// Node 20's test runner does not expand globs, so collect test files here.
// Usage: node scripts/test.mjs [substring filters...]
// Then the provider matrix: the engine-level test files below run a second
// time with the pure-JavaScript crypto provider as the default
// (SSL_TS_TEST_PROVIDER=noble, read by test/helpers/provider-env.ts).
// Set SSL_TS_TEST_MATRIX=0 to skip that second run.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const MATRIX = [
  'test/tls/engine.test.ts',
  'test/tls/engine12.test.ts',
  'test/tls/peer-checks12.test.ts',
  'test/tls/peer-checks13.test.ts',
  'test/tls/record-cbc.test.ts',
  'test/tls/settle.test.ts',
  'test/ssl/context.test.ts',
  'test/ssl/cert-chain-pem.test.ts',
  'test/ssl/cert-security.test.ts',
  'test/ssl/sslobject.test.ts',
  'test/ssl/session.test.ts',
  'test/ssl/sni-pha.test.ts',
  'test/ssl/ems-context.test.ts',
  'test/net/tls-stream.test.ts',
  'test/x509/verify.test.ts',
  'test/x509/signature-cache.test.ts',
  // real peers, both roles, with the pure-JavaScript provider on our side
  'test/interop/nodetls.test.ts',
  'test/interop/openssl.test.ts',
  // X25519MLKEM768 with X25519 from the pure-JavaScript provider: Go, rustls (Deno), BoringSSL (Bun)
  'test/interop/pq.test.ts',
];

const filters = process.argv.slice(2);
const matches = (f) => filters.length === 0 || filters.some((s) => f.includes(s));
const files = readdirSync('test', { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => join('test', f))
  .filter(matches)
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const run = (list, env) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/helpers/provider-env.ts', '--test', '--test-concurrency=2', ...list], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
const r = run(files, { SSL_TS_TEST_PROVIDER: 'node' });
if (r.status !== 0) process.exit(r.status ?? 1);
const matrix = MATRIX.filter(matches);
if (process.env.SSL_TS_TEST_MATRIX === '0' || matrix.length === 0) process.exit(0);
console.log(`\n# provider matrix: ${matrix.length} test files again with the pure-JavaScript provider (SSL_TS_TEST_PROVIDER=noble)\n`);
const m = run(matrix, { SSL_TS_TEST_PROVIDER: 'noble' });
process.exit(m.status ?? 1);
