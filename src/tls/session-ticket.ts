// Self-contained session tickets (RFC 5077 4's recommended shape, with an
// AEAD instead of CBC+HMAC): key_name(16) || nonce(12) || AES-256-GCM(state)
// with the key name as additional data. The keys belong to the caller (an
// SSLContext): the newest encrypts, older ones still decrypt, so keys can be
// rotated and shared between processes behind one load balancer.
import type { CryptoProvider } from '../crypto/provider.js';
import { decodeSessionState, encodeSessionState, type SessionState } from './session-state.js';

const NAME_LENGTH = 16;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
/** Key material a caller hands in: a 16-byte name and at least 32 bytes of secret. */
export const TICKET_KEY_LENGTH = 80;
/** Decrypt-only keys kept after rotations. */
const MAX_OLD_KEYS = 3;

interface TicketKey {
  name: Uint8Array;
  aeadKey: Uint8Array;
}

export class TicketKeyring {
  private keys: TicketKey[] = [];

  constructor(private readonly p: CryptoProvider, material?: readonly Uint8Array[]) {
    if (material && material.length) this.setKeys(material);
    else this.rotate();
  }

  /**
   * Replace all keys; the first encrypts, the others only decrypt. Each is
   * 48 or 80 bytes (the sizes nginx and OpenSSL use for ticket key files):
   * a 16-byte name, the rest derives the AES-256-GCM key.
   */
  setKeys(material: readonly Uint8Array[]): void {
    if (material.length === 0) throw new RangeError('at least one ticket key is needed');
    this.keys = material.map((m) => {
      if (m.length !== 48 && m.length !== 80) throw new RangeError('a ticket key is 48 or 80 bytes');
      const name = Uint8Array.from(m.subarray(0, NAME_LENGTH));
      const ikm = m.subarray(NAME_LENGTH);
      const prk = this.p.hkdfExtract('sha256', name, ikm);
      const aeadKey = this.p.hkdfExpand('sha256', prk, Buffer.from('ssl-ts ticket key', 'latin1'), 32);
      return { name, aeadKey };
    });
  }

  /** A fresh random encryption key; the previous ones keep decrypting for a while. */
  rotate(): Uint8Array {
    const fresh = this.p.randomBytes(TICKET_KEY_LENGTH);
    const old = this.keys.slice(0, MAX_OLD_KEYS);
    this.setKeys([fresh]);
    this.keys.push(...old);
    return fresh;
  }

  seal(state: SessionState): Uint8Array {
    const key = this.keys[0]!;
    const nonce = this.p.randomBytes(NONCE_LENGTH);
    const parts = this.p.aead('aes-256-gcm', key.aeadKey).seal(nonce, key.name, [encodeSessionState(state)], Buffer.concat([key.name, nonce]));
    return Buffer.concat(parts);
  }

  open(ticket: Uint8Array): SessionState | null {
    if (ticket.length < NAME_LENGTH + NONCE_LENGTH + TAG_LENGTH) return null;
    const name = ticket.subarray(0, NAME_LENGTH);
    const key = this.keys.find((k) => Buffer.compare(k.name, name) === 0);
    if (!key) return null;
    const nonce = ticket.subarray(NAME_LENGTH, NAME_LENGTH + NONCE_LENGTH);
    const plain = this.p.aead('aes-256-gcm', key.aeadKey).open(nonce, key.name, ticket.subarray(NAME_LENGTH + NONCE_LENGTH));
    return plain ? decodeSessionState(plain) : null;
  }
}
