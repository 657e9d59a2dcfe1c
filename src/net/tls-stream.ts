// A node-native face for ssl-ts: TLSStream is a Duplex of plaintext over a
// transport, shaped like node:tls's TLSSocket, and connect() / createServer()
// take node:tls-style options. It runs on the same TLSDriver as SSLSocket.
//
// It is meant to drop in where node expects a socket: as `createConnection`
// for node:http / node:https requests and agents, handed to an http.Server
// with `server.emit('connection', stream)`, or in stream.pipeline(). The
// socket-ish methods that http calls (setTimeout, setNoDelay, setKeepAlive,
// ref, unref, addresses) are passed to the transport when it has them.

import * as net from 'node:net';
import { X509Certificate } from 'node:crypto';
import { Duplex } from 'node:stream';
import { SSLContext } from '../ssl/context.js';
import { CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, TLSVersion } from '../ssl/constants.js';
import { MemoryBIO } from '../ssl/memory-bio.js';
import type { CipherTuple, SSLObject } from '../ssl/sslobject.js';
import { DEFAULT_SESSION_TIMEOUT, INTERNAL, SSLSession } from '../ssl/session.js';
import { decodeClientSession, encodeClientSession } from '../tls/session-state.js';
import { SSLCertVerificationError, SSLError } from '../errors.js';
import type { PeerCertDict } from '../x509/decode.js';
import { pemBlocks } from '../x509/pem.js';
import { verifyPeerChain } from '../ssl/verify-chain.js';
import { TLSDriver, DEFAULT_SHUTDOWN_TIMEOUT_MS } from './tls-driver.js';
import { prefetchServerName } from './sni-prefetch.js';
import { coalesce, RECORD_PLAINTEXT } from './coalesce.js';
import { HandshakeType } from '../tls/constants.js';
import {
  applyNodeCipherOptions,
  nodeAuthorizationError,
  nodeCipher,
  nodeEphemeralKeyInfo,
  nodePeerCertificate,
  type EphemeralKeyInfo,
  type NodeCipher,
  type NodePeerCertificate,
} from './node-tls-compat.js';

/** PEM text, as a string or bytes, as node:tls takes it. */
export type Pem = string | Buffer | Uint8Array;

/** node:tls-style options of a TLSStream; an SSLContext is built from them unless `context` is given. */
export interface TLSStreamOptions {
  /** Server role (accepting side). Default false. */
  isServer?: boolean;
  /** A ready SSLContext. When given, cert/key/ca/ALPN come from it and must not be passed here. */
  context?: SSLContext;
  /** Certificate chain (PEM, leaf first), or several. */
  cert?: Pem | Pem[];
  /** Private key (PEM). */
  key?: Pem;
  passphrase?: string;
  /** Trust anchors (PEM). Clients without `ca` use the system's. */
  ca?: Pem | Pem[];
  /** Client: fail the handshake on an unverified server (default true). Server with requestCert: demand a valid client certificate (default true). */
  rejectUnauthorized?: boolean;
  /** Server: ask the client for a certificate. */
  requestCert?: boolean;
  /** Client: SNI and the name the certificate must match (default: host). */
  servername?: string;
  /** Client: connection target, also the default servername. */
  host?: string;
  ALPNProtocols?: string[];
  /** A session to resume: node's getSession() Buffer, or an SSLSession. */
  session?: SSLSession | Buffer | Uint8Array | null;
  /** node's cipher list: OpenSSL names for TLS 1.2, TLS_* names for TLS 1.3. */
  ciphers?: string;
  /** node's ecdhCurve: OpenSSL group names joined by ':' ('X25519MLKEM768:X25519'), or 'auto' for the defaults. */
  ecdhCurve?: string;
  /** Server: pick the suite by our `ciphers` order rather than the client's. */
  honorCipherOrder?: boolean;
  /** Server: seconds a session stays resumable (SSLContext.sessionTimeout). */
  sessionTimeout?: number;
  /** Server: a 48-byte (or 80-byte) ticket key, shared by servers that should resume each other's sessions (SSLContext.setTicketKeys). */
  ticketKeys?: Buffer | Uint8Array;
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Milliseconds the handshake may take (default 60000; 0 = no limit). */
  handshakeTimeout?: number;
  /** Milliseconds to wait for the peer's close once we ended (default 30000; 0 = no limit). */
  shutdownTimeout?: number;
  /** Keep the writable side open after the peer's close_notify (default false, as node). */
  allowHalfOpen?: boolean;
}

/** Options of `connect()`: node's `tls.connect()` options that ssl-ts supports. */
export interface ConnectOptions extends TLSStreamOptions {
  port?: number;
  /** IPC path, used only when no port is given (node:http passes the request path here too). */
  path?: string;
  /** An already connected transport to run TLS over (STARTTLS), instead of dialing. */
  socket?: Duplex;
  /** Idle timeout of the transport in milliseconds (net.Socket#setTimeout). */
  timeout?: number;
  localAddress?: string;
  family?: number;
}

