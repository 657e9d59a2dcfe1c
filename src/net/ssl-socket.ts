// Python's ssl.SSLSocket over a Node transport (a connected net.Socket or
// any Duplex). The method set is Python's; the calls that block in Python
// return promises here. Timeouts follow socket.settimeout(): null waits
// forever, 0 is non-blocking (SSLWantReadError / SSLWantWriteError instead of
// waiting), a positive number of seconds bounds each call and raises Python's
// TimeoutError with _ssl's messages.
//
// Differences from CPython worth knowing:
//  - Python detaches the wrapped socket object; Node cannot, so the caller
//    must stop reading the transport itself (remove its 'data' listeners)
//    before wrapping it.
//  - close() sends close_notify when the handshake completed (CPython's
//    close() sends none), so that peers see a clean end rather than an EOF:
//    a Node socket is usually the only owner of the connection (no fork, no
//    shared descriptor), and node:tls peers and HTTP clients read a bare EOF
//    as truncation. shutdown(how) drops TLS without close_notify, as Python.
//  - A net.Socket wrapped before it is connected waits for connect(address):
//    the handshake starts then, as in Python.
//  - Transport failures are Python's OSError subclasses (ConnectionRefusedError
//    with errno 111, ConnectionResetError, BrokenPipeError, TimeoutError...)
//    that keep node's `code` ('ECONNREFUSED') and the original as `cause`.

import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { SSLContext } from '../ssl/context.js';
import { MemoryBIO } from '../ssl/memory-bio.js';
import type { CipherTuple, HandshakeInfo, SSLObject } from '../ssl/sslobject.js';
import type { SSLSession } from '../ssl/session.js';
import type { PeerCertDict } from '../x509/decode.js';
import { BrokenPipeError, OSError, SSLWantReadError, SSLWantWriteError, TimeoutError, ValueError } from '../errors.js';
import { pythonOSError } from './os-errors.js';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { TLSDriver } from './tls-driver.js';
import { warnNpn } from '../ssl/deprecations.js';

/** Keyword arguments of Python's `SSLContext.wrap_socket()`. */
export interface WrapSocketOptions {
  serverSide?: boolean;
  serverHostname?: string | null;
  /** Start the handshake at once (the default); the first I/O call or doHandshake() waits for it. */
  doHandshakeOnConnect?: boolean;
  /** A transport EOF without close_notify reads as end of data (default) instead of raising SSLEOFError. */
  suppressRaggedEofs?: boolean;
  session?: SSLSession | null;
  /** ssl-ts extra: milliseconds before a stalled handshake aborts the connection (default 60000; 0 = never). */
  handshakeTimeout?: number;
  /** ssl-ts extra: milliseconds to wait for the peer's close_notify in unwrap()/close() (default 30000; 0 = never). */
  shutdownTimeout?: number;
}

const EMPTY = new Uint8Array(0);
const CREATE = Symbol('SSLSocket.create');
const DEFAULT_READ_SIZE = 1024;
const ITER_READ_SIZE = 64 * 1024;

function toBytes(data: unknown): Uint8Array {
  if (typeof data === 'string') {
    throw new TypeError("a bytes-like object is required, not 'str'");
  }
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new TypeError(`a bytes-like object is required, not '${data === null ? 'NoneType' : typeof data}'`);
}

function isDuplexLike(v: unknown): v is Duplex {
  const d = v as Partial<Duplex> | null;
  return (
    !!d &&
    typeof d === 'object' &&
    typeof d.read === 'function' &&
    typeof d.write === 'function' &&
    typeof d.on === 'function' &&
    typeof d.end === 'function'
  );
}

function ebadf(): OSError {
  return new OSError(9, 'Bad file descriptor');
}

function enotconn(): OSError {
  const e = new OSError(107, 'Transport endpoint is not connected');
  e.message = '[Errno 107] Transport endpoint is not connected';
  return e;
}

/** Python: `socket.SHUT_RD`, for SSLSocket.shutdown(how). */
export const SHUT_RD = 0;
/** Python: `socket.SHUT_WR`, for SSLSocket.shutdown(how). */
export const SHUT_WR = 1;
/** Python: `socket.SHUT_RDWR`, for SSLSocket.shutdown(how). */
export const SHUT_RDWR = 2;

