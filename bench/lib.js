// Shared pieces for the benchmark drivers: the timing protocol, fixture
// paths and the child-process config handshake. Plain ESM, no dependencies.
//
// Timing protocol (python_bench.py implements the same one):
//   1. run the loop for `warmupMs` and throw the result away;
//   2. run it `runs` times for `runMs` each, recording units per second;
//   3. report the median of those runs (plus every run, for the JSON file).
// A loop body is one unit of work (one handshake, one write+transfer+read);
// the clock is checked after every unit, so a run overshoots its budget by
// at most one unit. Bulk runs also go on until a minimum byte count is moved.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT_DIR = dirname(BENCH_DIR);
export const FIXTURES = join(ROOT_DIR, 'fixtures');

export const CERT_CHAIN = join(FIXTURES, 'leaf-ecdsa-p256-chain.pem');
export const CERT_KEY = join(FIXTURES, 'leaf-ecdsa-p256.key');
export const CA_FILE = join(FIXTURES, 'ca.pem');
export const HOSTNAME = 'localhost';

export const MiB = 1024 * 1024;

/** Defaults; run.js may override them and passes them to every child. */
export const DEFAULT_CONFIG = {
  warmupMs: 300,
  runMs: 600,
  runs: 3,
  readSize: 16384,
  /**
   * Least bytes one bulk run moves (per write size): a run ends once both its
   * time budget is spent and this much has been transferred, so a fast peer
   * is not timed over a few milliseconds of data.
   */
  bulkMinBytes: { 16384: 64 * MiB, 1024: 16 * MiB },
  writeSizes: [16384, 1024],
};

/** Config for a child: JSON in argv[2] merged over the defaults. */
export function childConfig() {
  const arg = process.argv[2];
  return arg ? { ...DEFAULT_CONFIG, ...JSON.parse(arg) } : { ...DEFAULT_CONFIG };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Time a synchronous loop. `step()` does one unit of work and returns how
 * many units it did (1 for a handshake, bytes for a transfer).
 */
function timeSync(step, budgetMs, minUnits = 0) {
  let units = 0;
  const t0 = performance.now();
  let el = 0;
  do {
    units += step();
    el = performance.now() - t0;
  } while (el < budgetMs || units < minUnits);
  return { units, seconds: el / 1000 };
}

/**
 * Warm-up plus `runs` timed runs of a synchronous step. `scale` turns units
 * per second into the reported figure (e.g. 1/MiB for bytes -> MiB/s).
 */
export function measureSync(step, cfg, { scale = 1, minUnits = 0 } = {}) {
  timeSync(step, cfg.warmupMs);
  const runs = [];
  for (let i = 0; i < cfg.runs; i++) {
    const { units, seconds } = timeSync(step, cfg.runMs, minUnits);
    runs.push({ units, seconds, rate: (units / seconds) * scale });
  }
  return { median: median(runs.map((r) => r.rate)), runs };
}

/** Same protocol for an async loop: `run(budgetMs, minUnits?)` resolves to { units, seconds }; warm-up passes minUnits 0. */
export async function measureAsync(run, cfg, { scale = 1 } = {}) {
  await run(cfg.warmupMs, 0);
  const runs = [];
  for (let i = 0; i < cfg.runs; i++) {
    const { units, seconds } = await run(cfg.runMs);
    runs.push({ units, seconds, rate: (units / seconds) * scale });
  }
  return { median: median(runs.map((r) => r.rate)), runs };
}

/** A deterministic, non-compressible-looking payload of `n` bytes. */
export function payload(n) {
  const b = new Uint8Array(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** Print the child's result object as the last line of stdout, for run.js. */
export function emit(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}
