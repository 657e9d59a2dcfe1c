import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { createKeyShare } from '../../src/crypto/key-exchange.js';

const CHILD = new URL('./keyshare-freeze-child.ts', import.meta.url).pathname;

test('X25519 and X448 shares agree, and refuse bad peer values', () => {
  for (const [group, length] of [
    [0x1d, 32],
    [0x1e, 56],
  ] as const) {
    const a = createKeyShare(group);
    const b = createKeyShare(group);
    assert.equal(a.publicKey.length, length);
    assert.notDeepEqual(Buffer.from(a.publicKey), Buffer.from(b.publicKey));
    const s1 = a.derive(b.publicKey);
    assert.ok(s1 && s1.length === length);
    assert.deepEqual(Buffer.from(s1), Buffer.from(b.derive(a.publicKey)!));
    assert.equal(a.derive(b.publicKey.subarray(1)), null, 'wrong length');
    assert.equal(a.derive(new Uint8Array(length)), null, 'u = 0 gives the all-zero secret');
  }
});

// The public value is X25519(k, base point) (RFC 7748 6.1), so deriving with
// the base point as the peer's value gives it back.
test('the public value is X25519(k, 9)', () => {
  const base = new Uint8Array(32);
  base[0] = 9;
  const share = createKeyShare(0x1d);
  assert.deepEqual(Buffer.from(share.derive(base)!), Buffer.from(share.publicKey));
  const base448 = new Uint8Array(56);
  base448[0] = 5;
  const share448 = createKeyShare(0x1e);
  assert.deepEqual(Buffer.from(share448.derive(base448)!), Buffer.from(share448.publicKey));
});

// Issue 8: generateKeyPairSync('x25519') + export({format:'jwk'}) deadlocked
// node 20 (main thread on a futex inside a GC finalizer). A frozen child never
// prints "done"; the watchdog is far longer than the loops take when healthy.
test('key shares and client first flights in a loop do not freeze the process', { timeout: 300_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, '20000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 240_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(watchdog);
  assert.equal(out.trim(), 'done', `child did not finish (frozen?) code=${code} stderr=${err.slice(0, 500)}`);
  assert.equal(code, 0);
});
