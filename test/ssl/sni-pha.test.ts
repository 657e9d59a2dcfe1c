// SNI callback and TLS 1.3 post-handshake auth between two of our SSLObjects, with the
// semantics of CPython's test_ssl (test_sni_callback*, test_pha_*) on OpenSSL.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  ALERT_DESCRIPTION_ACCESS_DENIED,
  CERT_NONE,
  CERT_OPTIONAL,
  CERT_REQUIRED,
  MemoryBIO,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  SSLContext,
  SSLError,
  SSLObject,
  SSLWantReadError,
  TLSVersion,
} from '../../src/index.js';
import { setUnraisableHook, type UnraisableInfo } from '../../src/ssl/unraisable.js';

const CERTDATA = execFileSync('python3', ['-c', 'import test,os;print(os.path.dirname(test.__file__))']).toString().trim() + '/certdata/';
const SIGNED_CERTFILE = CERTDATA + 'keycert3.pem';
const SIGNED_CERTFILE2 = CERTDATA + 'keycert4.pem';
const SIGNING_CA = CERTDATA + 'pycacert.pem';

interface Pair {
  client: SSLObject;
  server: SSLObject;
  cIn: MemoryBIO;
  cOut: MemoryBIO;
  sIn: MemoryBIO;
  sOut: MemoryBIO;
}

function pair(clientCtx: SSLContext, serverCtx: SSLContext, hostname: string | null): Pair {
  const cIn = new MemoryBIO(), cOut = new MemoryBIO(), sIn = new MemoryBIO(), sOut = new MemoryBIO();
  return {
    client: clientCtx.wrapBio(cIn, cOut, { serverHostname: hostname }),
    server: serverCtx.wrapBio(sIn, sOut, { serverSide: true }),
    cIn, cOut, sIn, sOut,
  };
}

function attempt<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof SSLWantReadError) return undefined;
    throw e;
  }
}

function shuttle(p: Pair): void {
  if (p.cOut.pending) p.sIn.write(p.cOut.read());
  if (p.sOut.pending) p.cIn.write(p.sOut.read());
}

/** Handshake both sides; returns the first error each side raised. */
function handshake(p: Pair): { client?: unknown; server?: unknown } {
  const errs: { client?: unknown; server?: unknown } = {};
  for (let i = 0; i < 6; i++) {
    try {
      if (!errs.client) attempt(() => p.client.doHandshake());
    } catch (e) {
      errs.client = e;
    }
    shuttle(p);
    try {
      if (!errs.server) attempt(() => p.server.doHandshake());
    } catch (e) {
      errs.server = e;
    }
    shuttle(p);
  }
  return errs;
}

function sniContexts(): [SSLContext, SSLContext, SSLContext] {
  const server = new SSLContext(PROTOCOL_TLS_SERVER);
  server.loadCertChain(SIGNED_CERTFILE);
  const other = new SSLContext(PROTOCOL_TLS_SERVER);
  other.loadCertChain(SIGNED_CERTFILE2);
  const client = new SSLContext(PROTOCOL_TLS_CLIENT);
  client.loadVerifyLocations({ cafile: SIGNING_CA });
  return [server, other, client];
}

function peerCN(obj: SSLObject): string | undefined {
  const cert = obj.getPeerCert() as { subject: [string, string][][] };
  return cert.subject.flat().find(([k]) => k === 'commonName')?.[1];
}

function captureUnraisable(): { seen: UnraisableInfo[]; restore: () => void } {
  const seen: UnraisableInfo[] = [];
  const prev = setUnraisableHook((info) => seen.push(info));
  return { seen, restore: () => setUnraisableHook(prev) };
}

