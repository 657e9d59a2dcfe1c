// Test-only async driver for a sans-I/O SSLObject.
//
// The engine never touches the network: it reads ciphertext from an
// `incoming` MemoryBIO and leaves ciphertext for the peer in `outgoing`.
// BioSocketPump couples that pair to a connected stream (a net.Socket, or any
// Duplex such as a child process's stdio): bytes from the stream go into
// `incoming`, `outgoing` is flushed to the stream after every engine call, an
// SSLWantReadError means "wait for more bytes", and the stream's EOF becomes
// incoming.writeEof().
//
// The types below are structural, so this file does not depend on the engine
// and can be exercised on its own.

import type { Duplex } from 'node:stream';

export interface MemoryBIOLike {
  write(data: Uint8Array): number;
  read(n?: number): Uint8Array;
  readonly pending: number;
  readonly eof: boolean;
  writeEof(): void;
}

export interface SSLObjectLike {
  doHandshake(): void;
  read(n?: number): Uint8Array;
  write(data: Uint8Array): number;
  unwrap(): unknown;
}

/** An SSLObject and the two BIOs it was wrapped around. */
export interface BioEnd<O extends SSLObjectLike = SSLObjectLike> {
  obj: O;
  incoming: MemoryBIOLike;
  outgoing: MemoryBIOLike;
}

/** True for the engine's SSLWantReadError (matched by shape, not identity). */
export function isWantRead(e: unknown): boolean {
  return e instanceof Error && e.name === 'SSLWantReadError';
}

/** True for SSLZeroReturnError (clean close_notify reported as an exception). */
export function isZeroReturn(e: unknown): boolean {
  return e instanceof Error && e.name === 'SSLZeroReturnError';
}

export interface PumpOptions {
  /** Longest wait for peer bytes in one engine operation (ms). Default 10000. */
  timeoutMs?: number;
  /** Largest chunk asked of obj.read(). Default 16384. */
  readSize?: number;
}

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

type StreamLike = Duplex;

export class BioSocketPump<O extends SSLObjectLike = SSLObjectLike> {
  readonly obj: O;
  readonly incoming: MemoryBIOLike;
  readonly outgoing: MemoryBIOLike;
  readonly sock: StreamLike;
  private readonly timeoutMs: number;
  private readonly readSize: number;
  /** Bumped on every stream event that may let the engine progress. */
  private generation = 0;
  private wakers: (() => void)[] = [];
  private streamEnded = false;
  private streamClosed = false;
  private streamError: Error | null = null;
  /** Decrypted bytes read past what readExactly() returned. */
  private leftover: Uint8Array = new Uint8Array(0);
  /** Set once obj.read() reported the peer's close_notify. */
  peerClosed = false;
  /** Total ciphertext bytes sent to / received from the stream. */
  bytesSent = 0;
  bytesReceived = 0;

  constructor(sock: StreamLike, end: BioEnd<O>, opts?: PumpOptions);
  constructor(sock: StreamLike, obj: O, incoming: MemoryBIOLike, outgoing: MemoryBIOLike, opts?: PumpOptions);
  constructor(
    sock: StreamLike,
    a: O | BioEnd<O>,
    b?: MemoryBIOLike | PumpOptions,
    c?: MemoryBIOLike,
    d?: PumpOptions,
  ) {
    let opts: PumpOptions;
    if ('obj' in (a as object) && 'incoming' in (a as object)) {
      const end = a as BioEnd<O>;
      this.obj = end.obj;
      this.incoming = end.incoming;
      this.outgoing = end.outgoing;
      opts = (b as PumpOptions | undefined) ?? {};
    } else {
      this.obj = a as O;
      this.incoming = b as MemoryBIOLike;
      this.outgoing = c as MemoryBIOLike;
      opts = d ?? {};
    }
    this.sock = sock;
    this.timeoutMs = opts.timeoutMs ?? 10000;
    this.readSize = opts.readSize ?? 16384;
    sock.on('data', (chunk: Buffer) => {
      this.bytesReceived += chunk.length;
      this.incoming.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.wake();
    });
    sock.on('end', () => {
      this.streamEnded = true;
      this.incoming.writeEof();
      this.wake();
    });
    sock.on('error', (err: Error) => {
      this.streamError = err;
      this.wake();
    });
    sock.on('close', () => {
      this.streamClosed = true;
      this.wake();
    });
  }

