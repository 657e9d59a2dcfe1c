// The event-loop driver between a sans-I/O SSLObject and a byte transport
// (a net.Socket or any Duplex), in the spirit of asyncio's SSLProtocol.
//
// The SSLObject never waits: it throws SSLWantReadError when it needs peer
// bytes. The driver turns that into waiting on the transport's 'readable'
// events. It reads the transport in paused mode ('readable' + read()) rather
// than with 'data' events for two reasons: backpressure comes for free (we
// stop calling read() while enough ciphertext is buffered, and TCP's own flow
// control does the rest), and unwrap() can hand the socket back without a
// single byte being lost to a 'data' event nobody listens to.
//
// Consumers (SSLSocket, TLSStream) are pull-based: they call read() and, when
// it returns null, wait for the next 'readable' event and try again. Every
// state change (bytes arrived, handshake done, EOF, error, drain, close) is
// announced as 'readable' or 'drain', so a waiter always wakes up.
//
// Failures never escape from a transport event handler: they are latched in
// `error`, reject the pending promises, wake every waiter (whose next call
// throws the error), and are emitted as 'error' only when someone listens.

import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import {
  OSError,
  SSLEOFError,
  SSLError,
  SSLWantReadError,
  SSLZeroReturnError,
  TimeoutError,
} from '../errors.js';
import { OP_IGNORE_UNEXPECTED_EOF } from '../ssl/constants.js';
import type { MemoryBIO } from '../ssl/memory-bio.js';
import type { SSLObject } from '../ssl/sslobject.js';

/** ssl-ts only: timeouts and EOF handling of a TLSDriver. */
export interface TLSDriverOptions {
  /** Milliseconds the handshake may take before the connection is aborted (asyncio's default: 60 s). 0 disables. */
  handshakeTimeout?: number;
  /** Milliseconds to wait for the peer's close_notify (or EOF) once we closed (asyncio's default: 30 s). 0 disables. */
  shutdownTimeout?: number;
  /**
   * A transport EOF without close_notify reads as end of data (true, the
   * default) or makes read() throw SSLEOFError (false), as Python's
   * suppress_ragged_eofs.
   */
  suppressRaggedEofs?: boolean;
  /** Ciphertext buffered ahead of the reader before the transport stops being read. Default 128 KiB. */
  readHighWaterMark?: number;
  /** Largest plaintext slice encrypted in one go by writeAll(). Default 64 KiB. */
  writeChunkSize?: number;
}

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 60_000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

type State = 'handshaking' | 'open' | 'unwrapping' | 'unwrapped' | 'closing' | 'closed' | 'failed';

const EMPTY = new Uint8Array(0);

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

function noop(): void {}

interface Waiter<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: Error) => void;
}

function waiter<T>(): Waiter<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Internal promises are often created before anyone awaits them; an
  // early failure must not count as an unhandled rejection meanwhile.
  promise.catch(noop);
  return { promise, resolve, reject };
}

function closedBeforeHandshake(): OSError {
  return new OSError(9, 'the connection was closed before the handshake completed');
}

/** Python's BrokenPipeError shape: writing to a transport that is gone. */
function brokenPipe(): OSError {
  const e = new OSError(32, 'Broken pipe');
  (e as OSError & { code?: string }).code = 'EPIPE';
  return e;
}

/** The events of a TLSDriver. */
export interface TLSDriver {
  /** 'readable': plaintext or an end may be read; 'drain': room to write again; 'handshake': done; 'close': the transport closed. */
  on(event: 'readable' | 'drain' | 'handshake' | 'close', listener: () => void): this;
  /** 'error': the connection failed. */
  on(event: 'error', listener: (err: Error) => void): this;
  /** As `on()`, once. */
  once(event: 'readable' | 'drain' | 'handshake' | 'close', listener: () => void): this;
  /** As `on()`, once. */
  once(event: 'error', listener: (err: Error) => void): this;
}

/** Drives an SSLObject over a node stream (no Python counterpart; the role of asyncio's `SSLProtocol`). Used by SSLSocket and TLSStream. */
export class TLSDriver extends EventEmitter {
  readonly sslobj: SSLObject;
  readonly transport: Duplex;
  private readonly incoming: MemoryBIO;
  private readonly outgoing: MemoryBIO;
  private readonly handshakeTimeoutMs: number;
  private readonly shutdownTimeoutMs: number;
  readonly suppressRaggedEofs: boolean;
  private readonly readHwm: number;
  private readonly writeChunk: number;

