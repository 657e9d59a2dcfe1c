// The TLS 1.3 server handshake (RFC 8446 2, 4), one state type per expected message.
import type { KeyHandle } from '../crypto/provider.js';
import { illegalParameter, tlsError, unexpectedMessage } from './alert.js';
import type { CipherSuite13 } from './cipher-suites.js';
import { Alert, ExtensionType, HandshakeType, HELLO_RETRY_REQUEST_RANDOM, ProtocolVersion } from './constants.js';
import type { CertifiedKey } from './config.js';
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
import { startServer12 } from './handshake-server12.js';
import { selectAlpn } from './alpn.js';
import { noteClientPostHandshakeAuth } from './post-handshake-auth.js';
import {
  decodeKeyShareClient,
  decodeServerName,
  decodeSupportedVersionsClient,
  decodeU16List,
  encodeAlpn,
  encodeKeyShareHrr,
  encodeKeyShareServer,
  encodeSupportedVersionServer,
  encodeU16List,
  type Extension,
  findExtension,
  type KeyShareEntry,
} from './extensions.js';
import { checkClientHelloExtensions } from './extension-checks.js';
import { decodeClientHello, encodeServerHello, type ClientHello } from './hello-messages.js';
import { KeySchedule } from './key-schedule.js';
import { decodeCertificate, decodeCertificateVerify, encodeCertificateRequest, encodeEncryptedExtensions } from './tls13-messages.js';
import { choosePsk, type PskChoice, sendTickets13 } from './resumption13.js';
import { encodeSelectedIdentity, PSK_KE } from './psk.js';
import { acceptEarlyData, earlyProtection, ExpectEndOfEarlyData } from './early-data.js';

interface ServerHandshake {
  suite: CipherSuite13;
  schedule: KeySchedule;
  clientHsSecret: Uint8Array;
  requestedCert: boolean;
  clientKey?: KeyHandle;
  clientSchemes: number[];
}

/** Extensions a second ClientHello may change after HelloRetryRequest (RFC 8446 4.1.2). */
const MAY_CHANGE_AFTER_HRR = new Set<number>([
  ExtensionType.key_share,
  ExtensionType.cookie,
  ExtensionType.early_data,
  ExtensionType.pre_shared_key,
  ExtensionType.padding,
]);

export function startServer(conn: Connection): HandshakeState {
  // A server with no version it can speak fails before reading anything, as OpenSSL's
  // tls_setup_handshake (Python: NO_PROTOCOLS_AVAILABLE from the first do_handshake()).
  if (enabledVersions(conn).length === 0) {
    throw tlsError(Alert.protocol_version, 'NO_PROTOCOLS_AVAILABLE');
  }
  return new ExpectClientHello(null);
}

interface Retry {
  first: ClientHello;
  group: number;
  suite: CipherSuite13;
}

