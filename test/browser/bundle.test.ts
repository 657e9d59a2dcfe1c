// The build check: ssl-ts bundled for a web page (esbuild, platform
// "browser") needs no Node built-in. src/browser.ts is bundled from the
// sources; package.json must send bundlers there (the "browser" export
// condition and the ssl-ts/browser subpath) and swap each node-only module
// for its .browser.ts twin (the "browser" file map). test/package/ checks
// the same on the packed tarball.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { REPO, bundleForBrowser } from './bundle.js';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  browser: Record<string, string>;
};

/** `require("fs")`, `import("node:fs")`, `from "node:fs"`... for every built-in module name. */
function builtinReferences(code: string): string[] {
  const names = builtinModules.filter((m) => m !== 'buffer').map((m) => m.replace(/[/]/g, '\\/'));
  const re = new RegExp(`(?:require\\(|import\\(|from )\\s*["'](?:node:[\\w/]+|(?:${names.join('|')}))["']`, 'g');
  return code.match(re) ?? [];
}

test('src/browser.ts bundles for the browser without any Node built-in', async () => {
  const b = await bundleForBrowser({ file: 'src/browser.ts' });
  assert.deepEqual(b.nodeImports, [], `Node built-ins pulled into the browser bundle:\n${b.nodeImports.map((i) => `${i.importer}: ${i.path}`).join('\n')}`);
  assert.deepEqual(builtinReferences(b.code), []);
  // The browser twins are in, the node modules out.
  assert.match(b.code, /a web page has none/);
  assert.doesNotMatch(b.code, /rootCertificates/);
});

test('the check sees Node built-ins: the Node entry, bundled the same way, is full of them', async () => {
  const b = await bundleForBrowser({ file: 'src/index.ts' });
  const paths = new Set(b.nodeImports.map((i) => i.path));
  for (const m of ['node:net', 'node:events']) assert.ok(paths.has(m), `${m} not detected: ${[...paths].join(' ')}`);
  assert.ok(builtinReferences(b.code).length > 0);
});

test('package.json sends browser bundlers to src/browser.ts\'s build, by condition and by subpath', () => {
  const dot = pkg.exports['.'] as Record<string, { default: string; types: string }>;
  // Conditions are matched in object order: "browser" must come before "import"/"require".
  assert.equal(Object.keys(dot)[0], 'browser');
  assert.deepEqual(dot['browser'], { types: './dist/src/browser.d.ts', default: './dist/src/browser.js' });
  assert.deepEqual(pkg.exports['./browser'], { types: './dist/src/browser.d.ts', default: './dist/src/browser.js' });
});

// The build writes the same map, relative to dist/src and dist/cjs, into the package.json of
// each (scripts/mark-cjs.mjs), since a bundler reads the nearest one; test/package/ checks it.
test('every .browser.ts twin is mapped in package.json\'s "browser" field, and every mapping has both files', () => {
  const twins = readdirSync(join(REPO, 'src'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.browser.ts'))
    .map((f) => f.replace(/\.browser\.ts$/, ''))
    .sort();
  assert.ok(twins.length >= 3, twins.join(' '));
  const expected: Record<string, string> = {};
  for (const t of twins) {
    expected[`./src/${t}.js`] = `./src/${t}.browser.js`;
    assert.ok(existsSync(join(REPO, 'src', `${t}.ts`)), `src/${t}.ts has no node twin`);
  }
  assert.deepEqual(pkg.browser, expected);
});
