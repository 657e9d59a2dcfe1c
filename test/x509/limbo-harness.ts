// Our harness for x509-limbo's server-validation cases (test data in
// test/x509/limbo/, see the README there): runs each case through
// verifyCertificateChain() as OpenSSL's limbo harness configures OpenSSL
// (X509_STRICT | PARTIAL_CHAIN, auth level 2, purpose only when the case
// names an EKU), and again with VERIFY_X509_WEBPKI; OpenSSL's own verdicts
// come from openssl-verify.py through CPython's libcrypto.
//
//   node --import tsx test/x509/limbo-harness.ts [--verbose]
//   node --import tsx test/x509/limbo-harness.ts --import path/to/limbo.json
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SSLCertVerificationError, SSLError } from '../../src/errors.js';
import { VerifyFlags } from '../../src/ssl/constants.js';
import { verifyCertificateChain } from '../../src/ssl/verify-chain.js';
import { cachedReference } from '../helpers/mutation-mode.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const LIMBO_DATA = join(HERE, 'limbo', 'limbo-server.json');

export interface LimboCase {
  id: string;
  features: string[];
  /** Cases x509-limbo marks as impossible to pass together with this one (an RFC 5280 case and its WebPKI twin). */
  conflicts_with: string[];
  expected_result: 'SUCCESS' | 'FAILURE';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  expected_peer_name: { kind: 'DNS' | 'IP' | 'RFC822'; value: string } | null;
  extended_key_usage: string[];
  key_usage: string[];
  max_chain_depth: number | null;
  crls: string[];
}

export interface LimboData {
  /** When the suite was generated; the time cases without validation_time are checked at. */
  generated_at: string;
  testcases: LimboCase[];
}

export interface Verdict {
  ok: boolean;
  code: number;
  message: string;
}

export function loadLimbo(path = LIMBO_DATA): LimboData {
  return JSON.parse(readFileSync(path, 'utf8')) as LimboData;
}

export function caseTime(data: LimboData, c: LimboCase): Date {
  return new Date(c.validation_time ?? data.generated_at);
}

const { VERIFY_X509_STRICT, VERIFY_X509_PARTIAL_CHAIN, VERIFY_X509_TRUSTED_FIRST, VERIFY_CRL_CHECK_CHAIN, VERIFY_X509_WEBPKI } = VerifyFlags;

/** verifyCertificateChain on one case; `webpki` adds VERIFY_X509_WEBPKI and always asks for serverAuth. */
export function ourVerdict(data: LimboData, c: LimboCase, webpki: boolean): Verdict {
  let flags = VERIFY_X509_TRUSTED_FIRST | VERIFY_X509_STRICT | VERIFY_X509_PARTIAL_CHAIN;
  if (c.crls.length > 0) flags |= VERIFY_CRL_CHECK_CHAIN;
  if (webpki) flags = (flags & ~(process.env.LIMBO_NOSTRICT ? VERIFY_X509_STRICT : 0)) | VERIFY_X509_WEBPKI;
  const peer = c.expected_peer_name;
  const purpose = webpki || c.extended_key_usage.includes('serverAuth') ? 'serverAuth' : c.extended_key_usage.includes('clientAuth') ? 'clientAuth' : undefined;
  try {
    verifyCertificateChain({
      leaf: c.peer_certificate,
      intermediates: c.untrusted_intermediates,
      trusted: c.trusted_certs,
      crls: c.crls,
      hostname: peer?.kind === 'DNS' ? peer.value : null,
      ip: peer?.kind === 'IP' ? peer.value : null,
      purpose,
      time: caseTime(data, c),
      flags,
      maxDepth: c.max_chain_depth ?? undefined,
    });
    return { ok: true, code: 0, message: 'ok' };
  } catch (e) {
    if (e instanceof SSLCertVerificationError) return { ok: false, code: e.verifyCode, message: e.verifyMessage };
    if (e instanceof SSLError) return { ok: false, code: -1, message: e.message };
    throw e;
  }
}

