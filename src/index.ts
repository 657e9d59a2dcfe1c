// ssl-ts: Python's ssl module for TypeScript, on a sans-I/O TLS engine.
// This is the Node entry: the shared API plus the drivers over node:net
// sockets and streams. A bundler targeting the browser gets src/browser.ts.
export * from './api.js';
export { SHUT_RD, SHUT_RDWR, SHUT_WR, SSLSocket, wrapSocket, type WrapSocketOptions } from './net/ssl-socket.js';
export { TLSDriver, type TLSDriverOptions } from './net/tls-driver.js';
export {
  TLSStream,
  TLSServer,
  connect,
  createServer,
  type TLSStreamOptions,
  type ConnectOptions,
  type ServerOptions,
  type SNIContext,
  type Pem,
  type SocketLike,
} from './net/tls-stream.js';
export type { NodeCipher, EphemeralKeyInfo, NodePeerCertificate } from './net/node-tls-compat.js';
export { getServerCertificate, type GetServerCertificateOptions } from './net/get-server-certificate.js';
// node:crypto's provider is the Node default; the browser build has only the pure-JavaScript one.
export { nodeCrypto } from './crypto/node-provider.js';
