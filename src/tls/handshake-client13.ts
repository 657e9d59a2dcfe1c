// The TLS 1.3 client handshake (RFC 8446 2, 4): one state type per expected
// message, so anything out of order is rejected by construction.
import type { KeyHandle } from '../crypto/provider.js';
import type { KeyShare } from '../crypto/provider.js';
import { isHybridGroup } from '../crypto/group-dispatch.js';
import { decodeError, illegalParameter, tlsError, unexpectedMessage } from './alert.js';
import { tls13SuiteById, type CipherSuite13 } from './cipher-suites.js';
import { Alert, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion } from './constants.js';
import type { Connection, HandshakeState } from './connection.js';
import { ConnectedState } from './handshake-connected13.js';
import {
  checkCertificateVerify,
  checkFinished,
  enabledVersions,
  leafPublicKey,
  selectCertificate,
  sendCertificate,
  sendCertificateVerify,
  sendFinished,
  verifyPeerChain,
} from './handshake-common13.js';
import type { HandshakeMessage } from './handshake-framing.js';
import {
  decodeAlpn,
  decodeCookie,
  decodeKeyShareHrr,
  decodeKeyShareServer,
  decodeSupportedVersionServer,
  decodeU16List,
  encodeAlpn,
  encodeCookie,
  encodeKeyShareClient,
  encodePointFormats,
  encodePskModes,
  encodeServerName,
  encodeSupportedVersionsClient,
  encodeU16List,
  type Extension,
  findExtension,
} from './extensions.js';
import { checkEncryptedExtensions } from './extension-checks.js';
import { clientPskModes, encodeHelloWithBinders, pskExtension, pskToOffer, type PskOffer } from './resumption13.js';
import { decodeSelectedIdentity, PSK_KE } from './psk.js';
import { resumable12, sessionTicketExtension } from './resumption12.js';
import { earlyProtection } from './early-data.js';
import { frameHandshake } from './handshake-framing.js';
import type { ClientSession } from './session-state.js';
import { decodeServerHello, isHelloRetryRequest, type ClientHello } from './hello-messages.js';
import { KeySchedule } from './key-schedule.js';
import { postHandshakeAuthExtension } from './post-handshake-auth.js';
import { acceptServerHello12 } from './handshake-client12.js';
import { TLS_EMPTY_RENEGOTIATION_INFO_SCSV } from './cipher-suites12.js';
import { decodeCertificate, decodeCertificateRequest, decodeCertificateVerify, decodeEncryptedExtensions } from './tls13-messages.js';

/** What the client remembers between its states. */
export interface ClientHandshake {
  hello: ClientHello;
  /** Our key shares, in the order sent; empty when only TLS 1.2 is offered (ECDHE comes later there). */
  shares: KeyShare[];
  retried: boolean;
  sentCcs: boolean;
  suite?: CipherSuite13;
  schedule?: KeySchedule;
  clientHsSecret?: Uint8Array;
  serverHsSecret?: Uint8Array;
  certRequest?: { context: Uint8Array; schemes: number[] };
  serverKey?: KeyHandle;
  /** The PSK offered in this ClientHello, if any. */
  psk?: PskOffer | null;
  /** The TLS 1.2 session offered (ticket or id), if any. */
  resume12?: ClientSession | null;
}

/**
 * The groups of the first ClientHello's key shares: the first configured
 * group, and when that is the hybrid KEM also plain X25519 (if configured),
 * as OpenSSL 3.5, Chrome and Go send them: a server without post-quantum
 * support then picks X25519 without a HelloRetryRequest.
 */
export function initialShareGroups(groups: readonly number[]): number[] {
  const first = groups[0];
  if (first === undefined) return [];
  if (isHybridGroup(first) && groups.includes(NamedGroup.x25519)) return [first, NamedGroup.x25519];
  return [first];
}

