// `npm run bench`: ssl-ts next to CPython's ssl and node:tls, same machine,
// same certificates, one run. Each implementation runs in its own child
// process, one after the other (never in parallel), and prints JSON; this
// script prints the side-by-side table and writes bench/results/latest.json.
//
// Options:
//   --quick            shorter runs (warm-up 150 ms, 300 ms per run)
//   --run-ms=N         ms per timed run (default 600)
//   --warmup-ms=N      ms of warm-up per measurement (default 300)
//   --runs=N           timed runs per measurement, median reported (default 3)
//   --impl=a,b         subset of ssl-ts,python,node
//   --only=X           handshake | bulk16k | bulk1k
// With --impl or --only the JSON goes to bench/results/partial.json instead
// of bench/results/latest.json.
// Env: PYTHON (default python3).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, DEFAULT_CONFIG, ROOT_DIR } from './lib.js';

// ---------------------------------------------------------------- options

const args = new Map(
  process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
    return [m[1], m[2] ?? 'true'];
  }),
);
const cfg = { ...DEFAULT_CONFIG };
if (args.has('quick')) Object.assign(cfg, { warmupMs: 150, runMs: 300 });
if (args.has('run-ms')) cfg.runMs = Number(args.get('run-ms'));
if (args.has('warmup-ms')) cfg.warmupMs = Number(args.get('warmup-ms'));
if (args.has('runs')) cfg.runs = Number(args.get('runs'));
const impls = (args.get('impl') ?? 'ssl-ts,python,node').split(',');
const only = args.get('only');
const python = process.env.PYTHON || 'python3';

// ------------------------------------------------------------ machine facts

