// A TLS connection without I/O: bytes in (`receive`), bytes out (`takeOutput`),
// application data in and out. The handshake itself lives in state objects
// (handshake-client13.ts, handshake-server13.ts); this file routes records.
import { SSLError } from '../errors.js';
import { alertToSend, illegalParameter, peerAlertError, tlsError, unexpectedMessage } from './alert.js';
import { Alert, AlertLevel, ContentType, ProtocolVersion } from './constants.js';
import type { EngineConfig, TraceEvent } from './config.js';
import { frameHandshake, type HandshakeMessage, HandshakeReassembler } from './handshake-framing.js';
import type { KeySchedule } from './key-schedule.js';
import { MAX_EMPTY_RECORDS, MAX_WARN_ALERTS, maxMessageSize } from './message-limits.js';
import { type RecordProtection, RecordReader, RecordWriter } from './record-layer.js';
import { Transcript } from './transcript.js';
import { postHandshakeAuthPossible } from './post-handshake-auth.js';
import type { ClientSession } from './session-state.js';
import type { HashName } from '../crypto/provider.js';

/** One step of a handshake: consumes a message and says what comes next. */
export interface HandshakeState {
  readonly name: string;
  handle(conn: Connection, msg: HandshakeMessage): HandshakeState;
  /** TLS 1.2 only: a ChangeCipherSpec arrived; states that expect none leave this out. */
  changeCipherSpec?(conn: Connection): HandshakeState;
}

/** What both sides agreed on, for the ssl layer and for tracing. */
export interface Negotiated {
  version: number | null;
  cipherSuite: string | null;
  cipherBits: number;
  group: number | null;
  signatureScheme: number | null;
  alpn: string | null;
  helloRetryRequest: boolean;
  /** Client: the SNI we sent; server: the SNI the client sent. */
  serverName: string | null;
  peerCertificates: Uint8Array[];
  verifiedChain: Uint8Array[] | null;
  /** The client's cipher suites, as offered (server side). */
  offeredSuites: number[];
  clientFinished: Uint8Array | null;
  serverFinished: Uint8Array | null;
  /**
   * TLS 1.2: whether the master secret is RFC 7627's. A session must carry
   * this: RFC 7627 5.3 forbids resuming across a difference (see handshake-*12.ts).
   */
  extendedMasterSecret: boolean;
  /** TLS 1.2 CBC suites: RFC 7366 encrypt-then-MAC in use. */
  encryptThenMac: boolean;
  /** The handshake resumed a session (abbreviated handshake). */
  resumed: boolean;
  /** Server: the id of this connection's session, as OpenSSL shows it (random in TLS 1.3). */
  sessionId: Uint8Array;
}

/** Secrets needed after the handshake (KeyUpdate, tickets, exporters). */
export interface TrafficSecrets {
  schedule: KeySchedule;
  clientSecret: Uint8Array;
  serverSecret: Uint8Array;
  resumptionSecret: Uint8Array | null;
  /** TLS 1.3 exporter_master_secret (RFC 8446 7.5). */
  exporterSecret?: Uint8Array;
}

