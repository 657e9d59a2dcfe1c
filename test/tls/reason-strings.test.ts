// Every reason ssl-ts reports must be one OpenSSL 3.0 knows, with OpenSSL's text: Python code
// compares `err.reason` with OpenSSL's names (TLSV13_ALERT_CERTIFICATE_REQUIRED, not TLS13_...).
// The reasons are collected from the source, where they are written as literals in the calls
// that make errors; the names and codes come from OpenSSL's headers (libssl-dev) and the texts
// from `openssl errstr`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { peerAlertError, reasonText } from '../../src/tls/alert.js';

const INCLUDE = '/usr/include/openssl';
const LIBS: Record<string, { header: string; prefix: string }> = {
  SSL: { header: 'sslerr.h', prefix: 'SSL_R_' },
  X509: { header: 'x509err.h', prefix: 'X509_R_' },
  PEM: { header: 'pemerr.h', prefix: 'PEM_R_' },
  ASN1: { header: 'asn1err.h', prefix: 'ASN1_R_' },
  EVP: { header: 'evperr.h', prefix: 'EVP_R_' },
  X509V3: { header: 'x509v3err.h', prefix: 'X509V3_R_' },
};

/** #define NAME value from err.h, evaluated (values refer to ERR_LIB_* and ERR_RFLAG_*). */
function errHeaderValues(): Map<string, number> {
  const text = readFileSync(join(INCLUDE, 'err.h'), 'latin1').replace(/\/\*.*?\*\//g, '');
  const defs = new Map<string, string>();
  for (const m of text.matchAll(/^#\s*define\s+(ERR_\w+)\s+([^\n]+)$/gm)) defs.set(m[1]!, m[2]!.trim());
  const values = new Map<string, number>();
  const evaluate = (name: string, depth = 0): number | null => {
    if (values.has(name)) return values.get(name)!;
    const expr = defs.get(name);
    if (expr === undefined || depth > 10) return null;
    let failed = false;
    const numeric = expr.replace(/\b[A-Z_][A-Z0-9_]*\b/g, (id) => {
      const v = evaluate(id, depth + 1);
      if (v === null) failed = true;
      return String(v);
    });
    if (failed || !/^[\d\s()|<>xXa-fA-FL+]+$/.test(numeric)) return null;
    const v = Number(new Function(`return (${numeric.replace(/(\d)L\b/g, '$1')});`)());
    values.set(name, v);
    return v;
  };
  for (const name of defs.keys()) evaluate(name);
  return values;
}

const ERR = errHeaderValues();
const LIB_NUMBER: Record<string, number> = Object.fromEntries(Object.keys(LIBS).map((l) => [l, ERR.get(`ERR_LIB_${l}`)!]));

/** Reason name -> code, per library; ERR_R_* reasons are common to all libraries. */
function reasonCodes(lib: string): Map<string, number> {
  const { header, prefix } = LIBS[lib]!;
  const codes = new Map<string, number>();
  const text = readFileSync(join(INCLUDE, header), 'latin1');
  for (const m of text.matchAll(new RegExp(`^#\\s*define\\s+${prefix}(\\w+)\\s+(\\d+)\\s*$`, 'gm'))) codes.set(m[1]!, Number(m[2]));
  for (const [name, v] of ERR) if (name.startsWith('ERR_R_') && name !== 'ERR_R_FATAL') codes.set(name.slice(6), v);
  return codes;
}

interface Emitted {
  lib: string;
  reason: string;
  text?: string;
  where: string;
}

/** Reasons written in the calls that build errors, across src/. */
function collectFromSource(): Emitted[] {
  const out: Emitted[] = [];
  const files = readdirSync('src', { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
  const R = `'([A-Z0-9]+(?:_[A-Z0-9]+)+)'`;
  const patterns: [RegExp, string][] = [
    [new RegExp(`(?:tlsError\\([^,()]+,\\s*|illegalParameter\\(|decodeError\\(|unexpectedMessage\\(|apiError\\(|expectEnd\\()${R}`, 'g'), 'SSL'],
    [new RegExp(`(?:decodeError|unexpectedMessage|illegalParameter|expectEnd)\\s*=?\\s*\\(reason = ${R}`, 'g'), 'SSL'],
    [new RegExp(`asn1Error\\([^()]*?,\\s*${R}\\)`, 'g'), 'ASN1'],
    [new RegExp(`asn1Error\\(text = '[^']*', reason = ${R}\\)`, 'g'), 'ASN1'],
  ];
  for (const f of files) {
    const src = readFileSync(join('src', f), 'utf8');
    for (const [re, lib] of patterns) for (const m of src.matchAll(re)) out.push({ lib, reason: m[1]!, where: f });
    // new SSLError('text', { library: 'LIB', reason: 'NAME' ... }) and bare { reason: 'NAME' } (library SSL).
    for (const m of src.matchAll(new RegExp(`(?:new SSLError\\('([^']*)',\\s*)?\\{\\s*(?:library: '(\\w+)',\\s*)?reason: ${R}`, 'g'))) {
      out.push({ lib: m[2] ?? 'SSL', reason: m[3]!, text: m[1], where: f });
    }
  }
  return out;
}

/** OpenSSL's text for each (library, code), from one `openssl errstr` run. */
function opensslTexts(items: { lib: string; code: number }[]): string[] {
  const hex = items.map(({ lib, code }) => (((LIB_NUMBER[lib]! << 23) | (code & 0x7fffff)) >>> 0).toString(16).toUpperCase().padStart(8, '0'));
  const lines = execFileSync('openssl', ['errstr', ...hex]).toString().trim().split('\n');
  return lines.map((l) => l.split(':').slice(4).join(':'));
}

test('the source collection finds the reasons (sanity)', () => {
  const names = new Set(collectFromSource().map((e) => e.reason));
  for (const r of ['UNEXPECTED_MESSAGE', 'BAD_PACKET_LENGTH', 'WRONG_VERSION_NUMBER', 'PEER_DID_NOT_RETURN_A_CERTIFICATE', 'NESTED_ASN1_ERROR', 'KEY_VALUES_MISMATCH']) {
    assert.ok(names.has(r), r);
  }
  assert.ok(names.size > 60, `only ${names.size} reasons found`);
});

test('every reason in the source is OpenSSL 3.0 reason of its library, with its text', () => {
  const emitted = collectFromSource();
  const unknown: string[] = [];
  const checks: { e: Emitted; code: number }[] = [];
  for (const e of emitted) {
    const code = reasonCodes(e.lib).get(e.reason);
    if (code === undefined) unknown.push(`${e.lib}:${e.reason} (${e.where})`);
    else checks.push({ e, code });
  }
  assert.deepEqual(unknown, []);
  const texts = opensslTexts(checks.map(({ e, code }) => ({ lib: e.lib, code })));
  const wrong: string[] = [];
  checks.forEach(({ e }, i) => {
    const expected = texts[i]!;
    // Engine errors carry reasonText(reason); others state their text in the call.
    const ours = e.text ?? reasonText(e.reason);
    if (ours !== expected && !(e.text !== undefined && e.text.startsWith(expected))) wrong.push(`${e.reason}: '${ours}' != '${expected}' (${e.where})`);
  });
  assert.deepEqual(wrong, []);
});

test('every alert received from a peer maps to OpenSSL 3.0 reason and text', () => {
  const codes = reasonCodes('SSL');
  const items: { alert: number; reason: string; message: string; code: number }[] = [];
  // close_notify (0) ends the stream and is never reported as an error.
  for (let alert = 1; alert < 256; alert++) {
    const err = peerAlertError(alert);
    if (err.reason === null) {
      // OpenSSL has no name for this alert: Python shows "[SSL] unknown error".
      assert.equal(codes.has(`SSLV3_ALERT_${alert}`), false);
      continue;
    }
    const code = codes.get(err.reason);
    assert.ok(code !== undefined, `alert ${alert}: ${err.reason} is not an OpenSSL reason`);
    // OpenSSL's reason code for a received alert is SSL_AD_REASON_OFFSET (1000) + the alert.
    assert.equal(code, 1000 + alert, `alert ${alert}: ${err.reason}`);
    items.push({ alert, reason: err.reason, message: err.message, code });
  }
  const texts = opensslTexts(items.map((i) => ({ lib: 'SSL', code: i.code })));
  items.forEach((it, i) => assert.equal(it.message, `[SSL: ${it.reason}] ${texts[i]}`, `alert ${it.alert}`));
  assert.ok(items.length >= 28);
});

test('OpenSSL alerts without a reason of their own: 1000+N has no name', () => {
  // The check above relies on this: the unnamed alerts are exactly those OpenSSL leaves unnamed.
  const codes = new Set(reasonCodes('SSL').values());
  // OpenSSL 3.0 names these two, but CPython 3.11's reason table does not, so Python
  // reports reason None with OpenSSL's text (test/tls/alert.test.ts checks that against python3).
  const unnamedByCpython = new Set([115, 120]);
  for (let alert = 1; alert < 256; alert++) {
    const named = codes.has(1000 + alert) && !unnamedByCpython.has(alert);
    assert.equal(peerAlertError(alert).reason !== null, named, `alert ${alert}`);
  }
});