/** The versions within the configured range that we implement, newest first. */
function buildExtensions(
  conn: Connection,
  shares: KeyShare[],
  cookie: Uint8Array | null,
  psk: PskOffer | null = null,
  resume12: ClientSession | null = null,
  early = false,
): Extension[] {
  const c = conn.config;
  const versions = enabledVersions(conn);
  const offers12 = versions.includes(ProtocolVersion.TLS12);
  const exts: Extension[] = [];
  if (c.serverName) exts.push({ type: ExtensionType.server_name, data: encodeServerName(c.serverName) });
  if (offers12) exts.push({ type: ExtensionType.ec_point_formats, data: encodePointFormats() });
  // Groups that exist only in TLS 1.3 (the hybrid KEM, the ffdhe groups as OpenSSL 3.0 has them)
  // are not offered to a TLS 1.2-only handshake.
  const groups = shares.length ? c.groups : c.groups.filter((g) => g < 0x0100 && !isHybridGroup(g));
  if (groups.length) exts.push({ type: ExtensionType.supported_groups, data: encodeU16List(groups) });
  exts.push({ type: ExtensionType.signature_algorithms, data: encodeU16List(c.signatureSchemes) });
  if (c.alpn && c.alpn.length) exts.push({ type: ExtensionType.alpn, data: encodeAlpn(c.alpn) });
  // RFC 5077: a TLS 1.2 ticket to resume, or an empty one to ask for a ticket.
  const ticketExt = offers12 ? sessionTicketExtension(conn, resume12) : null;
  if (ticketExt) exts.push(ticketExt);
  // RFC 7366 and RFC 7627, offered as OpenSSL does unless switched off (handshake-client12.ts decides).
  if (offers12 && !c.noEncryptThenMac) exts.push({ type: ExtensionType.encrypt_then_mac, data: new Uint8Array(0) });
  if (offers12 && (!c.noExtendedMasterSecret || c.requireExtendedMasterSecret)) {
    exts.push({ type: ExtensionType.extended_master_secret, data: new Uint8Array(0) });
  }
  if (shares.length) {
    exts.push({ type: ExtensionType.supported_versions, data: encodeSupportedVersionsClient(versions) });
    if (cookie) exts.push({ type: ExtensionType.cookie, data: encodeCookie(cookie) });
    exts.push({ type: ExtensionType.psk_key_exchange_modes, data: encodePskModes(clientPskModes(conn)) });
    exts.push({
      type: ExtensionType.key_share,
      data: encodeKeyShareClient(shares.map((s) => ({ group: s.group, keyExchange: s.publicKey }))),
    });
    const pha = postHandshakeAuthExtension(conn);
    if (pha) exts.push(pha);
    if (early) exts.push({ type: ExtensionType.early_data, data: new Uint8Array(0) });
    // RFC 8446 4.2.11: pre_shared_key comes last.
    if (psk) exts.push(pskExtension(conn, psk));
  }
  return exts;
}

