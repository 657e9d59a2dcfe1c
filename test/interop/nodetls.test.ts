// Interop with node:tls (Node's bundled OpenSSL) in-process, both roles,
// over real loopback TCP. Node's view of each connection is snapshotted right
// after its handshake (getProtocol/getCipher/alpnProtocol/getPeerCertificate).

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type * as tls from 'node:tls';

import {
  CERT_KINDS,
  OPENSSL_GROUP,
  TLS13_SUITES,
  certSubjectCN,
  collectBytes,
  collectUntilEnd,
  connectNodeTls,
  fixture,
  fixtureText,
  listenTcp,
  snapshotTls,
  startNodeTlsServer,
  withTimeout,
  type TlsSnapshot,
} from '../helpers/peers.js';
import {
  SIG_SCHEME,
  acceptOurs,
  connectOurs,
  echoUntilClose,
  ourClientContext,
  ourServerContext,
  text,
  type OurContextOptions,
  type Ours,
} from '../helpers/ours.js';

const T = { timeout: 20000 };
const GROUPS = ['x25519', 'secp256r1', 'secp384r1'] as const;
const CLIENT_CN = certSubjectCN(fixture('client.pem'))!;

/** node:tls options for serving one certificate kind. */
function nodeCert(kind: string): { key: string; cert: string } {
  return { key: fixtureText(`leaf-${kind}.key`), cert: fixtureText(`leaf-${kind}-chain.pem`) };
}

/** Bits of secret for each suite, as Python's cipher() reports them. */
const SUITE_BITS: Record<string, number> = {
  TLS_AES_128_GCM_SHA256: 128,
  TLS_AES_256_GCM_SHA384: 256,
  TLS_CHACHA20_POLY1305_SHA256: 256,
};

// ---------------------------------------------------------------------------
// Our client against a node:tls echo server.

interface ClientRun {
  ours: Ours;
  node: TlsSnapshot;
}

async function ourClientVsNodeServer(
  serverOpts: tls.TlsOptions,
  ctxOpts: OurContextOptions,
  message = 'hello node, from ssl-ts\n',
): Promise<ClientRun> {
  const srv = await startNodeTlsServer({ minVersion: 'TLSv1.3', ...serverOpts });
  let ours: Ours | undefined;
  try {
    ours = await connectOurs(srv.port, ourClientContext(ctxOpts));
    await ours.pump.handshake();
    const conn = await srv.nextSecure();
    await ours.pump.write(message);
    assert.equal(text(await ours.pump.readExactly(Buffer.byteLength(message))), message);
    // Node's echo server ends its side when it gets our close_notify: both close_notifys flow.
    await ours.pump.close();
    return { ours, node: conn.info };
  } finally {
    ours?.pump.destroy();
    await srv.stop();
  }
}

