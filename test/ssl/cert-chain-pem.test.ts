// SSLContext.loadCertChainPem(): loadCertChain() from PEM text in memory, the
// way a web page (which has no files) gives its own certificate. It must load
// what loadCertChain() loads, fail where it fails with the same errors, and
// serve a real peer: node:tls checks the chain it sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MemoryBIO, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLContext, SSLError } from '../../src/index.js';
import {
  collectBytes,
  collectUntilEnd,
  connectNodeTls,
  fixture,
  fixtureText,
  listenTcp,
} from '../helpers/peers.js';
import { acceptOurs, echoUntilClose } from '../helpers/ours.js';
import { pumpMemory } from '../helpers/pump.js';

const CHAIN = fixtureText('leaf-ecdsa-p256-chain.pem');
const KEY = fixtureText('leaf-ecdsa-p256.key');

/** A memory handshake with a client trusting ca.pem; returns what the client saw. */
function handshakeWith(server: SSLContext, cadata = fixtureText('ca.pem')): { subject: unknown; chainLength: number; version: string | null } {
  const client = new SSLContext(PROTOCOL_TLS_CLIENT);
  client.loadVerifyLocations({ cadata });
  const ci = new MemoryBIO(), co = new MemoryBIO(), si = new MemoryBIO(), so = new MemoryBIO();
  const c = client.wrapBio(ci, co, { serverHostname: 'localhost' });
  const s = server.wrapBio(si, so, { serverSide: true });
  // Throws unless both ends finish the handshake.
  pumpMemory({ obj: c, incoming: ci, outgoing: co }, { obj: s, incoming: si, outgoing: so });
  const cert = c.getPeerCert() as { subject: unknown };
  return { subject: cert.subject, chainLength: c.getUnverifiedChain()!.length, version: c.version() };
}

