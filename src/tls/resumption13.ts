// TLS 1.3 resumption (RFC 8446 2.2, 4.2.11, 4.6.1) in both roles: what the
// client offers and how it binds it, how the server picks and checks a PSK,
// and the tickets that make the next connection resumable.
import { tlsError } from './alert.js';
import { tls13SuiteById, type CipherSuite13 } from './cipher-suites.js';
import { Reader, Writer } from './codec.js';
import { Alert, ExtensionType, HandshakeType, ProtocolVersion } from './constants.js';
import type { Connection } from './connection.js';
import { type Extension, findExtension } from './extensions.js';
import { frameHandshake, type HandshakeMessage } from './handshake-framing.js';
import { encodeClientHello, type ClientHello } from './hello-messages.js';
import {
  bindersListLength,
  computeBinder,
  decodeOfferedPsks,
  decodePskModes,
  encodeOfferedPsks,
  patchBinders,
  PSK_DHE_KE,
  PSK_KE,
  ticketPsk,
} from './psk.js';
import { type ClientSession, sessionAlive, type SessionState } from './session-state.js';
import { decodeNewSessionTicket, encodeNewSessionTicket, type NewSessionTicketMsg } from './tls13-messages.js';

/** Bound on sessions a client keeps from one connection, so a chatty server cannot grow our memory. */
const MAX_SESSIONS = 8;
/** RFC 8446 4.6.1: seven days at most. */
const MAX_TICKET_LIFETIME = 604800;

/** A PSK the client offers. */
export interface PskOffer {
  session: ClientSession;
  /** The suite the session was made with: its hash computes the binder. */
  suite: CipherSuite13;
  external: boolean;
}

/** The session to offer, if it is TLS 1.3, alive, and one of our suites shares its hash. */
export function pskToOffer(conn: Connection): PskOffer | null {
  const s = conn.config.resume;
  if (!s || s.version !== ProtocolVersion.TLS13 || !s.ticket) return null;
  if (!sessionAlive(s, conn.now())) return null;
  const suite = tls13SuiteById(s.cipherSuite);
  if (!suite || !conn.config.tls13Suites.some((x) => x.hash === suite.hash)) return null;
  return { session: s, suite, external: false };
}

/** psk_key_exchange_modes as we send them: psk_dhe_ke, and psk_ke with OP_ALLOW_NO_DHE_KEX. */
export function clientPskModes(conn: Connection): number[] {
  return conn.config.allowNoDheKex ? [PSK_KE, PSK_DHE_KE] : [PSK_DHE_KE];
}

/** The pre_shared_key extension with placeholder binders; it must go last. */
export function pskExtension(conn: Connection, offer: PskOffer): Extension {
  const s = offer.session;
  const age = Math.max(0, conn.now() - s.createdAt);
  const identity = { identity: s.ticket!, obfuscatedTicketAge: (age + s.ageAdd) % 2 ** 32 };
  return { type: ExtensionType.pre_shared_key, data: encodeOfferedPsks([identity], [offer.suite.hashLength]) };
}

/**
 * Encode a ClientHello; with a PSK, compute its binder over the truncated
 * message (after a HelloRetryRequest, over the transcript so far as well).
 */
export function encodeHelloWithBinders(conn: Connection, hello: ClientHello, offer: PskOffer | null): Uint8Array {
  const body = encodeClientHello(hello);
  if (!offer) return body;
  const p = conn.config.provider;
  const truncated = frameHandshake(HandshakeType.client_hello, body).subarray(0, 4 + body.length - bindersListLength([offer.suite.hashLength]));
  const hash = conn.transcript.started ? conn.transcript.hashWith(truncated) : p.digest(offer.suite.hash, truncated);
  patchBinders(body, [computeBinder(p, offer.suite, offer.session.secret, offer.external, hash)]);
  return body;
}

/** A PSK the server accepted. */
export interface PskChoice {
  index: number;
  state: SessionState;
  mode: number;
  /** Set when the session came from the cache (stateful ticket): it is used once. */
  cacheId: Uint8Array | null;
}

/**
 * Pick the first offered PSK we can use with `suite` (RFC 8446 4.2.11), as
 * OpenSSL does: unknown, expired or other-hash identities are skipped (a
 * full handshake follows), but a binder that does not verify is fatal.
 */
