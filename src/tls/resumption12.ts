// TLS 1.2 resumption in both roles: RFC 5077 session tickets, session ids
// with the server cache (OP_NO_TICKET), and RFC 7627 5.3's rules for the
// extended master secret on resumption. The abbreviated handshake: the
// server sends ServerHello, [NewSessionTicket], ChangeCipherSpec, Finished;
// the client answers with ChangeCipherSpec, Finished.
import { illegalParameter, tlsError, unexpectedMessage } from './alert.js';
import { DOWNGRADE_TLS12, tls12SuiteById, type CipherSuite12 } from './cipher-suites12.js';
import { chooseAlpn } from './alpn.js';
import { Reader, Writer } from './codec.js';
import { Alert, ExtensionType, HandshakeType, MAX_CIPHERTEXT_TLS12, ProtocolVersion } from './constants.js';
import type { Connection, HandshakeState } from './connection.js';
import { encodeAlpn, findExtension, type Extension } from './extensions.js';
import { checkFinished12, ConnectedState12, installKeys12, sendFinished12 } from './handshake-connected12.js';
import type { HandshakeMessage } from './handshake-framing.js';
import { encodeServerHello, type ClientHello } from './hello-messages.js';
import type { RecordProtection } from './record-layer.js';
import { type ClientSession, sessionAlive, type SessionState } from './session-state.js';

// ---- messages ------------------------------------------------------------

export interface NewSessionTicket12 {
  lifetimeHint: number;
  ticket: Uint8Array;
}

export function encodeNewSessionTicket12(t: NewSessionTicket12): Uint8Array {
  return new Writer(t.ticket.length + 8).u32(t.lifetimeHint).vec16(t.ticket).finish();
}

export function decodeNewSessionTicket12(body: Uint8Array): NewSessionTicket12 {
  const r = new Reader(body);
  const lifetimeHint = r.u32();
  const ticket = r.vec16();
  r.expectEnd();
  return { lifetimeHint, ticket: Uint8Array.from(ticket) };
}

// ---- client ----------------------------------------------------------------

/** A TLS 1.2 session worth offering: alive, and its suite still one of ours. */
export function resumable12(conn: Connection): ClientSession | null {
  const s = conn.config.resume;
  if (!s || s.version !== ProtocolVersion.TLS12) return null;
  if (!sessionAlive(s, conn.now())) return null;
  if (!conn.config.tls12Suites.some((x) => x.id === s.cipherSuite)) return null;
  return s;
}

/** The session_ticket extension: our ticket, or empty to ask for one; none with OP_NO_TICKET. */
export function sessionTicketExtension(conn: Connection, s: ClientSession | null): Extension | null {
  if (conn.config.noTicket) return null;
  return { type: ExtensionType.session_ticket, data: s?.ticket ?? new Uint8Array(0) };
}

/**
 * The client's view of a TLS 1.2 ServerHello: did the server resume the
 * session we offered? (It echoes the session id; RFC 5246 7.4.1.3, RFC 5077 3.4.)
 */
export function serverResumed12(offered: ClientSession | null, hello: ClientHello, sessionId: Uint8Array, suite: number, serverExts: readonly Extension[]): boolean {
  if (!offered || sessionId.length === 0 || Buffer.compare(sessionId, hello.sessionId) !== 0) return false;
  if (suite !== offered.cipherSuite) throw illegalParameter('OLD_SESSION_CIPHER_NOT_RETURNED');
  // RFC 7627 5.3: the extended master secret must be used exactly as in the original session.
  const ems = findExtension(serverExts, ExtensionType.extended_master_secret) !== undefined;
  if (ems !== offered.extendedMasterSecret) throw tlsError(Alert.handshake_failure, 'INCONSISTENT_EXTMS');
  return true;
}

/** What a client remembers of a finished TLS 1.2 handshake, if the server made it resumable. */
export function clientSession12(
  conn: Connection,
  suite: CipherSuite12,
  master: Uint8Array,
  ems: boolean,
  serverSessionId: Uint8Array,
  ticket: NewSessionTicket12 | null,
): void {
  const n = conn.negotiated;
  if (!ticket && serverSessionId.length === 0) return;
  // An empty ticket means the server will not resume after all (RFC 5077 3.3).
  if (ticket && ticket.ticket.length === 0 && serverSessionId.length === 0) return;
  const useTicket = ticket && ticket.ticket.length > 0 ? ticket : null;
  conn.sessions.push({
    version: ProtocolVersion.TLS12,
    cipherSuite: suite.id,
    secret: master,
    createdAt: conn.now(),
    lifetime: useTicket?.lifetimeHint || 7200,
    ageAdd: 0,
    extendedMasterSecret: ems,
    alpn: n.alpn,
    serverName: n.serverName,
    peerCertificates: n.peerCertificates,
    verifiedChain: n.verifiedChain,
    maxEarlyData: 0,
    ticket: useTicket?.ticket ?? null,
    // OpenSSL names a ticket session by the ticket's SHA-256.
    sessionId: useTicket ? conn.config.provider.digest('sha256', useTicket.ticket) : serverSessionId,
    lifetimeHint: useTicket?.lifetimeHint ?? 0,
  });
}

