// Interop with OpenSSL 3's own tools: our client against `openssl s_server`,
// `openssl s_client` against our server, over real loopback TCP.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import {
  OPENSSL_GROUP,
  OPENSSL_TEMP_KEY,
  TLS13_SUITES,
  CERT_KINDS,
  certSubjectCN,
  countClientHellos,
  fixture,
  leafFiles,
  listenTcp,
  runOpensslClient,
  startOpensslServer,
  traceClientKeyShares,
  traceServerName,
  type OpensslClientResult,
  } from '../helpers/peers.js';
import {
  OPENSSL_SIG_TYPE,
  SIG_SCHEME,
  acceptOurs,
  connectOurs,
  ourClientContext,
  ourServerContext,
  text,
  type OurContextOptions,
  type Ours,
} from '../helpers/ours.js';

const T = { timeout: 20000 };
const GROUPS = ['x25519', 'secp256r1', 'secp384r1'] as const;
const CLIENT_CN = certSubjectCN(fixture('client.pem'))!;

/** s_server arguments serving one certificate kind with its intermediate. */
function serveKind(kind: string): string[] {
  const f = leafFiles(kind);
  return ['-cert', f.leaf, '-key', f.key, '-cert_chain', fixture('inter.pem')];
}

// ---------------------------------------------------------------------------
// Our client against openssl s_server -rev (echoes each line reversed).

interface ClientRun {
  ours: Ours;
  /** s_server's complete output (it ran with -naccept 1 and has exited). */
  output: string;
}

/**
 * Start s_server (-naccept 1) with `serverArgs`, connect our client, handshake,
 * send lines, check the reversed echo, close cleanly both ways, wait for
 * s_server to exit, then run `check` on our SSLObject and s_server's output.
 */
async function ourClientVsSServer(
  serverArgs: string[],
  ctxOpts: OurContextOptions,
  check: (r: ClientRun) => void | Promise<void>,
  opts: { serverHostname?: string | null; lines?: string[] } = {},
): Promise<void> {
  const server = await startOpensslServer(['-tls1_3', '-rev', '-naccept', '1', ...serverArgs]);
  let ours: Ours | undefined;
  try {
    ours = await connectOurs(server.port, ourClientContext(ctxOpts), opts.serverHostname === undefined ? 'localhost' : opts.serverHostname);
    await ours.pump.handshake();
    const lines = opts.lines ?? ['hello from ssl-ts\n'];
    await ours.pump.write(lines.join(''));
    for (const line of lines) {
      const got = text(await ours.pump.readUntil('\n'));
      assert.equal(got, [...line.slice(0, -1)].reverse().join('') + '\n');
    }
    await ours.pump.close();
    const output = await server.finished();
    assert.match(output, /CONNECTION CLOSED/);
    await check({ ours, output });
  } finally {
    ours?.pump.destroy();
    await server.stop();
  }
}

