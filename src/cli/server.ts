// `ssl-ts server`: an `openssl s_server` look-alike on the ssl-ts engine.
// Echoes data back, or with --www answers HTTP requests with a status page.

import * as net from 'node:net';
import { SSLContext } from '../ssl/context.js';
import { CERT_OPTIONAL, CERT_REQUIRED, PROTOCOL_TLS_SERVER } from '../ssl/constants.js';
import type { SSLObject } from '../ssl/sslobject.js';
import { TLSStream, addCertChain } from '../net/tls-stream.js';
import { makeEphemeralCredentials } from './ephemeral-cert.js';
import { Ladder, type LadderStyle } from './ladder.js';
import {
  UsageError,
  errorText,
  formatAddress,
  keyPassword,
  keyValues,
  parseCommandArgs,
  parseList,
  parsePort,
  requireFile,
  summaryRows,
} from './common.js';

export interface ServerOptions {
  port: number;
  host: string;
  cert?: string;
  key?: string;
  alpn: string[] | null;
  www: boolean;
  trace: boolean;
  cafile?: string;
  verify: boolean;
  /** Password of an encrypted key. */
  pass?: string;
  /** File whose first line is the key's password. */
  passFile?: string;
  /** An OpenSSL cipher string for the TLS 1.2 suites (`setCiphers`). */
  ciphers?: string;
  /** DH parameters for the DHE suites: a PEM file (`loadDhParams`) or 'auto' (`dhAuto`, as s_server does). */
  dhparam?: string;
}

export function parseServerArgs(argv: string[]): ServerOptions {
  const parsed = parseCommandArgs(
    argv,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      pass: { type: 'string' },
      'pass-file': { type: 'string' },
      alpn: { type: 'string' },
      www: { type: 'boolean' },
      trace: { type: 'boolean' },
      cafile: { type: 'string' },
      verify: { type: 'boolean' },
      ciphers: { type: 'string' },
      dhparam: { type: 'string' },
    },
    false,
  );
  const v = parsed.values;
  if (v.key !== undefined && v.cert === undefined) throw new UsageError('--key needs --cert');
  if ((v.pass !== undefined || v['pass-file'] !== undefined) && v.cert === undefined) {
    throw new UsageError('--pass and --pass-file need --cert');
  }
  if (v.verify && v.cafile === undefined) throw new UsageError('--verify needs --cafile');
  return {
    port: v.port === undefined ? 4433 : parsePort(v.port, true),
    host: v.host ?? '127.0.0.1',
    cert: v.cert,
    key: v.key,
    alpn: parseList(v.alpn),
    www: v.www ?? false,
    trace: v.trace ?? false,
    cafile: v.cafile,
    verify: v.verify ?? false,
    pass: v.pass,
    passFile: v['pass-file'],
    ciphers: v.ciphers,
    dhparam: v.dhparam,
  };
}

/** The server's context; without --cert, `ephemeralCa` receives the PEM of the CA made for this run. */
function makeContext(o: ServerOptions, ephemeralCa: (pem: string) => void): SSLContext {
  for (const f of [o.cert, o.key, o.cafile, o.dhparam === 'auto' ? undefined : o.dhparam]) requireFile(f);
  const password = keyPassword(o.pass, o.passFile);
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  if (o.cert) {
    ctx.loadCertChain(o.cert, o.key ?? null, password ?? null);
  } else {
    const made = makeEphemeralCredentials();
    addCertChain(ctx, made.chainPem, made.keyPem, undefined);
    ephemeralCa(made.caPem);
  }
  if (o.cafile) {
    ctx.loadVerifyLocations({ cafile: o.cafile });
    // A CA file alone asks for a certificate; --verify insists on one.
    ctx.verifyMode = o.verify ? CERT_REQUIRED : CERT_OPTIONAL;
  }
  if (o.alpn) ctx.setAlpnProtocols(o.alpn);
  // An invalid string raises SSLError('No cipher can be selected.'), as Python's set_ciphers().
  if (o.ciphers !== undefined) ctx.setCiphers(o.ciphers);
  if (o.dhparam === 'auto') ctx.dhAuto = true;
  else if (o.dhparam !== undefined) ctx.loadDhParams(o.dhparam);
  return ctx;
}

