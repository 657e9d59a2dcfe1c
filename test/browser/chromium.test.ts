// ssl-ts in a real browser: Debian's headless Chromium, driven by
// playwright-core, loads the example page of examples/browser/ (page.ts
// bundled with src/browser.ts as `ssl-ts`). The page opens a WebSocket to
// the bridge, which relays bytes to a node:tls server (TLS 1.3 only, the
// fixture certificates), and runs TLS 1.3 itself over MemoryBIO/SSLObject:
// it verifies the server against the CA given as cadata and the host name,
// sends a request and reads the reply. The assertions compare the page's
// view with node:tls's. Then the page must refuse an untrusted CA and a
// wrong host name, and a second page checks what raises without files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startExample, type Example, type ExampleOptions } from '../../examples/browser/serve.js';
import type { FetchError, FetchResult } from '../../examples/browser/page.js';
import type { PemInputs, RaisedError } from './in-page-checks.js';
import { bundleForBrowser } from './bundle.js';
import { fixtureText } from '../helpers/peers.js';

const CHROMIUM = '/usr/bin/chromium'; // Debian's package (.ci/run installs it); playwright never downloads one
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const T = { timeout: 120_000 };

type Outcome = { ok: true; result: FetchResult } | { ok: false; error: FetchError };

let browser: BrowserContext;
let profile = '';
const pageErrors: string[] = [];

before(async () => {
  profile = mkdtempSync(join(tmpdir(), 'ssl-ts-chromium-'));
  browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 90_000 });
  // Generous waits: a loaded CI machine can be slow to load a 1 MB page and run a handshake in it.
  browser.setDefaultTimeout(60_000);
  browser.setDefaultNavigationTimeout(60_000);
}, T);

after(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function openPage(url: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url);
  return page;
}

/** Serves the example, clicks one of its buttons and returns what the page printed. */
async function clickThrough(button: 'right-ca' | 'wrong-ca', opts: ExampleOptions = {}): Promise<{ outcome: Outcome; example: Example }> {
  const example = await startExample(opts);
  try {
    const page = await openPage(example.pageUrl);
    try {
      await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'true');
      await page.click(`#${button}`);
      await page.waitForFunction(() => document.getElementById('output')!.textContent!.startsWith('{'), undefined, { timeout: 60_000 });
      const outcome = JSON.parse((await page.textContent('#output'))!) as Outcome;
      return { outcome, example };
    } finally {
      await page.close();
    }
  } finally {
    await example.close();
  }
}

function expectOk(outcome: Outcome): FetchResult {
  if (!outcome.ok) assert.fail(`the page failed: ${JSON.stringify(outcome.error)}`);
  return outcome.result;
}

test('Chromium: TLS 1.3 to node:tls through the WebSocket bridge, server verified against cadata, request and reply', T, async () => {
  const { outcome, example } = await clickThrough('right-ca');
  const r = expectOk(outcome);
  assert.equal(example.served.length, 1);
  const node = example.served[0]!;
  assert.equal(node.request, 'GET /hello HTTP/1.0\r\n\r\n');
  assert.equal(r.version, 'TLSv1.3');
  assert.equal(node.protocol, 'TLSv1.3');
  assert.equal(r.cipher, node.cipher);
  // Node 20's OpenSSL 3.0 has no hybrid group: it takes the x25519 share the page sends beside it.
  assert.equal(r.group, 'x25519');
  assert.equal(r.helloRetryRequest, false);
  assert.equal(r.signatureScheme, 'ecdsa_secp256r1_sha256');
  assert.equal(r.peerSubject, 'organizationName=ssl-ts, commonName=localhost'); // the fixture leaf's subject (scripts/gen-fixtures.sh)
  assert.equal(r.reply, `HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello /hello from node:tls over TLSv1.3 ${node.cipher}\n`);
  assert.deepEqual(pageErrors, []);
});

test('Chromium: an RSA server that only takes P-384: HelloRetryRequest, secp384r1, RSA-PSS verified in the page', T, async () => {
  const { outcome, example } = await clickThrough('right-ca', {
    certChain: 'leaf-rsa2048-chain.pem',
    key: 'leaf-rsa2048.key',
    ecdhCurve: 'P-384',
  });
  const r = expectOk(outcome);
  assert.equal(r.version, 'TLSv1.3');
  assert.equal(r.cipher, example.served[0]!.cipher);
  assert.equal(r.group, 'secp384r1');
  assert.equal(r.helloRetryRequest, true);
  assert.equal(r.signatureScheme, 'rsa_pss_rsae_sha256');
  assert.match(r.reply, /^HTTP\/1\.0 200 OK\r\n[\s\S]*hello \/hello from node:tls over TLSv1\.3 /);
});

test('Chromium: TLS 1.2 to a node:tls server that speaks nothing newer (ECDHE-ECDSA with AES-GCM)', T, async () => {
  const { outcome, example } = await clickThrough('right-ca', { version: 'TLSv1.2' });
  const r = expectOk(outcome);
  assert.equal(r.version, 'TLSv1.2');
  assert.equal(example.served[0]!.protocol, 'TLSv1.2');
  assert.equal(r.cipher, example.served[0]!.cipher);
  assert.match(r.cipher ?? '', /^ECDHE-ECDSA-AES(128-GCM-SHA256|256-GCM-SHA384)$/);
  assert.equal(r.group, 'x25519');
  assert.equal(r.reply, `HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello /hello from node:tls over TLSv1.2 ${r.cipher}\n`);
});

