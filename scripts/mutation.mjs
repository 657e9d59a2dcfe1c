#!/usr/bin/env node
// `npm run mutation [-- FILE...]`: StrykerJS mutation testing of the
// security-critical files, then the score per file. Not part of `npm test` or
// CI (it takes long). FILE may be a path or a name ('record-layer.ts' or
// 'record-layer'), optionally with a line range ('record-layer.ts:132-256');
// without one, every file in CRITICAL is mutated.
// Every run is fresh by default. --incremental reuses the results kept in
// reports/stryker-incremental.json for mutants whose code did not change; but
// the TLS tests reach Stryker as one file (test/mutation/engine-suite.ts) that
// only imports the others, so a change in those is NOT seen as a test change:
// use it only to resume a run over code and tests that did not change.
// Options: --concurrency N (default 1; the machine is shared), --incremental.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const CRITICAL = [
  'src/tls/record-layer.ts',
  'src/tls/alert.ts',
  'src/tls/key-schedule.ts',
  'src/tls/transcript.ts',
  'src/tls/handshake-common13.ts',
  'src/tls/handshake-client13.ts',
  'src/tls/handshake-server13.ts',
  'src/tls/handshake-connected13.ts',
  'src/tls/handshake-common12.ts',
  'src/tls/handshake-client12.ts',
  'src/tls/handshake-server12.ts',
  'src/tls/handshake-connected12.ts',
  'src/x509/verify.ts',
  'src/x509/constraints.ts',
  'src/x509/hostname.ts',
  'src/x509/crl.ts',
];

// The tests that exercise each group quickly (in memory, no peers): Stryker
// runs, for each mutant, only those of them that reach its code. The engine
// tests under test/tls are kept fast for this reason.
// One process with all of them (test/mutation/engine-suite.ts); then, as
// files of their own (so that Stryker runs them only for the mutants they
// reach), the in-memory tests of the Python API that take the engine through
// resumption, 0-RTT, PSKs, SNI and post-handshake authentication.
const TLS_TESTS = ['test/mutation/engine-suite.ts', 'test/ssl/session.test.ts', 'test/ssl/sni-pha.test.ts', 'test/ssl/sslobject.test.ts'];
// The X.509 files: the tests that mirror each one and the differential ones
// that reach it (OpenSSL through python3's ctypes or `openssl verify`,
// x509-limbo). Run them one file at a time: the whole X.509 directory for
// every mutant would take about an hour per file on this machine. Under
// mutation these tests skip or reuse their reference runs (SSL_TS_MUTATION,
// see test/helpers/mutation-mode.ts); a file's process stops at its first
// failure and the next files are not run, so the fast ones come first.
const X509_TESTS = {
  'hostname.ts': ['test/x509/hostname.test.ts', 'test/x509/ip-parse.test.ts'],
  'constraints.ts': ['test/x509/constraints.test.ts', 'test/x509/constraints-chain.test.ts', 'test/x509/hardening.test.ts', 'test/x509/verify.test.ts', 'test/x509/chains.test.ts', 'test/x509/limbo.test.ts'],
  'crl.ts': ['test/x509/crl-parse.test.ts', 'test/x509/crl-verify.test.ts', 'test/x509/verify.test.ts', 'test/x509/chains.test.ts'],
  'verify.ts': ['test/x509/verify-paths.test.ts', 'test/x509/verify.test.ts', 'test/x509/chains.test.ts', 'test/x509/crl-verify.test.ts', 'test/x509/webpki.test.ts', 'test/x509/limbo.test.ts', 'test/x509/hardening.test.ts'],
};
const x509TestsFor = (f) => X509_TESTS[basename(f).replace(/:.*$/, '')] ?? ['test/x509/**/*.test.ts'];
// alert.ts's names and texts are compared with python3's and openssl's.
const ALERT_TESTS = ['test/tls/alert.test.ts', 'test/tls/reason-strings.test.ts'];

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const concurrency = Number(opt('concurrency', '1'));
const fresh = !argv.includes('--incremental');
const wanted = argv.filter((a) => !a.startsWith('--'));
const files = wanted.length === 0
  ? CRITICAL
  : wanted.map((arg) => {
      // FILE or FILE:START-END (a line range, as Stryker's `mutate` accepts).
      const [w, range] = arg.split(/:(?=\d+-\d+$)/);
      const hit = CRITICAL.find((f) => f === w || basename(f) === w || basename(f, '.ts') === w) ?? (existsSync(w) ? w : null);
      if (!hit) {
        console.error(`not a file: ${w}`);
        process.exit(2);
      }
      return range ? `${hit}:${range}` : hit;
    });

const testsFor = (f) => (f.startsWith('src/x509/') ? x509TestsFor(f) : basename(f).startsWith('alert.ts') ? [...TLS_TESTS, ...ALERT_TESTS] : TLS_TESTS);
const testFiles = [...new Set(files.flatMap(testsFor))];
mkdirSync('reports', { recursive: true });
const config = {
  $schema: '../node_modules/@stryker-mutator/core/schema/stryker-schema.json',
  packageManager: 'npm',
  testRunner: 'tap',
  tap: { testFiles, nodeArgs: ['--import', 'tsx'], forceBail: true },
  checkers: ['typescript'],
  // The checker rebuilds its program for each mutant: src/ alone is enough to
  // tell an invalid mutant and costs far less than the whole project.
  tsconfigFile: 'tsconfig.mutation.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: files,
  coverageAnalysis: 'perTest',
  incremental: !fresh,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency,
  timeoutMS: 10000,
  timeoutFactor: 3,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  ignorePatterns: ['dist', 'reports', 'bench/results', '.stryker-tmp'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
const configFile = join('reports', 'stryker.config.json');
writeFileSync(configFile, JSON.stringify(config, null, 2));
console.log(`mutating ${files.join(', ')}\ntests: ${testFiles.join(', ')}`);
// The differential tests' fast mode (test/helpers/mutation-mode.ts): recorded
// expectations only, and reference results on fixed inputs computed once per run.
const cacheDir = join(process.cwd(), 'reports', 'reference-cache');
rmSync(cacheDir, { recursive: true, force: true });
mkdirSync(cacheDir, { recursive: true });
const env = { ...process.env, SSL_TS_MUTATION: '1', SSL_TS_MUTATION_CACHE: cacheDir };
const r = spawnSync(process.execPath, ['node_modules/@stryker-mutator/core/bin/stryker.js', 'run', configFile], { stdio: 'inherit', env });

// Score per file from the JSON report: killed + timeout over all valid mutants.
const report = JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8'));
console.log('\nfile                                  killed  survived  no-cov  timeout  score');
for (const [file, data] of Object.entries(report.files)) {
  const count = (s) => data.mutants.filter((m) => m.status === s).length;
  const killed = count('Killed');
  const timeout = count('Timeout');
  const survived = count('Survived');
  const noCov = count('NoCoverage');
  const total = killed + timeout + survived + noCov;
  const score = total ? ((100 * (killed + timeout)) / total).toFixed(1) : 'n/a';
  console.log(`${file.padEnd(38)}${String(killed).padStart(6)}${String(survived).padStart(10)}${String(noCov).padStart(8)}${String(timeout).padStart(9)}  ${score}%`);
}
process.exit(r.status ?? 1);
