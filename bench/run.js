// `npm run bench`: ssl-ts side by side with CPython's ssl (in memory) and
// with node:tls (loopback TCP), same machine, same certificates, one run.
//
// Each measurement runs in its own child process, one at a time (never in
// parallel). The pairs being compared alternate, round after round, so that
// both sides of a ratio see the same machine load; the table reports the
// median of the per-round ratios and their range. Absolute figures on a
// shared machine are noise; the ratios are the result.
//
//   in memory  ssl-ts vs Python ssl: client + server over MemoryBIO pairs in
//              one process (sslts_bench.js, python_bench.py); plus the
//              engine's own cost per record (ssl-ts minus its node:crypto calls);
//              and ssl-ts on its pure-JavaScript provider (nobleCrypto) against
//              ssl-ts on node:crypto, same figures (sslts_bench.js with
//              SSL_TS_BENCH_PROVIDER=noble)
//   TCP        ssl-ts connect()/createServer() vs node:tls, the same client
//              and server code over loopback TCP (tcp_bench.js)
//   idle       memory per idle established connection and N connections
//              held at once, server and client in two processes (tcp_idle.js)
//
// Options:
//   --quick            shorter runs (warm-up 1000 ms, 300 ms per run, 2 rounds, 2000 idle connections)
//   --rounds=N         alternating rounds per comparison (default 3)
//   --run-ms=N         ms per timed run (default 600)
//   --warmup-ms=N      ms of warm-up per measurement (default 3000, see lib.js)
//   --runs=N           timed runs per measurement, median reported (default 3)
//   --idle=N           idle connections to hold (default 10000)
//   --only=X           memory | tcp | idle
// A run with --quick, --only or changed sizes writes bench/results/partial.json;
// only a full default run replaces bench/results/latest.json.
// Env: PYTHON (default python3).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, DEFAULT_CONFIG, ROOT_DIR, median } from './lib.js';

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
let rounds = 3;
let idleN = 10000;
if (args.has('quick')) {
  Object.assign(cfg, { warmupMs: 1000, runMs: 300 });
  rounds = 2;
  idleN = 2000;
}
if (args.has('run-ms')) cfg.runMs = Number(args.get('run-ms'));
if (args.has('warmup-ms')) cfg.warmupMs = Number(args.get('warmup-ms'));
if (args.has('runs')) cfg.runs = Number(args.get('runs'));
if (args.has('rounds')) rounds = Number(args.get('rounds'));
if (args.has('idle')) idleN = Number(args.get('idle'));
const only = args.get('only');
const python = process.env.PYTHON || 'python3';
const fullRun = args.size === 0;

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
  loadavgBefore: os.loadavg().map((x) => Math.round(x * 100) / 100),
  sslTsCommit: cmd('git', ['rev-parse', '--short', 'HEAD']),
  sslTsTreeDirty: (cmd('git', ['status', '--porcelain', '--', 'src']) ?? '') !== '',
};

console.log('ssl-ts benchmark: TLS 1.3, ECDSA P-256 leaf (fixtures/leaf-ecdsa-p256-chain.pem), CA fixtures/ca.pem');
console.log(`  node ${machine.node} (OpenSSL ${machine.nodeOpenssl}) | Python ${machine.python} (${machine.pythonOpenssl})`);
console.log(`  CPU ${machine.cpu}, ${machine.cores} cores | ${machine.os} | load ${machine.loadavgBefore.join(' ')}`);
console.log(
  `  ssl-ts ${machine.sslTsCommit ?? '?'}${machine.sslTsTreeDirty ? ' (+ uncommitted src changes)' : ''} | ` +
    `${rounds} alternating rounds; per measurement warm-up ${cfg.warmupMs} ms, ${cfg.runs} x ${cfg.runMs} ms runs, median`,
);
console.log('');

// ---------------------------------------------------------------- children

const errors = [];

