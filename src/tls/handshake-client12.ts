// The TLS 1.2 client handshake (RFC 5246 7.3, RFC 8422, RFC 7627, RFC 5746),
// entered from the shared ExpectServerHello once the server picks TLS 1.2.
import { isHybridGroup } from '../crypto/group-dispatch.js';
import type { KeyHandle } from '../crypto/provider.js';
import { keyFitsScheme } from '../crypto/signature-schemes.js';
import { decodeError, illegalParameter, tlsError, unexpectedMessage } from './alert.js';
import { DOWNGRADE_TLS12, tls12SuiteById, type CipherSuite12 } from './cipher-suites12.js';
import { Alert, ExtensionType, HandshakeType, MAX_CIPHERTEXT_TLS12, ProtocolVersion } from './constants.js';
import type { Connection, HandshakeState } from './connection.js';
import { decodeAlpn, findExtension } from './extensions.js';
import { checkServerHello12Extensions } from './extension-checks.js';
import { curveAllowed, selectCertificate12 } from './handshake-common12.js';
import { leafPublicKey, verifyPeerChain } from './handshake-common13.js';
import type { ClientHandshake } from './handshake-client13.js';
import { ConnectedState12, installKeys12, checkFinished12, sendFinished12 } from './handshake-connected12.js';
import type { HandshakeMessage } from './handshake-framing.js';
import type { ServerHello } from './hello-messages.js';
import {
  decodeCertificate12,
  decodeCertificateRequest12,
  decodeServerKeyExchange,
  encodeCertificate12,
  encodeClientKeyExchange,
  expectEmpty,
} from './tls12-messages.js';
import { encodeCertificateVerify } from './tls13-messages.js';
import { extendedMasterSecret, legacyMasterSecret } from './prf.js';
import { checkDhParams, dhePremaster } from '../crypto/ffdhe.js';
import { decodeServerKeyExchangeDhe, encodeClientKeyExchangeDhe } from './dhe12-messages.js';
import { clientSession12, decodeNewSessionTicket12, type NewSessionTicket12, serverResumed12, startResumedClient12 } from './resumption12.js';

interface Client12 {
  hello: ClientHandshake['hello'];
  serverRandom: Uint8Array;
  suite: CipherSuite12;
  /** The server said it will send a NewSessionTicket (RFC 5077 3.2). */
  ticketExpected: boolean;
  ticket?: NewSessionTicket12;
  serverSessionId: Uint8Array;
  serverKey?: KeyHandle;
  certRequest?: { schemes: number[] };
  master?: Uint8Array;
  /** RFC 7627 in use (the server echoed our offer). */
  ems: boolean;
}

/** The server's ephemeral key: a curve point, or finite-field parameters and value. */
type ServerKx = { kind: 'ECDHE'; group: number; point: Uint8Array } | { kind: 'DHE'; p: Uint8Array; g: Uint8Array; y: Uint8Array };

/** Extensions a TLS 1.2 ServerHello may carry, given what we sent. */
const SERVER_HELLO12_EXTENSIONS = new Set<number>([
  ExtensionType.renegotiation_info,
  ExtensionType.extended_master_secret,
  ExtensionType.encrypt_then_mac,
  ExtensionType.ec_point_formats,
  ExtensionType.alpn,
  ExtensionType.server_name,
  ExtensionType.session_ticket,
]);

