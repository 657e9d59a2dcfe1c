// TLS 1.2 interop over loopback: openssl s_server/s_client -tls1_2, node:tls
// with maxVersion TLSv1.2, and Python's ssl with maximum_version TLSv1_2, in
// both roles; plus the version negotiation matrix against real peers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as tls from 'node:tls';
import { SSLError } from '../../src/index.js';
import {
  OPENSSL_GROUP,
  OPENSSL_TEMP_KEY,
  certSubjectCN,
  connectNodeTls,
  collectUntilEnd,
  fixture,
  fixtureText,
  leafFiles,
  listenTcp,
  runOpensslClient,
  runPythonPeer,
  startNodeTlsServer,
  startOpensslServer,
} from '../helpers/peers.js';
import {
  acceptOurs,
  connectOurs,
  echoUntilClose,
  ourClientContext,
  ourOverStream,
  ourServerContext,
  text,
  type OurContextOptions,
} from '../helpers/ours.js';

const T = { timeout: 20000 };
const SUITES = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
] as const;
const GROUPS = ['x25519', 'secp256r1', 'secp384r1'] as const;
const CLIENT_CN = certSubjectCN(fixture('client.pem'))!;
const kindFor = (suite: string): string => (suite.includes('-RSA-') ? 'rsa2048' : 'ecdsa-p256');
const bitsFor = (suite: string): number => (suite.includes('AES128') ? 128 : 256);

function serveKind(kind: string): string[] {
  const f = leafFiles(kind);
  return ['-cert', f.leaf, '-key', f.key, '-cert_chain', fixture('inter.pem')];
}

/** Our client against `openssl s_server -rev`; returns our SSLObject and s_server's output. */
async function ourClientVsSServer(serverArgs: string[], ctxOpts: OurContextOptions) {
  const server = await startOpensslServer(['-rev', '-naccept', '1', ...serverArgs]);
  const ours = await connectOurs(server.port, ourClientContext({ versions: 'tls12', ...ctxOpts }));
  try {
    await ours.pump.handshake();
    await ours.pump.write('twelve\n');
    assert.equal(text(await ours.pump.readUntil('\n')), 'evlewt\n');
    await ours.pump.close();
    const output = await server.finished();
    return { obj: ours.obj, output };
  } finally {
    ours.pump.destroy();
    await server.stop();
  }
}

/** `openssl s_client -tls1_2` against our echo server. */
async function sClientVsOurServer(clientArgs: string[], ctxOpts: OurContextOptions) {
  const input = 'hello over tls 1.2\n';
  const l = await listenTcp();
  const clientP = runOpensslClient(l.port, ['-servername', 'localhost', '-CAfile', fixture('ca.pem'), '-verify_return_error', ...clientArgs], input);
  let ours: ReturnType<typeof acceptOurs> | undefined;
  try {
    ours = acceptOurs(await l.accept(), ourServerContext({ versions: 'tls12', ...ctxOpts }));
    await ours.pump.handshake();
    const received = text(await ours.pump.readExactly(input.length));
    await ours.pump.write(received);
    await ours.pump.close();
    const client = await clientP;
    assert.equal(client.code, 0, client.stderr);
    assert.equal(client.stdout, input);
    assert.equal(client.brief.protocol, 'TLSv1.2');
    assert.equal(client.brief.verification, 'OK');
    return { obj: ours.obj, client };
  } finally {
    ours?.pump.destroy();
    await clientP.catch(() => {});
    await l.close();
  }
}

describe('TLS 1.2: our client -> openssl s_server -tls1_2', () => {
  for (const suite of SUITES) {
    for (const group of GROUPS) {
      test(`${suite} / ${group}`, T, async () => {
        // RFC 8422: in TLS 1.2 the groups also bound the ECDSA certificate's curve (P-256 here).
        const groups = suite.includes('ECDSA') && group !== 'secp256r1' ? [group, 'secp256r1'] : [group];
        const { obj, output } = await ourClientVsSServer(
          ['-tls1_2', ...serveKind(kindFor(suite)), '-cipher', suite, '-groups', groups.map((g) => OPENSSL_GROUP[g]).join(':')],
          { groups },
        );
        assert.equal(obj.version(), 'TLSv1.2');
        assert.deepEqual(obj.cipher(), [suite, 'TLSv1.2', bitsFor(suite)]);
        assert.equal(obj.handshakeInfo().group, group);
        assert.match(output, new RegExp(`Ciphersuite: ${suite}`));
        assert.equal(obj.getChannelBinding('tls-unique')?.length, 12);
      });
    }
  }

  test('client certificate requested by openssl', T, async () => {
    const { output } = await ourClientVsSServer(
      ['-tls1_2', ...serveKind('ecdsa-p256'), '-Verify', '1', '-verify_return_error', '-CAfile', fixture('ca.pem')],
      { cert: 'client' },
    );
    assert.match(output, new RegExp(`Peer certificate: .*${CLIENT_CN}`));
  });

  test('ALPN', T, async () => {
    const { obj } = await ourClientVsSServer(['-tls1_2', ...serveKind('ecdsa-p256'), '-alpn', 'http/1.1'], { alpn: ['h2', 'http/1.1'] });
    assert.equal(obj.selectedAlpnProtocol(), 'http/1.1');
  });
});

