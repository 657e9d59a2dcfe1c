// Test-only helpers that start real TLS peers: openssl s_server / s_client,
// node:tls servers and clients, and Python's ssl (py_bio_peer.py). Every
// helper has a time limit and a way to stop what it started, so a broken
// handshake fails a test instead of hanging the suite.

import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { dirname, join, resolve } from 'node:path';
import { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, '..', '..');

/** Fixture directory; SSL_TS_FIXTURES overrides it (handy for harness checks). */
export const FIXTURES_DIR = process.env.SSL_TS_FIXTURES
  ? resolve(process.env.SSL_TS_FIXTURES)
  : join(REPO_ROOT, 'fixtures');

/** Absolute path of a fixture file. */
export function fixture(name: string): string {
  return join(FIXTURES_DIR, name);
}

/** Contents of a fixture file (PEM text). */
export function fixtureText(name: string): string {
  return readFileSync(fixture(name), 'utf8');
}

export function fixturesPresent(names: string[] = ['ca.pem', 'leaf-ecdsa-p256-chain.pem']): boolean {
  return names.every((n) => existsSync(fixture(n)));
}

/** The four server certificate kinds the fixtures provide. */
export const CERT_KINDS = ['ecdsa-p256', 'ecdsa-p384', 'rsa2048', 'ed25519'] as const;
export type CertKind = (typeof CERT_KINDS)[number];

/** Files of one leaf kind: `chain` holds leaf + intermediate, `leaf` the leaf only. */
export function leafFiles(kind: string): { leaf: string; key: string; chain: string } {
  return {
    leaf: fixture(`leaf-${kind}.pem`),
    key: fixture(`leaf-${kind}.key`),
    chain: fixture(`leaf-${kind}-chain.pem`),
  };
}

/** The subject CN of a PEM certificate file (its first certificate). */
export function certSubjectCN(pemPath: string): string | undefined {
  const x = new X509Certificate(readFileSync(pemPath));
  const m = /^CN=(.*)$/m.exec(x.subject);
  return m ? m[1] : undefined;
}

export const TLS13_SUITES = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
] as const;

/** Our group names → the names openssl's -groups and node's ecdhCurve use. */
export const OPENSSL_GROUP: Record<string, string> = {
  x25519: 'X25519',
  secp256r1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  x448: 'X448',
};

/** Our group names → what `openssl s_client -brief` prints as "Server Temp Key". */
export const OPENSSL_TEMP_KEY: Record<string, RegExp> = {
  x25519: /^X25519\b/,
  secp256r1: /^ECDH, prime256v1\b/,
  secp384r1: /^ECDH, secp384r1\b/,
  secp521r1: /^ECDH, secp521r1\b/,
  x448: /^X448\b/,
};

/** Our group names → Python's set_ecdh_curve names. */
export const PYTHON_CURVE: Record<string, string> = {
  x25519: 'X25519',
  secp256r1: 'prime256v1',
  secp384r1: 'secp384r1',
  secp521r1: 'secp521r1',
  x448: 'X448',
};

// ---------------------------------------------------------------------------
// Small utilities

