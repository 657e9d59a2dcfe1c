// Every file in examples/ runs here as a user would run it (through tsx, with
// 'ssl-ts' resolved to the sources by tsconfig.json's paths), so that the
// examples cannot rot. Each must exit 0 and print what it promises.
// examples/browser/ is a page, not a program: test/browser/chromium.test.ts
// serves it and runs it in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

const EXPECTED: Record<string, RegExp[]> = {
  'sans-io-loop.ts': [/^TLSv1\.3 TLS_AES_256_GCM_SHA384$/m, /^HTTP\/1\.0 200 OK \/ hello over TLS$/m],
  'https-clients.ts': [/^node:https: 200 hello \/from-node-https over TLSv1\.3$/m, /^undici: 200 hello \/from-undici over TLSv1\.3$/m],
  'https-http2-server.ts': [/^https: 200 HTTP\/1\.1 GET \/one$/m, /^http2: 200 HTTP\/2 GET \/two$/m],
  'starttls-smtp.ts': [/^S: 220 go ahead$/m, /^TLS: TLSv1\.3 \S+ authorized=true$/m, /^S: 250 ok \(MAIL over TLSv1\.3\)$/m, /^S: 221 bye$/m],
  'tls-over-websocket.ts': [/^TLS inside WebSocket: TLSv1\.3 \S+ authorized=true$/m, /^echo over TLSv1\.3: hello$/m],
  'byte-by-byte.ts': [/^whole flights: \d+ steps; one byte at a time: \d+ steps; both TLSv1\.3 /m],
};

function run(file: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `examples/${file}`], { cwd: REPO });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

test('every example has its expectations here', () => {
  const files = readdirSync(new URL('../../examples/', import.meta.url)).filter((f) => f.endsWith('.ts')).sort();
  assert.deepEqual(files, Object.keys(EXPECTED).sort());
});

for (const [file, patterns] of Object.entries(EXPECTED)) {
  test(`examples/${file}`, { timeout: 90000 }, async () => {
    const r = await run(file);
    assert.equal(r.code, 0, `${file} exited ${r.code}\n--- stdout:\n${r.out}\n--- stderr:\n${r.err}`);
    for (const p of patterns) assert.match(r.out, p);
  });
}
