// `ssl-ts demo`: three short handshakes, each shown as a ladder plus a
// summary. Offline and loopback-only. The certificates are made at start-up
// (ephemeral-cert.ts): the package ships no private key.

import * as net from 'node:net';
import * as tls from 'node:tls';
import { once } from 'node:events';
import { MemoryBIO } from '../ssl/memory-bio.js';
import { SSLContext } from '../ssl/context.js';
import { PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER } from '../ssl/constants.js';
import { SSLWantReadError } from '../errors.js';
import type { SSLObject } from '../ssl/sslobject.js';
import { TLSStream, addCertChain } from '../net/tls-stream.js';
import { makeEphemeralCredentials, type EphemeralCredentials } from './ephemeral-cert.js';
import { Ladder, type LadderStyle } from './ladder.js';
import { errorText, keyValues, summaryRows } from './common.js';

const ALPN = ['h2', 'http/1.1'];
let credentials: EphemeralCredentials | null = null;

/** The demo's CA and localhost certificate, made once per run. */
function creds(): EphemeralCredentials {
  credentials ??= makeEphemeralCredentials();
  return credentials;
}

interface Out {
  (text?: string): void;
  style: LadderStyle;
}

function makeOut(): Out {
  const color = !!process.stdout.isTTY && !process.env['NO_COLOR'];
  const out = ((text = '') => {
    process.stdout.write(text + '\n');
  }) as Out;
  out.style = { color, indent: '  ' };
  return out;
}

function heading(out: Out, title: string): void {
  out();
  out(out.style.color ? `\x1b[1m${title}\x1b[0m` : title);
  out('─'.repeat(title.length));
}

function clientContext(): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.loadVerifyLocations({ cadata: creds().caPem });
  ctx.setAlpnProtocols(ALPN);
  return ctx;
}

function serverContext(): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  addCertChain(ctx, creds().chainPem, creds().keyPem, undefined);
  ctx.setAlpnProtocols(ALPN);
  return ctx;
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

// ---- (a) two SSLObjects in one process -----------------------------------

/** Call `op`, treating SSLWantReadError as "not yet". */
function attempt<T>(op: () => T): { done: true; value: T } | { done: false } {
  try {
    return { done: true, value: op() };
  } catch (e) {
    if (e instanceof SSLWantReadError) return { done: false };
    throw e;
  }
}

interface MemoryPair {
  client: SSLObject;
  server: SSLObject;
  /** Move whatever each side wrote to the other; returns bytes moved. */
  shuttle(): number;
}

function memoryPair(clientCtx: SSLContext, serverCtx: SSLContext, ladder: Ladder): MemoryPair {
  const cIn = new MemoryBIO();
  const cOut = new MemoryBIO();
  const sIn = new MemoryBIO();
  const sOut = new MemoryBIO();
  const client = clientCtx.wrapBio(cIn, cOut, { serverHostname: 'localhost' });
  const server = serverCtx.wrapBio(sIn, sOut, { serverSide: true });
  // Both ends feed one ladder; only what each sends, so nothing is listed twice.
  client.trace = ladder.observer('client', { sentOnly: true });
  server.trace = ladder.observer('server', { sentOnly: true });
  return {
    client,
    server,
    shuttle() {
      let n = 0;
      if (cOut.pending) n += sIn.write(cOut.read());
      if (sOut.pending) n += cIn.write(sOut.read());
      return n;
    },
  };
}

function inMemoryHandshake(pair: MemoryPair): void {
  let clientDone = false;
  let serverDone = false;
  for (let round = 0; !(clientDone && serverDone); round++) {
    if (round > 10) throw new Error('in-memory handshake made no progress');
    if (!clientDone) clientDone = attempt(() => pair.client.doHandshake()).done;
    pair.shuttle();
    if (!serverDone) serverDone = attempt(() => pair.server.doHandshake()).done;
    pair.shuttle();
  }
}

function readAll(obj: SSLObject): Uint8Array {
  const r = attempt(() => obj.read(16384));
  return r.done ? r.value : new Uint8Array(0);
}

