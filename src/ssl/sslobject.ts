// Python's ssl.SSLObject: the TLS engine driven over two MemoryBIOs, with
// CPython's exact blocking semantics (SSLWantReadError instead of waiting).
import { domainToASCII } from '../x509/domain-to-ascii.js';
import { appendToFile } from '../host/file-system.js';
import { parseIpAddress } from '../x509/hostname.js';
import { TLS13_SUITES, tls13SuiteByName } from '../tls/cipher-suites.js';
import { tls12SuiteByName } from '../tls/cipher-suites12.js';
import type { EngineConfig, RecordTraceEvent, TraceEvent, VerifyRequest } from '../tls/config.js';
import { Connection } from '../tls/connection.js';
import { groupName, NamedGroup, signatureSchemeName, versionName } from '../tls/constants.js';
import { DEFAULT_SIGNATURE_SCHEMES } from '../tls/handshake-common13.js';
import { startClient } from '../tls/handshake-client13.js';
import { startServer } from '../tls/handshake-server13.js';
import { withAlert } from '../tls/alert.js';
import { requestPostHandshakeAuth, sendPendingCertificateRequest } from '../tls/post-handshake-auth.js';
import { runSniCallback } from './sni-callback.js';
import { withAutoChain } from './auto-chain.js';
import { checkSentChain } from './cert-security.js';
import { warnNpn } from './deprecations.js';
import { msgCallbackArgs, recordCallbackArgs } from './msg-callback.js';
import { exportKeyingMaterial, TLS_EXPORTER_CHANNEL_BINDING } from '../tls/exporter.js';
import { alertForVerifyError } from '../x509/verify.js';
import { verifyPeerChain } from './verify-chain.js';
import { decodeCertificate, type PeerCertDict } from '../x509/decode.js';
import {
  CERT_NONE,
  OP_ALLOW_NO_DHE_KEX,
  OP_NO_TICKET,
  OP_CIPHER_SERVER_PREFERENCE,
  OP_ENABLE_MIDDLEBOX_COMPAT,
  OP_IGNORE_UNEXPECTED_EOF,
  OP_NO_EXTENDED_MASTER_SECRET,
} from './constants.js';

/** OpenSSL's SSL_OP_NO_ENCRYPT_THEN_MAC: Python has no name for it, but the bit works in `options`. */
const SSL_OP_NO_ENCRYPT_THEN_MAC = 0x00080000;
import type { SSLContext } from './context.js';
import {
  SSLCertVerificationError,
  SSLEOFError,
  SSLError,
  SSLWantReadError,
  SSLZeroReturnError,
  ValueError,
} from '../errors.js';
import type { MemoryBIO } from './memory-bio.js';
import { DEFAULT_SESSION_TIMEOUT, INTERNAL, SSLSession } from './session.js';

/** The tuple of Python's `SSLSocket.cipher()`: (name, protocol, secret bits). */
export type CipherTuple = [name: string, protocol: string, secretBits: number];

/** Keyword arguments of Python's `SSLContext.wrap_bio()`. */
export interface SSLObjectOptions {
  serverSide?: boolean;
  serverHostname?: string | null;
  session?: SSLSession | null;
}

/** ssl-ts extra: what the handshake settled, for tools and tests. */
/** @internal See SSLObject._nodeHooks. */
export interface NodeHooks {
  keylog?: (line: string) => void;
  event?: (ev: TraceEvent) => void;
  deferVerify?: boolean;
}

/** ssl-ts only: what `handshakeInfo()` reports. */
export interface HandshakeInfo {
  version: string | null;
  cipher: string | null;
  group: string | null;
  signatureScheme: string | null;
  alpn: string | null;
  helloRetryRequest: boolean;
  serverName: string | null;
  peerCertificateSubject: string | null;
  /** TLS 1.2: the master secret is RFC 7627's (always true in TLS 1.3, which has no other kind). */
  extendedMasterSecret: boolean;
  /** TLS 1.2 CBC suites: RFC 7366 encrypt-then-MAC in use. */
  encryptThenMac: boolean;
  /** The handshake resumed a session. */
  sessionReused: boolean;
  /** 0-RTT: 'not_sent', 'accepted' or 'rejected'. */
  earlyData: 'not_sent' | 'rejected' | 'accepted';
}

