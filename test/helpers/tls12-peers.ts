// Peers for the TLS 1.2 suite tests (CBC, DHE, extended master secret):
// openssl in both roles with a hook on our context, gnutls-serv/gnutls-cli,
// a small Go 1.19 program (crypto/tls without RFC 7627), and DH parameter files.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SSLContext, SSLObject } from '../../src/index.js';
import {
  acceptOurs,
  connectOurs,
  ourClientContext,
  ourServerContext,
  text,
  type OurContextOptions,
} from './ours.js';
import {
  delay,
  fixture,
  freePort,
  killChild,
  listenTcp,
  runOpensslClient,
  startOpensslServer,
  withTimeout,
  type OpensslClientResult,
} from './peers.js';

export type Tweak = (ctx: SSLContext) => void;

/**
 * Peer processes die with the test process; each test also stops its peer in
 * a finally block (a live child keeps a test file from ending).
 */
function detach(child: ChildProcess): ChildProcess {
  process.once('exit', () => child.kill('SIGKILL'));
  return child;
}

/** Scratch files for one test file; removed at exit. */
const scratch = mkdtempSync(join(tmpdir(), 'ssl-ts-tls12-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** A `DH PARAMETERS` PEM file made by openssl for an RFC 7919 group (or `bits` for `openssl dhparam`). */
export function dhParamsFile(group: 'ffdhe2048' | 'ffdhe3072' | 'ffdhe4096' | 1024): string {
  const out = join(scratch, `dh-${group}.pem`);
  const args =
    typeof group === 'number'
      ? ['dhparam', '-out', out, String(group)]
      : ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', `group:${group}`, '-out', out];
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return out;
}

/** Our client against `openssl s_server -rev`: one line there and back. */
export async function ourClientVsSServer(
  serverArgs: string[],
  ctxOpts: OurContextOptions,
  tweak?: Tweak,
): Promise<{ obj: SSLObject; output: string }> {
  const server = await startOpensslServer(['-rev', '-naccept', '1', ...serverArgs]);
  const ctx = ourClientContext({ versions: 'tls12', ...ctxOpts });
  tweak?.(ctx);
  const ours = await connectOurs(server.port, ctx);
  try {
    await ours.pump.handshake();
    await ours.pump.write('twelve\n');
    assert.equal(text(await ours.pump.readUntil('\n')), 'evlewt\n');
    const big = Buffer.alloc(40000, 'b');
    big[big.length - 1] = 10;
    await ours.pump.write(big);
    assert.equal((await ours.pump.readExactly(big.length)).length, big.length);
    await ours.pump.close();
    const output = await server.finished();
    return { obj: ours.obj, output };
  } finally {
    ours.pump.destroy();
    await server.stop();
  }
}

/** `openssl s_client` against our echo server. */
export async function sClientVsOurServer(
  clientArgs: string[],
  ctxOpts: OurContextOptions,
  tweak?: Tweak,
): Promise<{ obj: SSLObject; client: OpensslClientResult }> {
  const input = 'hello over tls 1.2\n' + 'x'.repeat(30000) + '\n';
  const l = await listenTcp();
  const clientP = runOpensslClient(l.port, ['-servername', 'localhost', '-CAfile', fixture('ca.pem'), '-verify_return_error', ...clientArgs], input);
  let ours: ReturnType<typeof acceptOurs> | undefined;
  try {
    const ctx = ourServerContext({ versions: 'tls12', ...ctxOpts });
    tweak?.(ctx);
    ours = acceptOurs(await l.accept(), ctx);
    await ours.pump.handshake();
    const received = text(await ours.pump.readExactly(input.length));
    await ours.pump.write(received);
    await ours.pump.close();
    const client = await clientP;
    assert.equal(client.code, 0, client.stderr);
    assert.equal(client.stdout, input);
    assert.equal(client.brief.protocol, 'TLSv1.2');
    return { obj: ours.obj, client };
  } finally {
    ours?.pump.destroy();
    await clientP.catch(() => {});
    await l.close();
  }
}

// ---------------------------------------------------------------- gnutls

/** gnutls priority strings selecting exactly one TLS 1.2 suite, by OpenSSL name. */
export function gnutlsPriority(suite: string, extra = ''): string {
  const m = /^(ECDHE-ECDSA|ECDHE-RSA|DHE-RSA)-(AES128|AES256)-(GCM-SHA256|GCM-SHA384|SHA256|SHA384)$/.exec(suite);
  if (!m) throw new Error(`no gnutls priority for ${suite}`);
  const kx = m[1]!;
  const bits = m[2] === 'AES128' ? '128' : '256';
  const gcm = m[3]!.startsWith('GCM');
  const cipher = `AES-${bits}-${gcm ? 'GCM' : 'CBC'}`;
  const mac = gcm ? 'AEAD' : m[3]!;
  return `NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+${cipher}:-MAC-ALL:+${mac}:-KX-ALL:+${kx}${extra}`;
}

export interface GnutlsServer {
  port: number;
  output(): string;
  stop(): Promise<void>;
}

/** `gnutls-serv --echo` on a free port, ready once it says it listens. */
export async function startGnutlsServer(args: string[]): Promise<GnutlsServer> {
  const port = await freePort();
  const child = detach(spawn('gnutls-serv', ['--echo', '--port', String(port), ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const ready = (async () => {
    for (;;) {
      // It prints the line before bind() and adds 'done' after listen().
      if (/listening on IPv4[^\n]*done/.test(out)) return;
      if (child.exitCode !== null) throw new Error(`gnutls-serv exited:\n${out}`);
      await delay(50);
    }
  })();
  await withTimeout(ready, 10000, `gnutls-serv to listen\n${out}`);
  return { port, output: () => out, stop: () => killChild(child) };
}

export interface GnutlsClientResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** "(TLS1.2)-(ECDHE-SECP256R1)-(RSA-SHA256)-(AES-128-CBC)-(SHA256)" */
  description: string;
  /** "extended master secret, safe renegotiation, EtM" */
  options: string;
}

/** `gnutls-cli`: send `input` and collect what comes back until the server closes or we time out. */
export async function runGnutlsCli(port: number, args: string[], input: string, timeoutMs = 15000): Promise<GnutlsClientResult> {
  const child = spawn('gnutls-cli', ['--port', String(port), '--x509cafile', fixture('ca.pem'), ...args, 'localhost'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdin!.on('error', () => {});
  const done = new Promise<number | null>((res) => child.once('close', (code) => res(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  // Send once the handshake is through, then hold stdin open until the echo is back.
  await withTimeout((async () => { while (!/- Handshake was completed/.test(stdout + stderr) && child.exitCode === null) await delay(20); })(), timeoutMs, 'gnutls-cli handshake');
  child.stdin!.write(input);
  await withTimeout((async () => { while (!stdout.includes(input.trimEnd()) && child.exitCode === null) await delay(20); })(), timeoutMs, `gnutls-cli echo\n${stdout}\n${stderr}`).catch(() => {});
  child.stdin!.end();
  const code = await done;
  clearTimeout(timer);
  const field = (name: string): string => new RegExp(`^- ${name}:\\s*(.*)$`, 'm').exec(stdout + stderr)?.[1]?.trim() ?? '';
  return { code, stdout, stderr, description: field('Description'), options: field('Options') };
}

// -------------------------------------------------------------------- Go

/** Debian's Go 1.19: crypto/tls without RFC 7627, so an extended-master-secret-less peer. */
export const GO_119 = '/usr/lib/go-1.19/bin/go';

const GO_PEER = String.raw`package main

// A crypto/tls peer for ssl-ts's tests: server echoes one connection, client
// sends a line and reads it back; both print what was negotiated.
import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strings"
)

var suites = map[string]uint16{
	"ECDHE-ECDSA-AES128-GCM-SHA256": tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	"ECDHE-RSA-AES128-GCM-SHA256":   tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	"ECDHE-RSA-AES256-GCM-SHA384":   tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	"ECDHE-ECDSA-AES128-SHA256":     tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
	"ECDHE-RSA-AES128-SHA256":       tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
}

func main() {
	role, addr, cert, key, ca, suite := os.Args[1], os.Args[2], os.Args[3], os.Args[4], os.Args[5], os.Args[6]
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12, ServerName: "localhost"}
	if suite != "default" {
		cfg.CipherSuites = []uint16{suites[suite]}
	}
	if cert != "-" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		check(err)
		cfg.Certificates = []tls.Certificate{pair}
	}
	pem, err := os.ReadFile(ca)
	check(err)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	cfg.RootCAs = pool
	var conn *tls.Conn
	if role == "server" {
		l, err := tls.Listen("tcp", addr, cfg)
		check(err)
		fmt.Println("LISTENING", l.Addr().String())
		c, err := l.Accept()
		check(err)
		conn = c.(*tls.Conn)
		line, err := bufio.NewReader(conn).ReadString('\n')
		check(err)
		_, err = conn.Write([]byte(line))
		check(err)
	} else {
		conn, err = tls.Dial("tcp", addr, cfg)
		check(err)
		_, err = conn.Write([]byte("go says hello\n"))
		check(err)
		line, err := bufio.NewReader(conn).ReadString('\n')
		check(err)
		fmt.Println("ECHO", strings.TrimSpace(line))
	}
	st := conn.ConnectionState()
	fmt.Printf("VERSION %x\nSUITE %s\n", st.Version, tls.CipherSuiteName(st.CipherSuite))
	conn.Close()
}

func check(err error) {
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
}
`;

let goBinary: string | null = null;

/** Build the Go peer once per process, in a scratch dir, with no network and no shared caches. */
export function goPeer(): string {
  if (goBinary) return goBinary;
  const src = join(scratch, 'go-peer.go');
  writeFileSync(src, GO_PEER);
  const out = join(scratch, 'go-peer');
  const r = spawnSync(GO_119, ['build', '-o', out, src], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GOCACHE: mkdtempSync(join(scratch, 'gocache-')),
      GOPATH: mkdtempSync(join(scratch, 'gopath-')),
      GOFLAGS: '-mod=mod',
      GOPROXY: 'off',
      GO111MODULE: 'auto',
      GOTOOLCHAIN: 'local',
    },
    timeout: 300000,
  });
  assert.equal(r.status, 0, `go build failed:\n${r.stdout}\n${r.stderr}`);
  goBinary = out;
  return out;
}

export interface GoResult {
  code: number | null;
  stdout: string;
  suite?: string;
  version?: string;
  echo?: string;
  error?: string;
}

function parseGo(code: number | null, stdout: string): GoResult {
  const get = (k: string): string | undefined => new RegExp(`^${k} (.*)$`, 'm').exec(stdout)?.[1];
  return { code, stdout, suite: get('SUITE'), version: get('VERSION'), echo: get('ECHO'), error: get('ERROR') };
}

/** Start the Go server; resolves with its port and a promise of its report. */
export async function startGoServer(cert: string, key: string, suite = 'default'): Promise<{ port: number; result: Promise<GoResult>; stop: () => Promise<void> }> {
  const child = detach(spawn(goPeer(), ['server', '127.0.0.1:0', cert, key, fixture('ca.pem'), suite], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stdout += d));
  const result = new Promise<GoResult>((res) => child.once('close', (code) => res(parseGo(code, stdout))));
  const m = await withTimeout(
    (async () => {
      for (;;) {
        const hit = /LISTENING \S+:(\d+)/.exec(stdout);
        if (hit) return hit;
        if (child.exitCode !== null) throw new Error(`go server exited:\n${stdout}`);
        await delay(20);
      }
    })(),
    10000,
    'go server to listen',
  );
  return { port: Number(m[1]), result, stop: () => killChild(child) };
}

/** Run the Go client against a port. */
export function runGoClient(port: number, suite = 'default'): Promise<GoResult> {
  const child = spawn(goPeer(), ['client', `127.0.0.1:${port}`, '-', '-', fixture('ca.pem'), suite], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stdout += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
  return new Promise<GoResult>((res) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      res(parseGo(code, stdout));
    }),
  );
}
