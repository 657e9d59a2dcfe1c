// Shared pieces of the src/net tests: contexts over the fixtures, servers that
// close everything they accepted, and a guard that turns any unhandled
// rejection into a test failure (the driver promises never to cause one).

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import { PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLContext } from '../../src/index.js';

export const FIX = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const CA = FIX + 'ca.pem';
export const CHAIN = FIX + 'leaf-ecdsa-p256-chain.pem';
export const KEY = FIX + 'leaf-ecdsa-p256.key';
export const CA_PEM = readFileSync(CA);
export const CHAIN_PEM = readFileSync(CHAIN);
export const KEY_PEM = readFileSync(KEY);
export const PY_PEER = fileURLToPath(new URL('./py_socket_peer.py', import.meta.url));

export function clientCtx(cafile = CA): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.loadVerifyLocations({ cafile });
  return ctx;
}

export function serverCtx(alpn?: string[]): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.loadCertChain(CHAIN, KEY);
  if (alpn) ctx.setAlpnProtocols(alpn);
  return ctx;
}

const unhandled: unknown[] = [];
let guardInstalled = false;

/** Fail the file if anything produced an unhandled rejection. */
export function guardUnhandled(): void {
  if (guardInstalled) return;
  guardInstalled = true;
  process.on('unhandledRejection', (e) => unhandled.push(e));
  after(() => {
    assert.deepEqual(unhandled, [], 'unhandled rejections');
  });
}

/** A TCP server on 127.0.0.1:0 that remembers its sockets so stop() can destroy them. */
export interface Listening<S extends net.Server = net.Server> {
  server: S;
  port: number;
  stop(): Promise<void>;
}

export async function listen<S extends net.Server>(server: S): Promise<Listening<S>> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as net.AddressInfo).port,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export async function tcpConnect(port: number): Promise<net.Socket> {
  const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await once(s, 'connect');
  return s;
}

/** A connected loopback pair: `client` dialed `server`. */
export async function tcpPair(): Promise<{ client: net.Socket; server: net.Socket; stop(): Promise<void> }> {
  const srv = net.createServer({ allowHalfOpen: true });
  const accepted = new Promise<net.Socket>((resolve) => {
    srv.once('connection', resolve);
  });
  const l = await listen(srv);
  const client = await tcpConnect(l.port);
  const server = await accepted;
  return {
    client,
    server,
    stop: async () => {
      client.destroy();
      server.destroy();
      await l.stop();
    },
  };
}

/** Reject after `ms` unless `p` settles first. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, rej) => {
      t = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A child process whose output is collected; kill() waits for it to be gone. */
export interface Child {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  waitStdout(re: RegExp, ms: number): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
  kill(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

export function startChild(cmd: string, args: string[], stdin: 'pipe' | 'ignore' = 'pipe'): Child {
  const child = spawn(cmd, args, { stdio: [stdin, 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin?.on('error', () => {});
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      children.delete(child);
      resolve(code);
    });
    child.once('error', () => resolve(-1));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitStdout: (re, ms) =>
      within(
        new Promise<RegExpExecArray>((resolve, reject) => {
          const check = (): void => {
            const m = re.exec(out);
            if (m) {
              child.stdout!.off('data', check);
              resolve(m);
            }
          };
          child.stdout!.on('data', check);
          exited.then(() => reject(new Error(`exited before ${re}\nstdout: ${out}\nstderr: ${err}`)));
          check();
        }),
        ms,
        `${cmd} to print ${re}\nstdout: ${out}\nstderr: ${err}`,
      ),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The RESULT line a py_socket_peer.py run printed. */
export function pyResult(c: Child): Record<string, unknown> {
  const line = c.stdout().split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, `no RESULT from python\nstdout: ${c.stdout()}\nstderr: ${c.stderr()}`);
  return JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>;
}

/** Read from an SSLSocket-like source until `n` bytes arrived or it ends. */
export async function recvExactly(s: { recv(n: number): Promise<Uint8Array> }, n: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let have = 0;
  while (have < n) {
    const c = await s.recv(Math.min(65536, n - have));
    if (c.length === 0) break;
    parts.push(c);
    have += c.length;
  }
  return Buffer.concat(parts);
}
