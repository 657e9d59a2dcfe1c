#!/usr/bin/env node
// `npm run demo`: run the built CLI's demo. `npm ci` already built dist/
// (the `prepare` script), so normally nothing is compiled here; only when
// dist/ is missing or older than a source file is the build run first.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const main = join(root, 'dist', 'src', 'cli', 'main.js');

function newestSource() {
  let newest = 0;
  for (const f of readdirSync(join(root, 'src'), { recursive: true })) {
    if (String(f).endsWith('.ts')) newest = Math.max(newest, statSync(join(root, 'src', String(f))).mtimeMs);
  }
  return newest;
}

if (!existsSync(main) || statSync(main).mtimeMs < newestSource()) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const b = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const r = spawnSync(process.execPath, [main, 'demo', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
