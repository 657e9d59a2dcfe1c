// `ssl-ts client HOST:PORT`: an `openssl s_client` look-alike on the ssl-ts
// engine. Summary (and ladder) on stderr; stdin → TLS → stdout.

import { SSLContext, createDefaultContext } from '../ssl/context.js';
import { CERT_NONE, PROTOCOL_TLS_CLIENT } from '../ssl/constants.js';
import { connect, type TLSStream } from '../net/tls-stream.js';
import type { SSLSession } from '../ssl/session.js';
import { Ladder, formatEntry, type LadderStyle } from './ladder.js';
import {
  UsageError,
  errorText,
  formatAddress,
  keyPassword,
  keyValues,
  parseCommandArgs,
  parseHostPort,
  parseList,
  requireFile,
  summaryRows,
} from './common.js';

export interface ClientOptions {
  host: string;
  port: number;
  cafile?: string;
  servername?: string;
  alpn: string[] | null;
  insecure: boolean;
  trace: boolean;
  cert?: string;
  key?: string;
  /** Password of an encrypted key. */
  pass?: string;
  /** File whose first line is the key's password. */
  passFile?: string;
  /** Like `openssl s_client -reconnect`: five more connections resuming the first one's session. */
  reconnect: boolean;
}

/** Parse argv into options; throws UsageError on anything unexpected. */
export function parseClientArgs(argv: string[]): ClientOptions {
  const parsed = parseCommandArgs(
    argv,
    {
      cafile: { type: 'string' },
      servername: { type: 'string' },
      alpn: { type: 'string' },
      insecure: { type: 'boolean' },
      trace: { type: 'boolean' },
      cert: { type: 'string' },
      key: { type: 'string' },
      pass: { type: 'string' },
      'pass-file': { type: 'string' },
      reconnect: { type: 'boolean' },
    },
    true,
  );
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('client needs exactly one HOST:PORT');
  if (values.key !== undefined && values.cert === undefined) throw new UsageError('--key needs --cert');
  if ((values.pass !== undefined || values['pass-file'] !== undefined) && values.cert === undefined) {
    throw new UsageError('--pass and --pass-file need --cert');
  }
  const { host, port } = parseHostPort(positionals[0]!);
  return {
    host,
    port,
    cafile: values.cafile,
    servername: values.servername,
    alpn: parseList(values.alpn),
    insecure: values.insecure ?? false,
    trace: values.trace ?? false,
    cert: values.cert,
    key: values.key,
    pass: values.pass,
    passFile: values['pass-file'],
    reconnect: values.reconnect ?? false,
  };
}

function makeContext(o: ClientOptions): SSLContext {
  for (const f of [o.cafile, o.cert, o.key]) requireFile(f);
  const password = keyPassword(o.pass, o.passFile);
  let ctx: SSLContext;
  if (o.insecure) {
    ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
    ctx.checkHostname = false; // must go before CERT_NONE
    ctx.verifyMode = CERT_NONE;
    if (o.cafile) ctx.loadVerifyLocations({ cafile: o.cafile });
  } else {
    ctx = createDefaultContext(o.cafile ? { cafile: o.cafile } : {});
  }
  if (o.cert) ctx.loadCertChain(o.cert, o.key ?? null, password ?? null);
  if (o.alpn) ctx.setAlpnProtocols(o.alpn);
  return ctx;
}

/** One short connection: handshake, wait for TLS 1.3 tickets, close. Returns the session to resume. */
async function briefConnection(o: ClientOptions, ctx: SSLContext, session: SSLSession | null): Promise<{ reused: boolean; line: string; session: SSLSession | null }> {
  const s = connect({ host: o.host, port: o.port, context: ctx, servername: o.servername ?? o.host, session });
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('secureConnect', () => resolve());
      s.once('error', reject);
    });
    const obj = s.sslobj;
    if (obj.version() === 'TLSv1.3') {
      // Tickets come after the handshake; read until one arrives (or give up after a second).
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1000);
        s.once('session', () => {
          clearTimeout(t);
          resolve();
        });
        s.resume();
      });
    }
    const reused = obj.sessionReused;
    const line = `${reused ? 'Reused' : 'New'}, ${obj.version()}, Cipher is ${obj.cipher()?.[0] ?? '(none)'}`;
    return { reused, line, session: obj.session?.hasTicket || (obj.session?.id.length ?? 0) > 0 ? obj.session : session };
  } finally {
    s.destroy();
  }
}

/** `--reconnect`: a first connection, then five resuming its session, one summary line each. */
async function reconnects(o: ClientOptions, ctx: SSLContext, err: (s: string) => void): Promise<SSLSession | null> {
  let session: SSLSession | null = null;
  for (let i = 0; i < 6; i++) {
    const r = await briefConnection(o, ctx, session);
    err(i === 0 ? r.line : `reconnect ${i}: ${r.line}`);
    session = r.session;
  }
  err('---');
  return session;
}

export async function runClient(argv: string[]): Promise<number> {
  const o = parseClientArgs(argv);
  const err = (s: string): void => {
    process.stderr.write(s + '\n');
  };
  const style: LadderStyle = { color: !!process.stderr.isTTY && !process.env['NO_COLOR'], indent: '  ', minWidth: 30 };

  let ctx: SSLContext;
  try {
    ctx = makeContext(o);
  } catch (e) {
    err(`ssl-ts client: ${errorText(e)}`);
    return 1;
  }

  let session: SSLSession | null = null;
  if (o.reconnect) {
    try {
      session = await reconnects(o, ctx, err);
    } catch (e) {
      err(`ssl-ts client: ${errorText(e)}`);
      return 1;
    }
  }

  let stream: TLSStream;
  try {
    // The handshake starts on the next tick, after the trace hook below is in place.
    stream = connect({ host: o.host, port: o.port, context: ctx, servername: o.servername ?? o.host, session });
  } catch (e) {
    err(`ssl-ts client: ${errorText(e)}`);
    return 1;
  }
  const obj = stream.sslobj;

  const ladder = new Ladder();
  const record = ladder.observer('client');
  // Until the handshake ends the ladder is collected (to align its columns);
  // afterwards, with --trace, each new event is printed as it happens.
  let live: { left: number; right: number } | null = null;
  obj.trace = (ev) => {
    record(ev);
    if (live) err(formatEntry(ladder.entries[ladder.entries.length - 1]!, live, style));
  };

  return new Promise<number>((resolve) => {
    let handshook = false;
    let settled = false;
    const done = (code: number): void => {
      if (settled) return;
      settled = true;
      process.stdin.pause();
      resolve(code);
    };

    stream.on('error', (e) => {
      if (o.trace && !handshook) err(ladder.render(style));
      err(`ssl-ts client: ${errorText(e)}`);
      done(1);
    });
    stream.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
    });
    stream.on('end', () => {
      if (!stream.closeNotifyReceived) err('ssl-ts client: the server closed the connection without close_notify');
    });
    stream.on('close', () => done(0));

    stream.once('secureConnect', () => {
      handshook = true;
      err(`CONNECTED to ${formatAddress(o.host, o.port)}`);
      if (o.trace) {
        err(ladder.render(style));
        live = ladder.widths(style.minWidth);
      }
      err(keyValues(summaryRows(obj.handshakeInfo(), obj.cipher()?.[2], 'client')));
      err('---');
      process.stdin.on('data', (d: Buffer) => {
        if (stream.writable) stream.write(d);
        // else: the connection is closing; the rest of stdin has nowhere to go.
      });
      // close_notify and a TCP half-close; 'close' follows once the server is done too.
      process.stdin.on('end', () => stream.end());
    });
  });
}
