// TLSStream's write path: small writes coalesced into full records
// (_writev + auto-corking), the bytes unchanged, backpressure, writes made
// before the handshake, and end() right after small writes. The peer is
// node:tls; records are counted on the real TCP bytes our client sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { connect, type TLSStream } from '../../src/index.js';
import { coalesce, RECORD_PLAINTEXT } from '../../src/net/coalesce.js';
import { CA_PEM, CHAIN_PEM, KEY_PEM, guardUnhandled, listen, within } from './net-helpers.js';

guardUnhandled();

/** A node:tls server; `onSecure` gets each accepted TLSSocket. */
async function nodeServer(onSecure: (s: tls.TLSSocket) => void) {
  return listen(tls.createServer({ cert: CHAIN_PEM, key: KEY_PEM, allowHalfOpen: true }, onSecure));
}

async function ourClient(port: number): Promise<TLSStream> {
  const c = connect({ port, host: '127.0.0.1', servername: 'localhost', ca: CA_PEM });
  await within(once(c, 'secureConnect'), 10000, 'secureConnect');
  return c;
}

/** Our client connected to a node:tls server; `peer` is the server's end of that connection. */
async function ourClientToNode(): Promise<{ client: TLSStream; peer: tls.TLSSocket; listening: Awaited<ReturnType<typeof nodeServer>> }> {
  let resolvePeer!: (s: tls.TLSSocket) => void;
  const got = new Promise<tls.TLSSocket>((r) => (resolvePeer = r));
  const listening = await nodeServer((s) => resolvePeer(s));
  const client = await ourClient(listening.port);
  return { client, peer: await got, listening };
}

/** Record the ciphertext the stream's TCP socket hands to the kernel from now on, one entry per write or writev. */
function tapTransport(stream: TLSStream): Buffer[] {
  const seen: Buffer[] = [];
  type Cb = (err?: Error | null) => void;
  const sock = stream.socket as Duplex & {
    _write(c: Buffer, e: string, cb: Cb): void;
    _writev(cs: { chunk: Buffer }[], cb: Cb): void;
  };
  const write = sock._write.bind(sock);
  const writev = sock._writev.bind(sock);
  sock._write = (c, e, cb) => {
    seen.push(Buffer.from(c));
    write(c, e, cb);
  };
  sock._writev = (cs, cb) => {
    seen.push(Buffer.concat(cs.map((x) => x.chunk)));
    writev(cs, cb);
  };
  return seen;
}

/** Lengths of the TLS records in `bytes` (which must hold whole records). */
function recordLengths(bytes: Buffer): number[] {
  const out: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    assert.ok(at + 5 <= bytes.length, 'truncated record header');
    assert.equal(bytes[at], 23, 'TLS 1.3 protected records carry type application_data');
    const len = bytes.readUInt16BE(at + 3);
    out.push(len);
    at += 5 + len;
  }
  assert.equal(at, bytes.length, 'records end on a record boundary');
  return out;
}

/** TLS 1.3 ciphertext length of a record holding `n` plaintext bytes (inner type + 16-byte tag). */
const sealed = (n: number): number => n + 1 + 16;

/** The next `bytes` bytes the socket delivers. */
function collect(s: tls.TLSSocket, bytes: number): Promise<Buffer> {
  const all = new Promise<Buffer>((resolve) => {
    const parts: Buffer[] = [];
    let have = 0;
    const onData = (d: Buffer): void => {
      parts.push(d);
      have += d.length;
      if (have >= bytes) {
        s.off('data', onData);
        resolve(Buffer.concat(parts));
      }
    };
    s.on('data', onData);
  });
  return within(all, 20000, `${bytes} bytes`);
}

test('coalesce(): record-sized buffers, bytes unchanged, large chunks passed without a copy', () => {
  const rnd = (n: number) => randomBytes(n);
  const cases: Uint8Array[][] = [
    [],
    [rnd(10)],
    Array.from({ length: 40 }, () => rnd(1024)),
    [rnd(100), rnd(40000), rnd(7), rnd(16384), rnd(3)],
    [rnd(16384), rnd(16384 * 3), rnd(5)],
    Array.from({ length: 700 }, () => rnd(700)), // beyond the group limit
  ];
  for (const chunks of cases) {
    const out = coalesce(chunks);
    assert.deepEqual(Buffer.concat(out), Buffer.concat(chunks));
    out.slice(0, -1).forEach((b, i) => assert.equal(b.length % RECORD_PLAINTEXT, 0, `buffer ${i} of ${out.length}: ${b.length}`));
    for (const b of out) assert.ok(b.length > 0);
  }
  const big = rnd(3 * RECORD_PLAINTEXT);
  const [first] = coalesce([big, rnd(10)]);
  assert.equal(first!.buffer, big.buffer, 'whole records of a large chunk are a view, not a copy');
  // A small chunk in front: the large one tops its record up, the rest stays a view.
  const out = coalesce([rnd(100), big]);
  assert.equal(out[0]!.length, RECORD_PLAINTEXT);
  assert.equal(out[1]!.buffer, big.buffer);
});