  private state: State = 'handshaking';
  private started = false;
  private hsDone = false;
  private _error: Error | null = null;
  /** The peer finished sending: close_notify, or an EOF we accept as one. */
  private readEnded = false;
  private _closeNotifyReceived = false;
  private sentClose = false;
  private transportEof = false;
  private transportClosed = false;
  private hs = waiter<void>();
  private unwrapWaiter: Waiter<Duplex> | null = null;
  private closeWaiter: Waiter<void> | null = null;
  private hsTimer: NodeJS.Timeout | null = null;
  private shutdownTimer: NodeJS.Timeout | null = null;
  private stepping = false;
  private steppingAgain = false;

  private readonly onReadable = (): void => this.transportReadable();
  private readonly onEnd = (): void => this.transportEnded();
  private readonly onError = (err: Error): void => this.fail(err);
  private readonly onClose = (): void => this.transportGone();
  private readonly onDrain = (): void => {
    this.emit('drain');
  };

  constructor(sslobj: SSLObject, incoming: MemoryBIO, outgoing: MemoryBIO, transport: Duplex, opts: TLSDriverOptions = {}) {
    super();
    // Every pending recv/send waits on these events; many at once is normal, not a leak.
    this.setMaxListeners(0);
    this.sslobj = sslobj;
    this.incoming = incoming;
    this.outgoing = outgoing;
    this.transport = transport;
    this.handshakeTimeoutMs = opts.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    this.shutdownTimeoutMs = opts.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    this.suppressRaggedEofs = opts.suppressRaggedEofs ?? true;
    this.readHwm = opts.readHighWaterMark ?? 128 * 1024;
    this.writeChunk = opts.writeChunkSize ?? 64 * 1024;
    this.hs.promise.catch(noop);

    // Adding a 'readable' listener switches the transport to paused mode,
    // so bytes already buffered in it (say, a ClientHello that arrived with
    // the STARTTLS command) stay there for us.
    transport.on('readable', this.onReadable);
    transport.on('end', this.onEnd);
    transport.on('error', this.onError);
    transport.on('close', this.onClose);
    transport.on('drain', this.onDrain);
    if (transport.destroyed) process.nextTick(() => this.transportGone());
  }

  // ---------------------------------------------------------------- status

  /** The failure that ended the connection, if any. */
  get error(): Error | null {
    return this._error;
  }

  /** handshake() has been called (by the owner or implicitly). */
  get handshakeStarted(): boolean {
    return this.started;
  }

  /** The handshake has completed. */
  get handshakeDone(): boolean {
    return this.hsDone;
  }

  /** True once the peer's close_notify arrived (false after a bare transport EOF). */
  get closeNotifyReceived(): boolean {
    return this._closeNotifyReceived;
  }

  /** The peer has finished sending (close_notify, or an EOF accepted as one). */
  get readableEnded(): boolean {
    return this.readEnded;
  }

  /** close_notify has been sent (or queued). */
  get writeClosed(): boolean {
    return this.sentClose;
  }

  /** The transport can no longer carry anything, or the driver let go of it. */
  get finished(): boolean {
    return this.state === 'closed' || this.state === 'failed' || this.state === 'unwrapped';
  }

  /** Writes should wait: the transport's buffer is over its high-water mark. */
  get needDrain(): boolean {
    return !!this.transport.writableNeedDrain;
  }

  // --------------------------------------------------------------- handshake

  /** Start the handshake (once) and resolve when it completes. */
  handshake(): Promise<void> {
    if (!this.started) {
      this.started = true;
      if (this._error) this.hs.reject(this._error);
      else {
        if (this.handshakeTimeoutMs > 0 && Number.isFinite(this.handshakeTimeoutMs)) {
          const secs = this.handshakeTimeoutMs / 1000;
          this.hsTimer = setTimeout(() => {
            this.fail(new TimeoutError(`SSL handshake is taking longer than ${secs} seconds: aborting the connection`));
          }, this.handshakeTimeoutMs);
          this.hsTimer.unref();
        }
        this.progress();
      }
    }
    return this.hs.promise;
  }

  // ------------------------------------------------------------------ reading

