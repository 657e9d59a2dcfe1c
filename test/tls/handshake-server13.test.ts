// The TLS 1.3 server state machine (src/tls/handshake-server13.ts): what it
// refuses in the client's messages and what its first flight holds. Written
// from the mutants `npm run mutation -- handshake-server13` left alive. Where
// the expected alert and reason are not plain from RFC 8446, they are OpenSSL
// 3.0's: our client, with the same message changed, was run against
// `openssl s_server`, and its error line and alert are what is asserted here.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alertToSend } from '../../src/tls/alert.js';
import type { EngineConfig } from '../../src/tls/config.js';
import { Connection } from '../../src/tls/connection.js';
import { Alert, ContentType, ExtensionType as E, HandshakeType as HT } from '../../src/tls/constants.js';
import { decodeClientHello, decodeServerHello, encodeClientHello, type ClientHello } from '../../src/tls/hello-messages.js';
import { engineConfig, pair, serverCert } from './engine-helpers.js';
import { startClient as startClient13 } from '../../src/tls/handshake-client13.js';
import { startServer } from '../../src/tls/handshake-server13.js';
import { decodeEncryptedExtensions } from '../../src/tls/tls13-messages.js';
import { clientHelloRecords, editSecondHello, type Ext, failure, feed, handshake, record, setExt, tamper } from './hostile-helpers.js';
import { ContextSessions } from '../../src/ssl/session-cache.js';
import { getDefaultCryptoProvider } from '../../src/crypto/default-provider.js';
import { encodeHelloWithBinders, pskToOffer } from '../../src/tls/resumption13.js';
import { PSK_KE } from '../../src/tls/psk.js';
import type { ClientSession } from '../../src/tls/session-state.js';

/** The server's reason and alert for our ClientHello changed by `edit`. */
function serverVerdict(edit: (ch: ClientHello) => void, serverOver: Partial<EngineConfig> = {}, clientOver: Partial<EngineConfig> = {}) {
  const { server } = pair({}, serverOver);
  try {
    feed(server, clientHelloRecords(edit, clientOver));
  } catch {
    /* server.error holds it */
  }
  return { reason: server.error?.reason ?? null, alert: alertToSend(server.error) ?? null };
}

/** Key share entries as a key_share extension body. */
function keyShares(...entries: [group: number, len: number, fill: number][]): Uint8Array {
  const list = entries.flatMap(([g, len, fill]) => [g >> 8, g & 0xff, len >> 8, len & 0xff, ...new Array<number>(len).fill(fill)]);
  return Uint8Array.from([list.length >> 8, list.length & 0xff, ...list]);
}

/** The content types of the records in `out`, in order. */
function recordTypes(out: readonly Uint8Array[]): number[] {
  const all = Buffer.concat(out);
  const types: number[] = [];
  for (let off = 0; off + 5 <= all.length; off += 5 + all.readUInt16BE(off + 3)) types.push(all[off]!);
  return types;
}

describe('TLS 1.3 server: key_share and supported_groups (RFC 8446 9.2: both or neither)', () => {
  test('supported_groups without key_share: missing_extension NO_SUITABLE_KEY_SHARE (OpenSSL final_key_share)', () => {
    assert.deepEqual(serverVerdict((ch) => setExt(ch.extensions, E.key_share, null)), { reason: 'NO_SUITABLE_KEY_SHARE', alert: Alert.missing_extension });
  });
  test('when several are missing, OpenSSL\'s order: supported_groups (key_share\'s parsing), then signature_algorithms, then key_share', () => {
    const drop = (...types: number[]) => (ch: ClientHello) => (ch.extensions = ch.extensions.filter((e) => !types.includes(e.type)));
    assert.equal(serverVerdict(drop(E.supported_groups, E.signature_algorithms)).reason, 'MISSING_SUPPORTED_GROUPS_EXTENSION');
    assert.equal(serverVerdict(drop(E.key_share, E.signature_algorithms)).reason, 'MISSING_SIGALGS_EXTENSION');
    assert.equal(serverVerdict(drop(E.key_share, E.supported_groups, E.signature_algorithms)).reason, 'MISSING_SIGALGS_EXTENSION');
    assert.deepEqual(serverVerdict(drop(E.key_share, E.supported_groups)), { reason: 'NO_SUITABLE_KEY_SHARE', alert: Alert.missing_extension });
  });
  test('key_share without supported_groups: missing_extension MISSING_SUPPORTED_GROUPS_EXTENSION', () => {
    assert.deepEqual(serverVerdict((ch) => setExt(ch.extensions, E.supported_groups, null)), {
      reason: 'MISSING_SUPPORTED_GROUPS_EXTENSION',
      alert: Alert.missing_extension,
    });
  });
});

