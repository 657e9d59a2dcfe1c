#!/usr/bin/env node
// Empty dist/ before a build, so that files of deleted or renamed modules
// never linger in it (and never reach the published package).
import { rmSync } from 'node:fs';
rmSync(new URL('../dist/', import.meta.url), { recursive: true, force: true });