/** ssl-ts: what node's SNICallback may answer here: an SSLContext, or node-style options (cert, key, ca...) to build one. */
export type SNIContext = SSLContext | TLSStreamOptions;

/**
 * node:tls options ssl-ts does not implement yet. Passing one is an error, not
 * a setting silently dropped.
 */
export const UNSUPPORTED_NODE_OPTIONS = [
  'pfx',
  'secureContext',
  'pskCallback',
  'sessionIdContext',
  'checkServerIdentity',
  'sigalgs',
  'crl',
  'dhparam',
  'secureOptions',
  'secureProtocol',
  'privateKeyEngine',
  'privateKeyIdentifier',
  'clientCertEngine',
  'requestOCSP',
  'pskIdentityHint',
  'enableTrace',
] as const;

/** Options of `createServer()`: node's `tls.createServer()` options that ssl-ts supports. */
export interface ServerOptions extends TLSStreamOptions {
  /** net.Server option: pause sockets on accept. Not supported; TLS must read at once. */
  pauseOnConnect?: never;
  /**
   * node:tls's SNICallback: called with the client's SNI name (only when it sent one); answer
   * cb(null, context) to serve that connection with another SSLContext (or options to build
   * one, with the server's requestCert and rejectUnauthorized), cb(null) to keep the server's,
   * or cb(err) to drop the connection ('tlsClientError'). May answer asynchronously.
   */
  SNICallback?: (servername: string, cb: (err: Error | null, ctx?: SNIContext | null) => void) => void;
  /**
   * node:tls's ALPNCallback: picks the protocol from the client's list (`protocols`), given
   * its SNI name (`servername`, false without one). Returning undefined refuses the connection
   * with a no_application_protocol alert; a name the client did not offer is an error.
   * Not to be combined with `ALPNProtocols`.
   */
  ALPNCallback?: (info: { servername: string | false; protocols: string[] }) => string | undefined;
}

const READ_SIZE = 64 * 1024;
const VERSIONS: Record<string, TLSVersion> = { 'TLSv1.2': TLSVersion.TLSv1_2, 'TLSv1.3': TLSVersion.TLSv1_3 };

function list<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function pemText(v: Pem): string {
  return typeof v === 'string' ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
}

/** Add a certificate chain and key given as PEM text (node's way), not as files (Python's). */
export function addCertChain(ctx: SSLContext, cert: Pem | Pem[], key: Pem | undefined, passphrase: string | undefined): void {
  const chain = list(cert).flatMap((c) => pemBlocks(pemText(c)));
  if (chain.length === 0) throw new SSLError('no start line', { library: 'PEM', reason: 'NO_START_LINE' });
  // The context's provider imports the key, so a context on the pure-JavaScript provider can sign with it.
  const provider = ctx.cryptoProvider;
  const keyObj = provider.importPrivateKey({
    pem: pemText(key ?? list(cert).map(pemText).join('\n')),
    passphrase: passphrase === undefined ? undefined : Buffer.from(passphrase),
  });
  if (!provider.privateKeyMatchesCertificate(chain[0]!, keyObj)) {
    throw new SSLError('key values mismatch', { library: 'X509', reason: 'KEY_VALUES_MISMATCH' });
  }
  ctx._certs.push({ chain, key: keyObj });
}

/**
 * Contexts built for node's `requestCert: true, rejectUnauthorized: false`:
 * a client certificate is asked for but any is accepted, and judged after the
 * handshake (`authorized`, `authorizationError`), as node does.
 */
const DEFER_VERIFY = new WeakSet<SSLContext>();

/**
 * node passes sessions between connections that each build their own context
 * (`tls.connect({ session: earlier.getSession() })`); Python ties a session to
 * its SSLContext. A session from another context is carried over to this one.
 */
function sessionFor(ctx: SSLContext, session: SSLSession | Uint8Array | null): SSLSession | null {
  if (session instanceof Uint8Array) {
    // node's getSession() Buffer (encodeClientSession); one that does not decode resumes nothing, as in node.
    const state = decodeClientSession(session);
    return state ? new SSLSession(INTERNAL, ctx, state, state.sessionId, state.createdAt, state.lifetime || DEFAULT_SESSION_TIMEOUT) : null;
  }
  if (session === null || !(session instanceof SSLSession) || session._context === ctx) return session;
  return new SSLSession(INTERNAL, ctx, session._state, session.id, session.time * 1000, session.timeout);
}