const GROUP_IDS: Record<string, number> = {
  ...NamedGroup,
  // OpenSSL's and node's spellings of the same groups.
  prime256v1: NamedGroup.secp256r1,
  'P-256': NamedGroup.secp256r1,
  'P-384': NamedGroup.secp384r1,
  'P-521': NamedGroup.secp521r1,
  X25519: NamedGroup.x25519,
  X448: NamedGroup.x448,
};

function subjectLine(der: Uint8Array): string | null {
  try {
    const d = decodeCertificate(der);
    return d.subject.map((rdn) => rdn.map(([k, v]) => `${k}=${v}`).join('+')).join(', ');
  } catch {
    return null;
  }
}

/** One TLS connection over two MemoryBIOs, made by `SSLContext.wrapBio()`. Python: `ssl.SSLObject`. */
export class SSLObject {
  #context: SSLContext;
  /** What the SNI callback receives: this object, or the SSLSocket that owns it. */
  _owner: unknown = null;
  readonly serverSide: boolean;
  readonly serverHostname: string | null;
  /** ssl-ts extra: called for each handshake message, CCS and alert in both directions. */
  trace: ((ev: TraceEvent) => void) | null = null;
  /**
   * @internal Hooks for the node-shaped TLSStream (node-tls-compat.ts): key log
   * lines for its 'keylog' event, every handshake event (for 'session'), and
   * `deferVerify` for node's requestCert without rejectUnauthorized, where a
   * bad client certificate is reported by `authorized`, not a failed handshake.
   * Set before the handshake starts.
   */
  _nodeHooks: NodeHooks | null = null;
  private readonly incoming: MemoryBIO;
  private readonly outgoing: MemoryBIO;
  private conn: Connection | null = null;
  private requestedSession: SSLSession | null = null;
  /** The handshake's end has been counted in sessionStats(). */
  private counted = false;

  constructor(context: SSLContext, incoming: MemoryBIO, outgoing: MemoryBIO, opts: SSLObjectOptions = {}) {
    // As in CPython, only SSLContext.wrapBio() makes these.
    if (!context || typeof context !== 'object' || !('_certs' in context)) {
      throw new TypeError('SSLObject does not have a public constructor. Instances are returned by SSLContext.wrapBio().');
    }
    this.#context = context;
    this.incoming = incoming;
    this.outgoing = outgoing;
    this.serverSide = !!opts.serverSide;
    this.serverHostname = opts.serverHostname ?? null;
    this.#msgCallbackOn = context._msgCallback !== null;
    if (opts.session !== null && opts.session !== undefined) this.session = opts.session;
  }

  /**
   * The SSLContext in use. An SNI callback may assign another one (SSL_set_SSL_CTX): the
   * certificate and key, ALPN list and trust store then come from it; the verify mode and the
   * other settings fixed when the handshake began stay.
   */
  get context(): SSLContext {
    return this.#context;
  }
  /** Python: `SSLObject.context = other` (from an SNI callback): switches certificate, key, ALPN and trust store. */
  set context(value: SSLContext) {
    if (!value || typeof value !== 'object' || !('_certs' in value)) throw new TypeError('The value must be a SSLContext');
    this.#context = value;
    const c = this.conn?.config;
    if (c) {
      c.certs = withAutoChain(value, value._certs);
      c.alpn = value._alpnProtocols;
      c.alpnSelect = value._alpnSelect ?? undefined;
    }
  }

  /** Whether the context had a _msg_callback when this object was made (OpenSSL's SSL_new copies it). */
  readonly #msgCallbackOn: boolean;

  /** Python's _msg_callback of the current context; its exception is raised after the engine step. */
  #msgCallback(ev: TraceEvent | RecordTraceEvent): void {
    const cb = this.#context._msgCallback;
    if (!cb || this.#callbackError || !this.#msgCallbackOn) return;
    const range = this.#context._versionRange();
    const version = this.conn?.negotiated.version ?? null;
    const max = range?.max ?? 0x0304;
    const args =
      ev.kind === 'record_header' || ev.kind === 'inner_content_type'
        ? recordCallbackArgs(ev, version, max)
        : msgCallbackArgs(ev, version, max);
    if (!args) return;
    try {
      cb(this._owner ?? this, ...args);
    } catch (e) {
      this.#callbackError = { error: e };
    }
  }

  #callbackError: { error: unknown } | null = null;

  // ---- engine plumbing ---------------------------------------------------

