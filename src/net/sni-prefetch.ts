// node:tls's asynchronous SNICallback(servername, cb) for TLSServer. The engine is synchronous
// and asks its SNI callback while it processes the ClientHello, so it cannot wait for `cb`.
// Instead the server reads the ClientHello off the socket first (without consuming it: the
// bytes are put back), learns the name, lets SNICallback choose the context, and only then
// starts the TLS stream with that context. Anything malformed is left for the engine to reject.
import type { Duplex } from 'node:stream';
import { ContentType, ExtensionType, HandshakeType } from '../tls/constants.js';
import { decodeServerName, findExtension } from '../tls/extensions.js';
import { decodeClientHello } from '../tls/hello-messages.js';

/** A ClientHello larger than this is not waited for (OpenSSL's own ClientHello limit is 128 KiB). */
const MAX_PREFETCH = 128 * 1024;

type Parse = { done: false } | { done: true; name: string | null };

/** Find the ClientHello's server name in the bytes received so far, if they are enough. */
export function serverNameFromPrefix(bytes: Uint8Array): Parse {
  const handshake: Uint8Array[] = [];
  let have = 0;
  let at = 0;
  while (at + 5 <= bytes.length) {
    if (bytes[at] !== ContentType.handshake) return { done: true, name: null };
    const len = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    if (at + 5 + len > bytes.length) break;
    handshake.push(bytes.subarray(at + 5, at + 5 + len));
    have += len;
    at += 5 + len;
    const msg = Buffer.concat(handshake, have);
    if (msg.length >= 4) {
      if (msg[0] !== HandshakeType.client_hello) return { done: true, name: null };
      const bodyLen = (msg[1]! << 16) | (msg[2]! << 8) | msg[3]!;
      if (msg.length >= 4 + bodyLen) {
        try {
          const ch = decodeClientHello(msg.subarray(4, 4 + bodyLen));
          const sni = findExtension(ch.extensions, ExtensionType.server_name);
          return { done: true, name: sni ? decodeServerName(sni) : null };
        } catch {
          return { done: true, name: null };
        }
      }
    }
  }
  return bytes.length > MAX_PREFETCH ? { done: true, name: null } : { done: false };
}

/**
 * Read from `sock` (in paused mode) until the ClientHello's server name is known, the stream
 * ends, or the bytes cannot be a ClientHello; the bytes read are put back with unshift().
 */
export function prefetchServerName(sock: Duplex): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let finished = false;
    const finish = (name: string | null): void => {
      if (finished) return;
      finished = true;
      sock.off('readable', onReadable);
      sock.off('end', onGone);
      sock.off('close', onGone);
      sock.off('error', onGone);
      if (chunks.length) sock.unshift(Buffer.concat(chunks));
      // Let the stream notice its listeners changed before the next reader attaches.
      process.nextTick(() => resolve(name));
    };
    const onGone = (): void => finish(null);
    const onReadable = (): void => {
      for (let c = sock.read() as Buffer | null; c !== null; c = sock.read() as Buffer | null) chunks.push(c);
      const r = serverNameFromPrefix(Buffer.concat(chunks));
      if (r.done) finish(r.name);
    };
    sock.on('readable', onReadable);
    sock.on('end', onGone);
    sock.on('close', onGone);
    sock.on('error', onGone);
  });
}