export function acceptServerHello12(conn: Connection, hs: ClientHandshake, sh: ServerHello, msg: HandshakeMessage): HandshakeState {
  const c = conn.config;
  // RFC 8446 4.1.3: a server that could do 1.3 marks a 1.2 answer; if we offered 1.3, that is an attack.
  if (c.maxVersion >= ProtocolVersion.TLS13 && Buffer.compare(sh.random.subarray(24), DOWNGRADE_TLS12) === 0) {
    throw illegalParameter('INAPPROPRIATE_FALLBACK');
  }
  const suite = tls12SuiteById(sh.cipherSuite);
  if (!suite || !hs.hello.cipherSuites.includes(sh.cipherSuite)) throw illegalParameter('WRONG_CIPHER_RETURNED');
  if (sh.compressionMethod !== 0) throw illegalParameter('UNSUPPORTED_COMPRESSION_ALGORITHM');
  const sent = new Set(hs.hello.extensions.map((e) => e.type));
  sent.add(ExtensionType.renegotiation_info); // signalled by the SCSV
  for (const e of sh.extensions) {
    if (!sent.has(e.type) || !SERVER_HELLO12_EXTENSIONS.has(e.type)) throw tlsError(Alert.unsupported_extension, 'UNSOLICITED_EXTENSION');
  }
  checkServerHello12Extensions(sh.extensions);
  const reneg = findExtension(sh.extensions, ExtensionType.renegotiation_info);
  // OpenSSL 3 refuses servers without RFC 5746 support, and so do we.
  if (!reneg) throw tlsError(Alert.handshake_failure, 'UNSAFE_LEGACY_RENEGOTIATION_DISABLED');
  if (reneg.length !== 1 || reneg[0] !== 0) throw tlsError(Alert.handshake_failure, 'RENEGOTIATION_MISMATCH');
  // RFC 7627 as OpenSSL: offered, used when echoed, and its absence accepted unless the strict opt-in
  // is on. An echo we did not ask for was refused above. Resuming a session (RFC 7627 5.3) must also
  // compare this with the session's flag: the sessions code's job.
  const ems = findExtension(sh.extensions, ExtensionType.extended_master_secret) !== undefined;
  if (!ems && c.requireExtendedMasterSecret) throw tlsError(Alert.handshake_failure, 'INCONSISTENT_EXTMS');
  const etmExt = findExtension(sh.extensions, ExtensionType.encrypt_then_mac);
  if (etmExt && etmExt.length !== 0) throw decodeError('BAD_EXTENSION');
  // RFC 7366 3: meaningless for AEAD suites; OpenSSL ignores it there, and so do we.
  conn.negotiated.encryptThenMac = etmExt !== undefined && suite.mode === 'cbc';
  conn.negotiated.extendedMasterSecret = ems;
  const alpn = findExtension(sh.extensions, ExtensionType.alpn);
  if (alpn) {
    const list = decodeAlpn(alpn);
    // OpenSSL 3.0's tls_parse_stoc_alpn (seen with `openssl s_client -tls1_2 -alpn`): exactly one name,
    // one we offered; either failure is decode_error.
    if (list.length !== 1 || !c.alpn?.includes(list[0]!)) throw decodeError('BAD_EXTENSION');
    conn.negotiated.alpn = list[0]!;
  }
  const n = conn.negotiated;
  n.version = ProtocolVersion.TLS12;
  n.cipherSuite = suite.name;
  n.cipherBits = suite.bits;
  conn.reader.maxBody = MAX_CIPHERTEXT_TLS12;
  conn.transcript.start(suite.hash);
  conn.transcript.add(msg.raw);
  // The server echoed the id of the session we offered: the abbreviated handshake (resumption12.ts).
  if (serverResumed12(hs.resume12 ?? null, hs.hello, sh.sessionId, sh.cipherSuite, sh.extensions)) {
    return startResumedClient12(conn, hs.resume12!, suite, hs.hello.random, sh.random, sh.extensions);
  }
  const ticketExpected = findExtension(sh.extensions, ExtensionType.session_ticket) !== undefined;
  return new ExpectServerCertificate12({ hello: hs.hello, serverRandom: sh.random, suite, ticketExpected, serverSessionId: sh.sessionId, ems });
}

function authMatches(suite: CipherSuite12, key: KeyHandle): boolean {
  const t = key.asymmetricKeyType ?? '';
  return suite.auth === 'RSA' ? t === 'rsa' || t === 'rsa-pss' : t === 'ec' || t === 'ed25519' || t === 'ed448';
}

