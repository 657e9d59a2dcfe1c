// CBC records with real peers (issue 9): a bit flipped in flight by a proxy
// is bad_record_mac on both sides, and records crafted with the connection's
// own keys (non-minimal padding, a bad padding byte, padding that claims more
// than it has) get the same verdict from openssl and gnutls as from ssl-ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as nc from 'node:crypto';
import { SSLError } from '../../src/index.js';
import type { CbcKeys } from '../../src/tls/record-cbc.js';
import { CbcProtection } from '../../src/tls/record-cbc.js';
import { fixture, leafFiles, listenTcp, runOpensslClient, startOpensslServer } from '../helpers/peers.js';
import { acceptOurs, connectOurs, ourClientContext, ourServerContext, type Ours } from '../helpers/ours.js';
import { gnutlsPriority, startGnutlsServer } from '../helpers/tls12-peers.js';

const T = { timeout: 30000 };
const SUITE = 'ECDHE-RSA-AES256-SHA384';
/** A suite with HMAC-SHA1 (20-byte MAC, SHA-256 PRF), which Python's default string leaves out. */
const SHA1_SUITE = 'ECDHE-RSA-AES128-SHA';
const macLength = (k: CbcKeys): number => ({ sha1: 20, sha256: 32, sha384: 48, sha512: 64 })[k.macHash];

function serveRsa(): string[] {
  const f = leafFiles('rsa2048');
  return ['-cert', f.leaf, '-key', f.key, '-cert_chain', fixture('inter.pem')];
}

/**
 * A TCP proxy to `port` that flips one bit in the first application_data
 * record going in `direction` ('up': client to server).
 */