function demoInMemory(out: Out): void {
  heading(out, '(a) ssl-ts client ↔ ssl-ts server, in memory over MemoryBIOs');
  const ladder = new Ladder();
  const pair = memoryPair(clientContext(), serverContext(), ladder);
  inMemoryHandshake(pair);

  const ping = 'hello from the ssl-ts client';
  pair.client.write(Buffer.from(ping));
  ladder.note('client', `application data (${ping.length} bytes)`);
  pair.shuttle();
  const got = text(readAll(pair.server));
  // The client picks up the server's NewSessionTicket with the reply.
  const pong = 'hello back from the ssl-ts server';
  pair.server.write(Buffer.from(pong));
  ladder.note('server', `application data (${pong.length} bytes)`);
  pair.shuttle();
  const reply = text(readAll(pair.client));

  // close_notify both ways: client first, the server answers, the client sees it.
  attempt(() => pair.client.unwrap());
  pair.shuttle();
  const eof = readAll(pair.server);
  const serverClosed = attempt(() => pair.server.unwrap()).done;
  pair.shuttle();
  const clientClosed = attempt(() => pair.client.unwrap()).done;

  out(ladder.render(out.style, { client: 'ssl-ts client', server: 'ssl-ts server' }));
  out();
  const cipher = pair.client.cipher();
  const clientRows = summaryRows(pair.client.handshakeInfo(), cipher?.[2], 'client');
  // The server saw the same handshake; only list where its view differs.
  const serverRows = summaryRows(pair.server.handshakeInfo(), cipher?.[2], 'server');
  const differs = serverRows.filter(([k, v]) => clientRows.find(([k2]) => k2 === k)?.[1] !== v);
  out(keyValues([...clientRows, ...differs.map(([k, v]): [string, string] => [k.startsWith('peer certificate') ? k : `server's ${k}`, v])]));
  out();
  out(keyValues([
    ['client → server', JSON.stringify(got)],
    ['server → client', JSON.stringify(reply)],
    ['clean close', serverClosed && clientClosed && eof.length === 0 ? 'yes (close_notify both ways)' : 'NO'],
  ]));
  if (got !== ping || !reply.startsWith('hello back') || !serverClosed || !clientClosed) {
    throw new Error('in-memory exchange did not complete as expected');
  }

  // The same again with a server that only takes secp384r1: the client's
  // first key share (x25519) does not fit, so the server asks again.
  heading(out, '(a2) the same, with a HelloRetryRequest (server accepts only secp384r1)');
  const hrrLadder = new Ladder();
  const strict = serverContext();
  strict.setEcdhCurve('secp384r1');
  const hrr = memoryPair(clientContext(), strict, hrrLadder);
  inMemoryHandshake(hrr);
  out(hrrLadder.render(out.style, { client: 'ssl-ts client', server: 'ssl-ts server' }));
  out();
  const info = hrr.client.handshakeInfo();
  out(keyValues([
    ['key exchange group', info.group ?? '(none)'],
    ['HelloRetryRequest', info.helloRetryRequest ? 'yes' : 'no'],
  ]));
}

// ---- (b) ssl-ts client ↔ node:tls server -----------------------------------

function nodeSide(s: tls.TLSSocket): Array<[string, string]> {
  const c = s.getCipher();
  return [
    ['node getProtocol()', String(s.getProtocol())],
    ['node getCipher()', c ? `${c.name} (${c.standardName}, ${c.version})` : '(none)'],
    ['node alpnProtocol', s.alpnProtocol ? s.alpnProtocol : '(none)'],
  ];
}

