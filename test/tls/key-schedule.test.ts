// The TLS 1.3 key schedule and the transcript hash against RFC 8446 7.1 and
// 4.4.1 written out here with node:crypto's HMAC (HKDF per RFC 5869), for
// every suite: a mistake in a label, a length or the order of secrets in
// src/tls/key-schedule.ts shows up here even though both ends of an in-memory
// handshake would share it. (Interop and test/interop/keylog.test.ts compare
// the same secrets with OpenSSL's.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nc from 'node:crypto';
import { nodeCrypto } from '../../src/crypto/node-provider.js';
import { TLS13_SUITES, type CipherSuite13 } from '../../src/tls/cipher-suites.js';
import { KeySchedule, hkdfExpandLabel } from '../../src/tls/key-schedule.js';
import { Transcript } from '../../src/tls/transcript.js';

const hmac = (hash: string, key: Uint8Array, data: Uint8Array): Buffer => nc.createHmac(hash, key).update(data).digest();

function expand(hash: string, prk: Uint8Array, info: Uint8Array, length: number): Buffer {
  const blocks: Buffer[] = [];
  let prev: Buffer = Buffer.alloc(0);
  for (let i = 1; Buffer.concat(blocks).length < length; i++) {
    prev = hmac(hash, prk, Buffer.concat([prev, info, Buffer.of(i)]));
    blocks.push(prev);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** RFC 8446 7.1: struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; } */
function expandLabel(hash: string, secret: Uint8Array, label: string, context: Uint8Array, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.of(context.length), context]);
  return expand(hash, secret, info, length);
}

function reference(suite: CipherSuite13, shared: Buffer, helloHash: Buffer, finishedHash: Buffer, clientFinishedHash: Buffer) {
  const h = suite.hash;
  const n = suite.hashLength;
  const zeros = Buffer.alloc(n);
  const empty = nc.createHash(h).digest();
  const derive = (secret: Buffer, label: string, th: Buffer) => expandLabel(h, secret, label, th, n);
  const early = hmac(h, zeros, zeros); // HKDF-Extract(salt = 0, IKM = 0: no PSK)
  const hs = hmac(h, derive(early, 'derived', empty), shared);
  const master = hmac(h, derive(hs, 'derived', empty), zeros);
  return {
    cHs: derive(hs, 'c hs traffic', helloHash),
    sHs: derive(hs, 's hs traffic', helloHash),
    cAp: derive(master, 'c ap traffic', finishedHash),
    sAp: derive(master, 's ap traffic', finishedHash),
    exp: derive(master, 'exp master', finishedHash),
    res: derive(master, 'res master', clientFinishedHash),
  };
}

for (const suite of TLS13_SUITES) {
  test(`${suite.name}: every secret, Finished, KeyUpdate and record keys follow RFC 8446 7.1`, () => {
    const shared = nc.randomBytes(32);
    const [helloHash, finishedHash, clientFinishedHash] = [1, 2, 3].map(() => nc.randomBytes(suite.hashLength)) as [Buffer, Buffer, Buffer];
    const want = reference(suite, shared, helloHash, finishedHash, clientFinishedHash);
    const ks = new KeySchedule(nodeCrypto, suite);
    ks.setSharedSecret(shared);
    assert.deepEqual(Buffer.from(ks.clientHandshakeSecret(helloHash)), want.cHs);
    assert.deepEqual(Buffer.from(ks.serverHandshakeSecret(helloHash)), want.sHs);
    assert.deepEqual(Buffer.from(ks.clientApplicationSecret(finishedHash)), want.cAp);
    assert.deepEqual(Buffer.from(ks.serverApplicationSecret(finishedHash)), want.sAp);
    assert.deepEqual(Buffer.from(ks.exporterMasterSecret(finishedHash)), want.exp);
    assert.deepEqual(Buffer.from(ks.resumptionMasterSecret(clientFinishedHash)), want.res);
    assert.equal(want.cHs.length, suite.hashLength);

    // Finished (4.4.4): HMAC(finished_key, transcript hash), finished_key = Expand-Label(base, "finished", "", Hash.length).
    const th = nc.randomBytes(suite.hashLength);
    const finishedKey = expandLabel(suite.hash, want.sHs, 'finished', Buffer.alloc(0), suite.hashLength);
    assert.deepEqual(Buffer.from(ks.finishedVerifyData(want.sHs, th)), hmac(suite.hash, finishedKey, th));

    // KeyUpdate (7.2).
    assert.deepEqual(Buffer.from(ks.nextTrafficSecret(want.cAp)), expandLabel(suite.hash, want.cAp, 'traffic upd', Buffer.alloc(0), suite.hashLength));

    // Record keys (7.3): a record sealed with protection() equals one sealed with the RFC's key and iv.
    const key = expandLabel(suite.hash, want.sAp, 'key', Buffer.alloc(0), suite.keyLength);
    const iv = expandLabel(suite.hash, want.sAp, 'iv', Buffer.alloc(0), 12);
    const rec = Buffer.concat(ks.protection(want.sAp).seal(23, Buffer.from('data')));
    const inner = Buffer.from('data\x17', 'latin1');
    const header = Buffer.from([23, 3, 3, 0, inner.length + 16]);
    const c =
      suite.aead === 'chacha20-poly1305'
        ? nc.createCipheriv(suite.aead, key, iv, { authTagLength: 16 })
        : nc.createCipheriv(suite.aead, key, iv);
    c.setAAD(header, { plaintextLength: inner.length });
    assert.deepEqual(rec, Buffer.concat([header, c.update(inner), c.final(), c.getAuthTag()]));
  });
}