describe('TLS 1.3 server: the second ClientHello after a HelloRetryRequest', () => {
  const HRR = { groups: [0x1d, 0x17] };
  const HRR_SERVER = { groups: [0x17] };
  const second = (edit: (ch: ClientHello) => void) => {
    const { client, server } = pair(HRR, HRR_SERVER);
    editSecondHello(client, edit);
    const reason = failure(client, server, server);
    return { reason, alert: alertToSend(server.error) ?? null };
  };
  test('a share for the group asked and one more: illegal_parameter BAD_KEY_SHARE (OpenSSL tls_parse_ctos_key_share)', () => {
    const ok = (ch: ClientHello) => ch.extensions.find((e) => e.type === E.key_share)!.data;
    assert.deepEqual(
      second((ch) => {
        const asked = Buffer.from(ok(ch)).subarray(2);
        const extra = Buffer.from(keyShares([0x1d, 32, 9])).subarray(2);
        const list = Buffer.concat([asked, extra]);
        setExt(ch.extensions, E.key_share, Buffer.concat([Buffer.of(list.length >> 8, list.length & 0xff), list]));
      }),
      { reason: 'BAD_KEY_SHARE', alert: Alert.illegal_parameter },
    );
  });
  test('no share at all: illegal_parameter BAD_KEY_SHARE', () => {
    assert.deepEqual(
      second((ch) => setExt(ch.extensions, E.key_share, Uint8Array.of(0, 0))),
      { reason: 'BAD_KEY_SHARE', alert: Alert.illegal_parameter },
    );
  });
});

describe('TLS 1.3 server: the middlebox ChangeCipherSpec (RFC 8446 D.4)', () => {
  // OpenSSL 3.0's server sends it right after its first handshake message whenever
  // OP_ENABLE_MIDDLEBOX_COMPAT is set, also to a client with an empty session id.
  const flight = (clientOver: Partial<EngineConfig>, serverOver: Partial<EngineConfig> = {}) => {
    const { server } = pair({}, serverOver);
    feed(server, clientHelloRecords(() => {}, clientOver));
    return recordTypes(server.takeOutput());
  };
  const H = ContentType.handshake;
  const CCS = ContentType.change_cipher_spec;
  const APP = ContentType.application_data;
  test('after the ServerHello, whether the client sent a session id or not', () => {
    for (const middleboxCompat of [true, false]) {
      const types = flight({ middleboxCompat });
      assert.deepEqual(types.slice(0, 3), [H, CCS, APP], `client middleboxCompat ${middleboxCompat}`);
      assert.equal(types.filter((t) => t === CCS).length, 1);
    }
  });
  test('after a HelloRetryRequest, and then not again', () => {
    for (const middleboxCompat of [true, false]) {
      const { client, server } = pair({ groups: [0x1d, 0x17], middleboxCompat }, { groups: [0x17] });
      const records: number[][] = [];
      const send = server.takeOutput.bind(server);
      server.takeOutput = () => {
        const out = send();
        records.push(recordTypes(out));
        return out;
      };
      failure(client, server, server);
      assert.ok(client.handshakeDone && server.handshakeDone);
      assert.deepEqual(records[0], [H, CCS], `HRR flight, client middleboxCompat ${middleboxCompat}`);
      assert.deepEqual(records[1]!.slice(0, 2), [H, APP], `ServerHello flight, client middleboxCompat ${middleboxCompat}`);
    }
  });
  test('never from a server without middlebox compatibility, with or without a HelloRetryRequest', () => {
    assert.ok(!flight({ middleboxCompat: true }, { middleboxCompat: false }).includes(CCS));
    const { server } = pair({}, { middleboxCompat: false, groups: [0x17] });
    feed(server, clientHelloRecords(() => {}, { groups: [0x1d, 0x17] }));
    assert.deepEqual(recordTypes(server.takeOutput()), [H]);
  });
});