function runChild(label, file, argv, extraEnv = {}) {
  process.stderr.write(`  running ${label} ...`);
  const started = Date.now();
  const r = spawnSync(file, argv, {
    cwd: ROOT_DIR,
    encoding: 'utf8',
    env: { ...process.env, ...extraEnv },
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
    errors.push(`${label} failed (exit ${r.status}): ${why}`);
    return null;
  }
  if (r.stderr.trim()) process.stderr.write(r.stderr);
  return parsed;
}

const cfgArg = JSON.stringify(cfg);
const CHILDREN = {
  'mem:ssl-ts': () => runChild('ssl-ts in memory', process.execPath, [join(BENCH_DIR, 'sslts_bench.js'), cfgArg]),
  'mem:python': () => runChild('Python ssl in memory', python, [join(BENCH_DIR, 'python_bench.py'), cfgArg]),
  'mem:ssl-ts-noble': () =>
    runChild('ssl-ts in memory, pure-JavaScript provider', process.execPath, [join(BENCH_DIR, 'sslts_bench.js'), cfgArg], { SSL_TS_BENCH_PROVIDER: 'noble' }),
  'tcp:ssl-ts': () => runChild('ssl-ts over TCP', process.execPath, [join(BENCH_DIR, 'tcp_bench.js'), 'ssl-ts', cfgArg]),
  'tcp:node': () => runChild('node:tls over TCP', process.execPath, [join(BENCH_DIR, 'tcp_bench.js'), 'node', cfgArg]),
  'idle:ssl-ts': () =>
    runChild(`ssl-ts, ${idleN} idle connections`, process.execPath, ['--expose-gc', join(BENCH_DIR, 'tcp_idle.js'), 'ssl-ts', String(idleN)]),
  'idle:node': () =>
    runChild(`node:tls, ${idleN} idle connections`, process.execPath, ['--expose-gc', join(BENCH_DIR, 'tcp_idle.js'), 'node', String(idleN)]),
};

const t0 = Date.now();
/** raw[id] = one parsed child result per round. */
const raw = {};
function runRounds(ids) {
  for (let i = 0; i < rounds; i++) {
    // Alternate which side goes first as well.
    for (const id of i % 2 ? [...ids].reverse() : ids) {
      const r = CHILDREN[id]();
      (raw[id] ??= []).push(r);
    }
  }
}
if (!only || only === 'memory') runRounds(['mem:ssl-ts', 'mem:python', 'mem:ssl-ts-noble']);
if (!only || only === 'tcp') runRounds(['tcp:ssl-ts', 'tcp:node']);
if (!only || only === 'idle') {
  for (const id of ['idle:ssl-ts', 'idle:node']) raw[id] = [CHILDREN[id]()];
}
machine.loadavgAfter = os.loadavg().map((x) => Math.round(x * 100) / 100);

// ------------------------------------------------------------------- table

const fmt = (x) =>
  x === undefined || x === null || Number.isNaN(x) ? '-' : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);
const range = (xs) => (xs.length === 0 ? '-' : xs.length === 1 ? fmt(xs[0]) : `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`);
const ratioText = (rs) =>
  rs.length === 0 ? '-' : rs.length === 1 ? `${rs[0].toFixed(2)}x` : `${median(rs).toFixed(2)}x (${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)})`;

/**
 * One comparison row: `get(result)` picks a figure from a child's result;
 * `ratio(ours, theirs)` turns a round's pair into the ratio the goal speaks of.
 */
function compare(ours, theirs, get, ratio = (a, b) => a / b) {
  const a = (raw[ours] ?? []).map((r) => (r ? get(r) : undefined));
  const b = (raw[theirs] ?? []).map((r) => (r ? get(r) : undefined));
  const ratios = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (typeof a[i] === 'number' && typeof b[i] === 'number' && b[i] !== 0) ratios.push(ratio(a[i], b[i]));
  }
  return {
    ours: a.filter((x) => typeof x === 'number'),
    theirs: b.filter((x) => typeof x === 'number'),
    ratios,
    ratio: ratios.length ? median(ratios) : null,
  };
}

