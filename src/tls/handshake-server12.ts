// The TLS 1.2 server handshake (RFC 5246 7.3, RFC 8422, RFC 7627, RFC 5746),
// entered from ExpectClientHello when the client cannot do TLS 1.3.
import { isHybridGroup } from '../crypto/group-dispatch.js';
import type { KeyHandle } from '../crypto/provider.js';
import { keyFitsScheme } from '../crypto/signature-schemes.js';
import { selectAlpn } from './alpn.js';
import { decodeError, illegalParameter, tlsError, unexpectedMessage } from './alert.js';
import { DOWNGRADE_TLS12, TLS_EMPTY_RENEGOTIATION_INFO_SCSV, type CipherSuite12 } from './cipher-suites12.js';
import { Alert, ExtensionType, HandshakeType, MAX_CIPHERTEXT_TLS12, ProtocolVersion } from './constants.js';
import type { CertifiedKey } from './config.js';
import type { Connection, HandshakeState } from './connection.js';
import { checkFinished12, ConnectedState12, installKeys12, sendFinished12 } from './handshake-connected12.js';
import { leafPublicKey, verifyPeerChain } from './handshake-common13.js';
import { curveAllowed, selectCertificate12 } from './handshake-common12.js';
import type { HandshakeMessage } from './handshake-framing.js';
import { decodeU16List, encodeAlpn, encodePointFormats, type Extension, findExtension } from './extensions.js';
import { encodeServerHello, type ClientHello } from './hello-messages.js';
import { extendedMasterSecret, legacyMasterSecret } from './prf.js';
import { dhePremaster, dhSecurityBits } from '../crypto/ffdhe.js';
import { decodeClientKeyExchangeDhe, encodeDhParams } from './dhe12-messages.js';
import { findSession12, issueSession12, startResumedServer12 } from './resumption12.js';
import {
  CLIENT_CERT_ECDSA_SIGN,
  CLIENT_CERT_RSA_SIGN,
  decodeCertificate12,
  decodeClientKeyExchange,
  encodeCertificate12,
  encodeCertificateRequest12,
  encodeEcdhParams,
  encodeServerKeyExchange,
} from './tls12-messages.js';
import { decodeCertificateVerify } from './tls13-messages.js';
import type { DhKey, KeyShare } from '../crypto/provider.js';

interface Server12 {
  suite: CipherSuite12;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  /** Our ephemeral key: an ECDHE share or a finite-field DH key, by the suite's key exchange. */
  share: KeyShare | DhKey;
  /** RFC 7627 negotiated: the master secret covers the session hash. */
  ems: boolean;
  requestedSchemes: number[] | null;
  issueTicket: boolean;
  clientKey?: KeyHandle;
  master?: Uint8Array;
}

function keyAuth(key: KeyHandle): 'RSA' | 'ECDSA' | null {
  const t = key.asymmetricKeyType;
  if (t === 'rsa' || t === 'rsa-pss') return 'RSA';
  if (t === 'ec' || t === 'ed25519' || t === 'ed448') return 'ECDSA';
  return null;
}

