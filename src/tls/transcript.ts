// The running handshake transcript hash (RFC 8446 4.4.1). Messages are held
// until the cipher suite fixes the hash function.
import type { CryptoProvider, HashName, RunningHash } from '../crypto/provider.js';
import { HandshakeType } from './constants.js';
import { frameHandshake } from './handshake-framing.js';

export class Transcript {
  private held: Uint8Array[] = [];
  private running: RunningHash | null = null;
  private hashName: HashName | null = null;
  /** Every message as sent, for TLS 1.2 CertificateVerify, which signs them raw. */
  readonly messages: Uint8Array[] = [];

  constructor(private readonly p: CryptoProvider) {}

  add(raw: Uint8Array): void {
    this.messages.push(raw);
    if (this.running) this.running.update(raw);
    else this.held.push(raw);
  }

  /** Fix the hash function once the suite is known, hashing what was held. */
  start(hash: HashName): void {
    if (this.running) return;
    this.hashName = hash;
    this.running = this.p.hash(hash);
    for (const m of this.held) this.running.update(m);
    this.held = [];
  }

  /** After a HelloRetryRequest the first ClientHello is replaced by its hash (RFC 8446 4.4.1). */
  replaceWithMessageHash(): void {
    const hash = this.hashName;
    if (!hash || !this.running) throw new Error('transcript not started');
    const digest = this.running.peek();
    this.running = this.p.hash(hash);
    this.running.update(frameHandshake(HandshakeType.message_hash, digest));
  }

  /** An independent copy of the running hash, for post-handshake messages hashed on their own. */
  fork(): RunningHash {
    if (!this.running) throw new Error('transcript not started');
    return this.running.clone();
  }

  /** The hash as if `extra` came next, without adding it (PSK binders). */
  hashWith(extra: Uint8Array): Uint8Array {
    if (!this.running) throw new Error('transcript not started');
    const h = this.running.clone();
    h.update(extra);
    return h.peek();
  }

  get started(): boolean {
    return this.running !== null;
  }

  hash(): Uint8Array {
    if (!this.running) throw new Error('transcript not started');
    return this.running.peek();
  }
}
