// TLS 1.3 early data (0-RTT, RFC 8446 2.3, 4.2.10). The client sends
// application data right after a ClientHello that resumes a ticket allowing
// it, under keys from that ticket's PSK; the server takes it only when every
// condition of 4.2.10 holds and the ticket has not carried early data before.
//
// Anti-replay: single use. A server accepts early data once per ticket (the
// store remembers used tickets until they expire; when that memory is full,
// early data is refused rather than risk a replay), and only when the
// client's ticket age is within 10 seconds of the server's view (RFC 8446 8.3).
// Tickets are otherwise reusable for ordinary resumption. This is OpenSSL's
// default behaviour for stateful tickets and its anti-replay promise for
// stateless ones; it holds within one SSLContext, not across processes that
// share ticket keys.
import { tlsError, unexpectedMessage } from './alert.js';
import type { CipherSuite13 } from './cipher-suites.js';
import { Reader } from './codec.js';
import { Alert, ExtensionType, HandshakeType } from './constants.js';
import type { Connection, HandshakeState } from './connection.js';
import { findExtension, type Extension } from './extensions.js';
import type { HandshakeMessage } from './handshake-framing.js';
import { KeySchedule } from './key-schedule.js';
import type { PskChoice } from './resumption13.js';

export type EarlyDataStatus = 'not_sent' | 'rejected' | 'accepted';

/** RFC 8446 8.3: how far the client's ticket age may be from ours. */
const AGE_WINDOW_MS = 10000;

/** The client early traffic secret for a ClientHello, logged as NSS's CLIENT_EARLY_TRAFFIC_SECRET. */
export function earlyProtection(conn: Connection, suite: CipherSuite13, psk: Uint8Array, helloHash: Uint8Array, clientRandom: Uint8Array) {
  const ks = new KeySchedule(conn.config.provider, suite, psk);
  const secret = ks.clientEarlyTrafficSecret(helloHash);
  conn.logSecret('CLIENT_EARLY_TRAFFIC_SECRET', clientRandom, secret);
  return ks.protection(secret);
}

/**
 * Server: may the early data of this ClientHello be read? RFC 8446 4.2.10:
 * the first PSK identity was accepted, the ticket allows early data, the
 * suite and ALPN are the ticket's, no HelloRetryRequest happened, the age
 * fits, and (anti-replay) the ticket has not carried early data before.
 */
export function acceptEarlyData(
  conn: Connection,
  exts: readonly Extension[],
  psk: PskChoice | null,
  suite: CipherSuite13,
  alpn: string | null,
  afterRetry: boolean,
  obfuscatedAge: number,
  identity: Uint8Array,
): boolean {
  const c = conn.config;
  if (!findExtension(exts, ExtensionType.early_data)) return false;
  if (afterRetry || !psk || psk.index !== 0 || psk.external) return false;
  const s = psk.state;
  if (!c.maxEarlyData || s.maxEarlyData === 0 || s.cipherSuite !== suite.id || s.alpn !== alpn) return false;
  const clientAge = (obfuscatedAge - s.ageAdd + 2 ** 32) % 2 ** 32;
  const serverAge = conn.now() - s.createdAt;
  if (Math.abs(serverAge - clientAge) > AGE_WINDOW_MS) return false;
  const store = c.sessionStore;
  if (!store?.claimEarlyData(identity, s.createdAt + s.lifetime * 1000)) return false;
  return true;
}

/** Server: early data records are read here until EndOfEarlyData. */
export class ExpectEndOfEarlyData implements HandshakeState {
  readonly name = 'ExpectEndOfEarlyData';
  constructor(private readonly next: () => HandshakeState) {}

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (msg.type !== HandshakeType.end_of_early_data) throw unexpectedMessage();
    if (msg.body.length !== 0) throw tlsError(Alert.decode_error, 'LENGTH_MISMATCH');
    conn.transcript.add(msg.raw);
    conn.readingEarlyData = false;
    return this.next();
  }
}

/** max_early_data_size from a NewSessionTicket's early_data extension. */
export function decodeMaxEarlyData(data: Uint8Array): number {
  const r = new Reader(data);
  const n = r.u32();
  r.expectEnd('BAD_EXTENSION');
  return n;
}