class ExpectServerCertificate12 implements HandshakeState {
  readonly name = 'ExpectCertificate';
  constructor(private readonly hs: Client12) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.certificate) throw unexpectedMessage();
    const chain = decodeCertificate12(msg.body);
    if (chain.length === 0) throw decodeError('LENGTH_MISMATCH');
    const key = leafPublicKey(conn.config.provider, chain[0]!);
    // OpenSSL 3.0 (`openssl s_client -tls1_2` given an ECDSA certificate for an ECDHE-RSA suite): illegal_parameter.
    if (!authMatches(this.hs.suite, key)) throw illegalParameter('WRONG_CERTIFICATE_TYPE');
    // RFC 8422 5.1.1: an ECDSA certificate on a curve we did not list is refused, as OpenSSL does.
    if (!curveAllowed(key, conn.config.groups)) throw illegalParameter('WRONG_CURVE');
    this.hs.serverKey = key;
    verifyPeerChain(conn, chain, 'serverAuth');
    conn.transcript.add(msg.raw);
    return new ExpectServerKeyExchange(this.hs);
  }
}

class ExpectServerKeyExchange implements HandshakeState {
  readonly name = 'ExpectServerKeyExchange';
  constructor(private readonly hs: Client12) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.server_key_exchange) throw unexpectedMessage();
    const c = conn.config;
    let kx: ServerKx;
    let ske: { params: { raw: Uint8Array }; scheme: number; signature: Uint8Array };
    if (this.hs.suite.kx === 'DHE') {
      const dhe = decodeServerKeyExchangeDhe(msg.body);
      const { p, g, publicKey } = dhe.params;
      // OpenSSL's quick parameter check, then the security level's minimum size.
      const problem = checkDhParams(p, g, c.securityLevel ?? 2);
      if (problem === 'BAD_DH_VALUE') throw illegalParameter('BAD_DH_VALUE');
      if (problem) throw tlsError(Alert.handshake_failure, problem);
      kx = { kind: 'DHE', p, g, y: publicKey };
      ske = dhe;
    } else {
      const ecdhe = decodeServerKeyExchange(msg.body);
      // ffdhe groups and the hybrid KEM are TLS 1.3 groups, never TLS 1.2 curves.
      if (!c.groups.includes(ecdhe.params.group) || ecdhe.params.group >= 0x0100 || isHybridGroup(ecdhe.params.group)) throw illegalParameter('WRONG_CURVE');
      kx = { kind: 'ECDHE', group: ecdhe.params.group, point: ecdhe.params.publicKey };
      ske = ecdhe;
    }
    const key = this.hs.serverKey!;
    // OpenSSL 3.0's tls12_check_peer_sigalg (seen with `openssl s_client -tls1_2 -sigalgs`): a scheme
    // unknown or not for this key is illegal_parameter; one we did not offer (SHA-1 too) handshake_failure.
    if (!keyFitsScheme(ske.scheme, key, false)) throw illegalParameter('WRONG_SIGNATURE_TYPE');
    if (!c.signatureSchemes.includes(ske.scheme)) throw tlsError(Alert.handshake_failure, 'WRONG_SIGNATURE_TYPE');
    const signed = Buffer.concat([this.hs.hello.random, this.hs.serverRandom, ske.params.raw]);
    if (!c.provider.verify(ske.scheme, key, signed, ske.signature)) throw tlsError(Alert.decrypt_error, 'BAD_SIGNATURE');
    conn.negotiated.signatureScheme = ske.scheme;
    if (kx.kind === 'ECDHE') conn.negotiated.group = kx.group;
    conn.transcript.add(msg.raw);
    return new ExpectCertificateRequestOrDone(this.hs, kx);
  }
}