  private wake(): void {
    this.generation++;
    const w = this.wakers;
    this.wakers = [];
    for (const f of w) f();
  }

  /** Wait until some stream event happened after generation `since`. */
  private waitForEvent(since: number, what: string): Promise<void> {
    if (this.generation !== since) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wakers = this.wakers.filter((f) => f !== onWake);
        reject(new Error(`BioSocketPump: no bytes from peer for ${this.timeoutMs} ms during ${what}`));
      }, this.timeoutMs);
      const onWake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.wakers.push(onWake);
    });
  }

  /** Send whatever the engine left in `outgoing`. */
  flush(): void {
    if (this.outgoing.pending === 0) return;
    const data = this.outgoing.read();
    if (data.length === 0) return;
    if (this.sock.destroyed || this.sock.writableEnded) return;
    this.bytesSent += data.length;
    this.sock.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  /**
   * Run one engine operation to completion: call it, flush, and on
   * SSLWantReadError wait for more bytes (or EOF) and call it again.
   * Any other error is thrown after flushing (so alerts reach the peer).
   */
  async step<T>(what: string, fn: () => T): Promise<T> {
    for (;;) {
      const gen = this.generation;
      try {
        const r = fn();
        this.flush();
        return r;
      } catch (e) {
        this.flush();
        if (!isWantRead(e)) throw e;
      }
      if (this.streamError) throw this.streamError;
      if (this.streamEnded || this.streamClosed) {
        if (this.generation === gen) {
          // EOF was already fed to the engine and it still wants to read: it
          // should have raised SSLEOFError instead. Report rather than hang.
          throw new Error(`BioSocketPump: transport closed but the engine still wants to read during ${what}`);
        }
        continue;
      }
      await this.waitForEvent(gen, what);
    }
  }

  handshake(): Promise<void> {
    return this.step('handshake', () => {
      this.obj.doHandshake();
    });
  }

  /** Encrypt and send all of `data`. */
  async write(data: string | Uint8Array): Promise<number> {
    const bytes = toBytes(data);
    let off = 0;
    while (off < bytes.length) {
      const n = await this.step('write', () => this.obj.write(bytes.subarray(off)));
      if (!(n > 0)) throw new Error(`BioSocketPump: SSLObject.write returned ${n}`);
      off += n;
    }
    return bytes.length;
  }

  /** Next chunk of plaintext; an empty array once the peer sent close_notify. */
  async read(): Promise<Uint8Array> {
    if (this.leftover.length > 0) {
      const out = this.leftover;
      this.leftover = new Uint8Array(0);
      return out;
    }
    if (this.peerClosed) return new Uint8Array(0);
    try {
      const chunk = await this.step('read', () => this.obj.read(this.readSize));
      if (chunk.length === 0) this.peerClosed = true;
      return chunk;
    } catch (e) {
      if (isZeroReturn(e)) {
        this.peerClosed = true;
        return new Uint8Array(0);
      }
      throw e;
    }
  }

  /** Read until the peer's close_notify; returns everything read. */
  async readAll(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (;;) {
      const c = await this.read();
      if (c.length === 0) return concat(parts);
      parts.push(c);
    }
  }

  /** Read exactly n bytes (throws if the peer closes first). */
  async readExactly(n: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let have = 0;
    while (have < n) {
      const c = await this.read();
      if (c.length === 0) throw new Error(`BioSocketPump: peer closed after ${have} of ${n} bytes`);
      parts.push(c);
      have += c.length;
    }
    const all = concat(parts);
    this.leftover = all.subarray(n);
    return all.subarray(0, n);
  }

  /** Read until the plaintext received so far contains `needle` (e.g. '\n'). */
  async readUntil(needle: string | Uint8Array): Promise<Uint8Array> {
    const pat = Buffer.from(toBytes(needle));
    let acc = Buffer.from(this.leftover);
    this.leftover = new Uint8Array(0);
    for (;;) {
      const at = acc.indexOf(pat);
      if (at >= 0) {
        const end = at + pat.length;
        this.leftover = new Uint8Array(acc.subarray(end));
        return new Uint8Array(acc.subarray(0, end));
      }
      const c = await this.read();
      if (c.length === 0) throw new Error(`BioSocketPump: peer closed before ${JSON.stringify(String(needle))}`);
      acc = Buffer.concat([acc, c]);
    }
  }

  /**
   * Clean shutdown: unwrap (send our close_notify, wait for the peer's),
   * then end the stream and wait for it to close.
   */
  async close(): Promise<void> {
    await this.step('unwrap', () => this.obj.unwrap());
    await this.endStream();
  }

  /** Half-close our side of the stream and wait (bounded) for it to close. */
  async endStream(): Promise<void> {
    if (!this.sock.writableEnded && !this.sock.destroyed) this.sock.end();
    if (this.streamClosed || this.sock.destroyed) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.sock.destroy();
        resolve();
      }, Math.min(this.timeoutMs, 3000));
      this.sock.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      // The peer may never send FIN; once our end is flushed the test has what it needs.
      if (this.streamEnded) {
        clearTimeout(t);
        this.sock.destroy();
        resolve();
      } else {
        this.sock.once('end', () => {
          clearTimeout(t);
          this.sock.destroy();
          resolve();
        });
      }
    });
  }

  /** Tear down without any TLS shutdown (for finally blocks). */
  destroy(): void {
    this.sock.destroy();
  }
}