/** Send the first ClientHello; the client's handshake starts here. */
export function startClient(conn: Connection): HandshakeState {
  const c = conn.config;
  const versions = enabledVersions(conn);
  if (versions.length === 0) throw tlsError(Alert.protocol_version, 'NO_PROTOCOLS_AVAILABLE');
  const offers13 = versions.includes(ProtocolVersion.TLS13);
  const offers12 = versions.includes(ProtocolVersion.TLS12);
  // TLS 1.3 alone with no group (none set, or none the provider can do): nothing to offer, as OpenSSL.
  if (offers13 && !offers12 && c.groups.length === 0) throw tlsError(Alert.internal_error, 'NO_SUITABLE_KEY_SHARE');
  const shares = offers13 ? initialShareGroups(c.groups).map((g) => c.provider.keyShare(g)) : [];
  const suites = [
    ...(offers13 ? c.tls13Suites.map((s) => s.id) : []),
    ...(offers12 ? c.tls12Suites.map((s) => s.id) : []),
    // RFC 5746: the SCSV says we do secure renegotiation (that is, none at all).
    ...(offers12 ? [TLS_EMPTY_RENEGOTIATION_INFO_SCSV] : []),
  ];
  if (suites.length === (offers12 ? 1 : 0)) throw tlsError(Alert.handshake_failure, 'NO_CIPHERS_AVAILABLE');
  const psk = offers13 ? pskToOffer(conn) : null;
  const resume12 = offers12 ? resumable12(conn) : null;
  // 0-RTT only on a resumed ticket that allows this much (RFC 8446 4.2.10).
  const early = c.earlyData && c.earlyData.length > 0 && psk && !psk.external && psk.session.maxEarlyData >= c.earlyData.length ? c.earlyData : null;
  const hello: ClientHello = {
    legacyVersion: ProtocolVersion.TLS12,
    random: c.provider.randomBytes(32),
    // A fake session id makes the handshake look like TLS 1.2 resumption to middleboxes (RFC 8446 D.4).
    // A TLS 1.2 session is offered by its id (RFC 5246 7.4.1.2; RFC 5077 3.4 for tickets).
    sessionId: resume12 ? resume12.sessionId : c.middleboxCompat && offers13 ? c.provider.randomBytes(32) : new Uint8Array(0),
    cipherSuites: suites,
    compressionMethods: Uint8Array.of(0),
    extensions: buildExtensions(conn, shares, null, psk, resume12, early !== null),
  };
  conn.negotiated.serverName = c.serverName;
  conn.writer.legacyVersion = ProtocolVersion.TLS10;
  const body = encodeHelloWithBinders(conn, hello, psk);
  conn.sendHandshake(HandshakeType.client_hello, body);
  conn.flush();
  conn.writer.legacyVersion = ProtocolVersion.TLS12;
  const hs: ClientHandshake = { hello, shares, retried: false, sentCcs: false, psk, resume12 };
  if (early && psk) {
    // The CCS goes right after the ClientHello when early data follows (RFC 8446 D.4).
    sendCcsOnce(conn, hs);
    const helloHash = c.provider.digest(psk.suite.hash, frameHandshake(HandshakeType.client_hello, body));
    conn.setWriteProtection(earlyProtection(conn, psk.suite, psk.session.secret, helloHash, hello.random));
    conn.sendEarlyApp(early);
    conn.earlyStatus = 'rejected'; // until EncryptedExtensions says otherwise
  }
  return new ExpectServerHello(hs);
}

function sendCcsOnce(conn: Connection, hs: ClientHandshake): void {
  if (conn.config.middleboxCompat && !hs.sentCcs) {
    conn.sendChangeCipherSpec();
    hs.sentCcs = true;
  }
}