test('1 KiB writes in one tick go out as full 16 KiB records, one transport write, and arrive intact', { timeout: 20000 }, async () => {
  const { client, peer, listening } = await ourClientToNode();
  const seen = tapTransport(client);
  const data = randomBytes(64 * 1024);
  for (let off = 0; off < data.length; off += 1024) client.write(data.subarray(off, off + 1024));
  const received = await collect(peer, data.length);
  assert.deepEqual(received, data);
  assert.deepEqual(recordLengths(Buffer.concat(seen)), [16384, 16384, 16384, 16384].map(sealed));
  assert.equal(seen.length, 1, 'the four records leave in one corked write');
  client.destroy();
  await listening.stop();
});

test('a lone small write is sent on its own record within the tick; large writes are not merged or split', { timeout: 20000 }, async () => {
  const { client, peer, listening } = await ourClientToNode();
  const seen = tapTransport(client);
  client.write(Buffer.from('ping'));
  assert.deepEqual(await collect(peer, 4), Buffer.from('ping'));
  assert.deepEqual(recordLengths(Buffer.concat(seen)), [sealed(4)]);
  seen.length = 0;
  const big = randomBytes(40000);
  client.write(big);
  assert.deepEqual(await collect(peer, big.length), big);
  assert.deepEqual(recordLengths(Buffer.concat(seen)), [16384, 16384, 40000 - 32768].map(sealed));
  client.destroy();
  await listening.stop();
});

test('backpressure: a peer that does not read makes write() return false; everything arrives once it reads', { timeout: 30000 }, async () => {
  let resolvePeer!: (s: tls.TLSSocket) => void;
  const got = new Promise<tls.TLSSocket>((r) => (resolvePeer = r));
  const listening = await nodeServer((s) => {
    s.pause();
    resolvePeer(s);
  });
  const client = await ourClient(listening.port);
  const peer = await got;
  const chunk = randomBytes(1024);
  let written = 0;
  // Keep writing 1 KiB pieces while the stream accepts them.
  for (;;) {
    written += chunk.length;
    if (!client.write(chunk)) {
      const drained = await Promise.race([once(client, 'drain').then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1000))]);
      if (!drained) break;
    }
    if (written > 64 * 1024 * 1024) assert.fail('the stream never pushed back');
  }
  // Bounded: the socket buffers and our queue, not everything ever written.
  assert.ok(client.writableLength <= 64 * 1024, `queued in the stream: ${client.writableLength}`);
  peer.resume();
  const received = await collect(peer, written);
  assert.equal(received.length, written);
  for (let off = 0; off < written; off += chunk.length) {
    if (!received.subarray(off, off + chunk.length).equals(chunk)) assert.fail(`corrupted at ${off}`);
  }
  client.destroy();
  await listening.stop();
});

test('writes made before the handshake completes, then end() right after small writes: bytes, order and half-close', { timeout: 20000 }, async () => {
  let resolvePeer!: (s: tls.TLSSocket) => void;
  const got = new Promise<tls.TLSSocket>((r) => (resolvePeer = r));
  const listening = await nodeServer((s) => resolvePeer(s));
  const client = connect({ port: listening.port, host: '127.0.0.1', servername: 'localhost', ca: CA_PEM, allowHalfOpen: true });
  const parts = Array.from({ length: 30 }, (_, i) => Buffer.from(`early-${i};`));
  for (const p of parts) client.write(p);
  await within(once(client, 'secureConnect'), 10000, 'secureConnect');
  const peer = await got;
  const tail = [Buffer.from('late-a;'), Buffer.from('late-b;'), Buffer.from('late-c;')];
  for (const p of tail) client.write(p);
  client.end();
  const chunks: Buffer[] = [];
  peer.on('data', (d: Buffer) => chunks.push(d));
  await within(once(peer, 'end'), 10000, 'peer end');
  assert.equal(Buffer.concat(chunks).toString(), [...parts, ...tail].join(''));
  // Half-close: the peer can still answer after our close_notify.
  const reply = once(client, 'data');
  peer.end('after-close');
  const [d] = (await within(reply, 10000, 'reply')) as [Buffer];
  assert.equal(d.toString(), 'after-close');
  await within(once(client, 'end'), 10000, 'client end');
  client.destroy();
  await listening.stop();
});

test('setMaxSendFragment(1024): records carry at most 1024 bytes, and the data arrives intact', { timeout: 20000 }, async () => {
  const { client, peer, listening } = await ourClientToNode();
  assert.equal(client.setMaxSendFragment(1024), true);
  const seen = tapTransport(client);
  const data = randomBytes(5000);
  client.write(data);
  assert.deepEqual(await collect(peer, data.length), data);
  assert.deepEqual(recordLengths(Buffer.concat(seen)), [1024, 1024, 1024, 1024, 904].map(sealed));
  client.destroy();
  await listening.stop();
});
