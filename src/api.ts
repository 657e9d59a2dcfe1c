// The API shared by every build of ssl-ts: Node's (src/index.ts, which adds
// the socket drivers of src/net) and the web page's (src/browser.ts).
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
export { getDefaultCryptoProvider, setDefaultCryptoProvider } from './crypto/default-provider.js';
export { nobleCrypto } from './crypto/noble-provider.js';
export type {
  CryptoProvider,
  KeyHandle,
  KeyDetails,
  PrivateKeyInput,
  SignatureParams,
  HashName,
  DigestName,
  AeadName,
  CbcName,
  MacHash,
  RunningHash,
  AeadKey,
  CbcKey,
  MacKey,
  KeyShare,
  DhKey,
} from './crypto/provider.js';