class ExpectServerHello implements HandshakeState {
  readonly name = 'ExpectServerHello';
  constructor(private readonly hs: ClientHandshake) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.server_hello) throw unexpectedMessage();
    const sh = decodeServerHello(msg.body);
    const hs = this.hs;
    const versionExt = findExtension(sh.extensions, ExtensionType.supported_versions);
    if (!versionExt) {
      // After a HelloRetryRequest only TLS 1.3 may follow (OpenSSL: WRONG_SSL_VERSION, checked first).
      if (hs.retried) throw tlsError(Alert.protocol_version, 'WRONG_SSL_VERSION');
      // A server that does not speak TLS 1.3; TLS 1.2 if we offered it, nothing older.
      if (sh.legacyVersion !== ProtocolVersion.TLS12 || !enabledVersions(conn).includes(ProtocolVersion.TLS12)) {
        throw tlsError(Alert.protocol_version, 'UNSUPPORTED_PROTOCOL');
      }
      return acceptServerHello12(conn, hs, sh, msg);
    }
    // A TLS 1.2-only ClientHello has no supported_versions: the server may not answer one (as OpenSSL).
    if (!hs.shares.length) throw tlsError(Alert.unsupported_extension, 'UNSOLICITED_EXTENSION');
    if (decodeSupportedVersionServer(versionExt) !== ProtocolVersion.TLS13) throw illegalParameter('BAD_PROTOCOL_VERSION_NUMBER');
    if (sh.legacyVersion !== ProtocolVersion.TLS12) throw illegalParameter('BAD_LEGACY_VERSION');
    if (Buffer.compare(sh.sessionId, hs.hello.sessionId) !== 0) throw illegalParameter('INVALID_SESSION_ID');
    if (sh.compressionMethod !== 0) throw illegalParameter('INVALID_COMPRESSION_ALGORITHM');
    const suite = tls13SuiteById(sh.cipherSuite);
    if (!suite || !hs.hello.cipherSuites.includes(sh.cipherSuite)) throw illegalParameter('WRONG_CIPHER_RETURNED');
    if (hs.suite && hs.suite !== suite) throw illegalParameter('WRONG_CIPHER_RETURNED');
    for (const e of sh.extensions) {
      const allowed = [ExtensionType.supported_versions, ExtensionType.key_share, ExtensionType.cookie, ExtensionType.pre_shared_key];
      if (!allowed.includes(e.type as never)) throw tlsError(Alert.unsupported_extension, 'UNSOLICITED_EXTENSION');
    }
    hs.suite = suite;
    conn.negotiated.version = ProtocolVersion.TLS13;
    conn.negotiated.cipherSuite = suite.name;
    conn.negotiated.cipherBits = suite.bits;
    conn.transcript.start(suite.hash);
    return isHelloRetryRequest(sh) ? this.retry(conn, msg, sh.extensions) : this.accept(conn, msg, sh.extensions);
  }

  /** Answer a HelloRetryRequest with a second ClientHello (RFC 8446 4.1.4). */
  private retry(conn: Connection, msg: HandshakeMessage, exts: Extension[]): HandshakeState {
    const hs = this.hs;
    if (hs.retried) throw unexpectedMessage('UNEXPECTED_MESSAGE');
    const groupExt = findExtension(exts, ExtensionType.key_share);
    const cookieExt = findExtension(exts, ExtensionType.cookie);
    const cookie = cookieExt ? decodeCookie(cookieExt) : null;
    let shares = hs.shares;
    if (groupExt) {
      const group = decodeKeyShareHrr(groupExt);
      // The server must ask for a group we offered and did not already send.
      if (!conn.config.groups.includes(group) || shares.some((s) => s.group === group)) throw illegalParameter('BAD_KEY_SHARE');
      shares = [conn.config.provider.keyShare(group)];
    }
    if (!groupExt && !cookie) throw illegalParameter('NO_CHANGE_FOLLOWING_HRR');
    conn.negotiated.helloRetryRequest = true;
    conn.transcript.replaceWithMessageHash();
    conn.transcript.add(msg.raw);
    // A PSK whose hash is not the chosen suite's is dropped (RFC 8446 4.1.4); the binder covers the HRR too.
    const psk = hs.psk && hs.psk.suite.hash === hs.suite!.hash ? hs.psk : null;
    const hello: ClientHello = { ...hs.hello, extensions: buildExtensions(conn, shares, cookie, psk, hs.resume12 ?? null) };
    // Early data is refused after a HelloRetryRequest: the early keys (if any; the early data
    // records have gone out already) are dropped and the second ClientHello goes in plaintext.
    conn.writer.protection = null;
    sendCcsOnce(conn, hs);
    conn.sendHandshake(HandshakeType.client_hello, encodeHelloWithBinders(conn, hello, psk));
    return new ExpectServerHello({ ...hs, hello, shares, retried: true, psk });
  }

  private accept(conn: Connection, msg: HandshakeMessage, exts: Extension[]): HandshakeState {
    const hs = this.hs;
    const shareExt = findExtension(exts, ExtensionType.key_share);
    if (findExtension(exts, ExtensionType.cookie)) throw tlsError(Alert.unsupported_extension, 'UNSOLICITED_EXTENSION');
    const psk = this.acceptPsk(conn, exts);
    let shared: Uint8Array | null = null;
    if (shareExt) {
      const entry = decodeKeyShareServer(shareExt);
      const share = hs.shares.find((s) => s.group === entry.group);
      if (!share) throw illegalParameter('BAD_KEY_SHARE');
      shared = share.derive(entry.keyExchange);
      if (!shared) throw illegalParameter('BAD_ECPOINT');
      conn.negotiated.group = entry.group;
    } else if (!psk || !clientPskModes(conn).includes(PSK_KE)) {
      // Only psk_ke, which we offer with OP_ALLOW_NO_DHE_KEX, goes without a share.
      throw tlsError(Alert.missing_extension, 'NO_SUITABLE_KEY_SHARE');
    }
    conn.transcript.add(msg.raw);
    const schedule = new KeySchedule(conn.config.provider, hs.suite!, psk);
    schedule.setSharedSecret(shared);
    const helloHash = conn.transcript.hash();
    hs.schedule = schedule;
    hs.clientHsSecret = schedule.clientHandshakeSecret(helloHash);
    hs.serverHsSecret = schedule.serverHandshakeSecret(helloHash);
    conn.logSecret('CLIENT_HANDSHAKE_TRAFFIC_SECRET', hs.hello.random, hs.clientHsSecret);
    conn.logSecret('SERVER_HANDSHAKE_TRAFFIC_SECRET', hs.hello.random, hs.serverHsSecret);
    conn.setReadProtection(schedule.protection(hs.serverHsSecret));
    return new ExpectEncryptedExtensions(hs);
  }

  /** The server's pre_shared_key: our one identity, with a suite of the same hash (RFC 8446 4.2.11). */
  private acceptPsk(conn: Connection, exts: Extension[]): Uint8Array | null {
    const hs = this.hs;
    const ext = findExtension(exts, ExtensionType.pre_shared_key);
    if (!ext) return null;
    if (!hs.psk) throw tlsError(Alert.unsupported_extension, 'UNSOLICITED_EXTENSION');
    if (decodeSelectedIdentity(ext) !== 0) throw illegalParameter('BAD_PSK_IDENTITY');
    if (hs.psk.suite.hash !== hs.suite!.hash) throw illegalParameter('CIPHERSUITE_DIGEST_HAS_CHANGED');
    const s = hs.psk.session;
    const n = conn.negotiated;
    n.resumed = true;
    // The server authenticated itself in the original handshake: its certificates come from the session.
    n.peerCertificates = s.peerCertificates;
    n.verifiedChain = s.verifiedChain;
    return s.secret;
  }
}

