// TLS 1.2 in the engine for issue 9: DHE and CBC suites, extended master
// secret and encrypt-then-MAC negotiation, hostile DH values, tampered CBC
// records on a live connection, and ffdhe key shares in TLS 1.3.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as nc from 'node:crypto';
import { nodeCrypto } from '../../src/crypto/node-provider.js';
import { ffdhePrime } from '../../src/crypto/ffdhe.js';
import type { DhKey } from '../../src/crypto/provider.js';
import { TLS12_SUITES, tls12SuiteByName } from '../../src/tls/cipher-suites12.js';
import { NamedGroup } from '../../src/tls/constants.js';
import type { EngineConfig } from '../../src/tls/config.js';
import type { Connection } from '../../src/tls/connection.js';
import { startClient } from '../../src/tls/handshake-client13.js';
import { expectReason, ferry, pair, serverCert } from './engine-helpers.js';

const TLS12 = 0x0303;
const FFDHE2048 = { p: ffdhePrime(NamedGroup.ffdhe2048), g: Uint8Array.of(2) };

function handshake(client: Connection, server: Connection): void {
  client.begin(startClient);
  for (let i = 0; i < 6 && !(client.handshakeDone && server.handshakeDone); i++) {
    ferry(client, server);
    ferry(server, client);
  }
  assert.ok(client.handshakeDone && server.handshakeDone, 'handshake done');
}

function exchange(client: Connection, server: Connection, size = 40000): void {
  const data = nc.randomBytes(size);
  client.sendApp(data);
  ferry(client, server);
  assert.deepEqual(Buffer.from(server.readApp(size)), data);
  server.sendApp(data.subarray(0, 1000));
  ferry(server, client);
  assert.deepEqual(Buffer.from(client.readApp(1000)), data.subarray(0, 1000));
}

const suite = (name: string) => tls12SuiteByName(name)!;

