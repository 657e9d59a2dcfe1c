// The corpus: every input that ever made the fuzzer fail, as JSON under
// test/fuzz/corpus/, replayed by `npm test` (test/fuzz/corpus.test.ts).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { Action, Finding } from './conversation.js';
import type { CertTarget } from './certificates.js';

export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));

export type CorpusEntry =
  | { kind: 'tls'; scenario: string; seed: string; finding: string; mutations: string[]; actions: Action[] }
  | { kind: 'cert'; target: CertTarget; der: string; finding: string; mutation: string };

/** Entries larger than this (bytes of JSON) are written gzipped. */
const LARGE_ENTRY = 256 * 1024;

export function saveEntry(e: CorpusEntry): string {
  mkdirSync(CORPUS_DIR, { recursive: true });
  const body = JSON.stringify(e, null, 1);
  const stem = `${e.kind === 'tls' ? e.scenario : `cert-${e.target}`}-${createHash('sha256').update(body).digest('hex').slice(0, 12)}`;
  // A conversation of 1-byte records holds a hundred thousand actions: such
  // entries are kept gzipped (a 9 MB one shrinks to a few hundred KB).
  const big = body.length > LARGE_ENTRY;
  const name = `${stem}.json${big ? '.gz' : ''}`;
  writeFileSync(join(CORPUS_DIR, name), big ? gzipSync(body + '\n', { level: 9 }) : body + '\n');
  return name;
}

export function loadCorpus(): { name: string; entry: CorpusEntry }[] {
  let files: string[];
  try {
    files = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.json') || f.endsWith('.json.gz')).sort();
  } catch {
    return [];
  }
  return files.map((name) => {
    const raw = readFileSync(join(CORPUS_DIR, name));
    const text = (name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    return { name, entry: JSON.parse(text) as CorpusEntry };
  });
}

/** A finding's identity for de-duplication: its kind and first line, numbers blurred. */
export function signature(f: Finding): string {
  return `${f.kind}:${f.message.split('\n')[0]!.replace(/\d+/g, 'N')}`;
}