class ExpectEncryptedExtensions implements HandshakeState {
  readonly name = 'ExpectEncryptedExtensions';
  constructor(private readonly hs: ClientHandshake) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.encrypted_extensions) throw unexpectedMessage();
    const exts = decodeEncryptedExtensions(msg.body);
    const sent = new Set(this.hs.hello.extensions.map((e) => e.type));
    for (const e of exts) {
      // Only extensions we offered may come back, and none that belong in ServerHello.
      const forbidden = [ExtensionType.key_share, ExtensionType.supported_versions, ExtensionType.psk_key_exchange_modes, ExtensionType.cookie, ExtensionType.signature_algorithms];
      if (!sent.has(e.type) || forbidden.includes(e.type as never)) {
        throw tlsError(Alert.unsupported_extension, 'UNSOLICITED_EXTENSION');
      }
    }
    checkEncryptedExtensions(exts);
    if (findExtension(exts, ExtensionType.early_data)) {
      // Offered (the check above) but the server did not resume: OpenSSL's tls_parse_stoc_early_data.
      if (!conn.negotiated.resumed) throw illegalParameter('BAD_EXTENSION');
      conn.earlyStatus = 'accepted';
    }
    const alpn = findExtension(exts, ExtensionType.alpn);
    if (alpn) {
      // Exactly one protocol, one we offered: decode_error otherwise, as OpenSSL's tls_parse_stoc_alpn.
      const list = decodeAlpn(alpn);
      if (list.length !== 1 || !conn.config.alpn?.includes(list[0]!)) throw decodeError('BAD_EXTENSION');
      conn.negotiated.alpn = list[0]!;
    }
    conn.transcript.add(msg.raw);
    // A resumed handshake has no certificates: the server's Finished comes next.
    return conn.negotiated.resumed ? new ExpectServerFinished(this.hs) : new ExpectCertificateOrRequest(this.hs);
  }
}

