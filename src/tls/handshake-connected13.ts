// Post-handshake messages on an established TLS 1.3 connection (RFC 8446 4.6).
import { unexpectedMessage } from './alert.js';
import { HandshakeType } from './constants.js';
import type { Connection, HandshakeState } from './connection.js';
import type { HandshakeMessage } from './handshake-framing.js';
import { storeTicket13 } from './resumption13.js';
import { decodeKeyUpdate, KEY_UPDATE_NOT_REQUESTED, KEY_UPDATE_REQUESTED } from './tls13-messages.js';
import { Writer } from './codec.js';
import { handlePostHandshakeAuth } from './post-handshake-auth.js';


export class ConnectedState implements HandshakeState {
  readonly name = 'Connected';

  handle(conn: Connection, msg: HandshakeMessage): HandshakeState {
    switch (msg.type) {
      case HandshakeType.new_session_ticket:
        if (conn.isServer) throw unexpectedMessage();
        this.storeTicket(conn, msg);
        return this;
      case HandshakeType.key_update:
        this.keyUpdate(conn, decodeKeyUpdate(msg.body));
        return this;
      default:
        // Post-handshake auth (post-handshake-auth.ts) or out of place.
        if (handlePostHandshakeAuth(conn, msg)) return this;
        throw unexpectedMessage();
    }
  }

  private storeTicket(conn: Connection, msg: HandshakeMessage): void {
    storeTicket13(conn, msg);
  }

  private keyUpdate(conn: Connection, request: number): void {
    conn.requireRecordBoundary();
    const s = conn.secrets!;
    const isServer = conn.isServer;
    const peerSecret = s.schedule.nextTrafficSecret(isServer ? s.clientSecret : s.serverSecret);
    if (isServer) s.clientSecret = peerSecret;
    else s.serverSecret = peerSecret;
    conn.setReadProtection(s.schedule.protection(peerSecret));
    // Answer a request with our own update, unless we have already closed our side.
    if (request === KEY_UPDATE_REQUESTED && !conn.sentClose) sendKeyUpdate(conn, KEY_UPDATE_NOT_REQUESTED);
  }
}

/** Send KeyUpdate and switch our sending keys (RFC 8446 4.6.3). */
export function sendKeyUpdate(conn: Connection, request: number): void {
  const s = conn.secrets!;
  conn.sendHandshake(HandshakeType.key_update, new Writer(1).u8(request).finish(), false);
  conn.flush();
  const mine = s.schedule.nextTrafficSecret(conn.isServer ? s.serverSecret : s.clientSecret);
  if (conn.isServer) s.serverSecret = mine;
  else s.clientSecret = mine;
  conn.setWriteProtection(s.schedule.protection(mine));
}