describe('TLS 1.2 DHE and CBC suites in the engine', () => {
  for (const s of TLS12_SUITES.filter((x) => x.kx === 'DHE' || x.mode === 'cbc')) {
    test(`${s.name}`, () => {
      const kind = s.auth === 'RSA' ? 'rsa2048' : 'ecdsa-p256';
      const { client, server } = pair({ maxVersion: TLS12, tls12Suites: [s] }, { certs: [serverCert(kind)], dhParams: FFDHE2048 });
      handshake(client, server);
      assert.equal(server.negotiated.cipherSuite, s.name);
      assert.equal(client.negotiated.group, s.kx === 'DHE' ? null : NamedGroup.x25519);
      assert.equal(client.negotiated.encryptThenMac, s.mode === 'cbc');
      assert.equal(server.negotiated.encryptThenMac, s.mode === 'cbc');
      assert.ok(client.negotiated.extendedMasterSecret && server.negotiated.extendedMasterSecret);
      exchange(client, server);
    });
  }

  test('DHE without parameters on the server: not chosen; dhParams "auto" makes it usable', () => {
    const none = pair({ maxVersion: TLS12, tls12Suites: [suite('DHE-RSA-AES128-GCM-SHA256')] }, { certs: [serverCert('rsa2048')] });
    none.client.begin(startClient);
    expectReason(() => ferry(none.client, none.server), 'NO_SHARED_CIPHER');
    const auto = pair({ maxVersion: TLS12, tls12Suites: [suite('DHE-RSA-AES128-GCM-SHA256')] }, { certs: [serverCert('rsa2048')], dhParams: 'auto' });
    handshake(auto.client, auto.server);
    exchange(auto.client, auto.server, 100);
  });

  for (const [label, c, s, ems] of [
    ['client without EMS', { noExtendedMasterSecret: true }, {}, false],
    ['server without EMS', {}, { noExtendedMasterSecret: true }, false],
    ['both with EMS', {}, {}, true],
  ] as Array<[string, Partial<EngineConfig>, Partial<EngineConfig>, boolean]>) {
    test(`extended master secret: ${label}`, () => {
      const { client, server } = pair({ maxVersion: TLS12, ...c }, s);
      handshake(client, server);
      assert.equal(client.negotiated.extendedMasterSecret, ems);
      assert.equal(server.negotiated.extendedMasterSecret, ems);
      exchange(client, server, 100);
    });
  }

  test('requireExtendedMasterSecret wins over noExtendedMasterSecret, and a 1.3 connection is unaffected', () => {
    const a = pair({ maxVersion: TLS12, noExtendedMasterSecret: true, requireExtendedMasterSecret: true }, {});
    handshake(a.client, a.server);
    assert.ok(a.client.negotiated.extendedMasterSecret);
    const b = pair({ requireExtendedMasterSecret: true }, { noExtendedMasterSecret: true });
    handshake(b.client, b.server);
    assert.equal(b.client.negotiated.version, 0x0304);
  });

  for (const [label, c, s, etm] of [
    ['client without EtM', { noEncryptThenMac: true }, {}, false],
    ['server without EtM', {}, { noEncryptThenMac: true }, false],
  ] as Array<[string, Partial<EngineConfig>, Partial<EngineConfig>, boolean]>) {
    test(`encrypt-then-MAC: ${label}`, () => {
      const cbc = [suite('ECDHE-ECDSA-AES256-SHA384')];
      const { client, server } = pair({ maxVersion: TLS12, tls12Suites: cbc, ...c }, { tls12Suites: cbc, ...s });
      handshake(client, server);
      assert.equal(client.negotiated.encryptThenMac, etm);
      assert.equal(server.negotiated.encryptThenMac, etm);
      exchange(client, server);
    });
  }

  for (const etm of [false, true]) {
    test(`a tampered CBC record on a live connection${etm ? ' (EtM)' : ''}: bad_record_mac both ways`, () => {
      const cbc = [suite('ECDHE-RSA-AES128-SHA256')];
      const { client, server } = pair({ maxVersion: TLS12, tls12Suites: cbc, noEncryptThenMac: !etm }, { certs: [serverCert('rsa2048')] });
      handshake(client, server);
      client.sendApp(Buffer.alloc(64, 1));
      const rec = Buffer.concat(client.takeOutput());
      rec[rec.length - 20] = rec[rec.length - 20]! ^ 0x40;
      expectReason(() => server.receive(rec), 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC');
      expectReason(() => ferry(server, client), 'SSLV3_ALERT_BAD_RECORD_MAC');
    });
  }

  test('a 1024-bit DH group: DH_KEY_TOO_SMALL at security level 2, accepted at level 1', () => {
    const modp2 = { p: nc.getDiffieHellman('modp2').getPrime(), g: Uint8Array.of(2) };
    const dhe = [suite('DHE-RSA-AES128-GCM-SHA256')];
    const a = pair({ maxVersion: TLS12, tls12Suites: dhe }, { certs: [serverCert('rsa2048')], dhParams: modp2 });
    a.client.begin(startClient);
    ferry(a.client, a.server);
    const e = expectReason(() => ferry(a.server, a.client), 'DH_KEY_TOO_SMALL');
    assert.equal(e.library, 'SSL');
    const b = pair({ maxVersion: TLS12, tls12Suites: dhe, securityLevel: 1 }, { certs: [serverCert('rsa2048')], dhParams: modp2 });
    handshake(b.client, b.server);
  });

  test('an even DH prime or a generator of 1: BAD_DH_VALUE', () => {
    for (const params of [{ p: Buffer.concat([FFDHE2048.p.subarray(0, 255), Buffer.of(0xfe)]), g: Uint8Array.of(2) }, { p: FFDHE2048.p, g: Uint8Array.of(1) }]) {
      // The server side cannot make a key over such parameters; only the client's check is under test.
      const fake = { ...nodeCrypto, finiteFieldDh: (): DhKey => ({ publicKey: Uint8Array.of(5), derive: () => null }) };
      const { client, server } = pair({ maxVersion: TLS12, tls12Suites: [suite('DHE-RSA-AES128-SHA256')] }, { certs: [serverCert('rsa2048')], dhParams: params, provider: fake });
      client.begin(startClient);
      ferry(client, server);
      expectReason(() => ferry(server, client), 'BAD_DH_VALUE');
    }
  });

  /** A provider whose DH public value is replaced (the server signs it, so only the DH check can catch it). */
  function lyingDh(value: (p: Uint8Array) => Uint8Array): EngineConfig['provider'] {
    return {
      ...nodeCrypto,
      finiteFieldDh: (p, g): DhKey => {
        const real = nodeCrypto.finiteFieldDh(p, g);
        return { publicKey: value(p), derive: (peer) => real.derive(peer) };
      },
    };
  }
  const pMinus = (p: Uint8Array, k: bigint): Uint8Array =>
    Buffer.from((BigInt('0x' + Buffer.from(p).toString('hex')) - k).toString(16).padStart(p.length * 2, '0'), 'hex');

  for (const [label, value] of [
    ['1', () => Uint8Array.of(1)],
    ['p - 1', (p: Uint8Array) => pMinus(p, 1n)],
    ['p', (p: Uint8Array) => p],
    ['p - 2, outside the prime-order subgroup', (p: Uint8Array) => pMinus(p, 2n)],
  ] as Array<[string, (p: Uint8Array) => Uint8Array]>) {
    test(`peer DH value ${label}: BAD_DH_VALUE in both roles`, () => {
      const dhe = [suite('DHE-RSA-AES256-GCM-SHA384')];
      const fromServer = pair({ maxVersion: TLS12, tls12Suites: dhe }, { certs: [serverCert('rsa2048')], dhParams: FFDHE2048, provider: lyingDh(value) });
      fromServer.client.begin(startClient);
      ferry(fromServer.client, fromServer.server);
      expectReason(() => ferry(fromServer.server, fromServer.client), 'BAD_DH_VALUE');

      const fromClient = pair({ maxVersion: TLS12, tls12Suites: dhe, provider: lyingDh(value) }, { certs: [serverCert('rsa2048')], dhParams: FFDHE2048 });
      fromClient.client.begin(startClient);
      ferry(fromClient.client, fromClient.server);
      ferry(fromClient.server, fromClient.client);
      expectReason(() => ferry(fromClient.client, fromClient.server), 'BAD_DH_VALUE');
    });
  }
});

describe('ffdhe key shares in TLS 1.3 (engine)', () => {
  test('a client offering only ffdhe2048 gets it; HelloRetryRequest towards ffdhe3072', () => {
    const a = pair({ groups: [NamedGroup.ffdhe2048] }, { groups: [NamedGroup.x25519, NamedGroup.ffdhe2048] });
    handshake(a.client, a.server);
    assert.equal(a.server.negotiated.group, NamedGroup.ffdhe2048);
    exchange(a.client, a.server, 100);
    const b = pair({ groups: [NamedGroup.x25519, NamedGroup.ffdhe3072] }, { groups: [NamedGroup.ffdhe3072] });
    handshake(b.client, b.server);
    assert.ok(b.client.negotiated.helloRetryRequest);
    assert.equal(b.client.negotiated.group, NamedGroup.ffdhe3072);
  });

  test('ffdhe groups stay out of a TLS 1.2-only ClientHello and out of ECDHE', () => {
    const { client, server } = pair({ maxVersion: TLS12, groups: [NamedGroup.ffdhe2048, NamedGroup.secp256r1] }, { groups: [NamedGroup.ffdhe2048, NamedGroup.secp256r1] });
    handshake(client, server);
    assert.equal(client.negotiated.group, NamedGroup.secp256r1);
  });
});
