// TLSStream as a stand-in for tls.TLSSocket: each accessor is compared with
// what node:tls reports for the same scenario (a node:tls socket in the same
// role against the same peer), and node:http over createServer() answers a
// malformed request with 400 as node:https does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { TLSStream, connect, createServer, type ConnectOptions, type ServerOptions } from '../../src/index.js';
import { CA_PEM, CHAIN_PEM, FIX, KEY_PEM, guardUnhandled, listen, within } from './net-helpers.js';

guardUnhandled();

const CLIENT_CHAIN = readFileSync(FIX + 'client-chain.pem');
const CLIENT_KEY = readFileSync(FIX + 'client.key');
const UNTRUSTED_CHAIN = readFileSync(FIX + 'untrusted-chain.pem');
const UNTRUSTED_KEY = readFileSync(FIX + 'untrusted.key');
const OTHER_CA = readFileSync(FIX + 'other-ca.pem');

type Sock = tls.TLSSocket | TLSStream;

/** What a TLSSocket-shaped object reports once secure (Finished messages compared separately). */
function view(s: Sock): Record<string, unknown> {
  const detailed = s.getPeerCertificate(true) as tls.DetailedPeerCertificate | Record<string, never>;
  const chain: string[] = [];
  const first = ('raw' in detailed ? detailed : undefined) as tls.DetailedPeerCertificate | undefined;
  for (let c = first; c; c = c.issuerCertificate === c ? undefined : c.issuerCertificate) {
    chain.push(String(c.subject.CN));
    if (chain.length > 5) break;
  }
  const leaf = s.getPeerCertificate() as Record<string, unknown>;
  return {
    authorized: s.authorized,
    authorizationError: s.authorizationError ?? null,
    alpnProtocol: s.alpnProtocol,
    servername: (s as { servername?: unknown }).servername,
    encrypted: s.encrypted,
    protocol: s.getProtocol(),
    cipher: s.getCipher(),
    ephemeral: s.getEphemeralKeyInfo(),
    reused: s.isSessionReused(),
    // The whole legacy object minus the issuer link (compared as a chain of names).
    peerCertificate: Object.fromEntries(Object.entries(leaf).filter(([k]) => k !== 'issuerCertificate')),
    chain,
    finishedLengths: [s.getFinished()?.length, s.getPeerFinished()?.length],
    peerX509: s.getPeerX509Certificate()?.fingerprint256,
  };
}

interface ClientRun {
  view: Record<string, unknown>;
  finished: Buffer | undefined;
  peerFinished: Buffer | undefined;
  serverFinished: Buffer | undefined;
  serverPeerFinished: Buffer | undefined;
  bytes: [number, number];
  keylogLabels: string[];
  sessions: number;
}

/** One client run against a node:tls echo server: `make` returns node's tls.connect or ours. */
async function clientRun(
  make: (port: number) => Sock,
  serverOpts: tls.TlsOptions = {},
): Promise<ClientRun> {
  let serverSock: tls.TLSSocket | null = null;
  const srv = await listen(
    tls.createServer({ key: KEY_PEM, cert: CHAIN_PEM, ALPNProtocols: ['h2', 'http/1.1'], ...serverOpts }, (s) => {
      serverSock = s;
      s.on('error', () => {});
      s.pipe(s);
    }),
  );
  try {
    const c = make(srv.port);
    const keylog: string[] = [];
    let sessions = 0;
    c.on('keylog', (line: Buffer) => keylog.push(line.toString('latin1').split(' ')[0]!));
    c.on('session', () => sessions++);
    c.on('error', () => {});
    await within(once(c, 'secureConnect'), 10000, 'secureConnect');
    const v = view(c);
    c.write('hello');
    await within(once(c, 'data'), 10000, 'echo');
    const bytes: [number, number] = [c.bytesWritten, c.bytesRead];
    const finished = c.getFinished();
    const peerFinished = c.getPeerFinished();
    const s = serverSock as tls.TLSSocket | null;
    const serverFinished = s?.getFinished();
    const serverPeerFinished = s?.getPeerFinished();
    c.end();
    await within(once(c, 'close'), 10000, 'close');
    return {
      view: v,
      finished,
      peerFinished,
      serverFinished,
      serverPeerFinished,
      bytes,
      keylogLabels: [...new Set(keylog)].sort(),
      sessions,
    };
  } finally {
    await srv.stop();
  }
}