describe('our client -> openssl s_server', () => {
  for (const suite of TLS13_SUITES) {
    for (const group of GROUPS) {
      test(`${suite} / ${group} / ecdsa-p256`, T, async () => {
        await ourClientVsSServer(
          [...serveKind('ecdsa-p256'), '-ciphersuites', suite, '-groups', OPENSSL_GROUP[group]],
          { suites: [suite], groups: [group] },
          ({ ours, output }) => {
            const { obj } = ours;
            assert.equal(obj.version(), 'TLSv1.3');
            const cipher = obj.cipher();
            assert.ok(cipher);
            assert.equal(cipher[0], suite);
            assert.equal(cipher[1], 'TLSv1.3');
            assert.equal(cipher[2], suite === 'TLS_AES_128_GCM_SHA256' ? 128 : 256);
            const info = obj.handshakeInfo();
            assert.equal(info.group, group);
            assert.equal(info.cipher, suite);
            assert.equal(info.helloRetryRequest, false);
            assert.match(info.signatureScheme ?? '', SIG_SCHEME['ecdsa-p256']);
            assert.match(output, new RegExp(`Ciphersuite: ${suite}`));
            assert.match(output, /Protocol version: TLSv1\.3/);
          },
        );
      });
    }
  }

  for (const kind of CERT_KINDS) {
    test(`server certificate ${kind}`, T, async () => {
      await ourClientVsSServer(
        [...serveKind(kind), '-ciphersuites', 'TLS_AES_128_GCM_SHA256', '-groups', 'X25519'],
        { suites: ['TLS_AES_128_GCM_SHA256'], groups: ['x25519'] },
        ({ ours }) => {
          const info = ours.obj.handshakeInfo();
          assert.match(info.signatureScheme ?? '', SIG_SCHEME[kind]);
          assert.match(info.peerCertificateSubject ?? '', /commonName=localhost|CN=localhost/);
          const cert = ours.obj.getPeerCert() as { subject?: [string, string][][] } | null;
          assert.ok(cert && cert.subject, 'verified peer certificate is available as a dict');
          assert.ok(cert.subject.flat().some(([k, v]) => k === 'commonName' && v === 'localhost'));
        },
      );
    });
  }

  test('HelloRetryRequest from openssl (we share x25519, it only takes P-384)', T, async () => {
    await ourClientVsSServer(
      [...serveKind('ecdsa-p256'), '-groups', 'P-384', '-trace'],
      { groups: ['x25519', 'secp384r1'] },
      ({ ours, output }) => {
        const info = ours.obj.handshakeInfo();
        assert.equal(info.helloRetryRequest, true);
        assert.equal(info.group, 'secp384r1');
        assert.equal(countClientHellos(output), 2);
        assert.deepEqual(traceClientKeyShares(output), [['ecdh_x25519'], ['secp384r1']]);
      },
    );
  });

  test('client certificate requested and verified by openssl (-Verify 1)', T, async () => {
    await ourClientVsSServer(
      [...serveKind('ecdsa-p256'), '-Verify', '1', '-verify_return_error', '-CAfile', fixture('ca.pem')],
      { cert: 'client' },
      ({ output }) => {
        assert.match(output, new RegExp(`Peer certificate: .*CN = ${CLIENT_CN}`));
        assert.match(output, /Verification: OK/);
      },
    );
  });

  test('ALPN: we offer h2,http/1.1, openssl picks http/1.1', T, async () => {
    await ourClientVsSServer(
      [...serveKind('ecdsa-p256'), '-alpn', 'http/1.1', '-trace'],
      { alpn: ['h2', 'http/1.1'] },
      ({ ours, output }) => {
        assert.equal(ours.obj.selectedAlpnProtocol(), 'http/1.1');
        assert.equal(ours.obj.handshakeInfo().alpn, 'http/1.1');
        // Our ClientHello listed both; openssl's EncryptedExtensions answered http/1.1.
        assert.match(output, /application_layer_protocol_negotiation\(16\)[^\n]*\n\s+h2\n\s+http\/1\.1/);
        assert.match(output, /EncryptedExtensions[\s\S]*application_layer_protocol_negotiation\(16\)[^\n]*\n\s+http\/1\.1/);
      },
    );
  });

  test('SNI: openssl sees server_name "localhost"; none for an IP address', T, async () => {
    await ourClientVsSServer([...serveKind('ecdsa-p256'), '-trace'], {}, ({ ours, output }) => {
      assert.equal(traceServerName(output), 'localhost');
      assert.equal(ours.obj.serverHostname, 'localhost');
    });
    // RFC 6066: no SNI for IP literals; the certificate's IP SAN is still checked.
    await ourClientVsSServer(
      [...serveKind('ecdsa-p256'), '-trace'],
      {},
      ({ output }) => {
        assert.match(output, /ClientHello/);
        assert.equal(traceServerName(output), undefined);
      },
      { serverHostname: '127.0.0.1' },
    );
  });

  test('64 KB of lines both ways, then clean close', T, async () => {
    const lines = Array.from({ length: 64 }, (_, i) => `${String(i).padStart(4, '0')}:${'abcdefghij'.repeat(100)}\n`);
    await ourClientVsSServer(serveKind('ecdsa-p256'), {}, () => {}, { lines });
  });

  test('openssl closes first ("CLOSE" line): we read EOF, then unwrap', T, async () => {
    const server = await startOpensslServer(['-tls1_3', '-rev', '-naccept', '1', ...serveKind('ecdsa-p256')]);
    let ours: Ours | undefined;
    try {
      ours = await connectOurs(server.port, ourClientContext());
      await ours.pump.handshake();
      await ours.pump.write('CLOSE\n');
      const rest = await ours.pump.readAll();
      assert.equal(rest.length, 0);
      assert.equal(ours.pump.peerClosed, true);
      await ours.pump.close();
      assert.match(await server.finished(), /CONNECTION CLOSED/);
    } finally {
      ours?.pump.destroy();
      await server.stop();
    }
  });
});

