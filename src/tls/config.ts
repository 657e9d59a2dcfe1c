// What the engine needs from the caller, resolved from an SSLContext by the
// ssl layer; the engine itself never looks at a context.
import type { KeyObject } from 'node:crypto';
import type { CryptoProvider } from '../crypto/provider.js';
import type { CipherSuite13 } from './cipher-suites.js';
import type { CipherSuite12 } from './cipher-suites12.js';
import type { ClientSession, ServerSessionStore } from './session-state.js';

export interface CertifiedKey {
  /** DER certificates, leaf first. */
  chain: Uint8Array[];
  key: KeyObject;
}

export interface VerifyRequest {
  /** The peer's certificates as sent, leaf first. */
  presented: Uint8Array[];
  purpose: 'serverAuth' | 'clientAuth';
  hostname: string | null;
}

/** ssl-ts only: one handshake message, change_cipher_spec or alert, for `SSLObject.trace`. */
export type TraceEvent =
  | { direction: 'sent' | 'received'; kind: 'handshake'; type: number; length: number }
  | { direction: 'sent' | 'received'; kind: 'change_cipher_spec' }
  | { direction: 'sent' | 'received'; kind: 'alert'; level: number; description: number };

export interface EngineConfig {
  isServer: boolean;
  provider: CryptoProvider;
  /** Client: the name sent as SNI (null for IP literals) and checked against the certificate. */
  serverName: string | null;
  /** Client: the name or address the certificate must match; null when not checked. */
  verifyHostname: string | null;
  /** 0 = CERT_NONE, 1 = CERT_OPTIONAL, 2 = CERT_REQUIRED. */
  verifyMode: number;
  /** Chain verification; returns the verified chain leaf first, or throws SSLCertVerificationError. */
  verify: (req: VerifyRequest) => Uint8Array[];
  certs: CertifiedKey[];
  alpn: string[] | null;
  tls13Suites: CipherSuite13[];
  tls12Suites: CipherSuite12[];
  /** OP_CIPHER_SERVER_PREFERENCE: the server's order decides among TLS 1.2 suites. */
  cipherServerPreference: boolean;
  groups: number[];
  signatureSchemes: number[];
  minVersion: number;
  maxVersion: number;
  middleboxCompat: boolean;
  numTickets: number;
  /** Client: a session to resume (from an earlier connection's tickets or id). */
  resume?: ClientSession | null;
  /** Server: where tickets are sealed and session ids cached; without it nothing resumes. */
  sessionStore?: ServerSessionStore | null;
  /** Client OP_NO_TICKET: no session_ticket extension in TLS 1.2 (ids only). */
  noTicket?: boolean;
  /** OP_ALLOW_NO_DHE_KEX: offer (client) or accept (server) psk_ke, resumption without (EC)DHE. */
  allowNoDheKex?: boolean;
  /** The clock for ticket ages and lifetimes, in ms since the epoch (tests move it). */
  now?: () => number;
  trace?: (ev: TraceEvent) => void;
  /** Secrets in the NSS key log format's terms (label, client random, secret), for SSLKEYLOGFILE. */
  keylog?: (label: string, clientRandom: Uint8Array, secret: Uint8Array) => void;
}
