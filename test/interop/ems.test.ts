// Extended master secret (RFC 7627) as OpenSSL does it (issue 9): always
// offered, used when the peer does, its absence accepted; OP_NO_EXTENDED_MASTER_SECRET
// honoured; requireExtendedMasterSecret as the strict opt-in. EMS-less peers:
// Go 1.19's crypto/tls and Python with options |= 0x1, in both roles.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OP_NO_EXTENDED_MASTER_SECRET, SSLError } from '../../src/index.js';
import { fixture, leafFiles, listenTcp, runPythonPeer } from '../helpers/peers.js';
import { acceptOurs, connectOurs, echoUntilClose, ourClientContext, ourOverStream, ourServerContext, text } from '../helpers/ours.js';
import { goPeer, runGoClient, startGoServer } from '../helpers/tls12-peers.js';

const T = { timeout: 60000 };

describe('Go 1.19 (no RFC 7627) in both roles', () => {
  test('the Go peer builds', { timeout: 300000 }, () => {
    assert.ok(goPeer());
  });

  for (const suite of ['default', 'ECDHE-RSA-AES128-SHA256', 'ECDHE-ECDSA-AES128-SHA256']) {
    const kind = suite.includes('ECDSA') ? 'ecdsa-p256' : 'rsa2048';
    test(`our client -> Go server, ${suite}`, T, async () => {
      const f = leafFiles(kind);
      const go = await startGoServer(f.chain, f.key, suite);
      let ours: Awaited<ReturnType<typeof connectOurs>> | undefined;
      try {
        ours = await connectOurs(go.port, ourClientContext({ versions: 'any' }));
        await ours.pump.handshake();
        assert.equal(ours.obj.version(), 'TLSv1.2');
        assert.equal(ours.obj.handshakeInfo().extendedMasterSecret, false);
        if (suite !== 'default') assert.equal(ours.obj.cipher()?.[0], suite);
        await ours.pump.write('to go\n');
        assert.equal(text(await ours.pump.readExactly(6)), 'to go\n');
        const r = await go.result;
        assert.equal(r.error, undefined, r.stdout);
        assert.equal(r.version, '303');
      } finally {
        ours?.pump.destroy();
        await go.stop();
      }
    });

    test(`Go client -> our server, ${suite}`, T, async () => {
      const l = await listenTcp();
      try {
        const goP = runGoClient(l.port, suite);
        const ours = acceptOurs(await l.accept(), ourServerContext({ versions: 'any', cert: kind }));
        await ours.pump.handshake();
        assert.equal(ours.obj.handshakeInfo().extendedMasterSecret, false);
        const line = await ours.pump.readUntil('\n');
        await ours.pump.write(line);
        const r = await goP;
        ours.pump.destroy();
        assert.equal(r.error, undefined, r.stdout);
        assert.equal(r.echo, 'go says hello');
        if (suite !== 'default') assert.equal(r.suite?.replace(/^TLS_|_WITH_/g, '-'), goName(suite));
      } finally {
        await l.close();
      }
    });
  }

  test('requireExtendedMasterSecret: our client refuses the Go server', T, async () => {
    const f = leafFiles('rsa2048');
    const go = await startGoServer(f.chain, f.key);
    const ctx = ourClientContext({ versions: 'any' });
    ctx.requireExtendedMasterSecret = true;
    let ours: Awaited<ReturnType<typeof connectOurs>> | undefined;
    try {
      ours = await connectOurs(go.port, ctx);
      await assert.rejects(ours.pump.handshake(), (e: unknown) => e instanceof SSLError && e.reason === 'INCONSISTENT_EXTMS');
      const r = await go.result;
      assert.match(r.error ?? '', /handshake failure/);
    } finally {
      ours?.pump.destroy();
      await go.stop();
    }
  });

  test('requireExtendedMasterSecret: our server refuses the Go client', T, async () => {
    const l = await listenTcp();
    try {
      const goP = runGoClient(l.port);
      const ctx = ourServerContext({ versions: 'any', cert: 'rsa2048' });
      ctx.requireExtendedMasterSecret = true;
      const ours = acceptOurs(await l.accept(), ctx);
      await assert.rejects(ours.pump.handshake(), (e: unknown) => e instanceof SSLError && e.reason === 'INCONSISTENT_EXTMS');
      const r = await goP;
      ours.pump.destroy();
      assert.match(r.error ?? '', /handshake failure/);
    } finally {
      await l.close();
    }
  });
});

