// Every new TLS 1.2 suite of issue 9 (ECDHE with AES-CBC, DHE-RSA with AES-GCM and AES-CBC)
// against openssl, gnutls and node:tls in both roles, with the peer's first application data
// record altered on its way to ssl-ts by a proxy: one bit flipped at its end, or its padding
// cut off (the last cipher block dropped: the block before the MAC with encrypt-then-MAC, the
// final one with MAC-then-encrypt, the tag with GCM). CBC suites run with and without
// encrypt-then-MAC. Every case must end in ssl-ts's one verdict for a bad record,
// DECRYPTION_FAILED_OR_BAD_RECORD_MAC, with a bad_record_mac alert to the peer.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import type * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { SSLError } from '../../src/index.js';
import { acceptOurs, connectOurs, ourClientContext, ourServerContext } from '../helpers/ours.js';
import { connectNodeTls, fixture, fixtureText, leafFiles, listenTcp, runOpensslClient, startNodeTlsServer, startOpensslServer, withTimeout } from '../helpers/peers.js';
import { dhParamsFile, gnutlsPriority, runGnutlsCli, startGnutlsServer } from '../helpers/tls12-peers.js';

const T = { timeout: 120000 };
const SUITES = [
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA384',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-AES128-SHA256',
  'DHE-RSA-AES256-SHA256',
];
const NO_ETM = 0x00080000; // OpenSSL's SSL_OP_NO_ENCRYPT_THEN_MAC, honoured in ctx.options
const DH2048 = dhParamsFile('ffdhe2048');
const PAYLOAD = `${'p'.repeat(100)}\n`;

type Mode = 'etm' | 'mte' | 'aead';
type Tamper = 'flip' | 'truncate';
interface Case {
  mode: Mode;
  tamper: Tamper;
}

const isCbc = (s: string): boolean => !s.includes('GCM');
const kindFor = (s: string): string => (s.includes('-RSA-') ? 'rsa2048' : 'ecdsa-p256');
const macLength = (s: string): number => (s.endsWith('SHA384') ? 48 : 32);

function casesFor(suite: string): Case[] {
  const modes: Mode[] = isCbc(suite) ? ['etm', 'mte'] : ['aead'];
  return modes.flatMap((mode) => (['flip', 'truncate'] as const).map((tamper) => ({ mode, tamper })));
}

/** The altered record: a bit flipped in its last byte, or one 16-byte block of its padding end dropped. */
function alter(rec: Buffer, c: Case, macLen: number): Buffer {
  if (c.tamper === 'flip') {
    const out = Buffer.from(rec);
    out[out.length - 1] = out[out.length - 1]! ^ 0x01;
    return out;
  }
  // With encrypt-then-MAC the padding ends where the MAC begins; otherwise at the record's end.
  const end = c.mode === 'etm' ? rec.length - macLen : rec.length;
  const out = Buffer.concat([rec.subarray(0, end - 16), rec.subarray(end)]);
  out.writeUInt16BE(out.length - 5, 3);
  return out;
}

/**
 * A TCP proxy to `port` that alters the first application_data record going towards ssl-ts:
 * 'down' when ssl-ts is the client behind it, 'up' when ssl-ts is the server in front.
 */
