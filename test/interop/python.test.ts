// Interop with CPython's ssl module (OpenSSL underneath), both roles, driven
// sans-I/O on both ends: py_bio_peer.py runs an ssl.SSLObject over
// MemoryBIOs and its raw TLS stream is its stdin/stdout, which we pump
// straight into our own SSLObject. No sockets involved.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';

import {
  CERT_KINDS,
  certSubjectCN,
  fixture,
  leafFiles,
  runPythonPeer,
  type PythonPeerOptions,
  type PythonPeerResult,
} from '../helpers/peers.js';
import {
  SIG_SCHEME,
  echoUntilClose,
  ourClientContext,
  ourOverStream,
  ourServerContext,
  text,
  type OurContextOptions,
  type Ours,
} from '../helpers/ours.js';

const T = { timeout: 20000 };
const CLIENT_CN = certSubjectCN(fixture('client.pem'))!;

function pyErr(r: PythonPeerResult): string {
  return r.error ? JSON.stringify(r.error) : '';
}

// ---------------------------------------------------------------------------

interface ClientRun {
  ours: Ours;
  py: PythonPeerResult;
}

/** Our client against Python's echo server: send, read the echo, unwrap. */
async function ourClientVsPython(
  pyOpts: Partial<PythonPeerOptions>,
  ctxOpts: OurContextOptions,
  message = 'hello python, from ssl-ts\n',
): Promise<ClientRun> {
  const kind = 'ecdsa-p256';
  const py = runPythonPeer({ role: 'server', cert: leafFiles(kind).chain, key: leafFiles(kind).key, ...pyOpts });
  let ours: Ours | undefined;
  try {
    ours = ourOverStream(py.duplex, ourClientContext(ctxOpts), { serverHostname: 'localhost' });
    try {
      await ours.pump.handshake();
    } catch (e) {
      // Show Python's side of a failed handshake too.
      const r = await py.result.catch((x: unknown) => ({ error: String(x) }));
      throw new Error(`our handshake failed: ${String(e)}; python: ${JSON.stringify(r)}`);
    }
    await ours.pump.write(message);
    assert.equal(text(await ours.pump.readExactly(Buffer.byteLength(message))), message);
    await ours.pump.close(); // Python answers our close_notify with its own, then exits
    const r = await py.result;
    assert.equal(r.error, null, pyErr(r));
    assert.equal(r.stage, 'done');
    assert.equal(r.received, message);
    return { ours, py: r };
  } finally {
    ours?.pump.destroy();
    await py.kill();
  }
}

describe('our client -> Python ssl server', () => {
  test('handshake, echo, unwrap both ways', T, async () => {
    const { ours, py } = await ourClientVsPython({}, {});
    assert.equal(ours.obj.version(), 'TLSv1.3');
    assert.equal(py.version, 'TLSv1.3');
    assert.ok(py.cipher);
    assert.equal(ours.obj.cipher()?.[0], py.cipher[0]);
    assert.deepEqual(ours.obj.cipher(), py.cipher);
    assert.equal(py.sni_seen, 'localhost');
    assert.equal(py.peer_cert_subject, null); // no client certificate requested
  });

  for (const kind of CERT_KINDS) {
    test(`Python serves ${kind}`, T, async () => {
      const { ours } = await ourClientVsPython({ cert: leafFiles(kind).chain, key: leafFiles(kind).key }, {});
      assert.match(ours.obj.handshakeInfo().signatureScheme ?? '', SIG_SCHEME[kind]);
    });
  }

  test('ALPN: Python picks http/1.1 from our h2,http/1.1', T, async () => {
    const { ours, py } = await ourClientVsPython({ alpn: ['http/1.1'] }, { alpn: ['h2', 'http/1.1'] });
    assert.equal(ours.obj.selectedAlpnProtocol(), 'http/1.1');
    assert.equal(py.alpn, 'http/1.1');
  });

  test('client certificate required by Python (CERT_REQUIRED)', T, async () => {
    const { py } = await ourClientVsPython({ cafile: fixture('ca.pem'), requestClientCert: true }, { cert: 'client' });
    assert.equal(py.peer_cert_subject?.commonName, CLIENT_CN);
  });

  test('HelloRetryRequest: Python only does P-384, we share x25519 first', T, async () => {
    const { ours } = await ourClientVsPython({ group: 'secp384r1' }, { groups: ['x25519', 'secp384r1'] });
    assert.equal(ours.obj.handshakeInfo().helloRetryRequest, true);
    assert.equal(ours.obj.handshakeInfo().group, 'secp384r1');
  });

  test('every suite Python accepts, chosen by us', T, async () => {
    for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
      const { ours, py } = await ourClientVsPython({}, { suites: [suite] });
      assert.equal(ours.obj.cipher()?.[0], suite);
      assert.equal(py.cipher?.[0], suite);
    }
  });
});

// ---------------------------------------------------------------------------

interface ServerRun {
  ours: Ours;
  py: PythonPeerResult;
  received: string;
}