class ExpectClientHello implements HandshakeState {
  readonly name = 'ExpectClientHello';
  constructor(private readonly retry: Retry | null) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.client_hello) throw unexpectedMessage();
    const ch = decodeClientHello(msg.body);
    const c = conn.config;
    if (this.retry) {
      this.checkSecondHello(this.retry.first, ch);
      // RFC 8446 4.2.10: no early_data in the second ClientHello (OpenSSL: illegal_parameter BAD_EXTENSION).
      if (findExtension(ch.extensions, ExtensionType.early_data)) throw illegalParameter('BAD_EXTENSION');
    }

    const versionsExt = findExtension(ch.extensions, ExtensionType.supported_versions);
    const versions = versionsExt ? decodeSupportedVersionsClient(versionsExt) : [];
    // RFC 8446 D.5: legacy_version 0x0300 or below is refused even beside supported_versions.
    if (versionsExt && ch.legacyVersion <= 0x0300) throw tlsError(Alert.protocol_version, 'BAD_LEGACY_VERSION');
    const enabled = enabledVersions(conn);
    const can13 = versions.includes(ProtocolVersion.TLS13) && enabled.includes(ProtocolVersion.TLS13);
    if (!can13) {
      // Without supported_versions, legacy_version is the client's highest version (RFC 8446 4.2.1).
      const offers12 = versionsExt ? versions.includes(ProtocolVersion.TLS12) : ch.legacyVersion >= ProtocolVersion.TLS12;
      const can12 = offers12 && enabled.includes(ProtocolVersion.TLS12);
      if (!can12 || this.retry) throw tlsError(Alert.protocol_version, 'UNSUPPORTED_PROTOCOL');
      checkClientHelloExtensions(ch.extensions, ProtocolVersion.TLS12);
      conn.negotiated.offeredSuites = ch.cipherSuites;
      const sni = findExtension(ch.extensions, ExtensionType.server_name);
      if (sni) conn.negotiated.serverName = decodeServerName(sni);
      const sniAcked = (c.onClientHello?.(conn.negotiated.serverName) ?? false) && sni !== undefined;
      return startServer12(conn, ch, msg, sniAcked);
    }
    checkClientHelloExtensions(ch.extensions, ProtocolVersion.TLS13);
    if (ch.compressionMethods.length !== 1 || ch.compressionMethods[0] !== 0) {
      throw illegalParameter('INVALID_COMPRESSION_ALGORITHM');
    }
    conn.negotiated.offeredSuites = ch.cipherSuites;
    const sni = findExtension(ch.extensions, ExtensionType.server_name);
    if (sni) conn.negotiated.serverName = decodeServerName(sni);
    if (!this.retry) noteClientPostHandshakeAuth(conn, ch.extensions);
    // OpenSSL 3.0 runs its servername callback for every ClientHello it processes, the second
    // one after a HelloRetryRequest included.
    const sniAcked = (c.onClientHello?.(conn.negotiated.serverName) ?? false) && sni !== undefined;

    const suite = this.retry?.suite ?? this.chooseSuite(conn, ch.cipherSuites);
    if (!ch.cipherSuites.includes(suite.id)) throw illegalParameter('BAD_CIPHER');

    // RFC 8446 9.2: a ClientHello without pre_shared_key needs signature_algorithms and
    // supported_groups, and supported_groups comes with key_share. A psk_ke resumption may have
    // none of them, as OpenSSL 3.0 accepts. The checks run in OpenSSL's order: key_share's
    // parsing, the PSK, then what is missing (final_sig_algs, final_key_share).
    const groupsExt = findExtension(ch.extensions, ExtensionType.supported_groups);
    const sharesExt = findExtension(ch.extensions, ExtensionType.key_share);
    if (sharesExt && !groupsExt) throw tlsError(Alert.missing_extension, 'MISSING_SUPPORTED_GROUPS_EXTENSION');
    const clientGroups = groupsExt ? decodeU16List(groupsExt) : [];
    const shares = sharesExt ? decodeKeyShareClient(sharesExt) : [];
    // Every share must be for a group the client also listed (RFC 8446 4.2.8).
    if (shares.some((s) => !clientGroups.includes(s.group))) throw illegalParameter('BAD_KEY_SHARE');
    const sigExt = findExtension(ch.extensions, ExtensionType.signature_algorithms);
    const clientSchemes = sigExt ? decodeU16List(sigExt) : [];

    // A PSK for resumption (resumption13.ts); psk_ke needs no key share at all.
    const psk = choosePsk(conn, ch.extensions, msg, suite);
    if (!sigExt && !psk) throw tlsError(Alert.missing_extension, 'MISSING_SIGALGS_EXTENSION');
    if (!sharesExt && psk?.mode !== PSK_KE) throw tlsError(Alert.missing_extension, 'NO_SUITABLE_KEY_SHARE');
    const share = psk?.mode === PSK_KE ? null : this.chooseShare(conn, clientGroups, shares);
    if (typeof share === 'number') return this.sendRetry(conn, msg, ch, suite, share);

    let chosen: { cert: CertifiedKey; scheme: number } | null = null;
    if (!psk) {
      if (c.certs.length === 0) throw tlsError(Alert.handshake_failure, 'NO_SHARED_CIPHER');
      chosen = selectCertificate(c.certs, clientSchemes, c.signatureSchemes);
      if (!chosen) throw tlsError(Alert.handshake_failure, 'NO_SUITABLE_SIGNATURE_ALGORITHM');
    }
    const alpn = selectAlpn(c, ch.extensions, conn.negotiated.serverName);

    // 0-RTT (early-data.ts): read the early data, or skip it when refused.
    const early = acceptEarlyData(conn, ch.extensions, psk, suite, alpn, this.retry !== null, psk?.obfuscatedAge ?? 0, psk?.identity ?? new Uint8Array(0));
    if (early) {
      conn.earlyStatus = 'accepted';
      conn.earlyLimit = psk!.state.maxEarlyData;
    } else if (findExtension(ch.extensions, ExtensionType.early_data)) {
      conn.earlyStatus = 'rejected';
      conn.earlySkip = Math.max(c.maxEarlyData ?? 0, psk?.state.maxEarlyData ?? 0, 16384) + 256;
    }
    return this.sendFlight(conn, msg, ch, suite, share, chosen, alpn, clientSchemes, sniAcked, psk);
  }

  /** After HRR the client may change only its key share and a few other extensions. */
  private checkSecondHello(first: ClientHello, second: ClientHello): void {
    const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;
    const fixed = (ch: ClientHello): Extension[] => ch.extensions.filter((e) => !MAY_CHANGE_AFTER_HRR.has(e.type));
    const a = fixed(first);
    const b = fixed(second);
    const unchanged =
      first.legacyVersion === second.legacyVersion &&
      same(first.random, second.random) &&
      same(first.sessionId, second.sessionId) &&
      first.cipherSuites.join() === second.cipherSuites.join() &&
      a.length === b.length &&
      a.every((e, i) => e.type === b[i]!.type && same(e.data, b[i]!.data));
    if (!unchanged) throw illegalParameter('BAD_EXTENSION');
  }

  private chooseSuite(conn: Connection, offered: number[]): CipherSuite13 {
    // Server preference, as Python's default OP_CIPHER_SERVER_PREFERENCE asks. A server
    // with a PSK callback and no certificate can only succeed with a PSK, whose hash is
    // SHA-256: such suites go first, as OpenSSL orders them.
    const c = conn.config;
    const ours = c.externalPskLookup && c.certs.length === 0 ? [...c.tls13Suites].sort((a, b) => Number(b.hash === 'sha256') - Number(a.hash === 'sha256')) : c.tls13Suites;
    for (const s of ours) if (offered.includes(s.id)) return s;
    throw tlsError(Alert.handshake_failure, 'NO_SHARED_CIPHER');
  }

  /**
   * Use the client's first share in a group we accept; otherwise name the group
   * (our preference among the client's list) for a HelloRetryRequest.
   */
  private chooseShare(conn: Connection, clientGroups: number[], shares: KeyShareEntry[]): KeyShareEntry | number {
    const ours = conn.config.groups;
    if (this.retry) {
      const s = shares.length === 1 ? shares[0]! : undefined;
      if (!s || s.group !== this.retry.group) throw illegalParameter('BAD_KEY_SHARE');
      return s;
    }
    for (const s of shares) if (ours.includes(s.group)) return s;
    for (const g of ours) if (clientGroups.includes(g)) return g;
    throw tlsError(Alert.handshake_failure, 'NO_SUITABLE_KEY_SHARE');
  }

  private sendRetry(conn: Connection, msg: HandshakeMessage, ch: ClientHello, suite: CipherSuite13, group: number): HandshakeState {
    if (this.retry) throw illegalParameter('BAD_KEY_SHARE');
    // Early data sent with the first ClientHello is refused, and skipped (RFC 8446 4.2.10).
    if (findExtension(ch.extensions, ExtensionType.early_data)) {
      conn.earlyStatus = 'rejected';
      conn.earlySkip = Math.max(conn.config.maxEarlyData ?? 0, 16384) + 256;
      conn.reader.skippingEarlyData = true;
    }
    conn.negotiated.helloRetryRequest = true;
    conn.transcript.add(msg.raw);
    conn.transcript.start(suite.hash);
    conn.transcript.replaceWithMessageHash();
    conn.sendHandshake(
      HandshakeType.server_hello,
      encodeServerHello({
        legacyVersion: ProtocolVersion.TLS12,
        random: HELLO_RETRY_REQUEST_RANDOM,
        sessionId: ch.sessionId,
        cipherSuite: suite.id,
        compressionMethod: 0,
        extensions: [
          { type: ExtensionType.supported_versions, data: encodeSupportedVersionServer(ProtocolVersion.TLS13) },
          { type: ExtensionType.key_share, data: encodeKeyShareHrr(group) },
        ],
      }),
    );
    // The dummy CCS right after our first handshake message (RFC 8446 D.4). OpenSSL 3.0 sends it with
    // OP_ENABLE_MIDDLEBOX_COMPAT whether or not the client's session id is empty, which the RFC allows.
    if (conn.config.middleboxCompat) conn.sendChangeCipherSpec();
    return new ExpectClientHello({ first: ch, group, suite });
  }

  private sendFlight(
    conn: Connection,
    msg: HandshakeMessage,
    ch: ClientHello,
    suite: CipherSuite13,
    share: KeyShareEntry | null,
    chosen: { cert: CertifiedKey; scheme: number } | null,
    alpn: string | null,
    clientSchemes: number[],
    sniAcked: boolean,
    psk: PskChoice | null = null,
  ): HandshakeState {
    const c = conn.config;
    const mine = share ? c.provider.acceptKeyShare(share.group, share.keyExchange) : null;
    if (share && !mine) throw illegalParameter('BAD_ECPOINT');
    const shared = mine?.secret ?? null;
    const n = conn.negotiated;
    n.version = ProtocolVersion.TLS13;
    n.cipherSuite = suite.name;
    n.cipherBits = suite.bits;
    n.group = share?.group ?? null;
    n.alpn = alpn;
    n.signatureScheme = chosen?.scheme ?? null;
    n.sessionId = c.provider.randomBytes(32);
    const shExts: Extension[] = [{ type: ExtensionType.supported_versions, data: encodeSupportedVersionServer(ProtocolVersion.TLS13) }];
    if (share && mine) shExts.push({ type: ExtensionType.key_share, data: encodeKeyShareServer({ group: share.group, keyExchange: mine.publicKey }) });
    if (psk) {
      shExts.push({ type: ExtensionType.pre_shared_key, data: encodeSelectedIdentity(psk.index) });
      // Stateful tickets are single-use, as OpenSSL makes them.
      if (psk.cacheId) c.sessionStore?.cacheRemove(psk.cacheId);
      n.resumed = true;
      // The client's certificate, if any, was checked when the session was made.
      n.peerCertificates = psk.state.peerCertificates;
      n.verifiedChain = psk.state.verifiedChain;
    }

    conn.transcript.add(msg.raw);
    conn.transcript.start(suite.hash);
    const earlyKeys = conn.earlyStatus === 'accepted' ? earlyProtection(conn, suite, psk!.state.secret, conn.transcript.hash(), ch.random) : null;
    conn.sendHandshake(
      HandshakeType.server_hello,
      encodeServerHello({
        legacyVersion: ProtocolVersion.TLS12,
        random: c.provider.randomBytes(32),
        sessionId: ch.sessionId,
        cipherSuite: suite.id,
        compressionMethod: 0,
        extensions: shExts,
      }),
    );
    const ks = new KeySchedule(c.provider, suite, psk?.state.secret ?? null);
    ks.setSharedSecret(shared);
    const helloHash = conn.transcript.hash();
    const clientHs = ks.clientHandshakeSecret(helloHash);
    const serverHs = ks.serverHandshakeSecret(helloHash);
    conn.logSecret('CLIENT_HANDSHAKE_TRAFFIC_SECRET', ch.random, clientHs);
    conn.logSecret('SERVER_HANDSHAKE_TRAFFIC_SECRET', ch.random, serverHs);
    // After HRR the CCS has gone out already.
    if (c.middleboxCompat && !this.retry) conn.sendChangeCipherSpec();
    conn.setWriteProtection(ks.protection(serverHs));

    const ee: Extension[] = [];
    if (sniAcked && n.serverName !== null) ee.push({ type: ExtensionType.server_name, data: new Uint8Array(0) });
    if (alpn) ee.push({ type: ExtensionType.alpn, data: encodeAlpn([alpn]) });
    if (earlyKeys) ee.push({ type: ExtensionType.early_data, data: new Uint8Array(0) });
    conn.sendHandshake(HandshakeType.encrypted_extensions, encodeEncryptedExtensions(ee));

    // No certificates in a resumed handshake (RFC 8446 4.3.2, 4.4.2); with post-handshake auth
    // configured, OpenSSL asks for the certificate only afterwards.
    const requestedCert = c.verifyMode !== 0 && !psk && !c.postHandshakeAuth;
    if (requestedCert) {
      conn.sendHandshake(
        HandshakeType.certificate_request,
        encodeCertificateRequest({
          context: new Uint8Array(0),
          extensions: [{ type: ExtensionType.signature_algorithms, data: encodeU16List(c.signatureSchemes) }],
        }),
      );
    }
    if (chosen) {
      sendCertificate(conn, new Uint8Array(0), chosen.cert.chain);
      sendCertificateVerify(conn, chosen.cert, chosen.scheme);
    }
    n.serverFinished = sendFinished(conn, ks, serverHs);

    const finishedHash = conn.transcript.hash();
    const clientSecret = ks.clientApplicationSecret(finishedHash);
    const serverSecret = ks.serverApplicationSecret(finishedHash);
    conn.logSecret('CLIENT_TRAFFIC_SECRET_0', ch.random, clientSecret);
    conn.logSecret('SERVER_TRAFFIC_SECRET_0', ch.random, serverSecret);
    conn.logSecret('EXPORTER_SECRET', ch.random, ks.exporterMasterSecret(finishedHash));
    conn.setWriteProtection(ks.protection(serverSecret));
    conn.setReadProtection(ks.protection(clientHs));
    conn.secrets = { schedule: ks, clientSecret, serverSecret, resumptionSecret: null, exporterSecret: ks.exporterMasterSecret(finishedHash) };

    const hs: ServerHandshake = { suite, schedule: ks, clientHsSecret: clientHs, requestedCert, clientSchemes };
    if (earlyKeys) {
      // Early data comes under its own keys until EndOfEarlyData; then the client's handshake keys.
      conn.setReadProtection(earlyKeys);
      conn.readingEarlyData = true;
      return new ExpectEndOfEarlyData(() => {
        conn.setReadProtection(ks.protection(clientHs));
        return new ExpectClientFinished(hs);
      });
    }
    return requestedCert ? new ExpectClientCertificate(hs) : new ExpectClientFinished(hs);
  }
}

