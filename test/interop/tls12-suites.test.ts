// Python's other default TLS 1.2 suites (issue 9): ECDHE with AES-CBC and
// HMAC-SHA256/384, and DHE-RSA with AES-GCM or AES-CBC, in both roles against
// openssl, gnutls, node:tls and Python, with and without encrypt-then-MAC.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { bridgeSocketToPython, connectNodeTls, collectUntilEnd, fixture, fixtureText, leafFiles, listenTcp, runOpensslClient, runPythonPeer, startNodeTlsServer } from '../helpers/peers.js';
import { acceptOurs, connectOurs, echoUntilClose, ourClientContext, ourOverStream, ourServerContext, text } from '../helpers/ours.js';
import {
  dhParamsFile,
  gnutlsPriority,
  ourClientVsSServer,
  runGnutlsCli,
  sClientVsOurServer,
  startGnutlsServer,
} from '../helpers/tls12-peers.js';

const T = { timeout: 30000 };
const CBC = ['ECDHE-ECDSA-AES128-SHA256', 'ECDHE-RSA-AES128-SHA256', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-RSA-AES256-SHA384'];
const DHE = ['DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-AES128-SHA256', 'DHE-RSA-AES256-SHA256'];
const NEW_SUITES = [...CBC, ...DHE];
const isCbc = (s: string): boolean => !s.includes('GCM');
const kindFor = (suite: string): string => (suite.includes('-RSA-') ? 'rsa2048' : 'ecdsa-p256');
const bitsFor = (suite: string): number => (suite.includes('AES128') ? 128 : 256);
const OPTION_NO_ETM = 0x00080000; // OpenSSL's SSL_OP_NO_ENCRYPT_THEN_MAC, honoured in ctx.options

function serveKind(kind: string): string[] {
  const f = leafFiles(kind);
  return ['-cert', f.leaf, '-key', f.key, '-cert_chain', fixture('inter.pem')];
}

const DH2048 = dhParamsFile('ffdhe2048');

describe('new TLS 1.2 suites: our client -> openssl s_server', () => {
  for (const suite of NEW_SUITES) {
    for (const etm of isCbc(suite) ? [true, false] : [true]) {
      test(`${suite}${etm ? '' : ' without encrypt-then-MAC (-no_etm)'}`, T, async () => {
        // s_server picks DHE parameters automatically (SSL_CTX_set_dh_auto).
        const { obj, output } = await ourClientVsSServer(
          ['-tls1_2', ...serveKind(kindFor(suite)), '-cipher', suite, ...(etm ? [] : ['-no_etm'])],
          {},
        );
        assert.deepEqual(obj.cipher(), [suite, 'TLSv1.2', bitsFor(suite)]);
        assert.match(output, new RegExp(`Ciphersuite: ${suite}`));
        assert.equal(obj.handshakeInfo().encryptThenMac, isCbc(suite) && etm);
        assert.equal(obj.handshakeInfo().extendedMasterSecret, true);
      });
    }
  }

  test('our client refuses a 1024-bit DH group (security level 2): DH_KEY_TOO_SMALL', T, async () => {
    await assert.rejects(
      ourClientVsSServer(['-tls1_2', ...serveKind('rsa2048'), '-cipher', 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0', '-dhparam', dhParamsFile(1024)], {}),
      (e: unknown) => (e as { reason?: string }).reason === 'DH_KEY_TOO_SMALL',
    );
  });

  test('...and takes it at security level 1', T, async () => {
    const { obj } = await ourClientVsSServer(
      ['-tls1_2', ...serveKind('rsa2048'), '-cipher', 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0', '-dhparam', dhParamsFile(1024)],
      { ciphers: 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=1' },
    );
    assert.equal(obj.cipher()?.[0], 'DHE-RSA-AES128-GCM-SHA256');
  });
});

// The HMAC-SHA1 suites: in OpenSSL's DEFAULT but not in Python's default
// string, so a context has them only when setCiphers() names them.
const SHA1_SUITES = ['ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA', 'DHE-RSA-AES256-SHA', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'DHE-RSA-AES128-SHA'];

describe('HMAC-SHA1 CBC suites with openssl, both roles', () => {
  for (const suite of SHA1_SUITES) {
    for (const etm of [true, false]) {
      test(`our client -> s_server, ${suite}${etm ? '' : ' (-no_etm)'}`, T, async () => {
        const { obj, output } = await ourClientVsSServer(
          ['-tls1_2', ...serveKind(kindFor(suite)), '-cipher', suite, ...(etm ? [] : ['-no_etm'])],
          {},
          (ctx) => ctx.setCiphers(suite),
        );
        assert.deepEqual(obj.cipher(), [suite, 'TLSv1.2', bitsFor(suite)]);
        assert.match(output, new RegExp(`Ciphersuite: ${suite}`));
        assert.equal(obj.handshakeInfo().encryptThenMac, etm);
      });
      test(`s_client -> our server, ${suite}${etm ? '' : ' (-no_etm)'}`, T, async () => {
        const { obj, client } = await sClientVsOurServer(
          ['-tls1_2', '-cipher', suite, ...(etm ? [] : ['-no_etm'])],
          { cert: kindFor(suite) },
          (ctx) => {
            ctx.setCiphers(suite);
            ctx.loadDhParams(DH2048);
          },
        );
        assert.equal(client.brief.ciphersuite, suite);
        assert.deepEqual(obj.cipher(), [suite, 'TLSv1.2', bitsFor(suite)]);
        assert.equal(obj.handshakeInfo().encryptThenMac, etm);
      });
    }
  }

  test('Python\'s default string leaves them out; OpenSSL\'s DEFAULT has them', () => {
    const ctx = ourClientContext({ versions: 'tls12' });
    assert.ok(!ctx.getCiphers().some((c) => SHA1_SUITES.includes(c.name)));
    ctx.setCiphers('DEFAULT');
    const sha1 = ctx.getCiphers().filter((c) => c.digest === 'sha1');
    assert.deepEqual(sha1.map((c) => c.name), SHA1_SUITES);
    assert.deepEqual(sha1.map((c) => c.protocol), ['TLSv1.0', 'TLSv1.0', 'SSLv3', 'TLSv1.0', 'TLSv1.0', 'SSLv3']);
  });
});

describe('new TLS 1.2 suites: openssl s_client -> our server', () => {
  for (const suite of NEW_SUITES) {
    for (const etm of isCbc(suite) ? [true, false] : [true]) {
      test(`${suite}${etm ? '' : ' (s_client -no_etm)'}`, T, async () => {
        const { obj, client } = await sClientVsOurServer(
          ['-tls1_2', '-cipher', suite, ...(etm ? [] : ['-no_etm'])],
          { cert: kindFor(suite) },
          (ctx) => ctx.loadDhParams(DH2048),
        );
        assert.equal(client.brief.ciphersuite, suite);
        if (suite.startsWith('DHE')) assert.match(client.brief.serverTempKey ?? '', /^DH, 2048 bits/);
        assert.deepEqual(obj.cipher(), [suite, 'TLSv1.2', bitsFor(suite)]);
        assert.equal(obj.handshakeInfo().encryptThenMac, isCbc(suite) && etm);
        assert.ok(obj.sharedCiphers()?.some(([n]) => n === suite));
      });
    }
  }

  test('our OP_NO_ENCRYPT_THEN_MAC bit: the server does not answer the extension', T, async () => {
    const { obj } = await sClientVsOurServer(['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-SHA256'], {}, (ctx) => {
      ctx.options |= OPTION_NO_ETM;
    });
    assert.equal(obj.handshakeInfo().encryptThenMac, false);
  });

  test('without loadDhParams our server does not choose DHE, as Python\'s', T, async () => {
    const { obj } = await sClientVsOurServer(['-tls1_2', '-cipher', 'DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256'], { cert: 'rsa2048' });
    assert.equal(obj.cipher()?.[0], 'ECDHE-RSA-AES128-SHA256');
  });

  test('dhAuto: OpenSSL\'s automatic parameters (2048-bit MODP for an RSA-2048 certificate)', T, async () => {
    const { client } = await sClientVsOurServer(['-tls1_2', '-cipher', 'DHE-RSA-AES256-SHA256'], { cert: 'rsa2048' }, (ctx) => {
      ctx.dhAuto = true;
    });
    assert.match(client.brief.serverTempKey ?? '', /^DH, 2048 bits/);
  });
});

describe('new TLS 1.2 suites against gnutls', () => {
  for (const suite of NEW_SUITES) {
    test(`our client -> gnutls-serv, ${suite}`, T, async () => {
      const f = leafFiles(kindFor(suite));
      const srv = await startGnutlsServer(['--x509certfile', f.chain, '--x509keyfile', f.key, '--priority', gnutlsPriority(suite)]);
      let ours: Awaited<ReturnType<typeof connectOurs>> | undefined;
      try {
        ours = await connectOurs(srv.port, ourClientContext({ versions: 'tls12' }));
        await ours.pump.handshake();
        assert.deepEqual(ours.obj.cipher(), [suite, 'TLSv1.2', bitsFor(suite)]);
        assert.equal(ours.obj.handshakeInfo().encryptThenMac, isCbc(suite), 'gnutls does RFC 7366 by default');
        // gnutls-serv --echo answers line by line; the sizes cross block and padding boundaries.
        for (const n of [1, 15, 16, 17, 31, 32, 33, 47, 48, 64, 1000, 16000]) {
          const msg = Buffer.alloc(n, 0x61 + (n % 26));
          msg[n - 1] = 10;
          await ours.pump.write(msg);
          assert.deepEqual(Buffer.from(await ours.pump.readExactly(n)), msg, `${n} bytes`);
        }
      } finally {
        ours?.pump.destroy();
        await srv.stop();
      }
    });

    for (const etm of isCbc(suite) ? [true, false] : [true]) {
      test(`gnutls-cli -> our server, ${suite}${etm ? '' : ' (%NO_ETM)'}`, T, async () => {
        const l = await listenTcp();
        const input = 'gnutls talks to ssl-ts\n';
        try {
          const cliP = runGnutlsCli(l.port, ['--priority', gnutlsPriority(suite, etm ? '' : ':%NO_ETM')], input);
          const ctx = ourServerContext({ versions: 'any', cert: kindFor(suite) });
          ctx.loadDhParams(DH2048);
          const ours = acceptOurs(await l.accept(), ctx);
          await ours.pump.handshake();
          const chunk = await ours.pump.read();
          await ours.pump.write(chunk);
          const cli = await cliP;
          ours.pump.destroy();
          assert.ok(cli.stdout.includes(input.trim()), cli.stdout + cli.stderr);
          assert.deepEqual(ours.obj.cipher(), [suite, 'TLSv1.2', bitsFor(suite)]);
          assert.equal(ours.obj.handshakeInfo().encryptThenMac, isCbc(suite) && etm);
          assert.equal(/EtM/.test(cli.options), isCbc(suite) && etm, cli.options);
          assert.match(cli.options, /extended master secret/);
        } finally {
          await l.close();
        }
      });
    }
  }
});

describe('new TLS 1.2 suites against node:tls', () => {
  for (const suite of NEW_SUITES) {
    test(`our client -> node:tls server, ${suite}`, T, async () => {
      const kind = kindFor(suite);
      const srv = await startNodeTlsServer(
        { key: fixtureText(`leaf-${kind}.key`), cert: fixtureText(`leaf-${kind}-chain.pem`), maxVersion: 'TLSv1.2', ciphers: suite, dhparam: readFileSync(DH2048) },
        (s) => s.pipe(s),
      );
      const ours = await connectOurs(srv.port, ourClientContext({ versions: 'any' }));
      try {
        await ours.pump.handshake();
        const node = await srv.nextSecure();
        assert.equal(node.info.cipher?.name, suite);
        assert.deepEqual(ours.obj.cipher(), [suite, 'TLSv1.2', bitsFor(suite)]);
        const big = Buffer.alloc(100_000, 7);
        await ours.pump.write(big);
        assert.deepEqual(Buffer.from(await ours.pump.readExactly(big.length)), big);
        await ours.pump.close();
      } finally {
        ours.pump.destroy();
        await srv.stop();
      }
    });

    test(`node:tls client -> our server, ${suite}`, T, async () => {
      const l = await listenTcp();
      let sock: tls.TLSSocket | undefined;
      try {
        const clientP = connectNodeTls(l.port, { servername: 'localhost', ca: fixtureText('ca.pem'), maxVersion: 'TLSv1.2', ciphers: suite });
        const ctx = ourServerContext({ versions: 'any', cert: kindFor(suite) });
        ctx.loadDhParams(DH2048);
        const ours = acceptOurs(await l.accept(), ctx);
        const echoed = (async () => {
          await ours.pump.handshake();
          return echoUntilClose(ours.pump);
        })();
        sock = await clientP;
        assert.equal(sock.getCipher().name, suite);
        const got = collectUntilEnd(sock);
        const payload = 'n'.repeat(70000);
        sock.end(payload);
        assert.equal(text(await echoed), payload);
        assert.equal(Buffer.from(await got).toString(), payload);
        ours.pump.destroy();
      } finally {
        sock?.destroy();
        await l.close();
      }
    });
  }
});

describe('DHE and CBC against Python ssl (MemoryBIO ferry)', () => {
  for (const suite of ['DHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-SHA384']) {
    test(`our client, Python server with load_dh_params, ${suite}`, T, async () => {
      const f = leafFiles('rsa2048');
      const py = runPythonPeer({ role: 'server', cert: f.chain, key: f.key, minVersion: 'TLSv1_2', maxVersion: 'TLSv1_2', ciphers: suite, dhparams: DH2048 });
      const ours = ourOverStream(py.duplex, ourClientContext({ versions: 'any' }), { serverHostname: 'localhost' });
      try {
        await ours.pump.handshake();
        assert.equal(ours.obj.cipher()?.[0], suite);
        await ours.pump.write('py dhe\n');
        assert.equal(text(await ours.pump.readExactly(7)), 'py dhe\n');
        await ours.pump.close();
        const r = await py.result;
        assert.equal(r.error, null, JSON.stringify(r.error));
        assert.deepEqual(r.cipher, ours.obj.cipher());
      } finally {
        ours.pump.destroy();
        await py.kill();
      }
    });

    test(`Python client -> our server with loadDhParams, ${suite}`, T, async () => {
      const message = 'python asks for ' + suite + '\n';
      const py = runPythonPeer({ role: 'client', cafile: fixture('ca.pem'), message, minVersion: 'TLSv1_2', maxVersion: 'TLSv1_2', ciphers: suite });
      const ctx = ourServerContext({ versions: 'any', cert: 'rsa2048' });
      ctx.loadDhParams(DH2048);
      const ours = ourOverStream(py.duplex, ctx, { serverSide: true });
      try {
        await ours.pump.handshake();
        assert.equal(text(await echoUntilClose(ours.pump)), message);
        const r = await py.result;
        assert.equal(r.error, null, JSON.stringify(r.error));
        assert.deepEqual(r.cipher, ours.obj.cipher());
        assert.equal(r.cipher?.[0], suite);
      } finally {
        ours.pump.destroy();
        await py.kill();
      }
    });
  }
});

describe('sharedCiphers() equals Python\'s shared_ciphers() for the same client', () => {
  for (const offer of [
    ['-tls1_2', '-cipher', 'DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA:DHE-RSA-AES256-GCM-SHA384'],
    ['-cipher', 'ALL:@SECLEVEL=0'],
    [],
  ]) {
    test(`openssl s_client ${offer.join(' ') || '(defaults)'}`, T, async () => {
      const input = 'shared?\n';
      const run = async (serve: (sock: import('node:net').Socket) => Promise<[string, string, number][] | null>) => {
        const l = await listenTcp();
        try {
          const clientP = runOpensslClient(l.port, ['-servername', 'localhost', ...offer], input);
          const shared = await serve(await l.accept());
          const client = await clientP;
          assert.equal(client.code, 0, client.stderr);
          return shared;
        } finally {
          await l.close();
        }
      };
      const f = leafFiles('rsa2048');
      const python = await run(async (sock) => {
        const py = runPythonPeer({ role: 'server', cert: f.chain, key: f.key, minVersion: 'TLSv1_2', maxVersion: 'TLSv1_3', dhparams: DH2048, echoBytes: input.length });
        bridgeSocketToPython(sock, py);
        const r = await py.result;
        assert.equal(r.error, null, JSON.stringify(r.error));
        return r.shared_ciphers;
      });
      const ours = await run(async (sock) => {
        const ctx = ourServerContext({ versions: 'any', cert: 'rsa2048' });
        ctx.loadDhParams(DH2048);
        const o = acceptOurs(sock, ctx);
        await o.pump.handshake();
        await o.pump.write(await o.pump.readExactly(input.length));
        await o.pump.close().catch(() => {});
        o.pump.destroy();
        return o.obj.sharedCiphers();
      });
      assert.ok(python && python.length > 0);
      assert.deepEqual(ours, python);
    });
  }
});
