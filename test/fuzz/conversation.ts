// One fuzzing run: a whole ssl-ts conversation (handshake, application data
// both ways, tickets, KeyUpdate with update_requested, close_notify both
// ways) between a victim and a peer, both SSLObjects over MemoryBIOs. Both
// sides draw randomness and key shares from their own seeded DRBG, so with no
// mutation a run is the same conversation every time: the recorded transcript
// of that role and version. Mutations change only what the peer sends: before
// encryption (records of the peer's writer: structure-aware, so encrypted
// handshake messages, KeyUpdate, tickets and alerts reach the victim's parsers)
// and on the wire. Every call into the victim is checked (checkedCall): only
// SSLError subclasses may escape (ValueError from getPeerCert(), as in CPython),
// none may be an internal error, and none may take longer than the bound.
// What the victim was fed and asked to do is logged, so a failing input can be
// replayed without the peer (replayActions), which is what the corpus holds.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setEntropySourceForTests, type EntropySource } from '../../src/crypto/node-provider.js';
import { SSLError, ValueError, SSLWantReadError, SSLZeroReturnError } from '../../src/errors.js';
import { MemoryBIO } from '../../src/ssl/memory-bio.js';
import { SSLContext } from '../../src/ssl/context.js';
import { CERT_NONE, CERT_REQUIRED, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, TLSVersion } from '../../src/ssl/constants.js';
import type { SSLObject } from '../../src/ssl/sslobject.js';
import type { Connection } from '../../src/tls/connection.js';
import { sendKeyUpdate } from '../../src/tls/handshake-connected13.js';
import { KEY_UPDATE_REQUESTED } from '../../src/tls/tls13-messages.js';
import { RecordWriter } from '../../src/tls/record-layer.js';
import { HmacDrbg, seededEntropy } from './seeded-entropy.js';
import { mutatePlainRecord, mutateWire, resetPlainMutator, type Emit } from './mutators.js';

const FIX = fileURLToPath(new URL('../../fixtures/', import.meta.url));
// Ed25519 signatures are deterministic, so a server victim signs the same
// CertificateVerify / ServerKeyExchange in every replay.
const CHAIN = FIX + 'leaf-ed25519-chain.pem';
const KEY = FIX + 'leaf-ed25519.key';
const CA = FIX + 'ca.pem';

export interface Scenario {
  version: '1.2' | '1.3';
  victim: 'client' | 'server';
  /** The server requires a client certificate. */
  mtls: boolean;
  /** The client does not verify (CERT_NONE): mutated server certificates reach getPeerCert(). */
  noverify?: boolean;
  /**
   * TLS 1.2 CBC records instead of AEAD: 'etm' is HMAC-SHA1 with
   * encrypt_then_mac (RFC 7366, on by default), 'mte' HMAC-SHA384
   * MAC-then-encrypt with its constant-time padding check.
   */
  cbc?: 'etm' | 'mte';
}

export const SCENARIOS: Scenario[] = [
  ...(['1.3', '1.2'] as const).flatMap((version) => [
    ...(['client', 'server'] as const).flatMap((victim) => [false, true].map((mtls) => ({ version, victim, mtls }))),
    { version, victim: 'client' as const, mtls: false, noverify: true },
  ]),
  ...(['etm', 'mte'] as const).flatMap((cbc) => (['client', 'server'] as const).map((victim) => ({ version: '1.2' as const, victim, mtls: false, cbc }))),
];

/** The CBC scenarios' suites (ECDSA suites, which an Ed25519 certificate serves in TLS 1.2, RFC 8422). */
/** OpenSSL's SSL_OP_NO_ENCRYPT_THEN_MAC (Python has no name for it; the bit works in `options`). */
const OP_NO_ENCRYPT_THEN_MAC = 0x00080000;
export const CBC_SUITES = { etm: 'ECDHE-ECDSA-AES128-SHA', mte: 'ECDHE-ECDSA-AES256-SHA384' };

export function scenarioName(s: Scenario): string {
  return `tls${s.version.replace('.', '')}-${s.victim}${s.mtls ? '-mtls' : ''}${s.noverify ? '-noverify' : ''}${s.cbc ? `-cbc-${s.cbc}` : ''}`;
}

