// The published package as its users get it: `npm pack` the repository,
// install the tarball into a scratch project, and run a handshake from a
// CommonJS app, an ESM app, and TypeScript apps compiled under node16 (to
// CommonJS), nodenext (to ESM) and bundler resolution; then the same apps
// under Bun and Deno. The tarball must not hold a private key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser } from '../browser/bundle.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FIX = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
const NPM_TIMEOUT = 5 * 60_000;
// Deno and Bun come from their npm packages (devDependencies), binaries included.
const BUN = join(REPO, 'node_modules', '.bin', 'bun');
const DENO = join(REPO, 'node_modules', '.bin', 'deno');

let root = '';
let tarball = '';

// The handshakes every app runs: a MemoryBIO pair in memory, then
// createServer()/connect() over loopback with an echo.
const JS_BODY = `
const fix = process.env.SSLTS_FIXTURES;
const sctx = new lib.SSLContext(lib.PROTOCOL_TLS_SERVER);
sctx.loadCertChain(fix + 'leaf-ecdsa-p256-chain.pem', fix + 'leaf-ecdsa-p256.key');
const cctx = new lib.SSLContext(lib.PROTOCOL_TLS_CLIENT);
cctx.loadVerifyLocations({ cafile: fix + 'ca.pem' });
const ci = new lib.MemoryBIO(), co = new lib.MemoryBIO(), si = new lib.MemoryBIO(), so = new lib.MemoryBIO();
const c = cctx.wrapBio(ci, co, { serverHostname: 'localhost' });
const s = sctx.wrapBio(si, so, { serverSide: true });
const step = (f) => { try { f(); return true; } catch (e) { if (e instanceof lib.SSLWantReadError) return false; throw e; } };
let cDone = false, sDone = false;
for (let i = 0; i < 10 && !(cDone && sDone); i++) {
  cDone = step(() => c.doHandshake());
  si.write(co.read());
  sDone = step(() => s.doHandshake());
  ci.write(so.read());
}
console.log('memory', c.version(), s.version(), c.getPeerCert().subject[1][0][1]);
const server = lib.createServer({ cert: fs.readFileSync(fix + 'leaf-ecdsa-p256-chain.pem'), key: fs.readFileSync(fix + 'leaf-ecdsa-p256.key') },
  (stream) => stream.pipe(stream));
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const cl = lib.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: fs.readFileSync(fix + 'ca.pem') }, () => {
    cl.once('data', (d) => {
      console.log('loopback', String(d), cl.getProtocol(), 'authorized=' + cl.authorized);
      cl.end();
      server.close();
    });
    cl.write('ping');
  });
});
`;

// The same with the types a strict TypeScript project needs.
const TS_BODY = JS_BODY.replace('const step = (f) =>', 'const step = (f: () => unknown): boolean =>')
  .replace('(stream) => stream.pipe(stream)', '(stream: lib.TLSStream) => stream.pipe(stream)')
  .replace('server.address().port', '(server.address() as import("node:net").AddressInfo).port')
  .replace("(d) =>", '(d: Buffer) =>')
  .replace("c.getPeerCert().subject[1][0][1]", "(c.getPeerCert() as lib.PeerCertDict).subject[1]![0]![1]")
  .replace('const fix = process.env.SSLTS_FIXTURES;', "const fix: string = process.env['SSLTS_FIXTURES'] ?? '';");

const EXPECTED = /^memory TLSv1\.3 TLSv1\.3 localhost\nloopback ping TLSv1\.3 authorized=true\n$/;

function sh(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', timeout: NPM_TIMEOUT, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
}

function app(name: string, pkg: object, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, ...pkg }, null, 2));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