async function tamperingProxy(port: number, towardsUs: 'up' | 'down', alterRecord: (rec: Buffer) => Buffer): Promise<{ port: number; altered: () => boolean; close: () => Promise<void> }> {
  const sockets: net.Socket[] = [];
  let altered = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    sockets.push(client, upstream);
    const relay = (from: net.Socket, to: net.Socket, tamper: boolean) => {
      let buf: Buffer = Buffer.alloc(0);
      from.on('data', (d: Buffer) => {
        if (!tamper || altered) return void to.write(d);
        buf = Buffer.concat([buf, d]);
        while (!altered && buf.length >= 5 && buf.length >= 5 + buf.readUInt16BE(3)) {
          let rec: Buffer = buf.subarray(0, 5 + buf.readUInt16BE(3));
          buf = buf.subarray(rec.length);
          if (rec[0] === 23) {
            rec = alterRecord(rec);
            altered = true;
          }
          to.write(rec);
        }
        if (altered && buf.length > 0) {
          to.write(buf);
          buf = Buffer.alloc(0);
        }
      });
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
      to.on('error', () => from.destroy());
    };
    relay(client, upstream, towardsUs === 'up');
    relay(upstream, client, towardsUs === 'down');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    altered: () => altered,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const isBadRecord = (e: unknown): boolean => e instanceof SSLError && e.reason === 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC';
const label = (c: Case): string => `${c.mode} ${c.tamper}`;

/** Our client through the proxy to a peer server that echoes: the echo reaches us altered. */
async function ourClientCase(serverPort: number, suite: string, c: Case): Promise<void> {
  const proxy = await tamperingProxy(serverPort, 'down', (r) => alter(r, c, macLength(suite)));
  const ctx = ourClientContext({ versions: 'tls12', ciphers: suite });
  if (c.mode === 'mte') ctx.options |= NO_ETM;
  let ours: Awaited<ReturnType<typeof connectOurs>> | undefined;
  try {
    ours = await connectOurs(proxy.port, ctx);
    await ours.pump.handshake();
    assert.equal(ours.obj.cipher()?.[0], suite);
    assert.equal(ours.obj.handshakeInfo().encryptThenMac, c.mode === 'etm', label(c));
    await ours.pump.write(PAYLOAD);
    await assert.rejects(ours.pump.readExactly(PAYLOAD.length), isBadRecord, label(c));
    assert.ok(proxy.altered(), label(c));
  } finally {
    ours?.pump.destroy();
    await proxy.close();
  }
}

/** Our server behind the proxy; `peer` connects to the given port and writes PAYLOAD, which reaches us altered. */
async function ourServerCase<R>(suite: string, c: Case, peer: (port: number) => Promise<R>): Promise<R> {
  const l = await listenTcp();
  const proxy = await tamperingProxy(l.port, 'up', (r) => alter(r, c, macLength(suite)));
  const peerP = peer(proxy.port);
  peerP.catch(() => {});
  try {
    const ctx = ourServerContext({ versions: 'tls12', cert: kindFor(suite) });
    ctx.loadDhParams(DH2048);
    if (c.mode === 'mte') ctx.options |= NO_ETM;
    const ours = acceptOurs(await l.accept(), ctx);
    try {
      await ours.pump.handshake();
      assert.equal(ours.obj.cipher()?.[0], suite);
      assert.equal(ours.obj.handshakeInfo().encryptThenMac, c.mode === 'etm', label(c));
      await assert.rejects(ours.pump.readExactly(PAYLOAD.length), isBadRecord, label(c));
      assert.ok(proxy.altered(), label(c));
    } finally {
      ours.pump.destroy();
    }
    return await withTimeout(peerP, 30000, `peer of ${label(c)}`);
  } finally {
    await proxy.close();
    await l.close();
  }
}

function serverArgs(suite: string): string[] {
  const f = leafFiles(kindFor(suite));
  return ['-cert', f.leaf, '-key', f.key, '-cert_chain', fixture('inter.pem')];
}

describe('new TLS 1.2 suites, records altered on their way to ssl-ts', () => {
  for (const suite of SUITES) {
    test(`our client <- openssl s_server, ${suite}`, T, async () => {
      const srv = await startOpensslServer(['-rev', '-tls1_2', ...serverArgs(suite), '-cipher', suite]);
      try {
        for (const c of casesFor(suite)) await ourClientCase(srv.port, suite, c);
      } finally {
        await srv.stop();
      }
    });

    test(`our client <- gnutls-serv, ${suite}`, T, async () => {
      const f = leafFiles(kindFor(suite));
      const srv = await startGnutlsServer(['--x509certfile', f.chain, '--x509keyfile', f.key, '--priority', gnutlsPriority(suite)]);
      try {
        for (const c of casesFor(suite)) await ourClientCase(srv.port, suite, c);
      } finally {
        await srv.stop();
      }
    });

    test(`our client <- node:tls server, ${suite}`, T, async () => {
      const kind = kindFor(suite);
      const srv = await startNodeTlsServer({
        key: fixtureText(`leaf-${kind}.key`),
        cert: fixtureText(`leaf-${kind}-chain.pem`),
        maxVersion: 'TLSv1.2',
        ciphers: suite,
        dhparam: readFileSync(DH2048),
      });
      try {
        for (const c of casesFor(suite)) await ourClientCase(srv.port, suite, c);
      } finally {
        await srv.stop();
      }
    });

    test(`openssl s_client -> our server, ${suite}`, T, async () => {
      for (const c of casesFor(suite)) {
        const r = await ourServerCase(suite, c, (port) =>
          runOpensslClient(port, ['-tls1_2', '-cipher', suite, '-servername', 'localhost', '-CAfile', fixture('ca.pem')], PAYLOAD),
        );
        assert.match(r.stderr, /alert bad record mac/, label(c));
      }
    });

    test(`gnutls-cli -> our server, ${suite}`, T, async () => {
      for (const c of casesFor(suite)) {
        const r = await ourServerCase(suite, c, (port) => runGnutlsCli(port, ['--priority', gnutlsPriority(suite)], PAYLOAD));
        assert.match(r.stdout + r.stderr, /Bad record MAC|bad_record_mac|Decryption has failed/i, label(c));
      }
    });

    test(`node:tls client -> our server, ${suite}`, T, async () => {
      for (const c of casesFor(suite)) {
        const err = await ourServerCase(suite, c, async (port) => {
          const sock: tls.TLSSocket = await connectNodeTls(port, { servername: 'localhost', ca: fixtureText('ca.pem'), maxVersion: 'TLSv1.2', ciphers: suite });
          const failed = new Promise<Error | null>((r) => {
            sock.once('error', (e) => r(e));
            sock.once('close', () => r(null));
          });
          sock.write(PAYLOAD);
          const e = await failed;
          sock.destroy();
          return e;
        });
        assert.equal((err as { code?: string } | null)?.code, 'ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC', label(c));
      }
    });
  }
});
