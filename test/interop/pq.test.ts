// X25519MLKEM768: the hybrid post-quantum group, in memory (shares, HRR,
// tampering) and against real peers that have it in both roles: Go 1.26's
// crypto/tls, rustls through Deno and BoringSSL through Bun.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  MemoryBIO,
  SSLContext,
  SSLError,
  SSLWantReadError,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  TLSVersion,
  connect,
  createServer,
  type SSLObject,
  type TLSStream,
} from '../../src/index.js';
import { fixture, REPO_ROOT, withTimeout } from '../helpers/peers.js';

const CA = fixture('ca.pem');
const CHAIN = fixture('leaf-ecdsa-p256-chain.pem');
const KEY = fixture('leaf-ecdsa-p256.key');
const HYBRID = 'X25519MLKEM768';

function server(): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.loadCertChain(CHAIN, KEY);
  return ctx;
}
function client(): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.loadVerifyLocations({ cafile: CA });
  return ctx;
}

interface Wire {
  c: SSLObject;
  s: SSLObject;
  cOut: MemoryBIO;
  sOut: MemoryBIO;
  cIn: MemoryBIO;
  sIn: MemoryBIO;
}
function wire(cctx: SSLContext, sctx: SSLContext): Wire {
  const cIn = new MemoryBIO(), cOut = new MemoryBIO(), sIn = new MemoryBIO(), sOut = new MemoryBIO();
  return {
    c: cctx.wrapBio(cIn, cOut, { serverHostname: 'localhost' }),
    s: sctx.wrapBio(sIn, sOut, { serverSide: true }),
    cIn, cOut, sIn, sOut,
  };
}
function step(f: () => void): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof SSLWantReadError) return false;
    throw e;
  }
}
/** Runs both handshakes; `toClient` may rewrite what the server sends. */
function handshake(w: Wire, toClient: (b: Uint8Array) => Uint8Array = (b) => b): void {
  let cDone = false, sDone = false;
  for (let i = 0; i < 10 && !(cDone && sDone); i++) {
    if (!cDone) cDone = step(() => w.c.doHandshake());
    const ch = w.cOut.read();
    if (ch.length) w.sIn.write(ch);
    if (!sDone) sDone = step(() => w.s.doHandshake());
    const sh = w.sOut.read();
    if (sh.length) w.cIn.write(toClient(sh));
  }
  assert.ok(cDone && sDone, 'handshake did not finish');
}

/** The key_share extension's entries in a plaintext ClientHello/ServerHello record. */
function keyShareGroups(record: Uint8Array, isClient: boolean): number[] {
  const b = Buffer.from(record);
  let p = 5 + 4 + 2 + 32; // record header, handshake header, version, random
  p += 1 + b[p]!; // session id
  if (isClient) {
    p += 2 + b.readUInt16BE(p); // cipher suites
    p += 1 + b[p]!; // compression
  } else {
    p += 3; // suite, compression
  }
  const end = p + 2 + b.readUInt16BE(p);
  for (p += 2; p < end; ) {
    const type = b.readUInt16BE(p), len = b.readUInt16BE(p + 2);
    if (type === 0x0033) {
      if (!isClient) return [b.readUInt16BE(p + 4)];
      const groups: number[] = [];
      for (let q = p + 6; q < p + 4 + len; q += 4 + b.readUInt16BE(q + 2)) groups.push(b.readUInt16BE(q));
      return groups;
    }
    p += 4 + len;
  }
  return [];
}

test('by default the client sends hybrid and x25519 shares, and the server takes the hybrid', () => {
  const w = wire(client(), server());
  step(() => w.c.doHandshake());
  const hello = w.cOut.read();
  assert.deepEqual(keyShareGroups(hello, true), [0x11ec, 0x001d]);
  // 1216-byte hybrid share: the ClientHello still fits one record.
  assert.ok(hello.length > 1216 + 32 && hello.length < 16384, `ClientHello record of ${hello.length} bytes`);
  w.sIn.write(hello);
  handshake(w);
  assert.equal(w.c.handshakeInfo().group, HYBRID);
  assert.equal(w.s.handshakeInfo().group, HYBRID);
  assert.equal(w.c.handshakeInfo().helloRetryRequest, false);
  w.c.write(Buffer.from('ping'));
  w.sIn.write(w.cOut.read());
  assert.equal(Buffer.from(w.s.read(10)).toString(), 'ping');
});

test('a server without the hybrid group picks x25519 from the same ClientHello, no HelloRetryRequest', () => {
  const s = server();
  s.setGroups('X25519:P-256');
  const w = wire(client(), s);
  handshake(w);
  assert.equal(w.c.handshakeInfo().group, 'x25519');
  assert.equal(w.c.handshakeInfo().helloRetryRequest, false);
});