export function scenarioByName(name: string): Scenario {
  const s = SCENARIOS.find((x) => scenarioName(x) === name);
  if (!s) throw new Error(`unknown scenario ${name}`);
  return s;
}

const contexts = new Map<string, SSLContext>();
function context(side: 'client' | 'server', s: Scenario): SSLContext {
  const key = `${side}/${scenarioName(s)}`;
  let ctx = contexts.get(key);
  if (ctx) return ctx;
  ctx = new SSLContext(side === 'client' ? PROTOCOL_TLS_CLIENT : PROTOCOL_TLS_SERVER);
  if (side === 'client') {
    ctx.loadVerifyLocations({ cafile: CA });
    if (s.noverify) {
      ctx.checkHostname = false;
      ctx.verifyMode = CERT_NONE;
    }
    if (s.mtls) ctx.loadCertChain(CHAIN, KEY);
  } else {
    ctx.loadCertChain(CHAIN, KEY);
    if (s.mtls) {
      ctx.verifyMode = CERT_REQUIRED;
      ctx.loadVerifyLocations({ cafile: CA });
    }
  }
  const v = s.version === '1.3' ? TLSVersion.TLSv1_3 : TLSVersion.TLSv1_2;
  ctx.minimumVersion = v;
  ctx.maximumVersion = v;
  ctx.setAlpnProtocols(['h2', 'http/1.1']);
  if (s.cbc) {
    ctx.setCiphers(CBC_SUITES[s.cbc]);
    if (s.cbc === 'mte') ctx.options |= OP_NO_ENCRYPT_THEN_MAC;
  }
  contexts.set(key, ctx);
  return ctx;
}

// ---------------------------------------------------------------- sides

type Side = 'victim' | 'peer';
let active: Side | null = null;
let peerMutation: ((type: number, data: Uint8Array, emit: Emit) => void) | null = null;

// The peer's records pass through the mutator on their way into its record
// layer; the victim's are never touched.
const originalEncode = RecordWriter.prototype.encode;
RecordWriter.prototype.encode = function (this: RecordWriter, type: number, data: Uint8Array, out: Uint8Array[]): void {
  if (active !== 'peer' || !peerMutation) return originalEncode.call(this, type, data, out);
  const emit: Emit = (t, d, padding = 0) => {
    if (this.protection) {
      for (const piece of this.protection.seal(t, d, padding)) out.push(piece);
    } else {
      // Plaintext framing by hand, so that empty and odd-typed records can be made.
      for (let off = 0; off < d.length || off === 0; off += 0xffff) {
        const frag = d.subarray(off, off + 0xffff);
        const rec = Buffer.alloc(5 + frag.length);
        rec[0] = t;
        rec[1] = this.legacyVersion >> 8;
        rec[2] = this.legacyVersion & 0xff;
        rec.writeUInt16BE(frag.length, 3);
        rec.set(frag, 5);
        out.push(rec);
        if (d.length === 0) break;
      }
    }
  };
  peerMutation(type, data, emit);
};

function withSide<T>(side: Side, entropy: EntropySource, f: () => T): T {
  const saved = active;
  active = side;
  setEntropySourceForTests(entropy);
  try {
    return f();
  } finally {
    active = saved;
    setEntropySourceForTests(null);
  }
}

// ---------------------------------------------------------------- the victim

export type VictimCall = 'doHandshake' | 'read' | 'write' | 'unwrap' | 'inspect';
export type Action = { feed: string } | { eof: true } | { call: VictimCall };
export type Outcome = 'ok' | 'want' | 'closed' | 'error';

export interface Finding {
  kind: 'escape' | 'internal' | 'slow';
  message: string;
}

const VICTIM_MESSAGE = Buffer.from('victim says hello');

export class Victim {
  readonly obj: SSLObject;
  readonly incoming = new MemoryBIO();
  readonly outgoing = new MemoryBIO();
  readonly actions: Action[] = [];
  readonly findings: Finding[] = [];
  readonly received: Buffer[] = [];
  terminal = false;
  handshakeDone = false;
  closed = false;
  private eofSent = false;
  private readonly entropy: EntropySource;