/** A session from a first full handshake with a server that keeps its tickets in `store`. */
function ticket(store: ReturnType<ContextSessions['store']>, serverOver: Partial<EngineConfig> = {}): ClientSession {
  const { client, server } = pair({}, { sessionStore: store, ...serverOver });
  handshake(client, server);
  feed(client, server.takeOutput());
  const s = client.sessions.at(-1);
  assert.ok(s, 'no ticket');
  return s;
}

describe('TLS 1.3 server: psk_ke, resumption without (EC)DHE (OP_ALLOW_NO_DHE_KEX)', () => {
  // Our client offers psk_ke beside psk_dhe_ke, and the server then takes psk_dhe_ke; a client
  // offering psk_ke alone (tlslite's, in the interop tests) is made here by changing the
  // modes in our ClientHello and computing its binder again.
  /** Edits the extensions of `client`'s resuming ClientHello (in place) and computes its binder again. */
  const editPskHello = (client: Connection, edit: (exts: Ext[]) => void) =>
    tamper(client, HT.client_hello, (body) => {
      const ch = decodeClientHello(body);
      edit(ch.extensions);
      return encodeHelloWithBinders(client, ch, pskToOffer(client));
    });
  const pskKeOnly = (client: Connection) => editPskHello(client, (exts) => setExt(exts, E.psk_key_exchange_modes, Uint8Array.of(1, PSK_KE)));
  test('a client offering psk_ke alone resumes with no key share on either side', () => {
    const store = new ContextSessions(getDefaultCryptoProvider()).store(true);
    const { client, server } = pair({ resume: ticket(store), allowNoDheKex: true }, { sessionStore: store, allowNoDheKex: true });
    pskKeOnly(client);
    let serverHello: ClientHello['extensions'] = [];
    tamper(server, HT.server_hello, (body) => {
      serverHello = decodeServerHello(body).extensions;
      return body;
    });
    handshake(client, server);
    assert.ok(client.handshakeDone && server.handshakeDone);
    assert.equal(server.negotiated.resumed, true);
    assert.equal(client.negotiated.resumed, true);
    assert.equal(server.negotiated.group, null);
    assert.equal(client.negotiated.group, null);
    assert.deepEqual(serverHello.map((e) => e.type), [E.supported_versions, E.pre_shared_key]);
  });
  test('a psk_ke ClientHello may leave out key_share, supported_groups and signature_algorithms (RFC 8446 9.2; OpenSSL 3.0 resumes it)', () => {
    const store = new ContextSessions(getDefaultCryptoProvider()).store(true);
    const { client, server } = pair({ resume: ticket(store), allowNoDheKex: true }, { sessionStore: store, allowNoDheKex: true });
    editPskHello(client, (exts) => {
      for (const type of [E.key_share, E.supported_groups, E.signature_algorithms]) setExt(exts, type, null);
      // pre_shared_key stays last: setExt replaces the modes where they were.
      setExt(exts, E.psk_key_exchange_modes, Uint8Array.of(1, PSK_KE));
    });
    handshake(client, server);
    assert.ok(client.handshakeDone && server.handshakeDone, server.error?.reason ?? client.error?.reason ?? undefined);
    assert.equal(server.negotiated.resumed, true);
  });
  test('a psk_dhe_ke resumption without key_share: missing_extension NO_SUITABLE_KEY_SHARE', () => {
    const store = new ContextSessions(getDefaultCryptoProvider()).store(true);
    const { client, server } = pair({ resume: ticket(store) }, { sessionStore: store });
    editPskHello(client, (exts) => setExt(exts, E.key_share, null));
    assert.equal(failure(client, server, server), 'NO_SUITABLE_KEY_SHARE');
    assert.equal(alertToSend(server.error), Alert.missing_extension);
  });
  test('a resumption without signature_algorithms is taken (only a full handshake needs them)', () => {
    const store = new ContextSessions(getDefaultCryptoProvider()).store(true);
    const { client, server } = pair({ resume: ticket(store) }, { sessionStore: store });
    editPskHello(client, (exts) => setExt(exts, E.signature_algorithms, null));
    handshake(client, server);
    assert.ok(server.handshakeDone && server.negotiated.resumed);
  });
  test('without OP_ALLOW_NO_DHE_KEX on the server, psk_ke alone is no PSK: a full handshake', () => {
    const store = new ContextSessions(getDefaultCryptoProvider()).store(true);
    const { client, server } = pair({ resume: ticket(store), allowNoDheKex: true }, { sessionStore: store });
    pskKeOnly(client);
    handshake(client, server);
    assert.ok(client.handshakeDone && server.handshakeDone);
    assert.equal(server.negotiated.resumed, false);
    assert.equal(server.negotiated.group, 0x1d);
  });
});