for (const version of [TLSVersion.TLSv1_3, TLSVersion.TLSv1_2]) {
  describe(`SNI callback (${version === TLSVersion.TLSv1_3 ? 'TLS 1.3' : 'TLS 1.2'})`, () => {
    test('is called with (sslObject, name, context) and may switch the context', () => {
      const [server, other, client] = sniContexts();
      client.checkHostname = false;
      client.maximumVersion = version;
      const calls: [unknown, string | null, SSLContext][] = [];
      server.sniCallback = (obj, name, ctx) => {
        calls.push([obj, name, ctx]);
        if (name !== null) obj.context = other;
      };
      let p = pair(client, server, 'supermessage');
      assert.deepEqual(handshake(p), {});
      assert.equal(calls.length, 1);
      assert.equal(calls[0]![0], p.server);
      assert.equal(calls[0]![1], 'supermessage');
      assert.equal(calls[0]![2], server);
      assert.equal(p.server.context, other);
      assert.equal(peerCN(p.client), 'fakehostname');

      calls.length = 0;
      p = pair(client, server, null);
      assert.deepEqual(handshake(p), {});
      assert.deepEqual(calls.map((c) => c[1]), [null]);
      assert.equal(peerCN(p.client), 'localhost');

      calls.length = 0;
      server.setServernameCallback(null);
      p = pair(client, server, 'notfunny');
      assert.deepEqual(handshake(p), {});
      assert.equal(peerCN(p.client), 'localhost');
      assert.equal(calls.length, 0);
    });

    test('the new context also brings its ALPN list', () => {
      const [server, other, client] = sniContexts();
      client.checkHostname = false;
      client.maximumVersion = version;
      client.setAlpnProtocols(['h2', 'http/1.1']);
      server.setAlpnProtocols(['h2']);
      other.setAlpnProtocols(['http/1.1']);
      server.sniCallback = (obj) => {
        obj.context = other;
      };
      const p = pair(client, server, 'x');
      assert.deepEqual(handshake(p), {});
      assert.equal(p.client.selectedAlpnProtocol(), 'http/1.1');
    });

    test('returning an alert number sends that alert', () => {
      const [server, , client] = sniContexts();
      client.maximumVersion = version;
      server.sniCallback = () => ALERT_DESCRIPTION_ACCESS_DENIED;
      const errs = handshake(pair(client, server, 'supermessage'));
      assert.ok(errs.client instanceof SSLError);
      assert.equal(errs.client.reason, 'TLSV1_ALERT_ACCESS_DENIED');
      assert.ok(errs.server instanceof SSLError);
      assert.equal(errs.server.reason, 'CALLBACK_FAILED');
    });

    test('raising sends handshake_failure and reports the exception as unraisable', () => {
      const [server, , client] = sniContexts();
      client.maximumVersion = version;
      const boom = new RangeError('1/0');
      server.sniCallback = () => {
        throw boom;
      };
      const cap = captureUnraisable();
      try {
        const errs = handshake(pair(client, server, 'supermessage'));
        assert.ok(errs.client instanceof SSLError);
        assert.equal(errs.client.reason, 'SSLV3_ALERT_HANDSHAKE_FAILURE');
        assert.ok(errs.server instanceof SSLError);
        assert.equal(errs.server.reason, 'CALLBACK_FAILED');
        assert.equal((errs.server as Error & { cause?: unknown }).cause, boom);
        assert.equal(cap.seen.length, 1);
        assert.equal(cap.seen[0]!.exception, boom);
      } finally {
        cap.restore();
      }
    });

    test('a return value that is not an alert number sends internal_error', () => {
      const [server, , client] = sniContexts();
      client.maximumVersion = version;
      server.sniCallback = (() => 'foo') as never;
      const cap = captureUnraisable();
      try {
        const errs = handshake(pair(client, server, 'supermessage'));
        assert.ok(errs.client instanceof SSLError);
        assert.equal(errs.client.reason, 'TLSV1_ALERT_INTERNAL_ERROR');
        assert.ok(cap.seen[0]!.exception instanceof TypeError);
      } finally {
        cap.restore();
      }
    });
  });
}

test('SSLObject.context only takes an SSLContext', () => {
  const [server, , client] = sniContexts();
  const p = pair(client, server, 'localhost');
  assert.throws(() => {
    p.client.context = {} as SSLContext;
  }, TypeError);
});

/** A server that answers like test_ssl's ThreadedEchoServer for PHA, HASCERT and GETCERT. */
function phaPair(client: SSLContext, server: SSLContext): Pair & { request: (cmd: string) => string } {
  const p = pair(client, server, 'localhost');
  assert.deepEqual(handshake(p), {});
  const request = (cmd: string): string => {
    p.client.write(Buffer.from(cmd));
    shuttle(p);
    const got = Buffer.from(p.server.read(1024)).toString();
    let reply: string;
    if (got === 'PHA') {
      try {
        p.server.verifyClientPostHandshake();
        reply = 'OK';
      } catch (e) {
        reply = String((e as Error).message);
      }
    } else if (got === 'HASCERT') {
      reply = p.server.getPeerCert() !== null ? 'TRUE' : 'FALSE';
    } else {
      reply = JSON.stringify(p.server.getPeerCert());
    }
    p.server.write(Buffer.from(reply));
    shuttle(p);
    const answer = Buffer.from(p.client.read(4096)).toString();
    shuttle(p); // the client's Certificate/CertificateVerify/Finished, if any
    return answer;
  };
  return { ...p, request };
}

function phaContexts(): [SSLContext, SSLContext] {
  const client = new SSLContext(PROTOCOL_TLS_CLIENT);
  client.loadVerifyLocations({ cafile: SIGNING_CA });
  const server = new SSLContext(PROTOCOL_TLS_SERVER);
  server.loadCertChain(SIGNED_CERTFILE);
  server.loadVerifyLocations({ cafile: SIGNING_CA });
  return [client, server];
}