  /**
   * Up to `n` bytes of plaintext. Returns null when none is available yet
   * (wait for 'readable'), an empty array once the peer has finished sending,
   * and throws the connection's error if it failed.
   */
  read(n: number): Uint8Array | null {
    if (this._error) throw this._error;
    if (this.readEnded) return EMPTY;
    if (this.state === 'handshaking') return null;
    if (this.state !== 'open') return EMPTY;
    if (this.incoming.pending < this.readHwm) this.pull();
    let chunk: Uint8Array | null;
    try {
      chunk = this.sslobj._readOrNull(n);
    } catch (e) {
      this.flush();
      if (e instanceof SSLWantReadError) return null;
      if (e instanceof SSLZeroReturnError) {
        // read() says this when our own close_notify is already out.
        return this.peerFinished(true);
      }
      if (e instanceof SSLEOFError && this.suppressRaggedEofs) return this.peerFinished(false);
      this.fail(e);
      throw e;
    }
    this.flush();
    if (chunk === null) return null;
    if (chunk.length === 0 && n > 0) {
      // An empty read is close_notify, or a bare EOF that the context's
      // OP_IGNORE_UNEXPECTED_EOF turns into one.
      const ignoring = (this.sslobj.context.options & OP_IGNORE_UNEXPECTED_EOF) !== 0;
      return this.peerFinished(!(ignoring && this.incoming.eof));
    }
    return chunk;
  }

  /** Decrypted bytes ready to be read without touching the transport. */
  pending(): number {
    return this.sslobj.pending();
  }

  private peerFinished(closeNotify: boolean): Uint8Array {
    if (!this.readEnded) {
      this.readEnded = true;
      this._closeNotifyReceived = closeNotify;
      if (this.state === 'closing') this.maybeFinishClose();
    }
    return EMPTY;
  }

  // ------------------------------------------------------------------ writing

  /**
   * Encrypt and send `data` now. Returns false when the transport asks us to
   * wait for 'drain' (as Writable.write does). Only valid after the handshake.
   */
  write(data: Uint8Array): boolean {
    if (this._error) throw this._error;
    if (this.state === 'handshaking') throw new Error('TLSDriver.write() before the handshake completed');
    if (this.finished || !this.transportWritable()) throw brokenPipe();
    try {
      this.sslobj.write(data);
    } catch (e) {
      this.flush();
      // "protocol is shutdown" after our close_notify is the caller's mistake,
      // not the connection's failure.
      if (this.sentClose) throw e;
      this.fail(e);
      throw e;
    }
    return this.flush();
  }

  /**
   * Encrypt several plaintext buffers and hand all their records to the
   * transport in one write (one flight). Each buffer is sealed as
   * SSLObject.write() would seal it; callers that want full records pass
   * buffers cut at record boundaries (see coalesce.ts). `onWritten` runs once
   * the transport has taken the bytes (its write callback). Returns false when
   * the transport asks us to wait for 'drain'.
   */
  writeFlight(buffers: readonly Uint8Array[], onWritten?: (err?: Error | null) => void): boolean {
    if (this._error) throw this._error;
    if (this.state === 'handshaking') throw new Error('TLSDriver.writeFlight() before the handshake completed');
    if (this.finished || !this.transportWritable()) throw brokenPipe();
    try {
      for (const b of buffers) this.sslobj.write(b);
    } catch (e) {
      this.flush();
      if (this.sentClose) throw e;
      this.fail(e);
      throw e;
    }
    return this.flush(onWritten);
  }

  /** Write everything, waiting for the handshake first and for 'drain' whenever the transport is full. */
  async writeAll(data: Uint8Array, signal?: { deadline: number | null; message: string }): Promise<void> {
    await this.handshake();
    for (let off = 0; off < data.length; off += this.writeChunk) {
      const more = this.write(data.subarray(off, Math.min(data.length, off + this.writeChunk)));
      if (!more) await this.drained(signal);
    }
  }

  /** Resolve once the transport has room again; reject if the connection dies first or the deadline passes. */
  async drained(signal?: { deadline: number | null; message: string }): Promise<void> {
    while (this.transport.writableNeedDrain) {
      if (this._error) throw this._error;
      if (this.finished || this.transportClosed) throw brokenPipe();
      await this.nextEvent(signal?.deadline ?? null, signal?.message ?? 'The write operation timed out');
    }
  }

