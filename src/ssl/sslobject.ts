// Python's ssl.SSLObject: the TLS engine driven over two MemoryBIOs, with
// CPython's exact blocking semantics (SSLWantReadError instead of waiting).
import { domainToASCII } from 'node:url';
import { isIP } from 'node:net';
import { appendFileSync } from 'node:fs';
import { nodeCrypto } from '../crypto/node-provider.js';
import { TLS13_SUITES, tls13SuiteByName } from '../tls/cipher-suites.js';
import { tls12SuiteByName } from '../tls/cipher-suites12.js';
import type { EngineConfig, TraceEvent, VerifyRequest } from '../tls/config.js';
import { Connection } from '../tls/connection.js';
import { groupName, NamedGroup, signatureSchemeName, versionName } from '../tls/constants.js';
import { DEFAULT_SIGNATURE_SCHEMES } from '../tls/handshake-common13.js';
import { startClient } from '../tls/handshake-client13.js';
import { startServer } from '../tls/handshake-server13.js';
import { withAlert } from '../tls/alert.js';
import { alertForVerifyError } from '../x509/verify.js';
import { verifyPeerChain } from './verify-chain.js';
import { decodeCertificate, type PeerCertDict } from '../x509/decode.js';
import {
  CERT_NONE,
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
import { SSLSession } from './session.js';

export type CipherTuple = [name: string, protocol: string, secretBits: number];

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

export class SSLObject {
  readonly context: SSLContext;
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
  private requestedSession: SSLSession | null;

  constructor(context: SSLContext, incoming: MemoryBIO, outgoing: MemoryBIO, opts: SSLObjectOptions = {}) {
    // As in CPython, only SSLContext.wrapBio() makes these.
    if (!context || typeof context !== 'object' || !('_certs' in context)) {
      throw new TypeError('SSLObject does not have a public constructor. Instances are returned by SSLContext.wrapBio().');
    }
    this.context = context;
    this.incoming = incoming;
    this.outgoing = outgoing;
    this.serverSide = !!opts.serverSide;
    this.serverHostname = opts.serverHostname ?? null;
    this.requestedSession = opts.session ?? null;
  }

  // ---- engine plumbing ---------------------------------------------------

  private engineConfig(): EngineConfig {
    const ctx = this.context;
    const host = this.serverHostname;
    const isIpLiteral = host !== null && isIP(host.replace(/^\[|\]$/g, '')) !== 0;
    // No usable version leaves an empty range, which the handshake reports.
    const range = ctx._versionRange() ?? { min: 0xffff, max: 0 };
    const suiteNames = ctx._tls13Ciphers ?? TLS13_SUITES.map((s) => s.name);
    const groups = (ctx._groups ?? ['x25519', 'secp256r1', 'secp384r1'])
      .map((g) => GROUP_IDS[g])
      .filter((g): g is number => g !== undefined);
    return {
      isServer: this.serverSide,
      provider: nodeCrypto,
      // No SNI for IP literals (RFC 6066 3), but they are still verified.
      serverName: this.serverSide || isIpLiteral || host === null ? null : domainToASCII(host) || host,
      verifyHostname: !this.serverSide && ctx.checkHostname ? host : null,
      verifyMode: ctx.verifyMode,
      verify: (req) => this.verifyPeer(req),
      certs: ctx._certs,
      alpn: ctx._alpnProtocols,
      tls13Suites: suiteNames.map((n) => tls13SuiteByName(n)).filter((s) => s !== undefined),
      tls12Suites: ctx._tls12Ciphers.map((n) => tls12SuiteByName(n)).filter((s) => s !== undefined),
      cipherServerPreference: (ctx.options & OP_CIPHER_SERVER_PREFERENCE) !== 0,
      groups,
      signatureSchemes: [...DEFAULT_SIGNATURE_SCHEMES],
      minVersion: range.min,
      maxVersion: range.max,
      middleboxCompat: (ctx.options & OP_ENABLE_MIDDLEBOX_COMPAT) !== 0,
      numTickets: this.serverSide ? ctx.numTickets : 0,
      noExtendedMasterSecret: (ctx.options & OP_NO_EXTENDED_MASTER_SECRET) !== 0,
      requireExtendedMasterSecret: ctx.requireExtendedMasterSecret,
      noEncryptThenMac: (ctx.options & SSL_OP_NO_ENCRYPT_THEN_MAC) !== 0,
      dhParams: ctx._dhParams ?? (ctx.dhAuto ? 'auto' : null),
      securityLevel: ctx.securityLevel,
      trace: (ev) => {
        this.trace?.(ev);
        this._nodeHooks?.event?.(ev);
      },
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
      this.conn = conn;
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
      return f(conn);
    } finally {
      // The engine's buffers are fresh and never touched again: hand them over without a copy.
      if (conn) for (const chunk of conn.takeOutput()) this.outgoing._writeOwned(chunk);
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
    while (!conn.handshakeDone) {
      if (!this.pullRecord(conn)) this.starved(conn, true);
    }
  }

  // ---- Python API ----------------------------------------------------------

  doHandshake(): void {
    this.run((conn) => this.handshake(conn));
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

  private readData(len: number, cap?: number): Uint8Array {
    if (!Number.isInteger(len)) throw new TypeError('an integer is required');
    if (len < 0) throw new ValueError('size should not be negative');
    if (cap !== undefined && len > cap) throw new ValueError('buffer too small for requested bytes');
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

  version(): string | null {
    const c = this.conn;
    return c?.handshakeDone && c.negotiated.version ? versionName(c.negotiated.version) : null;
  }

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

  selectedAlpnProtocol(): string | null {
    return this.conn?.handshakeDone ? this.conn.negotiated.alpn : null;
  }

  selectedNpnProtocol(): null {
    return null;
  }

  compression(): null {
    return null;
  }

  getPeerCert(binaryForm: true): Uint8Array | null;
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

  getChannelBinding(cbType = 'tls-unique'): Uint8Array | null {
    if (cbType !== 'tls-unique') throw new ValueError(`'${cbType}' channel binding type not implemented`);
    const c = this.conn;
    if (!c?.handshakeDone) return null;
    // CPython asks OpenSSL for the first Finished of a full handshake: the client's.
    return c.negotiated.clientFinished;
  }

  get session(): SSLSession | null {
    const c = this.conn;
    if (!c?.handshakeDone) return this.requestedSession;
    if (this.serverSide) return null;
    return new SSLSession(c.tickets, c.negotiated.cipherSuite);
  }

  get sessionReused(): boolean {
    return false;
  }

  verifyClientPostHandshake(): void {
    throw new ValueError('Post-handshake authentication is not supported');
  }

  /** @internal The engine's record of the handshake (Finished messages, group...), for node-tls-compat.ts. */
  _negotiated(): Readonly<Connection['negotiated']> | null {
    return this.conn?.handshakeDone ? this.conn.negotiated : null;
  }

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
    if (file) appendFileSync(file, line);
    hook?.(line);
  };
}

/** Internal signal: an ignored unexpected EOF reads as end of stream. */
class EndOfStream extends Error {}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError(`a bytes-like object is required, not '${data === null ? 'NoneType' : typeof data}'`);
}