describe('our client -> node:tls server', () => {
  for (const suite of TLS13_SUITES) {
    for (const group of GROUPS) {
      test(`${suite} / ${group} / ecdsa-p256`, T, async () => {
        const r = await ourClientVsNodeServer(
          { ...nodeCert('ecdsa-p256'), ciphers: suite, ecdhCurve: OPENSSL_GROUP[group] },
          { suites: [suite], groups: [group] },
        );
        assert.equal(r.ours.obj.version(), 'TLSv1.3');
        assert.deepEqual(r.ours.obj.cipher(), [suite, 'TLSv1.3', SUITE_BITS[suite]]);
        const info = r.ours.obj.handshakeInfo();
        assert.equal(info.group, group);
        assert.equal(info.helloRetryRequest, false);
        assert.match(info.signatureScheme ?? '', SIG_SCHEME['ecdsa-p256']);
        assert.equal(r.node.protocol, 'TLSv1.3');
        assert.equal(r.node.cipher.name, suite);
        assert.equal(r.node.servername, 'localhost');
      });
    }
  }

  for (const kind of CERT_KINDS) {
    test(`node serves ${kind}`, T, async () => {
      const r = await ourClientVsNodeServer(nodeCert(kind), { suites: ['TLS_AES_256_GCM_SHA384'], groups: ['x25519'] });
      assert.match(r.ours.obj.handshakeInfo().signatureScheme ?? '', SIG_SCHEME[kind]);
      assert.match(r.ours.obj.handshakeInfo().peerCertificateSubject ?? '', /commonName=localhost/);
      assert.equal(r.node.cipher.name, 'TLS_AES_256_GCM_SHA384');
    });
  }

  test('node restricted by sigalgs: rsa_pss_rsae_sha384 and ecdsa_secp384r1_sha384', T, async () => {
    const rsa = await ourClientVsNodeServer({ ...nodeCert('rsa2048'), sigalgs: 'rsa_pss_rsae_sha384' }, {});
    assert.equal(rsa.ours.obj.handshakeInfo().signatureScheme, 'rsa_pss_rsae_sha384');
    const ec = await ourClientVsNodeServer({ ...nodeCert('ecdsa-p384'), sigalgs: 'ecdsa_secp384r1_sha384' }, {});
    assert.equal(ec.ours.obj.handshakeInfo().signatureScheme, 'ecdsa_secp384r1_sha384');
  });

  test('HelloRetryRequest from node (we share x25519, node only takes P-384)', T, async () => {
    const r = await ourClientVsNodeServer({ ...nodeCert('ecdsa-p256'), ecdhCurve: 'P-384' }, { groups: ['x25519', 'secp384r1'] });
    assert.equal(r.ours.obj.handshakeInfo().helloRetryRequest, true);
    assert.equal(r.ours.obj.handshakeInfo().group, 'secp384r1');
  });

  test('client certificate required by node (requestCert + rejectUnauthorized)', T, async () => {
    const r = await ourClientVsNodeServer(
      { ...nodeCert('ecdsa-p256'), requestCert: true, rejectUnauthorized: true, ca: fixtureText('ca.pem') },
      { cert: 'client' },
    );
    assert.equal(r.node.authorized, true, r.node.authorizationError ?? '');
    assert.equal(r.node.peerCN, CLIENT_CN);
  });

  test('ALPN: we offer h2,http/1.1, node prefers http/1.1', T, async () => {
    const r = await ourClientVsNodeServer({ ...nodeCert('ecdsa-p256'), ALPNProtocols: ['http/1.1', 'h2'] }, { alpn: ['h2', 'http/1.1'] });
    // OpenSSL servers (node's ALPN callback) choose by the server's own order.
    assert.equal(r.ours.obj.selectedAlpnProtocol(), 'http/1.1');
    assert.equal(r.node.alpn, 'http/1.1');
  });

  test('256 KB echoed through node', T, async () => {
    const big = 'x'.repeat(1023) + '\n';
    const r = await ourClientVsNodeServer(nodeCert('ecdsa-p256'), {}, big.repeat(256));
    assert.equal(r.node.protocol, 'TLSv1.3');
  });
});

// ---------------------------------------------------------------------------
// node:tls client against our echo server.

interface ServerRun {
  ours: Ours;
  node: TlsSnapshot;
  echoed: string;
  received: string;
}

async function nodeClientVsOurServer(
  clientOpts: tls.ConnectionOptions,
  ctxOpts: OurContextOptions,
  message = 'hello ssl-ts, from node\n',
): Promise<ServerRun> {
  const l = await listenTcp();
  let ours: Ours | undefined;
  let client: tls.TLSSocket | undefined;
  try {
    const acceptP = l.accept();
    const clientP = connectNodeTls(l.port, {
      servername: 'localhost',
      ca: fixtureText('ca.pem'),
      minVersion: 'TLSv1.3',
      ...clientOpts,
    });
    const sock = await acceptP;
    ours = acceptOurs(sock, ourServerContext(ctxOpts));
    const serverDone = (async () => {
      await ours!.pump.handshake();
      return echoUntilClose(ours!.pump);
    })();
    // Whichever fails first is reported; the other's rejection must not go unhandled.
    clientP.catch(() => {});
    serverDone.catch(() => {});
    // If our handshake fails, node's connect fails too: surface our error first.
    client = await Promise.race([clientP, serverDone.then(() => clientP)]);
    const node = snapshotTls(client);
    client.write(message);
    const echoed = (await collectBytes(client, Buffer.byteLength(message))).toString();
    const endP = collectUntilEnd(client);
    client.end(); // close_notify from node; our server answers with its own
    const received = text(await withTimeout(serverDone, 10000, 'our server to finish'));
    await endP;
    return { ours, node, echoed, received };
  } finally {
    client?.destroy();
    ours?.pump.destroy();
    await l.close();
  }
}

