#!/usr/bin/env node
// The CommonJS build lives in dist/cjs/ inside a package whose "type" is
// "module": this marker makes node (and TypeScript's node16/nodenext
// resolution) read the .js and .d.ts files there as CommonJS.
//
// Both builds also get their own "imports" map for `#crypto-default` (see
// src/crypto/default-provider.ts): node and bundlers resolve a `#` import
// through the nearest package.json, and the root one points into src/ (the
// TypeScript sources, for tsx and the type checker), which is not shipped.
import { writeFileSync } from 'node:fs';

const cryptoDefault = {
  '#crypto-default': {
    browser: './crypto/builtin-browser.js',
    default: './crypto/builtin-node.js',
  },
};
const write = (dir, type) =>
  writeFileSync(new URL(`../dist/${dir}/package.json`, import.meta.url), JSON.stringify({ type, imports: cryptoDefault }, null, 2) + '\n');
write('cjs', 'commonjs');
write('src', 'module');