/** A net.Socket made but not yet connected (new net.Socket()). */
function unconnected(sock: Duplex): boolean {
  const s = sock as Partial<Socket>;
  return s.pending === true && s.connecting === false && !sock.destroyed;
}

/** Run `f`, turning node's system errors into Python's OSError subclasses. */
async function pyErrors<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw pythonOSError(e);
  }
}

/** Python's ssl.SSLSocket. Instances come from SSLContext.wrapSocket(). */
export class SSLSocket implements AsyncIterable<Uint8Array> {
  readonly serverSide: boolean;
  readonly serverHostname: string | null;
  readonly suppressRaggedEofs: boolean;
  readonly doHandshakeOnConnect: boolean;
  readonly #sock: Duplex;
  readonly #obj: SSLObject;
  readonly #driver: TLSDriver;
  #state: 'open' | 'closed' | 'unwrapped' | 'shutdown' = 'open';
  /** Wrapped before the transport was connected: connect() is still to come. */
  #awaitingConnect: boolean;
  #closing: Promise<void> | null = null;
  /** Seconds, as socket.settimeout(); null blocks without limit. */
  #timeout: number | null = null;

  constructor(token: symbol, context: SSLContext, sock: Duplex, opts: WrapSocketOptions) {
    if (token !== CREATE) {
      throw new TypeError(
        'SSLSocket does not have a public constructor. Instances are returned by SSLContext.wrapSocket().',
      );
    }
    if (!isDuplexLike(sock)) throw new TypeError('wrapSocket() needs a connected net.Socket or another Duplex stream');
    const incoming = new MemoryBIO();
    const outgoing = new MemoryBIO();
    // wrapBio applies Python's wrap_socket checks (hostname vs. side, check_hostname)
    // before the transport is touched, so a rejected call leaves it as it was.
    const obj = context.wrapBio(incoming, outgoing, {
      serverSide: opts.serverSide,
      serverHostname: opts.serverHostname,
      session: opts.session,
    });
    obj._owner = this; // the SNI callback receives the socket, as in Python
    this.serverSide = obj.serverSide;
    this.serverHostname = obj.serverHostname;
    this.suppressRaggedEofs = opts.suppressRaggedEofs ?? true;
    this.doHandshakeOnConnect = opts.doHandshakeOnConnect ?? true;
    this.#sock = sock;
    this.#obj = obj;
    this.#driver = new TLSDriver(obj, incoming, outgoing, sock, {
      suppressRaggedEofs: this.suppressRaggedEofs,
      handshakeTimeout: opts.handshakeTimeout,
      shutdownTimeout: opts.shutdownTimeout,
    });
    this.#awaitingConnect = unconnected(sock);
    if (this.doHandshakeOnConnect && !this.#awaitingConnect) void this.#driver.handshake();
  }

  // ---------------------------------------------------------------- connecting

  async #connect(address: [string, number] | readonly [string, number]): Promise<void> {
    if (this.serverSide) throw new ValueError("can't connect in server-side mode");
    this.#checkOpen();
    if (!this.#awaitingConnect) throw new ValueError('attempt to connect already-connected SSLSocket!');
    if (!Array.isArray(address) || address.length < 2 || typeof address[0] !== 'string' || !Number.isInteger(address[1])) {
      throw new TypeError('AF_INET address must be a pair (host, port)');
    }
    const sock = this.#sock as Socket;
    const [host, port] = address;
    const done = new Promise<void>((resolve, reject) => {
      const onError = (e: Error): void => {
        sock.off('connect', onConnect);
        reject(e);
      };
      const onConnect = (): void => {
        sock.off('error', onError);
        resolve();
      };
      sock.once('error', onError);
      sock.once('connect', onConnect);
    });
    sock.connect(port, host);
    await this.#race(done, this.#deadline(), 'timed out');
    this.#awaitingConnect = false;
    if (this.doHandshakeOnConnect) await this.doHandshake();
  }

  /** Python's connect(address) for a socket wrapped before it was connected; handshakes when doHandshakeOnConnect. */
  async connect(address: [string, number] | readonly [string, number]): Promise<void> {
    await pyErrors(() => this.#connect(address));
  }

  /** Python's connect_ex(address): resolves to 0, or to the errno of a connection failure (TLS errors still throw). */
  async connectEx(address: [string, number] | readonly [string, number]): Promise<number> {
    try {
      await this.connect(address);
      return 0;
    } catch (e) {
      // Socket-level failures (they carry node's code) become errno; TLS and argument errors still throw.
      if (e instanceof OSError && typeof (e as { code?: unknown }).code === 'string' && typeof e.errno === 'number' && e.errno > 0) {
        return e.errno;
      }
      throw e;
    }
  }

  /** @internal used by SSLContext.wrapSocket() */
  static _create(context: SSLContext, sock: Duplex, opts: WrapSocketOptions = {}): SSLSocket {
    return new SSLSocket(CREATE, context, sock, opts);
  }

  /** The SSLContext in use; an SNI callback may assign another one (see SSLObject.context). */
  get context(): SSLContext {
    return this.#obj.context;
  }
  /** Python: `SSLSocket.context = other` (from an SNI callback); see SSLObject.context. */
  set context(value: SSLContext) {
    this.#obj.context = value;
  }

  // ---------------------------------------------------------------- ssl-ts extras

  /** The SSLObject underneath (Python's private `_sslobj`); set `.trace` on it before the handshake. */
  get sslobj(): SSLObject {
    return this.#obj;
  }

  /** The transport this socket runs over. */
  get socket(): Duplex {
    return this.#sock;
  }

  /** The driver moving bytes between the SSLObject and the transport. */
  get driver(): TLSDriver {
    return this.#driver;
  }

  /** True once the peer's close_notify arrived (false after a bare EOF). */
  get closeNotifyReceived(): boolean {
    return this.#driver.closeNotifyReceived;
  }

  /** ssl-ts only: see `SSLObject.handshakeInfo()`. */
  handshakeInfo(): HandshakeInfo {
    return this.#obj.handshakeInfo();
  }

  // ---------------------------------------------------------------- timeouts

  /** Python's socket.settimeout: seconds, 0 for non-blocking, null to block without limit. */
  settimeout(value: number | null): void {
    if (value === null || value === undefined) {
      this.#timeout = null;
      return;
    }
    if (typeof value !== 'number') throw new TypeError("'" + typeof value + "' object cannot be interpreted as a number");
    if (Number.isNaN(value)) throw new ValueError('Invalid value NaN (not a number)');
    if (value < 0) throw new ValueError('Timeout value out of range');
    this.#timeout = value;
  }

  /** Python: `socket.gettimeout()`. */
  gettimeout(): number | null {
    return this.#timeout;
  }

  /** Python's socket.setblocking: true is settimeout(null), false is settimeout(0). */
  setblocking(flag: boolean): void {
    this.#timeout = flag ? null : 0;
  }

  #deadline(): number | null {
    return this.#timeout === null || this.#timeout === 0 ? null : Date.now() + this.#timeout * 1000;
  }

  async #race<T>(p: Promise<T>, deadline: number | null, message: string): Promise<T> {
    if (deadline === null) return p;
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(message)), Math.max(0, deadline - Date.now()));
    });
    try {
      return await Promise.race([p, expiry]);
    } finally {
      clearTimeout(timer);
    }
  }

  #checkOpen(): void {
    if (this.#state === 'closed' || this.#state === 'unwrapped') throw ebadf();
  }

  #checkConnected(): void {
    this.#checkOpen();
    if (this.#awaitingConnect) throw enotconn();
  }

  #checkFlags(flags: number, call: string): void {
    if (flags !== 0) throw new ValueError(`non-zero flags not allowed in calls to ${call}() on <class 'ssl.SSLSocket'>`);
  }

  /** The handshake must be done before data moves; as OpenSSL's SSL_read/SSL_write do, start it if needed. */
  async #handshaken(deadline: number | null, message: string): Promise<void> {
    if (this.#driver.handshakeDone) return;
    const p = this.#driver.handshake();
    if (this.#timeout === 0) {
      await Promise.resolve(); // let an already settled failure surface
      if (this.#driver.error) throw this.#driver.error;
      if (!this.#driver.handshakeDone) throw new SSLWantReadError();
      return;
    }
    await this.#race(p, deadline, message);
  }

  // ---------------------------------------------------------------- handshake

  /** Run the TLS handshake; resolves when it is done, and at once on later calls. */
  async doHandshake(): Promise<void> {
    this.#checkConnected();
    await pyErrors(() => this.#handshaken(this.#deadline(), 'The handshake operation timed out'));
  }

  // ---------------------------------------------------------------- reading

  async #readData(n: number): Promise<Uint8Array> {
    if (this.#state === 'shutdown') return EMPTY;
    this.#checkConnected();
    return pyErrors(() => this.#readDataInner(n));
  }

  async #readDataInner(n: number): Promise<Uint8Array> {
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError("'float' object cannot be interpreted as an integer");
    if (n < 0) throw new ValueError('size should not be negative');
    const deadline = this.#deadline();
    const message = 'The read operation timed out';
    await this.#handshaken(deadline, message);
    if (n === 0) return EMPTY;
    for (;;) {
      this.#checkOpen();
      const chunk = this.#driver.read(n);
      if (chunk !== null) return chunk;
      if (this.#timeout === 0) throw new SSLWantReadError();
      await this.#driver.nextEvent(deadline, message);
    }
  }

  /** Up to `len` bytes; an empty array once the peer has closed. With `buffer`, fills it and resolves to the count. */
  read(len?: number): Promise<Uint8Array>;
  read(len: number, buffer: Uint8Array): Promise<number>;
  async read(len = DEFAULT_READ_SIZE, buffer?: Uint8Array): Promise<Uint8Array | number> {
    if (buffer === undefined || buffer === null) return this.#readData(len);
    // As CPython: a length <= 0 or beyond the buffer means the buffer's length.
    const data = await this.#readData(len <= 0 || len > buffer.length ? buffer.length : len);
    buffer.set(data);
    return data.length;
  }

  /** Python's recv(bufsize, flags=0). */
  async recv(bufsize = DEFAULT_READ_SIZE, flags = 0): Promise<Uint8Array> {
    this.#checkOpen();
    this.#checkFlags(flags, 'recv');
    if (Number.isInteger(bufsize) && bufsize < 0) throw new ValueError('negative buffersize in recv');
    return this.#readData(bufsize);
  }

  /** Python's recv_into(buffer, nbytes=None, flags=0): resolves to the number of bytes stored. */
  async recvInto(buffer: Uint8Array, nbytes?: number | null, flags = 0): Promise<number> {
    this.#checkOpen();
    if (!(buffer instanceof Uint8Array)) throw new TypeError('recv_into() argument must be a writable bytes-like object');
    let n = nbytes ?? buffer.length;
    if ((nbytes === undefined || nbytes === null) && n === 0) n = DEFAULT_READ_SIZE;
    this.#checkFlags(flags, 'recv_into');
    if (n < 0) throw new ValueError('negative buffersize in recv_into');
    if (n > buffer.length) throw new ValueError('buffer too small for requested bytes');
    const data = await this.#readData(n);
    buffer.set(data);
    return data.length;
  }

  /** Plaintext chunks until the peer closes; an error (SSLEOFError, ECONNRESET, ...) is thrown from the loop. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const chunk = await this.#readData(ITER_READ_SIZE);
      if (chunk.length === 0) return;
      yield chunk;
    }
  }

  /** Decrypted bytes that can be read without waiting. */
  pending(): number {
    return this.#state === 'open' ? this.#obj.pending() : 0;
  }

  // ---------------------------------------------------------------- writing

  async #writeData(data: unknown): Promise<number> {
    this.#checkConnected();
    if (this.#state === 'shutdown') throw new BrokenPipeError();
    return pyErrors(() => this.#writeDataInner(data));
  }

  async #writeDataInner(data: unknown): Promise<number> {
    const bytes = toBytes(data);
    const deadline = this.#deadline();
    const message = 'The write operation timed out';
    await this.#handshaken(deadline, message);
    if (this.#timeout === 0 && this.#driver.needDrain) throw new SSLWantWriteError();
    if (bytes.length === 0) return 0;
    await this.#driver.writeAll(bytes, { deadline, message });
    return bytes.length;
  }

  /** Python's write(data): resolves to the number of bytes written (all of them). */
  async write(data: Uint8Array | ArrayBufferView | ArrayBuffer): Promise<number> {
    return this.#writeData(data);
  }

  /** Python's send(data, flags=0). Like CPython's blocking SSL_write, every byte is sent. */
  async send(data: Uint8Array | ArrayBufferView | ArrayBuffer, flags = 0): Promise<number> {
    this.#checkOpen();
    this.#checkFlags(flags, 'send');
    return this.#writeData(data);
  }

  /** Python's sendall(data, flags=0). */
  async sendall(data: Uint8Array | ArrayBufferView | ArrayBuffer, flags = 0): Promise<void> {
    this.#checkOpen();
    this.#checkFlags(flags, 'sendall');
    await this.#writeData(data);
  }

  /**
   * Python's sendfile(file, offset=0, count=None): TLS cannot use the kernel's sendfile, so, as
   * Python does for SSL sockets, the file is read and sent with sendall(). `file` is a path, a
   * file descriptor or a FileHandle; resolves to the number of bytes sent.
   */
  async sendfile(file: string | number | FileHandle, offset = 0, count: number | null = null): Promise<number> {
    this.#checkConnected();
    if (!Number.isInteger(offset) || offset < 0) throw new ValueError(`offset must be a non-negative integer (got ${offset})`);
    if (count !== null && (!Number.isInteger(count) || count <= 0)) throw new ValueError(`count must be a positive integer (got ${count})`);
    const own = typeof file === 'string';
    const fh: FileHandle | null = typeof file === 'string' ? await openFile(file, 'r') : typeof file === 'object' ? file : null;
    const fd = typeof file === 'number' ? file : null;
    const { read } = await import('node:fs');
    const readAt = (buf: Buffer, pos: number): Promise<number> =>
      fh
        ? fh.read(buf, 0, buf.length, pos).then((r) => r.bytesRead)
        : new Promise((res, rej) => read(fd!, buf, 0, buf.length, pos, (err, n) => (err ? rej(err) : res(n))));
    let sent = 0;
    try {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      for (;;) {
        const want = count === null ? chunk.length : Math.min(chunk.length, count - sent);
        if (want <= 0) break;
        const n = await readAt(chunk.subarray(0, want), offset + sent);
        if (n === 0) break;
        await this.sendall(Buffer.from(chunk.subarray(0, n)));
        sent += n;
      }
    } finally {
      if (own) await fh!.close();
    }
    return sent;
  }

  /**
   * Python's shutdown(how): TLS is dropped without close_notify (as Python does), then the
   * transport's write side is ended for SHUT_WR/SHUT_RDWR; reads return b'' afterwards.
   */
  shutdown(how: number): void {
    this.#checkOpen();
    if (this.#state === 'shutdown') return;
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) {
      const e = new OSError(22, 'Invalid argument');
      e.message = '[Errno 22] Invalid argument';
      throw e;
    }
    if (this.#awaitingConnect) throw enotconn();
    this.#state = 'shutdown';
    if (how !== SHUT_RD) this.#sock.end();
    if (how !== SHUT_WR) this.#sock.pause();
  }

  // ---------------------------------------------------------------- closing

  /**
   * close_notify both ways, then resolve with the plain transport,
   * positioned right after the peer's close_notify (STARTTLS and back). This
   * SSLSocket is unusable afterwards.
   */
  async unwrap(): Promise<Duplex> {
    this.#checkOpen();
    const deadline = this.#deadline();
    // A handshake under way is waited for, as a blocking Python socket would
    // have; one never started makes the driver raise CPython's SSLError.
    if (this.#driver.handshakeStarted && !this.#driver.handshakeDone && !this.#driver.error) {
      await this.#handshaken(deadline, 'The read operation timed out');
    }
    const sock = await this.#race(this.#driver.unwrap(), deadline, 'The read operation timed out');
    this.#state = 'unwrapped';
    return sock;
  }

  /**
   * Close the connection: close_notify (when the handshake completed), then
   * the transport once the peer closes too or the shutdown timeout passes.
   * The promise settles when the transport is released and never rejects.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    if (this.#state === 'unwrapped') return (this.#closing = Promise.resolve());
    if (this.#state === 'shutdown' || this.#awaitingConnect) {
      // No TLS left to close (or none started): release the transport.
      this.#state = 'closed';
      this.#sock.destroy();
      return (this.#closing = Promise.resolve());
    }
    this.#state = 'closed';
    this.#closing = this.#driver.close();
    return this.#closing;
  }

  /** ssl-ts only: the socket has been closed. */
  get closed(): boolean {
    return this.#state !== 'open';
  }

  // ---------------------------------------------------------------- connection details

  #obj_(): SSLObject | null {
    return this.#state === 'open' ? this.#obj : null;
  }

  /** Python: `SSLSocket.getpeercert()`. */
  getPeerCert(binaryForm: true): Uint8Array | null;
  /** Python: `SSLSocket.getpeercert()`. */
  getPeerCert(binaryForm?: false): PeerCertDict | Record<string, never> | null;
  getPeerCert(binaryForm = false): Uint8Array | PeerCertDict | Record<string, never> | null {
    this.#checkOpen();
    return binaryForm ? this.#obj.getPeerCert(true) : this.#obj.getPeerCert(false);
  }

  /** The chain as verified, leaf first (DER). Python 3.13: `SSLSocket.get_verified_chain()`. */
  getVerifiedChain(): Uint8Array[] {
    return this.#obj.getVerifiedChain();
  }

  /** The chain as the peer sent it (DER). Python 3.13: `SSLSocket.get_unverified_chain()`. */
  getUnverifiedChain(): Uint8Array[] {
    return this.#obj.getUnverifiedChain();
  }

  /** Python: `SSLSocket.cipher()`. */
  cipher(): CipherTuple | null {
    return this.#obj_()?.cipher() ?? null;
  }

  /** Python: `SSLSocket.shared_ciphers()`. */
  sharedCiphers(): CipherTuple[] | null {
    return this.#obj_()?.sharedCiphers() ?? null;
  }

  /** Python: `SSLSocket.version()`. */
  version(): string | null {
    return this.#obj_()?.version() ?? null;
  }

  /** Python: `SSLSocket.selected_alpn_protocol()`. */
  selectedAlpnProtocol(): string | null {
    return this.#obj_()?.selectedAlpnProtocol() ?? null;
  }

  /** Always null. Python: `SSLSocket.selected_npn_protocol()`. */
  selectedNpnProtocol(): null {
    warnNpn();
    return null;
  }

  /** Always null. Python: `SSLSocket.compression()`. */
  compression(): null {
    return null;
  }

  /** Python: `SSLSocket.get_channel_binding()`. */
  getChannelBinding(cbType = 'tls-unique'): Uint8Array | null {
    const obj = this.#obj_();
    if (obj) return obj.getChannelBinding(cbType);
    if (cbType !== 'tls-unique') throw new ValueError(`${cbType} channel binding type not implemented`);
    return null;
  }

  /** Python: `SSLSocket.verify_client_post_handshake()`. */
  verifyClientPostHandshake(): void {
    this.#obj.verifyClientPostHandshake();
  }

  /** Python: `SSLSocket.session`. */
  get session(): SSLSession | null {
    return this.#obj.session;
  }

  /** Python: `SSLSocket.session_reused`. */
  get sessionReused(): boolean {
    return this.#obj.sessionReused;
  }

  /** [address, port] of the peer, when the transport is a net.Socket. */
  getpeername(): [string, number] {
    const s = this.#sock as Partial<Socket>;
    if (s.remoteAddress === undefined || s.remotePort === undefined) throw new OSError(107, 'Transport endpoint is not connected');
    return [s.remoteAddress, s.remotePort];
  }

  /** [address, port] of our end, when the transport is a net.Socket. */
  getsockname(): [string, number] {
    const s = this.#sock as Partial<Socket>;
    if (s.localAddress === undefined || s.localPort === undefined) throw new OSError(107, 'Transport endpoint is not connected');
    return [s.localAddress, s.localPort];
  }
}

/** Python's SSLContext.wrap_socket(); see SSLContext.wrapSocket(). */
export function wrapSocket(context: SSLContext, sock: Duplex, opts: WrapSocketOptions = {}): SSLSocket {
  return SSLSocket._create(context, sock, opts);
}
