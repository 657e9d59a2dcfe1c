// What the engine needs from the caller, resolved from an SSLContext by the
// ssl layer; the engine itself never looks at a context.
import type { KeyHandle } from '../crypto/provider.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { CipherSuite13 } from './cipher-suites.js';
import type { CipherSuite12 } from './cipher-suites12.js';
import type { ClientSession, ServerSessionStore } from './session-state.js';

export interface CertifiedKey {
  /** DER certificates, leaf first. */
  chain: Uint8Array[];
  key: KeyHandle;
}

export interface VerifyRequest {
  /** The peer's certificates as sent, leaf first. */
  presented: Uint8Array[];
  purpose: 'serverAuth' | 'clientAuth';
  hostname: string | null;
}

/** ssl-ts only: one handshake message, change_cipher_spec or alert, for `SSLObject.trace`; `data` is the message as on the wire (handshake header included), for Python's _msg_callback. */
export type TraceEvent =
  | { direction: 'sent' | 'received'; kind: 'handshake'; type: number; length: number; data?: Uint8Array }
  | { direction: 'sent' | 'received'; kind: 'change_cipher_spec'; data?: Uint8Array }
  | { direction: 'sent' | 'received'; kind: 'alert'; level: number; description: number; data?: Uint8Array };

/**
 * ssl-ts only, for Python's _msg_callback (OpenSSL's SSL3_RT_HEADER and SSL3_RT_INNER_CONTENT_TYPE):
 * a record header as written or read, and the inner content type of a TLS 1.3 protected record.
 */
export type RecordTraceEvent =
  | { direction: 'sent' | 'received'; kind: 'record_header'; header: Uint8Array }
  | { direction: 'sent' | 'received'; kind: 'inner_content_type'; type: number };

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
  /**
   * Server: picks the protocol from the client's ALPN list instead of `alpn`
   * (node's ALPNCallback). Returning undefined refuses them all, which is fatal
   * (no_application_protocol); a name the client did not offer is an error.
   */
  alpnSelect?: (offered: string[], serverName: string | null) => string | undefined;
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
  /**
   * Server: called for each ClientHello (the second one after a HelloRetryRequest too, as
   * OpenSSL does), once it is parsed and the version chosen, before the
   * certificate, suite and ALPN are picked, with the client's SNI name (null without one).
   * It may change `certs`, `alpn` and `verify` in this config; throwing an SSLError (with its
   * alert attached) aborts the handshake, as OpenSSL's servername callback does.
   * Returns true when a servername callback ran and accepted: only then is the client's SNI
   * acknowledged (an empty server_name in ServerHello or EncryptedExtensions), as OpenSSL's
   * servername_done (with no callback, OpenSSL's answer is SSL_TLSEXT_ERR_NOACK).
   */
  onClientHello?: (serverName: string | null) => boolean;
  /**
   * Called with our certificate chain just before it is sent (OpenSSL's ssl_security_cert_chain
   * at that point); throwing an SSLError with an alert attached aborts the handshake.
   */
  checkOwnChain?: (chain: readonly Uint8Array[]) => void;
  /**
   * TLS 1.3 post-handshake authentication (RFC 8446 4.2.6). Client: offer it. Server: with
   * verifyMode != CERT_NONE, ask for the certificate only after the handshake, as OpenSSL
   * does with SSL_VERIFY_POST_HANDSHAKE.
   */
  postHandshakeAuth?: boolean;
  /** OP_NO_EXTENDED_MASTER_SECRET: TLS 1.2 neither offers nor accepts RFC 7627, as OpenSSL. */
  noExtendedMasterSecret?: boolean;
  /**
   * ssl-ts's strict opt-in (SSLContext.requireExtendedMasterSecret): a TLS 1.2
   * peer without RFC 7627 is refused. Wins over noExtendedMasterSecret.
   */
  requireExtendedMasterSecret?: boolean;
  /** OpenSSL's SSL_OP_NO_ENCRYPT_THEN_MAC: RFC 7366 is neither offered nor accepted. */
  noEncryptThenMac?: boolean;
  /**
   * Server: the DH parameters of TLS 1.2 DHE suites (loadDhParams), 'auto' for
   * OpenSSL's automatic choice, or none: then DHE suites are not chosen, as
   * with Python's server before load_dh_params().
   */
  dhParams?: { p: Uint8Array; g: Uint8Array } | 'auto' | null;
  /** OpenSSL's security level (0-5); it bounds DH sizes. Default 2, as Python's. */
  securityLevel?: number;
  /** Client: a session to resume (from an earlier connection's tickets or id). */
  resume?: ClientSession | null;
  /** Server: where tickets are sealed and session ids cached; without it nothing resumes. */
  sessionStore?: ServerSessionStore | null;
  /** Client: an external PSK to offer in TLS 1.3 (RFC 8446 4.2.11), null for none. Its hash is SHA-256, as OpenSSL's. */
  externalPsk?: (() => { identity: Uint8Array; key: Uint8Array } | null) | null;
  /** Server: the external PSK for an offered identity, or null when unknown. */
  externalPskLookup?: ((identity: Uint8Array) => Uint8Array | null) | null;
  /** Server: early data accepted per connection (ctx.maxEarlyData); 0 = none, and tickets do not offer it. */
  maxEarlyData?: number;
  /** Client: early data to send after the ClientHello, when the resumed session allows it. */
  earlyData?: Uint8Array | null;
  /** Client OP_NO_TICKET: no session_ticket extension in TLS 1.2 (ids only). */
  noTicket?: boolean;
  /** OP_ALLOW_NO_DHE_KEX: offer (client) or accept (server) psk_ke, resumption without (EC)DHE. */
  allowNoDheKex?: boolean;
  /** The clock for ticket ages and lifetimes, in ms since the epoch (tests move it). */
  now?: () => number;
  trace?: (ev: TraceEvent) => void;
  /** Every record header and TLS 1.3 inner content type, in order with `trace`'s messages (a sent message is reported after the header of the record that carries it, as OpenSSL does). */
  recordTrace?: (ev: RecordTraceEvent) => void;
  /** Secrets in the NSS key log format's terms (label, client random, secret), for SSLKEYLOGFILE. */
  keylog?: (label: string, clientRandom: Uint8Array, secret: Uint8Array) => void;
}
