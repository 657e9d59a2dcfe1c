// Test-only glue for running OUR engine (SSLContext + SSLObject over
// MemoryBIOs) on a real connection through BioSocketPump.

import type * as net from 'node:net';
import type { Duplex } from 'node:stream';

import {
  CERT_NONE,
  CERT_OPTIONAL,
  CERT_REQUIRED,
  MemoryBIO,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  SSLContext,
  SSLObject,
  TLSVersion,
} from '../../src/index.js';
import { BioSocketPump } from './pump.js';
import { connectTcp, fixture, leafFiles } from './peers.js';

export interface OurContextOptions {
  /** Server: leaf kind to serve (default 'ecdsa-p256'). Client: 'client' to present client.pem. */
  cert?: string | null;
  /** Trust ca.pem (default true). */
  trustCa?: boolean;
  alpn?: string[];
  /** Our group preference; a client sends a key share for the first one only. */
  groups?: string[];
  /** TLS 1.3 suites offered / accepted. */
  suites?: string[];
  verifyMode?: 'none' | 'optional' | 'required';
  checkHostname?: boolean;
  /** Protocol range (default TLS 1.3 only): 'tls12' pins TLS 1.2, 'any' keeps the context's defaults. */
  versions?: 'tls13' | 'tls12' | 'any';
  /** An OpenSSL cipher string for the TLS 1.2 suites (setCiphers). */
  ciphers?: string;
}

function applyCommon(ctx: SSLContext, o: OurContextOptions): void {
  const v = o.versions ?? 'tls13';
  if (v !== 'any') {
    const pin = v === 'tls12' ? TLSVersion.TLSv1_2 : TLSVersion.TLSv1_3;
    ctx.minimumVersion = pin;
    ctx.maximumVersion = pin;
  }
  if (o.ciphers) ctx.setCiphers(o.ciphers);
  if (o.trustCa !== false) ctx.loadVerifyLocations({ cafile: fixture('ca.pem') });
  if (o.alpn) ctx.setAlpnProtocols(o.alpn);
  if (o.groups) ctx._groups = [...o.groups];
  if (o.suites) ctx._tls13Ciphers = [...o.suites];
  if (o.verifyMode) {
    if (o.verifyMode === 'none') ctx.checkHostname = false;
    ctx.verifyMode = o.verifyMode === 'none' ? CERT_NONE : o.verifyMode === 'optional' ? CERT_OPTIONAL : CERT_REQUIRED;
  }
  if (o.checkHostname !== undefined) ctx.checkHostname = o.checkHostname;
}

export function ourClientContext(o: OurContextOptions = {}): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  applyCommon(ctx, o);
  if (o.cert === 'client') ctx.loadCertChain(fixture('client-chain.pem'), fixture('client.key'));
  else if (o.cert) ctx.loadCertChain(leafFiles(o.cert).chain, leafFiles(o.cert).key);
  return ctx;
}

export function ourServerContext(o: OurContextOptions = {}): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  applyCommon(ctx, o);
  const kind = o.cert === undefined ? 'ecdsa-p256' : o.cert;
  if (kind === 'client') ctx.loadCertChain(fixture('client-chain.pem'), fixture('client.key'));
  else if (kind) ctx.loadCertChain(leafFiles(kind).chain, leafFiles(kind).key);
  return ctx;
}

export interface Ours {
  obj: SSLObject;
  incoming: MemoryBIO;
  outgoing: MemoryBIO;
  pump: BioSocketPump<SSLObject>;
}

/** Wrap our SSLObject around any connected stream (socket or child stdio). */
export function ourOverStream(
  stream: Duplex,
  ctx: SSLContext,
  opts: { serverSide?: boolean; serverHostname?: string | null; timeoutMs?: number } = {},
): Ours {
  const incoming = new MemoryBIO();
  const outgoing = new MemoryBIO();
  const obj = ctx.wrapBio(incoming, outgoing, {
    serverSide: !!opts.serverSide,
    serverHostname: opts.serverSide ? undefined : opts.serverHostname === undefined ? 'localhost' : opts.serverHostname,
  });
  const pump = new BioSocketPump<SSLObject>(stream, obj, incoming, outgoing, { timeoutMs: opts.timeoutMs ?? 10000 });
  return { obj, incoming, outgoing, pump };
}

/** Connect to 127.0.0.1:port and wrap our client around the socket (no handshake yet). */
export async function connectOurs(
  port: number,
  ctx: SSLContext,
  serverHostname: string | null = 'localhost',
): Promise<Ours & { sock: net.Socket }> {
  const sock = await connectTcp(port);
  return { ...ourOverStream(sock, ctx, { serverHostname }), sock };
}

/** Wrap our server around an accepted socket (no handshake yet). */
export function acceptOurs(sock: net.Socket, ctx: SSLContext): Ours {
  return ourOverStream(sock, ctx, { serverSide: true });
}

/** Our echo server behaviour: echo every chunk until the peer's close_notify, then answer it. */
export async function echoUntilClose(pump: BioSocketPump): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const c = await pump.read();
    if (c.length === 0) break;
    parts.push(c);
    await pump.write(c);
  }
  await pump.close();
  return Buffer.concat(parts);
}

export const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

/** The signature scheme a server with this certificate kind uses in TLS 1.3 (RSA: one of the PSS-RSAE ones). */
export const SIG_SCHEME: Record<string, RegExp> = {
  'ecdsa-p256': /^ecdsa_secp256r1_sha256$/,
  'ecdsa-p384': /^ecdsa_secp384r1_sha384$/,
  rsa2048: /^rsa_pss_rsae_sha(256|384|512)$/,
  ed25519: /^ed25519$/,
};

/** What `openssl s_client -brief` prints as "Signature type" for each kind. */
export const OPENSSL_SIG_TYPE: Record<string, string> = {
  'ecdsa-p256': 'ECDSA',
  'ecdsa-p384': 'ECDSA',
  rsa2048: 'RSA-PSS',
  ed25519: 'ed25519',
};
