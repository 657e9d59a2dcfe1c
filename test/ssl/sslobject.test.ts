// Ports of CPython's SSLObjectTests and the MemoryBIO tests of
// SimpleBackgroundTests (test_bio_handshake, test_bio_read_write_data,
// test_transport_eof), plus the Python semantics the foundation issue lists.
import { getDefaultCryptoProvider } from '../../src/crypto/default-provider.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import {
  CERT_NONE,
  CERT_REQUIRED,
  MemoryBIO,
  OP_IGNORE_UNEXPECTED_EOF,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  SSLContext,
  SSLCertVerificationError,
  SSLEOFError,
  SSLError,
  SSLObject,
  SSLWantReadError,
  SSLWantWriteError,
  SSLZeroReturnError,
  TLSVersion,
  ValueError,
} from '../../src/index.js';

const CERTDATA = execFileSync('python3', ['-c', 'import test,os;print(os.path.dirname(test.__file__))']).toString().trim() + '/certdata/';
const SIGNED_CERTFILE = CERTDATA + 'keycert3.pem';
const SIGNING_CA = CERTDATA + 'pycacert.pem';
const HOSTNAME = 'localhost';
const FIX = new URL('../../fixtures/', import.meta.url).pathname;

function testingContext(): [SSLContext, SSLContext, string] {
  const client = new SSLContext(PROTOCOL_TLS_CLIENT);
  client.loadVerifyLocations({ cafile: SIGNING_CA });
  const server = new SSLContext(PROTOCOL_TLS_SERVER);
  server.loadCertChain(SIGNED_CERTFILE);
  server.loadVerifyLocations({ cafile: SIGNING_CA });
  return [client, server, HOSTNAME];
}

interface Pair {
  client: SSLObject;
  server: SSLObject;
  cIn: MemoryBIO;
  cOut: MemoryBIO;
  sIn: MemoryBIO;
  sOut: MemoryBIO;
}

function bioPair(clientCtx: SSLContext, serverCtx: SSLContext, hostname: string | null = HOSTNAME): Pair {
  const cIn = new MemoryBIO();
  const cOut = new MemoryBIO();
  const sIn = new MemoryBIO();
  const sOut = new MemoryBIO();
  const client = clientCtx.wrapBio(cIn, cOut, { serverHostname: hostname });
  const server = serverCtx.wrapBio(sIn, sOut, { serverSide: true });
  return { client, server, cIn, cOut, sIn, sOut };
}

function tryCall(f: () => void): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof SSLWantReadError)) throw e;
  }
}

function settle(p: Pair, rounds = 5): void {
  for (let i = 0; i < rounds; i++) {
    tryCall(() => p.client.doHandshake());
    if (p.cOut.pending) p.sIn.write(p.cOut.read());
    tryCall(() => p.server.doHandshake());
    if (p.sOut.pending) p.cIn.write(p.sOut.read());
  }
}

describe('SSLObjectTests (CPython port)', () => {
  test('test_private_init', () => {
    const bio = new MemoryBIO();
    assert.throws(() => new SSLObject(bio as never, bio, bio), (e: unknown) => e instanceof TypeError && /public constructor/.test(String(e)));
  });

  test('test_unwrap', () => {
    const [cctx, sctx] = testingContext();
    const p = bioPair(cctx, sctx);
    settle(p);
    p.client.doHandshake();
    p.server.doHandshake();
    assert.throws(() => p.client.unwrap(), SSLWantReadError);
    p.sIn.write(p.cOut.read());
    p.server.unwrap();
    p.cIn.write(p.sOut.read());
    p.client.unwrap();
  });
});