test('HelloRetryRequest to the hybrid group', () => {
  const c = client();
  c.setGroups(['X25519', HYBRID]);
  const s = server();
  s.setGroups([HYBRID]);
  const w = wire(c, s);
  handshake(w);
  assert.equal(w.c.handshakeInfo().group, HYBRID);
  assert.equal(w.c.handshakeInfo().helloRetryRequest, true);
  assert.equal(w.s.handshakeInfo().helloRetryRequest, true);
});

test('a tampered ML-KEM ciphertext fails the handshake cleanly with bad_record_mac', () => {
  const w = wire(client(), server());
  let tampered = false;
  const flip = (rec: Uint8Array): Uint8Array => {
    if (tampered || keyShareGroups(rec, false)[0] !== 0x11ec) return rec;
    const b = Buffer.from(rec);
    const at = b.indexOf(Buffer.from([0x00, 0x33, 0x04, 0x64, 0x11, 0xec, 0x04, 0x60]));
    assert.ok(at > 0, 'hybrid key_share in the ServerHello');
    b[at + 8 + 100] ^= 0x01; // inside the 1088-byte ciphertext
    tampered = true;
    return b;
  };
  assert.throws(
    () => handshake(w, flip),
    (e: unknown) => e instanceof SSLError && /DECRYPTION_FAILED_OR_BAD_RECORD_MAC|BAD_RECORD_MAC/.test(String(e.reason)),
  );
  assert.ok(tampered);
});

test('a hybrid client share of the wrong size gets illegal_parameter', () => {
  const w = wire(client(), server());
  step(() => w.c.doHandshake());
  const b = Buffer.from(w.cOut.read());
  // Shorten the hybrid entry's declared length by one and drop its last byte: lengths stay consistent.
  const at = b.indexOf(Buffer.from([0x11, 0xec, 0x04, 0xc0]));
  assert.ok(at > 0);
  b.writeUInt16BE(0x04bf, at + 2);
  const cut = Buffer.concat([b.subarray(0, at + 4 + 1215), b.subarray(at + 4 + 1216)]);
  // Fix the enclosing lengths: record, handshake, extensions, key_share ext, client_shares.
  cut.writeUInt16BE(cut.readUInt16BE(3) - 1, 3);
  cut.writeUIntBE(cut.readUIntBE(6, 3) - 1, 6, 3);
  let p = 5 + 4 + 2 + 32;
  p += 1 + cut[p]!;
  p += 2 + cut.readUInt16BE(p);
  p += 1 + cut[p]!;
  cut.writeUInt16BE(cut.readUInt16BE(p) - 1, p);
  const ks = cut.indexOf(Buffer.from([0x00, 0x33]), p);
  cut.writeUInt16BE(cut.readUInt16BE(ks + 2) - 1, ks + 2);
  cut.writeUInt16BE(cut.readUInt16BE(ks + 4) - 1, ks + 4);
  w.sIn.write(cut);
  assert.throws(
    () => w.s.doHandshake(),
    (e: unknown) => e instanceof SSLError && e.reason === 'BAD_ECPOINT',
  );
  const alert = w.sOut.read();
  assert.deepEqual([...alert.subarray(-2)], [2, 47]); // fatal illegal_parameter
});

test('a TLS 1.2-only handshake does not offer the hybrid group and still agrees on x25519', () => {
  const c = client();
  c.maximumVersion = TLSVersion.TLSv1_2;
  const w = wire(c, server());
  step(() => w.c.doHandshake());
  const hello = Buffer.from(w.cOut.read());
  assert.equal(hello.indexOf(Buffer.from([0x11, 0xec])), -1);
  w.sIn.write(hello);
  handshake(w);
  assert.equal(w.c.version(), 'TLSv1.2');
  assert.equal(w.c.handshakeInfo().group, 'x25519');
});

test('setGroups and setEcdhCurve take the OpenSSL 3.5 name; unknown names raise', () => {
  const ctx = client();
  ctx.setEcdhCurve(HYBRID);
  ctx.setGroups('X25519MLKEM768:X25519:P-256');
  assert.throws(() => ctx.setGroups('X25519:nope'), /unknown group name 'nope'/);
});

// ------------------------------------------------------------ real peers

interface Served {
  group: string | null;
  hrr: boolean;
  data: string;
}
async function ourServerOnce(ctx: SSLContext): Promise<{ port: number; done: Promise<Served> }> {
  let resolve!: (v: Served) => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<Served>((res, rej) => ((resolve = res), (reject = rej)));
  const srv = createServer({ context: ctx }, (s: TLSStream) => {
    const { group, helloRetryRequest: hrr } = s.sslobj.handshakeInfo();
    s.once('data', (d: Buffer) => {
      s.end(d);
      resolve({ group, hrr, data: d.toString() });
      srv.close();
    });
  });
  srv.on('tlsClientError', (e: unknown) => reject(e));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return { port: (srv.address() as AddressInfo).port, done };
}

