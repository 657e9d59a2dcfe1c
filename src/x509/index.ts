// Public surface of the X.509 layer.
export { pemBlocks, firstPemBlock, derToPem, DER_cert_to_PEM_cert, PEM_cert_to_DER_cert, PEM_HEADER, PEM_FOOTER } from './pem.js';
export {
  Certificate, parseCertificate, keySecurityBits, KEY_USAGE_NAMES,
  type KeyUsageName, type Extension, type CertTime, type GeneralName, type ParsedName,
} from './certificate.js';
export { matchHostname, matchDnsName, matchIpAddress, parseIpAddress, type HostnameMatchOptions } from './hostname.js';
export { verifyChain, alertForVerifyError, verifyErrorString, X509_V, type VerifyOptions } from './verify.js';
export {
  decodeCertificate, certificateToDict, formatCertTime,
  type PeerCertDict, type DistinguishedName, type RelativeDistinguishedName, type NameEntry, type AltNameEntry,
} from './decode.js';
