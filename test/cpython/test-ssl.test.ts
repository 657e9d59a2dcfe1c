// CPython's Lib/test/test_ssl.py as part of `npm test`: scripts/test-cpython.mjs (npm run
// test:cpython) runs it with the real _ssl and with ssl-ts behind the _ssl bridge, and every
// test that passes with OpenSSL on this machine must pass with ssl-ts (OpenSSL's own version
// checks excepted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

test('CPython test_ssl: every test that passes with the real _ssl passes with ssl-ts', { timeout: 15 * 60_000 }, async () => {
  const child = spawn(process.execPath, ['scripts/test-cpython.mjs'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  const m = /(\d+) tests pass with the real _ssl \(OpenSSL\); (\d+) of the (\d+) that count .* pass with ssl-ts/.exec(out);
  assert.ok(m, `no summary from test-cpython.mjs:\n${out}\n${err}`);
  const [, real, ours, counted] = m.map(Number);
  // The comparison is meaningful only if the real _ssl ran the file.
  assert.ok(real! >= 150, `only ${real} tests passed with the real _ssl:\n${err}`);
  assert.equal(ours, counted, out);
  assert.equal(code, 0, out);
});
