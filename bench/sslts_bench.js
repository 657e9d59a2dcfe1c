// ssl-ts: two SSLObjects over MemoryBIO pairs in one process, no sockets.
// Usage: node bench/sslts_bench.js ['{"runMs":600,...}']   (prints one JSON line)
// Standalone-friendly so it can be run under `node --cpu-prof`; set
// BENCH_ONLY=handshake|handshake_verify|handshake_noverify|handshake_resumed|bulk16k|bulk1k|record|handshake_split
// to profile one path.
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as ssl from '../dist/src/index.js';
import {
  CA_FILE,
  CERT_CHAIN,
  CERT_KEY,
  HOSTNAME,
  MiB,
  childConfig,
  emit,
  measureSync,
  payload,
} from './lib.js';
import { timedProvider } from './provider-timer.js';

const { MemoryBIO, SSLContext, SSLWantReadError } = ssl;

// SSL_TS_BENCH_PROVIDER=noble: every context on the pure-JavaScript provider
// (nobleCrypto) instead of node:crypto, for run.js's provider comparison.
const PROVIDER = process.env.SSL_TS_BENCH_PROVIDER === 'noble' ? 'noble' : 'node';
if (PROVIDER === 'noble') ssl.setDefaultCryptoProvider(ssl.nobleCrypto);

function makeContexts(verify, provider = null) {
  const server = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  if (provider) server.cryptoProvider = provider;
  server.loadCertChain(CERT_CHAIN, CERT_KEY);
  server.minimumVersion = ssl.TLSVersion.TLSv1_3;
  const client = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  if (provider) client.cryptoProvider = provider;
  client.minimumVersion = ssl.TLSVersion.TLSv1_3;
  // The group CPython's OpenSSL 3.0 negotiates (ssl-ts would offer X25519MLKEM768 first).
  client.setGroups('X25519');
  if (verify) {
    client.loadVerifyLocations({ cafile: CA_FILE });
    // PROTOCOL_TLS_CLIENT defaults: checkHostname = true, CERT_REQUIRED.
  } else {
    client.checkHostname = false;
    client.verifyMode = ssl.CERT_NONE;
  }
  return { client, server };
}

/** Step a handshake; true once done, false while it waits for the peer. */
function step(obj) {
  try {
    obj.doHandshake();
    return true;
  } catch (e) {
    if (e instanceof SSLWantReadError) return false;
    throw e;
  }
}

/** A connected client/server pair over four MemoryBIOs, handshake done. */
function handshakePair(ctxs, session = null) {
  const ci = new MemoryBIO();
  const co = new MemoryBIO();
  const si = new MemoryBIO();
  const so = new MemoryBIO();
  const client = ctxs.client.wrapBio(ci, co, { serverHostname: HOSTNAME, session });
  const server = ctxs.server.wrapBio(si, so, { serverSide: true });
  let cDone = false;
  let sDone = false;
  for (let rounds = 0; !(cDone && sDone); rounds++) {
    if (rounds > 20) throw new Error('ssl-ts handshake made no progress');
    if (!cDone) cDone = step(client);
    if (co.pending) si.write(co.read());
    if (!sDone) sDone = step(server);
    if (so.pending) ci.write(so.read());
  }
  return { client, server, ci, co, si, so };
}

function benchHandshake(cfg, verify) {
  const ctxs = makeContexts(verify);
  const p = handshakePair(ctxs);
  const info = p.client.handshakeInfo();
  const r = measureSync(() => (handshakePair(ctxs), 1), cfg);
  return { ...r, negotiated: { version: info.version, cipher: info.cipher, group: info.group, sig: info.signatureScheme } };
}

/** TLS 1.3 resumption with a ticket from a first full handshake (verify + hostname), as python_bench.py does. */
function benchResumed(cfg) {
  const ctxs = makeContexts(true);
  const { client } = handshakePair(ctxs);
  try {
    client.read(1); // processes the NewSessionTickets
  } catch (e) {
    if (!(e instanceof SSLWantReadError)) throw e;
  }
  const session = client.session;
  if (!handshakePair(ctxs, session).client.sessionReused) throw new Error('ssl-ts: session not reused');
  return measureSync(() => (handshakePair(ctxs, session), 1), cfg);
}

/** One direction, client -> server: write, ferry the records, read all. */
function benchBulk(cfg, size) {
  const ctxs = makeContexts(true);
  const { client, server, co, si } = handshakePair(ctxs);
  const data = payload(size);
  const readSize = cfg.readSize;
  let lost = 0;
  const stepFn = () => {
    client.write(data);
    si.write(co.read());
    let got = 0;
    for (;;) {
      try {
        got += server.read(readSize).length;
      } catch (e) {
        if (e instanceof SSLWantReadError) break;
        throw e;
      }
    }
    if (got !== size) lost += size - got;
    return got;
  };
  const r = measureSync(stepFn, cfg, { scale: 1 / MiB, minUnits: cfg.bulkMinBytes[size] ?? 0 });
  if (lost !== 0) throw new Error(`ssl-ts bulk lost ${lost} bytes`);
  return r;
}