describe('TLS 1.3 server: before and instead of the ClientHello', () => {
  test('a version range with neither TLS 1.2 nor 1.3: NO_PROTOCOLS_AVAILABLE before anything is read (as Python)', () => {
    // The ssl layer's empty range; TLS 1.0-1.1 only; a version above TLS 1.3 only.
    for (const [minVersion, maxVersion] of [[0xffff, 0], [0x0301, 0x0302], [0x0305, 0x0305]]) {
      const server = new Connection(engineConfig({ isServer: true, minVersion, maxVersion }));
      assert.throws(() => server.begin(startServer), (e: { reason?: string }) => e.reason === 'NO_PROTOCOLS_AVAILABLE');
      assert.equal(alertToSend(server.error), Alert.protocol_version);
    }
    for (const [minVersion, maxVersion] of [[0x0303, 0x0303], [0x0304, 0x0304], [0x0301, 0x0303]]) {
      const server = new Connection(engineConfig({ isServer: true, minVersion, maxVersion }));
      server.begin(startServer);
      assert.equal(server.error, null);
    }
  });
  test('a first message that is not a ClientHello: unexpected_message', () => {
    const { server } = pair();
    assert.throws(() => feed(server, [record(22, Uint8Array.of(HT.finished, 0, 0, 32, ...new Array<number>(32).fill(0)))]), (e: { reason?: string }) => e.reason === 'UNEXPECTED_MESSAGE');
  });
  test('a key share list where one of two shares is for a group not in supported_groups: BAD_KEY_SHARE', () => {
    const p256 = getDefaultCryptoProvider().keyShare(0x17).publicKey;
    assert.deepEqual(
      serverVerdict((ch) => {
        const x = Buffer.from(ch.extensions.find((e) => e.type === E.key_share)!.data).subarray(2);
        const list = Buffer.concat([x, Buffer.of(0, 0x17, p256.length >> 8, p256.length & 0xff), p256]);
        setExt(ch.extensions, E.key_share, Buffer.concat([Buffer.of(list.length >> 8, list.length & 0xff), list]));
        setExt(ch.extensions, E.supported_groups, Uint8Array.of(0, 2, 0, 0x1d));
      }),
      { reason: 'BAD_KEY_SHARE', alert: Alert.illegal_parameter },
    );
  });
  test('no certificate and no PSK: handshake_failure NO_SHARED_CIPHER (OpenSSL s_server -nocert)', () => {
    assert.deepEqual(serverVerdict(() => {}, { certs: [] }), { reason: 'NO_SHARED_CIPHER', alert: Alert.handshake_failure });
  });
  test('no TLS 1.3 suite in common: handshake_failure NO_SHARED_CIPHER', () => {
    assert.deepEqual(serverVerdict((ch) => (ch.cipherSuites = [0x1304, 0xc02b]), {}, { minVersion: 0x0304 }), { reason: 'NO_SHARED_CIPHER', alert: Alert.handshake_failure });
  });
});