function printTable(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

const summary = [];
/**
 * A comparison row. `key` names the figure in each child's results; the
 * wall-clock rates are shown, and ratios are given both from wall-clock rates
 * and from CPU-time rates (work per CPU second of each process). Goals are
 * judged on the CPU-time ratio: on a shared machine the wall-clock one also
 * measures how much of a core each process happened to get.
 */
function row(section, ours, theirs, key, label, goal) {
  const wall = compare(ours, theirs, (r) => r.results?.[key]?.median);
  const cpu = compare(ours, theirs, (r) => r.results?.[key]?.cpuMedian ?? undefined);
  const basis = cpu.ratio !== null ? cpu : wall;
  const met = goal && basis.ratio !== null ? goal.test(basis.ratio) : null;
  summary.push({
    section,
    row: key,
    label,
    sslTs: wall.ours,
    peer: wall.theirs,
    ratioMedian: wall.ratio,
    ratioRange: wall.ratios.length ? [Math.min(...wall.ratios), Math.max(...wall.ratios)] : null,
    cpuRatioMedian: cpu.ratio,
    cpuRatioRange: cpu.ratios.length ? [Math.min(...cpu.ratios), Math.max(...cpu.ratios)] : null,
    goal: goal?.text ?? null,
    goalMet: met,
  });
  return [label, range(wall.ours), range(wall.theirs), ratioText(wall.ratios), ratioText(cpu.ratios), goal ? `${goal.text} ${met === null ? '' : met ? 'met' : 'NOT met'}` : ''];
}
/** A row of plain figures (lower is better, e.g. memory): one ratio, no CPU-time variant. */
function plainRow(section, key, label, c, goal) {
  const met = goal && c.ratio !== null ? goal.test(c.ratio) : null;
  summary.push({ section, row: key, label, sslTs: c.ours, peer: c.theirs, ratioMedian: c.ratio, goal: goal?.text ?? null, goalMet: met });
  return [label, range(c.ours), range(c.theirs), ratioText(c.ratios), goal ? `${goal.text} ${met === null ? '' : met ? 'met' : 'NOT met'}` : ''];
}
const atLeast = (x) => ({ text: `>= ${x.toFixed(1)}x`, test: (r) => r >= x });
const atMost = (x) => ({ text: `<= ${x.toFixed(1)}x`, test: (r) => r <= x });

if (raw['mem:ssl-ts']) {
  const M = (key, label, goal) => row('memory', 'mem:ssl-ts', 'mem:python', key, label, goal);
  const rows = [
    M('handshake_verify', 'Full handshakes/s (verify + hostname)', atLeast(1)),
    M('handshake_noverify', 'Full handshakes/s (CERT_NONE)'),
    M('handshake_resumed', 'Resumed handshakes/s (TLS 1.3 ticket)'),
    M('bulk_16384', 'Bulk MiB/s, 16 KiB writes'),
    M('bulk_1024', 'Bulk MiB/s, 1 KiB writes'),
  ];
  console.log('In memory: client + server SSLObjects over MemoryBIO pairs, one process, no sockets');
  printTable(['', 'ssl-ts', 'Python ssl', 'ratio (wall clock)', 'ratio (CPU time)', 'goal'], rows);
  const rec = (raw['mem:ssl-ts'] ?? []).filter((r) => r?.record);
  if (rec.length) {
    console.log('');
    console.log("The engine's own cost per record (in memory: write + move + read of one record; CPU time, fastest of its runs):");
    for (const size of ['16384', '1024']) {
      const xs = rec.map((r) => r.record[size]);
      const all = (k) => range(xs.map((x) => x[k]));
      console.log(
        `  ${size.padStart(5)}-byte records (${xs[0].suite}): ${all('recordUs')} µs per record, of which node:crypto calls ` +
          `${all('cryptoUs')} µs and ssl-ts itself ${all('engineUs')} µs`,
      );
      summary.push({ section: 'memory', row: `record_cost_${size}`, recordUs: xs.map((x) => x.recordUs), cryptoUs: xs.map((x) => x.cryptoUs), engineUs: xs.map((x) => x.engineUs) });
    }
  }
  const split = (raw['mem:ssl-ts'] ?? []).filter((r) => r?.handshakeSplit).map((r) => r.handshakeSplit);
  if (split.length) {
    const all = (k) => range(split.map((x) => x[k]));
    const py = (raw['mem:python'] ?? []).map((r) => r?.results?.handshake_verify?.median).filter((x) => x > 0).map((x) => 1e6 / x);
    console.log('');
    console.log("The engine's own cost per handshake (in memory: one full handshake, client and server, verify + hostname; wall clock, fastest of its runs):");
    console.log(
      `  ${all('totalUs')} µs per handshake, of which ${all('calls')} crypto provider (node:crypto) calls took ${all('cryptoUs')} µs ` +
        `and ssl-ts itself ${all('engineUs')} µs; Python ssl's whole handshake: ${py.length ? range(py) : '?'} µs (1 / its rate above)`,
    );
    summary.push({ section: 'memory', row: 'handshake_cost', totalUs: split.map((x) => x.totalUs), cryptoUs: split.map((x) => x.cryptoUs), engineUs: split.map((x) => x.engineUs), calls: split.map((x) => x.calls), pythonUs: py });
  }
  console.log('');
}

if (raw['mem:ssl-ts-noble']) {
  const N = (key, label) => row('memory-providers', 'mem:ssl-ts-noble', 'mem:ssl-ts', key, label);
  const rows = [
    N('handshake_verify', 'Full handshakes/s (verify + hostname)'),
    N('handshake_noverify', 'Full handshakes/s (CERT_NONE)'),
    N('handshake_resumed', 'Resumed handshakes/s (TLS 1.3 ticket)'),
    N('bulk_16384', 'Bulk MiB/s, 16 KiB writes'),
    N('bulk_1024', 'Bulk MiB/s, 1 KiB writes'),
  ];
  console.log('In memory, by crypto provider: the same ssl-ts code on the pure-JavaScript provider (nobleCrypto) and on node:crypto');
  printTable(['', 'pure JS', 'node:crypto', 'ratio (wall clock)', 'ratio (CPU time)', 'goal'], rows);
  console.log('');
}

if (raw['tcp:ssl-ts']) {
  const T = (key, label, goal) => row('tcp', 'tcp:ssl-ts', 'tcp:node', key, label, goal);
  const bpr = (raw['tcp:ssl-ts'] ?? []).map((r) => r?.results?.tcp_bulk_1024?.bytesPerRecord).filter((x) => x);
  const coalesced = bpr.length ? `${Math.round(median(bpr))} B per record: ${median(bpr) > 8192 ? 'coalesced' : 'NOT coalesced'}` : '';
  const rows = [
    T('tcp_handshake', 'Full handshakes/s (verify + hostname)', atLeast(1)),
    T('tcp_bulk_16384', 'Bulk MiB/s, 16 KiB writes', atLeast(0.9)),
    T('tcp_bulk_1024', `Bulk MiB/s, 1 KiB writes (ssl-ts ${coalesced})`, atLeast(1)),
  ];
  console.log('Loopback TCP: ssl-ts connect() / createServer() vs tls.connect() / tls.createServer(), same code, client and server in one process');
  printTable(['', 'ssl-ts', 'node:tls', 'ratio (wall clock)', 'ratio (CPU time)', 'goal'], rows);
  const neg = raw['tcp:ssl-ts'].find((r) => r)?.results?.tcp_handshake?.negotiated;
  const negN = raw['tcp:node']?.find((r) => r)?.results?.tcp_handshake?.negotiated;
  if (neg) console.log(`  ssl-ts negotiated: ${Object.values(neg).join(', ')}; node:tls negotiated: ${negN ? Object.values(negN).join(', ') : '-'}`);
  bulkBound();
  console.log('');
}

/**
 * How far 16 KiB bulk over TCP could go: CPU per record of each side (both
 * ends and the kernel), and node:crypto's fixed cost per record (the cipher
 * objects made for one seal and one open, whatever the size; OpenSSL inside
 * node:tls keeps its cipher contexts and pays none of it), from the in-memory
 * record split's 1 KiB and 16 KiB figures (crypto time = fixed + per byte).
 * If the engine and its streams cost ssl-ts nothing beyond node:tls's own
 * work, the CPU ratio would still be at most node / (node + fixed).
 */
function bulkBound() {
  const perRecord = (id) => {
    const xs = (raw[id] ?? []).map((r) => r?.results?.tcp_bulk_16384?.cpuMsPerMiB).filter((x) => x > 0);
    return xs.length ? (median(xs) * 1000) / 64 : null;
  };
  const ours = perRecord('tcp:ssl-ts');
  const theirs = perRecord('tcp:node');
  const rec = (raw['mem:ssl-ts'] ?? []).filter((r) => r?.record);
  if (ours === null || theirs === null || rec.length === 0) return;
  const c16 = median(rec.map((r) => r.record[16384].cryptoUs));
  const c1 = median(rec.map((r) => r.record[1024].cryptoUs));
  const perByte = (c16 - c1) / (16384 - 1024);
  const fixed = c1 - perByte * 1024;
  const bound = theirs / (theirs + fixed);
  console.log(
    `  16 KiB bulk, CPU per record (both ends, kernel included): ssl-ts ${fmt(ours)} µs, node:tls ${fmt(theirs)} µs. ` +
      `node:crypto's fixed cost per record (cipher setup for one seal and one open): ${fmt(fixed)} µs, ` +
      `so the CPU ratio is at most ${bound.toFixed(2)}x even if ssl-ts's engine and streams cost nothing beyond node:tls's; ` +
      `the rest of the distance, ${fmt(Math.max(0, ours - theirs - fixed))} µs per record, is ssl-ts's engine and its JavaScript stream layers.`,
  );
  summary.push({ section: 'tcp', row: 'bulk_16384_bound', sslTsCpuUsPerRecord: ours, nodeCpuUsPerRecord: theirs, cryptoFixedUsPerRecord: fixed, cpuRatioBound: bound });
}

if (raw['idle:ssl-ts']) {
  const kib = (side) => (r) => r[side].rssBytes / 1024;
  const heap = (side) => (r) => r[side].heapBytes / 1024;
  const total = (side) => (r) => r[side].rssTotalMiB;
  const n = raw['idle:ssl-ts'][0]?.connections ?? idleN;
  const I = (key, label, get, goal) => plainRow('idle', key, label, compare('idle:ssl-ts', 'idle:node', get), goal);
  const rows = [
    I('idle_rss_server', 'Server: RSS KiB per idle connection', kib('server'), atMost(1)),
    I('idle_rss_client', 'Client: RSS KiB per idle connection', kib('client'), atMost(1)),
    I('idle_heap_server', '  server: JS heap KiB per connection', heap('server')),
    I('idle_heap_client', '  client: JS heap KiB per connection', heap('client')),
    I('idle_total_server', `Server process RSS MiB holding ${n} connections`, total('server')),
    I('idle_total_client', `Client process RSS MiB holding ${n} connections`, total('client')),
  ];
  console.log(`Idle established connections over loopback TCP (${n} at once; server and client in two processes, after a full GC)`);
  printTable(['', 'ssl-ts', 'node:tls', 'ssl-ts / node:tls', 'goal'], rows);
  console.log('');
}

// Flag measurements whose runs disagree a lot (shared or busy machine).
const noisy = [];
for (const [id, list] of Object.entries(raw)) {
  for (const r of list) {
    for (const [key, m] of Object.entries(r?.results ?? {})) {
      const rates = m.runs.map((x) => x.rate);
      if ((Math.max(...rates) - Math.min(...rates)) / m.median > 0.2) noisy.push(`${id} ${key}`);
    }
  }
}
if (noisy.length) console.log(`  Noisy (run spread > 20% of the median within one measurement): ${[...new Set(noisy)].join(', ')}`);
console.log(`  Load average before ${machine.loadavgBefore.join(' ')}, after ${machine.loadavgAfter.join(' ')}; total bench time ${((Date.now() - t0) / 1000).toFixed(1)} s.`);

// -------------------------------------------------------------------- JSON

const outDir = join(BENCH_DIR, 'results');
mkdirSync(outDir, { recursive: true });
const outName = fullRun ? 'latest.json' : 'partial.json';
writeFileSync(join(outDir, outName), JSON.stringify({ machine, config: { ...cfg, rounds, idle: idleN }, summary, raw, errors }, null, 2) + '\n');
console.log(`  Results written to ${join('bench', 'results', outName)}`);

if (errors.length) {
  console.error('');
  for (const e of errors) console.error(`ERROR: ${e}`);
  process.exit(1);
}
