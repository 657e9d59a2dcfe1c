// The server side of sessions for one SSLContext: the ticket keys, a bounded
// LRU cache for TLS 1.2 session ids and TLS 1.3 stateful tickets, and the
// counters sessionStats() reports (OpenSSL's SSL_CTX_sess_* numbers).
import type { CryptoProvider } from '../crypto/provider.js';
import { type ServerSessionStore, sessionAlive, type SessionState } from '../tls/session-state.js';
import { TicketKeyring } from '../tls/session-ticket.js';
import { DEFAULT_SESSION_TIMEOUT } from './session.js';

/** OpenSSL's SSL_SESSION_CACHE_MAX_SIZE_DEFAULT. */
export const DEFAULT_CACHE_SIZE = 1024 * 20;
/** Tickets remembered for 0-RTT anti-replay at most. */
const MAX_EARLY_TICKETS = 65536;

/** The dict of Python's `SSLContext.session_stats()`: OpenSSL's session counters. */
export interface SessionStats {
  number: number;
  connect: number;
  connect_good: number;
  connect_renegotiate: number;
  accept: number;
  accept_good: number;
  accept_renegotiate: number;
  hits: number;
  misses: number;
  timeouts: number;
  cache_full: number;
}

export type StatName = Exclude<keyof SessionStats, 'number'>;

export class ContextSessions {
  keys: TicketKeyring;
  constructor(private provider: CryptoProvider) {
    this.keys = new TicketKeyring(provider);
  }

  /** A new provider for ticket protection: fresh ticket keys made with it (earlier tickets stop working). */
  useProvider(provider: CryptoProvider): void {
    this.provider = provider;
    this.keys = new TicketKeyring(provider);
  }
  /** Maximum entries; 0 means unbounded in OpenSSL, which we do not allow: it is clamped to the default. */
  cacheSize = DEFAULT_CACHE_SIZE;
  timeout = DEFAULT_SESSION_TIMEOUT;
  private readonly cache = new Map<string, SessionState>();
  /** Tickets that carried early data, until they expire (ms): single-use 0-RTT. */
  private readonly earlyUsed = new Map<string, number>();
  private readonly counters: Record<StatName, number> = {
    connect: 0,
    connect_good: 0,
    connect_renegotiate: 0,
    accept: 0,
    accept_good: 0,
    accept_renegotiate: 0,
    hits: 0,
    misses: 0,
    timeouts: 0,
    cache_full: 0,
  };

  count(name: StatName): void {
    this.counters[name]++;
  }

  stats(): SessionStats {
    return { number: this.cache.size, ...this.counters };
  }

  /** The engine's view, for one connection (OP_NO_TICKET is read when it starts). */
  store(ticketsEnabled: boolean, now: () => number = Date.now): ServerSessionStore {
    return {
      ticketsEnabled,
      lifetime: this.timeout,
      seal: (s) => this.keys.seal(s),
      open: (t) => this.keys.open(t),
      cachePut: (id, s) => this.put(id, s),
      cacheGet: (id) => this.get(id, now()),
      cacheRemove: (id) => void this.cache.delete(Buffer.from(id).toString('hex')),
      claimEarlyData: (id, until) => this.claimEarlyData(id, until, now()),
      count: (e) => this.count(e === 'hit' ? 'hits' : e === 'miss' ? 'misses' : 'timeouts'),
    };
  }

  private put(id: Uint8Array, s: SessionState): void {
    const key = Buffer.from(id).toString('hex');
    this.cache.delete(key);
    const limit = this.cacheSize > 0 ? this.cacheSize : DEFAULT_CACHE_SIZE;
    if (this.cache.size >= limit) {
      // The least recently used go (the oldest, so expired ones first).
      while (this.cache.size >= limit) {
        const oldest = this.cache.keys().next().value as string;
        this.cache.delete(oldest);
        this.counters.cache_full++;
      }
    }
    this.cache.set(key, s);
  }

  private get(id: Uint8Array, now: number): SessionState | null {
    const key = Buffer.from(id).toString('hex');
    const s = this.cache.get(key);
    if (!s) return null;
    if (!sessionAlive(s, now)) {
      this.cache.delete(key);
      this.counters.timeouts++;
      return null;
    }
    // A hit makes it the most recently used.
    this.cache.delete(key);
    this.cache.set(key, s);
    return s;
  }

  private claimEarlyData(id: Uint8Array, until: number, now: number): boolean {
    const key = Buffer.from(this.provider.digest('sha256', id)).toString('hex');
    if (this.earlyUsed.has(key)) return false;
    if (this.earlyUsed.size >= MAX_EARLY_TICKETS) {
      for (const [k, t] of this.earlyUsed) if (t < now) this.earlyUsed.delete(k);
      // Full of live entries: refuse early data rather than forget one and allow a replay.
      if (this.earlyUsed.size >= MAX_EARLY_TICKETS) return false;
    }
    this.earlyUsed.set(key, until);
    return true;
  }

  flush(): void {
    this.cache.clear();
  }
}