/** Python's client against our echo server: it sends, reads the echo, then unwraps; we answer. */
async function pythonVsOurServer(
  pyOpts: Partial<PythonPeerOptions>,
  ctxOpts: OurContextOptions,
  message = 'hello ssl-ts, from python\n',
): Promise<ServerRun> {
  const py = runPythonPeer({ role: 'client', cafile: fixture('ca.pem'), message, ...pyOpts });
  let ours: Ours | undefined;
  try {
    ours = ourOverStream(py.duplex, ourServerContext(ctxOpts), { serverSide: true });
    try {
      await ours.pump.handshake();
    } catch (e) {
      const r = await py.result.catch((x: unknown) => ({ error: String(x) }));
      throw new Error(`our handshake failed: ${String(e)}; python: ${JSON.stringify(r)}`);
    }
    const received = text(await echoUntilClose(ours.pump));
    const r = await py.result;
    assert.equal(r.error, null, pyErr(r));
    assert.equal(r.stage, 'done'); // Python's unwrap completed: it got our close_notify
    assert.equal(received, message);
    assert.equal(r.received, message);
    return { ours, py: r, received };
  } finally {
    ours?.pump.destroy();
    await py.kill();
  }
}

describe('Python ssl client -> our server', () => {
  test('handshake, echo, unwrap both ways', T, async () => {
    const { ours, py } = await pythonVsOurServer({}, {});
    assert.equal(py.version, 'TLSv1.3');
    assert.deepEqual(py.cipher, ours.obj.cipher());
    assert.equal(py.peer_cert_subject?.commonName, 'localhost');
    assert.equal(ours.obj.handshakeInfo().serverName, 'localhost');
  });

  for (const kind of CERT_KINDS) {
    test(`we serve ${kind}`, T, async () => {
      const { ours, py } = await pythonVsOurServer({}, { cert: kind });
      assert.match(ours.obj.handshakeInfo().signatureScheme ?? '', SIG_SCHEME[kind]);
      assert.equal(py.peer_cert_subject?.commonName, 'localhost');
    });
  }

  test('ALPN: Python offers h2,http/1.1, we pick h2', T, async () => {
    const { ours, py } = await pythonVsOurServer({ alpn: ['h2', 'http/1.1'] }, { alpn: ['h2'] });
    assert.equal(py.alpn, 'h2');
    assert.equal(ours.obj.selectedAlpnProtocol(), 'h2');
  });

  test('client certificate required by us, presented by Python', T, async () => {
    const { ours } = await pythonVsOurServer(
      { cert: fixture('client-chain.pem'), key: fixture('client.key') },
      { verifyMode: 'required' },
    );
    const peer = ours.obj.getPeerCert() as { subject?: [string, string][][] } | null;
    assert.ok(peer && peer.subject);
    assert.ok(peer.subject.flat().some(([k, v]) => k === 'commonName' && v === CLIENT_CN));
  });

  test('HelloRetryRequest: Python shares x25519, we only take P-256', T, async () => {
    // Python's client sends a key share for x25519 only (OpenSSL's default).
    const { ours } = await pythonVsOurServer({}, { groups: ['secp256r1'] });
    assert.equal(ours.obj.handshakeInfo().helloRetryRequest, true);
    assert.equal(ours.obj.handshakeInfo().group, 'secp256r1');
  });

  test('Python restricted to one group (set_ecdh_curve secp384r1)', T, async () => {
    const { ours } = await pythonVsOurServer({ group: 'secp384r1' }, {});
    assert.equal(ours.obj.handshakeInfo().group, 'secp384r1');
    assert.equal(ours.obj.handshakeInfo().helloRetryRequest, false);
  });

  test('40 KB message echoed', T, async () => {
    const message = 'ssl-ts '.repeat(6000) + '\n';
    const { received } = await pythonVsOurServer({}, {}, message);
    assert.equal(received.length, message.length);
  });
});

// ---------------------------------------------------------------------------
// The same handshakes with Python's bytes delivered to us one at a time, and
// ours written to Python one byte per write: the result must not change.


function trickle(inner: Duplex): Duplex {
  const outer = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      for (const b of chunk) inner.write(Buffer.of(b));
      done();
    },
    final(done) {
      inner.end();
      done();
    },
  });
  inner.on('data', (d: Buffer) => {
    for (const b of d) outer.push(Buffer.of(b));
  });
  inner.on('end', () => outer.push(null));
  inner.on('error', (e) => outer.destroy(e));
  return outer;
}

describe('one byte at a time against Python ssl', () => {
  test('our client, Python server: handshake, echo, unwrap', T, async () => {
    const kind = 'rsa2048';
    const py = runPythonPeer({ role: 'server', cert: leafFiles(kind).chain, key: leafFiles(kind).key, group: 'secp384r1' });
    const ours = ourOverStream(trickle(py.duplex), ourClientContext({ groups: ['x25519', 'secp384r1'] }), { serverHostname: 'localhost' });
    try {
      await ours.pump.handshake();
      assert.equal(ours.obj.handshakeInfo().helloRetryRequest, true);
      await ours.pump.write('one byte at a time\n');
      assert.equal(text(await ours.pump.readExactly(19)), 'one byte at a time\n');
      await ours.pump.close();
      const r = await py.result;
      assert.equal(r.error, null, pyErr(r));
      assert.equal(r.received, 'one byte at a time\n');
    } finally {
      ours.pump.destroy();
      await py.kill();
    }
  });

  test('Python client, our server with a client certificate', T, async () => {
    const message = 'trickled\n';
    const py = runPythonPeer({ role: 'client', cafile: fixture('ca.pem'), message, cert: fixture('client-chain.pem'), key: fixture('client.key') });
    const ours = ourOverStream(trickle(py.duplex), ourServerContext({ verifyMode: 'required' }), { serverSide: true });
    try {
      await ours.pump.handshake();
      assert.equal(text(await echoUntilClose(ours.pump)), message);
      const r = await py.result;
      assert.equal(r.error, null, pyErr(r));
      assert.equal(r.received, message);
      assert.ok(ours.obj.getPeerCert());
    } finally {
      ours.pump.destroy();
      await py.kill();
    }
  });
});