  private engineConfig(): EngineConfig {
    const ctx = this.context;
    const host = this.serverHostname;
    // Python's test (a2i_IPADDRESS) for whether the name is an address rather than a host name.
    const isIpLiteral = host !== null && parseIpAddress(host.replace(/^\[|\]$/g, '')) !== null;
    // No usable version leaves an empty range, which the handshake reports.
    const range = ctx._versionRange() ?? { min: 0xffff, max: 0 };
    const suiteNames = ctx._tls13Ciphers ?? TLS13_SUITES.map((s) => s.name);
    const provider = ctx.cryptoProvider;
    // Nothing the provider cannot do is offered or accepted: groups, DHE suites, signature schemes.
    const groups = (ctx._groups ?? ['x25519', 'secp256r1', 'secp384r1'])
      .map((g) => GROUP_IDS[g])
      .filter((g): g is number => g !== undefined && provider.supportsGroup(g));
    return {
      isServer: this.serverSide,
      provider,
      // No SNI for IP literals (RFC 6066 3), but they are still verified.
      serverName: this.serverSide || isIpLiteral || host === null ? null : domainToASCII(host) || host,
      verifyHostname: !this.serverSide && ctx.checkHostname ? host : null,
      verifyMode: ctx.verifyMode,
      verify: (req) => this.verifyPeer(req),
      certs: withAutoChain(ctx, ctx._certs),
      alpn: ctx._alpnProtocols,
      alpnSelect: ctx._alpnSelect ?? undefined,
      tls13Suites: suiteNames.map((n) => tls13SuiteByName(n)).filter((s) => s !== undefined),
      tls12Suites: ctx._tls12Ciphers
        .map((n) => tls12SuiteByName(n))
        .filter((s): s is NonNullable<typeof s> => s !== undefined && (s.kx !== 'DHE' || provider.supportsFiniteFieldDh)),
      cipherServerPreference: (ctx.options & OP_CIPHER_SERVER_PREFERENCE) !== 0,
      groups,
      signatureSchemes: DEFAULT_SIGNATURE_SCHEMES.filter((s) => provider.supportsScheme(s, 'verify')),
      minVersion: range.min,
      maxVersion: range.max,
      middleboxCompat: (ctx.options & OP_ENABLE_MIDDLEBOX_COMPAT) !== 0,
      numTickets: this.serverSide ? ctx.numTickets : 0,
      // As OpenSSL's final_server_name: the callback of the context in use (an earlier call may
      // have switched it, before a HelloRetryRequest), else the first context's.
      onClientHello: this.serverSide
        ? (name) => {
            const current = this.#context;
            return runSniCallback(current.sniCallback ? current : ctx, this._owner ?? this, name);
          }
        : undefined,
      // The context in use when the chain goes out (an SNI callback may have switched it).
      checkOwnChain: (chain) => checkSentChain(chain, this.#context.securityLevel, this.#context.cryptoProvider),
      postHandshakeAuth: ctx.postHandshakeAuth,
      noExtendedMasterSecret: (ctx.options & OP_NO_EXTENDED_MASTER_SECRET) !== 0,
      requireExtendedMasterSecret: ctx.requireExtendedMasterSecret,
      noEncryptThenMac: (ctx.options & SSL_OP_NO_ENCRYPT_THEN_MAC) !== 0,
      dhParams: ctx._dhParams ?? (ctx.dhAuto ? 'auto' : null),
      securityLevel: ctx.securityLevel,
      resume: this.serverSide ? null : (this.requestedSession?._state ?? null),
      sessionStore: this.serverSide ? ctx._sessions.store((ctx.options & OP_NO_TICKET) === 0) : null,
      allowNoDheKex: (ctx.options & OP_ALLOW_NO_DHE_KEX) !== 0,
      noTicket: (ctx.options & OP_NO_TICKET) !== 0,
      maxEarlyData: this.serverSide ? ctx.maxEarlyData : 0,
      earlyData: this.serverSide || this.pendingEarly.length === 0 ? null : Buffer.concat(this.pendingEarly),
      externalPsk: !this.serverSide && ctx._pskClientCallback ? () => clientPsk(ctx._pskClientCallback!) : null,
      externalPskLookup: this.serverSide && ctx._pskServerCallback ? (id) => serverPsk(ctx._pskServerCallback!, id) : null,
      trace: (ev) => {
        this.trace?.(ev);
        this._nodeHooks?.event?.(ev);
        this.#msgCallback(ev);
      },
      recordTrace: this.#msgCallbackOn ? (ev) => this.#msgCallback(ev) : undefined,
      keylog: keylogSink(ctx.keylogFilename, this._nodeHooks?.keylog),
    };
  }

  private verifyPeer(req: VerifyRequest): Uint8Array[] {
    if (this._nodeHooks?.deferVerify) return []; // judged after the handshake (TLSStream.authorized)
    try {
      // The context's store (cafile, capath, CRLs), verifyFlags, hostnameChecksCommonName and security level apply.
      return verifyPeerChain(this.context, req.presented, { hostname: req.hostname, purpose: req.purpose });
    } catch (e) {
      if (e instanceof SSLCertVerificationError) throw withAlert(e, alertForVerifyError(e.verifyCode));
      throw e;
    }
  }

  private engine(): Connection {
    if (!this.conn) {
      const conn = new Connection(this.engineConfig());
      conn.writer.maxFragment = this.#maxSendFragment;
      this.conn = conn;
      this.context._sessions.count(this.serverSide ? 'accept' : 'connect');
      conn.begin(this.serverSide ? startServer : startClient);
    }
    return this.conn;
  }

  /** Run an operation, always moving what the engine produced into the outgoing BIO. */
  private run<T>(f: (conn: Connection) => T): T {
    let conn: Connection | null = null;
    try {
      conn = this.engine();
      if (conn.error) throw conn.error;
      sendPendingCertificateRequest(conn);
      return f(conn);
    } finally {
      // The engine's buffers are fresh and never touched again: hand them over without a copy.
      if (conn) for (const chunk of conn.takeOutput()) this.outgoing._writeOwned(chunk);
      const pending = this.#callbackError;
      if (pending) {
        this.#callbackError = null;
        throw pending.error; // eslint-disable-line no-unsafe-finally -- as CPython re-raises it
      }
    }
  }

  /**
   * Move one record from the incoming BIO into the engine. Only the bytes of
   * that record are taken, so whatever follows stays in the BIO (STARTTLS).
   * Returns false when the BIO has no more bytes.
   */
  private pullRecord(conn: Connection): boolean {
    const inc = this.incoming;
    if (!conn.reader.partial) {
      // Fast path: the whole record is in the BIO; hand the engine one view of it.
      const header = inc._peek(5);
      if (header) {
        const total = 5 + ((header[3]! << 8) | header[4]!);
        const record = inc._peek(total);
        if (record) {
          inc._consume(total);
          conn.receive(record);
          return true;
        }
      }
    }
    while (this.incoming.pending > 0) {
      conn.receive(this.incoming.read(conn.wanted()));
      if (!conn.reader.partial) return true;
    }
    return false;
  }

  /** The transport has nothing more for us: wait for it, or report its end. */
  private starved(conn: Connection, duringHandshake: boolean): never {
    if (!this.incoming.eof) throw SSLWantReadError.fast();
    if (this.context.options & OP_IGNORE_UNEXPECTED_EOF && !conn.midRecord) {
      if (duringHandshake) throw new SSLZeroReturnError();
      conn.peerClosed = true;
      throw new EndOfStream();
    }
    throw new SSLEOFError();
  }

  private handshake(conn: Connection): void {
    if (!this.handshakeOrWait(conn)) throw SSLWantReadError.fast();
  }

  /** Run the handshake as far as the incoming bytes allow; false when it waits for more (not at EOF). */
  private handshakeOrWait(conn: Connection): boolean {
    while (!conn.handshakeDone) {
      if (!this.pullRecord(conn)) {
        if (!this.incoming.eof) return false;
        this.starved(conn, true);
      }
    }
    if (!this.counted) {
      this.counted = true;
      const sessions = this.context._sessions;
      sessions.count(this.serverSide ? 'accept_good' : 'connect_good');
      if (conn.negotiated.resumed) sessions.count('hits');
    }
    return true;
  }

  // ---- Python API ----------------------------------------------------------

  /** Run the handshake as far as the incoming bytes allow; throws SSLWantReadError until it is done. Python: `SSLObject.do_handshake()`. */
  doHandshake(): void {
    this.run((conn) => this.handshake(conn));
  }

  /**
   * For the event-loop drivers: doHandshake() that returns false where it
   * would throw SSLWantReadError (a throw and catch per flight costs more than
   * the rest of the driver's work for it).
   */
  _handshakeOrWait(): boolean {
    return this.run((conn) => this.handshakeOrWait(conn));
  }

  /**
   * Read up to `len` bytes of application data. As in CPython, it returns an
   * empty array once the peer has sent close_notify, and throws
   * SSLWantReadError while no data has arrived yet.
   */
  read(len = 1024, buffer?: Uint8Array): Uint8Array {
    const data = this.readData(len, buffer ? buffer.length : undefined);
    if (buffer) buffer.set(data);
    return data;
  }

  /** Read into `buffer` (up to `len` bytes, default its length); returns the count. */
  readInto(buffer: Uint8Array, len?: number): number {
    if (!(buffer instanceof Uint8Array)) throw new TypeError('buffer must be a writable bytes-like object');
    const data = this.readData(len ?? buffer.length, buffer.length);
    buffer.set(data);
    return data.length;
  }

  /**
   * For the event-loop drivers: read() that returns null where read() would
   * throw SSLWantReadError. A stream reads until the records run out, so the
   * exception would be thrown at the end of every batch of records.
   */
  _readOrNull(len: number): Uint8Array | null {
    return this.readData(len, undefined, true);
  }

  private readData(len: number, cap?: number): Uint8Array;
  private readData(len: number, cap: number | undefined, nullOnWant: true): Uint8Array | null;
  private readData(len: number, cap?: number, nullOnWant = false): Uint8Array | null {
    if (!Number.isInteger(len)) throw new TypeError('an integer is required');
    // As CPython: with a buffer, a length <= 0 or beyond it means the buffer's length.
    if (cap !== undefined && (len <= 0 || len > cap)) len = cap;
    if (len < 0) throw new ValueError('size should not be negative');
    return this.run((conn) => {
      this.handshake(conn);
      if (len === 0) return new Uint8Array(0);
      for (;;) {
        if (conn.appPending > 0) return conn.readApp(len);
        if (conn.peerClosed) {
          // CPython returns b'' only while our side is still open.
          if (conn.sentClose) throw new SSLZeroReturnError();
          return new Uint8Array(0);
        }
        if (!this.pullRecord(conn)) {
          if (nullOnWant && !this.incoming.eof && conn.handshakeDone) return null;
          try {
            this.starved(conn, false);
          } catch (e) {
            if (e instanceof EndOfStream) return new Uint8Array(0);
            throw e;
          }
        }
      }
    });
  }

  /** Encrypt `data` into the outgoing BIO; returns the number of bytes taken. Python: `SSLObject.write()`. */
  write(data: Uint8Array | ArrayBufferView | ArrayBuffer): number {
    const bytes = toBytes(data);
    return this.run((conn) => {
      this.handshake(conn);
      if (conn.sentClose) throw new SSLError('protocol is shutdown', { library: 'SSL', reason: 'PROTOCOL_IS_SHUTDOWN' });
      if (bytes.length === 0) return 0;
      conn.sendApp(bytes);
      return bytes.length;
    });
  }

  /** Decrypted bytes ready to be read. Python: `SSLObject.pending()`. */
  pending(): number {
    return this.conn?.appPending ?? 0;
  }

  /** Send close_notify, then wait (SSLWantReadError) for the peer's. */
  unwrap(): void {
    this.run((conn) => {
      if (!conn.handshakeDone) {
        throw new SSLError('shutdown while in init', { library: 'SSL', reason: 'SHUTDOWN_WHILE_IN_INIT' });
      }
      conn.sendCloseNotify();
      while (!conn.peerClosed) {
        if (!this.pullRecord(conn)) {
          if (!this.incoming.eof) throw SSLWantReadError.fast();
          throw new SSLEOFError();
        }
        conn.readApp(conn.appPending); // data after our close_notify is discarded
      }
    });
  }

  /** 'TLSv1.3' or 'TLSv1.2', or null before the handshake. Python: `SSLObject.version()`. */
  version(): string | null {
    const c = this.conn;
    return c?.handshakeDone && c.negotiated.version ? versionName(c.negotiated.version) : null;
  }

  /** (name, protocol, secret bits) of the agreed suite, or null before the handshake. Python: `SSLObject.cipher()`. */
  cipher(): CipherTuple | null {
    const c = this.conn;
    if (!c?.handshakeDone || !c.negotiated.cipherSuite) return null;
    return [c.negotiated.cipherSuite, versionName(c.negotiated.version!), c.negotiated.cipherBits];
  }

  /** Server side: our suites that the client also offered; null on the client, as in CPython. */
  sharedCiphers(): CipherTuple[] | null {
    const c = this.conn;
    if (!c?.handshakeDone || !this.serverSide) return null;
    const offered = c.negotiated.offeredSuites;
    const shared = (suites: readonly { id: number; name: string; bits: number }[], version: string): CipherTuple[] =>
      suites.filter((s) => offered.includes(s.id)).map((s) => [s.name, version, s.bits]);
    return [...shared(c.config.tls13Suites, 'TLSv1.3'), ...shared(c.config.tls12Suites, 'TLSv1.2')];
  }

  /** The protocol agreed by ALPN, or null. Python: `SSLObject.selected_alpn_protocol()`. */
  selectedAlpnProtocol(): string | null {
    return this.conn?.handshakeDone ? this.conn.negotiated.alpn : null;
  }

  /** Always null: NPN is not supported (as in Python 3.10+). Python: `SSLObject.selected_npn_protocol()`. */
  selectedNpnProtocol(): null {
    warnNpn();
    return null;
  }

  /** Always null: TLS compression is not supported. Python: `SSLObject.compression()`. */
  compression(): null {
    return null;
  }

  /** The peer's certificate: Python's dict, or DER with `binaryForm`. Python: `SSLObject.getpeercert()`. */
  getPeerCert(binaryForm: true): Uint8Array | null;
  /** The peer's certificate: Python's dict, or DER with `binaryForm`. Python: `SSLObject.getpeercert()`. */
  getPeerCert(binaryForm?: false): PeerCertDict | Record<string, never> | null;
  getPeerCert(binaryForm = false): Uint8Array | PeerCertDict | Record<string, never> | null {
    const c = this.conn;
    if (!c?.handshakeDone) throw new ValueError('handshake not done yet');
    const leaf = c.negotiated.peerCertificates[0];
    if (!leaf) return null;
    if (binaryForm) return leaf;
    // CPython shows nothing of a certificate it was not asked to verify.
    if (this.context.verifyMode === CERT_NONE) return {};
    return decodeCertificate(leaf);
  }

  /** Python 3.13: the chain as verified, leaf first (DER). */
  getVerifiedChain(): Uint8Array[] {
    return [...(this.conn?.negotiated.verifiedChain ?? [])];
  }

  /** Python 3.13: the chain as the peer sent it (DER). */
  getUnverifiedChain(): Uint8Array[] {
    return [...(this.conn?.negotiated.peerCertificates ?? [])];
  }

  /**
   * Channel bindings: Python's 'tls-unique', and beyond Python 'tls-exporter'
   * (RFC 9266: 32 bytes exported with the label EXPORTER-Channel-Binding).
   */
  getChannelBinding(cbType = 'tls-unique'): Uint8Array | null {
    if (cbType !== 'tls-unique' && cbType !== 'tls-exporter') throw new ValueError(`'${cbType}' channel binding type not implemented`);
    const c = this.conn;
    if (!c?.handshakeDone) return null;
    if (cbType === 'tls-exporter') {
      // RFC 9266 4.2: over TLS 1.2 the binding is only sound with extended master secret.
      if (c.negotiated.version === 0x0303 && !c.negotiated.extendedMasterSecret) return null;
      return exportKeyingMaterial(c, TLS_EXPORTER_CHANNEL_BINDING, 32, null);
    }
    // CPython asks OpenSSL for the first Finished of a full handshake: the client's.
    return c.negotiated.clientFinished;
  }

  /**
   * The session: before the handshake, the one set to be resumed; after it,
   * the newest resumable one (in TLS 1.3, from the server's latest ticket).
   * Python: `SSLObject.session`.
   */
  get session(): SSLSession | null {
    const c = this.conn;
    if (!c?.handshakeDone) return this.requestedSession;
    const n = c.negotiated;
    const ctx = this.context;
    if (this.serverSide) {
      return new SSLSession(INTERNAL, ctx, null, n.sessionId, this.handshakeTime ??= Date.now(), ctx.sessionTimeout);
    }
    const latest = c.sessions[c.sessions.length - 1];
    if (latest) return this.sessionFor(latest);
    // Resumed without (yet) a new ticket: the session we offered is still the one in use.
    if (n.resumed && this.requestedSession) return this.requestedSession;
    // TLS 1.3 before any ticket: a session that cannot be resumed, as OpenSSL has it.
    return new SSLSession(INTERNAL, ctx, null, new Uint8Array(0), this.handshakeTime ??= Date.now(), DEFAULT_SESSION_TIMEOUT);
  }

  /** Python's checks (`SSLObject.session = ...`), in CPython's order: type, context, role, handshake state. */
  set session(value: SSLSession | null) {
    if (!(value instanceof SSLSession)) throw new TypeError('Value is not a SSLSession.');
    if (value._context !== this.context) throw new ValueError('Session refers to a different SSLContext.');
    if (this.serverSide) throw new ValueError('Cannot set session for server-side SSLSocket.');
    if (this.conn?.handshakeDone) throw new ValueError('Cannot set session after handshake.');
    // Once the ClientHello is out, a new session no longer changes anything, as with OpenSSL.
    this.requestedSession = value;
  }

  /**
   * ssl-ts extra (OpenSSL's SSL_export_keying_material, node:tls's
   * exportKeyingMaterial): `length` bytes bound to this connection's secrets
   * for `label` and an optional `context` (RFC 8446 7.5, RFC 5705).
   */
  exportKeyingMaterial(label: string, length: number, context: Uint8Array | null = null): Uint8Array {
    if (typeof label !== 'string') throw new TypeError(`label must be str, not ${typeof label}`);
    if (!Number.isInteger(length) || length < 0) throw new ValueError('length must be a non-negative integer');
    if (context !== null && !(context instanceof Uint8Array)) throw new TypeError('context must be bytes or None');
    const c = this.conn;
    if (!c?.handshakeDone) throw new ValueError('handshake not done yet');
    return exportKeyingMaterial(c, label, length, context);
  }

  /** Whether the handshake resumed a session. Python: `SSLObject.session_reused`. */
  get sessionReused(): boolean {
    return !!this.conn?.handshakeDone && this.conn.negotiated.resumed;
  }

  private handshakeTime: number | null = null;
  private pendingEarly: Uint8Array[] = [];

  /**
   * ssl-ts extra (OpenSSL's SSL_write_early_data): 0-RTT data, sent right
   * after the ClientHello of a resumed TLS 1.3 session whose ticket allows it.
   * Call it before the handshake starts, with `session` set. Early data can
   * be replayed by an attacker: send only what is safe to repeat. After the
   * handshake `earlyDataStatus` says whether the server took it; if it says
   * 'rejected', the data was not delivered and should be sent again with write().
   */
  writeEarlyData(data: Uint8Array | ArrayBufferView | ArrayBuffer): number {
    const bytes = toBytes(data);
    if (this.serverSide) throw new ValueError('early data is written by a client');
    if (this.conn) throw new ValueError('early data must be written before the handshake starts');
    const allowed = this.requestedSession?._state?.maxEarlyData ?? 0;
    if (allowed === 0) throw new ValueError('the session does not allow early data');
    const total = this.pendingEarly.reduce((n, b) => n + b.length, 0) + bytes.length;
    if (total > allowed) throw new ValueError(`early data is limited to ${allowed} bytes by the session`);
    this.pendingEarly.push(Uint8Array.from(bytes));
    return bytes.length;
  }

  /**
   * ssl-ts extra: 0-RTT outcome. Client: 'not_sent', or after the handshake
   * 'accepted' / 'rejected'. Server: 'accepted' when it read early data,
   * 'rejected' when the client sent some that it refused, else 'not_sent'.
   */
  get earlyDataStatus(): 'not_sent' | 'rejected' | 'accepted' {
    return this.conn?.earlyStatus ?? 'not_sent';
  }

  /**
   * ssl-ts extra (server): up to `len` bytes of the early data, kept apart
   * from read() so the application can decide what is safe to act on before
   * the handshake completes. Complete once doHandshake() has returned.
   */
  readEarlyData(len = 1024): Uint8Array {
    if (!this.serverSide) throw new ValueError('early data is read by a server');
    return this.conn ? this.conn.readEarly(len) : new Uint8Array(0);
  }
  private readonly sessionObjects = new WeakMap<object, SSLSession>();

  /** One SSLSession object per engine session, so repeated reads compare equal and keep their time. */
  private sessionFor(s: import('../tls/session-state.js').ClientSession): SSLSession {
    let obj = this.sessionObjects.get(s);
    if (!obj) {
      obj = new SSLSession(INTERNAL, this.context, s, s.sessionId, s.createdAt, s.lifetime || DEFAULT_SESSION_TIMEOUT);
      this.sessionObjects.set(s, obj);
    }
    return obj;
  }

  /**
   * Server, TLS 1.3: ask the client for its certificate (post-handshake auth). The request goes
   * out with the next read or write, and getPeerCert() has the certificate once the client's
   * answer has been read. Errors are OpenSSL's: NOT_SERVER, WRONG_SSL_VERSION,
   * EXTENSION_NOT_RECEIVED (the client did not offer it), REQUEST_PENDING, REQUEST_SENT.
   */
  verifyClientPostHandshake(): void {
    requestPostHandshakeAuth(this.conn);
  }

  #maxSendFragment = 16384;

  /** @internal node's setMaxSendFragment(): the largest plaintext per record from now on (512 to 16384). */
  _setMaxSendFragment(size: number): void {
    this.#maxSendFragment = size;
    if (this.conn) this.conn.writer.maxFragment = size;
  }

  /** @internal The engine's record of the handshake (Finished messages, group...), for node-tls-compat.ts. */
  _negotiated(): Readonly<Connection['negotiated']> | null {
    return this.conn?.handshakeDone ? this.conn.negotiated : null;
  }

  /** ssl-ts only: version, suite, group, signature scheme, ALPN, SNI and HelloRetryRequest of the handshake. */
  handshakeInfo(): HandshakeInfo {
    const n = this.conn?.negotiated;
    const peer = n?.peerCertificates[0];
    return {
      version: this.version(),
      cipher: n?.cipherSuite ?? null,
      group: n?.group != null ? groupName(n.group) : null,
      signatureScheme: n?.signatureScheme != null ? signatureSchemeName(n.signatureScheme) : null,
      alpn: n?.alpn ?? null,
      helloRetryRequest: n?.helloRetryRequest ?? false,
      serverName: n?.serverName ?? null,
      peerCertificateSubject: peer ? subjectLine(peer) : null,
      extendedMasterSecret: n?.version === 0x0304 ? true : (n?.extendedMasterSecret ?? false),
      encryptThenMac: n?.encryptThenMac ?? false,
      sessionReused: this.sessionReused,
      earlyData: this.earlyDataStatus,
    };
  }
}

/** NSS key log lines, appended to Python's keylog_filename as OpenSSL does, and/or handed to a hook. */
function keylogSink(
  file: string | null | undefined,
  hook: ((line: string) => void) | undefined,
): ((label: string, clientRandom: Uint8Array, secret: Uint8Array) => void) | undefined {
  if (!file && !hook) return undefined;
  return (label, clientRandom, secret) => {
    const line = `${label} ${Buffer.from(clientRandom).toString('hex')} ${Buffer.from(secret).toString('hex')}\n`;
    if (file) appendToFile(file, line);
    hook?.(line);
  };
}

/** OpenSSL's limits on PSKs and identities (PSK_MAX_PSK_LEN, PSK_MAX_IDENTITY_LEN). */
const MAX_PSK = 512;
const MAX_PSK_IDENTITY = 256;

/** Ask Python-style PSK client callback for the key to offer; TLS 1.3 has no identity hint. */
function clientPsk(cb: (hint: string | null) => [string | null, Uint8Array]): { identity: Uint8Array; key: Uint8Array } | null {
  const result = cb(null);
  if (!Array.isArray(result) || result.length !== 2) throw new TypeError('PSK client callback must return a (identity, psk) tuple');
  const [identity, key] = result;
  if (identity !== null && typeof identity !== 'string') throw new TypeError('identity must be str or None');
  if (!(key instanceof Uint8Array)) throw new TypeError('psk must be a bytes-like object');
  if (key.length > MAX_PSK) throw new ValueError('psk too long');
  const id = Buffer.from(identity ?? '', 'utf8');
  if (id.length > MAX_PSK_IDENTITY) throw new ValueError('identity too long');
  return key.length > 0 && id.length > 0 ? { identity: id, key: Uint8Array.from(key) } : null;
}

/** The server callback's key for an identity; empty means unknown. */
function serverPsk(cb: (identity: string | null) => Uint8Array, identity: Uint8Array): Uint8Array | null {
  const key = cb(Buffer.from(identity).toString('utf8'));
  if (!(key instanceof Uint8Array)) throw new TypeError('psk must be a bytes-like object');
  if (key.length > MAX_PSK) throw new ValueError('psk too long');
  return key.length > 0 ? Uint8Array.from(key) : null;
}

/** Internal signal: an ignored unexpected EOF reads as end of stream. */
class EndOfStream extends Error {}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError(`a bytes-like object is required, not '${data === null ? 'NoneType' : typeof data}'`);
}