describe('TLS 1.3 server: more on the second ClientHello', () => {
  const second = (edit: (ch: ClientHello) => void) => {
    const { client, server } = pair({ groups: [0x1d, 0x17] }, { groups: [0x17] });
    editSecondHello(client, edit);
    return { reason: failure(client, server, server), alert: alertToSend(server.error) ?? null };
  };
  test('one extension more at the end: illegal_parameter BAD_EXTENSION', () => {
    assert.deepEqual(second((ch) => ch.extensions.push({ type: 0xfafa, data: new Uint8Array(0) })), { reason: 'BAD_EXTENSION', alert: Alert.illegal_parameter });
  });
  test('an extension with the same body under another type: illegal_parameter BAD_EXTENSION', () => {
    assert.deepEqual(
      second((ch) => {
        const i = ch.extensions.findIndex((e) => e.type === E.signature_algorithms);
        ch.extensions[i] = { type: E.signature_algorithms_cert, data: ch.extensions[i]!.data };
      }),
      { reason: 'BAD_EXTENSION', alert: Alert.illegal_parameter },
    );
  });
  test('early_data in it (RFC 8446 4.2.10): illegal_parameter BAD_EXTENSION (OpenSSL tls_parse_ctos_early_data)', () => {
    assert.deepEqual(second((ch) => ch.extensions.push({ type: E.early_data, data: new Uint8Array(0) })), { reason: 'BAD_EXTENSION', alert: Alert.illegal_parameter });
  });
  test('a HelloRetryRequest without early data leaves the early data state alone', () => {
    const { client, server } = pair({ groups: [0x1d, 0x17] }, { groups: [0x17] });
    handshake(client, server);
    assert.ok(server.handshakeDone && server.negotiated.helloRetryRequest);
    assert.equal(server.earlyStatus, 'not_sent');
    assert.equal(server.earlySkip, 0);
  });
});

describe('TLS 1.3 server: the SNI acknowledgement (an empty server_name), as OpenSSL under Python', () => {
  // OpenSSL acknowledges only when a servername callback ran and accepted (Python: sni_callback
  // set and returning None); with no callback it answers SSL_TLSEXT_ERR_NOACK. Checked with
  // `openssl s_client -tlsextdebug` against python3 servers with and without sni_callback.
  const acked = (version: number, callback: boolean | null, clientSni: string | null): boolean => {
    const onClientHello = callback === null ? undefined : () => callback;
    const { client, server } = pair({ serverName: clientSni, maxVersion: version }, { onClientHello });
    let exts: Ext[] = [];
    tamper(server, version === 0x0304 ? HT.encrypted_extensions : HT.server_hello, (body) => {
      exts = version === 0x0304 ? decodeEncryptedExtensions(body) : decodeServerHello(body).extensions;
      return body;
    });
    handshake(client, server);
    assert.ok(server.handshakeDone);
    return exts.some((e) => e.type === E.server_name && e.data.length === 0);
  };
  for (const version of [0x0304, 0x0303]) {
    const v = version === 0x0304 ? 'TLS 1.3' : 'TLS 1.2';
    test(`${v}: acknowledged when the callback accepts a name the client sent`, () => assert.equal(acked(version, true, 'localhost'), true));
    test(`${v}: not without a callback, nor when the callback does not accept`, () => {
      assert.equal(acked(version, null, 'localhost'), false);
      assert.equal(acked(version, false, 'localhost'), false);
    });
    test(`${v}: not when the client sent no name`, () => assert.equal(acked(version, true, null), false));
  }
});

describe('TLS 1.3 server: suite choice', () => {
  test('a PSK-only server (PSK callback, no certificate) puts the SHA-256 suites first, as OpenSSL', () => {
    const key = Buffer.alloc(32, 7);
    const id = Buffer.from('id');
    const ours = pair().server.config.tls13Suites;
    const firstSha256 = ours.find((s) => s.hash === 'sha256')!;
    assert.notEqual(ours[0]!.hash, 'sha256', 'the default order starts with a SHA-384 suite');
    const { client, server } = pair({ externalPsk: () => ({ identity: id, key }) }, { certs: [], externalPskLookup: (i) => (Buffer.compare(i, id) === 0 ? key : null) });
    handshake(client, server);
    assert.ok(server.handshakeDone && server.negotiated.resumed);
    assert.equal(server.negotiated.cipherSuite, firstSha256.name);
  });
  test('with a certificate too, its own order', () => {
    const ours = pair().server.config.tls13Suites;
    const { client, server } = pair({}, { externalPskLookup: () => null });
    handshake(client, server);
    assert.equal(server.negotiated.cipherSuite, ours[0]!.name);
  });
});