/** Answer a ClientHello with TLS 1.2: ServerHello .. ServerHelloDone. */
export function startServer12(conn: Connection, ch: ClientHello, msg: HandshakeMessage, sniSeen: boolean): HandshakeState {
  const c = conn.config;
  const exts = ch.extensions;
  if (!ch.compressionMethods.includes(0)) throw illegalParameter('NO_COMPRESSION_SPECIFIED');
  // RFC 7627 as OpenSSL does it: used when the client offers it, unless OP_NO_EXTENDED_MASTER_SECRET;
  // a client without it still connects, with the RFC 5246 master secret. The strict opt-in refuses it.
  // Resumption (RFC 7627 5.3) must also compare this with the session's flag: the sessions code's job.
  const ems = !!findExtension(exts, ExtensionType.extended_master_secret) && (!c.noExtendedMasterSecret || !!c.requireExtendedMasterSecret);
  if (!ems && c.requireExtendedMasterSecret) throw tlsError(Alert.handshake_failure, 'INCONSISTENT_EXTMS');
  const reneg = findExtension(exts, ExtensionType.renegotiation_info);
  if (reneg && (reneg.length !== 1 || reneg[0] !== 0)) throw tlsError(Alert.handshake_failure, 'RENEGOTIATION_MISMATCH');
  const secureReneg = !!reneg || ch.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
  // A session to resume (resumption12.ts) means the abbreviated handshake.
  const resumed = findSession12(conn, ch);
  if (resumed) return startResumedServer12(conn, ch, msg, resumed, secureReneg);

  const groupsExt = findExtension(exts, ExtensionType.supported_groups);
  // RFC 8422 4 lets a server pick any curve when the client names none; OpenSSL 3.0 then
  // uses no ECDHE suite at all (`openssl s_server -tls1_2` falls back to DHE, or no_shared_cipher).
  const clientGroups = groupsExt ? decodeU16List(groupsExt) : [];
  // ECDHE needs a curve: the hybrid KEM and the ffdhe groups are TLS 1.3 groups only (as in OpenSSL 3.0).
  const group = c.groups.find((g) => clientGroups.includes(g) && g < 0x0100 && !isHybridGroup(g));
  const sigExt = findExtension(exts, ExtensionType.signature_algorithms);
  // Without the extension TLS 1.2 means SHA-1, which we refuse like OpenSSL's security levels.
  const clientSchemes = sigExt ? decodeU16List(sigExt) : [];

  const pick = chooseSuite(conn, ch.cipherSuites, clientSchemes, clientGroups, group !== undefined);
  if (!pick) throw tlsError(Alert.handshake_failure, 'NO_SHARED_CIPHER');
  const { suite, cert, scheme } = pick;
  const etmExt = findExtension(exts, ExtensionType.encrypt_then_mac);
  if (etmExt && etmExt.length !== 0) throw decodeError('BAD_EXTENSION');
  // RFC 7366: only CBC suites use it; OpenSSL answers it unless SSL_OP_NO_ENCRYPT_THEN_MAC.
  const etm = !!etmExt && suite.mode === 'cbc' && !c.noEncryptThenMac;
  const alpn = selectAlpn(c, exts, conn.negotiated.serverName);

  const n = conn.negotiated;
  n.version = ProtocolVersion.TLS12;
  n.cipherSuite = suite.name;
  n.cipherBits = suite.bits;
  n.group = suite.kx === 'ECDHE' ? group! : null;
  n.extendedMasterSecret = ems;
  n.encryptThenMac = etm;
  n.alpn = alpn;
  n.signatureScheme = scheme;
  conn.reader.maxBody = MAX_CIPHERTEXT_TLS12;

  // RFC 8446 4.1.3: a server able to do TLS 1.3 marks its 1.2 random.
  const serverRandom = Buffer.from(c.provider.randomBytes(32));
  if (c.maxVersion >= ProtocolVersion.TLS13) DOWNGRADE_TLS12.copy(serverRandom, 24);

  const shExts: Extension[] = [];
  if (secureReneg) shExts.push({ type: ExtensionType.renegotiation_info, data: Uint8Array.of(0) });
  if (etm) shExts.push({ type: ExtensionType.encrypt_then_mac, data: new Uint8Array(0) });
  if (ems) shExts.push({ type: ExtensionType.extended_master_secret, data: new Uint8Array(0) });
  // RFC 8422 5.2: only an ECC suite answers ec_point_formats.
  if (suite.kx === 'ECDHE' && findExtension(exts, ExtensionType.ec_point_formats)) shExts.push({ type: ExtensionType.ec_point_formats, data: encodePointFormats() });
  if (sniSeen && n.serverName !== null) shExts.push({ type: ExtensionType.server_name, data: new Uint8Array(0) });
  if (alpn) shExts.push({ type: ExtensionType.alpn, data: encodeAlpn([alpn]) });
  // RFC 5077: a ticket when the client asked for one and tickets are on; else a session id for the cache.
  const store = c.sessionStore;
  const issueTicket = !!store?.ticketsEnabled && findExtension(exts, ExtensionType.session_ticket) !== undefined;
  if (issueTicket) shExts.push({ type: ExtensionType.session_ticket, data: new Uint8Array(0) });
  n.sessionId = store && !issueTicket ? c.provider.randomBytes(32) : new Uint8Array(0);

  conn.transcript.start(suite.hash);
  conn.transcript.add(msg.raw);
  conn.sendHandshake(
    HandshakeType.server_hello,
    encodeServerHello({
      legacyVersion: ProtocolVersion.TLS12,
      random: serverRandom,
      sessionId: n.sessionId,
      cipherSuite: suite.id,
      compressionMethod: 0,
      extensions: shExts,
    }),
  );
  conn.config.checkOwnChain?.(cert.chain);
  conn.sendHandshake(HandshakeType.certificate, encodeCertificate12(cert.chain));

  let share: KeyShare | DhKey;
  let params: Uint8Array;
  if (suite.kx === 'DHE') {
    const dh = dhParamsFor(conn, cert.key);
    share = c.provider.finiteFieldDh(dh.p, dh.g);
    params = encodeDhParams(dh.p, dh.g, share.publicKey);
  } else {
    share = c.provider.keyShare(group!);
    params = encodeEcdhParams(group!, share.publicKey);
  }
  const signature = c.provider.sign(scheme, cert.key, Buffer.concat([ch.random, serverRandom, params]));
  conn.sendHandshake(HandshakeType.server_key_exchange, encodeServerKeyExchange(params, scheme, signature));

  const requestedSchemes = c.verifyMode !== 0 ? c.signatureSchemes.filter((s) => s >> 8 !== 0x02) : null;
  if (requestedSchemes) {
    conn.sendHandshake(
      HandshakeType.certificate_request,
      encodeCertificateRequest12({ certificateTypes: [CLIENT_CERT_RSA_SIGN, CLIENT_CERT_ECDSA_SIGN], schemes: requestedSchemes }),
    );
  }
  conn.sendHandshake(HandshakeType.server_hello_done, new Uint8Array(0));
  const hs: Server12 = { suite, clientRandom: ch.random, serverRandom, share, ems, requestedSchemes, issueTicket };
  return requestedSchemes ? new ExpectClientCertificate12(hs) : new ExpectClientKeyExchange(hs);
}