describe('TLS 1.2: openssl s_client -tls1_2 -> our server', () => {
  for (const suite of SUITES) {
    for (const group of GROUPS) {
      test(`${suite} / ${group}`, T, async () => {
        const groups = suite.includes('ECDSA') && group !== 'secp256r1' ? [group, 'secp256r1'] : [group];
        const { obj, client } = await sClientVsOurServer(
          ['-tls1_2', '-cipher', suite, '-groups', groups.map((g) => OPENSSL_GROUP[g]).join(':')],
          { cert: kindFor(suite), groups: [group] },
        );
        assert.equal(client.brief.ciphersuite, suite);
        assert.match(client.brief.serverTempKey ?? '', OPENSSL_TEMP_KEY[group]);
        assert.deepEqual(obj.cipher(), [suite, 'TLSv1.2', bitsFor(suite)]);
        assert.ok(obj.sharedCiphers()?.some(([n]) => n === suite));
      });
    }
  }

  test('client certificate required by us', T, async () => {
    const { obj } = await sClientVsOurServer(
      ['-tls1_2', '-cert', fixture('client.pem'), '-key', fixture('client.key'), '-cert_chain', fixture('inter.pem')],
      { verifyMode: 'required' },
    );
    const peer = obj.getPeerCert() as { subject: [string, string][][] };
    assert.ok(peer.subject.flat().some(([k, v]) => k === 'commonName' && v === CLIENT_CN));
  });

  test('OP_CIPHER_SERVER_PREFERENCE is honoured, and client order without it', T, async () => {
    const offer = ['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305'];
    const pref = await sClientVsOurServer(offer, { ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256' });
    assert.equal(pref.obj.cipher()?.[0], 'ECDHE-ECDSA-CHACHA20-POLY1305');
  });
});

describe('TLS 1.2 against node:tls', () => {
  for (const suite of SUITES) {
    for (const group of GROUPS) {
      // In TLS 1.2 the groups also bound the ECDSA certificate's curve (RFC 8422), so P-256 stays listed.
      const curves = (suite.includes('ECDSA') && group !== 'secp256r1' ? [group, 'secp256r1'] : [group]).map((g) => OPENSSL_GROUP[g]).join(':');
      test(`our client -> node:tls server, ${suite} / ${group}`, T, async () => {
        const kind = kindFor(suite);
        const srv = await startNodeTlsServer({
          key: fixtureText(`leaf-${kind}.key`), cert: fixtureText(`leaf-${kind}-chain.pem`),
          maxVersion: 'TLSv1.2', ciphers: suite, ALPNProtocols: ['h2'], ecdhCurve: curves,
        }, (s) => s.pipe(s));
        const ours = await connectOurs(srv.port, ourClientContext({ versions: 'any', alpn: ['h2'], groups: [group, 'secp256r1'] }));
        try {
          await ours.pump.handshake();
          const node = await srv.nextSecure();
          assert.equal(node.info.protocol, 'TLSv1.2');
          assert.equal(node.info.cipher?.name, suite);
          assert.equal(ours.obj.handshakeInfo().group, group);
          assert.deepEqual(ours.obj.cipher(), [suite, 'TLSv1.2', bitsFor(suite)]);
          assert.equal(ours.obj.selectedAlpnProtocol(), 'h2');
          const big = Buffer.alloc(100_000, 9);
          await ours.pump.write(big);
          assert.deepEqual(Buffer.from(await ours.pump.readExactly(big.length)), big);
          await ours.pump.close();
        } finally {
          ours.pump.destroy();
          await srv.stop();
        }
      });

      test(`node:tls client -> our server, ${suite} / ${group}`, T, async () => {
        const l = await listenTcp();
        let sock: tls.TLSSocket | undefined;
        try {
          const clientP = connectNodeTls(l.port, { servername: 'localhost', ca: fixtureText('ca.pem'), maxVersion: 'TLSv1.2', ciphers: suite, ecdhCurve: curves });
          const ours = acceptOurs(await l.accept(), ourServerContext({ versions: 'any', cert: kindFor(suite), groups: [group] }));
          const echoed = (async () => {
            await ours.pump.handshake();
            return echoUntilClose(ours.pump);
          })();
          sock = await clientP;
          assert.equal(sock.getProtocol(), 'TLSv1.2');
          assert.equal(sock.getCipher().name, suite);
          const got = collectUntilEnd(sock);
          sock.end('from node over 1.2');
          assert.equal(text(await echoed), 'from node over 1.2');
          assert.equal(Buffer.from(await got).toString(), 'from node over 1.2');
          assert.equal(ours.obj.handshakeInfo().group, group);
          ours.pump.destroy();
        } finally {
          sock?.destroy();
          await l.close();
        }
      });
    }
  }

  test('node:tls client certificate checked by our TLS 1.2 server', T, async () => {
    const l = await listenTcp();
    try {
      const clientP = connectNodeTls(l.port, {
        servername: 'localhost', ca: fixtureText('ca.pem'), maxVersion: 'TLSv1.2',
        key: fixtureText('client.key'), cert: fixtureText('client-chain.pem'),
      });
      const ours = acceptOurs(await l.accept(), ourServerContext({ versions: 'tls12', verifyMode: 'required' }));
      await ours.pump.handshake();
      const sock = await clientP;
      assert.equal(sock.getProtocol(), 'TLSv1.2');
      assert.match(ours.obj.handshakeInfo().peerCertificateSubject ?? '', new RegExp(CLIENT_CN));
      sock.destroy();
      ours.pump.destroy();
    } finally {
      await l.close();
    }
  });
});

describe('TLS 1.2 against Python ssl (MemoryBIO ferry)', () => {
  test('our client, Python server limited to TLS 1.2', T, async () => {
    const py = runPythonPeer({ role: 'server', cert: leafFiles('rsa2048').chain, key: leafFiles('rsa2048').key, minVersion: 'TLSv1_2', maxVersion: 'TLSv1_2', alpn: ['http/1.1'] });
    const ours = ourOverStream(py.duplex, ourClientContext({ versions: 'any', alpn: ['http/1.1'] }), { serverHostname: 'localhost' });
    try {
      await ours.pump.handshake();
      assert.equal(ours.obj.version(), 'TLSv1.2');
      await ours.pump.write('py12\n');
      assert.equal(text(await ours.pump.readExactly(5)), 'py12\n');
      await ours.pump.close();
      const r = await py.result;
      assert.equal(r.error, null, JSON.stringify(r.error));
      assert.equal(r.version, 'TLSv1.2');
      assert.deepEqual(r.cipher, ours.obj.cipher());
      assert.equal(r.alpn, 'http/1.1');
    } finally {
      ours.pump.destroy();
      await py.kill();
    }
  });

  test('Python client limited to TLS 1.2, our server requiring its certificate', T, async () => {
    const message = 'python speaks 1.2\n';
    const py = runPythonPeer({
      role: 'client', cafile: fixture('ca.pem'), message, minVersion: 'TLSv1_2', maxVersion: 'TLSv1_2',
      cert: fixture('client-chain.pem'), key: fixture('client.key'),
    });
    const ours = ourOverStream(py.duplex, ourServerContext({ versions: 'any', verifyMode: 'required' }), { serverSide: true });
    try {
      await ours.pump.handshake();
      assert.equal(ours.obj.version(), 'TLSv1.2');
      assert.equal(text(await echoUntilClose(ours.pump)), message);
      const r = await py.result;
      assert.equal(r.error, null, JSON.stringify(r.error));
      assert.equal(r.received, message);
      assert.equal(r.version, 'TLSv1.2');
    } finally {
      ours.pump.destroy();
      await py.kill();
    }
  });
});

describe('version negotiation with real peers', () => {
  test('our 1.2-only client against a 1.3-capable openssl server gets 1.2', T, async () => {
    const { obj } = await ourClientVsSServer([...serveKind('ecdsa-p256')], {});
    assert.equal(obj.version(), 'TLSv1.2');
  });

  test('our 1.3-capable client against openssl forced to 1.2: 1.2, no false downgrade alarm', T, async () => {
    const { obj } = await ourClientVsSServer(['-tls1_2', ...serveKind('ecdsa-p256')], { versions: 'any' });
    assert.equal(obj.version(), 'TLSv1.2');
  });

  test('openssl 1.2-only client against our 1.3-capable server gets 1.2', T, async () => {
    const { obj } = await sClientVsOurServer(['-tls1_2'], { versions: 'any' });
    assert.equal(obj.version(), 'TLSv1.2');
  });

  test('minimumVersion 1.3 against openssl -tls1_2: protocol_version', T, async () => {
    const server = await startOpensslServer(['-tls1_2', '-naccept', '1', ...serveKind('ecdsa-p256')]);
    const ours = await connectOurs(server.port, ourClientContext({ versions: 'tls13' }));
    try {
      await assert.rejects(ours.pump.handshake(), (e: unknown) => e instanceof SSLError && e.reason === 'TLSV1_ALERT_PROTOCOL_VERSION');
      assert.match(await server.finished(), /unsupported protocol/);
    } finally {
      ours.pump.destroy();
      await server.stop();
    }
  });

  test('openssl -tls1_2 against our TLS 1.3-only server: protocol_version', T, async () => {
    const l = await listenTcp();
    const clientP = runOpensslClient(l.port, ['-tls1_2', '-servername', 'localhost'], '', { ignEof: false });
    try {
      const ours = acceptOurs(await l.accept(), ourServerContext({ versions: 'tls13' }));
      await assert.rejects(ours.pump.handshake(), (e: unknown) => e instanceof SSLError && e.reason === 'UNSUPPORTED_PROTOCOL');
      const client = await clientP;
      assert.match(client.stdout + client.stderr, /alert protocol version/);
      ours.pump.destroy();
    } finally {
      await clientP.catch(() => {});
      await l.close();
    }
  });
});
