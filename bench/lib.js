// Shared pieces for the benchmark drivers: the timing protocol, fixture
// paths and the child-process config handshake. Plain ESM, no dependencies.
//
// Timing protocol (python_bench.py implements the same one):
//   1. run the loop for `warmupMs` and throw the result away (3 s: V8's
//      optimizing compiler keeps working on the handshake code in background
//      threads for the first few thousand handshakes, and a server that has
//      been up for a minute is past that; with 300 ms those threads added
//      about 30% to ssl-ts's CPU time per handshake and the main thread ran
//      partly unoptimized code; node:tls's JavaScript side gains too);
//   2. run it `runs` times for `runMs` each, recording units per second;
//   3. report the median of those runs (plus every run, for the JSON file),
//      both per wall-clock second and per second of the process's CPU time.
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
  warmupMs: 3000,
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
  const cpu0 = process.cpuUsage();
  let el = 0;
  do {
    units += step();
    el = performance.now() - t0;
  } while (el < budgetMs || units < minUnits);
  const cpu = process.cpuUsage(cpu0);
  return { units, seconds: el / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/**
 * Rates from wall-clock time (`median`) and from the process's CPU time
 * (`cpuMedian`: units per CPU second). On a machine shared with other work
 * the wall-clock rate also measures how much of a core this process got; the
 * CPU-time rate measures only the work, so it is the steadier basis for ratios.
 */
function summarize(runs, scale) {
  for (const r of runs) {
    r.rate = (r.units / r.seconds) * scale;
    r.cpuRate = r.cpuSeconds > 0 ? (r.units / r.cpuSeconds) * scale : null;
  }
  const cpuRates = runs.map((r) => r.cpuRate).filter((x) => x !== null);
  return { median: median(runs.map((r) => r.rate)), cpuMedian: cpuRates.length ? median(cpuRates) : null, runs };
}

/**
 * Warm-up plus `runs` timed runs of a synchronous step. `scale` turns units
 * per second into the reported figure (e.g. 1/MiB for bytes -> MiB/s).
 */
export function measureSync(step, cfg, { scale = 1, minUnits = 0 } = {}) {
  timeSync(step, cfg.warmupMs);
  const runs = [];
  for (let i = 0; i < cfg.runs; i++) runs.push(timeSync(step, cfg.runMs, minUnits));
  return summarize(runs, scale);
}

/** Same protocol for an async loop: `run(budgetMs, minUnits?)` resolves to { units, seconds }; warm-up passes minUnits 0. */
export async function measureAsync(run, cfg, { scale = 1 } = {}) {
  await run(cfg.warmupMs, 0);
  const runs = [];
  for (let i = 0; i < cfg.runs; i++) {
    const cpu0 = process.cpuUsage();
    const { units, seconds } = await run(cfg.runMs);
    const cpu = process.cpuUsage(cpu0);
    runs.push({ units, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  }
  return summarize(runs, scale);
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