function cmd(file, argv) {
  const r = spawnSync(file, argv, { cwd: ROOT_DIR, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

const pyFacts = (() => {
  const out = cmd(python, ['-c', 'import ssl,sys,json;print(json.dumps([sys.version.split()[0], ssl.OPENSSL_VERSION]))']);
  return out ? JSON.parse(out) : [null, null];
})();
const cpus = os.cpus();
const machine = {
  date: new Date().toISOString(),
  node: process.version,
  nodeOpenssl: process.versions.openssl,
  python: pyFacts[0],
  pythonOpenssl: pyFacts[1],
  cpu: cpus[0]?.model ?? 'unknown',
  cores: cpus.length,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  sslTsCommit: cmd('git', ['rev-parse', '--short', 'HEAD']),
  sslTsTreeDirty: (cmd('git', ['status', '--porcelain', '--', 'src']) ?? '') !== '',
};

// ---------------------------------------------------------------- children

const CHILDREN = {
  'ssl-ts': { label: 'ssl-ts', file: process.execPath, argv: [join(BENCH_DIR, 'sslts_bench.js')] },
  python: { label: 'Python ssl', file: python, argv: [join(BENCH_DIR, 'python_bench.py')] },
  node: { label: 'node:tls', file: process.execPath, argv: [join(BENCH_DIR, 'nodetls_bench.js')] },
};

const ROWS = [
  { key: 'handshake_verify', label: 'Handshakes/s (verify + hostname)', only: 'handshake' },
  { key: 'handshake_noverify', label: 'Handshakes/s (CERT_NONE)', only: 'handshake' },
  { key: 'handshake_resumed', label: 'Resumed handshakes/s (TLS 1.3 ticket)', only: 'handshake' },
  { key: 'bulk_16384', label: 'Bulk MiB/s, 16 KiB writes', only: 'bulk16k' },
  { key: 'bulk_1024', label: 'Bulk MiB/s, 1 KiB writes', only: 'bulk1k' },
].filter((r) => !only || r.only === only);

console.log('ssl-ts benchmark: TLS 1.3, ECDSA P-256 leaf (fixtures/leaf-ecdsa-p256-chain.pem), CA fixtures/ca.pem');
console.log(`  node ${machine.node} (OpenSSL ${machine.nodeOpenssl}) | Python ${machine.python} (${machine.pythonOpenssl})`);
console.log(`  CPU ${machine.cpu}, ${machine.cores} cores | ${machine.os} | load ${machine.loadavg.join(' ')}`);
console.log(
  `  ssl-ts ${machine.sslTsCommit ?? '?'}${machine.sslTsTreeDirty ? ' (+ uncommitted src changes)' : ''} | ` +
    `warm-up ${cfg.warmupMs} ms, ${cfg.runs} x ${cfg.runMs} ms runs, median`,
);
console.log('');

const results = {};
const errors = [];
const t0 = Date.now();
for (const id of impls) {
  const c = CHILDREN[id];
  if (!c) {
    errors.push(`unknown --impl ${id}`);
    continue;
  }
  process.stderr.write(`  running ${c.label} ...`);
  const started = Date.now();
  const r = spawnSync(c.file, [...c.argv, JSON.stringify(cfg)], {
    cwd: ROOT_DIR,
    encoding: 'utf8',
    env: only ? { ...process.env, BENCH_ONLY: only } : process.env,
    maxBuffer: 16 * 1024 * 1024,
  });
  process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const lines = (r.stdout ?? '').trim().split('\n');
  let parsed = null;
  try {
    parsed = JSON.parse(lines[lines.length - 1]);
  } catch {
    // reported below
  }
  if (r.status !== 0 || !parsed) {
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').slice(-5).join('\n    ');
    errors.push(`${c.label} failed (exit ${r.status}): ${why}`);
    continue;
  }
  if (r.stderr.trim()) process.stderr.write(r.stderr);
  results[id] = parsed;
}

// ------------------------------------------------------------------- table

const fmt = (x) => (x === undefined ? '-' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const cell = (id, key) => results[id]?.results?.[key];

const table = [];
const report = [];
for (const row of ROWS) {
  const ours = cell('ssl-ts', row.key)?.median;
  const py = cell('python', row.key)?.median;
  const nd = cell('node', row.key)?.median;
  const peers = [
    ['Python', py],
    ['node', nd],
  ].filter(([, v]) => v !== undefined);
  const best = peers.reduce((a, b) => (b[1] > a[1] ? b : a), ['', -Infinity]);
  const vsBest = ours !== undefined && peers.length ? ours / best[1] : undefined;
  const vsPy = ours !== undefined && py !== undefined ? ours / py : undefined;
  const target = vsPy === undefined ? 'n/a' : vsPy >= 0.5 ? 'met' : 'NOT met';
  table.push([
    row.label,
    fmt(ours),
    fmt(py),
    fmt(nd),
    vsBest === undefined ? '-' : `${vsBest.toFixed(2)}x ${best[0]}`,
    vsPy === undefined ? '-' : `${vsPy.toFixed(2)}x`,
    target,
  ]);
  report.push({
    row: row.key,
    label: row.label,
    sslTs: ours ?? null,
    python: py ?? null,
    node: nd ?? null,
    ratioToBestPeer: vsBest ?? null,
    bestPeer: peers.length ? best[0] : null,
    ratioToPython: vsPy ?? null,
    targetMet: vsPy === undefined ? null : vsPy >= 0.5,
  });
}

const head = ['', 'ssl-ts', 'Python ssl', 'node:tls*', 'ssl-ts / best peer', 'ssl-ts / Python', 'target >= 0.5x Python'];
const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of table) console.log(line(r));
console.log('');
console.log('  ssl-ts and Python: client + server SSLObjects over MemoryBIO pairs in one process, no sockets.');
console.log('  Resumed: each handshake offers the same ticket from a first full handshake (psk_dhe_ke, no certificates);');
console.log('    node:tls is not measured for it.');
console.log('  * node:tls: client + server in one node process over loopback TCP; its figures include TCP and');
console.log('    event-loop costs, and node coalesces queued small writes into larger records (1 KiB row).');
console.log('  Bulk: one direction, client -> server, reader drains everything; ' +
  `each run >= ${cfg.bulkMinBytes[16384] / 1048576} MiB (16 KiB) / ${cfg.bulkMinBytes[1024] / 1048576} MiB (1 KiB) and >= its time budget.`);

// Negotiated parameters, so a mismatch between implementations is visible.
for (const id of Object.keys(results)) {
  const n = results[id].results.handshake_verify?.negotiated;
  if (n) console.log(`  ${CHILDREN[id].label} negotiated: ${[n.version, n.cipher, n.group, n.sig].filter(Boolean).join(', ')}`);
}

// Flag measurements whose runs disagree a lot (shared or busy machine).
const noisy = [];
for (const id of Object.keys(results)) {
  for (const [key, m] of Object.entries(results[id].results)) {
    const rates = m.runs.map((r) => r.rate);
    const spread = (Math.max(...rates) - Math.min(...rates)) / m.median;
    if (spread > 0.2) noisy.push(`${CHILDREN[id].label} ${key} (runs ${rates.map(fmt).join(' / ')})`);
  }
}
if (noisy.length) console.log(`  Noisy (run spread > 20% of median): ${noisy.join('; ')}`);
console.log(`  Total bench time ${((Date.now() - t0) / 1000).toFixed(1)} s.`);

// -------------------------------------------------------------------- JSON

const outDir = join(BENCH_DIR, 'results');
mkdirSync(outDir, { recursive: true });
// Only a full default run replaces latest.json; subsets go to partial.json.
const outName = args.has('impl') || only ? 'partial.json' : 'latest.json';
const outFile = join(outDir, outName);
writeFileSync(outFile, JSON.stringify({ machine, config: cfg, summary: report, raw: results, errors }, null, 2) + '\n');
console.log(`  Results written to ${join('bench', 'results', outName)}`);

if (errors.length) {
  console.error('');
  for (const e of errors) console.error(`ERROR: ${e}`);
  process.exit(1);
}
