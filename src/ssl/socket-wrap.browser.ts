// socket-wrap.ts for a web page: there are no sockets to wrap. TLS in a page
// runs over MemoryBIOs (SSLContext.wrapBio) and whatever transport the page
// has, such as a WebSocket.
import type { Duplex } from 'node:stream';
import type { SSLSocket, WrapSocketOptions } from '../net/ssl-socket.js';
import { OSError } from '../errors.js';
import type { SSLContext } from './context.js';
import type * as NodeSocketWrap from './socket-wrap.js';

/** Linux's ENOSYS, "Function not implemented". */
const ENOSYS = 38;

export function wrapSocketWith(_context: SSLContext, _sock: Duplex, _opts: WrapSocketOptions): SSLSocket {
  throw new OSError(
    ENOSYS,
    'wrapSocket() needs sockets, and a web page has none; use wrapBio() with MemoryBIOs over your own transport (a WebSocket, for instance) instead',
  );
}

const sameShape: typeof NodeSocketWrap = { wrapSocketWith };
void sameShape;