  constructor(readonly scenario: Scenario, seed: Uint8Array, readonly boundMs: number) {
    this.entropy = seededEntropy(seed);
    const ctx = context(scenario.victim, scenario);
    this.obj = ctx.wrapBio(this.incoming, this.outgoing, scenario.victim === 'server' ? { serverSide: true } : { serverHostname: 'localhost' });
  }

  feed(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.incoming.eof || this.eofSent) return;
    this.actions.push({ feed: Buffer.from(bytes).toString('hex') });
    this.incoming.write(bytes);
  }

  eof(): void {
    if (this.eofSent) return;
    this.eofSent = true;
    this.actions.push({ eof: true });
    this.incoming.writeEof();
  }

  call(name: VictimCall): Outcome {
    this.actions.push({ call: name });
    const t0 = process.hrtime.bigint();
    let outcome: Outcome;
    try {
      outcome = withSide('victim', this.entropy, () => this.invoke(name));
    } catch (e) {
      outcome = this.classify(name, e);
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms > this.boundMs) this.findings.push({ kind: 'slow', message: `${name}() took ${ms.toFixed(0)} ms (bound ${this.boundMs} ms)` });
    return outcome;
  }

  private invoke(name: VictimCall): Outcome {
    const o = this.obj;
    switch (name) {
      case 'doHandshake':
        o.doHandshake();
        this.handshakeDone = true;
        return 'ok';
      case 'read': {
        const d = o.read(65536);
        if (d.length === 0) {
          this.closed = true;
          return 'closed';
        }
        this.received.push(Buffer.from(d));
        return 'ok';
      }
      case 'write':
        o.write(VICTIM_MESSAGE);
        return 'ok';
      case 'unwrap':
        o.unwrap();
        return 'ok';
      case 'inspect':
        o.version();
        o.cipher();
        o.sharedCiphers();
        o.selectedAlpnProtocol();
        o.pending();
        o.getChannelBinding('tls-unique');
        o.handshakeInfo();
        o.getUnverifiedChain();
        if (o.serverSide) o.getVerifiedChain();
        void o.session;
        o.getPeerCert(true);
        try {
          o.getPeerCert();
        } catch (e) {
          // CPython raises ValueError (its UnicodeDecodeError) for names it cannot decode.
          if (!(e instanceof ValueError)) throw e;
        }
        return 'ok';
    }
  }

  private classify(name: VictimCall, e: unknown): Outcome {
    if (e instanceof SSLWantReadError) return 'want';
    if (e instanceof SSLZeroReturnError) {
      this.closed = true;
      return 'closed';
    }
    if (e instanceof SSLError) {
      // Connection.fail() turns our own exceptions into SSLError INTERNAL_ERROR: a bug all the same.
      if (e.reason === 'INTERNAL_ERROR' && /internal error/.test(e.message)) {
        this.findings.push({ kind: 'internal', message: `${name}(): ${e.message}` });
      }
      this.terminal = true;
      return 'error';
    }
    const err = e as Error;
    this.findings.push({ kind: 'escape', message: `${name}() let ${err?.constructor?.name ?? typeof e} escape: ${err?.message ?? String(e)}\n${err?.stack ?? ''}` });
    this.terminal = true;
    return 'error';
  }
}

/** Re-run a logged victim session without its peer. */
export function replayActions(s: Scenario, seed: Uint8Array, actions: readonly Action[], boundMs: number): Victim {
  const v = new Victim(s, seed, boundMs);
  for (const a of actions) {
    if ('feed' in a) v.feed(Buffer.from(a.feed, 'hex'));
    else if ('eof' in a) v.eof();
    else v.call(a.call);
  }
  return v;
}

// ---------------------------------------------------------------- the live run

export interface RunOptions {
  /** Chance that one record written by the peer is mutated before encryption. */
  plainRate: number;
  /** Chance that one delivery of the peer's bytes is mutated on the wire. */
  wireRate: number;
  /** Deliver the peer's bytes one at a time, calling the victim after each. */
  tiny: boolean;
  boundMs: number;
}