async function ourClientOnce(port: number, ctx: SSLContext): Promise<{ group: string | null; hrr: boolean; echo: string }> {
  const s = connect({ port, host: '127.0.0.1', servername: 'localhost', context: ctx });
  await withTimeout(new Promise<void>((res, rej) => { s.once('secureConnect', () => res()); s.once('error', rej); }), 20000, 'handshake');
  const { group, helloRetryRequest: hrr } = s.sslobj.handshakeInfo();
  s.write('hello');
  const echo = await withTimeout(new Promise<string>((res, rej) => {
    let got = '';
    s.on('data', (d: Buffer) => { got += d.toString(); if (got.length >= 5) res(got); });
    s.once('error', rej);
  }), 20000, 'echo');
  s.destroy();
  return { group, hrr, echo };
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { child: ReturnType<typeof spawn>; out: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const out = new Promise<{ code: number | null; stdout: string; stderr: string }>((res) => child.once('close', (code) => res({ code, stdout, stderr })));
  return { child, out };
}

async function waitForFile(path: string, what: string): Promise<string> {
  return withTimeout((async () => {
    for (;;) {
      if (existsSync(path)) {
        const t = readFileSync(path, 'utf8');
        if (t.length) return t;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })(), 60000, what);
}

// Go 1.26 (the machine's `go`): crypto/tls has X25519MLKEM768 on by default.
const scratch = mkdtempSync(join(tmpdir(), 'ssl-ts-pq-'));
let goBin: string | null = null;
function goPeer(): string {
  if (goBin) return goBin;
  const out = join(scratch, 'go-pq-peer');
  // Module mode with a current `go` line: GOPATH mode would build with Go 1.20's
  // GODEBUG defaults, which turn the hybrid group off.
  const dir = join(scratch, 'go-pq-peer-src');
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(REPO_ROOT, 'test', 'helpers', 'go_pq_peer.go'), join(dir, 'main.go'));
  writeFileSync(join(dir, 'go.mod'), 'module gopqpeer\n\ngo 1.24\n');
  const r = spawnSync('go', ['build', '-o', out, '.'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOCACHE: join(scratch, 'gocache'), GOPATH: join(scratch, 'gopath') },
  });
  assert.equal(r.status, 0, `go build failed: ${r.stderr}`);
  return (goBin = out);
}

test('Go crypto/tls client → our server: X25519MLKEM768 by default', { timeout: 180000 }, async () => {
  const srv = await ourServerOnce(server());
  const go = run(goPeer(), ['client', String(srv.port), CA, 'default']);
  const r = await withTimeout(go.out, 60000, 'go client');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /group=X25519MLKEM768/);
  assert.match(r.stdout, /echo=hello/);
  assert.equal((await srv.done).group, HYBRID);
});

test('our client → Go crypto/tls server: X25519MLKEM768, and HelloRetryRequest when we lead with x25519', { timeout: 180000 }, async () => {
  for (const [groups, hrr] of [[null, false], [['X25519', HYBRID], true]] as const) {
    // The Go server takes only the hybrid group: leading with x25519 makes it ask again.
    const portFile = join(scratch, `go-port-${hrr}`);
    const go = run(goPeer(), ['server', portFile, CHAIN, KEY, 'hybrid']);
    const port = Number(await waitForFile(portFile, 'go server port'));
    const ctx = client();
    if (groups) ctx.setGroups([...groups]);
    const r = await ourClientOnce(port, ctx);
    assert.equal(r.group, HYBRID);
    assert.equal(r.hrr, hrr);
    assert.equal(r.echo, 'hello');
    const g = await withTimeout(go.out, 60000, 'go server');
    assert.equal(g.code, 0, g.stdout + g.stderr);
    assert.match(g.stdout, /group=X25519MLKEM768/);
  }
});

// Deno's TLS is rustls; Bun's node:tls is BoringSSL. Both come from npm (devDependencies).
const DENO = join(REPO_ROOT, 'node_modules', '.bin', 'deno');
const BUN = join(REPO_ROOT, 'node_modules', '.bin', 'bun');

