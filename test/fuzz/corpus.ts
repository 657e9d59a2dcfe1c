// The corpus: every input that ever made the fuzzer fail, as JSON under
// test/fuzz/corpus/, replayed by `npm test` (test/fuzz/corpus.test.ts).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Action, Finding } from './conversation.js';
import type { CertTarget } from './certificates.js';

export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));

export type CorpusEntry =
  | { kind: 'tls'; scenario: string; seed: string; finding: string; mutations: string[]; actions: Action[] }
  | { kind: 'cert'; target: CertTarget; der: string; finding: string; mutation: string };

export function saveEntry(e: CorpusEntry): string {
  mkdirSync(CORPUS_DIR, { recursive: true });
  const body = JSON.stringify(e, null, 1);
  const name = `${e.kind === 'tls' ? e.scenario : `cert-${e.target}`}-${createHash('sha256').update(body).digest('hex').slice(0, 12)}.json`;
  writeFileSync(join(CORPUS_DIR, name), body + '\n');
  return name;
}

export function loadCorpus(): { name: string; entry: CorpusEntry }[] {
  let files: string[];
  try {
    files = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return files.map((name) => ({ name, entry: JSON.parse(readFileSync(join(CORPUS_DIR, name), 'utf8')) as CorpusEntry }));
}

/** A finding's identity for de-duplication: its kind and first line, numbers blurred. */
export function signature(f: Finding): string {
  return `${f.kind}:${f.message.split('\n')[0]!.replace(/\d+/g, 'N')}`;
}