export interface RunResult {
  victim: Victim;
  seed: Buffer;
  mutations: string[];
}

const PEER_MESSAGE = Buffer.from('peer says hello');

export function liveRun(s: Scenario, rng: HmacDrbg, opts: RunOptions): RunResult {
  const victimSeed = rng.generate(16);
  const victim = new Victim(s, victimSeed, opts.boundMs);
  const peerEntropy = seededEntropy(rng.generate(16));
  const pIn = new MemoryBIO();
  const pOut = new MemoryBIO();
  const peerSide = s.victim === 'client' ? 'server' : 'client';
  const peer = context(peerSide, s).wrapBio(pIn, pOut, peerSide === 'server' ? { serverSide: true } : { serverHostname: 'localhost' });
  const mutations: string[] = [];
  let peerDone = false;
  resetPlainMutator();

  const asPeer = (f: () => void): void => {
    peerMutation = (type, data, emit) => {
      if (rng.below(1_000_000) < opts.plainRate * 1_000_000) mutations.push(mutatePlainRecord(rng, type, data, emit));
      else emit(type, data);
    };
    try {
      withSide('peer', peerEntropy, f);
    } catch {
      // The peer's own failures (for example on the victim's alert) are not what is tested.
    } finally {
      peerMutation = null;
    }
  };
  const toPeer = (): void => {
    const b = victim.outgoing.read();
    if (b.length && !pIn.eof) pIn.write(b);
  };
  const toVictim = (op: VictimCall): void => {
    let bytes: Uint8Array = pOut.read();
    if (bytes.length === 0) return;
    if (rng.below(1_000_000) < opts.wireRate * 1_000_000) {
      const m = mutateWire(rng, bytes);
      mutations.push(m.what);
      bytes = m.bytes;
      if (m.eof) {
        victim.feed(bytes);
        victim.eof();
        return;
      }
    }
    if (opts.tiny) {
      for (let i = 0; i < bytes.length && !victim.terminal; i++) {
        victim.feed(bytes.subarray(i, i + 1));
        victim.call(op);
      }
    } else victim.feed(bytes);
  };
  const peerConn = (): Connection | null => (peer as unknown as { conn: Connection | null }).conn;

  // Handshake: the victim and the peer take turns until both are done.
  for (let round = 0; round < 12 && !victim.terminal; round++) {
    if (victim.call('doHandshake') === 'ok' && peerDone) break;
    toPeer();
    asPeer(() => {
      peer.doHandshake();
      peerDone = true;
    });
    toVictim('doHandshake');
  }
  if (!victim.handshakeDone || victim.terminal) return finish();
  victim.call('inspect');

  // Application data both ways (TLS 1.3 tickets arrive with it).
  exchange();
  // KeyUpdate from the peer, asking for one back (TLS 1.3).
  if (s.version === '1.3' && !victim.terminal) {
    asPeer(() => {
      const c = peerConn();
      if (c && c.handshakeDone && !c.sentClose) sendKeyUpdate(c, KEY_UPDATE_REQUESTED);
    });
    exchange();
  }
  // close_notify both ways.
  if (!victim.terminal) {
    asPeer(() => peer.unwrap());
    toVictim('read');
    for (let i = 0; i < 3 && !victim.terminal && !victim.closed; i++) victim.call('read');
    if (!victim.terminal) victim.call('unwrap');
    toPeer();
    asPeer(() => peer.unwrap());
  }
  return finish();

  function exchange(): void {
    asPeer(() => peer.write(PEER_MESSAGE));
    toVictim('read');
    for (let i = 0; i < 4 && !victim.terminal; i++) if (victim.call('read') !== 'ok') break;
    if (victim.terminal) return;
    victim.call('write');
    toPeer();
    asPeer(() => {
      for (let i = 0; i < 4; i++) peer.read(65536);
    });
  }

  function finish(): RunResult {
    // Whatever is left, then the transport's end: nothing may escape there either.
    toVictim('read');
    if (!victim.terminal && rng.below(2) === 0) {
      victim.eof();
      victim.call('read');
    }
    return { victim, seed: victimSeed, mutations };
  }
}

export { PEER_MESSAGE, VICTIM_MESSAGE };