test('hkdfExpandLabel encodes length, "tls13 " label and context as RFC 8446 7.1 says', () => {
  for (const suite of TLS13_SUITES) {
    const secret = nc.randomBytes(suite.hashLength);
    for (const [label, context, length] of [['key', Buffer.alloc(0), 16], ['c e traffic', nc.randomBytes(32), 32], ['x', Buffer.of(1), 300]] as const) {
      assert.deepEqual(Buffer.from(hkdfExpandLabel(nodeCrypto, suite, secret, label, context, length)), expandLabel(suite.hash, secret, label, context, length), label);
    }
  }
});

test('the key schedule refuses to derive traffic secrets before the shared secret is set', () => {
  const ks = new KeySchedule(nodeCrypto, TLS13_SUITES[0]!);
  const h = Buffer.alloc(32);
  for (const f of [() => ks.clientHandshakeSecret(h), () => ks.serverHandshakeSecret(h), () => ks.clientApplicationSecret(h), () => ks.serverApplicationSecret(h), () => ks.exporterMasterSecret(h), () => ks.resumptionMasterSecret(h)]) {
    assert.throws(f, /out of order/);
  }
});

// ---------------------------------------------------------------- transcript

const msg = (type: number, body: string): Buffer => {
  const b = Buffer.from(body);
  return Buffer.concat([Buffer.from([type, 0, b.length >> 8, b.length & 0xff]), b]);
};

test('transcript: messages before the suite is known are held, then hashed in order; hash() keeps running', () => {
  const t = new Transcript(nodeCrypto);
  const m1 = msg(1, 'client hello');
  const m2 = msg(2, 'server hello');
  const m3 = msg(8, 'encrypted extensions');
  assert.throws(() => t.hash(), /not started/);
  t.add(m1);
  t.add(m2);
  t.start('sha384');
  assert.deepEqual(Buffer.from(t.hash()), nc.createHash('sha384').update(m1).update(m2).digest());
  t.add(m3);
  assert.deepEqual(Buffer.from(t.hash()), nc.createHash('sha384').update(m1).update(m2).update(m3).digest());
  assert.deepEqual(Buffer.from(t.hash()), nc.createHash('sha384').update(m1).update(m2).update(m3).digest(), 'hash() does not consume');
  // A second start() changes nothing.
  t.start('sha256');
  assert.equal(t.hash().length, 48);
  assert.deepEqual(t.messages, [m1, m2, m3]);
});

test('transcript: after a HelloRetryRequest the first ClientHello becomes message_hash (RFC 8446 4.4.1)', () => {
  const t = new Transcript(nodeCrypto);
  assert.throws(() => t.replaceWithMessageHash(), /not started/);
  const ch1 = msg(1, 'first client hello');
  const hrr = msg(2, 'hello retry request');
  t.add(ch1);
  t.start('sha256');
  t.replaceWithMessageHash();
  t.add(hrr);
  const digest = nc.createHash('sha256').update(ch1).digest();
  const synthetic = Buffer.concat([Buffer.from([254, 0, 0, 32]), digest]);
  assert.deepEqual(Buffer.from(t.hash()), nc.createHash('sha256').update(synthetic).update(hrr).digest());
  assert.deepEqual(t.messages, [ch1, hrr]);
});