/** OpenSSL's verdicts for all cases (one python3 process). */
export function opensslVerdicts(data: LimboData): Verdict[] {
  const input = data.testcases.map((c) => ({ ...c, time: Math.floor(caseTime(data, c).getTime() / 1000) }));
  const text = JSON.stringify(input);
  // Fixed inputs: under `npm run mutation` one python3 run serves the whole run.
  return cachedReference(`limbo-openssl\0${text}`, () => {
    const out = execFileSync('python3', [join(HERE, 'openssl-verify.py')], { input: text, maxBuffer: 1 << 26 });
    return JSON.parse(out.toString()) as Verdict[];
  });
}

export interface Row {
  id: string;
  expected: boolean;
  openssl: Verdict;
  ours: Verdict;
  webpki: Verdict;
}

export function runAll(data = loadLimbo()): Row[] {
  const ref = opensslVerdicts(data);
  return data.testcases.map((c, i) => ({
    id: c.id,
    expected: c.expected_result === 'SUCCESS',
    openssl: ref[i]!,
    ours: ourVerdict(data, c, false),
    webpki: ourVerdict(data, c, true),
  }));
}

export function summarize(rows: Row[]): { total: number; openssl: number; ours: number; webpki: number; oursVsOpenssl: number } {
  const right = (f: (r: Row) => Verdict): number => rows.filter((r) => f(r).ok === r.expected).length;
  return {
    total: rows.length,
    openssl: right((r) => r.openssl),
    ours: right((r) => r.ours),
    webpki: right((r) => r.webpki),
    oursVsOpenssl: rows.filter((r) => r.ours.ok === r.openssl.ok).length,
  };
}

/** Keeps the server-validation cases and the fields the harness reads. */
function importLimbo(src: string, generatedAt: string): void {
  const all = JSON.parse(readFileSync(src, 'utf8')) as { testcases: (LimboCase & { validation_kind: string })[] };
  const keep = all.testcases.filter((c) => c.validation_kind === 'SERVER').map((c) => ({
    id: c.id,
    features: c.features,
    conflicts_with: c.conflicts_with,
    expected_result: c.expected_result,
    trusted_certs: c.trusted_certs,
    untrusted_intermediates: c.untrusted_intermediates,
    peer_certificate: c.peer_certificate,
    validation_time: c.validation_time,
    expected_peer_name: c.expected_peer_name,
    extended_key_usage: c.extended_key_usage,
    key_usage: c.key_usage,
    max_chain_depth: c.max_chain_depth,
    crls: c.crls,
  }));
  writeFileSync(LIMBO_DATA, JSON.stringify({ generated_at: generatedAt, testcases: keep }, null, 1) + '\n');
  console.log(`wrote ${keep.length} cases to ${LIMBO_DATA}`);
}

function fmt(v: Verdict): string {
  return v.ok ? 'SUCCESS' : `FAILURE(${v.code} ${v.message})`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  if (args[0] === '--import') {
    importLimbo(args[1]!, args[2] ?? new Date().toISOString());
  } else {
    const rows = runAll();
    const verbose = args.includes('--verbose');
    for (const r of rows) {
      const marks = [r.openssl, r.ours, r.webpki].map((v) => (v.ok === r.expected ? '.' : 'X')).join('');
      if (verbose || marks !== '...') {
        console.log(`${marks} ${r.id} expected=${r.expected ? 'SUCCESS' : 'FAILURE'} openssl=${fmt(r.openssl)} ours=${fmt(r.ours)} webpki=${fmt(r.webpki)}`);
      }
    }
    const s = summarize(rows);
    console.log(`\n${s.total} server-validation cases right: OpenSSL ${s.openssl}, ours (default) ${s.ours}, ours (VERIFY_X509_WEBPKI) ${s.webpki}; ours agrees with OpenSSL on ${s.oursVsOpenssl}`);
  }
}