class ExpectCertificateOrRequest implements HandshakeState {
  readonly name = 'ExpectCertificateOrCertificateRequest';
  constructor(private readonly hs: ClientHandshake) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type === HandshakeType.certificate_request) {
      const req = decodeCertificateRequest(msg.body);
      if (req.context.length !== 0) throw decodeError('LENGTH_MISMATCH'); // as OpenSSL
      const sigs = findExtension(req.extensions, ExtensionType.signature_algorithms);
      if (!sigs) throw tlsError(Alert.missing_extension, 'MISSING_SIGALGS_EXTENSION');
      this.hs.certRequest = { context: req.context, schemes: decodeU16List(sigs) };
      conn.transcript.add(msg.raw);
      return new ExpectServerCertificate(this.hs);
    }
    return new ExpectServerCertificate(this.hs).handle(conn, msg);
  }
}

class ExpectServerCertificate implements HandshakeState {
  readonly name = 'ExpectCertificate';
  constructor(private readonly hs: ClientHandshake) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.certificate) throw unexpectedMessage();
    const cert = decodeCertificate(msg.body);
    if (cert.context.length !== 0) throw illegalParameter('INVALID_CONTEXT');
    if (cert.entries.length === 0) throw decodeError('LENGTH_MISMATCH');
    const presented = cert.entries.map((e) => e.der);
    this.hs.serverKey = leafPublicKey(conn.config.provider, presented[0]!);
    verifyPeerChain(conn, presented, 'serverAuth');
    conn.transcript.add(msg.raw);
    return new ExpectServerCertificateVerify(this.hs);
  }
}

class ExpectServerCertificateVerify implements HandshakeState {
  readonly name = 'ExpectCertificateVerify';
  constructor(private readonly hs: ClientHandshake) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.certificate_verify) throw unexpectedMessage();
    const cv = decodeCertificateVerify(msg.body);
    checkCertificateVerify(conn, this.hs.serverKey!, cv.scheme, cv.signature, conn.config.signatureSchemes);
    conn.transcript.add(msg.raw);
    return new ExpectServerFinished(this.hs);
  }
}

class ExpectServerFinished implements HandshakeState {
  readonly name = 'ExpectFinished';
  constructor(private readonly hs: ClientHandshake) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.finished) throw unexpectedMessage();
    const hs = this.hs;
    const ks = hs.schedule!;
    conn.negotiated.serverFinished = checkFinished(conn, ks, hs.serverHsSecret!, msg);
    const finishedHash = conn.transcript.hash();
    const clientSecret = ks.clientApplicationSecret(finishedHash);
    const serverSecret = ks.serverApplicationSecret(finishedHash);
    conn.logSecret('CLIENT_TRAFFIC_SECRET_0', hs.hello.random, clientSecret);
    conn.logSecret('SERVER_TRAFFIC_SECRET_0', hs.hello.random, serverSecret);
    conn.logSecret('EXPORTER_SECRET', hs.hello.random, ks.exporterMasterSecret(finishedHash));
    conn.setReadProtection(ks.protection(serverSecret));

    sendCcsOnce(conn, hs);
    // Accepted early data ends with EndOfEarlyData, still under the early keys (RFC 8446 4.5).
    if (conn.earlyStatus === 'accepted') conn.sendHandshake(HandshakeType.end_of_early_data, new Uint8Array(0));
    conn.setWriteProtection(ks.protection(hs.clientHsSecret!));
    if (hs.certRequest) this.sendClientCertificate(conn, hs.certRequest);
    conn.negotiated.clientFinished = sendFinished(conn, ks, hs.clientHsSecret!);
    conn.setWriteProtection(ks.protection(clientSecret));

    conn.secrets = {
      schedule: ks,
      clientSecret,
      serverSecret,
      resumptionSecret: ks.resumptionMasterSecret(conn.transcript.hash()),
      exporterSecret: ks.exporterMasterSecret(finishedHash),
    };
    conn.handshakeDone = true;
    conn.reader.plainAlertsAllowed = false;
    return new ConnectedState();
  }

  /** Our certificate if one fits the server's algorithms, else an empty Certificate (RFC 8446 4.4.2). */
  private sendClientCertificate(conn: Connection, req: { context: Uint8Array; schemes: number[] }): void {
    const chosen = selectCertificate(conn.config.certs, req.schemes, conn.config.signatureSchemes);
    sendCertificate(conn, req.context, chosen ? chosen.cert.chain : []);
    if (chosen) sendCertificateVerify(conn, chosen.cert, chosen.scheme);
  }
}