/** An SSLContext built from node:tls-style options. */
export function contextFromOptions(opts: TLSStreamOptions, isServer: boolean): SSLContext {
  for (const k of UNSUPPORTED_NODE_OPTIONS) {
    if ((opts as Record<string, unknown>)[k] !== undefined) throw new TypeError(`node:tls option '${k}' is not supported by ssl-ts yet`);
  }
  if (opts.context) {
    for (const k of ['cert', 'key', 'ca', 'ALPNProtocols', 'requestCert', 'minVersion', 'maxVersion', 'ciphers', 'ecdhCurve', 'honorCipherOrder', 'sessionTimeout', 'ticketKeys'] as const) {
      if (opts[k] !== undefined) throw new TypeError(`option '${k}' cannot be combined with 'context'; configure the SSLContext instead`);
    }
    return opts.context;
  }
  const ctx = new SSLContext(isServer ? PROTOCOL_TLS_SERVER : PROTOCOL_TLS_CLIENT);
  const reject = opts.rejectUnauthorized !== false;
  if (isServer) {
    if (opts.requestCert) ctx.verifyMode = reject ? CERT_REQUIRED : CERT_OPTIONAL;
    if (opts.requestCert && !reject) DEFER_VERIFY.add(ctx);
  } else if (!reject) {
    ctx.checkHostname = false;
    ctx.verifyMode = CERT_NONE;
  }
  const cas = list(opts.ca);
  for (const ca of cas) {
    const text = pemText(ca);
    if (text.includes('-----BEGIN')) ctx.loadVerifyLocations({ cadata: text });
    else ctx.loadVerifyLocations({ cadata: typeof ca === 'string' ? Buffer.from(ca, 'latin1') : ca });
  }
  if (cas.length === 0 && !isServer) ctx.loadDefaultCerts();
  if (opts.cert !== undefined) addCertChain(ctx, opts.cert, opts.key, opts.passphrase);
  else if (opts.key !== undefined) throw new TypeError("option 'key' needs 'cert'");
  if (opts.ALPNProtocols) ctx.setAlpnProtocols(opts.ALPNProtocols);
  applyNodeCipherOptions(ctx, opts);
  if (opts.sessionTimeout !== undefined) {
    if (!isServer) throw new TypeError("option 'sessionTimeout' is for servers");
    ctx.sessionTimeout = opts.sessionTimeout;
  }
  if (opts.ticketKeys !== undefined) {
    if (!isServer) throw new TypeError("option 'ticketKeys' is for servers");
    ctx.setTicketKeys([opts.ticketKeys]);
  }
  if (opts.minVersion) ctx.minimumVersion = VERSIONS[opts.minVersion] ?? TLSVersion.MINIMUM_SUPPORTED;
  if (opts.maxVersion) ctx.maximumVersion = VERSIONS[opts.maxVersion] ?? TLSVersion.MAXIMUM_SUPPORTED;
  return ctx;
}

/**
 * Memory for merging small writes before they are sealed, shared by every
 * stream: sealing copies the plaintext into fresh ciphertext synchronously
 * (writeFlight), so the merged bytes are dead by the time the next merge
 * starts, and small writes cost no large allocation each.
 */
const scratch = {
  buf: Buffer.allocUnsafeSlow(0),
  used: 0,
  reset(): (n: number) => Uint8Array {
    this.used = 0;
    return this.alloc;
  },
  alloc: (n: number): Uint8Array => {
    if (scratch.buf.length === 0) scratch.buf = Buffer.allocUnsafeSlow(4 * RECORD_PLAINTEXT);
    if (scratch.used + n > scratch.buf.length) return Buffer.allocUnsafe(n);
    const out = scratch.buf.subarray(scratch.used, scratch.used + n);
    scratch.used += n;
    return out;
  },
};

/** The transport under a TLSStream: any node Duplex, with net.Socket's extras when it has them. */
export type SocketLike = Duplex & Partial<Pick<net.Socket, 'setTimeout' | 'setNoDelay' | 'setKeepAlive' | 'ref' | 'unref' | 'address'>> & {
  remoteAddress?: string;
  remotePort?: number;
  remoteFamily?: string;
  localAddress?: string;
  localPort?: number;
  connecting?: boolean;
};

/**
 * Plaintext Duplex over a TLS connection, a stand-in for node's `tls.TLSSocket` (Python's `SSLSocket` methods too);
 * events 'secureConnect' (client) / 'secure' (server), 'data', 'end', 'close', 'error', 'keylog', 'session'.
 */
export class TLSStream extends Duplex {
  /** node's marker for TLS sockets (http.IncomingMessage reads it for req.protocol). */
  readonly encrypted = true;
  readonly context: SSLContext;
  readonly sslobj: SSLObject;
  readonly driver: TLSDriver;
  /** The transport underneath. */
  readonly socket: SocketLike;
  readonly isServer: boolean;
  /** The peer's certificate chain was verified (node's meaning). */
  authorized = false;
  /** Why it was not, when verification ran and failed. */
  authorizationError: string | null = null;
  /** The agreed ALPN protocol; false when none (after the handshake). */
  alpnProtocol: string | false | null = null;
  /** Client: the name sent as SNI; server: the SNI the client sent; false when none (node's values). */
  servername: string | false;
  #secure = false;
  #wantRead = false;
  #pumping = false;
  /** A small write waiting for the end of the tick, its callback not yet called. */
  #held: { chunks: Uint8Array[]; cb: (err?: Error | null) => void } | null = null;
  /** Held bytes whose callback has run: they go in front of the next chunks written. */
  #carry: Uint8Array[] | null = null;
  #flushingHeld = false;
  #shutdownTimer: NodeJS.Timeout | null = null;
  /** The chain verified after the handshake when the context itself did not verify. */
  #verifiedChain: Uint8Array[] = [];
  #bytesWritten = 0;
  #bytesRead = 0;
  /** The name the client checks the certificate against (its servername option, else host). */
  readonly #checkedName: string | null;
  readonly #shutdownTimeout: number;

