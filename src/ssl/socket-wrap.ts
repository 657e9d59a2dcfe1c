// SSLContext.wrapSocket() on Node: an SSLSocket over a net.Socket or Duplex
// (src/net). Kept apart from context.ts so that the browser build, which has
// no sockets, can replace it with socket-wrap.browser.ts.
import type { Duplex } from 'node:stream';
import { SSLSocket, type WrapSocketOptions } from '../net/ssl-socket.js';
import type { SSLContext } from './context.js';

export function wrapSocketWith(context: SSLContext, sock: Duplex, opts: WrapSocketOptions): SSLSocket {
  return SSLSocket._create(context, sock, opts);
}