/** The --www page, in the spirit of `openssl s_server -www`. */
function statusPage(obj: SSLObject, client: string, requestLine: string): string {
  const info = obj.handshakeInfo();
  const none = '(none)';
  const body =
    'ssl-ts server status (like openssl s_server -www)\n\n' +
    keyValues(
      [
        ['Protocol', info.version ?? none],
        ['Cipher', info.cipher ?? none],
        ['Group', info.group ?? none],
        ['Signature scheme', info.signatureScheme ?? none],
        ['ALPN', info.alpn ?? none],
        ['SNI', info.serverName ?? none],
        ['Client address', client],
        ['Client certificate', info.peerCertificateSubject ?? none],
        ['Request', requestLine],
      ],
      '',
    ) +
    '\n';
  const bytes = Buffer.byteLength(body);
  return (
    'HTTP/1.0 200 ok\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${bytes}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

/** Longest HTTP request head --www waits for before giving up on a client. */
const MAX_REQUEST_HEAD = 64 * 1024;

export async function runServer(argv: string[]): Promise<number> {
  const o = parseServerArgs(argv);
  const err = (s: string): void => {
    process.stderr.write(s + '\n');
  };
  const style: LadderStyle = { color: !!process.stderr.isTTY && !process.env['NO_COLOR'], indent: '  ', minWidth: 30 };

  if (o.cafile && !o.verify) {
    err('ssl-ts server: warning: --cafile without --verify asks clients for a certificate but lets them in without one (add --verify to require it)');
  }
  let ctx: SSLContext;
  try {
    // Printed before ACCEPT, on stdout, so that a client can be pointed at it.
    ctx = makeContext(o, (pem) =>
      process.stdout.write(`No --cert: serving a certificate for localhost, 127.0.0.1 and ::1 made for this run, issued by this CA:\n${pem}`),
    );
  } catch (e) {
    err(`ssl-ts server: ${errorText(e)}`);
    return 1;
  }

  const sockets = new Set<net.Socket>();
  // Half-open TCP: TLS (close_notify), not a FIN, decides when our side ends.
  const server = net.createServer({ allowHalfOpen: true }, (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    const peer = formatAddress(sock.remoteAddress, sock.remotePort);
    const stream = new TLSStream(sock, { context: ctx, isServer: true });
    const obj = stream.sslobj;
    const ladder = new Ladder();
    obj.trace = ladder.observer('server'); // before the handshake, which starts on the next tick

    let handshook = false;
    stream.on('error', (e) => {
      if (o.trace && !handshook) err(`${ladder.render(style)}`);
      err(`ERROR ${peer}: ${errorText(e)}`);
    });
    stream.on('close', () => err(`CLOSED ${peer}`));

    if (o.www) {
      let head = Buffer.alloc(0);
      let answered = false;
      stream.on('data', (chunk: Buffer) => {
        if (answered) return;
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n') >= 0 ? head.indexOf('\r\n\r\n') : head.indexOf('\n\n');
        if (end < 0 && head.length < MAX_REQUEST_HEAD) return;
        answered = true;
        const requestLine = head.toString('latin1').split(/\r?\n/, 1)[0] ?? '';
        stream.end(statusPage(obj, peer, requestLine));
      });
    } else {
      stream.on('data', (chunk: Buffer) => {
        if (stream.writable) stream.write(chunk);
        // else: already closing, nothing to echo into.
      });
    }

    stream.once('secure', () => {
      handshook = true;
      err(`CONNECTION from ${peer}`);
      if (o.trace) err(ladder.render(style));
      err(keyValues(summaryRows(obj.handshakeInfo(), obj.cipher()?.[2], 'server')));
    });
  });

  return new Promise<number>((resolve) => {
    server.on('error', (e) => {
      err(`ssl-ts server: ${errorText(e)}`);
      resolve(1);
    });
    server.listen(o.port, o.host, () => {
      const addr = server.address() as net.AddressInfo;
      process.stdout.write(`ACCEPT ${formatAddress(addr.address, addr.port)}\n`);
    });
    const stop = (): void => {
      server.close();
      for (const s of sockets) s.destroy();
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