  constructor(transport: Duplex, opts: TLSStreamOptions = {}) {
    super({ allowHalfOpen: opts.allowHalfOpen ?? false, emitClose: true, autoDestroy: true });
    const isServer = !!opts.isServer;
    this.isServer = isServer;
    this.context = contextFromOptions(opts, isServer);
    this.socket = transport as SocketLike;
    this.#shutdownTimeout = opts.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    const name = isServer ? null : opts.servername || opts.host || null;
    this.#checkedName = name;
    // No SNI for IP literals (RFC 6066 3): node reports false then.
    this.servername = name !== null && net.isIP(name.replace(/^\[|\]$/g, '')) === 0 ? name : false;
    const incoming = new MemoryBIO();
    const outgoing = new MemoryBIO();
    this.sslobj = this.context.wrapBio(incoming, outgoing, {
      serverSide: isServer,
      serverHostname: name,
      session: sessionFor(this.context, opts.session ?? null),
    });
    this.sslobj._nodeHooks = {
      deferVerify: isServer && DEFER_VERIFY.has(this.context),
      keylog: (line) => this.emit('keylog', Buffer.from(line, 'latin1')),
      event: (ev) => {
        // node emits 'session' on the client for each ticket it receives.
        if (!isServer && ev.direction === 'received' && ev.kind === 'handshake' && ev.type === HandshakeType.new_session_ticket) {
          process.nextTick(() => this.emit('session', this.getSession()));
        }
      },
    };
    this.driver = new TLSDriver(this.sslobj, incoming, outgoing, transport, {
      handshakeTimeout: opts.handshakeTimeout,
      shutdownTimeout: opts.shutdownTimeout,
      suppressRaggedEofs: true, // node:tls treats a bare EOF as the end of data
    });
    this.driver.on('readable', () => this.#pump());
    this.driver.on('error', (err) => this.destroy(err));
    transport.on('timeout', () => this.emit('timeout'));
    transport.on('connect', () => this.emit('connect'));
    this.once('close', () => this.#clearShutdownTimer());
    // Started on the next tick so the caller can still hook sslobj.trace.
    process.nextTick(() => {
      if (this.destroyed) return;
      this.driver.handshake().then(
        () => this.#onSecure(),
        (err: Error) => this.destroy(err),
      );
    });
  }

  #onSecure(): void {
    if (this.destroyed) return;
    const obj = this.sslobj;
    this.alpnProtocol = obj.selectedAlpnProtocol() ?? false;
    if (this.isServer) this.servername = obj.handshakeInfo().serverName ?? false;
    this.#checkAuthorized();
    this.#secure = true;
    this.emit(this.isServer ? 'secure' : 'secureConnect');
    this.#pump();
  }

  /** node's authorized/authorizationError: when the context did not verify, check the chain now without failing. */
  #checkAuthorized(): void {
    const chain = this.sslobj.getUnverifiedChain();
    if (chain.length === 0) {
      // node's codes when no certificate came: a server that asked for one, a client.
      this.authorized = false;
      if (this.isServer) this.authorizationError = this.context.verifyMode !== CERT_NONE ? 'UNABLE_TO_GET_ISSUER_CERT' : null;
      else this.authorizationError = 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY';
      return;
    }
    if (this.sslobj.getVerifiedChain().length > 0) {
      this.authorized = true;
      return;
    }
    try {
      // The same verification the handshake uses: store, capath, CRLs and flags of the context.
      // As in node, the chain first (kept for getPeerCertificate(true)), then the name.
      const purpose = this.isServer ? 'clientAuth' : 'serverAuth';
      this.#verifiedChain = verifyPeerChain(this.context, chain, { hostname: null, purpose });
      if (!this.isServer && this.#checkedName !== null) verifyPeerChain(this.context, chain, { hostname: this.#checkedName, purpose });
      this.authorized = true;
    } catch (e) {
      this.authorized = false;
      this.authorizationError = nodeAuthorizationError(e);
    }
  }

  // ------------------------------------------------------------ Duplex plumbing

  /** Duplex internals: node wants more plaintext. */
  override _read(): void {
    this.#wantRead = true;
    this.#pump();
  }

  /** Move plaintext from the driver into the readable buffer while node wants more. */
  #pump(): void {
    if (this.#pumping || !this.#secure) return;
    this.#pumping = true;
    try {
      while (this.#wantRead && !this.destroyed) {
        let chunk: Uint8Array | null;
        try {
          chunk = this.driver.read(READ_SIZE);
        } catch (e) {
          this.destroy(e as Error);
          return;
        }
        if (chunk === null) return;
        if (chunk.length === 0) {
          this.#wantRead = false;
          this.push(null);
          return;
        }
        this.#wantRead = this.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      }
    } finally {
      this.#pumping = false;
    }
  }

  // Writing. Plaintext is sealed synchronously once the handshake is done, and
  // the callback of a write waits for the transport's own write callback, so
  // that writes made meanwhile queue up in the Writable and reach _writev
  // together. A small write that finds the stream idle is held until the next
  // tick (auto-corking): the writes that follow it in the same tick join it,
  // and coalesce() turns them into full records rather than one per write.

  /** Duplex internals: encrypt one chunk (a small one may wait for the tick's other writes). */
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.#writeChunks([chunk], cb);
  }

  /** Duplex internals: encrypt the writes queued meanwhile (or uncorked) together, as full records. */
  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    const list: Uint8Array[] = new Array(chunks.length);
    for (let i = 0; i < chunks.length; i++) list[i] = chunks[i]!.chunk;
    this.#writeChunks(list, cb);
  }