test('Chromium: trusting another CA fails the handshake with CERTIFICATE_VERIFY_FAILED, nothing is sent', T, async () => {
  const { outcome, example } = await clickThrough('wrong-ca');
  assert.equal(outcome.ok, false, JSON.stringify(outcome));
  const e = (outcome as { error: FetchError }).error;
  assert.equal(e.name, 'SSLCertVerificationError');
  assert.equal(e.reason, 'CERTIFICATE_VERIFY_FAILED');
  assert.equal(e.verifyCode, 20); // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, as OpenSSL reports it
  assert.match(e.message, /certificate verify failed: unable to get local issuer certificate/);
  assert.deepEqual(example.served, []);
});

test('Chromium: a certificate for another name fails the hostname check (CERTIFICATE_VERIFY_FAILED, code 62)', T, async () => {
  const { outcome, example } = await clickThrough('right-ca', { certChain: 'wronghost-chain.pem', key: 'wronghost.key' });
  assert.equal(outcome.ok, false, JSON.stringify(outcome));
  const e = (outcome as { error: FetchError }).error;
  assert.equal(e.reason, 'CERTIFICATE_VERIFY_FAILED');
  assert.equal(e.verifyCode, 62); // X509_V_ERR_HOSTNAME_MISMATCH
  assert.match(e.message, /Hostname mismatch/);
  assert.deepEqual(example.served, []);
});

test('Chromium: file and socket APIs raise OSError(ENOSYS) naming the alternative; PEM text runs both roles in the page', T, async () => {
  const bundle = await bundleForBrowser({ file: 'test/browser/in-page-checks.ts' });
  assert.deepEqual(bundle.nodeImports, []);
  const page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    await page.setContent('<!doctype html><title>checks</title>');
    await page.addScriptTag({ content: bundle.code, type: 'module' });
    await page.waitForFunction(() => 'sslTsChecks' in globalThis);
    const raised = await page.evaluate(() => (globalThis as unknown as { sslTsChecks: { fileApis(): Record<string, RaisedError | null> } }).sslTsChecks.fileApis());
    const hints: Record<string, RegExp> = {
      loadCertChain: /^loadCertChain\(\) needs a file system, and a web page has none; use loadCertChainPem\(\)/,
      'loadVerifyLocations cafile': /^loadVerifyLocations\(\{ cafile \}\) needs a file system.*use loadVerifyLocations\(\{ cadata \}\)/,
      'loadVerifyLocations capath': /^loadVerifyLocations\(\{ capath \}\) needs a file system.*use loadVerifyLocations\(\{ cadata \}\)/,
      loadDefaultCerts: /system's CA certificates needs a file system.*cadata/,
      setDefaultVerifyPaths: /system's CA certificates needs a file system.*cadata/,
      'createDefaultContext()': /system's CA certificates needs a file system.*cadata/,
      loadDhParams: /^loadDhParams\(\) needs a file system/,
      keylogFilename: /^keylogFilename needs a file system/,
      wrapSocket: /^wrapSocket\(\) needs sockets, and a web page has none; use wrapBio\(\)/,
    };
    assert.deepEqual(Object.keys(raised).sort(), Object.keys(hints).sort());
    for (const [api, hint] of Object.entries(hints)) {
      const e = raised[api];
      assert.ok(e, `${api} did not raise`);
      assert.equal(e.name, 'OSError', api);
      assert.equal(e.errno, 38, api);
      assert.match(e.message, hint, api);
    }
    // Both roles in the page, the server's certificate and key from loadCertChainPem(): the
    // page signs with each key type (RSA-PSS through the provider's RSA), and verifies.
    const SIGNS: Record<string, string> = { 'ecdsa-p256': 'ecdsa_secp256r1_sha256', rsa2048: 'rsa_pss_rsae_sha256', ed25519: 'ed25519' };
    for (const [kind, scheme] of Object.entries(SIGNS)) {
      const pem: PemInputs = { ca: fixtureText('ca.pem'), chain: fixtureText(`leaf-${kind}-chain.pem`), key: fixtureText(`leaf-${kind}.key`) };
      const hs = await page.evaluate(
        (p) => (globalThis as unknown as { sslTsChecks: { memoryHandshake(p: PemInputs): Record<string, unknown> } }).sslTsChecks.memoryHandshake(p),
        pem,
      );
      assert.equal(hs['done'], true, kind);
      assert.equal(hs['serverVersion'], 'TLSv1.3', kind);
      assert.equal(hs['got'], 'ping from the page', kind);
      const client = hs['client'] as { version: string; signatureScheme: string; group: string };
      assert.equal(client.version, 'TLSv1.3', kind);
      assert.equal(client.signatureScheme, scheme, kind);
      assert.equal(client.group, 'X25519MLKEM768', kind); // both ends are ssl-ts: the hybrid group, as on Node
      assert.deepEqual(hs['defaultVerifyPaths'], { cafile: null, capath: null });
      assert.equal(hs['bufferIsGlobal'], true);
      assert.equal(hs['hasProcess'], false);
    }
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
  }
});