test('Deno (rustls) client → our server and our client → Deno server agree on X25519MLKEM768', { timeout: 240000 }, async () => {
  const ca = readFileSync(CA, 'utf8');
  // rustls lists the hybrid group but sends its first share for x25519: a
  // server that accepts only the hybrid asks again (HelloRetryRequest).
  const hybridOnly = server();
  hybridOnly.setGroups([HYBRID]);
  const srv = await ourServerOnce(hybridOnly);
  const clientScript = join(scratch, 'deno-client.ts');
  writeFileSync(clientScript, `
    const conn = await Deno.connectTls({ hostname: 'localhost', port: ${srv.port}, caCerts: [${JSON.stringify(ca)}] });
    await conn.handshake();
    await conn.write(new TextEncoder().encode('hello'));
    const buf = new Uint8Array(5); let n = 0;
    while (n < 5) { const r = await conn.read(buf.subarray(n)); if (r === null) break; n += r; }
    console.log('echo=' + new TextDecoder().decode(buf));
    conn.close();
  `);
  const denoEnv = { ...process.env, DENO_DIR: join(scratch, 'deno-dir'), NO_COLOR: '1' };
  const dc = run(DENO, ['run', '--allow-net', '--allow-read', clientScript], { env: denoEnv });
  const r = await withTimeout(dc.out, 120000, 'deno client');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /echo=hello/);
  const served = await srv.done;
  assert.equal(served.group, HYBRID, 'rustls answered the HelloRetryRequest with a hybrid share');
  assert.equal(served.hrr, true);

  const portFile = join(scratch, 'deno-port');
  const serverScript = join(scratch, 'deno-server.ts');
  writeFileSync(serverScript, `
    const l = Deno.listenTls({ hostname: '127.0.0.1', port: 0, cert: Deno.readTextFileSync(${JSON.stringify(CHAIN)}), key: Deno.readTextFileSync(${JSON.stringify(KEY)}) });
    Deno.writeTextFileSync(${JSON.stringify(portFile)}, String(l.addr.port));
    const conn = await l.accept();
    await conn.handshake();
    const buf = new Uint8Array(5); let n = 0;
    while (n < 5) { const r = await conn.read(buf.subarray(n)); if (r === null) break; n += r; }
    await conn.write(buf);
    conn.close(); l.close();
  `);
  const ds = run(DENO, ['run', '--allow-net', '--allow-read', '--allow-write', serverScript], { env: denoEnv });
  const port = Number(await waitForFile(portFile, 'deno server port'));
  const ours = await ourClientOnce(port, client());
  assert.equal(ours.group, HYBRID, 'rustls server chose the hybrid group from our shares');
  assert.equal(ours.echo, 'hello');
  const d = await withTimeout(ds.out, 60000, 'deno server');
  assert.equal(d.code, 0, d.stdout + d.stderr);
});

test('Bun (BoringSSL) node:tls with ecdhCurve X25519MLKEM768, both roles', { timeout: 240000 }, async () => {
  const ca = readFileSync(CA, 'utf8');
  const srv = await ourServerOnce(server());
  const clientScript = join(scratch, 'bun-client.mjs');
  writeFileSync(clientScript, `
    import tls from 'node:tls';
    const s = tls.connect({ host: '127.0.0.1', port: ${srv.port}, servername: 'localhost', ca: ${JSON.stringify(ca)}, ecdhCurve: 'X25519MLKEM768' }, () => s.write('hello'));
    let got = '';
    s.on('data', (d) => { got += d; if (got.length >= 5) { console.log('echo=' + got); s.destroy(); } });
    s.on('error', (e) => { console.error(e); process.exit(1); });
  `);
  const bc = run(BUN, [clientScript]);
  const r = await withTimeout(bc.out, 120000, 'bun client');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /echo=hello/);
  assert.equal((await srv.done).group, HYBRID);

  const portFile = join(scratch, 'bun-port');
  const serverScript = join(scratch, 'bun-server.mjs');
  writeFileSync(serverScript, `
    import tls from 'node:tls';
    import fs from 'node:fs';
    const srv = tls.createServer({ cert: fs.readFileSync(${JSON.stringify(CHAIN)}), key: fs.readFileSync(${JSON.stringify(KEY)}), ecdhCurve: 'X25519MLKEM768' }, (s) => {
      s.once('data', (d) => { s.end(d); srv.close(); });
    });
    srv.listen(0, '127.0.0.1', () => fs.writeFileSync(${JSON.stringify(portFile)}, String(srv.address().port)));
  `);
  const bs = run(BUN, [serverScript]);
  const port = Number(await waitForFile(portFile, 'bun server port'));
  const ours = await ourClientOnce(port, client());
  assert.equal(ours.group, HYBRID);
  assert.equal(ours.echo, 'hello');
  const b = await withTimeout(bs.out, 60000, 'bun server');
  assert.equal(b.code, 0, b.stdout + b.stderr);
});
