// ssl-ts: Python's ssl module for TypeScript, on a sans-I/O TLS engine.
export * from './errors.js';
export * from './ssl/constants.js';
export { asn1ObjectFromOid, asn1ObjectFromName, asn1ObjectFromNid } from './ssl/asn1-object.js';
export { MemoryBIO } from './ssl/memory-bio.js';
export {
  SSLContext,
  createDefaultContext,
  type CaData,
  type CertKeyPair,
  type CertStoreStats,
  type DefaultContextOptions,
  type PasswordSource,
  type SessionStats,
  type SNICallback,
  type PskClientCallback,
  type PskServerCallback,
  type VerifyLocations,
  type WrapBioOptions,
} from './ssl/context.js';
export type { CipherInfo } from './ssl/cipher-string.js';
export type { PathLike } from './ssl/file-loading.js';
export { SSLObject, type CipherTuple, type HandshakeInfo, type SSLObjectOptions } from './ssl/sslobject.js';
export { SSLSession } from './ssl/session.js';
export { RAND_add, RAND_bytes, RAND_pseudo_bytes, RAND_status } from './ssl/rand.js';
export { setUnraisableHook, type UnraisableHook, type UnraisableInfo } from './ssl/unraisable.js';
export type { MsgCallback } from './ssl/msg-callback.js';
export { DER_cert_to_PEM_cert, PEM_cert_to_DER_cert } from './x509/pem.js';
export { decodeCertificate, type PeerCertDict, type DistinguishedName, type RelativeDistinguishedName, type NameEntry, type AltNameEntry } from './x509/decode.js';
export { certTimeToSeconds } from './x509/cert-time.js';
export { DefaultVerifyPaths, getDefaultVerifyPaths } from './ssl/verify-paths.js';
export {
  verifyCertificateChain,
  DEFAULT_VERIFY_DEPTH,
  type VerifyCertificateChainOptions,
  type CertificateInput,
  type PurposeInput,
} from './ssl/verify-chain.js';
export type { TraceEvent } from './tls/config.js';
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