const clientCases: Array<{ name: string; opts: ConnectOptions & tls.ConnectionOptions; server?: tls.TlsOptions }> = [
  { name: 'verified, SNI, ALPN', opts: { host: '127.0.0.1', servername: 'localhost', ca: CA_PEM, ALPNProtocols: ['h2'] } },
  { name: 'IP literal, no SNI, rejectUnauthorized false, unknown CA', opts: { host: '127.0.0.1', ca: OTHER_CA, rejectUnauthorized: false } },
  { name: 'wrong name, rejectUnauthorized false', opts: { host: '127.0.0.1', servername: 'example.org', ca: CA_PEM, rejectUnauthorized: false } },
  { name: 'TLS 1.2', opts: { host: '127.0.0.1', servername: 'localhost', ca: CA_PEM, maxVersion: 'TLSv1.2' } },
  { name: 'secp384r1', opts: { host: '127.0.0.1', servername: 'localhost', ca: CA_PEM }, server: { ecdhCurve: 'secp384r1' } },
  {
    name: 'ciphers and ecdhCurve options, TLS 1.2',
    opts: { host: '127.0.0.1', servername: 'localhost', ca: CA_PEM, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305', ecdhCurve: 'secp521r1:prime256v1' },
  },
  {
    name: 'TLS 1.3 suite in ciphers',
    opts: { host: '127.0.0.1', servername: 'localhost', ca: CA_PEM, ciphers: 'TLS_CHACHA20_POLY1305_SHA256', ecdhCurve: 'prime256v1:X25519' },
  },
];

for (const k of clientCases) {
  test(`client accessors equal node:tls's: ${k.name}`, { timeout: 60000 }, async () => {
    const ours = await clientRun((port) => connect({ ...(k.opts as ConnectOptions), port }), k.server);
    const theirs = await clientRun((port) => tls.connect({ ...(k.opts as tls.ConnectionOptions), port }), k.server);
    assert.deepEqual(ours.view, theirs.view);
    assert.deepEqual(ours.bytes, theirs.bytes);
    assert.deepEqual(ours.bytes, [5, 5]);
    // Same connection: our Finished is what node's server received, and the reverse.
    assert.ok(ours.finished && ours.serverPeerFinished && ours.finished.equals(ours.serverPeerFinished));
    assert.ok(ours.peerFinished && ours.serverFinished && ours.peerFinished.equals(ours.serverFinished));
    assert.deepEqual(ours.keylogLabels, theirs.keylogLabels);
    if (theirs.view['protocol'] === 'TLSv1.3') assert.ok(ours.sessions > 0 && theirs.sessions > 0, `sessions ${ours.sessions} / ${theirs.sessions}`);
  });
}

/** One server run: node's tls.connect against node's tls.createServer or ours. */
async function serverRun(
  make: (opts: tls.TlsOptions & ServerOptions, onSecure: (s: Sock) => void) => net.Server,
  serverOpts: tls.TlsOptions & ServerOptions,
  clientOpts: tls.ConnectionOptions,
): Promise<{ view: Record<string, unknown>; clientView: Record<string, unknown> }> {
  let secured: (s: Sock) => void = () => {};
  const got = new Promise<Sock>((resolve) => (secured = resolve));
  const srv = await listen(make({ key: KEY_PEM, cert: CHAIN_PEM, ALPNProtocols: ['h2', 'http/1.1'], ...serverOpts }, (s) => {
    s.on('error', () => {});
    secured(s);
    s.pipe(s);
  }));
  try {
    const c = tls.connect({ port: srv.port, host: '127.0.0.1', servername: 'localhost', ca: CA_PEM, ...clientOpts });
    c.on('error', () => {});
    await within(once(c, 'secureConnect'), 10000, 'secureConnect');
    const s = await within(got, 10000, 'server secure');
    c.write('hello');
    await within(once(c, 'data'), 10000, 'echo');
    const v = { ...view(s), bytes: [s.bytesWritten, s.bytesRead] };
    const cv = { authorized: c.authorized, protocol: c.getProtocol(), cipher: c.getCipher() };
    c.end();
    await within(once(c, 'close'), 10000, 'close');
    return { view: v, clientView: cv };
  } finally {
    await srv.stop();
  }
}

const serverCases: Array<{ name: string; server: tls.TlsOptions & ServerOptions; client: tls.ConnectionOptions }> = [
  { name: 'no client certificate asked, ALPN', server: {}, client: { ALPNProtocols: ['http/1.1'] } },
  { name: 'no SNI', server: {}, client: { servername: '' } },
  { name: 'requestCert, valid client certificate', server: { requestCert: true, ca: CA_PEM }, client: { cert: CLIENT_CHAIN, key: CLIENT_KEY } },
  {
    name: 'requestCert, rejectUnauthorized false, untrusted client certificate',
    server: { requestCert: true, rejectUnauthorized: false, ca: CA_PEM },
    client: { cert: UNTRUSTED_CHAIN, key: UNTRUSTED_KEY },
  },
  { name: 'requestCert, rejectUnauthorized false, no client certificate', server: { requestCert: true, rejectUnauthorized: false, ca: CA_PEM }, client: {} },
  // The suite is pinned: node's and OpenSSL's default TLS 1.2 orders differ.
  { name: 'TLS 1.2', server: { maxVersion: 'TLSv1.2' }, client: { ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' } },
  {
    name: 'honorCipherOrder with a ciphers list, ecdhCurve',
    server: { maxVersion: 'TLSv1.2', honorCipherOrder: true, ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256', ecdhCurve: 'secp384r1' },
    client: { ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305' },
  },
];

for (const k of serverCases) {
  test(`server accessors equal node:tls's: ${k.name}`, { timeout: 60000 }, async () => {
    const ours = await serverRun((o, cb) => createServer(o, cb), k.server, k.client);
    const theirs = await serverRun((o, cb) => tls.createServer(o as tls.TlsOptions, cb), k.server, k.client);
    assert.deepEqual(ours.view, theirs.view);
    assert.deepEqual(ours.clientView, theirs.clientView);
  });
}

test('setMaxSendFragment: node\'s range (512 to 16384) and return value', { timeout: 30000 }, async () => {
  const srv = await listen(tls.createServer({ key: KEY_PEM, cert: CHAIN_PEM }, (s) => s.on('error', () => {})));
  try {
    const c = connect({ port: srv.port, host: '127.0.0.1', servername: 'localhost', ca: CA_PEM });
    await within(once(c, 'secureConnect'), 10000, 'secureConnect');
    assert.equal(c.setMaxSendFragment(16384), true);
    assert.throws(() => c.setMaxSendFragment(100), RangeError);
    assert.equal(c.setMaxSendFragment(1024), true);
    assert.throws(() => c.setMaxSendFragment(16385), RangeError);
    c.destroy();
  } finally {
    await srv.stop();
  }
});

/** Send raw bytes over TLS to `port` and collect everything until the server closes. */
async function rawExchange(port: number, request: string): Promise<string> {
  const c = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: CA_PEM });
  c.on('error', () => {});
  await within(once(c, 'secureConnect'), 10000, 'secureConnect');
  let text = '';
  c.on('data', (d: Buffer) => (text += d.toString('latin1')));
  c.write(request);
  await within(once(c, 'close'), 10000, 'close');
  return text;
}

test('node:http over createServer() answers a malformed request with 400, as node:https does', { timeout: 60000 }, async () => {
  const handler = (_req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.end('ok');
  };
  const bad = 'NOT A REQUEST\r\n\r\n';

  const reference = await listen(https.createServer({ key: KEY_PEM, cert: CHAIN_PEM }, handler));
  let expected: string;
  try {
    expected = await rawExchange(reference.port, bad);
  } finally {
    await reference.stop();
  }

  const httpServer = http.createServer(handler);
  const ours = await listen(createServer({ key: KEY_PEM, cert: CHAIN_PEM }, (s) => httpServer.emit('connection', s)));
  try {
    const got = await rawExchange(ours.port, bad);
    assert.match(expected, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.equal(got, expected);
    // And a good request still works.
    const good = await rawExchange(ours.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(good, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok$/);
  } finally {
    await ours.stop();
  }
});

test('node:tls options ssl-ts lacks are refused, not ignored', () => {
  for (const k of ['sigalgs', 'crl']) {
    assert.throws(() => createServer({ key: KEY_PEM, cert: CHAIN_PEM, [k]: 1 } as ServerOptions), new RegExp(`option '${k}' is not supported`));
  }
  // SNICallback is supported (test/net/sni-callback.test.ts), but must be a function.
  assert.throws(() => createServer({ key: KEY_PEM, cert: CHAIN_PEM, SNICallback: 1 } as unknown as ServerOptions), TypeError);
  assert.throws(() => connect({ port: 1, checkServerIdentity: () => undefined } as ConnectOptions), /'checkServerIdentity' is not supported/);
  assert.equal(createServer({ key: KEY_PEM, cert: CHAIN_PEM, sessionTimeout: 300 }).context.sessionTimeout, 300);
  assert.throws(() => connect({ port: 1, sessionTimeout: 300 }), /'sessionTimeout' is for servers/);
});

test('exportKeyingMaterial equals what node:tls exports at the other end', { timeout: 60000 }, async () => {
  const context = Buffer.from('ssl-ts context');
  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    // Our client, node's server.
    let nodeServer: tls.TLSSocket | null = null;
    const srv = await listen(tls.createServer({ key: KEY_PEM, cert: CHAIN_PEM, maxVersion }, (s) => {
      nodeServer = s;
      s.on('error', () => {});
    }));
    try {
      const c = connect({ port: srv.port, host: '127.0.0.1', servername: 'localhost', ca: CA_PEM });
      await within(once(c, 'secureConnect'), 10000, 'secureConnect');
      for (let i = 0; i < 50 && !nodeServer; i++) await new Promise((r) => setTimeout(r, 20));
      const theirs = (nodeServer as tls.TLSSocket | null)!.exportKeyingMaterial(48, 'EXPERIMENTAL-ssl-ts', context);
      assert.ok(c.exportKeyingMaterial(48, 'EXPERIMENTAL-ssl-ts', context).equals(theirs), `client ${maxVersion}`);
      c.destroy();
    } finally {
      await srv.stop();
    }
    // node's client, our server.
    let ours: TLSStream | null = null;
    const srv2 = await listen(createServer({ key: KEY_PEM, cert: CHAIN_PEM, maxVersion }, (s) => {
      ours = s;
      s.on('error', () => {});
    }));
    try {
      const c = tls.connect({ port: srv2.port, host: '127.0.0.1', servername: 'localhost', ca: CA_PEM });
      c.on('error', () => {});
      await within(once(c, 'secureConnect'), 10000, 'secureConnect');
      for (let i = 0; i < 50 && !ours; i++) await new Promise((r) => setTimeout(r, 20));
      const mine = (ours as TLSStream | null)!.exportKeyingMaterial(48, 'EXPERIMENTAL-ssl-ts');
      // No context at all (which TLS 1.2 tells apart from an empty one); @types/node wants the argument.
      assert.ok(c.exportKeyingMaterial(48, 'EXPERIMENTAL-ssl-ts', undefined as unknown as Buffer).equals(mine), `server ${maxVersion}`);
      c.destroy();
    } finally {
      await srv2.stop();
    }
  }
});

/** Connect twice, the second time with the session of the first; returns isSessionReused() of both ends, twice. */
async function resumeTwice(
  port: number,
  port2: number,
  make: (port: number, session: unknown) => Sock,
  servers: boolean[],
): Promise<boolean[]> {
  const first = make(port, undefined);
  first.on('error', () => {});
  const session = new Promise<unknown>((resolve) => first.once('session', resolve));
  await within(once(first, 'secureConnect'), 10000, 'secureConnect');
  first.write('x');
  await within(once(first, 'data'), 10000, 'echo');
  const saved = await within(session, 10000, 'session');
  // node hands sessions out as Buffers, from 'session' and getSession() alike.
  assert.ok(Buffer.isBuffer(saved), 'the session is a Buffer');
  assert.ok(Buffer.isBuffer(first.getSession()), 'getSession() is a Buffer');
  const r1 = [first.isSessionReused()];
  first.end();
  await within(once(first, 'close'), 10000, 'close');
  const second = make(port2, saved);
  second.on('error', () => {});
  await within(once(second, 'secureConnect'), 10000, 'secureConnect');
  second.write('y');
  await within(once(second, 'data'), 10000, 'echo');
  const r2 = [second.isSessionReused()];
  second.end();
  await within(once(second, 'close'), 10000, 'close');
  return [...r1, ...r2, ...servers];
}

const TICKET_KEY = Buffer.alloc(48, 7);

for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
  test(`session resumption as node:tls: connect({ session }), createServer({ ticketKeys, sessionTimeout }) shared by two servers (${maxVersion})`, { timeout: 90000 }, async () => {
    const runs: Record<string, boolean[]> = {};
    for (const side of ['node', 'ours'] as const) {
      const seen: boolean[] = []; // isSessionReused() of each server end, once secure
      const mk = (): net.Server => {
        const opts = { key: KEY_PEM, cert: CHAIN_PEM, ticketKeys: TICKET_KEY, sessionTimeout: 300, maxVersion };
        const onSecure = (s: Sock): void => {
          seen.push(s.isSessionReused());
          s.on('error', () => {});
          s.pipe(s);
        };
        return side === 'node' ? tls.createServer(opts, onSecure) : createServer(opts, onSecure);
      };
      const a = await listen(mk());
      const b = await listen(mk());
      try {
        const ourClient = (port: number, session: unknown): Sock =>
          connect({ port, host: '127.0.0.1', servername: 'localhost', ca: CA_PEM, session: session as ConnectOptions['session'] });
        const nodeClient = (port: number, session: unknown): Sock =>
          tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: CA_PEM, session: session as Buffer | undefined });
        // Client side: ours against node's servers and node's against ours, resuming on the other server.
        runs[`${side} servers, ours client`] = await resumeTwice(a.port, b.port, ourClient, []);
        runs[`${side} servers, node client`] = await resumeTwice(a.port, b.port, nodeClient, seen);
      } finally {
        await a.stop();
        await b.stop();
      }
    }
    // First connection full, second resumed; each server end agrees with its client.
    for (const [k, v] of Object.entries(runs)) assert.deepEqual(v.slice(0, 2), [false, true], k);
    assert.deepEqual(runs['ours servers, node client'], runs['node servers, node client']);
  });
}
