// The API reference: TypeDoc (typedoc.json, what `npm run docs` builds) must
// build without a single warning: no undocumented export or member, no broken
// {@link}, no type that is used but not exported. Each top-level export says
// what it is in Python's (or node's) terms, or that it is ssl-ts's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TYPEDOC = join(REPO, 'node_modules', 'typedoc', 'bin', 'typedoc');

interface Comment {
  summary?: Array<{ text: string }>;
}
interface Reflection {
  name: string;
  comment?: Comment;
  signatures?: Array<{ comment?: Comment }>;
  children?: Reflection[];
}

function text(c: Comment | undefined): string {
  return (c?.summary ?? []).map((p) => p.text).join('');
}

test('typedoc builds the reference with warnings as errors, and every export names its counterpart', { timeout: 180000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssl-ts-docs-'));
  try {
    const json = join(dir, 'api.json');
    const r = spawnSync(process.execPath, [TYPEDOC, '--out', join(dir, 'html'), '--json', json], { cwd: REPO, encoding: 'utf8' });
    assert.equal(r.status, 0, `typedoc failed:\n${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stdout + r.stderr, /warning/i);
    const api = JSON.parse(readFileSync(json, 'utf8')) as Reflection;
    const exports = api.children ?? [];
    assert.ok(exports.length > 100, `only ${exports.length} exports documented`);
    for (const name of ['SSLContext', 'SSLObject', 'MemoryBIO', 'TLSStream', 'connect', 'createServer', 'wrapSocket']) {
      assert.ok(exports.some((e) => e.name === name), `${name} is missing from the reference`);
    }
    const silent = exports
      .filter((e) => !/Python|node|ssl-ts/.test(text(e.comment) + (e.signatures ?? []).map((s) => text(s.comment)).join('')))
      .map((e) => e.name);
    assert.deepEqual(silent, [], 'these exports do not say what they are in Python (or node) terms');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the README points to the reference and how to build it', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  assert.match(readme, /npm run docs/);
  assert.match(readme, /docs\/api\/index\.html/);
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts['docs'] ?? '', /typedoc/);
});
