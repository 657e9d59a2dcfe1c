// Self-checks of the interop harness itself, independent of our TLS engine:
// the peers (openssl, node:tls, Python's ssl) are run against each other
// through the same helpers the interop tests use, and BioSocketPump /
// pumpMemory are driven with a toy sans-I/O protocol that has the same
// calling conventions as SSLObject (want-read errors, close_notify, EOF).
// If one of these fails, the interop failures are not about the engine.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { BioSocketPump, pumpMemory, transfer, type MemoryBIOLike, type SSLObjectLike } from '../helpers/pump.js';
import {
  bridgePythonPeers,
  bridgeSocketToPython,
  certSubjectCN,
  collectBytes,
  collectUntilEnd,
  connectNodeTls,
  connectTcp,
  countClientHellos,
  echoThenClose,
  fixture,
  fixtureText,
  leafFiles,
  listenTcp,
  runOpensslClient,
  runPythonPeer,
  startNodeTlsServer,
  startOpensslServer,
  traceClientKeyShares,
  traceServerName,
} from '../helpers/peers.js';

const T = { timeout: 20000 };

// ---------------------------------------------------------------------------
// A toy sans-I/O protocol with SSLObject's calling conventions.
// Records: [type u8][length u16][payload]; 1 hello, 2 hello-ack, 3 data, 4 close.

class ToyWantRead extends Error {
  override name = 'SSLWantReadError';
}
class ToyEOF extends Error {
  override name = 'SSLEOFError';
}

class ToyBIO implements MemoryBIOLike {
  private buf: Uint8Array = new Uint8Array(0);
  eof = false;
  write(data: Uint8Array): number {
    const n = new Uint8Array(this.buf.length + data.length);
    n.set(this.buf);
    n.set(data, this.buf.length);
    this.buf = n;
    return data.length;
  }
  read(n = -1): Uint8Array {
    const take = n < 0 ? this.buf.length : Math.min(n, this.buf.length);
    const out = this.buf.slice(0, take);
    this.buf = this.buf.slice(take);
    return out;
  }
  get pending(): number {
    return this.buf.length;
  }
  writeEof(): void {
    this.eof = true;
  }
}

class ToyObject implements SSLObjectLike {
  private raw: Uint8Array = new Uint8Array(0);
  private plain: Uint8Array = new Uint8Array(0);
  private state: 'start' | 'waiting' | 'done' = 'start';
  private sentClose = false;
  private peerClosed = false;
  constructor(
    readonly server: boolean,
    readonly incoming: ToyBIO,
    readonly outgoing: ToyBIO,
  ) {}