interface ResumedClient {
  suite: CipherSuite12;
  session: ClientSession;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  ticketExpected: boolean;
}

/** Client, abbreviated handshake: [NewSessionTicket], then the server's CCS. */
export class ExpectResumedServerCcs implements HandshakeState {
  readonly name = 'ExpectChangeCipherSpec';
  private ticket: NewSessionTicket12 | null = null;
  constructor(private readonly hs: ResumedClient) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.new_session_ticket || !this.hs.ticketExpected || this.ticket) throw unexpectedMessage();
    this.ticket = decodeNewSessionTicket12(msg.body);
    conn.transcript.add(msg.raw);
    return this;
  }

  changeCipherSpec(conn: Connection): HandshakeState {
    const hs = this.hs;
    const keys = installKeys12(conn, hs.suite, hs.session.secret, hs.clientRandom, hs.serverRandom);
    conn.setReadProtection(keys.read);
    return new ExpectResumedServerFinished(hs, keys.write, this.ticket);
  }
}

class ExpectResumedServerFinished implements HandshakeState {
  readonly name = 'ExpectFinished';
  constructor(private readonly hs: ResumedClient, private readonly write: RecordProtection, private readonly ticket: NewSessionTicket12 | null) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.finished) throw unexpectedMessage();
    const hs = this.hs;
    conn.negotiated.serverFinished = checkFinished12(conn, hs.suite, hs.session.secret, msg);
    conn.sendChangeCipherSpec();
    conn.setWriteProtection(this.write);
    conn.negotiated.clientFinished = sendFinished12(conn, hs.suite, hs.session.secret);
    if (this.ticket) {
      clientSession12(conn, hs.suite, hs.session.secret, hs.session.extendedMasterSecret, new Uint8Array(0), this.ticket);
    }
    conn.handshakeDone = true;
    conn.reader.plainAlertsAllowed = false;
    return new ConnectedState12();
  }
}

export function startResumedClient12(conn: Connection, session: ClientSession, suite: CipherSuite12, clientRandom: Uint8Array, serverRandom: Uint8Array, serverExts: readonly Extension[]): HandshakeState {
  const n = conn.negotiated;
  n.resumed = true;
  n.peerCertificates = session.peerCertificates;
  n.verifiedChain = session.verifiedChain;
  const ticketExpected = findExtension(serverExts, ExtensionType.session_ticket) !== undefined;
  return new ExpectResumedServerCcs({ suite, session, clientRandom, serverRandom, ticketExpected });
}

// ---- server ----------------------------------------------------------------

export interface Resumption12 {
  state: SessionState;
  suite: CipherSuite12;
}

/**
 * The session a TLS 1.2 ClientHello asks to resume, if we can: its ticket
 * (when tickets are on) or its session id in the cache. Unusable sessions
 * mean a full handshake; RFC 7627 5.3's EMS mismatch one way is fatal.
 */
export function findSession12(conn: Connection, ch: ClientHello): Resumption12 | null {
  const store = conn.config.sessionStore;
  if (!store) return null;
  const ticketExt = findExtension(ch.extensions, ExtensionType.session_ticket);
  let state: SessionState | null = null;
  if (ticketExt && ticketExt.length > 0 && store.ticketsEnabled) {
    state = store.open(ticketExt);
    if (!state) store.count('miss');
  } else if (ch.sessionId.length > 0) {
    state = store.cacheGet(ch.sessionId);
    if (!state) store.count('miss');
  }
  if (!state || state.version !== ProtocolVersion.TLS12) return null;
  if (!sessionAlive(state, conn.now())) {
    store.count('timeout');
    return null;
  }
  const suite = tls12SuiteById(state.cipherSuite);
  // The session's suite must still be offered by the client and enabled here.
  if (!suite || !ch.cipherSuites.includes(suite.id) || !conn.config.tls12Suites.some((s) => s.id === suite.id)) return null;
  const clientEms = findExtension(ch.extensions, ExtensionType.extended_master_secret) !== undefined;
  if (state.extendedMasterSecret && !clientEms) throw tlsError(Alert.handshake_failure, 'INCONSISTENT_EXTMS');
  if (!state.extendedMasterSecret && clientEms) return null; // full handshake (RFC 7627 5.3)
  return { state, suite };
}