  #writeChunks(chunks: Uint8Array[], cb: (err?: Error | null) => void): void {
    if (!this.driver.handshakeDone) {
      // Writes made before the handshake wait for it (and queue up meanwhile).
      this.driver.handshake().then(
        () => this.#writeChunks(chunks, cb),
        (err: Error) => cb(err),
      );
      return;
    }
    if (this.#carry) {
      chunks = [...this.#carry, ...chunks];
      this.#carry = null;
    }
    if (!this.#flushingHeld && chunks.length === 1 && chunks[0]!.length < RECORD_PLAINTEXT) {
      this.#held = { chunks, cb };
      process.nextTick(this.#flushHeld);
      return;
    }
    this.#seal(chunks, cb);
  }

  /** Seal `chunks` as full records and send them as one transport write; `cb` once the transport took them. */
  #seal(chunks: Uint8Array[], cb: (err?: Error | null) => void): void {
    try {
      this.driver.writeFlight(chunks.length === 1 ? chunks : coalesce(chunks, RECORD_PLAINTEXT, scratch.reset()), cb);
    } catch (e) {
      cb(e as Error);
    }
  }

  /**
   * The held write's tick is over. Releasing its callback makes the Writable
   * hand over whatever was written meanwhile (in _write or _writev, right
   * inside cb()), which picks the held bytes up from #carry; if nothing came,
   * the held bytes are sealed alone.
   */
  readonly #flushHeld = (): void => {
    const held = this.#held;
    if (!held) return;
    this.#held = null;
    if (this.destroyed) {
      held.cb(new Error('write after the stream was destroyed'));
      return;
    }
    this.#carry = held.chunks;
    this.#flushingHeld = true;
    try {
      held.cb();
    } finally {
      this.#flushingHeld = false;
    }
    this.#sealCarry();
  };

  /** Seal held bytes whose callback already ran (nothing followed them, or end() came first). */
  #sealCarry(): void {
    const carry = this.#carry;
    this.#carry = null;
    if (carry && !this.destroyed) this.#seal(carry, (err) => (err ? this.destroy(err) : undefined));
  }

  /** end(): close_notify, then a TCP half-close, as node:tls does. */
  override _final(cb: (err?: Error | null) => void): void {
    this.#sealCarry();
    this.driver.handshake().then(
      () => {
        this.driver.closeWrite();
        const t = this.socket;
        if (!t.destroyed && !t.writableEnded) t.end();
        // Without allowHalfOpen the whole connection is closing: do not wait
        // for a silent peer longer than the shutdown timeout.
        if (!this.allowHalfOpen && this.#shutdownTimeout > 0 && !this.readableEnded) {
          this.#shutdownTimer = setTimeout(() => this.destroy(), this.#shutdownTimeout);
          this.#shutdownTimer.unref();
        }
        cb();
      },
      () => cb(), // the failure is reported through 'error'
    );
  }

  /** Duplex internals: tear the connection down. */
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#clearShutdownTimer();
    // A write still held for coalescing goes out first: node:tls sends a
    // write that is followed at once by destroy() (node:http's 400 answers).
    const pending = this.#carry ?? this.#held?.chunks;
    this.#carry = this.#held = null;
    if (pending && this.driver.handshakeDone) {
      try {
        this.driver.writeFlight(coalesce(pending));
      } catch {
        // the connection is already gone
      }
    }
    if (err || !this.driver.writeClosed) this.driver.destroy();
    else this.driver.release(); // both close_notify sent: flush ours, then drop the transport
    cb(err);
  }

  #clearShutdownTimer(): void {
    if (this.#shutdownTimer) clearTimeout(this.#shutdownTimer);
    this.#shutdownTimer = null;
  }

  // ------------------------------------------------------------ connection details

  /** The handshake has completed. */
  get secure(): boolean {
    return this.#secure;
  }

  /** True once the peer's close_notify arrived (false after a bare EOF). */
  get closeNotifyReceived(): boolean {
    return this.driver.closeNotifyReceived;
  }

  /** Python's shape: `SSLSocket.getpeercert()`. node's is `getPeerCertificate()`. */
  getPeerCert(binaryForm: true): Uint8Array | null;
  /** Python's shape: `SSLSocket.getpeercert()`. node's is `getPeerCertificate()`. */
  getPeerCert(binaryForm?: false): PeerCertDict | Record<string, never> | null;
  getPeerCert(binaryForm = false): Uint8Array | PeerCertDict | Record<string, never> | null {
    return binaryForm ? this.sslobj.getPeerCert(true) : this.sslobj.getPeerCert(false);
  }

  /** Python's shape: `SSLSocket.cipher()`. node's is `getCipher()`. */
  cipher(): CipherTuple | null {
    return this.sslobj.cipher();
  }

  /** Python: `SSLSocket.version()`. node's is `getProtocol()`. */
  version(): string | null {
    return this.sslobj.version();
  }

  /** node's name for version(). */
  getProtocol(): string | null {
    return this.sslobj.version();
  }

  /** Python: `SSLSocket.selected_alpn_protocol()`. node's is `alpnProtocol`. */
  selectedAlpnProtocol(): string | null {
    return this.sslobj.selectedAlpnProtocol();
  }

  /**
   * node's getSession(): the session as a Buffer, to pass as `session` to a later
   * connect() (or keep, e.g. in a cache); undefined when there is none to resume.
   */
  getSession(): Buffer | undefined {
    const state = this.sslobj.session?._state;
    return state ? Buffer.from(encodeClientSession(state)) : undefined;
  }

  /** The SSLSession itself. Python: `SSLSocket.session`. */
  get session(): SSLSession | null {
    return this.sslobj.session;
  }

  // ------------------------------------------------------------ node:tls TLSSocket's accessors

  /**
   * node's certificate object for the peer (node:crypto's own encoding); with
   * `detailed`, linked by `issuerCertificate` up the verified chain (else the
   * chain as sent). `{}` when the peer sent none, null once destroyed.
   */
  getPeerCertificate(detailed?: false): NodePeerCertificate | Record<string, never> | null;
  getPeerCertificate(detailed: true): NodePeerCertificate | Record<string, never> | null;
  getPeerCertificate(detailed = false): NodePeerCertificate | Record<string, never> | null {
    if (this.destroyed && !this.#secure) return null;
    const inHandshake = this.sslobj.getVerifiedChain();
    const verified = inHandshake.length > 0 ? inHandshake : this.#verifiedChain;
    const chain = detailed && verified.length > 0 ? verified : this.sslobj.getUnverifiedChain();
    return nodePeerCertificate(chain, detailed);
  }

  /** node: `tls.TLSSocket#getPeerX509Certificate()`: the peer's certificate as a node:crypto X509Certificate, or undefined. */
  getPeerX509Certificate(): X509Certificate | undefined {
    const leaf = this.sslobj.getUnverifiedChain()[0];
    return leaf ? new X509Certificate(leaf) : undefined;
  }

  /** node's { name, standardName, version } of the agreed suite. */
  getCipher(): NodeCipher | null {
    return nodeCipher(this.sslobj.cipher());
  }

  /** node: `tls.TLSSocket#isSessionReused()`. Python: `SSLSocket.session_reused`. */
  isSessionReused(): boolean {
    return this.sslobj.sessionReused;
  }

  /** This end's Finished verify_data (node's getFinished()). */
  getFinished(): Buffer | undefined {
    const n = this.sslobj._negotiated();
    const mine = this.isServer ? n?.serverFinished : n?.clientFinished;
    return mine ? Buffer.from(mine) : undefined;
  }

  /** The peer's Finished verify_data (node's getPeerFinished()). */
  getPeerFinished(): Buffer | undefined {
    const n = this.sslobj._negotiated();
    const theirs = this.isServer ? n?.clientFinished : n?.serverFinished;
    return theirs ? Buffer.from(theirs) : undefined;
  }

  /** Client: the key exchange's group as node reports it ({ type: 'ECDH', name, size }); servers get null, as in node. */
  getEphemeralKeyInfo(): EphemeralKeyInfo | Record<string, never> | null {
    return nodeEphemeralKeyInfo(this.isServer, this.#secure ? this.sslobj.handshakeInfo().group : null);
  }

  /** node: `tls.TLSSocket#exportKeyingMaterial(length, label, context)`, the RFC 5705 / RFC 8446 7.5 exporter (SSLObject.exportKeyingMaterial). */
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Buffer {
    const out = this.sslobj.exportKeyingMaterial(label, length, context ?? null);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }

  /**
   * node's setMaxSendFragment(): records carry at most `size` bytes of
   * plaintext from now on (512 to 16384, as node allows).
   */
  setMaxSendFragment(size: number): boolean {
    if (!Number.isInteger(size) || size < 512 || size > 16384) {
      throw new RangeError(`The value of "size" is out of range. It must be >= 512 && <= 16384. Received ${size}`);
    }
    this.sslobj._setMaxSendFragment(size);
    return true;
  }

  /** Plaintext bytes handed to write()/end() so far, as net.Socket counts them (node:http reads it). */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Plaintext bytes received so far. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  // Counting happens at the stream's edges so the data path stays untouched.
  /** Writable#write(): plaintext to send; counted in `bytesWritten`. */
  override write(chunk: unknown, encoding?: BufferEncoding | ((err?: Error | null) => void), cb?: (err?: Error | null) => void): boolean {
    this.#bytesWritten += byteLength(chunk, typeof encoding === 'string' ? encoding : undefined);
    return super.write(chunk, encoding as BufferEncoding, cb);
  }

  /** Writable#end(): the last plaintext, then close_notify and a TCP half-close, as node:tls does. */
  override end(chunk?: unknown, encoding?: BufferEncoding | (() => void), cb?: () => void): this {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
      this.#bytesWritten += byteLength(chunk, typeof encoding === 'string' ? encoding : undefined);
    }
    return super.end(chunk as Buffer, encoding as BufferEncoding, cb);
  }

  /** Readable internals: counts `bytesRead`. */
  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk !== null && chunk !== undefined) this.#bytesRead += byteLength(chunk, encoding);
    return super.push(chunk, encoding);
  }

  // ------------------------------------------------------------ socket-ish methods (node:http uses them)

  /** node: `net.Socket#setTimeout()`: 'timeout' after `ms` idle on the transport. */
  setTimeout(ms: number, cb?: () => void): this {
    if (cb) {
      if (ms === 0) this.off('timeout', cb);
      else this.once('timeout', cb);
    }
    this.socket.setTimeout?.(ms);
    return this;
  }

  /** node: `net.Socket#setNoDelay()` of the transport. */
  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay?.(noDelay);
    return this;
  }

  /** node: `net.Socket#setKeepAlive()` of the transport. */
  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.socket.setKeepAlive?.(enable, initialDelay);
    return this;
  }

  /** node: `net.Socket#ref()` of the transport. */
  ref(): this {
    this.socket.ref?.();
    return this;
  }

  /** node: `net.Socket#unref()` of the transport. */
  unref(): this {
    this.socket.unref?.();
    return this;
  }

  /** node: `net.Socket#address()` of the transport. */
  address(): net.AddressInfo | object {
    return this.socket.address?.() ?? {};
  }

  /** node: `net.Socket#remoteAddress` of the transport. */
  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  /** node: `net.Socket#remotePort` of the transport. */
  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  /** node: `net.Socket#remoteFamily` of the transport. */
  get remoteFamily(): string | undefined {
    return this.socket.remoteFamily;
  }

  /** node: `net.Socket#localAddress` of the transport. */
  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  /** node: `net.Socket#localPort` of the transport. */
  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  /** node: `net.Socket#connecting` of the transport. */
  get connecting(): boolean {
    return !!this.socket.connecting;
  }
}

