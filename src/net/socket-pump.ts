// A small event-driven driver that couples a sans-I/O SSLObject (and the two
// MemoryBIOs it was wrapped around) to a connected byte stream such as a
// net.Socket. Bytes from the stream go into `incoming`; `outgoing` is flushed
// to the stream after every engine call; SSLWantReadError just means "wait for
// the next 'data' event"; the stream's end becomes incoming.writeEof().
//
// Events: 'data' (Uint8Array of plaintext), 'end' (the peer finished sending:
// close_notify, or a transport EOF after the handshake), 'error', 'close'.
// Promise API: handshake(), close(). Nothing here throws out of a stream event
// handler: failures reject the pending promise and/or become 'error' events.

import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { SSLEOFError, SSLWantReadError, SSLZeroReturnError } from '../ssl/errors.js';
import type { MemoryBIO } from '../ssl/memory-bio.js';
import type { SSLObject } from '../ssl/sslobject.js';

export interface SocketPumpOptions {
  /** Largest plaintext chunk taken from the engine per read() call. Default 16384. */
  readSize?: number;
  /**
   * When false (the default, as for net.Socket), the pump answers the peer's
   * close_notify with its own and ends the stream. When true, the caller
   * decides when to call close() and may keep writing meanwhile.
   */
  allowHalfOpen?: boolean;
}

type Phase = 'idle' | 'handshaking' | 'open' | 'closed' | 'failed';

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: Error) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

export interface SocketPump {
  on(event: 'data', listener: (chunk: Uint8Array) => void): this;
  on(event: 'end', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'close', listener: () => void): this;
  once(event: 'data', listener: (chunk: Uint8Array) => void): this;
  once(event: 'end', listener: () => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
  once(event: 'close', listener: () => void): this;
}

export class SocketPump extends EventEmitter {
  readonly sslobj: SSLObject;
  readonly incoming: MemoryBIO;
  readonly outgoing: MemoryBIO;
  readonly socket: Duplex;
  private readonly readSize: number;
  private readonly allowHalfOpen: boolean;

  private phase: Phase = 'idle';
  private handshakeWaiter: Deferred | null = null;
  private closeWaiter: Deferred | null = null;
  /** Plaintext written before the handshake finished. */
  private queued: Uint8Array[] = [];
  /** close() was asked for: send close_notify once reads are drained. */
  private closing = false;
  private sentCloseNotify = false;
  /** The peer has finished sending (close_notify or EOF); 'end' was emitted. */
  private peerDone = false;
  private _closeNotifyReceived = false;
  private socketEnded = false;
  /** Re-entrancy guard: events emitted from step() may call back into us. */
  private busy = false;
  private again = false;

  constructor(sslobj: SSLObject, incoming: MemoryBIO, outgoing: MemoryBIO, socket: Duplex, opts: SocketPumpOptions = {}) {
    super();
    this.sslobj = sslobj;
    this.incoming = incoming;
    this.outgoing = outgoing;
    this.socket = socket;
    this.readSize = opts.readSize ?? 16384;
    this.allowHalfOpen = opts.allowHalfOpen ?? false;

    socket.on('data', (chunk: Buffer | string) => {
      if (this.incoming.eof || this.phase === 'closed' || this.phase === 'failed') return;
      this.incoming.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      this.progress();
    });
    socket.on('end', () => {
      if (!this.incoming.eof) this.incoming.writeEof();
      this.progress();
    });
    socket.on('error', (err: Error) => this.fail(err));
    socket.on('close', () => {
      if (this.phase === 'idle') {
        this.phase = 'closed';
      } else if (this.phase === 'handshaking') {
        this.fail(new SSLEOFError('EOF occurred in violation of protocol (transport closed during handshake)'));
      } else if (this.phase === 'open') {
        // Closed under us without an orderly end: report what we know, then settle.
        if (!this.peerDone) {
          this.peerDone = true;
          this.emit('end');
        }
        this.finish();
      }
      this.emit('close');
    });
  }

  /** True once the peer's close_notify arrived (false after a bare transport EOF). */
  get closeNotifyReceived(): boolean {
    return this._closeNotifyReceived;
  }

  /** Run the TLS handshake; resolves once it completes. Calling it again returns the same promise. */
  handshake(): Promise<void> {
    if (this.handshakeWaiter) return this.handshakeWaiter.promise;
    this.handshakeWaiter = deferred();
    if (this.phase === 'idle') {
      this.phase = 'handshaking';
      this.progress();
    } else if (this.phase === 'failed') {
      this.handshakeWaiter.reject(new Error('connection failed'));
    }
    return this.handshakeWaiter.promise;
  }

  /** Send plaintext. Before the handshake completes it is queued. */
  write(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    if (this.closing || this.phase === 'closed' || this.phase === 'failed') {
      throw new Error('write after close');
    }
    if (this.phase !== 'open') {
      this.queued.push(bytes);
      return;
    }
    if (bytes.length === 0) return;
    try {
      this.sslobj.write(bytes);
    } catch (e) {
      this.flush();
      this.fail(e);
      return;
    }
    this.flush();
  }