  private emit(type: number, payload: Uint8Array = new Uint8Array(0)): void {
    const rec = new Uint8Array(3 + payload.length);
    rec[0] = type;
    rec[1] = payload.length >> 8;
    rec[2] = payload.length & 0xff;
    rec.set(payload, 3);
    this.outgoing.write(rec);
  }
  private next(): { type: number; payload: Uint8Array } {
    const more = this.incoming.read();
    if (more.length > 0) {
      const n = new Uint8Array(this.raw.length + more.length);
      n.set(this.raw);
      n.set(more, this.raw.length);
      this.raw = n;
    }
    if (this.raw.length >= 3) {
      const len = (this.raw[1] << 8) | this.raw[2];
      if (this.raw.length >= 3 + len) {
        const rec = { type: this.raw[0], payload: this.raw.slice(3, 3 + len) };
        this.raw = this.raw.slice(3 + len);
        return rec;
      }
    }
    if (this.incoming.eof) throw new ToyEOF('EOF in violation of protocol');
    throw new ToyWantRead('want read');
  }
  doHandshake(): void {
    if (this.state === 'done') return;
    if (!this.server && this.state === 'start') {
      this.emit(1);
      this.state = 'waiting';
    }
    const rec = this.next();
    if (this.server && rec.type === 1) {
      this.emit(2);
      this.state = 'done';
    } else if (!this.server && rec.type === 2) {
      this.state = 'done';
    } else {
      throw new Error(`toy: unexpected record ${rec.type} in handshake`);
    }
  }
  read(n = 1024): Uint8Array {
    if (this.state !== 'done') throw new Error('toy: read before handshake');
    while (this.plain.length === 0) {
      if (this.peerClosed) return new Uint8Array(0);
      const rec = this.next();
      if (rec.type === 3) this.plain = rec.payload;
      else if (rec.type === 4) this.peerClosed = true;
      else throw new Error(`toy: unexpected record ${rec.type}`);
    }
    const out = this.plain.slice(0, n);
    this.plain = this.plain.slice(out.length);
    return out;
  }
  write(data: Uint8Array): number {
    // Short writes on purpose, so the pump's write loop is exercised.
    const take = Math.min(data.length, 5000);
    for (let off = 0; off < take; off += 1000) this.emit(3, data.subarray(off, Math.min(take, off + 1000)));
    return take;
  }
  unwrap(): void {
    if (!this.sentClose) {
      this.emit(4);
      this.sentClose = true;
    }
    while (!this.peerClosed) {
      const rec = this.next();
      if (rec.type === 4) this.peerClosed = true;
    }
  }
}

function toyEnd(server: boolean) {
  const incoming = new ToyBIO();
  const outgoing = new ToyBIO();
  return { obj: new ToyObject(server, incoming, outgoing), incoming, outgoing };
}

function bytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

describe('BioSocketPump and pumpMemory (toy engine)', () => {
  test('pumpMemory runs both handshakes and carries data', T, () => {
    const a = toyEnd(false);
    const b = toyEnd(true);
    pumpMemory(a, b);
    a.obj.write(new TextEncoder().encode('ping'));
    transfer(a.outgoing, b.incoming);
    assert.equal(new TextDecoder().decode(b.obj.read()), 'ping');
    const [ra, rb] = pumpMemory(a, b, (o) => o.unwrap(), (o) => o.unwrap());
    assert.equal(ra, undefined);
    assert.equal(rb, undefined);
  });

  test('pump over TCP: handshake, 200 KB each way, clean close from the client', T, async () => {
    const l = await listenTcp();
    try {
      const [srvSock, cliSock] = await Promise.all([l.accept(), connectTcp(l.port)]);
      const server = new BioSocketPump(srvSock, toyEnd(true));
      const client = new BioSocketPump(cliSock, toyEnd(false));
      await Promise.all([server.handshake(), client.handshake()]);
      const payload = bytes(200_000);
      const serverSide = (async () => {
        const got = await server.readExactly(payload.length);
        await server.write(got);
        const rest = await server.readAll();
        assert.equal(rest.length, 0);
        assert.equal(server.peerClosed, true);
        await server.close();
      })();
      await client.write(payload);
      const echo = await client.readExactly(payload.length);
      assert.deepEqual(echo, payload);
      await client.close();
      await serverSide;
      assert.ok(client.bytesSent > payload.length);
      assert.ok(server.bytesReceived === client.bytesSent);
    } finally {
      await l.close();
    }
  });

  test('readUntil and leftovers across chunks', T, async () => {
    const l = await listenTcp();
    try {
      const [srvSock, cliSock] = await Promise.all([l.accept(), connectTcp(l.port)]);
      const server = new BioSocketPump(srvSock, toyEnd(true));
      const client = new BioSocketPump(cliSock, toyEnd(false));
      await Promise.all([server.handshake(), client.handshake()]);
      await client.write('line one\nline two\ntail');
      assert.equal(new TextDecoder().decode(await server.readUntil('\n')), 'line one\n');
      assert.equal(new TextDecoder().decode(await server.readUntil('\n')), 'line two\n');
      assert.equal(new TextDecoder().decode(await server.readExactly(4)), 'tail');
      await Promise.all([client.close(), server.close()]);
    } finally {
      await l.close();
    }
  });

  test('socket EOF without close_notify surfaces as the engine EOF error', T, async () => {
    const l = await listenTcp();
    try {
      const [srvSock, cliSock] = await Promise.all([l.accept(), connectTcp(l.port)]);
      const server = new BioSocketPump(srvSock, toyEnd(true));
      const client = new BioSocketPump(cliSock, toyEnd(false));
      await Promise.all([server.handshake(), client.handshake()]);
      srvSock.end();
      await assert.rejects(client.read(), { name: 'SSLEOFError' });
      client.destroy();
    } finally {
      await l.close();
    }
  });

  test('a silent peer makes the pump fail at its time limit, not hang', T, async () => {
    const l = await listenTcp();
    try {
      const [, cliSock] = await Promise.all([l.accept(), connectTcp(l.port)]);
      const client = new BioSocketPump(cliSock, toyEnd(false), { timeoutMs: 300 });
      const t0 = Date.now();
      await assert.rejects(client.handshake(), /no bytes from peer for 300 ms during handshake/);
      assert.ok(Date.now() - t0 < 3000);
      client.destroy();
    } finally {
      await l.close();
    }
  });
});