function byteLength(chunk: unknown, encoding: BufferEncoding | undefined): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, encoding ?? 'utf8');
  if (ArrayBuffer.isView(chunk)) return chunk.byteLength;
  return 0;
}

/**
 * node:tls-style client: dial (or take `socket`), run the handshake, emit
 * 'secureConnect'. Usable as `createConnection` for node:http(s).
 */
export function connect(options: ConnectOptions, secureConnectListener?: () => void): TLSStream;
export function connect(port: number, host?: string, options?: ConnectOptions, secureConnectListener?: () => void): TLSStream;
export function connect(
  a: ConnectOptions | number,
  b?: string | (() => void),
  c?: ConnectOptions,
  d?: () => void,
): TLSStream {
  let options: ConnectOptions;
  let listener: (() => void) | undefined;
  if (typeof a === 'number') {
    options = { ...c, port: a, host: typeof b === 'string' ? b : c?.host };
    listener = d;
  } else {
    options = { ...a };
    listener = typeof b === 'function' ? b : undefined;
  }
  const host = options.host ?? 'localhost';
  let transport: Duplex;
  if (options.socket) {
    transport = options.socket;
  } else if (options.port !== undefined && options.port !== null) {
    transport = net.connect({
      host,
      port: Number(options.port),
      localAddress: options.localAddress,
      family: options.family,
      // TLS decides when our side ends; a FIN from the peer must not close it.
      allowHalfOpen: true,
    });
  } else if (options.path) {
    transport = net.connect({ path: options.path, allowHalfOpen: true });
  } else {
    throw new TypeError('connect() needs a port, a path or a socket');
  }
  if (options.timeout !== undefined) (transport as SocketLike).setTimeout?.(options.timeout);
  let stream: TLSStream;
  try {
    stream = new TLSStream(transport, { ...options, host, isServer: false });
  } catch (e) {
    if (!options.socket) transport.destroy();
    throw e;
  }
  if (listener) stream.once('secureConnect', listener);
  return stream;
}