/**
 * Drive two SSLObjects against each other in memory: move a.outgoing into
 * b.incoming and back until both operations completed without asking for
 * more input. Defaults to the handshake. Returns both operations' results.
 */
export function pumpMemory<RA = void, RB = void>(
  a: BioEnd,
  b: BioEnd,
  opA: (o: SSLObjectLike) => RA = (o) => o.doHandshake() as RA,
  opB: (o: SSLObjectLike) => RB = (o) => o.doHandshake() as RB,
  maxRounds = 64,
): [RA, RB] {
  let doneA = false;
  let doneB = false;
  let resA: RA | undefined;
  let resB: RB | undefined;
  for (let round = 0; round < maxRounds; round++) {
    if (!doneA) {
      try {
        resA = opA(a.obj);
        doneA = true;
      } catch (e) {
        if (!isWantRead(e)) throw e;
      }
    }
    const ab = transfer(a.outgoing, b.incoming);
    if (!doneB) {
      try {
        resB = opB(b.obj);
        doneB = true;
      } catch (e) {
        if (!isWantRead(e)) throw e;
      }
    }
    const ba = transfer(b.outgoing, a.incoming);
    if (doneA && doneB) {
      // Let each side see whatever the other produced in its last step.
      return [resA as RA, resB as RB];
    }
    if (ab === 0 && ba === 0 && round > 0) {
      throw new Error(`pumpMemory: stalled (a done=${doneA}, b done=${doneB}) with nothing in flight`);
    }
  }
  throw new Error(`pumpMemory: no completion after ${maxRounds} rounds`);
}

/** Move every pending byte from one BIO to another; returns the count. */
export function transfer(from: MemoryBIOLike, to: MemoryBIOLike): number {
  if (from.pending === 0) return 0;
  const data = from.read();
  if (data.length > 0) to.write(data);
  return data.length;
}