/** Reject after `ms` with a descriptive error unless `p` settles first. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    timer.unref?.();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * A port that was free a moment ago (the OS picks it). Prefer listening on
 * port 0 directly where the peer allows it; openssl s_server does (-accept
 * 127.0.0.1:0) and startOpensslServer uses that.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((res, rej) => {
    srv.once('error', rej);
    srv.listen(0, host, () => res());
  });
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

/** Connect a TCP socket and wait for the connection to be established. */
export function connectTcp(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<net.Socket> {
  return withTimeout(
    new Promise<net.Socket>((res, rej) => {
      const s = net.connect({ port, host });
      s.once('connect', () => {
        s.off('error', rej);
        res(s);
      });
      s.once('error', rej);
    }),
    timeoutMs,
    `TCP connect to ${host}:${port}`,
  );
}

/**
 * A TCP server accepting connections on an OS-chosen port; `accept()` yields
 * the next connected socket. `close()` destroys everything still open.
 */
export interface TcpListener {
  port: number;
  accept(timeoutMs?: number): Promise<net.Socket>;
  close(): Promise<void>;
}

export async function listenTcp(host = '127.0.0.1'): Promise<TcpListener> {
  const queue: net.Socket[] = [];
  const waiters: ((s: net.Socket) => void)[] = [];
  const all = new Set<net.Socket>();
  const server = net.createServer((s) => {
    all.add(s);
    s.on('close', () => all.delete(s));
    s.on('error', () => {});
    const w = waiters.shift();
    if (w) w(s);
    else queue.push(s);
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, host, () => res());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    accept(timeoutMs = 10000) {
      const s = queue.shift();
      if (s) return Promise.resolve(s);
      return withTimeout(new Promise<net.Socket>((r) => waiters.push(r)), timeoutMs, `accept on port ${port}`);
    },
    async close() {
      for (const s of all) s.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}

// Every child started here is registered, so that even when a test file dies
// halfway (uncaught error, failed assertion outside a finally) no openssl or
// python process outlives the test process.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): ChildProcess {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) {
        try {
          c.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
  return child;
}

/** Kill a child process (TERM, then KILL after a grace period) and wait for it to exit. */
export async function killChild(child: ChildProcess, graceMs = 1000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  t.unref();
  await Promise.race([exited, delay(graceMs + 2000)]);
  clearTimeout(t);
}

/** Collects everything a child prints, and lets a caller wait for a pattern. */
class OutputWatcher {
  text = '';
  private waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  add(chunk: Buffer | string): void {
    this.text += chunk.toString();
    this.waiters = this.waiters.filter((w) => {
      const m = w.re.exec(this.text);
      if (m) w.resolve(m);
      return !m;
    });
  }
  wait(re: RegExp): Promise<RegExpExecArray> {
    const m = re.exec(this.text);
    if (m) return Promise.resolve(m);
    return new Promise((resolve) => this.waiters.push({ re, resolve }));
  }
}

// ---------------------------------------------------------------------------
// openssl s_server

export interface OpensslServer {
  port: number;
  /** Combined stdout + stderr so far. */
  output(): string;
  /** Wait until the output matches `re` (rejects after timeoutMs). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code once the process ends by itself. */
  exited: Promise<number | null>;
  /**
   * Wait for the process to exit by itself (use with -naccept 1) and return
   * its complete output. s_server's stdout is buffered, so only after exit is
   * every trace line guaranteed to be there.
   */
  finished(timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
  child: ChildProcess;
}

/**
 * Start `openssl s_server -accept 127.0.0.1:0 <args>` and wait for its
 * "ACCEPT host:port" line. `args` should not contain -accept.
 * The server's stdin is kept open (an EOF on it would make s_server quit).
 */
export async function startOpensslServer(args: string[], timeoutMs = 10000): Promise<OpensslServer> {
  const child = track(
    spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  const out = new OutputWatcher();
  child.stdout!.on('data', (d) => out.add(d));
  child.stderr!.on('data', (d) => out.add(d));
  child.stdin!.on('error', () => {});
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const spawnError = new Promise<never>((_, rej) => child.once('error', rej));
  const earlyExit = exited.then((code) => {
    throw new Error(`openssl s_server exited early (code ${code}):\n${out.text}`);
  });
  let port: number;
  try {
    const m = await withTimeout(
      Promise.race([out.wait(/ACCEPT\s+\S*:(\d+)/), spawnError, earlyExit]),
      timeoutMs,
      `openssl s_server ${args.join(' ')} to print ACCEPT\n${out.text}`,
    );
    port = Number(m[1]);
  } catch (e) {
    await killChild(child);
    throw e;
  }
  earlyExit.catch(() => {});
  return {
    port,
    child,
    exited,
    output: () => out.text,
    finished: async (ms = 5000) => {
      await withTimeout(exited, ms, `openssl s_server to exit\n--- output so far:\n${out.text}`);
      // 'exit' can come before the last pipe data; 'close' marks the streams drained.
      if (child.stdout!.readableEnded === false || child.stderr!.readableEnded === false) {
        await withTimeout(new Promise<void>((r) => child.once('close', () => r())), 2000, 's_server stdio close').catch(() => {});
      }
      return out.text;
    },
    waitFor: (re, ms = 5000) => withTimeout(out.wait(re), ms, `s_server output ${re}\n--- output so far:\n${out.text}`),
    stop: async () => {
      child.stdin!.destroy();
      await killChild(child);
    },
  };
}

// ---------------------------------------------------------------------------
// openssl s_client

export interface OpensslClientResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Whether the run was ended by our time limit. */
  timedOut: boolean;
  brief: BriefSummary;
  /** The -trace output when `trace` was asked for, else ''. */
  trace: string;
}

/** What `-brief` prints on stderr, parsed. */
export interface BriefSummary {
  established: boolean;
  protocol?: string;
  ciphersuite?: string;
  peerCertificate?: string;
  hashUsed?: string;
  signatureType?: string;
  verification?: string;
  serverTempKey?: string;
  /** Only present when the client ran without -brief-incompatible flags and ALPN was agreed. */
  alpn?: string;
}

export function parseBrief(stderr: string): BriefSummary {
  const get = (label: string) => {
    const m = new RegExp(`^${label}:\\s*(.*)$`, 'm').exec(stderr);
    return m ? m[1].trim() : undefined;
  };
  const alpn = /^ALPN protocol:\s*(.*)$/m.exec(stderr);
  return {
    established: /CONNECTION ESTABLISHED/.test(stderr),
    protocol: get('Protocol version'),
    ciphersuite: get('Ciphersuite'),
    peerCertificate: get('Peer certificate'),
    hashUsed: get('Hash used'),
    signatureType: get('Signature type'),
    verification: get('Verification'),
    serverTempKey: get('Server Temp Key'),
    alpn: alpn ? alpn[1].trim() : undefined,
  };
}

export interface OpensslClientOptions {
  timeoutMs?: number;
  /** Add -ign_eof (default true): keep reading after stdin ends, until the server closes. */
  ignEof?: boolean;
  /** Keep stdin open for this long after writing the input (ms). */
  holdStdinMs?: number;
  /**
   * Add -trace with its output sent to a temporary file (-msgfile), returned
   * as `trace`; keeps the protocol trace apart from the application data.
   */
  trace?: boolean;
}

/**
 * Run `openssl s_client -connect 127.0.0.1:PORT -brief [-ign_eof] <args>`,
 * feed `input` on stdin and collect the output. With -ign_eof (the default)
 * the client only finishes when the server closes the connection, which is
 * what an echo test wants. Never hangs: the process is killed at timeoutMs.
 */
export async function runOpensslClient(
  port: number,
  args: string[],
  input: string | Uint8Array = '',
  opts: OpensslClientOptions = {},
): Promise<OpensslClientResult> {
  const timeoutMs = opts.timeoutMs ?? 15000;
  let traceDir: string | undefined;
  const traceArgs: string[] = [];
  if (opts.trace) {
    traceDir = mkdtempSync(join(tmpdir(), 'ssl-ts-trace-'));
    traceArgs.push('-trace', '-msgfile', join(traceDir, 'trace.txt'));
  }
  const full = [
    's_client',
    '-connect',
    `127.0.0.1:${port}`,
    '-brief',
    ...(opts.ignEof === false ? [] : ['-ign_eof']),
    ...traceArgs,
    ...args,
  ];
  const child = track(spawn('openssl', full, { stdio: ['pipe', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d.toString()));
  child.stderr!.on('data', (d) => (stderr += d.toString()));
  child.stdin!.on('error', () => {});
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res, rej) => {
    child.once('error', rej);
    child.once('close', (code, signal) => res({ code, signal }));
  });
  child.stdin!.write(input);
  if (opts.holdStdinMs) {
    const t = setTimeout(() => child.stdin!.end(), opts.holdStdinMs);
    t.unref();
  } else {
    child.stdin!.end();
  }
  try {
    const { code, signal } = await done;
    let trace = '';
    if (traceDir) {
      try {
        trace = readFileSync(join(traceDir, 'trace.txt'), 'utf8');
      } catch {
        trace = '';
      }
    }
    return { code, signal, stdout, stderr, timedOut, brief: parseBrief(stderr), trace };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (traceDir) rmSync(traceDir, { recursive: true, force: true });
  }
}

/** Number of ClientHello messages in an openssl -trace log (2 means a HelloRetryRequest happened). */
export function countClientHellos(trace: string): number {
  return (trace.match(/^\s*ClientHello, Length=/gm) ?? []).length;
}

/** The server_name carried by the (first) ClientHello in an openssl -trace log. */
export function traceServerName(trace: string): string | undefined {
  const m = /extension_type=server_name\(0\), length=\d+\n\s*0000 - [0-9a-f -]+\s+\.*(\S+)/.exec(trace);
  return m ? m[1] : undefined;
}

/** Groups of the key shares in each ClientHello, in order, from an openssl -trace log. */
export function traceClientKeyShares(trace: string): string[][] {
  const out: string[][] = [];
  const hellos = trace.split(/^\s*ClientHello, Length=/m).slice(1);
  for (const h of hellos) {
    const end = h.search(/^\s*(ServerHello|HelloRetryRequest)|^(Sent|Received) Record/m);
    const body = end >= 0 ? h.slice(0, end) : h;
    const ks = body.split(/extension_type=key_share\(51\)/)[1] ?? '';
    const stop = ks.search(/extension_type=/);
    const seg = stop >= 0 ? ks.slice(0, stop) : ks;
    out.push([...seg.matchAll(/NamedGroup: (\S+)/g)].map((m) => m[1]));
  }
  return out;
}

// ---------------------------------------------------------------------------
// node:tls peers

/** What a node:tls socket reported right after its handshake (before it can be torn down). */
export interface TlsSnapshot {
  protocol: string | null;
  cipher: tls.CipherNameAndProtocol;
  alpn: string | false | null;
  authorized: boolean;
  authorizationError: string | null;
  /** Subject CN of the peer certificate, if one was presented. */
  peerCN: string | undefined;
  peerCert: tls.PeerCertificate | null;
  /** Server side: the SNI name the client sent. */
  servername: string | false | null;
  /** Client side: the negotiated group (getEphemeralKeyInfo), e.g. 'X25519', 'prime256v1'. */
  ephemeralKey: string | undefined;
}

export function snapshotTls(s: tls.TLSSocket): TlsSnapshot {
  const cert = s.getPeerCertificate();
  const hasCert = cert && Object.keys(cert).length > 0;
  const eph = s.getEphemeralKeyInfo() as { name?: string } | null;
  return {
    protocol: s.getProtocol(),
    cipher: s.getCipher(),
    alpn: s.alpnProtocol ?? null,
    authorized: s.authorized,
    authorizationError: s.authorizationError ? String(s.authorizationError) : null,
    peerCN: hasCert ? (cert.subject?.CN as string | undefined) : undefined,
    peerCert: hasCert ? cert : null,
    servername: (s as tls.TLSSocket & { servername?: string | false }).servername ?? null,
    ephemeralKey: eph && eph.name ? eph.name : undefined,
  };
}

export interface SecureConnection {
  socket: tls.TLSSocket;
  info: TlsSnapshot;
}

export interface NodeTlsServer {
  port: number;
  server: tls.Server;
  /** The next connection that completed its handshake, with a snapshot taken at that moment. */
  nextSecure(timeoutMs?: number): Promise<SecureConnection>;
  /** Errors node reported for failed handshakes ('tlsClientError'). */
  clientErrors: Error[];
  /** Wait for the next 'tlsClientError'. */
  nextClientError(timeoutMs?: number): Promise<Error>;
  stop(): Promise<void>;
}

/**
 * An in-process node:tls server on 127.0.0.1:0. By default it echoes every
 * byte back and ends its side when the client ends (close_notify both ways).
 * Pass `onSecure` to replace the behaviour.
 */
export async function startNodeTlsServer(
  options: tls.TlsOptions,
  onSecure?: (s: tls.TLSSocket) => void,
): Promise<NodeTlsServer> {
  const secureQueue: SecureConnection[] = [];
  const secureWaiters: ((s: SecureConnection) => void)[] = [];
  const clientErrors: Error[] = [];
  const errorWaiters: ((e: Error) => void)[] = [];
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(options, (s) => {
    s.on('error', () => {});
    const conn = { socket: s, info: snapshotTls(s) };
    if (onSecure) onSecure(s);
    else s.pipe(s);
    const w = secureWaiters.shift();
    if (w) w(conn);
    else secureQueue.push(conn);
  });
  server.on('connection', (raw: net.Socket) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
  });
  server.on('tlsClientError', (err) => {
    clientErrors.push(err);
    const w = errorWaiters.shift();
    if (w) w(err);
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    server,
    clientErrors,
    nextSecure(timeoutMs = 10000) {
      const s = secureQueue.shift();
      if (s) return Promise.resolve(s);
      return withTimeout(new Promise((r) => secureWaiters.push(r)), timeoutMs, 'node:tls secure connection');
    },
    nextClientError(timeoutMs = 10000) {
      if (clientErrors.length > 0) return Promise.resolve(clientErrors[clientErrors.length - 1]);
      return withTimeout(new Promise((r) => errorWaiters.push(r)), timeoutMs, 'node:tls tlsClientError');
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}

/**
 * A node:tls server behaviour: echo the first `n` bytes, then end the
 * connection (sends close_notify). For clients such as `s_client -ign_eof`
 * that wait for the server to close.
 */
export function echoThenClose(n: number): (s: tls.TLSSocket) => void {
  return (s) => {
    let seen = 0;
    s.on('data', (d: Buffer) => {
      const take = d.subarray(0, Math.max(0, n - seen));
      seen += d.length;
      if (take.length > 0) s.write(take);
      if (seen >= n) s.end();
    });
    s.on('end', () => s.end());
  };
}

/** Connect a node:tls client; resolves once the handshake is done. */
export function connectNodeTls(port: number, options: tls.ConnectionOptions, timeoutMs = 10000): Promise<tls.TLSSocket> {
  return withTimeout(
    new Promise<tls.TLSSocket>((res, rej) => {
      const s = tls.connect({ host: '127.0.0.1', port, ...options }, () => {
        s.off('error', rej);
        res(s);
      });
      s.once('error', rej);
    }),
    timeoutMs,
    `node:tls connect to port ${port}`,
  );
}

/** Collect everything a readable stream delivers until it ends. */
export function collectUntilEnd(s: NodeJS.ReadableStream, timeoutMs = 10000): Promise<Buffer> {
  return withTimeout(
    new Promise<Buffer>((res, rej) => {
      const parts: Buffer[] = [];
      s.on('data', (d: Buffer) => parts.push(Buffer.from(d)));
      s.once('end', () => res(Buffer.concat(parts)));
      s.once('error', rej);
    }),
    timeoutMs,
    'stream end',
  );
}

/** Read from a stream until at least `n` bytes arrived (the rest stays unread only if paused). */
export function collectBytes(s: NodeJS.ReadableStream, n: number, timeoutMs = 10000): Promise<Buffer> {
  return withTimeout(
    new Promise<Buffer>((res, rej) => {
      const parts: Buffer[] = [];
      let len = 0;
      const onData = (d: Buffer) => {
        parts.push(Buffer.from(d));
        len += d.length;
        if (len >= n) {
          cleanup();
          res(Buffer.concat(parts));
        }
      };
      const onEnd = () => {
        cleanup();
        rej(new Error(`stream ended after ${len} of ${n} bytes`));
      };
      const cleanup = () => {
        s.off('data', onData);
        s.off('end', onEnd);
        s.off('error', rej);
      };
      s.on('data', onData);
      s.once('end', onEnd);
      s.once('error', rej);
    }),
    timeoutMs,
    `${n} bytes from stream`,
  );
}

// ---------------------------------------------------------------------------
// Python's ssl as a peer (py_bio_peer.py)

export const PY_BIO_PEER = join(HERE, 'py_bio_peer.py');
const RESULT_PREFIX = 'PY_BIO_PEER_RESULT ';

export interface PythonPeerOptions {
  role: 'client' | 'server';
  cert?: string;
  key?: string;
  cafile?: string;
  alpn?: string[];
  /** Python TLSVersion member names, e.g. 'TLSv1_3'. */
  minVersion?: string;
  maxVersion?: string;
  serverHostname?: string;
  noSni?: boolean;
  checkHostname?: boolean;
  verify?: 'none' | 'optional' | 'required';
  /** Server: CERT_REQUIRED for the client's certificate. */
  requestClientCert?: boolean;
  /** One of our group names (x25519, secp256r1, ...); restricts Python to that group. */
  group?: string;
  /** set_ciphers() string. */
  ciphers?: string;
  /** Bits OR'ed into ctx.options (0x1: OP_NO_EXTENDED_MASTER_SECRET). */
  options?: number;
  /** Server: a load_dh_params() file. */
  dhparams?: string;
  /** Client: the message to send; it then waits for `readBytes` (default: its length) bytes. */
  message?: string;
  readBytes?: number;
  /** Server: close first after echoing this many bytes (default: echo until the client closes). */
  echoBytes?: number;
  timeoutMs?: number;
}

export interface PythonPeerResult {
  role: string;
  ok: boolean;
  stage: string;
  version: string | null;
  cipher: [string, string, number] | null;
  /** Server: SSLObject.shared_ciphers(). */
  shared_ciphers: [string, string, number][];
  alpn: string | null;
  peer_cert_subject: Record<string, string> | null;
  peer_cert_der_b64: string | null;
  sni_seen: string | null;
  received: string;
  received_b64: string;
  error: null | {
    type: string;
    str: string;
    reason?: string;
    library?: string;
    verify_code?: number;
    verify_message?: string;
    errno?: number;
    traceback?: string;
  };
}

export interface PythonPeer {
  child: ChildProcess;
  /** Raw TLS bytes for Python go here. */
  stdin: NodeJS.WritableStream;
  /** Raw TLS bytes from Python come out here; it ends when Python is done. */
  stdout: NodeJS.ReadableStream;
  /** stdin + stdout as one Duplex, usable wherever a socket is (e.g. BioSocketPump). */
  duplex: Duplex;
  /** Python's JSON report; rejects if the process dies without one or times out. */
  result: Promise<PythonPeerResult>;
  /** Everything Python wrote to stderr. */
  stderr(): string;
  kill(): Promise<void>;
}

export function pythonPeerArgs(o: PythonPeerOptions): string[] {
  const a = [PY_BIO_PEER, '--role', o.role];
  if (o.cert) a.push('--cert', o.cert);
  if (o.key) a.push('--key', o.key);
  if (o.cafile) a.push('--cafile', o.cafile);
  if (o.alpn && o.alpn.length > 0) a.push('--alpn', o.alpn.join(','));
  if (o.minVersion) a.push('--min', o.minVersion);
  if (o.maxVersion) a.push('--max', o.maxVersion);
  if (o.serverHostname) a.push('--server-hostname', o.serverHostname);
  if (o.noSni) a.push('--no-sni');
  if (o.checkHostname !== undefined) a.push('--check-hostname', o.checkHostname ? 'yes' : 'no');
  if (o.verify) a.push('--verify', o.verify);
  if (o.requestClientCert) a.push('--request-client-cert');
  if (o.group) a.push('--curve', PYTHON_CURVE[o.group] ?? o.group);
  if (o.ciphers) a.push('--ciphers', o.ciphers);
  if (o.options) a.push('--options', `0x${o.options.toString(16)}`);
  if (o.dhparams) a.push('--dhparams', o.dhparams);
  if (o.message !== undefined) a.push('--message', o.message);
  if (o.readBytes !== undefined) a.push('--read-bytes', String(o.readBytes));
  if (o.echoBytes !== undefined) a.push('--echo-bytes', String(o.echoBytes));
  return a;
}

/** Start py_bio_peer.py. Wire its stdin/stdout (or `duplex`) to the other side's raw TLS stream. */
export function runPythonPeer(opts: PythonPeerOptions): PythonPeer {
  const timeoutMs = opts.timeoutMs ?? 15000;
  const child = track(
    spawn(process.env.PYTHON ?? 'python3', pythonPeerArgs(opts), {
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d.toString()));
  child.stdin!.on('error', () => {});
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res, rej) => {
    child.once('error', rej);
    child.once('close', (code, signal) => res({ code, signal }));
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  timer.unref();
  const result = closed
    .then(({ code, signal }) => {
      const line = stderr.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (!line) {
        throw new Error(`python peer gave no result (code ${code}, signal ${signal}):\n${stderr}`);
      }
      return JSON.parse(line.slice(RESULT_PREFIX.length)) as PythonPeerResult;
    })
    .finally(() => clearTimeout(timer));
  // Callers often only look at `result` after other awaits; keep an early failure from
  // being reported as an unhandled rejection in the meantime.
  result.catch(() => {});
  let duplex: Duplex | undefined;
  return {
    child,
    stdin: child.stdin!,
    stdout: child.stdout!,
    // Built on first use only: wrapping the pipes starts consuming them.
    get duplex() {
      if (!duplex) {
        duplex = Duplex.from({ readable: child.stdout!, writable: child.stdin! });
        duplex.on('error', () => {});
      }
      return duplex;
    },
    result,
    stderr: () => stderr,
    kill: () => killChild(child),
  };
}

/**
 * Ferry raw bytes both ways between a socket and a Python peer's stdio, with
 * EOF passed on in both directions (socket end → Python stdin closed,
 * Python stdout closed → socket end).
 */
export function bridgeSocketToPython(sock: net.Socket, peer: PythonPeer): void {
  sock.on('error', () => {});
  sock.pipe(peer.stdin as NodeJS.WritableStream);
  (peer.stdout as NodeJS.ReadableStream).pipe(sock);
}

/** Ferry two Python peers' stdio into each other (client stdout → server stdin and back). */
export function bridgePythonPeers(a: PythonPeer, b: PythonPeer): void {
  a.stdout.pipe(b.stdin);
  b.stdout.pipe(a.stdin);
}