function run(dir: string, entry: string, runtime: string[] = [process.execPath]): string {
  const r = spawnSync(runtime[0]!, [...runtime.slice(1), entry], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 100_000,
    env: { ...process.env, SSLTS_FIXTURES: FIX, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
  });
  assert.equal(r.status, 0, `${runtime.join(' ')} ${entry} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function tsc(dir: string, compilerOptions: object): void {
  const tsconfig = {
    compilerOptions: {
      strict: true,
      target: 'ES2022',
      outDir: 'out',
      types: ['node'],
      typeRoots: [join(REPO, 'node_modules', '@types')],
      ...compilerOptions,
    },
    files: ['app.ts'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  const r = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `tsc failed in ${dir}:\n${r.stdout}\n${r.stderr}`);
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'ssl-ts-consumers-'));
  // `npm pack` runs `prepare` (the build), so the tarball matches the sources.
  const out = sh('npm', ['pack', '--json', '--pack-destination', root], REPO);
  const start = out.indexOf('[');
  tarball = join(root, (JSON.parse(out.slice(start)) as Array<{ filename: string }>)[0]!.filename);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'consumers', private: true }));
  sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], root);
}, { timeout: NPM_TIMEOUT * 2 });

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

test('the tarball ships no private key, and no fixtures', () => {
  const names = sh('tar', ['-tzf', tarball], root).split('\n').filter(Boolean);
  assert.ok(names.includes('package/dist/src/index.js') && names.includes('package/dist/cjs/index.js'), names.join('\n'));
  assert.deepEqual(names.filter((n) => n.startsWith('package/fixtures/')), []);
  assert.deepEqual(names.filter((n) => /\.(key|p12|pfx)$/.test(n)), []);
  const contents = sh('tar', ['-xzOf', tarball], root);
  assert.doesNotMatch(contents, /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/);
});

test('CommonJS app: require("ssl-ts")', () => {
  const dir = app('cjs-app', { type: 'commonjs' }, {
    'app.js': `const lib = require('ssl-ts');\nconst fs = require('node:fs');\n${JS_BODY}`,
  });
  assert.match(run(dir, 'app.js'), EXPECTED);
});

test('ESM app: import from "ssl-ts"', () => {
  const dir = app('esm-app', { type: 'module' }, {
    'app.mjs': `import * as lib from 'ssl-ts';\nimport * as fs from 'node:fs';\n${JS_BODY}`,
  });
  assert.match(run(dir, 'app.mjs'), EXPECTED);
});

test('TypeScript app, module node16, compiled to CommonJS', () => {
  const dir = app('ts-node16-cjs', { type: 'commonjs' }, {
    'app.ts': `import * as lib from 'ssl-ts';\nimport * as fs from 'node:fs';\n${TS_BODY}`,
  });
  tsc(dir, { module: 'node16', moduleResolution: 'node16' });
  assert.match(readFileSync(join(dir, 'out', 'app.js'), 'utf8'), /require\("ssl-ts"\)/);
  assert.match(run(dir, 'out/app.js'), EXPECTED);
});

test('TypeScript app, module nodenext, compiled to ESM', () => {
  const dir = app('ts-nodenext-esm', { type: 'module' }, {
    'app.ts': `import * as lib from 'ssl-ts';\nimport * as fs from 'node:fs';\n${TS_BODY}`,
  });
  tsc(dir, { module: 'nodenext', moduleResolution: 'nodenext' });
  assert.match(readFileSync(join(dir, 'out', 'app.js'), 'utf8'), /from 'ssl-ts'/);
  assert.match(run(dir, 'out/app.js'), EXPECTED);
});

test('TypeScript app, moduleResolution bundler', () => {
  const dir = app('ts-bundler', { type: 'module' }, {
    'app.ts': `import * as lib from 'ssl-ts';\nimport * as fs from 'node:fs';\n${TS_BODY}`,
  });
  tsc(dir, { module: 'esnext', moduleResolution: 'bundler' });
  assert.match(run(dir, 'out/app.js'), EXPECTED);
});

test('CommonJS types resolve to the CommonJS build, ESM types to the ESM build', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules', 'ssl-ts', 'package.json'), 'utf8')) as {
    exports: Record<string, { import: { types: string }; require: { types: string } }>;
  };
  const dir = join(root, 'node_modules', 'ssl-ts');
  // node16 reads a .d.ts as CommonJS only under a "type": "commonjs" scope.
  // Its "imports" map resolves #crypto-default inside the CommonJS build (src/crypto/default-provider.ts).
  const cryptoDefault = { '#crypto-default': { browser: './crypto/builtin-browser.js', default: './crypto/builtin-node.js' } };
  // And the "browser" file map of the node-only modules, relative to each build (scripts/mark-cjs.mjs).
  const browser = Object.fromEntries(
    ['host/file-system', 'host/system-roots', 'ssl/socket-wrap'].map((m) => [`./${m}.js`, `./${m}.browser.js`]),
  );
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'dist', 'cjs', 'package.json'), 'utf8')), { type: 'commonjs', imports: cryptoDefault, browser });
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'dist', 'src', 'package.json'), 'utf8')), { type: 'module', imports: cryptoDefault, browser });
  // index.d.ts re-exports the shared API (api.d.ts beside it) and adds the Node drivers.
  for (const types of [pkg.exports['.']!.require.types, pkg.exports['.']!.import.types]) {
    assert.match(readFileSync(join(dir, types), 'utf8'), /export \* from '\.\/api\.js';[\s\S]*TLSStream/);
    assert.match(readFileSync(join(dir, dirname(types), 'api.d.ts'), 'utf8'), /SSLContext/);
  }
});

test('Bun runs the package: ESM import and CommonJS require', { timeout: 120000 }, () => {
  const esm = app('bun-esm', { type: 'module' }, {
    'app.mjs': `import * as lib from 'ssl-ts';\nimport * as fs from 'node:fs';\n${JS_BODY}`,
  });
  assert.match(run(esm, 'app.mjs', [BUN]), EXPECTED);
  const cjs = app('bun-cjs', { type: 'commonjs' }, {
    'app.js': `const lib = require('ssl-ts');\nconst fs = require('node:fs');\n${JS_BODY}`,
  });
  assert.match(run(cjs, 'app.js', [BUN]), EXPECTED);
  assert.match(execFileSync(BUN, ['--version'], { encoding: 'utf8' }), /^\d+\.\d+/);
});

test('Deno runs the package from node_modules', { timeout: 120000 }, () => {
  const dir = app('deno-esm', { type: 'module' }, {
    'app.mjs': `import * as lib from 'ssl-ts';\nimport * as fs from 'node:fs';\n${JS_BODY}`,
  });
  assert.match(run(dir, 'app.mjs', [DENO, 'run', '--allow-all']), EXPECTED);
});

test('a bundler targeting the browser (esbuild) gets the browser build of the tarball: no Node built-in, no socket drivers', { timeout: 120000 }, async () => {
  const dir = app('browser-app', { type: 'module' }, {});
  for (const specifier of ['ssl-ts', 'ssl-ts/browser']) {
    const b = await bundleForBrowser({
      contents: `import * as lib from '${specifier}';\nexport const names = Object.keys(lib);\nexport const pem = lib.SSLContext.prototype.loadCertChainPem;`,
      resolveDir: dir,
    });
    assert.deepEqual(b.nodeImports, [], `${specifier}: ${b.nodeImports.map((i) => `${i.importer}: ${i.path}`).join(', ')}`);
    assert.match(b.code, /node_modules\/ssl-ts\/dist\/src\/browser\.js/);
    assert.match(b.code, /node_modules\/buffer\//);
    assert.doesNotMatch(b.code, /node_modules\/ssl-ts\/dist\/src\/net\//);
  }
});

test('the installed ssl-ts command runs the demo without any fixture', { timeout: 120000 }, () => {
  const bin = join(root, 'node_modules', '.bin', 'ssl-ts');
  const r = spawnSync(bin, ['demo'], { cwd: root, encoding: 'utf8', timeout: 100000, env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /All three handshakes completed and closed cleanly/);
  assert.match(r.stdout, /peer certificate \(the server's\)\s+organizationName=ssl-ts ephemeral, commonName=localhost/);
});