test('with a PSK: early secret, binder key, 0-RTT secret and the secrets after it follow RFC 8446 7.1', () => {
  for (const suite of TLS13_SUITES) {
    const h = suite.hash;
    const n = suite.hashLength;
    const psk = nc.randomBytes(n);
    const shared = nc.randomBytes(32);
    const helloHash = nc.randomBytes(n);
    const empty = nc.createHash(h).digest();
    const derive = (secret: Buffer, label: string, th: Buffer) => expandLabel(h, secret, label, th, n);
    const early = hmac(h, Buffer.alloc(n), psk); // HKDF-Extract(salt = 0, IKM = PSK)
    const hs = hmac(h, derive(early, 'derived', empty), shared);
    const master = hmac(h, derive(hs, 'derived', empty), Buffer.alloc(n));
    const ks = new KeySchedule(nodeCrypto, suite, psk);
    assert.deepEqual(Buffer.from(ks.earlySecret), early, suite.name);
    assert.deepEqual(Buffer.from(ks.clientEarlyTrafficSecret(helloHash)), derive(early, 'c e traffic', helloHash), suite.name);
    ks.setSharedSecret(shared);
    assert.deepEqual(Buffer.from(ks.clientHandshakeSecret(helloHash)), derive(hs, 'c hs traffic', helloHash), suite.name);
    assert.deepEqual(Buffer.from(ks.serverApplicationSecret(helloHash)), derive(master, 's ap traffic', helloHash), suite.name);
    // psk_ke: no (EC)DHE, the handshake secret is extracted from zeros.
    const pskOnly = new KeySchedule(nodeCrypto, suite, psk);
    pskOnly.setSharedSecret(null);
    const hs0 = hmac(h, derive(early, 'derived', empty), Buffer.alloc(n));
    assert.deepEqual(Buffer.from(pskOnly.serverHandshakeSecret(helloHash)), derive(hs0, 's hs traffic', helloHash), suite.name);
    // And without a PSK, the early secret is HKDF-Extract(0, 0).
    assert.deepEqual(Buffer.from(new KeySchedule(nodeCrypto, suite).earlySecret), hmac(h, Buffer.alloc(n), Buffer.alloc(n)), suite.name);
  }
});

test('transcript: forks and hashWith() leave it unchanged; after release() it takes no more messages', () => {
  const t = new Transcript(nodeCrypto);
  assert.equal(t.started, false);
  assert.throws(() => t.fork(), /not started/);
  assert.throws(() => t.hashWith(Buffer.of(1)), /not started/);
  const m1 = msg(1, 'client hello');
  const m2 = msg(20, 'finished');
  t.add(m1);
  assert.equal(t.started, false);
  t.start('sha256');
  assert.equal(t.started, true);
  assert.deepEqual(Buffer.from(t.hashWith(m2)), nc.createHash('sha256').update(m1).update(m2).digest());
  const fork = t.fork();
  fork.update(m2);
  assert.deepEqual(Buffer.from(fork.peek()), nc.createHash('sha256').update(m1).update(m2).digest());
  assert.deepEqual(Buffer.from(t.hash()), nc.createHash('sha256').update(m1).digest(), 'neither changed the transcript');

  // Post-handshake authentication may still fork the kept hash.
  const kept = new Transcript(nodeCrypto);
  kept.add(m1);
  kept.start('sha256');
  kept.release(true);
  assert.deepEqual(kept.messages, []);
  assert.deepEqual(Buffer.from(kept.fork().peek()), nc.createHash('sha256').update(m1).digest());
  assert.throws(() => kept.add(m2), /released after the handshake/);
  assert.throws(() => kept.hash(), /released after the handshake/);

  // By default nothing is kept.
  const dropped = new Transcript(nodeCrypto);
  dropped.add(m1);
  dropped.start('sha256');
  dropped.release();
  assert.deepEqual(dropped.messages, []);
  assert.equal(dropped.started, false);
  assert.throws(() => dropped.fork(), /not started/);
  assert.throws(() => dropped.add(m2), /released after the handshake/);
  assert.throws(() => dropped.hash(), /released after the handshake/);
});
