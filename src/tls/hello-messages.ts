// ClientHello and ServerHello (which also carries HelloRetryRequest), RFC 8446 4.1.
import { SSLError } from '../errors.js';
import { decodeError, illegalParameter } from './alert.js';
import { Reader, Writer } from './codec.js';
import { ExtensionType, HELLO_RETRY_REQUEST_RANDOM } from './constants.js';
import { type Extension, readExtensions, writeExtensions } from './extensions.js';

export interface ClientHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  compressionMethods: Uint8Array;
  extensions: Extension[];
}

export function encodeClientHello(ch: ClientHello): Uint8Array {
  const w = new Writer(512);
  w.u16(ch.legacyVersion).bytes(ch.random).vec8(ch.sessionId);
  w.block(2, (b) => ch.cipherSuites.forEach((s) => b.u16(s)));
  w.vec8(ch.compressionMethods);
  writeExtensions(w, ch.extensions);
  return w.finish();
}

/** Run a read of the ClientHello's fixed fields; an overrun is OpenSSL's LENGTH_MISMATCH. */
function fixedField<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SSLError && e.reason === 'BAD_PACKET_LENGTH') throw decodeError('LENGTH_MISMATCH');
    throw e;
  }
}

export function decodeClientHello(body: Uint8Array): ClientHello {
  const r = new Reader(body);
  // OpenSSL: too short for legacy_version is LENGTH_TOO_SHORT, any later overrun LENGTH_MISMATCH.
  if (r.remaining < 2) throw decodeError('LENGTH_TOO_SHORT');
  const legacyVersion = r.u16();
  const random = fixedField(() => r.bytes(32));
  const sessionId = fixedField(() => r.vec8());
  if (sessionId.length > 32) throw decodeError('LENGTH_MISMATCH');
  const suites = fixedField(() => r.sub16());
  if (suites.remaining === 0 || suites.remaining % 2) throw decodeError('NO_CIPHERS_SPECIFIED');
  const cipherSuites: number[] = [];
  while (suites.remaining > 0) cipherSuites.push(suites.u16());
  const compressionMethods = fixedField(() => r.vec8());
  if (compressionMethods.length === 0) throw decodeError('LENGTH_MISMATCH');
  const extensions = readExtensions(r);
  r.expectEnd();
  // RFC 8446 4.2.11: pre_shared_key must come last.
  const psk = extensions.findIndex((e) => e.type === ExtensionType.pre_shared_key);
  if (psk >= 0 && psk !== extensions.length - 1) throw illegalParameter('BAD_EXTENSION');
  return { legacyVersion, random, sessionId, cipherSuites, compressionMethods, extensions };
}

export interface ServerHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  extensions: Extension[];
}

export function isHelloRetryRequest(sh: ServerHello): boolean {
  return Buffer.compare(sh.random, HELLO_RETRY_REQUEST_RANDOM) === 0;
}

export function encodeServerHello(sh: ServerHello): Uint8Array {
  const w = new Writer(256);
  w.u16(sh.legacyVersion).bytes(sh.random).vec8(sh.sessionId).u16(sh.cipherSuite).u8(sh.compressionMethod);
  writeExtensions(w, sh.extensions);
  return w.finish();
}

export function decodeServerHello(body: Uint8Array): ServerHello {
  const r = new Reader(body);
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec8();
  if (sessionId.length > 32) throw decodeError('LENGTH_MISMATCH');
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  const extensions = readExtensions(r);
  r.expectEnd();
  return { legacyVersion, random, sessionId, cipherSuite, compressionMethod, extensions };
}