/**
 * The engine's own cost per record: one application-data record written by
 * the client, moved between the MemoryBIOs and read by the server, minus the
 * node:crypto calls that record needs (the same calls NodeAead makes: one
 * createCipheriv/setAAD/update x2/final/getAuthTag to seal, one
 * createDecipheriv/setAAD/setAuthTag/update/final to open). Both are timed
 * here in CPU time, interleaved, and the fastest of several runs is kept for each.
 */
function benchRecordCost(cfg, size) {
  const ctxs = makeContexts(true);
  const { client, server, co, si } = handshakePair(ctxs);
  const data = payload(size);
  const suite = client.cipher()[0];
  const alg = suite === 'TLS_AES_128_GCM_SHA256' ? 'aes-128-gcm' : 'aes-256-gcm';
  const key = createSecretKey(randomBytes(alg === 'aes-128-gcm' ? 16 : 32));
  const nonce = randomBytes(12);
  const header = Buffer.from([23, 3, 3, (size + 17) >> 8, (size + 17) & 0xff]);
  const trailer = Uint8Array.of(23);
  const viaEngine = () => {
    client.write(data);
    si.write(co.read());
    server.read(size);
  };
  const cryptoOnly = () => {
    const c = createCipheriv(alg, key, nonce, { authTagLength: 16 });
    c.setAAD(header, { plaintextLength: size + 1 });
    const body = c.update(data);
    const type = c.update(trailer);
    c.final();
    const tag = c.getAuthTag();
    const d = createDecipheriv(alg, key, nonce, { authTagLength: 16 });
    d.setAAD(header, { plaintextLength: size + 1 });
    d.setAuthTag(tag);
    d.update(body.length === size + 1 ? body : Buffer.concat([body, type]));
    d.final();
  };
  // CPU time of this process, not wall-clock time: steadier on a shared machine.
  const perRecordUs = (f, n) => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) f();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / n;
  };
  const n = size >= 16384 ? 400 : 2000;
  let engine = Infinity;
  let crypto = Infinity;
  perRecordUs(viaEngine, n);
  perRecordUs(cryptoOnly, n);
  const until = performance.now() + cfg.warmupMs + cfg.runs * cfg.runMs;
  do {
    engine = Math.min(engine, perRecordUs(viaEngine, n));
    crypto = Math.min(crypto, perRecordUs(cryptoOnly, n));
  } while (performance.now() < until);
  return { recordUs: engine, cryptoUs: crypto, engineUs: engine - crypto, suite };
}

/**
 * A full handshake (verify + hostname) split into the time spent inside the
 * crypto provider's calls (node:crypto) and the rest, the engine's own time:
 * every provider call of both ends goes through a timing wrapper. Wall clock
 * on one thread, fastest of several runs.
 */
function benchHandshakeSplit(cfg) {
  const { provider, clock } = timedProvider(ssl.getDefaultCryptoProvider());
  const ctxs = makeContexts(true, provider);
  const n = 300;
  const once = () => {
    const ms0 = clock.ms;
    const calls0 = clock.calls;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) handshakePair(ctxs);
    const total = (performance.now() - t0) / n;
    return { totalUs: total * 1000, cryptoUs: ((clock.ms - ms0) / n) * 1000, calls: (clock.calls - calls0) / n };
  };
  const warmUntil = performance.now() + cfg.warmupMs;
  while (performance.now() < warmUntil) once();
  let best = null;
  const until = performance.now() + cfg.runs * cfg.runMs;
  do {
    const r = once();
    if (!best || r.totalUs < best.totalUs) best = r;
  } while (performance.now() < until);
  return { ...best, engineUs: best.totalUs - best.cryptoUs };
}

const cfg = childConfig();
const only = process.env.BENCH_ONLY;
const out = { impl: 'ssl-ts', provider: ssl.getDefaultCryptoProvider().name, results: {} };
if (!only || only === 'handshake' || only === 'handshake_verify') {
  out.results.handshake_verify = benchHandshake(cfg, true);
}
if (!only || only === 'handshake' || only === 'handshake_noverify') {
  out.results.handshake_noverify = benchHandshake(cfg, false);
}
if (!only || only === 'handshake' || only === 'handshake_resumed') {
  out.results.handshake_resumed = benchResumed(cfg);
}
for (const size of cfg.writeSizes) {
  const key = size === 16384 ? 'bulk16k' : size === 1024 ? 'bulk1k' : `bulk${size}`;
  if (!only || only === key) out.results[`bulk_${size}`] = benchBulk(cfg, size);
}
if ((!only || only === 'handshake_split') && PROVIDER === 'node') out.handshakeSplit = benchHandshakeSplit(cfg);
// The per-record split is measured against node:crypto calls: node provider only.
if ((!only || only === 'record') && PROVIDER === 'node') {
  out.record = { 16384: benchRecordCost(cfg, 16384), 1024: benchRecordCost(cfg, 1024) };
}
emit(out);
