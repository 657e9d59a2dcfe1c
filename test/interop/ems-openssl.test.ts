// Extended master secret against openssl s_server / s_client in both roles. The command line
// has no switch for it, so an OpenSSL configuration file gives the peer
// `Options = -ExtendedMasterSecret` (SSL_OP_NO_EXTENDED_MASTER_SECRET, Python's 0x1): an
// EMS-less OpenSSL. Against it ssl-ts connects without EMS as OpenSSL would, and refuses it
// under requireExtendedMasterSecret; against a default OpenSSL both ends use EMS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OP_NO_EXTENDED_MASTER_SECRET, SSLError } from '../../src/index.js';
import { fixture, leafFiles, listenTcp, runOpensslClient, startOpensslServer } from '../helpers/peers.js';
import { acceptOurs, connectOurs, ourClientContext, ourServerContext, text } from '../helpers/ours.js';

const T = { timeout: 60000 };

let dir: string;
let NO_EMS_CONF: string;

/** Run `start` (which spawns openssl synchronously) with OPENSSL_CONF set for the child only. */
function withOpensslConf<R>(conf: string | null, start: () => R): R {
  const saved = process.env['OPENSSL_CONF'];
  if (conf !== null) process.env['OPENSSL_CONF'] = conf;
  try {
    return start();
  } finally {
    if (saved === undefined) delete process.env['OPENSSL_CONF'];
    else process.env['OPENSSL_CONF'] = saved;
  }
}

function serverArgs(): string[] {
  const f = leafFiles('ecdsa-p256');
  return ['-rev', '-naccept', '1', '-tls1_2', '-cert', f.leaf, '-key', f.key, '-cert_chain', fixture('inter.pem')];
}

describe('extended master secret against openssl (no EMS by configuration)', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ssl-ts-ems-'));
    NO_EMS_CONF = join(dir, 'no-ems.cnf');
    writeFileSync(
      NO_EMS_CONF,
      [
        'openssl_conf = default_conf',
        '[default_conf]',
        'ssl_conf = ssl_sect',
        '[ssl_sect]',
        'system_default = system_default_sect',
        '[system_default_sect]',
        'Options = -ExtendedMasterSecret',
        '',
      ].join('\n'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [label, conf, ems] of [
    ['EMS-less s_server', 'no-ems', false],
    ['default s_server', null, true],
  ] as const) {
    test(`our client -> ${label}: extendedMasterSecret ${ems}`, T, async () => {
      const srv = await withOpensslConf(conf && NO_EMS_CONF, () => startOpensslServer(serverArgs()));
      let ours: Awaited<ReturnType<typeof connectOurs>> | undefined;
      try {
        ours = await connectOurs(srv.port, ourClientContext({ versions: 'tls12' }));
        await ours.pump.handshake();
        assert.equal(ours.obj.handshakeInfo().extendedMasterSecret, ems);
        await ours.pump.write('ems\n');
        assert.equal(text(await ours.pump.readUntil('\n')), 'sme\n');
      } finally {
        ours?.pump.destroy();
        await srv.stop();
      }
    });
  }

  test('our client with requireExtendedMasterSecret refuses the EMS-less s_server', T, async () => {
    const srv = await withOpensslConf(NO_EMS_CONF, () => startOpensslServer(serverArgs()));
    const ctx = ourClientContext({ versions: 'tls12' });
    ctx.requireExtendedMasterSecret = true;
    let ours: Awaited<ReturnType<typeof connectOurs>> | undefined;
    try {
      ours = await connectOurs(srv.port, ctx);
      await assert.rejects(ours.pump.handshake(), (e: unknown) => e instanceof SSLError && e.reason === 'INCONSISTENT_EXTMS');
      assert.match(await srv.finished(), /handshake failure/);
    } finally {
      ours?.pump.destroy();
      await srv.stop();
    }
  });

  test('our client with OP_NO_EXTENDED_MASTER_SECRET -> default s_server: no EMS', T, async () => {
    const srv = await startOpensslServer(serverArgs());
    const ctx = ourClientContext({ versions: 'tls12' });
    ctx.options |= OP_NO_EXTENDED_MASTER_SECRET;
    let ours: Awaited<ReturnType<typeof connectOurs>> | undefined;
    try {
      ours = await connectOurs(srv.port, ctx);
      await ours.pump.handshake();
      assert.equal(ours.obj.handshakeInfo().extendedMasterSecret, false);
      await ours.pump.write('no ems\n');
      assert.equal(text(await ours.pump.readUntil('\n')), 'sme on\n');
    } finally {
      ours?.pump.destroy();
      await srv.stop();
    }
  });

  for (const [label, conf, ems] of [
    ['EMS-less s_client', 'no-ems', false],
    ['default s_client', null, true],
  ] as const) {
    test(`${label} -> our server: extendedMasterSecret ${ems}`, T, async () => {
      const l = await listenTcp();
      try {
        const clientP = withOpensslConf(conf && NO_EMS_CONF, () =>
          runOpensslClient(l.port, ['-tls1_2', '-servername', 'localhost', '-CAfile', fixture('ca.pem')], 'ems\n'),
        );
        const ours = acceptOurs(await l.accept(), ourServerContext({ versions: 'tls12' }));
        await ours.pump.handshake();
        assert.equal(ours.obj.handshakeInfo().extendedMasterSecret, ems);
        await ours.pump.write(await ours.pump.readUntil('\n'));
        await ours.pump.close().catch(() => {});
        const r = await clientP;
        assert.equal(r.stdout, 'ems\n');
        assert.equal(r.brief.protocol, 'TLSv1.2');
      } finally {
        await l.close();
      }
    });
  }

  test('our server with requireExtendedMasterSecret refuses the EMS-less s_client', T, async () => {
    const l = await listenTcp();
    try {
      const clientP = withOpensslConf(NO_EMS_CONF, () =>
        runOpensslClient(l.port, ['-tls1_2', '-servername', 'localhost', '-CAfile', fixture('ca.pem')], 'ems\n'),
      );
      const ctx = ourServerContext({ versions: 'tls12' });
      ctx.requireExtendedMasterSecret = true;
      const ours = acceptOurs(await l.accept(), ctx);
      await assert.rejects(ours.pump.handshake(), (e: unknown) => e instanceof SSLError && e.reason === 'INCONSISTENT_EXTMS');
      ours.pump.destroy();
      const r = await clientP;
      assert.match(r.stderr, /alert handshake failure/);
    } finally {
      await l.close();
    }
  });
});