  /**
   * Send close_notify, deliver any data still arriving, wait for the peer's
   * close_notify (or its EOF), then end the stream. Before the handshake has
   * completed it simply ends the stream.
   */
  close(): Promise<void> {
    if (this.closeWaiter) return this.closeWaiter.promise;
    this.closeWaiter = deferred();
    if (this.phase === 'closed') {
      this.closeWaiter.resolve();
    } else if (this.phase === 'failed') {
      this.closeWaiter.reject(new Error('connection failed'));
    } else if (this.phase !== 'open') {
      this.handshakeWaiter?.reject(new Error('connection closed before the handshake completed'));
      this.handshakeWaiter?.promise.catch(() => {});
      this.finish();
    } else {
      this.closing = true;
      this.progress();
    }
    return this.closeWaiter.promise;
  }

  /** Tear down the stream now, without close_notify. */
  destroy(err?: Error): void {
    if (err) this.fail(err);
    else {
      this.phase = 'closed';
      this.socket.destroy();
    }
  }

  // ---- internals -----------------------------------------------------------

  private progress(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.again = false;
        this.step();
      } while (this.again);
    } catch (e) {
      // step() catches engine errors itself; this is a listener throwing.
      this.fail(e);
    } finally {
      this.busy = false;
    }
  }

  private step(): void {
    if (this.phase === 'handshaking') {
      try {
        this.sslobj.doHandshake();
      } catch (e) {
        this.flush();
        if (!(e instanceof SSLWantReadError)) this.fail(e);
        return;
      }
      this.flush();
      this.phase = 'open';
      this.handshakeWaiter?.resolve();
      const queued = this.queued;
      this.queued = [];
      for (const q of queued) this.write(q);
    }
    if (this.phase !== 'open') return;

    this.drainReads();
    if (this.phase !== 'open') return;

    if (this.peerDone && !this.closing && !this.allowHalfOpen) this.closing = true;
    if (this.closing && !this.sentCloseNotify) {
      this.sentCloseNotify = true;
      if (this.peerDone && !this._closeNotifyReceived) {
        // The transport already ended: a close_notify could not be delivered.
        this.finish();
        return;
      }
      try {
        this.sslobj.unwrap();
      } catch (e) {
        this.flush();
        if (!(e instanceof SSLWantReadError)) {
          this.fail(e);
          return;
        }
      }
      this.flush();
      // Records after our close_notify are read (and delivered) by drainReads.
      this.drainReads();
    }
    if (this.closing && this.sentCloseNotify && this.peerDone && this.phase === 'open') this.finish();
  }

  /** Take every available plaintext chunk from the engine and emit it. */
  private drainReads(): void {
    while (this.phase === 'open' && !this.peerDone) {
      let chunk: Uint8Array;
      try {
        chunk = this.sslobj.read(this.readSize);
      } catch (e) {
        this.flush();
        if (e instanceof SSLWantReadError) return;
        if (e instanceof SSLZeroReturnError) {
          // read() says this once our own close_notify is out too.
          this.peerFinished(true);
          return;
        }
        if (e instanceof SSLEOFError) {
          // EOF with no close_notify after the handshake: the data we got is
          // all there is. A stricter caller can check closeNotifyReceived.
          this.peerFinished(false);
          return;
        }
        this.fail(e);
        return;
      }
      this.flush();
      if (chunk.length === 0) {
        // b'' means close_notify, or a bare EOF under OP_IGNORE_UNEXPECTED_EOF;
        // only the latter can happen once the transport has ended.
        this.peerFinished(!this.incoming.eof);
        return;
      }
      this.emit('data', chunk);
    }
  }

  private peerFinished(closeNotify: boolean): void {
    if (this.peerDone) return;
    this.peerDone = true;
    this._closeNotifyReceived = closeNotify;
    this.emit('end');
  }

  /** Move everything the engine produced to the stream. */
  private flush(): void {
    const out = this.outgoing.read();
    if (out.length === 0) return;
    if (this.socket.writable && !this.socketEnded) this.socket.write(out);
  }

  /** Orderly end: stop the stream and settle the promises. */
  private finish(): void {
    if (this.phase === 'closed' || this.phase === 'failed') return;
    this.phase = 'closed';
    const waiter = this.closeWaiter;
    this.endSocket(() => waiter?.resolve());
  }

  /**
   * End our side, then release the stream once what we wrote is flushed:
   * both close_notify alerts (or a fatal alert) are out, so nothing the peer
   * might still send matters, and a peer that never closes cannot hold us.
   */
  private endSocket(done?: () => void): void {
    const sock = this.socket;
    if (this.socketEnded || !sock.writable) {
      this.socketEnded = true;
      if (!sock.destroyed) sock.destroy();
      done?.();
      return;
    }
    this.socketEnded = true;
    sock.end(() => {
      sock.destroy();
      done?.();
    });
  }

  /** Report a failure once: reject what is pending, emit 'error' if someone listens or nothing else would report it. */
  private fail(e: unknown): void {
    if (this.phase === 'failed' || this.phase === 'closed') return;
    const err = asError(e);
    const wasHandshaking = this.phase === 'handshaking' || this.phase === 'idle';
    this.phase = 'failed';
    this.flush(); // a fatal alert the engine queued should still reach the peer
    this.endSocket();
    let reported = false;
    if (wasHandshaking && this.handshakeWaiter) {
      this.handshakeWaiter.reject(err);
      reported = true;
    }
    if (this.closeWaiter) {
      this.closeWaiter.reject(err);
      reported = true;
    }
    if (!reported || this.listenerCount('error') > 0) {
      // Deferred so it never throws from inside a stream event handler.
      process.nextTick(() => this.emit('error', err));
    }
  }
}
