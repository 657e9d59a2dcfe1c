#!/usr/bin/env node
// npm run test:cpython: CPython's own Lib/test/test_ssl.py (from this machine's python3, never
// copied here) run twice, with the real _ssl and with ssl-ts behind the _ssl bridge
// (test/cpython/_ssl.py + bridge-server.ts), then compared test by test. Fails when a test
// that passes with OpenSSL does not pass with ssl-ts, except those that check OpenSSL's own
// version number. ssl-ts runs the whole file in one process, as the real _ssl does; a test
// that hangs there is killed, and it and the tests after it run one process each. A test that
// fails in the shared process is run once more alone and reported either way.
// Usage: node scripts/test-cpython.mjs [TestClass[.test_name] ...]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Tests about OpenSSL's own version number, which ssl-ts does not have. */
const VERSION_TESTS = new Set([
  'test.test_ssl.BasicSocketTests.test_openssl_version',
  // Picks its expected IPv6 SAN text by ssl.OPENSSL_VERSION_INFO (ssl-ts reports its own version).
  'test.test_ssl.BasicSocketTests.test_parse_cert_CVE_2013_4238',
]);

const runner = join('test', 'cpython', 'run_test_ssl.py');
const PER_TEST_TIMEOUT_MS = 120_000;
/** The shared ssl-ts run is stopped when no test has finished for this long. */
const STALL_MS = 120_000;
const CONCURRENCY = Number(process.env.CPYTHON_JOBS ?? 3);
const only = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'ssl-ts-cpython-'));

function runOnce(label, bridge, tests, out, timeoutMs = PER_TEST_TIMEOUT_MS) {
  const args = [runner, out, ...(bridge ? ['--bridge'] : []), ...tests];
  return new Promise((resolve) => {
    const child = spawn('python3', args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TEST_SSL_TIMEOUT: '600' } });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    // A test that hangs (a deadlock between the two threads of a test server) fails alone.
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      if (process.env.VERBOSE) process.stderr.write(err);
      try {
        resolve(JSON.parse(readFileSync(out, 'utf8')));
      } catch {
        resolve(null);
      }
    });
  });
}

/** The real _ssl: one run of the whole file. */
async function runReal() {
  process.stderr.write('--- test_ssl with OpenSSL\n');
  const r = await runOnce('OpenSSL', false, only, join(dir, 'real.json'), 600_000);
  if (!r) throw new Error('test_ssl with the real _ssl produced no results');
  return r;
}

/** Outcomes a run reported so far, from its progress file. */
function progressOf(out) {
  const results = {};
  const file = `${out}.progress`;
  if (!existsSync(file)) return results;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      const [t, outcome] = JSON.parse(line);
      if (results[t] !== 'fail' && results[t] !== 'error') results[t] = outcome;
    } catch {
      // a line cut short by a kill
    }
  }
  return results;
}

/** ssl-ts, all tests in one process; stopped when it stalls. Returns what finished. */
function runOursShared(tests) {
  process.stderr.write(`--- test_ssl with ssl-ts (${tests.length} tests, one process)\n`);
  const out = join(dir, 'ours-shared.json');
  const args = [runner, out, '--bridge', ...tests.map((t) => t.replace(/^test\.test_ssl\./, ''))];
  return new Promise((resolve) => {
    const child = spawn('python3', args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TEST_SSL_TIMEOUT: '600' } });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    let last = Date.now();
    let lastSize = -1;
    const watchdog = setInterval(() => {
      const file = `${out}.progress`;
      const size = existsSync(file) ? statSync(file).size : 0;
      if (size !== lastSize) {
        lastSize = size;
        last = Date.now();
      } else if (Date.now() - last > STALL_MS) {
        process.stderr.write('    no test finished for a while: stopping the shared run\n');
        child.kill('SIGKILL');
      }
    }, 1000);
    child.on('close', () => {
      clearInterval(watchdog);
      if (process.env.VERBOSE) process.stderr.write(err);
      resolve(progressOf(out));
    });
  });
}

/** ssl-ts: each test in its own process (a hung or crashed test cannot take others down), a few at a time. */
async function runOursAlone(tests) {
  process.stderr.write(`--- test_ssl with ssl-ts (${tests.length} tests, one process each)\n`);
  const results = {};
  let next = 0;
  let done = 0;
  async function worker(w) {
    while (next < tests.length) {
      const t = tests[next++];
      const name = t.replace(/^test\.test_ssl\./, '');
      const r = await runOnce('ssl-ts', true, [name], join(dir, `ours-${w}.json`));
      results[t] = r?.[t] ?? 'hang';
      if (++done % 20 === 0) process.stderr.write(`    ${done}/${tests.length}\n`);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => worker(i)));
  return results;
}

try {
  const real = await runReal();
  const runnable = Object.keys(real).filter((t) => real[t] !== 'skip');
  const ours = await runOursShared(runnable);
  // Tests the shared run never finished (a hang, a crash): alone.
  const unfinished = runnable.filter((t) => !(t in ours));
  if (unfinished.length > 0) Object.assign(ours, await runOursAlone(unfinished));
  // Tests that failed beside the others: once more alone, and said.
  const retry = runnable.filter((t) => real[t] === 'pass' && ours[t] !== 'pass' && !unfinished.includes(t) && !VERSION_TESTS.has(t));
  if (retry.length > 0) {
    const alone = await runOursAlone(retry);
    for (const t of retry) {
      console.log(`${t}: ${ours[t]} in the shared process, ${alone[t]} alone`);
      ours[t] = alone[t];
    }
  }
  const passReal = Object.keys(real).filter((t) => real[t] === 'pass');
  const goal = passReal.filter((t) => !VERSION_TESTS.has(t));
  const passBoth = goal.filter((t) => ours[t] === 'pass');
  const missing = goal.filter((t) => ours[t] !== 'pass');
  const extra = Object.keys(ours).filter((t) => ours[t] === 'pass' && real[t] !== 'pass');
  for (const t of missing) console.log(`${(ours[t] ?? 'not run').padEnd(7)} ${t}`);
  if (extra.length) console.log(`passing with ssl-ts only: ${extra.join(', ')}`);
  console.log(
    `test_ssl: ${passReal.length} tests pass with the real _ssl (OpenSSL); ` +
      `${passBoth.length} of the ${goal.length} that count (OpenSSL version checks excluded) pass with ssl-ts.`,
  );
  process.exitCode = missing.length === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