async function demoClientToNode(out: Out): Promise<void> {
  heading(out, '(b) ssl-ts client ↔ node:tls server, over 127.0.0.1');
  let nodeInfo: Array<[string, string]> = [];
  const server = tls.createServer(
    {
      key: creds().keyPem,
      cert: creds().chainPem,
      ALPNProtocols: ALPN,
      minVersion: 'TLSv1.3',
    },
    (s) => {
      nodeInfo = nodeSide(s);
      s.on('data', (d: Buffer) => s.write(`node:tls echoes: ${d.toString()}`));
      s.on('error', () => s.destroy());
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as net.AddressInfo;
    const sock = net.connect(port, '127.0.0.1');
    await once(sock, 'connect');

    const ladder = new Ladder();
    const stream = new TLSStream(sock, { context: clientContext(), servername: 'localhost' });
    const obj = stream.sslobj;
    obj.trace = ladder.observer('client'); // the handshake starts on the next tick
    await once(stream, 'secureConnect');

    const ping = 'hello from ssl-ts';
    const reply = new Promise<string>((resolve, reject) => {
      stream.once('data', (d: Buffer) => resolve(text(d)));
      stream.once('error', reject);
    });
    stream.write(ping);
    ladder.note('client', `application data (${ping.length} bytes)`);
    const got = await reply;
    ladder.note('server', `application data (${got.length} bytes)`);
    // close_notify both ways, then the socket closes.
    const closed = once(stream, 'close');
    stream.resume();
    stream.end();
    await closed;

    out(ladder.render(out.style, { client: 'ssl-ts client (trace)', server: 'node:tls server' }));
    out();
    out(keyValues([...summaryRows(obj.handshakeInfo(), obj.cipher()?.[2], 'client'), ...nodeInfo, ['reply', JSON.stringify(got)]]));
  } finally {
    server.close();
  }
}

// ---- (c) node:tls client ↔ ssl-ts server -----------------------------------

async function demoNodeToServer(out: Out): Promise<void> {
  heading(out, '(c) node:tls client ↔ ssl-ts server, over 127.0.0.1');
  const ladder = new Ladder();
  const ctx = serverContext();
  let serverObj: SSLObject | null = null;
  let serverDone: Promise<void> = Promise.resolve();
  const server = net.createServer({ allowHalfOpen: true }, (sock) => {
    const stream = new TLSStream(sock, { context: ctx, isServer: true });
    const obj = stream.sslobj;
    obj.trace = ladder.observer('server');
    serverObj = obj;
    stream.on('data', (d: Buffer) => {
      ladder.note('client', `application data (${d.length} bytes)`);
      const answer = `ssl-ts echoes: ${text(d)}`;
      stream.write(answer);
      ladder.note('server', `application data (${answer.length} bytes)`);
    });
    // Settles once the connection is over, cleanly or not.
    serverDone = new Promise((resolve, reject) => {
      stream.on('error', reject);
      stream.on('close', () => resolve());
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as net.AddressInfo;
    const client = tls.connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: creds().caPem,
      ALPNProtocols: ALPN,
    });
    await once(client, 'secureConnect');
    const nodeInfo = nodeSide(client);
    const ping = 'hello from node:tls';
    client.write(ping);
    const [data] = (await once(client, 'data')) as [Buffer];
    const got = data.toString();
    client.end();
    await once(client, 'close');
    await serverDone;

    out(ladder.render(out.style, { client: 'node:tls client', server: 'ssl-ts server (trace)' }));
    out();
    const obj = serverObj as SSLObject | null;
    if (!obj) throw new Error('the ssl-ts server saw no connection');
    out(keyValues([...summaryRows(obj.handshakeInfo(), obj.cipher()?.[2], 'server'), ...nodeInfo, ['reply', JSON.stringify(got)]]));
  } finally {
    server.close();
  }
}

export async function runDemo(): Promise<number> {
  const out = makeOut();
  const started = Date.now();
  out('ssl-ts demo: TLS 1.3 handshakes');
  out('(an ECDSA P-256 CA and a localhost certificate made for this run; their keys live only in memory)');
  // Whatever goes wrong, never hang: the demo takes well under a second, but a
  // machine under heavy load may be a hundred times slower.
  const guard = setTimeout(() => {
    process.stderr.write('ssl-ts demo: timed out\n');
    process.exit(1);
  }, 60000);
  guard.unref();
  try {
    demoInMemory(out);
    await demoClientToNode(out);
    await demoNodeToServer(out);
  } catch (e) {
    process.stderr.write(`ssl-ts demo failed: ${errorText(e)}\n`);
    return 1;
  } finally {
    clearTimeout(guard);
  }
  out();
  out(`All three handshakes completed and closed cleanly in ${Date.now() - started} ms.`);
  return 0;
}
