// Python's ssl.SSLSession, as far as ssl-ts keeps sessions: the tickets a
// TLS 1.3 server sent. Resuming with them is not implemented yet.
import type { SessionTicket } from '../tls/connection.js';

/** What a client keeps of a connection to resume it later. Python: `ssl.SSLSession`. */
export class SSLSession {
  readonly time: number;
  constructor(readonly tickets: readonly SessionTicket[], readonly cipherSuite: string | null) {
    this.time = Math.floor((tickets[0]?.receivedAt ?? Date.now()) / 1000);
  }

  /** Whether the session holds a ticket. Python: `SSLSession.has_ticket`. */
  get hasTicket(): boolean {
    return this.tickets.length > 0;
  }

  /** Seconds the server said its ticket stays valid. */
  get ticketLifetimeHint(): number {
    return this.tickets[0]?.lifetime ?? 0;
  }

  /** Lifetime of the ticket in seconds. Python: `SSLSession.timeout`. */
  get timeout(): number {
    return this.ticketLifetimeHint || 7200;
  }

  /** TLS 1.3 has no session id; CPython then shows the empty bytes. */
  get id(): Uint8Array {
    return new Uint8Array(0);
  }
}
