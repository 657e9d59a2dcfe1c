// The engine bundled for the browser (esbuild --platform=browser) reaches no
// `node:` module and no `crypto` require: `#crypto-default` resolves to the
// pure-JavaScript provider under the "browser" condition. The bundle is then
// run (here, in node, where globalThis.crypto exists as in a page) for a full
// TLS 1.3 handshake whose certificate signatures (RSA over the intermediate,
// ECDSA over the leaf) and CertificateVerify (RSA-PSS) are all checked inside
// it. The whole package's browser bundle (files, sockets) is
// test/browser/'s concern; this one is the engine and its crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const SRC = new URL('../../src/', import.meta.url).pathname;
const FIX = new URL('../../fixtures/', import.meta.url).pathname;

test('the engine bundled for the browser uses the pure-JavaScript provider and no node: module', { timeout: 120000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssl-ts-bundle-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    [
      `export { Connection } from '${SRC}tls/connection.js';`,
      `export { startClient } from '${SRC}tls/handshake-client13.js';`,
      `export { startServer } from '${SRC}tls/handshake-server13.js';`,
      `export { TLS13_SUITES } from '${SRC}tls/cipher-suites.js';`,
      `export { DEFAULT_SIGNATURE_SCHEMES } from '${SRC}tls/handshake-common13.js';`,
      `export { getDefaultCryptoProvider } from '${SRC}crypto/default-provider.js';`,
      `export { parseCertificate } from '${SRC}x509/certificate.js';`,
      `export { pemBlocks } from '${SRC}x509/pem.js';`,
    ].join('\n'),
  );
  const out = join(dir, 'engine.mjs');
  const result = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', outfile: out, logLevel: 'silent', metafile: true });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((f) => f.endsWith('crypto/noble-provider.ts')), 'the pure-JavaScript provider is in the bundle');
  assert.ok(!inputs.some((f) => /crypto\/(node-provider|node-keys|node-ffdhe|key-exchange|signature)\.ts$/.test(f)), 'no node:crypto provider file');
  const code = readFileSync(out, 'utf8');
  assert.doesNotMatch(code, /["']node:[a-z_/]+["']/);
  assert.doesNotMatch(code, /require\(["']crypto["']\)/);

  const m = await import(pathToFileURL(out).href);
  const provider = m.getDefaultCryptoProvider();
  assert.equal(provider.name, 'noble');
  const pem = (f: string) => m.pemBlocks(readFileSync(FIX + f, 'latin1')) as Uint8Array[];
  const root = m.parseCertificate(pem('ca.pem')[0]!);
  let verified: Uint8Array[] = [];
  /** The chain's signatures, checked by the bundle's provider: RSA PKCS#1 (root over intermediate), ECDSA (intermediate over leaf). */
  const checkChain = (presented: Uint8Array[]): Uint8Array[] => {
    const [leaf, inter] = presented.map((d) => m.parseCertificate(d));
    assert.ok(inter.verifySignedBy(root.tryPublicKey(provider), provider), 'root signed the intermediate');
    assert.ok(leaf.verifySignedBy(inter.tryPublicKey(provider), provider), 'the intermediate signed the leaf');
    const tampered = Uint8Array.from(presented[0]!);
    tampered[tampered.length - 1]! ^= 1;
    assert.equal(m.parseCertificate(tampered).verifySignedBy(inter.tryPublicKey(provider), provider), false, 'a tampered leaf');
    return presented;
  };
  const config = (over: object) => ({
    isServer: false,
    provider,
    serverName: 'localhost',
    verifyHostname: 'localhost',
    verifyMode: 2,
    verify: (r: { presented: Uint8Array[] }) => (verified = checkChain(r.presented)),
    certs: [],
    alpn: null,
    tls13Suites: [...m.TLS13_SUITES],
    tls12Suites: [],
    cipherServerPreference: true,
    groups: [0x11ec, 0x1d, 0x17],
    signatureSchemes: [...m.DEFAULT_SIGNATURE_SCHEMES],
    minVersion: 0x0304,
    maxVersion: 0x0304,
    middleboxCompat: true,
    numTickets: 0,
    ...over,
  });
  const key = provider.importPrivateKey({ pem: readFileSync(FIX + 'leaf-rsa2048.key', 'latin1') });
  const client = new m.Connection(config({}));
  const server = new m.Connection(config({ isServer: true, verifyMode: 0, certs: [{ chain: pem('leaf-rsa2048-chain.pem'), key }] }));
  server.begin(m.startServer);
  client.begin(m.startClient);
  const ferry = (from: typeof client, to: typeof client) => {
    for (const buf of from.takeOutput()) to.receive(buf);
  };
  for (let i = 0; i < 10 && !(client.handshakeDone && server.handshakeDone); i++) {
    ferry(client, server);
    ferry(server, client);
  }
  assert.ok(client.handshakeDone && server.handshakeDone);
  assert.equal(verified.length, 2, 'the server chain was checked inside the bundle');
  client.sendApp(new TextEncoder().encode('hello from the bundle'));
  ferry(client, server);
  assert.equal(new TextDecoder().decode(server.readApp(100)), 'hello from the bundle');
});
