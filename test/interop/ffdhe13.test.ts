// RFC 7919 ffdhe groups in TLS 1.3 (issue 9), as OpenSSL 3.0 offers them: in
// the default supported_groups after the curves, and as key shares in both
// roles against openssl.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type * as net from 'node:net';
import { decodeClientHello } from '../../src/tls/hello-messages.js';
import { decodeU16List, findExtension } from '../../src/tls/extensions.js';
import { ExtensionType } from '../../src/tls/constants.js';
import { fixture, killChild, listenTcp, runOpensslClient, startOpensslServer } from '../helpers/peers.js';
import { acceptOurs, connectOurs, ourClientContext, ourServerContext, text } from '../helpers/ours.js';

const T = { timeout: 60000 };
const FFDHE = ['ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192'];

/** The supported_groups list of the first ClientHello arriving on `sock`. */
async function helloGroups(sock: net.Socket): Promise<number[]> {
  let buf = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    sock.on('error', reject);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 5 && buf.length >= 5 + buf.readUInt16BE(3)) resolve();
    });
  });
  const body = buf.subarray(5, 5 + buf.readUInt16BE(3));
  const msg = body.subarray(4, 4 + body.readUIntBE(1, 3));
  const ext = findExtension(decodeClientHello(msg).extensions, ExtensionType.supported_groups);
  assert.ok(ext, 'supported_groups');
  return decodeU16List(ext);
}

describe('ffdhe groups in TLS 1.3', () => {
  test('our default supported_groups is the one openssl s_client sends, after the hybrid group', T, async () => {
    const l = await listenTcp();
    try {
      const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${l.port}`], { stdio: ['pipe', 'ignore', 'ignore'] });
      const theirs = await helloGroups(await l.accept());
      await killChild(child);
      const ours = await connectOurs(l.port, ourClientContext({ versions: 'any' }));
      ours.pump.handshake().catch(() => {}); // sends the ClientHello; nobody answers
      const oursGroups = await helloGroups(await l.accept());
      ours.pump.destroy();
      // Ours leads with the hybrid post-quantum group (README), which OpenSSL 3.0 does not have.
      assert.equal(oursGroups[0], 0x11ec);
      assert.deepEqual(oursGroups.slice(1), theirs);
      assert.ok(theirs.includes(0x0100) && theirs.includes(0x0104), 'OpenSSL 3.0 lists ffdhe2048..8192');
    } finally {
      await l.close();
    }
  });

  for (const group of FFDHE) {
    test(`openssl s_client -groups ${group} -> our server (default groups)`, T, async () => {
      const l = await listenTcp();
      const input = 'ffdhe in 1.3\n';
      const clientP = runOpensslClient(l.port, ['-groups', group, '-servername', 'localhost', '-CAfile', fixture('ca.pem'), '-verify_return_error'], input);
      try {
        const ours = acceptOurs(await l.accept(), ourServerContext({ versions: 'tls13' }));
        await ours.pump.handshake();
        const got = await ours.pump.readExactly(input.length);
        await ours.pump.write(got);
        await ours.pump.close();
        const client = await clientP;
        assert.equal(client.code, 0, client.stderr);
        assert.equal(client.stdout, input);
        assert.equal(client.brief.protocol, 'TLSv1.3');
        assert.equal(ours.obj.handshakeInfo().group, group);
        assert.equal(ours.obj.handshakeInfo().helloRetryRequest, false);
        ours.pump.destroy();
      } finally {
        await clientP.catch(() => {});
        await l.close();
      }
    });
  }

  test('our client (default groups) -> openssl s_server -groups ffdhe2048: HelloRetryRequest, then ffdhe2048', T, async () => {
    const server = await startOpensslServer(['-rev', '-naccept', '1', '-groups', 'ffdhe2048', '-cert', fixture('leaf-ecdsa-p256.pem'), '-key', fixture('leaf-ecdsa-p256.key'), '-cert_chain', fixture('inter.pem')]);
    let ours: Awaited<ReturnType<typeof connectOurs>> | undefined;
    try {
      ours = await connectOurs(server.port, ourClientContext({ versions: 'tls13' }));
      await ours.pump.handshake();
      assert.equal(ours.obj.handshakeInfo().group, 'ffdhe2048');
      assert.equal(ours.obj.handshakeInfo().helloRetryRequest, true);
      await ours.pump.write('group\n');
      assert.equal(text(await ours.pump.readUntil('\n')), 'puorg\n');
      await ours.pump.close();
    } finally {
      ours?.pump.destroy();
      await server.stop();
    }
  });

  for (const group of ['ffdhe3072', 'ffdhe8192']) {
    test(`our client with groups [${group}] -> openssl s_server -groups ${group}: first key share`, T, async () => {
      const server = await startOpensslServer(['-rev', '-naccept', '1', '-groups', group, '-cert', fixture('leaf-ecdsa-p256.pem'), '-key', fixture('leaf-ecdsa-p256.key'), '-cert_chain', fixture('inter.pem')]);
      let ours: Awaited<ReturnType<typeof connectOurs>> | undefined;
      try {
        ours = await connectOurs(server.port, ourClientContext({ versions: 'tls13', groups: [group] }));
        await ours.pump.handshake();
        assert.equal(ours.obj.handshakeInfo().group, group);
        assert.equal(ours.obj.handshakeInfo().helloRetryRequest, false);
        await ours.pump.write('abc\n');
        assert.equal(text(await ours.pump.readUntil('\n')), 'cba\n');
      } finally {
        ours?.pump.destroy();
        await server.stop();
      }
    });
  }
});
