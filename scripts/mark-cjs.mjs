#!/usr/bin/env node
// The CommonJS build lives in dist/cjs/ inside a package whose "type" is
// "module": this marker makes node (and TypeScript's node16/nodenext
// resolution) read the .js and .d.ts files there as CommonJS.
//
// Both builds also get their own "imports" map for `#crypto-default` (see
// src/crypto/default-provider.ts): node and bundlers resolve a `#` import
// through the nearest package.json, and the root one points into src/ (the
// TypeScript sources, for tsx and the type checker), which is not shipped.
//
// For the same reason each build gets the "browser" file map (the node-only
// modules and their .browser.js twins, see src/host/): the root map names
// the sources, ./src/X.js, and a bundler applies the map of the nearest
// package.json, which for a built file is the one written here.
import { readFileSync, writeFileSync } from 'node:fs';

const cryptoDefault = {
  '#crypto-default': {
    browser: './crypto/builtin-browser.js',
    default: './crypto/builtin-node.js',
  },
};
const root = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const browser = Object.fromEntries(
  Object.entries(root.browser).map(([from, to]) => [from.replace(/^\.\/src\//, './'), to.replace(/^\.\/src\//, './')]),
);
const write = (dir, type) =>
  writeFileSync(
    new URL(`../dist/${dir}/package.json`, import.meta.url),
    JSON.stringify({ type, imports: cryptoDefault, browser }, null, 2) + '\n',
  );
write('cjs', 'commonjs');
write('src', 'module');
