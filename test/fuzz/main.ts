// `npm run fuzz [-- --seconds N] [--seed S] [--bound-ms M]`: structure-aware
// mutation fuzzing of the engine (both roles, TLS 1.2 and 1.3, through the
// SSLObject API) and of certificate decoding and verification, for a time
// budget. Each failing input is written to test/fuzz/corpus/ (replayed by
// `npm test`) and printed; the exit status is 1 when anything failed.
// Checks: only SSLError subclasses escape (ValueError from getPeerCert() and
// certificate calls, as in CPython), no internal errors, no call slower than
// the bound, and the heap stays bounded across the run.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { SCENARIOS, liveRun, replayActions, scenarioName, type Finding } from './conversation.js';
import { SEED_CERTS, checkCertificate, type CertTarget } from './certificates.js';
import { saveEntry, signature } from './corpus.js';
import { mutateDer } from './mutators.js';
import { HmacDrbg } from './seeded-entropy.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1]!;
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : dflt;
}

const seconds = Number(arg('seconds', '180'));
const runSeed = arg('seed', String(Date.now()));
const boundMs = Number(arg('bound-ms', '2000'));
const heapBoundMb = Number(arg('heap-mb', '512'));
const only = arg('only', 'all'); // all | tls | cert
const start = Number(arg('start', '0'));
const gc = (globalThis as { gc?: () => void }).gc;
// What is being tried right now, written before each try: a crash that takes
// the process down (a native assertion in node:crypto, say) leaves it behind.
const INFLIGHT = 'reports/fuzz-inflight.json';
mkdirSync('reports', { recursive: true });
const inflight = (what: object): void => writeFileSync(INFLIGHT, JSON.stringify({ seed: runSeed, ...what }) + '\n');

console.log(`fuzz: ${seconds} s, seed ${runSeed}, bound ${boundMs} ms per call, heap growth bound ${heapBoundMb} MiB${gc ? '' : ' (no --expose-gc: heap check is rough)'}`);

const seen = new Set<string>();
let failures = 0;
function report(findings: Finding[], save: () => string, context: string): void {
  for (const f of findings) {
    const sig = signature(f);
    if (seen.has(sig)) continue;
    seen.add(sig);
    failures++;
    const file = save();
    console.log(`\nFAIL (${context}) -> test/fuzz/corpus/${file}\n  ${f.message.split('\n').slice(0, 6).join('\n  ')}`);
  }
}

const heapNow = (): number => {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
let heapBase = -1;
const deadline = Date.now() + seconds * 1000;
const counts = { tls: 0, cert: 0 };
const CERT_TARGETS: CertTarget[] = ['decode', 'verify-leaf', 'verify-intermediate'];
let lastStatus = Date.now();

for (let i = start; Date.now() < deadline; i++) {
  const rng = new HmacDrbg(createHash('sha256').update(`${runSeed}/${i}`).digest());
  const certTurn = i % 4 === 3;
  if ((only === 'tls' && certTurn) || (only === 'cert' && !certTurn)) continue;
  inflight({ iteration: i });
  if (certTurn) {
    // Certificates: a batch of mutated DERs through decoding and verification.
    for (let k = 0; k < 10; k++) {
      const seed = SEED_CERTS[rng.below(SEED_CERTS.length)]!;
      let m = mutateDer(rng, seed);
      if (rng.below(3) === 0) {
        const again = mutateDer(rng, m.bytes);
        m = { bytes: again.bytes, what: `${m.what}; ${again.what}` };
      }
      const target = CERT_TARGETS[rng.below(CERT_TARGETS.length)]!;
      inflight({ iteration: i, target, der: m.bytes.toString('hex'), mutation: m.what });
      const findings = checkCertificate(m.bytes, target, boundMs);
      counts.cert++;
      report(findings, () => saveEntry({ kind: 'cert', target, der: m.bytes.toString('hex'), finding: findings[0]!.message.split('\n')[0]!, mutation: m.what }), `cert ${target}: ${m.what}`);
    }
  } else {
    const s = SCENARIOS[rng.below(SCENARIOS.length)]!;
    const r = liveRun(s, rng, {
      plainRate: [0.05, 0.15, 0.3][rng.below(3)]!,
      wireRate: [0, 0.05, 0.15][rng.below(3)]!,
      tiny: rng.below(12) === 0,
      boundMs,
    });
    counts.tls++;
    let findings = r.victim.findings;
    if (findings.some((f) => f.kind === 'slow')) {
      // The machine is shared: a slow call counts only if its replay is slow too.
      const again = replayActions(s, r.seed, r.victim.actions, boundMs).findings;
      findings = findings.filter((f) => f.kind !== 'slow').concat(again.filter((f) => f.kind === 'slow'));
    }
    report(
      findings,
      () => saveEntry({ kind: 'tls', scenario: scenarioName(s), seed: r.seed.toString('hex'), finding: findings[0]!.message.split('\n')[0]!, mutations: r.mutations, actions: r.victim.actions }),
      `${scenarioName(s)}: ${r.mutations.join('; ')}`,
    );
  }
  if (i === 200) heapBase = heapNow();
  if (heapBase >= 0 && i % 500 === 0) {
    const h = heapNow();
    if (h - heapBase > heapBoundMb) {
      failures++;
      console.log(`\nFAIL: heap grew from ${heapBase.toFixed(0)} MiB to ${h.toFixed(0)} MiB`);
      heapBase = h;
    }
  }
  if (Date.now() - lastStatus > 30_000) {
    lastStatus = Date.now();
    console.log(`  ${Math.round((deadline - Date.now()) / 1000)} s left: ${counts.tls} conversations, ${counts.cert} certificates, ${failures} failures, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
  }
}

rmSync(INFLIGHT, { force: true });
console.log(`\ndone: ${counts.tls} conversations, ${counts.cert} certificates, ${failures} distinct failures`);
process.exit(failures ? 1 : 0);
