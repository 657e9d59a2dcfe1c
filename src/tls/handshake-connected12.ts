// TLS 1.2 key installation, Finished messages, and the established connection
// (RFC 5246 7.4.9; renegotiation refused as RFC 5746 and OpenSSL's
// OP_NO_RENEGOTIATION do).
import { decodeError, tlsError, unexpectedMessage } from './alert.js';
import type { CipherSuite12 } from './cipher-suites12.js';
import { Alert, AlertLevel, HandshakeType } from './constants.js';
import type { Connection, HandshakeState } from './connection.js';
import type { HandshakeMessage } from './handshake-framing.js';
import { finishedVerifyData12, keyBlock } from './prf.js';
import { type RecordProtection, Tls12Protection } from './record-layer.js';
import { CbcProtection, type CbcKeys } from './record-cbc.js';

/** Derive both directions' record protection from the master secret. */
export function installKeys12(
  conn: Connection,
  suite: CipherSuite12,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): { read: RecordProtection; write: RecordProtection } {
  const p = conn.config.provider;
  // Kept for exporters (RFC 5705) and for the session a ticket or id resumes.
  conn.tls12Secrets = { master, clientRandom, serverRandom, hash: suite.hash };
  const kb = keyBlock(p, suite.hash, master, clientRandom, serverRandom, suite.keyLength, suite.fixedIvLength, suite.macLength);
  let client: RecordProtection;
  let server: RecordProtection;
  if (suite.mode === 'cbc') {
    const etm = conn.negotiated.encryptThenMac;
    const keys = (key: Uint8Array, macKey: Uint8Array): CbcKeys => ({ cipher: suite.cbc!, key, macHash: suite.macHash!, macKey, encryptThenMac: etm });
    client = new CbcProtection(keys(kb.clientKey, kb.clientMacKey), p);
    server = new CbcProtection(keys(kb.serverKey, kb.serverMacKey), p);
  } else {
    client = new Tls12Protection(p.aead(suite.aead, kb.clientKey), kb.clientIv, suite.explicitNonce);
    server = new Tls12Protection(p.aead(suite.aead, kb.serverKey), kb.serverIv, suite.explicitNonce);
  }
  return conn.isServer ? { read: client, write: server } : { read: server, write: client };
}

export function sendFinished12(conn: Connection, suite: CipherSuite12, master: Uint8Array): Uint8Array {
  const verifyData = finishedVerifyData12(conn.config.provider, suite.hash, master, !conn.isServer, conn.transcript.hash());
  conn.sendHandshake(HandshakeType.finished, verifyData);
  return verifyData;
}

export function checkFinished12(conn: Connection, suite: CipherSuite12, master: Uint8Array, msg: HandshakeMessage): Uint8Array {
  const expected = finishedVerifyData12(conn.config.provider, suite.hash, master, conn.isServer, conn.transcript.hash());
  if (msg.body.length !== expected.length) throw decodeError('BAD_LENGTH');
  if (!conn.config.provider.timingSafeEqual(msg.body, expected)) throw tlsError(Alert.decrypt_error, 'DIGEST_CHECK_FAILED');
  conn.transcript.add(msg.raw);
  return msg.body;
}

export class ConnectedState12 implements HandshakeState {
  readonly name = 'Connected';

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    if (!conn.isServer && msg.type === HandshakeType.hello_request) {
      // A client that does not renegotiate may ignore HelloRequest (RFC 5246 7.4.1.1).
      if (msg.body.length !== 0) throw decodeError('BAD_HELLO_REQUEST');
      return this;
    }
    if (conn.isServer && msg.type === HandshakeType.client_hello) {
      // Renegotiation is refused with a warning; the connection goes on (RFC 5746 4.5).
      conn.sendAlert(AlertLevel.warning, Alert.no_renegotiation);
      return this;
    }
    throw unexpectedMessage();
  }
}