describe('SSLObject semantics', () => {
  test('doHandshake raises SSLWantReadError until the peer answers', () => {
    const [cctx, sctx] = testingContext();
    const p = bioPair(cctx, sctx);
    assert.throws(() => p.client.doHandshake(), SSLWantReadError);
    assert.ok(p.cOut.pending > 0, 'ClientHello written');
    assert.throws(() => p.client.doHandshake(), SSLWantReadError);
    assert.throws(() => p.server.doHandshake(), SSLWantReadError);
    p.sIn.write(p.cOut.read());
    assert.throws(() => p.server.doHandshake(), SSLWantReadError);
    p.cIn.write(p.sOut.read());
    p.client.doHandshake(); // complete now
    p.sIn.write(p.cOut.read());
    p.server.doHandshake();
    assert.equal(p.client.version(), 'TLSv1.3');
    assert.deepEqual(p.client.cipher(), ['TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256]);
    assert.equal(p.client.compression(), null);
    assert.equal(p.server.serverSide, true);
    assert.equal(p.client.serverHostname, HOSTNAME);
    assert.equal(p.client.sessionReused, false);
    // As CPython: the server's suites the client also offered, TLS 1.3 first, then TLS 1.2.
    const shared = p.server.sharedCiphers()!;
    assert.deepEqual(shared.slice(0, 3).map((c) => c[0]), ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256']);
    // All of Python's default suites, which both sides have; the pure-JS provider (matrix run) has no DHE.
    assert.equal(shared.length, getDefaultCryptoProvider().supportsFiniteFieldDh ? 17 : 13);
    assert.deepEqual(shared[3], ['ECDHE-ECDSA-AES256-GCM-SHA384', 'TLSv1.2', 256]);
    assert.equal(p.client.sharedCiphers(), null);
    const cb1 = p.client.getChannelBinding('tls-unique');
    const cb2 = p.server.getChannelBinding('tls-unique');
    assert.ok(cb1 && cb1.length === 48);
    assert.deepEqual(cb1, cb2);
    assert.throws(() => p.client.getChannelBinding('tls-server-end-point'), ValueError);
  });

  test('info before the handshake is null, getPeerCert raises ValueError', () => {
    const [cctx, sctx] = testingContext();
    const p = bioPair(cctx, sctx);
    assert.equal(p.client.cipher(), null);
    assert.equal(p.client.version(), null);
    assert.equal(p.client.sharedCiphers(), null);
    assert.equal(p.client.getChannelBinding('tls-unique'), null);
    assert.throws(() => p.client.getPeerCert(), ValueError);
  });

  test('read/write run the handshake; read(n) keeps the rest; pending()', () => {
    const [cctx, sctx] = testingContext();
    const p = bioPair(cctx, sctx);
    assert.throws(() => p.client.write(Buffer.from('x')), SSLWantReadError);
    assert.throws(() => p.server.read(), SSLWantReadError);
    settle(p);
    assert.equal(p.client.write(Buffer.from('0123456789')), 10);
    p.sIn.write(p.cOut.read());
    assert.deepEqual(Buffer.from(p.server.read(3)).toString(), '012');
    assert.equal(p.server.pending(), 7);
    const buf = new Uint8Array(5);
    assert.equal(p.server.readInto(buf), 5);
    assert.equal(Buffer.from(buf).toString(), '34567');
    assert.equal(Buffer.from(p.server.read()).toString(), '89');
    assert.throws(() => p.server.read(), SSLWantReadError);
    assert.throws(() => p.server.read(-1), ValueError);
    assert.equal(p.server.read(0).length, 0);
    assert.throws(() => p.client.write('text' as never), TypeError);
  });

  test('close_notify: read() returns empty, unwrap both ways, then ZeroReturn and PROTOCOL_IS_SHUTDOWN', () => {
    const [cctx, sctx] = testingContext();
    const p = bioPair(cctx, sctx);
    settle(p);
    p.client.write(Buffer.from('last words'));
    assert.throws(() => p.client.unwrap(), SSLWantReadError);
    p.sIn.write(p.cOut.read());
    assert.equal(Buffer.from(p.server.read(100)).toString(), 'last words');
    assert.equal(p.server.read().length, 0);
    assert.equal(p.server.read().length, 0);
    p.server.unwrap();
    p.cIn.write(p.sOut.read());
    p.client.unwrap();
    assert.throws(() => p.client.read(), SSLZeroReturnError);
    assert.throws(
      () => p.client.write(Buffer.from('a')),
      (e: unknown) => e instanceof SSLError && e.reason === 'PROTOCOL_IS_SHUTDOWN',
    );
  });

  test('EOF without close_notify is SSLEOFError, unless OP_IGNORE_UNEXPECTED_EOF', () => {
    for (const ignore of [false, true]) {
      const [cctx, sctx] = testingContext();
      if (ignore) cctx.options |= OP_IGNORE_UNEXPECTED_EOF;
      const p = bioPair(cctx, sctx);
      settle(p);
      p.cIn.writeEof();
      if (ignore) assert.equal(p.client.read().length, 0);
      else
        assert.throws(
          () => p.client.read(),
          (e: unknown) => e instanceof SSLEOFError && /EOF occurred in violation of protocol/.test(String((e as Error).message)),
        );
    }
  });

  test('a record truncated by EOF is SSLEOFError, even with OP_IGNORE_UNEXPECTED_EOF', () => {
    const [cctx, sctx] = testingContext();
    sctx.options |= OP_IGNORE_UNEXPECTED_EOF;
    const p = bioPair(cctx, sctx);
    settle(p);
    p.client.write(Buffer.from('cut short'));
    const rec = p.cOut.read();
    p.sIn.write(rec.subarray(0, rec.length - 1));
    assert.throws(() => p.server.read(), SSLWantReadError);
    p.sIn.writeEof();
    assert.throws(() => p.server.read(), SSLEOFError);
  });

  test('bytes after close_notify stay in the incoming BIO (STARTTLS)', () => {
    const [cctx, sctx] = testingContext();
    const p = bioPair(cctx, sctx);
    settle(p);
    assert.throws(() => p.client.unwrap(), SSLWantReadError);
    p.sIn.write(p.cOut.read());
    p.sIn.write(Buffer.from('PLAINTEXT AFTER TLS'));
    p.server.unwrap();
    assert.equal(Buffer.from(p.sIn.read()).toString(), 'PLAINTEXT AFTER TLS');
  });

  test('unwrap before the handshake is an SSLError', () => {
    const [cctx, sctx] = testingContext();
    const p = bioPair(cctx, sctx);
    assert.throws(() => p.client.unwrap(), SSLError);
  });

  test('wrong hostname: SSLCertVerificationError 62 and the server sees bad_certificate', () => {
    const [cctx, sctx] = testingContext();
    const p = bioPair(cctx, sctx, 'wrong.example');
    assert.throws(() => p.client.doHandshake(), SSLWantReadError);
    p.sIn.write(p.cOut.read());
    tryCall(() => p.server.doHandshake());
    p.cIn.write(p.sOut.read());
    let err: unknown;
    try {
      p.client.doHandshake();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof SSLCertVerificationError);
    assert.equal(err.verifyCode, 62);
    assert.equal(err.verifyMessage, "Hostname mismatch, certificate is not valid for 'wrong.example'.");
    assert.ok(err instanceof ValueError, 'CertificateError is also a ValueError');
    // Sticky: the same error again.
    assert.throws(() => p.client.doHandshake(), SSLCertVerificationError);
    p.sIn.write(p.cOut.read());
    assert.throws(() => p.server.doHandshake(), (e: unknown) => e instanceof SSLError && e.reason === 'SSLV3_ALERT_BAD_CERTIFICATE');
  });

  test('unknown CA: verify code 20 and the server sees unknown_ca', () => {
    const cctx = new SSLContext(PROTOCOL_TLS_CLIENT);
    cctx.loadVerifyLocations({ cafile: FIX + 'ca.pem' });
    // A server without SIGNING_CA in its store sends the leaf alone (with it, OpenSSL's automatic
    // chain adds the self-signed CA and the client reports 19, as Python does).
    const sctx = new SSLContext(PROTOCOL_TLS_SERVER);
    sctx.loadCertChain(SIGNED_CERTFILE);
    const p = bioPair(cctx, sctx);
    tryCall(() => p.client.doHandshake());
    p.sIn.write(p.cOut.read());
    tryCall(() => p.server.doHandshake());
    p.cIn.write(p.sOut.read());
    assert.throws(() => p.client.doHandshake(), (e: unknown) => e instanceof SSLCertVerificationError && e.verifyCode === 20);
    p.sIn.write(p.cOut.read());
    assert.throws(() => p.server.doHandshake(), (e: unknown) => e instanceof SSLError && e.reason === 'TLSV1_ALERT_UNKNOWN_CA');
  });

  test('getPeerCert: {} with CERT_NONE, a dict when verified, DER in binary form', () => {
    const [cctx, sctx] = testingContext();
    const p = bioPair(cctx, sctx);
    settle(p);
    const cert = p.client.getPeerCert() as Record<string, unknown>;
    assert.ok(Array.isArray(cert.subject));
    assert.deepEqual(Buffer.from(p.client.getPeerCert(true)!).subarray(0, 2), Buffer.from([0x30, 0x82]));
    const insecure = new SSLContext(PROTOCOL_TLS_CLIENT);
    insecure.checkHostname = false;
    insecure.verifyMode = CERT_NONE;
    const q = bioPair(insecure, sctx);
    settle(q);
    assert.deepEqual(q.client.getPeerCert(), {});
    assert.equal(q.server.getPeerCert(), null);
  });

  test('client certificates: CERT_REQUIRED server verifies the client', () => {
    const [cctx, sctx] = testingContext();
    sctx.verifyMode = CERT_REQUIRED;
    sctx.loadVerifyLocations({ cafile: FIX + 'ca.pem' });
    cctx.loadCertChain(FIX + 'client-chain.pem', FIX + 'client.key');
    const p = bioPair(cctx, sctx);
    settle(p);
    p.server.doHandshake();
    const peer = p.server.getPeerCert() as { subject: [string, string][][] };
    assert.deepEqual(peer.subject.flat().find(([k]) => k === 'commonName'), ['commonName', 'ssl-ts test client']);
  });

  test('a fatal alert from the peer is raised, and raised again', () => {
    const [cctx, sctx] = testingContext();
    cctx.maximumVersion = TLSVersion.TLSv1_2;
    sctx.minimumVersion = TLSVersion.TLSv1_3;
    const p = bioPair(cctx, sctx);
    tryCall(() => p.client.doHandshake());
    p.sIn.write(p.cOut.read());
    assert.throws(() => p.server.doHandshake(), (e: unknown) => e instanceof SSLError && e.reason === 'UNSUPPORTED_PROTOCOL');
    p.cIn.write(p.sOut.read());
    for (let i = 0; i < 2; i++) {
      assert.throws(
        () => p.client.doHandshake(),
        (e: unknown) => e instanceof SSLError && e.reason === 'TLSV1_ALERT_PROTOCOL_VERSION' && /^\[SSL: TLSV1_ALERT_PROTOCOL_VERSION\] tlsv1 alert protocol version/.test(e.message),
      );
    }
  });

  test('SSLWantWriteError exists and is an SSLError', () => {
    assert.ok(new SSLWantWriteError() instanceof SSLError);
  });
});

// SimpleBackgroundTests' MemoryBIO cases, against a real peer over loopback:
// a node:tls echo server that lower-cases, like CPython's ThreadedEchoServer.
describe('SimpleBackgroundTests MemoryBIO cases (CPython port)', () => {
  let server: tls.Server;
  let port = 0;
  before(async () => {
    const pem = readFileSync(SIGNED_CERTFILE);
    server = tls.createServer({ key: pem, cert: pem, minVersion: 'TLSv1.3' }, (s) => {
      s.on('data', (d: Buffer) => s.write(d.toString('latin1').toLowerCase()));
      s.on('end', () => s.end());
      s.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  /** CPython's ssl_io_loop: call func, ferry bytes between socket and BIOs on WANT_READ. */
  async function ioLoop<T>(sock: net.Socket, incoming: MemoryBIO, outgoing: MemoryBIO, func: () => T): Promise<T> {
    const chunks: Buffer[] = [];
    let ended = false;
    let wake: (() => void) | null = null;
    sock.on('data', (d) => { chunks.push(d); wake?.(); });
    sock.on('end', () => { ended = true; wake?.(); });
    try {
      for (let i = 0; i < 1000; i++) {
        let want = false;
        let ret: T | undefined;
        try {
          ret = func();
        } catch (e) {
          if (!(e instanceof SSLWantReadError)) throw e;
          want = true;
        }
        const out = outgoing.read();
        if (out.length) sock.write(out);
        if (!want) return ret as T;
        if (chunks.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
        wake = null;
        if (chunks.length) incoming.write(Buffer.concat(chunks.splice(0)));
        else if (ended) incoming.writeEof();
      }
      throw new Error('io loop did not finish');
    } finally {
      sock.removeAllListeners('data');
      sock.removeAllListeners('end');
    }
  }

  function connect(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(s));
      s.on('error', reject);
    });
  }

  test('test_bio_handshake', async () => {
    const sock = await connect();
    const incoming = new MemoryBIO();
    const outgoing = new MemoryBIO();
    const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
    assert.equal(ctx.checkHostname, true);
    assert.equal(ctx.verifyMode, CERT_REQUIRED);
    ctx.loadVerifyLocations({ cafile: SIGNING_CA });
    const sslobj = ctx.wrapBio(incoming, outgoing, { serverSide: false, serverHostname: HOSTNAME });
    assert.equal(sslobj.cipher(), null);
    assert.equal(sslobj.version(), null);
    assert.equal(sslobj.sharedCiphers(), null);
    assert.throws(() => sslobj.getPeerCert(), ValueError);
    assert.equal(sslobj.getChannelBinding('tls-unique'), null);
    await ioLoop(sock, incoming, outgoing, () => sslobj.doHandshake());
    assert.ok(sslobj.cipher());
    assert.equal(sslobj.sharedCiphers(), null);
    assert.equal(sslobj.version(), 'TLSv1.3');
    assert.ok(Object.keys(sslobj.getPeerCert() as object).length > 0);
    assert.ok(sslobj.getChannelBinding('tls-unique'));
    await ioLoop(sock, incoming, outgoing, () => sslobj.unwrap());
    assert.throws(() => sslobj.write(Buffer.from('foo')), SSLError);
    sock.destroy();
  });

  test('test_bio_read_write_data', async () => {
    const sock = await connect();
    const incoming = new MemoryBIO();
    const outgoing = new MemoryBIO();
    const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
    ctx.checkHostname = false;
    ctx.verifyMode = CERT_NONE;
    const sslobj = ctx.wrapBio(incoming, outgoing, { serverSide: false });
    await ioLoop(sock, incoming, outgoing, () => sslobj.doHandshake());
    await ioLoop(sock, incoming, outgoing, () => sslobj.write(Buffer.from('FOO\n')));
    const buf = await ioLoop(sock, incoming, outgoing, () => sslobj.read(1024));
    assert.equal(Buffer.from(buf).toString(), 'foo\n');
    await ioLoop(sock, incoming, outgoing, () => sslobj.unwrap());
    sock.destroy();
  });

  test('test_transport_eof', async () => {
    const [cctx] = testingContext();
    const sock = await connect();
    const incoming = new MemoryBIO();
    const outgoing = new MemoryBIO();
    const sslobj = cctx.wrapBio(incoming, outgoing, { serverHostname: HOSTNAME });
    await ioLoop(sock, incoming, outgoing, () => sslobj.doHandshake());
    incoming.writeEof();
    assert.throws(() => sslobj.read(), SSLEOFError);
    sock.destroy();
  });
});