export function choosePsk(conn: Connection, exts: readonly Extension[], msg: HandshakeMessage, suite: CipherSuite13): PskChoice | null {
  const ext = findExtension(exts, ExtensionType.pre_shared_key);
  if (!ext) return null;
  const modesExt = findExtension(exts, ExtensionType.psk_key_exchange_modes);
  if (!modesExt) throw tlsError(Alert.missing_extension, 'MISSING_PSK_KEX_MODES_EXTENSION');
  const offered = decodeOfferedPsks(ext);
  const modes = decodePskModes(modesExt);
  const mode = modes.includes(PSK_DHE_KE) ? PSK_DHE_KE : modes.includes(PSK_KE) && conn.config.allowNoDheKex ? PSK_KE : null;
  const store = conn.config.sessionStore;
  if (mode === null || !store) return null;
  const now = conn.now();
  for (let i = 0; i < offered.identities.length; i++) {
    const ticket = offered.identities[i]!.identity;
    const cached = store.cacheGet(ticket);
    const state = cached ?? store.open(ticket);
    if (!state || state.version !== ProtocolVersion.TLS13) {
      store.count('miss');
      continue;
    }
    if (!sessionAlive(state, now)) {
      if (cached) store.cacheRemove(ticket);
      store.count('timeout');
      continue;
    }
    const sessionSuite = tls13SuiteById(state.cipherSuite);
    if (!sessionSuite || sessionSuite.hash !== suite.hash) continue;
    const truncated = msg.raw.subarray(0, msg.raw.length - offered.bindersLength);
    const p = conn.config.provider;
    const hash = conn.transcript.started ? conn.transcript.hashWith(truncated) : p.digest(suite.hash, truncated);
    const expected = computeBinder(p, suite, state.secret, false, hash);
    const binder = offered.binders[i]!;
    if (binder.length !== expected.length || !p.timingSafeEqual(binder, expected)) {
      throw tlsError(Alert.decrypt_error, 'BINDER_DOES_NOT_VERIFY');
    }
    return { index: i, state, mode, cacheId: cached ? Uint8Array.from(ticket) : null };
  }
  return null;
}

/** Server: NewSessionTicket messages after the client's Finished, as OpenSSL sends them. */
export function sendTickets13(conn: Connection): void {
  const c = conn.config;
  const p = c.provider;
  const secrets = conn.secrets!;
  const suite = secrets.schedule.suite;
  const n = conn.negotiated;
  const store = c.sessionStore;
  for (let i = 0; i < c.numTickets; i++) {
    const ageAdd = Buffer.from(p.randomBytes(4)).readUInt32BE(0);
    const nonce = Uint8Array.of(i);
    const lifetime = Math.min(store?.lifetime ?? 7200, MAX_TICKET_LIFETIME);
    let ticket: Uint8Array;
    if (!store) {
      ticket = p.randomBytes(32); // nothing can resume: an opaque label
    } else {
      const state: SessionState = {
        version: ProtocolVersion.TLS13,
        cipherSuite: suite.id,
        secret: ticketPsk(p, suite, secrets.resumptionSecret!, nonce),
        createdAt: conn.now(),
        lifetime,
        ageAdd,
        extendedMasterSecret: false,
        alpn: n.alpn,
        serverName: n.serverName,
        peerCertificates: n.peerCertificates,
        verifiedChain: n.verifiedChain,
        maxEarlyData: 0,
      };
      if (store.ticketsEnabled) {
        ticket = store.seal(state);
      } else {
        // OP_NO_TICKET in TLS 1.3: OpenSSL's stateful tickets, an id into the cache.
        ticket = p.randomBytes(32);
        store.cachePut(ticket, state);
      }
    }
    const msg: NewSessionTicketMsg = { lifetime, ageAdd, nonce, ticket, extensions: [] };
    conn.sendHandshake(HandshakeType.new_session_ticket, encodeNewSessionTicket(msg), false);
  }
}

/** Client: keep what a NewSessionTicket makes resumable. */
export function storeTicket13(conn: Connection, msg: HandshakeMessage): void {
  const t = decodeNewSessionTicket(msg.body);
  const secrets = conn.secrets!;
  const suite = secrets.schedule.suite;
  const p = conn.config.provider;
  const n = conn.negotiated;
  const early = findExtension(t.extensions, ExtensionType.early_data);
  let maxEarlyData = 0;
  if (early) {
    const r = new Reader(early);
    maxEarlyData = r.u32();
    r.expectEnd('BAD_EXTENSION');
  }
  // A zero lifetime means "do not cache" (RFC 8446 4.6.1).
  if (t.lifetime === 0) return;
  conn.sessions.push({
    version: ProtocolVersion.TLS13,
    cipherSuite: suite.id,
    secret: ticketPsk(p, suite, secrets.resumptionSecret!, t.nonce),
    createdAt: conn.now(),
    lifetime: t.lifetime,
    ageAdd: t.ageAdd,
    extendedMasterSecret: false,
    alpn: n.alpn,
    serverName: n.serverName,
    peerCertificates: n.peerCertificates,
    verifiedChain: n.verifiedChain,
    maxEarlyData,
    ticket: Uint8Array.from(t.ticket),
    sessionId: p.digest('sha256', t.ticket),
    lifetimeHint: t.lifetime,
  });
  if (conn.sessions.length > MAX_SESSIONS) conn.sessions.shift();
}

/** max_early_data_size for a NewSessionTicket's early_data extension. */
export function encodeMaxEarlyData(n: number): Uint8Array {
  return new Writer(4).u32(n).finish();
}
