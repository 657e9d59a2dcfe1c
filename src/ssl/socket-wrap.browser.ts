// socket-wrap.ts for a web page: there are no sockets to wrap. TLS in a page
// runs over MemoryBIOs (SSLContext.wrapBio) and whatever transport the page
// has, such as a WebSocket.
import type { Duplex } from 'node:stream';
import type { SSLSocket, WrapSocketOptions } from '../net/ssl-socket.js';
import { notInAPage } from '../host/not-in-a-page.js';
import type { SSLContext } from './context.js';
import type * as NodeSocketWrap from './socket-wrap.js';

export function wrapSocketWith(_context: SSLContext, _sock: Duplex, _opts: WrapSocketOptions): SSLSocket {
  throw notInAPage('wrapSocket()', 'sockets', 'wrapBio() with MemoryBIOs over your own transport (a WebSocket, for instance)');
}

const sameShape: typeof NodeSocketWrap = { wrapSocketWith };
void sameShape;