/** What loadCertChain() raises for files holding these texts (null: it loads them). */
function fileOutcome(certText: string, keyText: string | null, password?: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'ssl-ts-pem-'));
  try {
    writeFileSync(join(dir, 'cert.pem'), certText);
    if (keyText !== null) writeFileSync(join(dir, 'key.pem'), keyText);
    new SSLContext(PROTOCOL_TLS_SERVER).loadCertChain(join(dir, 'cert.pem'), keyText === null ? null : join(dir, 'key.pem'), password);
    return null;
  } catch (e) {
    return describe(e);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pemOutcome(certText: string, keyText: string | null, password?: string): string | null {
  try {
    new SSLContext(PROTOCOL_TLS_SERVER).loadCertChainPem(certText, keyText, password);
    return null;
  } catch (e) {
    return describe(e);
  }
}

function describe(e: unknown): string {
  const err = e as SSLError;
  return `${err.constructor.name} ${err.message} library=${err.library} reason=${err.reason} errno=${err.errno}`;
}

test('loadCertChainPem(): chain and key as text serve a TLS 1.3 handshake, leaf and intermediate sent', () => {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.loadCertChainPem(CHAIN, KEY);
  const seen = handshakeWith(ctx);
  assert.equal(seen.version, 'TLSv1.3');
  assert.equal(seen.chainLength, 2);
  assert.match(JSON.stringify(seen.subject), /"commonName","localhost"/);
});

test('loadCertChainPem(): bytes work as text does, and the key may follow the certificate in certdata', () => {
  const bytes = new SSLContext(PROTOCOL_TLS_SERVER);
  bytes.loadCertChainPem(new TextEncoder().encode(CHAIN), new TextEncoder().encode(KEY));
  assert.equal(handshakeWith(bytes).version, 'TLSv1.3');
  const combined = new SSLContext(PROTOCOL_TLS_SERVER);
  combined.loadCertChainPem(fixtureText('leaf-ecdsa-p256.combined.pem'));
  // That file has the leaf alone, so the client needs the intermediate.
  const seen = handshakeWith(combined, fixtureText('ca.pem') + fixtureText('inter.pem'));
  assert.equal(seen.version, 'TLSv1.3');
  assert.equal(seen.chainLength, 1);
});

test('loadCertChainPem(): an encrypted key takes the password as text, bytes or a callback, called only when needed', () => {
  const enc = fixtureText('leaf-ecdsa-p256.enc-pkcs8.key');
  for (const pw of ['somepass', new TextEncoder().encode('somepass'), () => 'somepass']) {
    const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
    ctx.loadCertChainPem(CHAIN, enc, pw);
    assert.equal(handshakeWith(ctx).version, 'TLSv1.3');
  }
  let calls = 0;
  new SSLContext(PROTOCOL_TLS_SERVER).loadCertChainPem(CHAIN, KEY, () => {
    calls++;
    return 'unused';
  });
  assert.equal(calls, 0);
});

test('loadCertChainPem() fails exactly where loadCertChain() fails on the same text, with the same error', () => {
  const enc = fixtureText('leaf-ecdsa-p256.enc-pkcs8.key');
  const cases: [string, string, string | null, string?][] = [
    ['no certificate', 'junk\n', KEY],
    ['no key', CHAIN, 'junk\n'],
    ['key of another certificate', CHAIN, fixtureText('leaf-ecdsa-p384.key')],
    ['wrong password', CHAIN, enc, 'wrong'],
    ['encrypted key without a password', CHAIN, enc],
    ['certificate only, key expected in the same text', CHAIN, null],
    ['bad base64 in the certificate', CHAIN.replace(/^MII/m, 'M*I'), KEY],
  ];
  for (const [what, cert, key, pw] of cases) {
    const fromFile = fileOutcome(cert, key, pw);
    assert.notEqual(fromFile, null, `${what}: loadCertChain() accepted it`);
    assert.equal(pemOutcome(cert, key, pw), fromFile, what);
  }
  assert.equal(pemOutcome(CHAIN, KEY), fileOutcome(CHAIN, KEY));
});

test('loadCertChainPem() checks argument types as loadCertChain() does', () => {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  assert.throws(() => ctx.loadCertChainPem(42 as unknown as string), { name: 'TypeError', message: 'certdata should be a str or a bytes-like object' });
  assert.throws(() => ctx.loadCertChainPem(CHAIN, {} as unknown as string), { name: 'TypeError', message: 'keydata should be a str or a bytes-like object' });
  assert.throws(() => ctx.loadCertChainPem(CHAIN, KEY, 42 as unknown as string), { name: 'TypeError', message: 'password should be a string or callable' });
  assert.equal(ctx._certs.length, 0);
});

test('loadCertChainPem(): one chain per key type, a later one replacing an earlier, as with files', () => {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.loadCertChainPem(CHAIN, KEY);
  ctx.loadCertChainPem(fixtureText('leaf-rsa2048-chain.pem'), fixtureText('leaf-rsa2048.key'));
  ctx.loadCertChainPem(fixtureText('wronghost-chain.pem'), fixtureText('wronghost.key'));
  assert.equal(ctx._certs.length, 2);
  const files = new SSLContext(PROTOCOL_TLS_SERVER);
  files.loadCertChain(fixture('leaf-ecdsa-p256-chain.pem'), fixture('leaf-ecdsa-p256.key'));
  files.loadCertChain(fixture('leaf-rsa2048-chain.pem'), fixture('leaf-rsa2048.key'));
  files.loadCertChain(fixture('wronghost-chain.pem'), fixture('wronghost.key'));
  assert.deepEqual(ctx._certs.map((c) => c.chain), files._certs.map((c) => c.chain));
});

test('loadCertChainPem() on our server: node:tls verifies the chain against ca.pem and echoes through', { timeout: 20000 }, async () => {
  const l = await listenTcp();
  try {
    const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
    ctx.loadCertChainPem(CHAIN, KEY);
    const acceptP = l.accept();
    const clientP = connectNodeTls(l.port, { servername: 'localhost', ca: fixtureText('ca.pem'), minVersion: 'TLSv1.3' });
    const ours = acceptOurs(await acceptP, ctx);
    const serverDone = (async () => {
      await ours.pump.handshake();
      return echoUntilClose(ours.pump);
    })();
    serverDone.catch(() => {});
    const client = await clientP;
    assert.equal(client.authorized, true);
    assert.equal(client.getPeerCertificate(true).issuerCertificate?.subject?.CN, 'ssl-ts Test Intermediate CA');
    client.write('over pem');
    assert.equal((await collectBytes(client, 8)).toString(), 'over pem');
    const endP = collectUntilEnd(client);
    client.end();
    await endP;
    assert.equal(Buffer.from(await serverDone).toString(), 'over pem');
    client.destroy();
  } finally {
    await l.close();
  }
});