describe('TLS 1.3 server: client authentication messages in order', () => {
  const CLIENT_AUTH = () => pair({ certs: [pair().server.config.certs[0]!] }, { verifyMode: 2 });
  /** The client sends `instead` where it would send `type` (with the same body). */
  const swapping = (client: Connection, type: number, instead: number | null) => {
    const send = client.sendHandshake.bind(client);
    client.sendHandshake = (t, body, add) => (t !== type ? send(t, body, add) : instead === null ? new Uint8Array(0) : send(instead, body, add));
  };
  for (const [what, type, instead] of [
    ['no Certificate (CertificateVerify first)', HT.certificate, null],
    ['no CertificateVerify (Finished after the Certificate)', HT.certificate_verify, null],
    ['a Certificate where the Finished belongs', HT.finished, HT.certificate],
  ] as const) {
    test(`${what}: unexpected_message`, () => {
      const { client, server } = CLIENT_AUTH();
      swapping(client, type, instead);
      assert.equal(failure(client, server, server), 'UNEXPECTED_MESSAGE');
      assert.equal(alertToSend(server.error), Alert.unexpected_message);
    });
  }
  test('CERT_NONE: no CertificateRequest', () => {
    const sent: number[] = [];
    const { client, server } = pair({}, { trace: (ev) => void (ev.kind === 'handshake' && ev.direction === 'sent' && sent.push(ev.type)) });
    handshake(client, server);
    assert.ok(server.handshakeDone);
    assert.ok(sent.includes(HT.finished));
    assert.ok(!sent.includes(HT.certificate_request));
    const asked: number[] = [];
    const p = pair({}, { verifyMode: 1, trace: (ev) => void (ev.kind === 'handshake' && ev.direction === 'sent' && asked.push(ev.type)) });
    handshake(p.client, p.server);
    assert.ok(asked.includes(HT.certificate_request));
  });
});

describe('TLS 1.3 server: early data', () => {
  const store = () => new ContextSessions(getDefaultCryptoProvider()).store(true);
  test('accepted: read under the early keys, then the handshake completes', () => {
    const st = store();
    const session = ticket(st, { maxEarlyData: 100 });
    const { client, server } = pair({ resume: session, earlyData: Buffer.from('early bytes') }, { sessionStore: st, maxEarlyData: 100 });
    handshake(client, server);
    assert.ok(client.handshakeDone && server.handshakeDone);
    assert.equal(server.earlyStatus, 'accepted');
    assert.equal(client.earlyStatus, 'accepted');
    assert.equal(Buffer.from(server.readEarly(100)).toString(), 'early bytes');
  });
  for (const hrr of [false, true]) {
    test(`refused${hrr ? ' with a HelloRetryRequest' : ''}: 16384 bytes of early data (the most a ticket of ours allows) are skipped`, () => {
      const st = store();
      const session = ticket(st, { maxEarlyData: 16384 });
      const groups = hrr ? { groups: [0x17] } : {};
      // This server takes no early data (maxEarlyData 0), so it refuses and must skip all of it.
      const { client, server } = pair({ resume: session, earlyData: Buffer.alloc(16384, 1), groups: [0x1d, 0x17] }, { sessionStore: st, maxEarlyData: 0, ...groups });
      handshake(client, server);
      assert.ok(client.handshakeDone && server.handshakeDone, server.error?.reason ?? client.error?.reason ?? undefined);
      assert.equal(server.earlyStatus, 'rejected');
      assert.equal(server.negotiated.helloRetryRequest, hrr);
    });
  }
});

describe('TLS 1.3: our own chain', () => {
  test('each chain sent goes through checkOwnChain (the security level check) first; an empty client Certificate does not', () => {
    const sent: Uint8Array[][] = [];
    const check = (chain: readonly Uint8Array[]) => void sent.push([...chain]);
    const withCert = pair({ certs: [serverCert('rsa2048')], checkOwnChain: check }, { verifyMode: 2, checkOwnChain: check });
    handshake(withCert.client, withCert.server);
    assert.ok(withCert.server.handshakeDone);
    assert.deepEqual(sent, [serverCert('ecdsa-p256').chain, serverCert('rsa2048').chain]);

    sent.length = 0;
    const without = pair({ checkOwnChain: check }, { verifyMode: 1, checkOwnChain: check });
    handshake(without.client, without.server);
    assert.ok(without.server.handshakeDone);
    assert.deepEqual(sent, [serverCert('ecdsa-p256').chain]);

    const refused = pair({}, { checkOwnChain: () => { throw new Error('own chain refused'); } });
    refused.client.begin(startClient13);
    assert.throws(() => feed(refused.server, refused.client.takeOutput()), /own chain refused/);
  });
});
