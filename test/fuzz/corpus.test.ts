// The fuzzer's corpus, replayed: every input that ever made `npm run fuzz`
// fail (test/fuzz/corpus/*.json) must now pass its checks. Also the
// conditions the fuzzer relies on: seeded entropy makes each role's recorded
// conversation replay exactly, and its checker does catch a foreign exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordReader } from '../../src/tls/record-layer.js';
import { CBC_SUITES, SCENARIOS, PEER_MESSAGE, liveRun, replayActions, scenarioByName, scenarioName } from './conversation.js';
import { checkCertificate } from './certificates.js';
import { loadCorpus } from './corpus.js';
import { HmacDrbg } from './seeded-entropy.js';

// Generous: CI machines are slow and shared; the fuzzer itself uses 2 s.
const BOUND_MS = 10_000;

test('corpus: every input that ever failed now passes', () => {
  for (const { name, entry } of loadCorpus()) {
    if (entry.kind === 'tls') {
      const v = replayActions(scenarioByName(entry.scenario), Buffer.from(entry.seed, 'hex'), entry.actions, BOUND_MS);
      assert.deepEqual(v.findings, [], `${name} (${entry.finding})`);
    } else {
      assert.deepEqual(checkCertificate(Buffer.from(entry.der, 'hex'), entry.target, BOUND_MS), [], `${name} (${entry.finding})`);
    }
  }
});

test('seeded entropy: each recorded conversation replays to the end without its peer', () => {
  for (const s of SCENARIOS) {
    const live = liveRun(s, new HmacDrbg(Buffer.from(`clean ${scenarioName(s)}`)), { plainRate: 0, wireRate: 0, tiny: false, boundMs: BOUND_MS });
    assert.deepEqual(live.mutations, []);
    const expected = Buffer.concat(Array(s.version === '1.3' ? 2 : 1).fill(PEER_MESSAGE));
    for (const v of [live.victim, replayActions(s, live.seed, live.victim.actions, BOUND_MS)]) {
      assert.deepEqual(v.findings, [], scenarioName(s));
      assert.equal(v.terminal, false, scenarioName(s));
      assert.equal(v.handshakeDone, true, scenarioName(s));
      assert.equal(v.closed, true, scenarioName(s));
      assert.deepEqual(Buffer.concat(v.received), expected, scenarioName(s));
      if (s.cbc) assert.equal(v.obj.cipher()?.[0], CBC_SUITES[s.cbc], scenarioName(s));
    }
    // Another victim seed makes another ClientHello / ServerHello: the recording no longer fits.
    const other = replayActions(s, Buffer.alloc(16, 7), live.victim.actions, BOUND_MS);
    assert.equal(other.closed && !other.terminal, false, `${scenarioName(s)} replayed with another seed`);
  }
});

test('the checker reports an exception of ours that the engine turned into INTERNAL_ERROR', () => {
  const original = RecordReader.prototype.push;
  let armed = 0;
  RecordReader.prototype.push = function (this: RecordReader, data: Uint8Array) {
    if (++armed === 3) throw new TypeError('planted');
    return original.call(this, data);
  };
  try {
    const s = SCENARIOS[0]!;
    const live = liveRun(s, new HmacDrbg(Buffer.from('planted')), { plainRate: 0, wireRate: 0, tiny: false, boundMs: BOUND_MS });
    assert.equal(live.victim.findings.length, 1);
    assert.equal(live.victim.findings[0]!.kind, 'internal');
    assert.match(live.victim.findings[0]!.message, /planted/);
  } finally {
    RecordReader.prototype.push = original;
  }
});

test('certificates: a mangled DER is an SSLError, not a finding', () => {
  assert.deepEqual(checkCertificate(Buffer.from('3003020100', 'hex'), 'decode', BOUND_MS), []);
  assert.deepEqual(checkCertificate(Buffer.from('30', 'hex'), 'verify-leaf', BOUND_MS), []);
});