/** The DHE parameters: loaded ones, or OpenSSL's automatic choice by the certificate's strength. */
function dhParamsFor(conn: Connection, key: KeyHandle): { p: Uint8Array; g: Uint8Array } {
  const c = conn.config;
  if (c.dhParams && c.dhParams !== 'auto') return c.dhParams;
  const rsaBits = key.asymmetricKeyDetails?.modulusLength ?? 2048;
  return { p: c.provider.autoDhPrime(dhSecurityBits(rsaBits), c.securityLevel ?? 2), g: Uint8Array.of(2) };
}

/** The first suite (by server or client preference) that one of our certificates can serve. */
function chooseSuite(
  conn: Connection,
  offered: number[],
  clientSchemes: number[],
  clientGroups: number[],
  haveCurve: boolean,
): { suite: CipherSuite12; cert: CertifiedKey; scheme: number } | null {
  const c = conn.config;
  // DHE needs parameters (Python's server has none before load_dh_params()), ECDHE a common curve.
  const kxUsable = (s: CipherSuite12): boolean => (s.kx === 'DHE' ? !!c.dhParams : haveCurve);
  const ours = c.tls12Suites.filter((s) => offered.includes(s.id) && kxUsable(s));
  const order = c.cipherServerPreference
    ? ours
    : offered.map((id) => ours.find((s) => s.id === id)).filter((s): s is CipherSuite12 => s !== undefined);
  for (const suite of order) {
    // RFC 8422 5.1.1: in TLS 1.2 the client's groups also bound the curve of an ECDSA certificate.
    const usable = (k: KeyHandle): boolean => keyAuth(k) === suite.auth && curveAllowed(k, clientGroups);
    const chosen = selectCertificate12(c.certs, clientSchemes, c.signatureSchemes, usable);
    if (chosen) return { suite, ...chosen };
  }
  return null;
}

class ExpectClientCertificate12 implements HandshakeState {
  readonly name = 'ExpectCertificate';
  constructor(private readonly hs: Server12) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.certificate) throw unexpectedMessage();
    const chain = decodeCertificate12(msg.body);
    conn.transcript.add(msg.raw);
    if (chain.length === 0) {
      // TLS 1.2 has no certificate_required alert; OpenSSL sends handshake_failure.
      if (conn.config.verifyMode === 2) throw tlsError(Alert.handshake_failure, 'PEER_DID_NOT_RETURN_A_CERTIFICATE');
      return new ExpectClientKeyExchange(this.hs);
    }
    this.hs.clientKey = leafPublicKey(conn.config.provider, chain[0]!);
    verifyPeerChain(conn, chain, 'clientAuth');
    return new ExpectClientKeyExchange(this.hs);
  }
}