function assertEcho(r: ServerRun, message = 'hello ssl-ts, from node\n'): void {
  assert.equal(r.received, message);
  assert.equal(r.echoed, message);
  assert.equal(r.node.protocol, 'TLSv1.3');
  assert.equal(r.node.authorized, true, r.node.authorizationError ?? '');
  assert.equal(r.node.peerCN, 'localhost');
}

describe('node:tls client -> our server', () => {
  for (const suite of TLS13_SUITES) {
    for (const group of GROUPS) {
      test(`${suite} / ${group} / ecdsa-p256`, T, async () => {
        const r = await nodeClientVsOurServer({ ciphers: suite, ecdhCurve: OPENSSL_GROUP[group] }, {});
        assertEcho(r);
        assert.equal(r.node.cipher.name, suite);
        assert.equal(r.node.ephemeralKey, group === 'x25519' ? 'X25519' : group === 'secp256r1' ? 'prime256v1' : 'secp384r1');
        assert.equal(r.ours.obj.cipher()?.[0], suite);
        assert.equal(r.ours.obj.handshakeInfo().group, group);
        assert.equal(r.ours.obj.handshakeInfo().helloRetryRequest, false);
        assert.equal(r.ours.obj.handshakeInfo().serverName, 'localhost');
      });
    }
  }

  for (const kind of CERT_KINDS) {
    test(`we serve ${kind}`, T, async () => {
      const r = await nodeClientVsOurServer({ ciphers: 'TLS_CHACHA20_POLY1305_SHA256' }, { cert: kind });
      assertEcho(r);
      assert.match(r.ours.obj.handshakeInfo().signatureScheme ?? '', SIG_SCHEME[kind]);
      assert.equal(r.node.cipher.name, 'TLS_CHACHA20_POLY1305_SHA256');
    });
  }

  test('node restricts sigalgs: we sign with rsa_pss_rsae_sha512', T, async () => {
    const r = await nodeClientVsOurServer({ sigalgs: 'rsa_pss_rsae_sha512' }, { cert: 'rsa2048' });
    assertEcho(r);
    assert.equal(r.ours.obj.handshakeInfo().signatureScheme, 'rsa_pss_rsae_sha512');
  });

  test('HelloRetryRequest from us: node shares P-384, we only take x25519', T, async () => {
    const r = await nodeClientVsOurServer({ ecdhCurve: 'P-384:X25519' }, { groups: ['x25519'] });
    assertEcho(r);
    assert.equal(r.ours.obj.handshakeInfo().helloRetryRequest, true);
    assert.equal(r.ours.obj.handshakeInfo().group, 'x25519');
    assert.equal(r.node.ephemeralKey, 'X25519');
  });

  test('client certificate required by us, presented by node', T, async () => {
    const r = await nodeClientVsOurServer(
      { key: fixtureText('client.key'), cert: fixtureText('client-chain.pem') },
      { verifyMode: 'required' },
    );
    assertEcho(r);
    const peer = r.ours.obj.getPeerCert() as { subject?: [string, string][][] } | null;
    assert.ok(peer && peer.subject);
    assert.ok(peer.subject.flat().some(([k, v]) => k === 'commonName' && v === CLIENT_CN));
  });

  test('ALPN: node offers h2,http/1.1; we pick by our order (http/1.1 first)', T, async () => {
    const r = await nodeClientVsOurServer({ ALPNProtocols: ['h2', 'http/1.1'] }, { alpn: ['http/1.1', 'h2'] });
    assertEcho(r);
    assert.equal(r.node.alpn, 'http/1.1');
    assert.equal(r.ours.obj.selectedAlpnProtocol(), 'http/1.1');
  });
});