class ExpectClientCertificate implements HandshakeState {
  readonly name = 'ExpectCertificate';
  constructor(private readonly hs: ServerHandshake) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.certificate) throw unexpectedMessage();
    const cert = decodeCertificate(msg.body);
    if (cert.context.length !== 0) throw illegalParameter('INVALID_CONTEXT');
    conn.transcript.add(msg.raw);
    if (cert.entries.length === 0) {
      // CERT_REQUIRED needs a certificate; CERT_OPTIONAL accepts none.
      if (conn.config.verifyMode === 2) {
        throw tlsError(Alert.certificate_required, 'PEER_DID_NOT_RETURN_A_CERTIFICATE');
      }
      return new ExpectClientFinished(this.hs);
    }
    const presented = cert.entries.map((e) => e.der);
    this.hs.clientKey = leafPublicKey(conn.config.provider, presented[0]!);
    verifyPeerChain(conn, presented, 'clientAuth');
    return new ExpectClientCertificateVerify(this.hs);
  }
}

class ExpectClientCertificateVerify implements HandshakeState {
  readonly name = 'ExpectCertificateVerify';
  constructor(private readonly hs: ServerHandshake) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.certificate_verify) throw unexpectedMessage();
    const cv = decodeCertificateVerify(msg.body);
    checkCertificateVerify(conn, this.hs.clientKey!, cv.scheme, cv.signature, conn.config.signatureSchemes);
    conn.transcript.add(msg.raw);
    return new ExpectClientFinished(this.hs);
  }
}

class ExpectClientFinished implements HandshakeState {
  readonly name = 'ExpectFinished';
  constructor(private readonly hs: ServerHandshake) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.finished) throw unexpectedMessage();
    const ks = this.hs.schedule;
    conn.negotiated.clientFinished = checkFinished(conn, ks, this.hs.clientHsSecret, msg);
    const secrets = conn.secrets!;
    conn.setReadProtection(ks.protection(secrets.clientSecret));
    secrets.resumptionSecret = ks.resumptionMasterSecret(conn.transcript.hash());
    conn.handshakeDone = true;
    conn.reader.plainAlertsAllowed = false;
    // Tickets go out after the client's Finished, as OpenSSL sends them.
    sendTickets13(conn);
    return new ConnectedState();
  }
}