describe('post-handshake auth (CPython test_pha_*)', () => {
  test('required: no certificate in the handshake, one after PHA; a second request works too', () => {
    const [client, server] = phaContexts();
    server.postHandshakeAuth = true;
    server.verifyMode = CERT_REQUIRED;
    client.postHandshakeAuth = true;
    client.loadCertChain(SIGNED_CERTFILE);
    const p = phaPair(client, server);
    assert.equal(p.request('HASCERT'), 'FALSE');
    assert.equal(p.request('PHA'), 'OK');
    assert.equal(p.request('HASCERT'), 'TRUE');
    assert.equal(p.request('PHA'), 'OK');
    assert.match(p.request('GETCERT'), /Python Software Foundation CA/);
  });

  test('second request before the first went out or was answered: REQUEST_PENDING / REQUEST_SENT', () => {
    const [client, server] = phaContexts();
    server.postHandshakeAuth = true;
    server.verifyMode = CERT_REQUIRED;
    client.postHandshakeAuth = true;
    client.loadCertChain(SIGNED_CERTFILE);
    const p = phaPair(client, server);
    p.server.verifyClientPostHandshake();
    assert.throws(() => p.server.verifyClientPostHandshake(), (e: SSLError) => e.reason === 'REQUEST_PENDING');
    p.server.write(Buffer.from('x'));
    assert.throws(() => p.server.verifyClientPostHandshake(), (e: SSLError) => e.reason === 'REQUEST_SENT');
  });

  test('required without a client certificate: certificate_required alert', () => {
    const [client, server] = phaContexts();
    server.postHandshakeAuth = true;
    server.verifyMode = CERT_REQUIRED;
    client.postHandshakeAuth = true;
    const p = phaPair(client, server);
    assert.equal(p.request('PHA'), 'OK');
    assert.throws(() => p.server.read(1024), (e: SSLError) => e.reason === 'PEER_DID_NOT_RETURN_A_CERTIFICATE');
    shuttle(p);
    assert.throws(() => p.client.read(1024), (e: SSLError) => e.reason === 'TLSV13_ALERT_CERTIFICATE_REQUIRED');
  });

  test('optional without a client certificate: the connection goes on', () => {
    const [client, server] = phaContexts();
    server.postHandshakeAuth = true;
    server.verifyMode = CERT_OPTIONAL;
    client.postHandshakeAuth = true;
    const p = phaPair(client, server);
    assert.equal(p.request('PHA'), 'OK');
    assert.equal(p.request('HASCERT'), 'FALSE');
  });

  test('client without PHA: EXTENSION_NOT_RECEIVED; on a client: NOT_SERVER', () => {
    const [client, server] = phaContexts();
    server.postHandshakeAuth = true;
    server.verifyMode = CERT_REQUIRED;
    client.loadCertChain(SIGNED_CERTFILE);
    const p = phaPair(client, server);
    assert.throws(() => p.client.verifyClientPostHandshake(), (e: SSLError) => e instanceof SSLError && e.reason === 'NOT_SERVER' && /not server/.test(e.message));
    assert.match(p.request('PHA'), /extension not received/);
  });

  test('server without PHA asks in the handshake; PHA afterwards still works', () => {
    const [client, server] = phaContexts();
    server.verifyMode = CERT_REQUIRED;
    client.postHandshakeAuth = true;
    client.loadCertChain(SIGNED_CERTFILE);
    const p = phaPair(client, server);
    assert.equal(p.request('HASCERT'), 'TRUE');
    assert.equal(p.request('PHA'), 'OK');
    assert.equal(p.request('HASCERT'), 'TRUE');
  });

  test('TLS 1.2: WRONG_SSL_VERSION', () => {
    const [client, server] = phaContexts();
    server.verifyMode = CERT_REQUIRED;
    client.maximumVersion = TLSVersion.TLSv1_2;
    client.postHandshakeAuth = true;
    client.loadCertChain(SIGNED_CERTFILE);
    const p = phaPair(client, server);
    assert.match(p.request('PHA'), /WRONG_SSL_VERSION/);
  });

  test('bpo-37428: PHA does not enable verification on the client', () => {
    const client = new SSLContext(PROTOCOL_TLS_CLIENT);
    client.postHandshakeAuth = true;
    client.loadCertChain(SIGNED_CERTFILE);
    client.checkHostname = false;
    client.verifyMode = CERT_NONE;
    const server = new SSLContext(PROTOCOL_TLS_SERVER);
    server.loadCertChain(SIGNED_CERTFILE);
    server.loadVerifyLocations({ cafile: SIGNING_CA });
    server.postHandshakeAuth = true;
    server.verifyMode = CERT_REQUIRED;
    const p = phaPair(client, server);
    assert.equal(p.request('HASCERT'), 'FALSE');
    assert.equal(p.request('PHA'), 'OK');
    assert.equal(p.request('HASCERT'), 'TRUE');
    assert.deepEqual(p.client.getPeerCert(), {});
  });

  test('before the handshake: WRONG_SSL_VERSION', () => {
    const [client, server] = phaContexts();
    const p = pair(client, server, 'localhost');
    assert.throws(() => p.server.verifyClientPostHandshake(), (e: SSLError) => e.reason === 'WRONG_SSL_VERSION');
  });
});
