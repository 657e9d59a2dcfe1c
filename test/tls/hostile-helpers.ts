// Building hostile peer bytes for engine tests: real first flights from our
// own client, taken apart, changed and put back together.
import type { EngineConfig } from '../../src/tls/config.js';
import { Connection } from '../../src/tls/connection.js';
import { startClient } from '../../src/tls/handshake-client13.js';
import { type ClientHello, decodeClientHello, encodeClientHello } from '../../src/tls/hello-messages.js';
import { engineConfig, pair } from './engine-helpers.js';

const CLIENT_HELLO = 1;

/** A plaintext record of `type` around `data`. */
export function record(type: number, data: Uint8Array, version = 0x0303): Buffer {
  return Buffer.concat([Buffer.from([type, version >> 8, version & 0xff, data.length >> 8, data.length & 0xff]), data]);
}

/** A handshake message: type, u24 length, body. */
export function handshakeMessage(type: number, body: Uint8Array): Buffer {
  const n = body.length;
  return Buffer.concat([Buffer.from([type, n >> 16, (n >> 8) & 0xff, n & 0xff]), body]);
}

/** Split `data` into handshake records of at most `size` bytes each. */
export function handshakeRecords(data: Uint8Array, size = 16384): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < data.length; off += size) out.push(record(22, data.subarray(off, off + size)));
  return out;
}

/** Our client's ClientHello, decoded, so a test can change it. */
export function clientHello(over: Partial<EngineConfig> = {}): ClientHello {
  const client = new Connection(engineConfig(over));
  client.begin(startClient);
  const flight = Buffer.concat(client.takeOutput());
  // One record holding one ClientHello: 5-byte record header, 4-byte message header.
  return decodeClientHello(flight.subarray(9));
}

/** The handshake records of a ClientHello, re-encoded after `edit`. */
export function clientHelloRecords(edit: (ch: ClientHello) => void, over: Partial<EngineConfig> = {}): Buffer[] {
  const ch = clientHello(over);
  edit(ch);
  return handshakeRecords(handshakeMessage(1, encodeClientHello(ch)));
}

/** Feed whole records to `conn`, each as it is. */
export function feed(conn: Connection, records: readonly Uint8Array[]): void {
  for (const r of records) {
    let off = 0;
    while (off < r.length) {
      const n = Math.min(conn.wanted(), r.length - off);
      conn.receive(r.subarray(off, off + n));
      off += n;
    }
  }
}

/** A fresh server and a client whose output goes nowhere, for hand-made flights. */
export function server(serverOver: Partial<EngineConfig> = {}): Connection {
  return pair({}, serverOver).server;
}

/** Run both sides until neither has more to say. */
export function handshake(client: Connection, server: Connection): void {
  client.begin(startClient);
  for (let i = 0; i < 6 && !(client.handshakeDone && server.handshakeDone); i++) {
    ferryAll(client, server);
    ferryAll(server, client);
  }
}

function ferryAll(from: Connection, to: Connection): void {
  feed(to, from.takeOutput());
}

/** A protected record of `type` holding `data`, sealed under `conn`'s current write keys. */
export function sealed(conn: Connection, type: number, data: Uint8Array, padding = 0): Buffer {
  const p = conn.writer.protection;
  if (!p) throw new Error('no write keys yet');
  return Buffer.concat(p.seal(type, data, padding));
}

/** The alert record `conn` has queued, as [level, description], or null. */
export function sentAlert(conn: Connection): number[] | null {
  const out = Buffer.concat(conn.takeOutput());
  // Only plaintext alerts can be read back; protected ones are checked by the peer.
  if (out.length === 7 && out[0] === 21) return [out[5]!, out[6]!];
  return null;
}

/**
 * Make `conn` send handshake messages of `type` changed by `edit` (before
 * framing and protection, so the change arrives validly encrypted).
 */
export function tamper(conn: Connection, type: number, edit: (body: Buffer) => Uint8Array): void {
  const send = conn.sendHandshake.bind(conn);
  conn.sendHandshake = (t, body, add) => send(t, t === type ? edit(Buffer.from(body)) : body, add);
}

/** Handshake both ways until `conn` fails; returns its error's reason and the alert it queued. */
export function failure(client: Connection, server: Connection, side: Connection): string | null {
  try {
    handshake(client, server);
  } catch {
    /* the error is on `side` or its peer */
  }
  return side.error?.reason ?? null;
}

/** A ClientHello, ServerHello or EncryptedExtensions extension, as the codecs hold them. */
export type Ext = { type: number; data: Uint8Array };

/** Set extension `type` in `list` (replaced where it was, else appended); null removes it. */
export function setExt(list: Ext[], type: number, data: Uint8Array | null): void {
  const i = list.findIndex((e) => e.type === type);
  if (data === null) {
    if (i >= 0) list.splice(i, 1);
  } else if (i >= 0) list[i] = { type, data };
  else list.push({ type, data });
}

/** Change only `client`'s second ClientHello (the answer to a HelloRetryRequest). */
export function editSecondHello(client: Connection, edit: (ch: ClientHello) => void): void {
  let n = 0;
  tamper(client, CLIENT_HELLO, (body) => {
    if (n++ === 0) return body;
    const ch = decodeClientHello(body);
    edit(ch);
    return encodeClientHello(ch);
  });
}