class ExpectCertificateRequestOrDone implements HandshakeState {
  readonly name = 'ExpectServerHelloDone';
  constructor(private readonly hs: Client12, private readonly kx: ServerKx) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type === HandshakeType.certificate_request && !this.hs.certRequest) {
      const req = decodeCertificateRequest12(msg.body);
      this.hs.certRequest = { schemes: req.schemes };
      conn.transcript.add(msg.raw);
      return this;
    }
    if (msg.type !== HandshakeType.server_hello_done) throw unexpectedMessage();
    expectEmpty(msg.body);
    conn.transcript.add(msg.raw);
    return this.sendFlight(conn);
  }

  /** Our second flight: [Certificate], ClientKeyExchange, [CertificateVerify], CCS, Finished. */
  private sendFlight(conn: Connection): HandshakeState {
    const c = conn.config;
    const hs = this.hs;
    const chosen = hs.certRequest ? selectCertificate12(c.certs, hs.certRequest.schemes, c.signatureSchemes) : null;
    if (chosen) c.checkOwnChain?.(chosen.cert.chain);
    if (hs.certRequest) conn.sendHandshake(HandshakeType.certificate, encodeCertificate12(chosen ? chosen.cert.chain : []));

    const kx = this.kx;
    let preMaster: Uint8Array;
    if (kx.kind === 'DHE') {
      const mine = c.provider.finiteFieldDh(kx.p, kx.g);
      const secret = mine.derive(kx.y);
      if (!secret) throw illegalParameter('BAD_DH_VALUE');
      preMaster = dhePremaster(secret);
      conn.sendHandshake(HandshakeType.client_key_exchange, encodeClientKeyExchangeDhe(mine.publicKey));
    } else {
      const mine = c.provider.keyShare(kx.group);
      const secret = mine.derive(kx.point);
      if (!secret) throw illegalParameter('BAD_ECPOINT');
      preMaster = secret;
      conn.sendHandshake(HandshakeType.client_key_exchange, encodeClientKeyExchange(mine.publicKey));
    }
    hs.master = hs.ems
      ? extendedMasterSecret(c.provider, hs.suite.hash, preMaster, conn.transcript.hash())
      : legacyMasterSecret(c.provider, hs.suite.hash, preMaster, hs.hello.random, hs.serverRandom);
    conn.logSecret('CLIENT_RANDOM', hs.hello.random, hs.master);

    if (chosen) {
      const signature = c.provider.sign(chosen.scheme, chosen.cert.key, Buffer.concat(conn.transcript.messages));
      conn.sendHandshake(HandshakeType.certificate_verify, encodeCertificateVerify({ scheme: chosen.scheme, signature }));
    }
    const keys = installKeys12(conn, hs.suite, hs.master, hs.hello.random, hs.serverRandom);
    conn.sendChangeCipherSpec();
    conn.setWriteProtection(keys.write);
    conn.negotiated.clientFinished = sendFinished12(conn, hs.suite, hs.master);
    return new ExpectServerChangeCipherSpec(hs, keys.read);
  }
}

class ExpectServerChangeCipherSpec implements HandshakeState {
  readonly name = 'ExpectChangeCipherSpec';
  constructor(private readonly hs: Client12, private readonly readKeys: ReturnType<typeof installKeys12>['read']) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    // RFC 5077 3.3: the promised NewSessionTicket comes before the server's CCS.
    if (msg.type !== HandshakeType.new_session_ticket || !this.hs.ticketExpected || this.hs.ticket) throw unexpectedMessage();
    this.hs.ticket = decodeNewSessionTicket12(msg.body);
    conn.transcript.add(msg.raw);
    return this;
  }

  changeCipherSpec(conn: Connection): HandshakeState {
    // OpenSSL 3.0's client (ossl_statem_client_read_transition) says UNEXPECTED_MESSAGE here, not UNEXPECTED_CCS_MESSAGE.
    if (this.hs.ticketExpected && !this.hs.ticket) throw unexpectedMessage();
    conn.setReadProtection(this.readKeys);
    return new ExpectServerFinished12(this.hs);
  }
}

class ExpectServerFinished12 implements HandshakeState {
  readonly name = 'ExpectFinished';
  constructor(private readonly hs: Client12) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.finished) throw unexpectedMessage();
    conn.negotiated.serverFinished = checkFinished12(conn, this.hs.suite, this.hs.master!, msg);
    clientSession12(conn, this.hs.suite, this.hs.master!, this.hs.ems, this.hs.serverSessionId, this.hs.ticket ?? null);
    conn.handshakeDone = true;
    conn.reader.plainAlertsAllowed = false;
    return new ConnectedState12();
  }
}
