// What a resumable session remembers, in both roles, and its byte form (the
// plaintext of a server's self-contained ticket). Decoding never throws:
// ticket contents come back from the network, and a malformed one is simply
// not a session.
import { Reader, Writer } from './codec.js';

export interface SessionState {
  /** ProtocolVersion.TLS13 or TLS12. */
  version: number;
  cipherSuite: number;
  /** TLS 1.3: the resumption PSK (RFC 8446 4.6.1); TLS 1.2: the master secret. */
  secret: Uint8Array;
  /** When the server issued it, in ms since the epoch (the client's clock on the client). */
  createdAt: number;
  /** Seconds it may be used for. */
  lifetime: number;
  /** TLS 1.3 ticket_age_add. */
  ageAdd: number;
  /** TLS 1.2: made with the extended master secret (RFC 7627). */
  extendedMasterSecret: boolean;
  alpn: string | null;
  serverName: string | null;
  /** The peer's certificates as sent (the client's, in a server ticket), leaf first. */
  peerCertificates: Uint8Array[];
  verifiedChain: Uint8Array[] | null;
  /** TLS 1.3 max_early_data_size the ticket allows (0 = none). */
  maxEarlyData: number;
}

/** A session on the client: the state plus what identifies it to the server. */
export interface ClientSession extends SessionState {
  /** The opaque ticket, when the server issued one. */
  ticket: Uint8Array | null;
  /** TLS 1.2 session id; for tickets, SHA-256 of the ticket as OpenSSL makes it. */
  sessionId: Uint8Array;
  /** TLS 1.2: the server's lifetime hint; TLS 1.3: the ticket lifetime. 0 = none given. */
  lifetimeHint: number;
}

const FORMAT = 1;

function writeChain(w: Writer, chain: readonly Uint8Array[]): void {
  w.block(3, (b) => chain.forEach((c) => b.vec24(c)));
}

function readChain(r: Reader): Uint8Array[] {
  const list = r.sub24();
  const out: Uint8Array[] = [];
  while (list.remaining > 0) out.push(list.vec24());
  return out;
}

export function encodeSessionState(s: SessionState): Uint8Array {
  const w = new Writer(256);
  w.u8(FORMAT).u16(s.version).u16(s.cipherSuite).vec8(s.secret);
  // ms since the epoch do not fit in 32 bits: two halves.
  w.u32(Math.floor(s.createdAt / 2 ** 32)).u32(s.createdAt % 2 ** 32);
  w.u32(s.lifetime).u32(s.ageAdd).u8(s.extendedMasterSecret ? 1 : 0);
  w.u8(s.alpn === null ? 0 : 1).vec8(Buffer.from(s.alpn ?? '', 'latin1'));
  w.u8(s.serverName === null ? 0 : 1).vec16(Buffer.from(s.serverName ?? '', 'latin1'));
  writeChain(w, s.peerCertificates);
  w.u8(s.verifiedChain === null ? 0 : 1);
  writeChain(w, s.verifiedChain ?? []);
  w.u32(s.maxEarlyData);
  return w.finish();
}

export function decodeSessionState(data: Uint8Array): SessionState | null {
  try {
    const r = new Reader(data);
    if (r.u8() !== FORMAT) return null;
    const version = r.u16();
    const cipherSuite = r.u16();
    const secret = Uint8Array.from(r.vec8());
    const createdAt = r.u32() * 2 ** 32 + r.u32();
    const lifetime = r.u32();
    const ageAdd = r.u32();
    const extendedMasterSecret = r.u8() === 1;
    const hasAlpn = r.u8() === 1;
    const alpnBytes = r.vec8();
    const hasSni = r.u8() === 1;
    const sniBytes = r.vec16();
    const peerCertificates = readChain(r);
    const hasChain = r.u8() === 1;
    const chain = readChain(r);
    const maxEarlyData = r.u32();
    r.expectEnd();
    return {
      version,
      cipherSuite,
      secret,
      createdAt,
      lifetime,
      ageAdd,
      extendedMasterSecret,
      alpn: hasAlpn ? Buffer.from(alpnBytes).toString('latin1') : null,
      serverName: hasSni ? Buffer.from(sniBytes).toString('latin1') : null,
      peerCertificates: peerCertificates.map((c) => Uint8Array.from(c)),
      verifiedChain: hasChain ? chain.map((c) => Uint8Array.from(c)) : null,
      maxEarlyData,
    };
  } catch {
    return null;
  }
}

/** True while `now` (ms) is within the session's lifetime. */
export function sessionAlive(s: SessionState, now: number): boolean {
  return now >= s.createdAt - 1000 && now - s.createdAt <= s.lifetime * 1000;
}

/**
 * Server-side storage for sessions, provided by the caller (an SSLContext):
 * sealing for self-contained tickets, and a cache for session ids and
 * OpenSSL-style stateful TLS 1.3 tickets (OP_NO_TICKET).
 */
export interface ServerSessionStore {
  /** False with OP_NO_TICKET: TLS 1.2 uses session ids, TLS 1.3 stateful tickets. */
  readonly ticketsEnabled: boolean;
  /** Seconds a new session lives (SSL_CTX_set_timeout). */
  readonly lifetime: number;
  seal(state: SessionState): Uint8Array;
  /** null when the ticket is not ours, tampered with, or from a retired key. */
  open(ticket: Uint8Array): SessionState | null;
  cachePut(id: Uint8Array, state: SessionState): void;
  cacheGet(id: Uint8Array): SessionState | null;
  cacheRemove(id: Uint8Array): void;
  /**
   * Anti-replay for 0-RTT: true the first time a ticket carries early data
   * (remembered until `until`, ms), false afterwards or when no more can be remembered.
   */
  claimEarlyData(identity: Uint8Array, until: number): boolean;
  /** Outcome of an offered session, for the counters of sessionStats(). */
  count(event: 'hit' | 'miss' | 'timeout'): void;
}

/**
 * A client session as bytes, for node's `getSession()` Buffer: the state,
 * then the ticket (empty for none: a real ticket is never empty), session id
 * and lifetime hint. decodeClientSession() accepts only what this produced.
 */
export function encodeClientSession(s: ClientSession): Uint8Array {
  const w = new Writer(512);
  w.vec24(encodeSessionState(s));
  w.vec16(s.ticket ?? new Uint8Array(0)).vec8(s.sessionId).u32(s.lifetimeHint);
  return w.finish();
}

export function decodeClientSession(data: Uint8Array): ClientSession | null {
  try {
    const r = new Reader(data);
    const state = decodeSessionState(r.vec24());
    const ticket = Uint8Array.from(r.vec16());
    const sessionId = Uint8Array.from(r.vec8());
    const lifetimeHint = r.u32();
    r.expectEnd();
    if (!state) return null;
    return { ...state, ticket: ticket.length ? ticket : null, sessionId, lifetimeHint };
  } catch {
    return null;
  }
}