// ---------------------------------------------------------------------------
// openssl s_client against our server. The client runs with -ign_eof, so it
// finishes when WE close: our server echoes `input` and then unwraps.

interface ServerRun {
  ours: Ours;
  client: OpensslClientResult;
  received: string;
}

async function sClientVsOurServer(
  clientArgs: string[],
  ctxOpts: OurContextOptions,
  opts: { input?: string; trace?: boolean } = {},
): Promise<ServerRun> {
  const input = opts.input ?? 'hello from openssl\nsecond line\n';
  const l = await listenTcp();
  let ours: Ours | undefined;
  const clientP = runOpensslClient(
    l.port,
    ['-servername', 'localhost', '-CAfile', fixture('ca.pem'), '-verify_return_error', ...clientArgs],
    input,
    { trace: opts.trace },
  );
  try {
    const sock = await l.accept();
    ours = acceptOurs(sock, ourServerContext(ctxOpts));
    await ours.pump.handshake();
    const received = text(await ours.pump.readExactly(Buffer.byteLength(input)));
    await ours.pump.write(received);
    await ours.pump.close();
    const client = await clientP;
    return { ours, client, received };
  } finally {
    ours?.pump.destroy();
    await clientP.catch(() => {});
    await l.close();
  }
}

function assertClientOk(r: ServerRun, input = 'hello from openssl\nsecond line\n'): void {
  assert.equal(r.client.timedOut, false);
  assert.equal(r.client.code, 0, r.client.stderr);
  assert.equal(r.received, input);
  assert.equal(r.client.stdout, input);
  assert.equal(r.client.brief.protocol, 'TLSv1.3');
  assert.equal(r.client.brief.verification, 'OK');
  assert.match(r.client.brief.peerCertificate ?? '', /CN = localhost$/);
}

