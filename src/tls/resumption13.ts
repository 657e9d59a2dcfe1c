// TLS 1.3 resumption (RFC 8446 2.2, 4.2.11, 4.6.1) in both roles: what the
// client offers and how it binds it, how the server picks and checks a PSK,
// and the tickets that make the next connection resumable.
import { tlsError } from './alert.js';
import { tls13SuiteById, type CipherSuite13 } from './cipher-suites.js';
import { Writer } from './codec.js';
import { decodeMaxEarlyData } from './early-data.js';
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

/** The session to offer, if it is TLS 1.3, alive, and one of our suites shares its hash; else an external PSK. */
export function pskToOffer(conn: Connection): PskOffer | null {
  const s = conn.config.resume;
  if (!s || s.version !== ProtocolVersion.TLS13 || !s.ticket) return externalPskToOffer(conn);
  if (!sessionAlive(s, conn.now())) return null;
  const suite = tls13SuiteById(s.cipherSuite);
  if (!suite || !conn.config.tls13Suites.some((x) => x.hash === suite.hash)) return null;
  return { session: s, suite, external: false };
}

/**
 * An external PSK from the caller (Python 3.13's PSK client callback), as a
 * session: SHA-256 (TLS_AES_128_GCM_SHA256's hash, OpenSSL's choice for
 * such keys), no certificates, and the "ext binder" label.
 */
function externalPskToOffer(conn: Connection): PskOffer | null {
  const psk = conn.config.externalPsk?.();
  if (!psk || psk.key.length === 0 || psk.identity.length === 0) return null;
  const suite = tls13SuiteById(EXTERNAL_PSK_SUITE)!;
  if (!conn.config.tls13Suites.some((x) => x.hash === suite.hash)) return null;
  const session: ClientSession = {
    ...externalState(psk.key),
    ticket: psk.identity,
    sessionId: new Uint8Array(0),
    lifetimeHint: 0,
  };
  return { session, suite, external: true };
}

/** TLS_AES_128_GCM_SHA256: the suite whose hash external PSKs use. */
const EXTERNAL_PSK_SUITE = 0x1301;

function externalState(key: Uint8Array): SessionState {
  return {
    version: ProtocolVersion.TLS13,
    cipherSuite: EXTERNAL_PSK_SUITE,
    secret: key,
    createdAt: 0,
    lifetime: 0,
    ageAdd: 0,
    extendedMasterSecret: false,
    alpn: null,
    serverName: null,
    peerCertificates: [],
    verifiedChain: null,
    maxEarlyData: 0,
  };
}

/** psk_key_exchange_modes as we send them: psk_dhe_ke, and psk_ke with OP_ALLOW_NO_DHE_KEX. */
export function clientPskModes(conn: Connection): number[] {
  return conn.config.allowNoDheKex ? [PSK_KE, PSK_DHE_KE] : [PSK_DHE_KE];
}

/** The pre_shared_key extension with placeholder binders; it must go last. */
export function pskExtension(conn: Connection, offer: PskOffer): Extension {
  const s = offer.session;
  // External PSKs have no age: the obfuscated age is 0 (RFC 8446 4.2.11).
  const age = offer.external ? 0 : Math.max(0, conn.now() - s.createdAt);
  const identity = { identity: s.ticket!, obfuscatedTicketAge: offer.external ? 0 : (age + s.ageAdd) % 2 ** 32 };
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
  external: boolean;
  /** The chosen identity and its obfuscated age, for 0-RTT's checks. */
  identity: Uint8Array;
  obfuscatedAge: number;
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
  const lookup = conn.config.externalPskLookup;
  if (mode === null || (!store && !lookup)) return null;
  const now = conn.now();
  for (let i = 0; i < offered.identities.length; i++) {
    const ticket = offered.identities[i]!.identity;
    // An external PSK known by this identity comes first, as in OpenSSL.
    const key = lookup?.(ticket);
    if (key && key.length > 0) {
      if (suite.hash !== 'sha256') continue;
      checkBinder(conn, msg, offered, i, suite, key, true);
      return { index: i, state: externalState(key), mode, cacheId: null, external: true, identity: ticket, obfuscatedAge: 0 };
    }
    if (!store) continue;
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
    checkBinder(conn, msg, offered, i, suite, state.secret, false);
    const obfuscatedAge = offered.identities[i]!.obfuscatedTicketAge;
    return { index: i, state, mode, cacheId: cached ? Uint8Array.from(ticket) : null, external: false, identity: ticket, obfuscatedAge };
  }
  return null;
}

/** The binder of identity `i` must verify over the truncated ClientHello; otherwise the handshake ends. */
function checkBinder(
  conn: Connection,
  msg: HandshakeMessage,
  offered: ReturnType<typeof decodeOfferedPsks>,
  i: number,
  suite: CipherSuite13,
  key: Uint8Array,
  external: boolean,
): void {
  const p = conn.config.provider;
  const truncated = msg.raw.subarray(0, msg.raw.length - offered.bindersLength);
  const hash = conn.transcript.started ? conn.transcript.hashWith(truncated) : p.digest(suite.hash, truncated);
  const expected = computeBinder(p, suite, key, external, hash);
  const binder = offered.binders[i]!;
  // RFC 8446 6.2 suggests decrypt_error; OpenSSL 3.0 sends illegal_parameter, and so do we.
  if (binder.length !== expected.length || !p.timingSafeEqual(binder, expected)) {
    throw tlsError(Alert.illegal_parameter, 'BINDER_DOES_NOT_VERIFY');
  }
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
        maxEarlyData: c.maxEarlyData ?? 0,
      };
      if (store.ticketsEnabled) {
        ticket = store.seal(state);
      } else {
        // OP_NO_TICKET in TLS 1.3: OpenSSL's stateful tickets, an id into the cache.
        ticket = p.randomBytes(32);
        store.cachePut(ticket, state);
      }
    }
    // The ticket allows 0-RTT when the server takes early data (RFC 8446 4.2.10).
    const extensions = store && c.maxEarlyData ? [{ type: ExtensionType.early_data, data: encodeMaxEarlyData(c.maxEarlyData) }] : [];
    const msg: NewSessionTicketMsg = { lifetime, ageAdd, nonce, ticket, extensions };
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
  const maxEarlyData = early ? decodeMaxEarlyData(early) : 0;
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
