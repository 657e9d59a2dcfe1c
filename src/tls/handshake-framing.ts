// Handshake message framing: the 4-byte header, and reassembly of messages
// that arrive split across records or packed several to a record.
import { tlsError } from './alert.js';
import { Writer } from './codec.js';
import { Alert, MAX_HANDSHAKE_MESSAGE } from './constants.js';

export interface HandshakeMessage {
  type: number;
  body: Uint8Array;
  /** Header and body, exactly as they enter the transcript. */
  raw: Uint8Array;
}

export function frameHandshake(type: number, body: Uint8Array): Uint8Array {
  return new Writer(body.length + 4).u8(type).vec24(body).finish();
}

export class HandshakeReassembler {
  private chunks: Uint8Array[] = [];
  private size = 0;

  get buffered(): number {
    return this.size;
  }

  push(data: Uint8Array): void {
    if (data.length === 0) return;
    this.chunks.push(data);
    this.size += data.length;
    // Refuse an announced length we would never accept, before buffering it.
    if (this.size >= 4) {
      const need = this.peekLength();
      if (need > MAX_HANDSHAKE_MESSAGE) throw tlsError(Alert.illegal_parameter, 'EXCESSIVE_MESSAGE_SIZE');
    }
  }

  private flatten(): Uint8Array {
    if (this.chunks.length > 1) {
      const all = Buffer.concat(this.chunks);
      this.chunks = [all];
    }
    return this.chunks[0]!;
  }

  private peekLength(): number {
    const b = this.flatten();
    return (b[1]! << 16) | (b[2]! << 8) | b[3]!;
  }

  next(): HandshakeMessage | null {
    if (this.size < 4) return null;
    const len = this.peekLength();
    if (this.size < 4 + len) return null;
    const b = this.flatten();
    const raw = b.subarray(0, 4 + len);
    const rest = b.subarray(4 + len);
    this.chunks = rest.length ? [rest] : [];
    this.size = rest.length;
    return { type: raw[0]!, body: raw.subarray(4), raw };
  }
}