class ExpectClientKeyExchange implements HandshakeState {
  readonly name = 'ExpectClientKeyExchange';
  constructor(private readonly hs: Server12) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.client_key_exchange) throw unexpectedMessage();
    const hs = this.hs;
    let preMaster: Uint8Array | null;
    if (hs.suite.kx === 'DHE') {
      const secret = hs.share.derive(decodeClientKeyExchangeDhe(msg.body));
      if (!secret) throw illegalParameter('BAD_DH_VALUE');
      preMaster = dhePremaster(secret);
    } else {
      preMaster = hs.share.derive(decodeClientKeyExchange(msg.body));
      if (!preMaster) throw illegalParameter('BAD_ECPOINT');
    }
    conn.transcript.add(msg.raw);
    const p = conn.config.provider;
    this.hs.master = hs.ems
      ? extendedMasterSecret(p, hs.suite.hash, preMaster, conn.transcript.hash())
      : legacyMasterSecret(p, hs.suite.hash, preMaster, hs.clientRandom, hs.serverRandom);
    conn.logSecret('CLIENT_RANDOM', this.hs.clientRandom, this.hs.master);
    return this.hs.clientKey ? new ExpectClientCertificateVerify12(this.hs) : new ExpectClientChangeCipherSpec(this.hs);
  }
}

class ExpectClientCertificateVerify12 implements HandshakeState {
  readonly name = 'ExpectCertificateVerify';
  constructor(private readonly hs: Server12) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.certificate_verify) throw unexpectedMessage();
    const cv = decodeCertificateVerify(msg.body);
    const key = this.hs.clientKey!;
    // As OpenSSL 3.0's tls12_check_peer_sigalg (`openssl s_server -tls1_2 -verify 1 -client_sigalgs`):
    // a scheme unknown or not for this key is illegal_parameter, one we did not request handshake_failure.
    if (!keyFitsScheme(cv.scheme, key, false)) throw illegalParameter('WRONG_SIGNATURE_TYPE');
    if (!this.hs.requestedSchemes?.includes(cv.scheme)) throw tlsError(Alert.handshake_failure, 'WRONG_SIGNATURE_TYPE');
    const signed = Buffer.concat(conn.transcript.messages);
    if (!conn.config.provider.verify(cv.scheme, key, signed, cv.signature)) throw tlsError(Alert.decrypt_error, 'BAD_SIGNATURE');
    conn.transcript.add(msg.raw);
    return new ExpectClientChangeCipherSpec(this.hs);
  }
}

class ExpectClientChangeCipherSpec implements HandshakeState {
  readonly name = 'ExpectChangeCipherSpec';
  constructor(private readonly hs: Server12) {}

  handle(): HandshakeState {
    throw unexpectedMessage();
  }

  changeCipherSpec(conn: Connection): HandshakeState {
    const hs = this.hs;
    const keys = installKeys12(conn, hs.suite, hs.master!, hs.clientRandom, hs.serverRandom);
    conn.setReadProtection(keys.read);
    return new ExpectClientFinished12(hs, keys.write);
  }
}

class ExpectClientFinished12 implements HandshakeState {
  readonly name = 'ExpectFinished';
  constructor(private readonly hs: Server12, private readonly writeKeys: ReturnType<typeof installKeys12>['write']) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.finished) throw unexpectedMessage();
    conn.negotiated.clientFinished = checkFinished12(conn, this.hs.suite, this.hs.master!, msg);
    issueSession12(conn, this.hs.suite, this.hs.master!, this.hs.ems, this.hs.issueTicket);
    conn.sendChangeCipherSpec();
    conn.setWriteProtection(this.writeKeys);
    conn.negotiated.serverFinished = sendFinished12(conn, this.hs.suite, this.hs.master!);
    conn.handshakeDone = true;
    conn.reader.plainAlertsAllowed = false;
    return new ConnectedState12();
  }
}