/** "ECDHE-RSA-AES128-SHA256" as Go's CipherSuiteName would print it, after the rewrite above. */
function goName(suite: string): string {
  const m = /^ECDHE-(RSA|ECDSA)-AES128-SHA256$/.exec(suite)!;
  return `-ECDHE_${m[1]}-AES_128_CBC_SHA256`;
}

describe('Python with OP_NO_EXTENDED_MASTER_SECRET (0x1) in both roles', () => {
  test('our client, Python server with options |= 0x1', T, async () => {
    const f = leafFiles('rsa2048');
    const py = runPythonPeer({ role: 'server', cert: f.chain, key: f.key, minVersion: 'TLSv1_2', maxVersion: 'TLSv1_2', options: 0x1 });
    const ours = ourOverStream(py.duplex, ourClientContext({ versions: 'any' }), { serverHostname: 'localhost' });
    try {
      await ours.pump.handshake();
      assert.equal(ours.obj.handshakeInfo().extendedMasterSecret, false);
      await ours.pump.write('no ems\n');
      assert.equal(text(await ours.pump.readExactly(7)), 'no ems\n');
      await ours.pump.close();
      const r = await py.result;
      assert.equal(r.error, null, JSON.stringify(r.error));
    } finally {
      ours.pump.destroy();
      await py.kill();
    }
  });

  test('Python client with options |= 0x1 -> our server', T, async () => {
    const message = 'python without ems\n';
    const py = runPythonPeer({ role: 'client', cafile: fixture('ca.pem'), message, minVersion: 'TLSv1_2', maxVersion: 'TLSv1_2', options: 0x1 });
    const ours = ourOverStream(py.duplex, ourServerContext({ versions: 'any' }), { serverSide: true });
    try {
      await ours.pump.handshake();
      assert.equal(ours.obj.handshakeInfo().extendedMasterSecret, false);
      assert.equal(text(await echoUntilClose(ours.pump)), message);
      const r = await py.result;
      assert.equal(r.error, null, JSON.stringify(r.error));
    } finally {
      ours.pump.destroy();
      await py.kill();
    }
  });

  test('our OP_NO_EXTENDED_MASTER_SECRET against a default Python server, and the default uses EMS', T, async () => {
    for (const noEms of [true, false]) {
      const f = leafFiles('rsa2048');
      const py = runPythonPeer({ role: 'server', cert: f.chain, key: f.key, minVersion: 'TLSv1_2', maxVersion: 'TLSv1_2' });
      const ctx = ourClientContext({ versions: 'any' });
      if (noEms) ctx.options |= OP_NO_EXTENDED_MASTER_SECRET;
      const ours = ourOverStream(py.duplex, ctx, { serverHostname: 'localhost' });
      try {
        await ours.pump.handshake();
        assert.equal(ours.obj.handshakeInfo().extendedMasterSecret, !noEms);
        await ours.pump.write('x\n');
        assert.equal(text(await ours.pump.readExactly(2)), 'x\n');
        await ours.pump.close();
        assert.equal((await py.result).error, null);
      } finally {
        ours.pump.destroy();
        await py.kill();
      }
    }
  });

  test('requireExtendedMasterSecret: our server refuses Python with 0x1, with the alert Python reports', T, async () => {
    const py = runPythonPeer({ role: 'client', cafile: fixture('ca.pem'), message: 'x', minVersion: 'TLSv1_2', maxVersion: 'TLSv1_2', options: 0x1 });
    const ctx = ourServerContext({ versions: 'any' });
    ctx.requireExtendedMasterSecret = true;
    const ours = ourOverStream(py.duplex, ctx, { serverSide: true });
    try {
      await assert.rejects(ours.pump.handshake(), (e: unknown) => e instanceof SSLError && e.reason === 'INCONSISTENT_EXTMS');
      const r = await py.result;
      assert.equal(r.error?.reason, 'SSLV3_ALERT_HANDSHAKE_FAILURE');
    } finally {
      ours.pump.destroy();
      await py.kill();
    }
  });
});
