// The TLS 1.3 key schedule (RFC 8446 7.1): secrets derived from the (EC)DHE
// shared secret and the transcript, and the traffic keys derived from them.
import type { CryptoProvider } from '../crypto/provider.js';
import type { CipherSuite13 } from './cipher-suites.js';
import { type RecordProtection, Tls13Protection } from './record-layer.js';

/** "tls13 " + label with its length byte, for the labels in use (a handful; exporter labels come from callers, so the cache is bounded). */
const LABELS = new Map<string, Uint8Array>();

function labelField(label: string): Uint8Array {
  let field = LABELS.get(label);
  if (!field) {
    const text = Buffer.from(`tls13 ${label}`, 'latin1');
    if (text.length > 255) throw new RangeError('TLS vector too long');
    field = new Uint8Array(1 + text.length);
    field[0] = text.length;
    field.set(text, 1);
    if (LABELS.size < 64) LABELS.set(label, field);
  }
  return field;
}

/**
 * HKDF-Expand-Label (RFC 8446 7.1). The HkdfLabel is built in one pooled
 * buffer: it only feeds the HMAC, and a handshake makes about twenty of them
 * per side.
 */
export function hkdfExpandLabel(
  p: CryptoProvider,
  suite: CipherSuite13,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const field = labelField(label);
  if (context.length > 255) throw new RangeError('TLS vector too long');
  const info = Buffer.allocUnsafe(2 + field.length + 1 + context.length);
  info[0] = (length >>> 8) & 0xff;
  info[1] = length & 0xff;
  info.set(field, 2);
  info[2 + field.length] = context.length;
  info.set(context, 3 + field.length);
  return p.hkdfExpand(suite.hash, secret, info, length);
}

/**
 * Values that depend only on the hash function when there is no PSK: the
 * zero key, the hash of nothing, the early secret HKDF-Extract(0, 0) and the
 * first 'derived' secret. Every full handshake needs them; computed once.
 */
interface NoPskConstants {
  zeros: Uint8Array;
  emptyHash: Uint8Array;
  earlySecret: Uint8Array;
  derived: Uint8Array;
}
const NO_PSK = new Map<string, NoPskConstants>();

function noPskConstants(p: CryptoProvider, suite: CipherSuite13): NoPskConstants {
  let c = NO_PSK.get(suite.hash);
  if (!c) {
    const zeros = new Uint8Array(suite.hashLength);
    const emptyHash = p.digest(suite.hash, new Uint8Array(0));
    const earlySecret = p.hkdfExtract(suite.hash, zeros, zeros);
    const derived = hkdfExpandLabel(p, suite, earlySecret, 'derived', emptyHash, suite.hashLength);
    c = { zeros, emptyHash, earlySecret, derived };
    NO_PSK.set(suite.hash, c);
  }
  return c;
}

export class KeySchedule {
  private readonly zeros: Uint8Array;
  private readonly emptyHash: Uint8Array;
  private handshakeSecret: Uint8Array | null = null;
  private masterSecret: Uint8Array | null = null;
  /** HKDF-Extract(0, PSK), or of zeros without a PSK (RFC 8446 7.1). */
  readonly earlySecret: Uint8Array;

  /** deriveSecret(earlySecret, 'derived', emptyHash), known in advance without a PSK. */
  private readonly derivedFromEarly: Uint8Array | null;

  constructor(private readonly p: CryptoProvider, readonly suite: CipherSuite13, psk: Uint8Array | null = null) {
    const c = noPskConstants(p, suite);
    this.zeros = c.zeros;
    this.emptyHash = c.emptyHash;
    this.earlySecret = psk ? p.hkdfExtract(suite.hash, this.zeros, psk) : c.earlySecret;
    this.derivedFromEarly = psk ? null : c.derived;
  }

  deriveSecret(secret: Uint8Array, label: string, transcriptHash: Uint8Array): Uint8Array {
    return hkdfExpandLabel(this.p, this.suite, secret, label, transcriptHash, this.suite.hashLength);
  }

  /** The handshake secret from the shared (EC)DHE value; null for psk_ke, which has none. */
  setSharedSecret(shared: Uint8Array | null): void {
    const derived = this.derivedFromEarly ?? this.deriveSecret(this.earlySecret, 'derived', this.emptyHash);
    this.handshakeSecret = this.p.hkdfExtract(this.suite.hash, derived, shared ?? this.zeros);
    const derived2 = this.deriveSecret(this.handshakeSecret, 'derived', this.emptyHash);
    this.masterSecret = this.p.hkdfExtract(this.suite.hash, derived2, this.zeros);
  }

  /** 0-RTT keys, from the first ClientHello's hash (RFC 8446 7.1). */
  clientEarlyTrafficSecret(helloHash: Uint8Array): Uint8Array {
    return this.deriveSecret(this.earlySecret, 'c e traffic', helloHash);
  }

  clientHandshakeSecret(helloHash: Uint8Array): Uint8Array {
    return this.deriveSecret(this.need(this.handshakeSecret), 'c hs traffic', helloHash);
  }

  serverHandshakeSecret(helloHash: Uint8Array): Uint8Array {
    return this.deriveSecret(this.need(this.handshakeSecret), 's hs traffic', helloHash);
  }

  clientApplicationSecret(finishedHash: Uint8Array): Uint8Array {
    return this.deriveSecret(this.need(this.masterSecret), 'c ap traffic', finishedHash);
  }

  serverApplicationSecret(finishedHash: Uint8Array): Uint8Array {
    return this.deriveSecret(this.need(this.masterSecret), 's ap traffic', finishedHash);
  }

  exporterMasterSecret(finishedHash: Uint8Array): Uint8Array {
    return this.deriveSecret(this.need(this.masterSecret), 'exp master', finishedHash);
  }

  resumptionMasterSecret(clientFinishedHash: Uint8Array): Uint8Array {
    return this.deriveSecret(this.need(this.masterSecret), 'res master', clientFinishedHash);
  }

  /** verify_data for a Finished message sent under `baseKey` (RFC 8446 4.4.4). */
  finishedVerifyData(baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
    const finishedKey = hkdfExpandLabel(this.p, this.suite, baseKey, 'finished', new Uint8Array(0), this.suite.hashLength);
    return this.p.hmac(this.suite.hash, finishedKey, transcriptHash);
  }

  /** The traffic secret after a KeyUpdate (RFC 8446 7.2). */
  nextTrafficSecret(secret: Uint8Array): Uint8Array {
    return hkdfExpandLabel(this.p, this.suite, secret, 'traffic upd', new Uint8Array(0), this.suite.hashLength);
  }

  protection(trafficSecret: Uint8Array): RecordProtection {
    const key = hkdfExpandLabel(this.p, this.suite, trafficSecret, 'key', new Uint8Array(0), this.suite.keyLength);
    const iv = hkdfExpandLabel(this.p, this.suite, trafficSecret, 'iv', new Uint8Array(0), 12);
    return new Tls13Protection(this.p.aead(this.suite.aead, key), iv);
  }

  private need(s: Uint8Array | null): Uint8Array {
    if (!s) throw new Error('key schedule used out of order');
    return s;
  }
}
