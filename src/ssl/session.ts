// Python's ssl.SSLSession: a client's resumable session (the TLS 1.3 ticket or
// TLS 1.2 ticket/id and its secret), or the server's record of a connection.
// Equality is by id, as CPython compares them (`equals`, since JavaScript has
// no == overloading).
import type { ClientSession } from '../tls/session-state.js';

/** OpenSSL's default session timeout, in seconds. */
export const DEFAULT_SESSION_TIMEOUT = 7200;

/** What a client keeps of a connection to resume it later. Python: `ssl.SSLSession`. */
export class SSLSession {
  readonly #state: ClientSession | null;
  readonly #id: Uint8Array;
  readonly #time: number;
  readonly #timeout: number;
  readonly #context: object;

  /** @internal Made by SSLObject.session; there is no public constructor, as in CPython. */
  constructor(token: typeof INTERNAL, context: object, state: ClientSession | null, id: Uint8Array, createdAt: number, timeout: number) {
    if (token !== INTERNAL) throw new TypeError("cannot create '_ssl.SSLSession' instances");
    this.#context = context;
    this.#state = state;
    this.#id = id;
    this.#time = Math.floor(createdAt / 1000);
    this.#timeout = timeout;
  }

  /** The session id: TLS 1.2's, or for tickets SHA-256 of the ticket, as OpenSSL derives it. */
  get id(): Uint8Array {
    return Uint8Array.from(this.#id);
  }

  /** Creation time, seconds since the epoch. */
  get time(): number {
    return this.#time;
  }

  /** Seconds the session may be resumed for. */
  get timeout(): number {
    return this.#timeout;
  }

  /** Seconds the server said its ticket stays valid (0 when it gave no ticket). */
  get ticketLifetimeHint(): number {
    return this.#state?.lifetimeHint ?? 0;
  }

  /** Whether the session holds a ticket. Python: `SSLSession.has_ticket`. */
  get hasTicket(): boolean {
    return !!this.#state?.ticket;
  }

  /** CPython's SSLSession.__eq__: the same id. */
  equals(other: unknown): boolean {
    return other instanceof SSLSession && Buffer.compare(this.#id, other.#id) === 0;
  }

  /** @internal What the engine resumes; null when this session cannot be resumed. */
  get _state(): ClientSession | null {
    return this.#state;
  }

  /** @internal The SSLContext that made it. */
  get _context(): object {
    return this.#context;
  }
}

/** @internal Guards the constructor. */
export const INTERNAL: unique symbol = Symbol('SSLSession');
