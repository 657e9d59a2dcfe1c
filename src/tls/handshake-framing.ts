// Handshake message framing: the 4-byte header, and reassembly of messages
// that arrive split across records or packed several to a record.
import { tlsError, unexpectedMessage } from './alert.js';
import { Writer } from './codec.js';
import { Alert } from './constants.js';

export interface HandshakeMessage {
  type: number;
  body: Uint8Array;
  /** Header and body, exactly as they enter the transcript. */
  raw: Uint8Array;
}

export function frameHandshake(type: number, body: Uint8Array): Uint8Array {
  return new Writer(body.length + 4).u8(type).vec24(body).finish();
}

/** The largest body accepted for a message type, or null for a type the peer may never send. */
export type MessageLimit = (type: number) => number | null;

/**
 * Cuts records' handshake bytes into messages. Every byte is copied at most
 * once (into the buffer of the message it belongs to), so a message sent in
 * one-byte records costs linear time, not quadratic. The size cap is checked
 * on the header, before anything of the body is buffered.
 */
export class HandshakeReassembler {
  /** Received bytes not yet looked at; only ever non-empty while messages are being taken. */
  private queue: Uint8Array[] = [];
  private queued = 0;
  private readonly header = Buffer.alloc(4);
  private headerHave = 0;
  /** The message being assembled, once its header is known. */
  private message: Buffer | null = null;
  private messageHave = 0;
  /** Bytes copied so far; stays linear in the input (checked by the tests). */
  copied = 0;

  constructor(private readonly limit: MessageLimit) {}

  /** Bytes received that are not part of a message handed out yet. */
  get buffered(): number {
    return this.queued + (this.message ? this.messageHave : this.headerHave);
  }

  push(data: Uint8Array): void {
    if (data.length === 0) return;
    this.queue.push(data);
    this.queued += data.length;
  }

  private checkHeader(h: Uint8Array): number {
    const type = h[0]!;
    const length = (h[1]! << 16) | (h[2]! << 8) | h[3]!;
    const max = this.limit(type);
    if (max === null) throw unexpectedMessage();
    if (length > max) throw tlsError(Alert.illegal_parameter, 'EXCESSIVE_MESSAGE_SIZE');
    return length;
  }

  next(): HandshakeMessage | null {
    while (this.queue.length > 0) {
      const chunk = this.queue[0]!;
      // A whole message inside one chunk is handed out as a view, without copying.
      if (this.headerHave === 0 && chunk.length >= 4) {
        const length = this.checkHeader(chunk);
        if (chunk.length >= 4 + length) {
          const raw = chunk.subarray(0, 4 + length);
          this.take(4 + length);
          return { type: raw[0]!, body: raw.subarray(4), raw };
        }
      }
      if (this.headerHave < 4) {
        const n = Math.min(4 - this.headerHave, chunk.length);
        this.header.set(chunk.subarray(0, n), this.headerHave);
        this.headerHave += n;
        this.copied += n;
        this.take(n);
        if (this.headerHave < 4) continue;
        const length = this.checkHeader(this.header);
        this.message = Buffer.allocUnsafe(4 + length);
        this.message.set(this.header);
        this.messageHave = 4;
      }
      const message = this.message!;
      const rest = this.queue[0];
      if (rest && this.messageHave < message.length) {
        const n = Math.min(message.length - this.messageHave, rest.length);
        message.set(rest.subarray(0, n), this.messageHave);
        this.messageHave += n;
        this.copied += n;
        this.take(n);
      }
      if (this.messageHave === message.length) {
        this.message = null;
        this.headerHave = 0;
        this.messageHave = 0;
        return { type: message[0]!, body: message.subarray(4), raw: message };
      }
    }
    return null;
  }

  /** Drop `n` bytes from the front of the queue (never more than its first chunk). */
  private take(n: number): void {
    const chunk = this.queue[0]!;
    this.queued -= n;
    if (n === chunk.length) this.queue.shift();
    else this.queue[0] = chunk.subarray(n);
  }
}