describe('openssl s_client -> our server', () => {
  for (const suite of TLS13_SUITES) {
    for (const group of GROUPS) {
      test(`${suite} / ${group} / ecdsa-p256`, T, async () => {
        const r = await sClientVsOurServer(['-ciphersuites', suite, '-groups', OPENSSL_GROUP[group]], { cert: 'ecdsa-p256' });
        assertClientOk(r);
        assert.equal(r.client.brief.ciphersuite, suite);
        assert.match(r.client.brief.serverTempKey ?? '', OPENSSL_TEMP_KEY[group]);
        assert.equal(r.client.brief.signatureType, 'ECDSA');
        const info = r.ours.obj.handshakeInfo();
        assert.equal(r.ours.obj.version(), 'TLSv1.3');
        assert.equal(r.ours.obj.cipher()?.[0], suite);
        assert.equal(info.group, group);
        assert.equal(info.helloRetryRequest, false);
      });
    }
  }

  for (const kind of CERT_KINDS) {
    test(`our certificate ${kind}`, T, async () => {
      const r = await sClientVsOurServer(['-ciphersuites', 'TLS_AES_128_GCM_SHA256', '-groups', 'X25519'], { cert: kind });
      assertClientOk(r);
      assert.equal(r.client.brief.signatureType, OPENSSL_SIG_TYPE[kind]);
      assert.match(r.ours.obj.handshakeInfo().signatureScheme ?? '', SIG_SCHEME[kind]);
      if (kind === 'rsa2048') assert.match(r.client.brief.hashUsed ?? '', /^SHA(256|384|512)$/);
    });
  }

  test('HelloRetryRequest from us: openssl shares ffdhe2048 first, our groups leave ffdhe out', T, async () => {
    // With the default groups we take the ffdhe2048 share as OpenSSL does (ffdhe13.test.ts).
    const r = await sClientVsOurServer(['-groups', 'ffdhe2048:X25519'], { groups: ['x25519', 'secp256r1', 'x448', 'secp521r1', 'secp384r1'] }, { trace: true });
    assertClientOk(r);
    assert.equal(r.ours.obj.handshakeInfo().helloRetryRequest, true);
    assert.equal(r.ours.obj.handshakeInfo().group, 'x25519');
    assert.equal(countClientHellos(r.client.trace), 2);
    assert.deepEqual(traceClientKeyShares(r.client.trace), [['ffdhe2048'], ['ecdh_x25519']]);
    assert.match(r.client.brief.serverTempKey ?? '', /^X25519/);
  });

  test('HelloRetryRequest from us: openssl shares P-384, we only take x25519', T, async () => {
    const r = await sClientVsOurServer(['-groups', 'P-384:X25519'], { groups: ['x25519'] }, { trace: true });
    assertClientOk(r);
    assert.equal(r.ours.obj.handshakeInfo().helloRetryRequest, true);
    assert.equal(r.ours.obj.handshakeInfo().group, 'x25519');
    assert.deepEqual(traceClientKeyShares(r.client.trace), [['secp384r1'], ['ecdh_x25519']]);
  });

  test('client certificate required by us and presented by openssl', T, async () => {
    const r = await sClientVsOurServer(
      ['-cert', fixture('client.pem'), '-key', fixture('client.key'), '-cert_chain', fixture('inter.pem')],
      { verifyMode: 'required' },
    );
    assertClientOk(r);
    const peer = r.ours.obj.getPeerCert() as { subject?: [string, string][][] } | null;
    assert.ok(peer && peer.subject);
    assert.ok(peer.subject.flat().some(([k, v]) => k === 'commonName' && v === CLIENT_CN));
    assert.match(r.ours.obj.handshakeInfo().peerCertificateSubject ?? '', new RegExp(CLIENT_CN));
  });

  test('ALPN: openssl offers http/1.1,h2, we prefer h2', T, async () => {
    const r = await sClientVsOurServer(['-alpn', 'http/1.1,h2'], { alpn: ['h2', 'http/1.1'] }, { trace: true });
    assertClientOk(r);
    assert.equal(r.ours.obj.selectedAlpnProtocol(), 'h2');
    assert.match(r.client.trace, /EncryptedExtensions[\s\S]*application_layer_protocol_negotiation\(16\)[^\n]*\n\s+h2\n/);
  });

  test('SNI: we see the name openssl sent', T, async () => {
    const r = await sClientVsOurServer([], {}, { trace: true });
    assertClientOk(r);
    assert.equal(traceServerName(r.client.trace), 'localhost');
    assert.equal(r.ours.obj.handshakeInfo().serverName, 'localhost');
  });

  test('64 KB from openssl echoed back, then clean close', T, async () => {
    const input = Array.from({ length: 64 }, (_, i) => `${i}:${'0123456789'.repeat(100)}\n`).join('');
    const r = await sClientVsOurServer([], {}, { input });
    assertClientOk(r, input);
  });
});