/** node:tls-style server: 'secureConnection' gets a TLSStream per handshake; 'tlsClientError' reports failed ones. */
export class TLSServer extends net.Server {
  readonly context: SSLContext;
  readonly #options: TLSStreamOptions;
  readonly #sniCallback: ServerOptions['SNICallback'] | null;
  readonly #serverOptions: ServerOptions;

  constructor(options: ServerOptions = {}, secureConnectionListener?: (stream: TLSStream) => void) {
    // Accepted sockets stay half-open so that TLS, not TCP, decides when our side ends.
    super({ allowHalfOpen: true });
    this.context = contextFromOptions(options, true);
    this.#options = { ...options, context: this.context, isServer: true };
    for (const k of ['cert', 'key', 'ca', 'ALPNProtocols', 'requestCert', 'minVersion', 'maxVersion', 'ciphers', 'ecdhCurve', 'honorCipherOrder', 'sessionTimeout', 'ticketKeys'] as const) {
      delete this.#options[k];
    }
    delete (this.#options as ServerOptions).SNICallback;
    delete (this.#options as ServerOptions).ALPNCallback;
    const alpnCallback = options.ALPNCallback;
    if (alpnCallback !== undefined) {
      if (typeof alpnCallback !== 'function') throw new TypeError('The "options.ALPNCallback" property must be of type function');
      if (options.ALPNProtocols !== undefined) {
        throw Object.assign(new TypeError('The ALPNCallback and ALPNProtocols TLS options are mutually exclusive'), { code: 'ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS' });
      }
      this.context._alpnSelect = (protocols, servername) => alpnCallback({ servername: servername ?? false, protocols });
    }
    if (options.SNICallback !== undefined && typeof options.SNICallback !== 'function') {
      throw new TypeError('The "options.SNICallback" property must be of type function');
    }
    this.#sniCallback = options.SNICallback ?? null;
    this.#serverOptions = options;
    if (secureConnectionListener) this.on('secureConnection', secureConnectionListener);
    this.on('connection', (sock: net.Socket) => this.#accept(sock));
  }

  #accept(sock: net.Socket): void {
    const cb = this.#sniCallback;
    if (!cb) return this.#start(sock, null);
    void prefetchServerName(sock).then((name) => {
      if (name === null || sock.destroyed) return this.#start(sock, null);
      let answered = false;
      try {
        cb(name, (err, ctx) => {
          if (answered) return;
          answered = true;
          if (err) {
            sock.destroy();
            if (this.listenerCount('tlsClientError') > 0) this.emit('tlsClientError', err, null);
            return;
          }
          this.#start(sock, ctx ?? null);
        });
      } catch (e) {
        answered = true;
        sock.destroy();
        this.emit('error', e);
      }
    });
  }

  #sniContext(ctx: SNIContext): SSLContext {
    if (ctx instanceof SSLContext) return ctx;
    const { requestCert, rejectUnauthorized } = this.#serverOptions;
    return contextFromOptions({ requestCert, rejectUnauthorized, ...ctx, context: undefined }, true);
  }

  #start(sock: net.Socket, sni: SNIContext | null): void {
    let stream: TLSStream;
    try {
      stream = new TLSStream(sock, this.#options);
      // Before the first byte reaches the engine: the whole handshake uses this context.
      if (sni) stream.sslobj.context = this.#sniContext(sni);
    } catch (e) {
      sock.destroy();
      this.emit('error', e);
      return;
    }
    // Until the handshake succeeds, failures belong to the server ('tlsClientError'),
    // as in node:tls; afterwards they are the stream's.
    const early = (err: Error): void => {
      if (this.listenerCount('tlsClientError') > 0) this.emit('tlsClientError', err, stream);
    };
    stream.on('error', early);
    stream.once('secure', () => {
      stream.off('error', early);
      this.emit('secureConnection', stream);
    });
  }
}

/** node: `tls.createServer()`, handshakes by ssl-ts; 'secureConnection' gets a TLSStream. */
export function createServer(options?: ServerOptions, secureConnectionListener?: (stream: TLSStream) => void): TLSServer;
/** node: `tls.createServer()`, handshakes by ssl-ts; 'secureConnection' gets a TLSStream. */
export function createServer(secureConnectionListener?: (stream: TLSStream) => void): TLSServer;
export function createServer(
  a?: ServerOptions | ((stream: TLSStream) => void),
  b?: (stream: TLSStream) => void,
): TLSServer {
  if (typeof a === 'function') return new TLSServer({}, a);
  return new TLSServer(a ?? {}, b);
}