async function tamperingProxy(port: number, direction: 'up' | 'down'): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    sockets.push(client, upstream);
    const relay = (from: net.Socket, to: net.Socket, tamper: boolean) => {
      let buf = Buffer.alloc(0);
      let done = !tamper;
      from.on('data', (d: Buffer) => {
        if (done) return void to.write(d);
        buf = Buffer.concat([buf, d]);
        // Pass whole records on, flipping a bit in the last byte of the first application_data one.
        while (buf.length >= 5 && buf.length >= 5 + buf.readUInt16BE(3)) {
          const rec = buf.subarray(0, 5 + buf.readUInt16BE(3));
          buf = buf.subarray(rec.length);
          if (!done && rec[0] === 23) {
            rec[rec.length - 1] = rec[rec.length - 1]! ^ 0x01;
            done = true;
          }
          to.write(rec);
        }
        if (done && buf.length) {
          to.write(buf);
          buf = Buffer.alloc(0);
        }
      });
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
    };
    relay(client, upstream, direction === 'up');
    relay(upstream, client, direction === 'down');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('CBC records tampered in flight', () => {
  for (const etm of [false, true]) {
    const label = etm ? 'encrypt-then-MAC' : 'MAC-then-encrypt';

    test(`${label}: our client's record flipped on the way to openssl s_server: bad record mac there, alert here`, T, async () => {
      const server = await startOpensslServer(['-rev', '-naccept', '1', '-tls1_2', ...serveRsa(), '-cipher', SUITE, ...(etm ? [] : ['-no_etm'])]);
      const proxy = await tamperingProxy(server.port, 'up');
      let ours: Awaited<ReturnType<typeof connectOurs>> | undefined;
      try {
        ours = await connectOurs(proxy.port, ourClientContext({ versions: 'tls12' }));
        await ours.pump.handshake();
        assert.equal(ours.obj.handshakeInfo().encryptThenMac, etm);
        await ours.pump.write('flip me\n');
        await assert.rejects(ours.pump.read(), (e: unknown) => e instanceof SSLError && e.reason === 'SSLV3_ALERT_BAD_RECORD_MAC');
        assert.match(await server.finished(), /bad record mac/);
      } finally {
        ours?.pump.destroy();
        await proxy.close();
        await server.stop();
      }
    });

    test(`${label}: openssl s_server's record flipped on the way to us: DECRYPTION_FAILED_OR_BAD_RECORD_MAC`, T, async () => {
      const server = await startOpensslServer(['-rev', '-naccept', '1', '-tls1_2', ...serveRsa(), '-cipher', SUITE, ...(etm ? [] : ['-no_etm'])]);
      const proxy = await tamperingProxy(server.port, 'down');
      let ours: Awaited<ReturnType<typeof connectOurs>> | undefined;
      try {
        ours = await connectOurs(proxy.port, ourClientContext({ versions: 'tls12' }));
        await ours.pump.handshake();
        await ours.pump.write('flip the answer\n');
        await assert.rejects(ours.pump.read(), (e: unknown) => e instanceof SSLError && e.reason === 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC');
        // s_server does not print the alert it receives; the connection just ends.
        assert.match(await server.finished(), /CONNECTION CLOSED|ERROR|shutting down/);
      } finally {
        ours?.pump.destroy();
        await proxy.close();
        await server.stop();
      }
    });

    test(`${label}: openssl s_client's record flipped on the way to our server`, T, async () => {
      const l = await listenTcp();
      const proxy = await tamperingProxy(l.port, 'up');
      const clientP = runOpensslClient(proxy.port, ['-tls1_2', '-cipher', SUITE, '-servername', 'localhost', ...(etm ? [] : ['-no_etm'])], 'tampered\n');
      try {
        const ours = acceptOurs(await l.accept(), ourServerContext({ versions: 'tls12', cert: 'rsa2048' }));
        await ours.pump.handshake();
        await assert.rejects(ours.pump.read(), (e: unknown) => e instanceof SSLError && e.reason === 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC');
        ours.pump.destroy();
        const client = await clientP;
        assert.match(client.stderr, /alert bad record mac/);
      } finally {
        await clientP.catch(() => {});
        await proxy.close();
        await l.close();
      }
    });
  }
});

/** The write side's CBC state, reached inside our connection: its keys and next sequence number. */
function writeState(ours: Ours): { k: CbcKeys; seq: number; bump: () => void } {
  const prot = (ours.obj as unknown as { conn: { writer: { protection: CbcProtection } } }).conn.writer.protection;
  assert.ok(prot instanceof CbcProtection);
  const inner = prot as unknown as { k: CbcKeys; seq: number };
  return { k: inner.k, seq: inner.seq, bump: () => void (inner.seq += 1) };
}

/** An application_data record under `k` at `seq` with `data` and the given padding bytes. */
function craft(k: CbcKeys, seq: number, data: Buffer, tail: Buffer): Buffer {
  const mac = (len: number, ...parts: Buffer[]) => {
    const h = Buffer.alloc(13);
    h.writeUInt32BE(seq, 4);
    h[8] = 23;
    h.writeUInt16BE(0x0303, 9);
    h.writeUInt16BE(len, 11);
    const m = nc.createHmac(k.macHash, k.macKey).update(h);
    for (const p of parts) m.update(p);
    return m.digest();
  };
  const iv = nc.randomBytes(16);
  const enc = (plain: Buffer) => {
    assert.equal(plain.length % 16, 0);
    const c = nc.createCipheriv(k.cipher, k.key, iv).setAutoPadding(false);
    return Buffer.concat([iv, c.update(plain), c.final()]);
  };
  let body: Buffer;
  if (k.encryptThenMac) {
    const ct = enc(Buffer.concat([data, tail]));
    body = Buffer.concat([ct, mac(ct.length, ct)]);
  } else {
    body = enc(Buffer.concat([data, mac(data.length, data), tail]));
  }
  const header = Buffer.from([23, 3, 3, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([header, body]);
}

/** `data` (ending in a newline, for line-echoing servers) sized so that data (+MAC) + `pad + 1` fills whole blocks. */
function lineFor(k: CbcKeys, pad: number): Buffer {
  const macPart = k.encryptThenMac ? 0 : macLength(k);
  const n = ((64 - ((macPart + pad + 1) % 16)) % 16) + 32;
  const data = Buffer.alloc(n, 0x61);
  data[n - 1] = 10;
  return data;
}

type Verdict = 'accepted' | 'bad_record_mac';

/** Send one crafted record to the peer behind `ours` and see what comes back. */
async function verdictOf(ours: Ours, record: (k: CbcKeys, seq: number) => Buffer, expectEcho: Buffer): Promise<Verdict> {
  const w = writeState(ours);
  ours.outgoing.write(record(w.k, w.seq));
  w.bump();
  ours.pump.flush();
  try {
    const got = await ours.pump.readExactly(expectEcho.length);
    assert.equal(got.length, expectEcho.length);
    return 'accepted';
  } catch (e) {
    if (e instanceof SSLError && e.reason === 'SSLV3_ALERT_BAD_RECORD_MAC') return 'bad_record_mac';
    throw e;
  }
}

/** What ssl-ts itself says about the same crafted record. */
function ourVerdict(k: CbcKeys, rec: Buffer): Verdict {
  try {
    new CbcProtection(k).open(rec.subarray(0, 5), rec.subarray(5));
    return 'accepted';
  } catch (e) {
    assert.ok(e instanceof SSLError && e.reason === 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC', String(e));
    return 'bad_record_mac';
  }
}

const CRAFTED: Array<[string, (k: CbcKeys) => { data: Buffer; tail: Buffer }]> = [
  ['minimal padding', (k) => ({ data: lineFor(k, 0), tail: Buffer.alloc(1, 0) })],
  ['255 bytes of padding (legal, non-minimal)', (k) => ({ data: lineFor(k, 255), tail: Buffer.alloc(256, 255) })],
  ['31 bytes of padding with one wrong byte', (k) => {
    const tail = Buffer.alloc(32, 31);
    tail[3] = 30;
    return { data: lineFor(k, 31), tail };
  }],
  ['a padding length claiming more than the record holds', (k) => ({ data: lineFor(k, 15), tail: Buffer.alloc(16, 200) })],
];

describe('crafted CBC records: the peer and ssl-ts agree', () => {
  for (const suite of [SUITE, SHA1_SUITE]) for (const etm of [false, true]) {
    for (const [label, make] of CRAFTED) {
      test(`${etm ? 'EtM' : 'MtE'}, openssl s_server, ${suite}: ${label}`, T, async () => {
        const server = await startOpensslServer(['-rev', '-naccept', '1', '-tls1_2', ...serveRsa(), '-cipher', suite, ...(etm ? [] : ['-no_etm'])]);
        let ours: Awaited<ReturnType<typeof connectOurs>> | undefined;
        try {
          const ctx = ourClientContext({ versions: 'tls12' });
          ctx.setCiphers(suite);
          ours = await connectOurs(server.port, ctx);
          await ours.pump.handshake();
          assert.equal(ours.obj.cipher()?.[0], suite);
          const { k } = writeState(ours);
          assert.equal(macLength(k), suite === SHA1_SUITE ? 20 : 48);
          const { data, tail } = make(k);
          const theirs = await verdictOf(ours, (kk, seq) => craft(kk, seq, data, tail), data);
          assert.equal(theirs, ourVerdict(k, craft(k, 0, data, tail)));
          if (label === 'minimal padding' || label.startsWith('255')) assert.equal(theirs, 'accepted');
          else assert.equal(theirs, 'bad_record_mac');
        } finally {
          ours?.pump.destroy();
          await server.stop();
        }
      });
    }
  }

  for (const etm of [true, false]) for (const [label, make] of CRAFTED) {
    test(`${etm ? 'EtM' : 'MtE'}, gnutls-serv: ${label}`, T, async () => {
      const f = leafFiles('rsa2048');
      const srv = await startGnutlsServer(['--x509certfile', f.chain, '--x509keyfile', f.key, '--priority', gnutlsPriority(SUITE)]);
      const ctx = ourClientContext({ versions: 'tls12' });
      if (!etm) ctx.options |= 0x00080000; // SSL_OP_NO_ENCRYPT_THEN_MAC
      let ours: Awaited<ReturnType<typeof connectOurs>> | undefined;
      try {
        ours = await connectOurs(srv.port, ctx);
        await ours.pump.handshake();
        const { k } = writeState(ours);
        assert.equal(k.encryptThenMac, etm);
        const { data, tail } = make(k);
        const theirs = await verdictOf(ours, (kk, seq) => craft(kk, seq, data, tail), data);
        const mine = ourVerdict(k, craft(k, 0, data, tail));
        if (etm && label.includes('wrong byte')) {
          // gnutls 3.7 reads only the padding length under EtM; RFC 5246 6.2.3.2 and OpenSSL check every byte, as we do.
          assert.equal(theirs, 'accepted');
          assert.equal(mine, 'bad_record_mac');
        } else {
          assert.equal(theirs, mine, `gnutls said ${theirs}; output:\n${srv.output()}`);
        }
      } finally {
        ours?.pump.destroy();
        await srv.stop();
      }
    });
  }
});

