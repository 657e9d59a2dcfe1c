// ssl-ts: two SSLObjects over MemoryBIO pairs in one process, no sockets.
// Usage: node bench/sslts_bench.js ['{"runMs":600,...}']   (prints one JSON line)
// Standalone-friendly so it can be run under `node --cpu-prof`; set
// BENCH_ONLY=handshake|handshake_verify|handshake_noverify|bulk16k|bulk1k to
// profile one path.
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

const { MemoryBIO, SSLContext, SSLWantReadError } = ssl;

function makeContexts(verify) {
  const server = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  server.loadCertChain(CERT_CHAIN, CERT_KEY);
  server.minimumVersion = ssl.TLSVersion.TLSv1_3;
  const client = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  client.minimumVersion = ssl.TLSVersion.TLSv1_3;
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

/** Resumed handshakes: every connection offers the first one's TLS 1.3 ticket. */
function benchResumed(cfg) {
  const ctxs = makeContexts(true);
  const first = handshakePair(ctxs);
  // The tickets came after the handshake; a read makes the client take them in.
  try {
    first.client.read(1);
  } catch (e) {
    if (!(e instanceof SSLWantReadError)) throw e;
  }
  const session = first.client.session;
  if (!session?.hasTicket) throw new Error('ssl-ts: no ticket to resume with');
  const check = handshakePair(ctxs, session);
  if (!check.client.sessionReused) throw new Error('ssl-ts: the session was not resumed');
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

const cfg = childConfig();
const only = process.env.BENCH_ONLY;
const out = { impl: 'ssl-ts', results: {} };
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
emit(out);
