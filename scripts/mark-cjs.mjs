#!/usr/bin/env node
// The CommonJS build lives in dist/cjs/ inside a package whose "type" is
// "module": this marker makes node (and TypeScript's node16/nodenext
// resolution) read the .js and .d.ts files there as CommonJS.
import { writeFileSync } from 'node:fs';
writeFileSync(new URL('../dist/cjs/package.json', import.meta.url), '{ "type": "commonjs" }\n');