/** The state a server seals into a ticket or keeps under a session id. */
export function serverSessionState12(conn: Connection, suite: CipherSuite12, master: Uint8Array, ems: boolean): SessionState {
  const n = conn.negotiated;
  return {
    version: ProtocolVersion.TLS12,
    cipherSuite: suite.id,
    secret: master,
    createdAt: conn.now(),
    lifetime: conn.config.sessionStore?.lifetime ?? 7200,
    ageAdd: 0,
    extendedMasterSecret: ems,
    alpn: n.alpn,
    serverName: n.serverName,
    peerCertificates: n.peerCertificates,
    verifiedChain: n.verifiedChain,
    maxEarlyData: 0,
  };
}

/** Server, full handshake done: a NewSessionTicket before our CCS, or the id into the cache. */
export function issueSession12(conn: Connection, suite: CipherSuite12, master: Uint8Array, ems: boolean, ticket: boolean): void {
  const store = conn.config.sessionStore;
  if (!store) return;
  const state = serverSessionState12(conn, suite, master, ems);
  if (ticket) {
    conn.sendHandshake(HandshakeType.new_session_ticket, encodeNewSessionTicket12({ lifetimeHint: state.lifetime, ticket: store.seal(state) }));
  } else if (conn.negotiated.sessionId.length > 0) {
    store.cachePut(conn.negotiated.sessionId, state);
  }
}

interface ResumedServer {
  suite: CipherSuite12;
  master: Uint8Array;
  read: RecordProtection;
}

/** Server, abbreviated handshake: ServerHello echoing the client's session id, CCS, Finished. */
export function startResumedServer12(conn: Connection, ch: ClientHello, msg: HandshakeMessage, r: Resumption12, secureReneg: boolean): HandshakeState {
  const c = conn.config;
  const { state, suite } = r;
  const alpn = chooseAlpn(c.alpn, ch.extensions);
  const n = conn.negotiated;
  n.version = ProtocolVersion.TLS12;
  n.cipherSuite = suite.name;
  n.cipherBits = suite.bits;
  n.alpn = alpn;
  n.resumed = true;
  n.sessionId = ch.sessionId;
  n.peerCertificates = state.peerCertificates;
  n.verifiedChain = state.verifiedChain;
  conn.reader.maxBody = MAX_CIPHERTEXT_TLS12;
  const serverRandom = Buffer.from(c.provider.randomBytes(32));
  if (c.maxVersion >= ProtocolVersion.TLS13) DOWNGRADE_TLS12.copy(serverRandom, 24);
  const exts: Extension[] = [];
  if (secureReneg) exts.push({ type: ExtensionType.renegotiation_info, data: Uint8Array.of(0) });
  if (state.extendedMasterSecret) exts.push({ type: ExtensionType.extended_master_secret, data: new Uint8Array(0) });
  if (alpn) exts.push({ type: ExtensionType.alpn, data: encodeAlpn([alpn]) });
  conn.transcript.start(suite.hash);
  conn.transcript.add(msg.raw);
  conn.sendHandshake(
    HandshakeType.server_hello,
    encodeServerHello({ legacyVersion: ProtocolVersion.TLS12, random: serverRandom, sessionId: ch.sessionId, cipherSuite: suite.id, compressionMethod: 0, extensions: exts }),
  );
  return finishResumedServer12(conn, suite, state.secret, ch.random, serverRandom);
}

/** Server, abbreviated handshake: ServerHello is out; send CCS and Finished, wait for the client's. */
export function finishResumedServer12(conn: Connection, suite: CipherSuite12, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): HandshakeState {
  const keys = installKeys12(conn, suite, master, clientRandom, serverRandom);
  conn.sendChangeCipherSpec();
  conn.setWriteProtection(keys.write);
  conn.negotiated.serverFinished = sendFinished12(conn, suite, master);
  return new ExpectResumedClientCcs({ suite, master, read: keys.read });
}

class ExpectResumedClientCcs implements HandshakeState {
  readonly name = 'ExpectChangeCipherSpec';
  constructor(private readonly hs: ResumedServer) {}

  handle(): HandshakeState {
    throw unexpectedMessage();
  }

  changeCipherSpec(conn: Connection): HandshakeState {
    conn.setReadProtection(this.hs.read);
    return new ExpectResumedClientFinished(this.hs);
  }
}

class ExpectResumedClientFinished implements HandshakeState {
  readonly name = 'ExpectFinished';
  constructor(private readonly hs: ResumedServer) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.finished) throw unexpectedMessage();
    conn.negotiated.clientFinished = checkFinished12(conn, this.hs.suite, this.hs.master, msg);
    conn.handshakeDone = true;
    conn.reader.plainAlertsAllowed = false;
    return new ConnectedState12();
  }
}