  /**
   * Wait for the next change of state ('readable', 'drain', 'close'), or
   * until `deadline` (a Date.now() value), then reject with Python's
   * TimeoutError carrying `timeoutMessage`.
   */
  nextEvent(deadline: number | null = null, timeoutMessage = 'timed out'): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        this.off('readable', done);
        this.off('drain', done);
        this.off('close', done);
        resolve();
      };
      this.on('readable', done);
      this.on('drain', done);
      this.on('close', done);
      if (deadline !== null) {
        timer = setTimeout(() => {
          this.off('readable', done);
          this.off('drain', done);
          this.off('close', done);
          reject(new TimeoutError(timeoutMessage));
        }, Math.max(0, deadline - Date.now()));
      }
    });
  }

  // ---------------------------------------------------------------- closing

  /**
   * Send close_notify but keep reading what the peer still sends (a TLS
   * half-close, like Duplex.end()). Does nothing before the handshake or
   * after a failure.
   */
  closeWrite(): void {
    if (this.sentClose || this._error || this.state === 'handshaking' || this.finished) return;
    this.sentClose = true;
    // SSLObject.unwrap() sends close_notify and then consumes (and drops)
    // every record already buffered while looking for the peer's. For a
    // half-close that data must survive, so the buffered ciphertext is moved
    // aside while unwrap() runs against an empty BIO and put back afterwards.
    const saved = this.incoming._readChunks();
    try {
      this.sslobj.unwrap();
    } catch (e) {
      if (!(e instanceof SSLWantReadError) && !(e instanceof SSLEOFError)) {
        for (const c of saved) this.incoming._writeOwned(c);
        this.flush();
        this.fail(e);
        return;
      }
    }
    for (const c of saved) this.incoming._writeOwned(c);
    this.flush();
  }

  /**
   * Python's unwrap(): close_notify both ways, then let go of the transport
   * and resolve with it, positioned just after the peer's close_notify (any
   * bytes that followed it are pushed back into the transport). Application
   * data the peer sends after our close_notify is discarded, as in CPython.
   */
  unwrap(): Promise<Duplex> {
    if (this.unwrapWaiter) return this.unwrapWaiter.promise;
    if (this.state === 'handshaking' && !this._error) {
      // OpenSSL's answer to SSL_shutdown() mid-handshake; the connection itself is left alone.
      return Promise.reject(new SSLError('shutdown while in init', { library: 'SSL', reason: 'SHUTDOWN_WHILE_IN_INIT' }));
    }
    this.unwrapWaiter = waiter<Duplex>();
    if (this._error) {
      this.unwrapWaiter.reject(this._error);
    } else if (this.finished || this.state === 'closing') {
      this.unwrapWaiter.reject(new OSError(9, 'Bad file descriptor'));
    } else {
      this.state = 'unwrapping';
      this.sentClose = true;
      this.startShutdownTimer();
      this.progress();
    }
    return this.unwrapWaiter.promise;
  }

  /**
   * Orderly close: close_notify (when the handshake completed), end the
   * transport, drop whatever still arrives, and destroy the transport once
   * the peer ends too or the shutdown timeout passes. Never rejects.
   */
  close(): Promise<void> {
    if (this.closeWaiter) return this.closeWaiter.promise;
    this.closeWaiter = waiter<void>();
    if (this.finished) {
      if (this.state === 'failed') this.teardown();
      this.closeWaiter.resolve();
      return this.closeWaiter.promise;
    }
    const wasHandshaking = this.state === 'handshaking';
    if (!wasHandshaking) this.closeWrite();
    this.state = 'closing';
    if (wasHandshaking) {
      // Nothing worth flushing: abandon the handshake and the transport.
      this.settleHandshake(closedBeforeHandshake);
      this.state = 'closed';
      this.clearTimers();
      this.transport.destroy();
      this.whenTransportClosed(() => this.closeWaiter?.resolve());
      this.emit('readable');
      return this.closeWaiter.promise;
    }
    this.endTransport();
    this.startShutdownTimer();
    // Wake pending readers: the connection is no longer theirs.
    this.emit('readable');
    this.transportReadable();
    this.maybeFinishClose();
    return this.closeWaiter.promise;
  }

  /**
   * The owner is done with the connection (both directions closed at the
   * TLS level): let what we wrote reach the peer, then destroy the transport.
   */
  release(): void {
    if (this.state === 'unwrapped') return;
    if (!this.finished) {
      this.settleHandshake(closedBeforeHandshake);
      this.unwrapWaiter?.reject(new OSError(9, 'Bad file descriptor'));
      this.state = 'closed';
      this.clearTimers();
    }
    this.teardown();
    this.closeWaiter?.resolve();
    this.emit('readable');
  }

  /** Tear everything down now, without close_notify. */
  destroy(err?: Error): void {
    if (err) {
      this.fail(err);
      return;
    }
    if (this.finished) {
      if (!this.transport.destroyed && this.state !== 'unwrapped') this.transport.destroy();
      return;
    }
    this.settleHandshake(closedBeforeHandshake);
    this.unwrapWaiter?.reject(new OSError(9, 'Bad file descriptor'));
    this.state = 'closed';
    this.clearTimers();
    this.transport.destroy();
    this.closeWaiter?.resolve();
    this.emit('readable');
  }

  // ------------------------------------------------------------ transport side

  /** Move ciphertext from the transport into the incoming BIO, up to the high-water mark. Returns bytes moved. */
  private pull(): number {
    if (this.state === 'unwrapped' || this.transportEof) return 0;
    let moved = 0;
    while (this.incoming.pending < this.readHwm) {
      const chunk = this.transport.read() as Buffer | string | null;
      if (chunk === null) break;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      // Chunks handed out by a readable belong to the reader: no copy needed.
      this.incoming._writeOwned(bytes);
      moved += bytes.length;
    }
    return moved;
  }

  private transportReadable(): void {
    if (this.state === 'closing') {
      // Nobody reads any more: keep the socket drained so the peer's EOF can arrive.
      this.pull();
      this.incoming.read();
      return;
    }
    this.progress();
  }

  private transportEnded(): void {
    this.transportEof = true;
    this.incoming.writeEof();
    if (this.state === 'closing') {
      this.peerFinished(false);
      this.maybeFinishClose();
      return;
    }
    this.progress();
  }

  private transportGone(): void {
    if (this.transportClosed) return;
    this.transportClosed = true;
    if (!this.transportEof) {
      // Closed under us without an EOF: whatever is buffered is all there is.
      this.transportEof = true;
      this.incoming.writeEof();
    }
    if (this.state === 'closing') {
      this.finishClose();
    } else if (this.state !== 'unwrapped' && !this.finished) {
      this.progress();
      if (this.state === 'handshaking' || this.state === 'unwrapping') {
        this.fail(new SSLEOFError('EOF occurred in violation of protocol (the transport closed)'));
      }
    }
    this.clearTimers();
    this.emit('close');
    this.emit('readable');
  }

  private transportWritable(): boolean {
    const t = this.transport;
    return !t.destroyed && !t.writableEnded;
  }

  /** Hand what the engine produced to the transport; false when the caller should wait for 'drain'. */
  private flush(onWritten?: (err?: Error | null) => void): boolean {
    if (this.outgoing.pending === 0) {
      if (onWritten) process.nextTick(onWritten);
      return !this.transport.writableNeedDrain;
    }
    // The records' pieces (headers, ciphertexts, tags) go out as they are,
    // corked into one writev: no copy into a flight buffer.
    const pieces = this.outgoing._readChunks();
    const t = this.transport;
    if (!this.transportWritable()) {
      if (onWritten) process.nextTick(onWritten, brokenPipe());
      return true;
    }
    const last = pieces.length - 1;
    if (last === 0) return t.write(pieces[0], onWritten);
    t.cork();
    for (let i = 0; i < last; i++) t.write(pieces[i]);
    const more = t.write(pieces[last], onWritten);
    t.uncork();
    return more;
  }

  // --------------------------------------------------------------- stepping

  /** Advance whatever is in progress; re-entrant calls are folded into the running one. */
  private progress(): void {
    if (this.stepping) {
      this.steppingAgain = true;
      return;
    }
    this.stepping = true;
    try {
      do {
        this.steppingAgain = false;
        this.step();
      } while (this.steppingAgain);
    } finally {
      this.stepping = false;
    }
  }

  private step(): void {
    switch (this.state) {
      case 'handshaking':
        if (this.started) this.stepHandshake();
        else this.pull(); // buffer the peer's first flight until someone starts the handshake
        return;
      case 'unwrapping':
        this.stepUnwrap();
        return;
      case 'open':
        this.emit('readable');
        return;
      default:
        return;
    }
  }

  /**
   * Run an SSLObject operation until it completes (true) or waits for bytes
   * the transport has not delivered yet (false); failures go to fail().
   */
  private drive(op: () => boolean | void): boolean {
    for (;;) {
      this.pull();
      let done: boolean;
      try {
        // false (or SSLWantReadError from the operations that only throw) means: wait for bytes.
        done = op() !== false;
      } catch (e) {
        if (!(e instanceof SSLWantReadError)) {
          this.flush();
          this.fail(e);
          return false;
        }
        done = false;
      }
      this.flush();
      if (done) return true;
      // More may be sitting in the transport if the BIO was at its mark.
      if (this.pull() > 0) continue;
      return false;
    }
  }

  private stepHandshake(): void {
    if (!this.drive(() => this.sslobj._handshakeOrWait())) return;
    this.state = 'open';
    this.hsDone = true;
    if (this.hsTimer) clearTimeout(this.hsTimer);
    this.hsTimer = null;
    this.hs.resolve();
    this.emit('handshake');
    this.emit('readable');
  }

  private stepUnwrap(): void {
    if (!this.drive(() => this.sslobj.unwrap())) return;
    this.detach();
    this.unwrapWaiter?.resolve(this.transport);
  }

  /** Give the transport back: our listeners off, unread bytes after close_notify returned to it. */
  private detach(): void {
    this.state = 'unwrapped';
    this.readEnded = true;
    this._closeNotifyReceived = true;
    this.clearTimers();
    const t = this.transport;
    t.off('readable', this.onReadable);
    t.off('end', this.onEnd);
    t.off('error', this.onError);
    t.off('close', this.onClose);
    t.off('drain', this.onDrain);
    const rest = this.incoming.read();
    if (rest.length > 0 && !t.readableEnded && !t.destroyed) t.unshift(rest);
    this.emit('readable');
  }

  private startShutdownTimer(): void {
    if (this.shutdownTimer || !(this.shutdownTimeoutMs > 0) || !Number.isFinite(this.shutdownTimeoutMs)) return;
    this.shutdownTimer = setTimeout(() => {
      this.shutdownTimer = null;
      if (this.state === 'unwrapping') this.fail(new TimeoutError('SSL shutdown timed out'));
      else if (this.state === 'closing') this.finishClose();
    }, this.shutdownTimeoutMs);
    this.shutdownTimer.unref();
  }

  private clearTimers(): void {
    if (this.hsTimer) clearTimeout(this.hsTimer);
    if (this.shutdownTimer) clearTimeout(this.shutdownTimer);
    this.hsTimer = this.shutdownTimer = null;
  }

  /** Fail the handshake's promise; `err` may be a function making the error, called only if the handshake is still open. */
  private settleHandshake(err: Error | (() => Error)): void {
    if (this.hsTimer) clearTimeout(this.hsTimer);
    this.hsTimer = null;
    // After a completed handshake the rejection would be ignored: do not build (and capture a stack for) its error.
    if (this.hsDone) return;
    this.hs.reject(typeof err === 'function' ? err() : err);
  }

  private endTransport(): void {
    const t = this.transport;
    if (!t.destroyed && !t.writableEnded) t.end();
  }

  private maybeFinishClose(): void {
    if (this.state === 'closing' && (this.transportEof || this.transportClosed)) this.finishClose();
  }

  private finishClose(): void {
    if (this.state !== 'closing') return;
    this.state = 'closed';
    this.clearTimers();
    this.teardown();
    this.whenTransportClosed(() => this.closeWaiter?.resolve());
    this.emit('readable');
  }

  /** Run `f` once the transport is gone (teardown() guarantees that within its guard time). */
  private whenTransportClosed(f: () => void): void {
    const t = this.transport;
    if (this.transportClosed || (t.destroyed && t.closed)) {
      f();
      return;
    }
    const guard = setTimeout(f, 3000);
    guard.unref();
    t.once('close', () => {
      clearTimeout(guard);
      f();
    });
  }

  /** End the transport and destroy it once what we wrote (a close_notify or fatal alert) is flushed. */
  private teardown(): void {
    const t = this.transport;
    if (t.destroyed) return;
    if (t.writableFinished) {
      t.destroy();
      return;
    }
    if (!t.writableEnded) t.end();
    // A peer that never reads could keep the flush pending forever.
    const guard = setTimeout(() => t.destroy(), 2000);
    guard.unref();
    t.once('finish', () => {
      clearTimeout(guard);
      t.destroy();
    });
    t.once('close', () => clearTimeout(guard));
  }

  /** Latch the first failure, reject what waits, wake readers, and drop the transport. */
  private fail(e: unknown): void {
    if (this._error || this.state === 'unwrapped' || this.state === 'closed') return;
    const err = asError(e);
    this._error = err;
    this.state = 'failed';
    this.clearTimers();
    this.flush(); // a fatal alert the engine queued should still reach the peer
    this.teardown();
    this.settleHandshake(err);
    this.unwrapWaiter?.reject(err);
    this.closeWaiter?.resolve();
    this.emit('readable');
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }
}