/** A copy with its own (exactly sized) memory. */
function ownCopy(b: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(b);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** Before begin(): any message is out of place. */
const NOT_STARTED: HandshakeState = {
  name: 'NotStarted',
  handle: () => {
    throw unexpectedMessage();
  },
};

export class Connection {
  readonly transcript: Transcript;
  readonly reader = new RecordReader();
  readonly writer = new RecordWriter();
  private readonly reassembler = new HandshakeReassembler((type) =>
    maxMessageSize(this.isServer, this.negotiated.version, type),
  );
  private out: Uint8Array[] = [];
  private pendingHandshake: Uint8Array[] = [];
  /** Trace events of the queued handshake messages: reported once their record is written. */
  private pendingTrace: TraceEvent[] = [];
  private appIn: Uint8Array[] = [];
  private appInSize = 0;
  private emptyRecords = 0;
  private warnAlerts = 0;
  /** TLS 1.3: the peer's one middlebox-compatibility ChangeCipherSpec has arrived. */
  private ccsReceived = false;
  /** Some handshake message has come in (for a server: the first ClientHello). */
  private helloReceived = false;

  state: HandshakeState;
  handshakeDone = false;
  /** settle() has run. */
  private settled = false;
  peerClosed = false;
  sentClose = false;
  error: SSLError | null = null;
  secrets: TrafficSecrets | null = null;
  /** 0-RTT: the client's outcome, or whether the server took the early data. */
  earlyStatus: 'not_sent' | 'rejected' | 'accepted' = 'not_sent';
  /** Server: early data records are being read (until EndOfEarlyData). */
  readingEarlyData = false;
  /** Server: early data received, apart from ordinary application data. */
  earlyIn: Uint8Array[] = [];
  earlyInSize = 0;
  /** Server: bytes of early data allowed. */
  earlyLimit = 0;
  /** Server: rejected early data still to skip (RFC 8446 4.2.10), in bytes. */
  earlySkip = 0;
  /** Client: sessions the server gave us, newest last (bounded). */
  sessions: ClientSession[] = [];
  /** TLS 1.2: what exporters (RFC 5705) need. */
  tls12Secrets: { master: Uint8Array; clientRandom: Uint8Array; serverRandom: Uint8Array; hash: HashName } | null = null;
  readonly negotiated: Negotiated = {
    version: null,
    cipherSuite: null,
    cipherBits: 0,
    group: null,
    signatureScheme: null,
    alpn: null,
    helloRetryRequest: false,
    serverName: null,
    peerCertificates: [],
    verifiedChain: null,
    offeredSuites: [],
    clientFinished: null,
    serverFinished: null,
    extendedMasterSecret: false,
    encryptThenMac: false,
    resumed: false,
    sessionId: new Uint8Array(0),
  };

  constructor(readonly config: EngineConfig) {
    this.transcript = new Transcript(config.provider);
    this.state = NOT_STARTED;
    const rt = config.recordTrace;
    if (rt) {
      this.reader.observer = {
        header: (header) => rt({ direction: 'received', kind: 'record_header', header }),
        innerType: (type) => rt({ direction: 'received', kind: 'inner_content_type', type }),
      };
      this.writer.observer = {
        header: (header) => rt({ direction: 'sent', kind: 'record_header', header }),
        innerType: (type) => rt({ direction: 'sent', kind: 'inner_content_type', type }),
      };
    }
  }

  now(): number {
    return this.config.now ? this.config.now() : Date.now();
  }

  get isServer(): boolean {
    return this.config.isServer;
  }

  // ---- input -------------------------------------------------------------

  /** How many more bytes complete the record being read. */
  wanted(): number {
    return this.reader.wanted();
  }

  /** True when a record has been started but not completed (EOF now is truncation). */
  get midRecord(): boolean {
    return this.reader.partial || this.reassembler.buffered > 0;
  }

  get appPending(): number {
    return this.appInSize;
  }

  /** Feed at most `wanted()` bytes. Throws SSLError on a fatal error (the alert is queued first). */
  receive(data: Uint8Array): void {
    this.guard(() => {
      let rec;
      try {
        rec = this.reader.push(data);
      } catch (e) {
        // Rejected 0-RTT data cannot be decrypted with the handshake keys: skip it (RFC 8446 4.2.10).
        if (this.earlySkip > 0 && e instanceof SSLError && e.reason === 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC' && this.earlySkipRecord()) return;
        throw e;
      }
      if (rec) this.dispatch(rec.record.type, rec.record.data);
    });
  }

  /** Account for one skipped early data record; false once the allowance is spent. */
  private earlySkipRecord(): boolean {
    const size = this.reader.lastBodyLength;
    if (size > this.earlySkip) return false;
    this.earlySkip -= size;
    return true;
  }

  /** Run `f`, turning any failure into a fatal alert and a sticky error. */
  guard<T>(f: () => T): T {
    if (this.error) throw this.error;
    try {
      return f();
    } catch (e) {
      throw this.fail(e);
    }
  }

  fail(e: unknown): SSLError {
    const err =
      e instanceof SSLError
        ? e
        : // A bug of ours must still surface as an SSLError and alert the peer.
          tlsError(Alert.internal_error, 'INTERNAL_ERROR', `internal error: ${(e as Error)?.message ?? String(e)}`);
    const alert = alertToSend(err) ?? (e instanceof SSLError ? undefined : Alert.internal_error);
    if (alert !== undefined && !this.sentClose) {
      this.pendingHandshake = [];
      this.pendingTrace = [];
      this.sendAlert(AlertLevel.fatal, alert);
    }
    this.error = err;
    return err;
  }

  private dispatch(type: number, data: Uint8Array): void {
    this.floodCheck(type, data);
    switch (type) {
      case ContentType.handshake:
        return this.onHandshakeRecord(data);
      case ContentType.application_data:
        if (!this.handshakeDone) return this.onEarlyRecord(data);
        if (this.reassembler.buffered > 0) throw unexpectedMessage('UNEXPECTED_RECORD');
        if (data.length > 0) {
          this.appIn.push(data);
          this.appInSize += data.length;
        }
        return;
      case ContentType.alert:
        return this.onAlert(data);
      case ContentType.change_cipher_spec:
        if (data.length !== 1 || data[0] !== 1) throw unexpectedMessage('BAD_CHANGE_CIPHER_SPEC');
        this.config.trace?.({ direction: 'received', kind: 'change_cipher_spec', data });
        if (this.negotiated.version === ProtocolVersion.TLS12) {
          // In TLS 1.2 it switches keys, so it must come where the state expects it. OpenSSL 3.0's
          // reasons (`openssl s_client -tls1_2` sent one early or after the handshake): its state
          // machine's UNEXPECTED_MESSAGE during the handshake, its record layer's CCS_RECEIVED_EARLY after.
          if (!this.state.changeCipherSpec) throw unexpectedMessage(this.handshakeDone ? 'CCS_RECEIVED_EARLY' : 'UNEXPECTED_MESSAGE');
          this.requireRecordBoundary();
          this.state = this.state.changeCipherSpec(this);
          this.flush();
          return;
        }
        // RFC 8446 5: a lone 0x01 may appear during the handshake, for middleboxes,
        // once the first ClientHello is on its way: the server must have received
        // it. The peer sends it once (D.4), so a second one is refused.
        if (this.handshakeDone || this.ccsReceived) throw unexpectedMessage('UNEXPECTED_CCS_MESSAGE');
        if (this.isServer && !this.helloReceived) throw unexpectedMessage('UNEXPECTED_CCS_MESSAGE');
        this.ccsReceived = true;
        return;
      default:
        throw unexpectedMessage('UNEXPECTED_RECORD');
    }
  }

  /**
   * OpenSSL's limits on records that carry nothing: more than 32 empty records
   * in a row (RECORD_TOO_SMALL), and the count of warning alerts in a row, which
   * any non-empty record other than an alert resets.
   */
  private floodCheck(type: number, data: Uint8Array): void {
    if (data.length === 0) {
      if (++this.emptyRecords > MAX_EMPTY_RECORDS) throw unexpectedMessage('RECORD_TOO_SMALL');
      return;
    }
    this.emptyRecords = 0;
    if (type !== ContentType.alert) this.warnAlerts = 0;
  }

  /** Application data before the handshake ends: accepted 0-RTT data, or rejected early data to skip. */
  private onEarlyRecord(data: Uint8Array): void {
    if (this.readingEarlyData) {
      this.earlyInSize += data.length;
      if (this.earlyInSize > this.earlyLimit) throw unexpectedMessage('TOO_MUCH_EARLY_DATA');
      if (data.length > 0) this.earlyIn.push(data);
      return;
    }
    // After a HelloRetryRequest the client's early data arrives in plaintext records: skipped too.
    if (this.earlySkip >= data.length && !this.reader.protection) {
      this.earlySkip -= data.length;
      return;
    }
    throw unexpectedMessage('UNEXPECTED_RECORD');
  }

  /** Take the early data received so far (server). */
  readEarly(n: number): Uint8Array {
    const all = Buffer.concat(this.earlyIn);
    const out = all.subarray(0, n);
    this.earlyIn = all.length > n ? [all.subarray(n)] : [];
    return out;
  }

  private onHandshakeRecord(data: Uint8Array): void {
    if (data.length === 0) throw unexpectedMessage('BAD_LENGTH');
    this.reassembler.push(data);
    for (let msg = this.reassembler.next(); msg; msg = this.reassembler.next()) {
      this.config.trace?.({ direction: 'received', kind: 'handshake', type: msg.type, length: msg.body.length, data: msg.raw });
      this.helloReceived = true;
      this.state = this.state.handle(this, msg);
      this.flush();
      if (this.error) return;
    }
    if (this.handshakeDone && !this.settled) this.settle();
  }

  /**
   * The handshake is over: drop what only it needed, so that an idle
   * connection holds little. Values kept for the API are copied out of the
   * decrypted flights they point into, which would otherwise stay alive whole.
   */
  private settle(): void {
    this.settled = true;
    // TLS 1.3 post-handshake authentication hashes its messages onto the handshake's transcript.
    this.transcript.release(postHandshakeAuthPossible(this));
    const n = this.negotiated;
    const shared = n.verifiedChain ?? [];
    n.peerCertificates = n.peerCertificates.map((der) => shared.find((v) => bytesEqual(v, der)) ?? ownCopy(der));
    if (n.clientFinished) n.clientFinished = ownCopy(n.clientFinished);
    if (n.serverFinished) n.serverFinished = ownCopy(n.serverFinished);
  }

  /** Key changes must fall on a record boundary (RFC 8446 5.1). */
  requireRecordBoundary(): void {
    if (this.reassembler.buffered > 0) throw unexpectedMessage('NOT_ON_RECORD_BOUNDARY');
  }

  private onAlert(data: Uint8Array): void {
    // TLS 1.3 records of alerts are never empty (RFC 8446 5.1); an alert is two bytes.
    if (data.length === 0 && this.reader.protection?.hidesType) throw unexpectedMessage('BAD_LENGTH');
    if (data.length !== 2) throw unexpectedMessage('INVALID_ALERT');
    const level = data[0]!;
    const desc = data[1]!;
    this.config.trace?.({ direction: 'received', kind: 'alert', level, description: desc, data });
    // Warnings (close_notify and user_canceled included) in a row: OpenSSL stops at the fifth.
    if ((level === AlertLevel.warning || desc === Alert.user_canceled) && ++this.warnAlerts >= MAX_WARN_ALERTS) {
      throw unexpectedMessage('TOO_MANY_WARN_ALERTS');
    }
    // In OpenSSL's order. TLS 1.3 ignores user_canceled (at any level, once negotiated)
    // and, like a handshake with no version yet, takes every other alert as fatal,
    // whatever its level; TLS 1.2 lets other warnings pass and refuses a level that
    // is neither.
    const tls12 = this.negotiated.version === ProtocolVersion.TLS12;
    const tls13 = this.negotiated.version === ProtocolVersion.TLS13;
    if (desc === Alert.user_canceled && (tls13 || level === AlertLevel.warning)) return;
    if (desc === Alert.close_notify && (!tls12 || level === AlertLevel.warning)) {
      this.peerClosed = true;
      return;
    }
    if (tls12 && level === AlertLevel.warning) return;
    if (tls12 && level !== AlertLevel.fatal) throw illegalParameter('UNKNOWN_ALERT_TYPE');
    const err = peerAlertError(desc);
    this.sentClose = true; // nothing more may be sent after a fatal alert
    throw err;
  }

  /** Take up to `n` bytes of received application data. */
  readApp(n: number): Uint8Array {
    if (this.appInSize === 0 || n <= 0) return new Uint8Array(0);
    const first = this.appIn[0]!;
    if (first.length <= n && (this.appIn.length === 1 || first.length === n)) {
      this.appIn.shift();
      this.appInSize -= first.length;
      return first;
    }
    const take = Math.min(n, this.appInSize);
    const out = Buffer.allocUnsafe(take);
    let at = 0;
    while (at < take) {
      const c = this.appIn[0]!;
      const k = Math.min(c.length, take - at);
      out.set(c.subarray(0, k), at);
      at += k;
      if (k === c.length) this.appIn.shift();
      else this.appIn[0] = c.subarray(k);
    }
    this.appInSize -= take;
    return out;
  }

  // ---- output ------------------------------------------------------------

  /** Frame a handshake message, add it to the transcript and queue it. */
  sendHandshake(type: number, body: Uint8Array, addToTranscript = true): Uint8Array {
    const raw = frameHandshake(type, body);
    if (addToTranscript) this.transcript.add(raw);
    this.pendingHandshake.push(raw);
    if (this.config.trace) this.pendingTrace.push({ direction: 'sent', kind: 'handshake', type, length: body.length, data: raw });
    return raw;
  }

  /** Write queued handshake messages as records under the current keys. */
  flush(): void {
    if (this.pendingHandshake.length === 0) return;
    const data = this.pendingHandshake.length === 1 ? this.pendingHandshake[0]! : Buffer.concat(this.pendingHandshake);
    this.pendingHandshake = [];
    this.writer.encode(ContentType.handshake, data, this.out);
    if (this.pendingTrace.length > 0) {
      const events = this.pendingTrace;
      this.pendingTrace = [];
      for (const ev of events) this.config.trace?.(ev);
    }
  }

  sendChangeCipherSpec(): void {
    this.flush();
    const saved = this.writer.protection;
    this.writer.protection = null; // CCS is never protected
    this.writer.encode(ContentType.change_cipher_spec, Uint8Array.of(1), this.out);
    this.writer.protection = saved;
    this.config.trace?.({ direction: 'sent', kind: 'change_cipher_spec', data: Uint8Array.of(1) });
  }

  setWriteProtection(p: RecordProtection): void {
    this.flush();
    this.writer.protection = p;
  }

  setReadProtection(p: RecordProtection): void {
    this.requireRecordBoundary();
    this.reader.protection = p;
  }

  sendAlert(level: number, desc: number): void {
    this.flush();
    this.writer.encode(ContentType.alert, Uint8Array.of(level, desc), this.out);
    this.config.trace?.({ direction: 'sent', kind: 'alert', level, description: desc, data: Uint8Array.of(level, desc) });
    if (desc === Alert.close_notify || level === AlertLevel.fatal) this.sentClose = true;
  }

  sendCloseNotify(): void {
    if (this.sentClose) return;
    this.sendAlert(AlertLevel.warning, Alert.close_notify);
  }

  /** Client: 0-RTT data, under the early keys set as write protection. */
  sendEarlyApp(data: Uint8Array): void {
    this.writer.encode(ContentType.application_data, data, this.out);
  }

  sendApp(data: Uint8Array): void {
    this.guard(() => {
      if (!this.handshakeDone) throw new Error('sendApp before the handshake');
      this.writer.encode(ContentType.application_data, data, this.out);
    });
  }

  /** Hand over everything queued for the peer. */
  takeOutput(): Uint8Array[] {
    this.flush();
    const out = this.out;
    this.out = [];
    return out;
  }

  /** Report a secret for key logging, when the caller asked for it. */
  logSecret(label: string, clientRandom: Uint8Array, secret: Uint8Array): void {
    this.config.keylog?.(label, clientRandom, secret);
  }

  /** Enter the first state: the client sends its ClientHello here, the server just waits. */
  begin(start: (conn: Connection) => HandshakeState): void {
    this.guard(() => {
      this.state = start(this);
      this.flush();
    });
  }
}