// ---------------------------------------------------------------------------
// Python's sans-I/O peer against other real peers.

describe('py_bio_peer.py against real peers', () => {
  test('python client <-> python server (ALPN, client cert, echo, unwrap)', T, async () => {
    const server = runPythonPeer({
      role: 'server',
      cert: leafFiles('ecdsa-p256').chain,
      key: leafFiles('ecdsa-p256').key,
      cafile: fixture('ca.pem'),
      requestClientCert: true,
      alpn: ['h2', 'http/1.1'],
    });
    const client = runPythonPeer({
      role: 'client',
      cafile: fixture('ca.pem'),
      cert: fixture('client-chain.pem'),
      key: fixture('client.key'),
      alpn: ['http/1.1'],
      message: 'python to python\n',
    });
    bridgePythonPeers(client, server);
    const [c, s] = await Promise.all([client.result, server.result]);
    assert.equal(c.error, null, JSON.stringify(c.error));
    assert.equal(s.error, null, JSON.stringify(s.error));
    assert.equal(c.stage, 'done');
    assert.equal(s.stage, 'done');
    assert.equal(c.version, 'TLSv1.3');
    assert.equal(c.alpn, 'http/1.1');
    assert.equal(s.alpn, 'http/1.1');
    assert.equal(s.sni_seen, 'localhost');
    assert.equal(c.peer_cert_subject?.commonName, 'localhost');
    assert.equal(s.peer_cert_subject?.commonName, certSubjectCN(fixture('client.pem')));
    assert.equal(s.received, 'python to python\n');
    assert.equal(c.received, 'python to python\n');
  });

  test('python client (bridged over TCP) <-> openssl s_server -rev, HRR, SNI in trace', T, async () => {
    const leaf = leafFiles('ecdsa-p384');
    const srv = await startOpensslServer([
      '-tls1_3', '-cert', leaf.leaf, '-key', leaf.key, '-cert_chain', fixture('inter.pem'),
      '-rev', '-groups', 'P-384', '-alpn', 'h2', '-trace', '-naccept', '1',
    ]);
    try {
      const sock = await connectTcp(srv.port);
      const py = runPythonPeer({ role: 'client', cafile: fixture('ca.pem'), message: 'hello world\n', alpn: ['h2'] });
      bridgeSocketToPython(sock, py);
      const r = await py.result;
      assert.equal(r.error, null, JSON.stringify(r.error));
      assert.equal(r.stage, 'done'); // unwrap finished: s_server answered our close_notify
      assert.equal(r.received, 'dlrow olleh\n');
      assert.equal(r.alpn, 'h2');
      const out = await srv.finished();
      assert.match(out, /CONNECTION CLOSED/);
      assert.equal(countClientHellos(out), 2, 'python sent an x25519 share; s_server -groups P-384 must HRR');
      assert.deepEqual(traceClientKeyShares(out), [['ecdh_x25519'], ['secp384r1']]);
      assert.equal(traceServerName(out), 'localhost');
    } finally {
      await srv.stop();
    }
  });

  test('openssl s_client <-> python server (bridged), client cert, close from the server', T, async () => {
    const l = await listenTcp();
    const leaf = leafFiles('rsa2048');
    const input = 'hello there\nsecond line\n';
    const py = runPythonPeer({
      role: 'server', cert: leaf.chain, key: leaf.key, alpn: ['h2', 'http/1.1'],
      cafile: fixture('ca.pem'), requestClientCert: true, echoBytes: input.length, group: 'x25519',
    });
    try {
      void l.accept().then((s) => bridgeSocketToPython(s, py), () => {});
      const r = await runOpensslClient(
        l.port,
        ['-servername', 'localhost', '-CAfile', fixture('ca.pem'), '-verify_return_error', '-alpn', 'http/1.1',
          '-cert', fixture('client.pem'), '-key', fixture('client.key'), '-cert_chain', fixture('inter.pem'),
          '-groups', 'P-256:X25519'],
        input,
        { trace: true },
      );
      const p = await py.result;
      assert.equal(p.error, null, JSON.stringify(p.error));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, input);
      assert.equal(r.brief.protocol, 'TLSv1.3');
      assert.equal(r.brief.signatureType, 'RSA-PSS');
      assert.match(r.brief.serverTempKey ?? '', /^X25519/);
      assert.equal(countClientHellos(r.trace), 2, 'P-256 share, python only does X25519: HRR');
      assert.match(r.trace, /application_layer_protocol_negotiation\(16\)[^\n]*\n\s+http\/1\.1/);
      assert.equal(p.alpn, 'http/1.1');
      assert.equal(p.peer_cert_subject?.commonName, certSubjectCN(fixture('client.pem')));
      assert.equal(p.received, input);
    } finally {
      await py.kill();
      await l.close();
    }
  });

  test('python client <-> node:tls server; python server <-> node:tls client', T, async () => {
    const leaf = leafFiles('ed25519');
    const srv = await startNodeTlsServer({
      key: fixtureText('leaf-ed25519.key'), cert: fixtureText('leaf-ed25519-chain.pem'),
      minVersion: 'TLSv1.3', ALPNProtocols: ['h2'],
    });
    try {
      const sock = await connectTcp(srv.port);
      const py = runPythonPeer({ role: 'client', cafile: fixture('ca.pem'), message: 'to node\n', alpn: ['h2'] });
      bridgeSocketToPython(sock, py);
      const [r, nodeSide] = await Promise.all([py.result, srv.nextSecure()]);
      assert.equal(r.error, null, JSON.stringify(r.error));
      assert.equal(r.received, 'to node\n');
      assert.equal(r.alpn, 'h2');
      assert.equal(nodeSide.info.protocol, 'TLSv1.3');
      assert.equal(nodeSide.info.alpn, 'h2');
      assert.equal(nodeSide.info.servername, 'localhost');
    } finally {
      await srv.stop();
    }

    const l = await listenTcp();
    const py = runPythonPeer({ role: 'server', cert: leaf.chain, key: leaf.key, alpn: ['h2'] });
    try {
      void l.accept().then((s) => bridgeSocketToPython(s, py), () => {});
      const c = await connectNodeTls(l.port, { servername: 'localhost', ca: fixtureText('ca.pem'), ALPNProtocols: ['h2'], minVersion: 'TLSv1.3' });
      assert.equal(c.getProtocol(), 'TLSv1.3');
      assert.equal(c.alpnProtocol, 'h2');
      c.write('from node\n');
      const echoed = await collectBytes(c, 10);
      assert.equal(echoed.toString(), 'from node\n');
      c.end();
      const p = await py.result;
      assert.equal(p.error, null, JSON.stringify(p.error));
      assert.equal(p.stage, 'done');
      assert.equal(p.received, 'from node\n');
      c.destroy();
    } finally {
      await py.kill();
      await l.close();
    }
  });

  test('python reports certificate errors the way the negative tests expect', T, async () => {
    const srv = await startOpensslServer([
      '-tls1_3', '-cert', fixture('untrusted.pem'), '-key', fixture('untrusted.key'), '-rev',
    ]);
    try {
      const sock = await connectTcp(srv.port);
      const py = runPythonPeer({ role: 'client', cafile: fixture('ca.pem') });
      bridgeSocketToPython(sock, py);
      const r = await py.result;
      assert.equal(r.error?.type, 'SSLCertVerificationError');
      assert.equal(r.error?.verify_code, 20);
      await srv.waitFor(/alert unknown ca/);
    } finally {
      await srv.stop();
    }
  });
});

// ---------------------------------------------------------------------------
// openssl helpers against node:tls.

describe('openssl helpers against node:tls', () => {
  test('node:tls client <-> openssl s_server -rev', T, async () => {
    const srv = await startOpensslServer([
      '-tls1_3', '-cert', leafFiles('ecdsa-p256').leaf, '-key', leafFiles('ecdsa-p256').key,
      '-cert_chain', fixture('inter.pem'), '-rev', '-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256', '-groups', 'P-256',
    ]);
    try {
      const c = await connectNodeTls(srv.port, { servername: 'localhost', ca: fixtureText('ca.pem'), minVersion: 'TLSv1.3', ecdhCurve: 'P-256' });
      assert.equal(c.getProtocol(), 'TLSv1.3');
      assert.equal(c.getCipher().name, 'TLS_CHACHA20_POLY1305_SHA256');
      assert.equal(c.getEphemeralKeyInfo() && (c.getEphemeralKeyInfo() as { name?: string }).name, 'prime256v1');
      c.write('abc def\n');
      assert.equal((await collectBytes(c, 8)).toString(), 'fed cba\n');
      c.end();
      await collectUntilEnd(c);
      await srv.waitFor(/CONNECTION CLOSED/);
    } finally {
      await srv.stop();
    }
  });

  test('openssl s_client <-> node:tls server (P-384, AES-128, echo then close)', T, async () => {
    const input = 'ping\npong\n';
    const srv = await startNodeTlsServer(
      {
        key: fixtureText('leaf-ecdsa-p384.key'), cert: fixtureText('leaf-ecdsa-p384-chain.pem'),
        minVersion: 'TLSv1.3', ecdhCurve: 'P-384', ciphers: 'TLS_AES_128_GCM_SHA256',
      },
      echoThenClose(input.length),
    );
    try {
      const r = await runOpensslClient(srv.port, ['-servername', 'localhost', '-CAfile', fixture('ca.pem'), '-verify_return_error', '-groups', 'P-384'], input);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, input);
      assert.equal(r.brief.protocol, 'TLSv1.3');
      assert.equal(r.brief.ciphersuite, 'TLS_AES_128_GCM_SHA256');
      assert.match(r.brief.serverTempKey ?? '', /^ECDH, secp384r1/);
      assert.match(r.brief.peerCertificate ?? '', /CN = localhost$/);
      assert.equal(r.brief.verification, 'OK');
    } finally {
      await srv.stop();
    }
  });

  test('s_client time limit kills a client whose server never answers', T, async () => {
    const l = await listenTcp();
    try {
      const r = await runOpensslClient(l.port, [], '', { timeoutMs: 500 });
      assert.equal(r.timedOut, true);
    } finally {
      await l.close();
    }
  });
});

