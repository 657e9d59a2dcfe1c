// Steps shared by the TLS 1.3 client and server: certificate messages,
// CertificateVerify signatures and Finished checks.
import type { CryptoProvider, KeyHandle } from '../crypto/provider.js';
import { parseCertificate } from '../x509/certificate.js';
import { SSLError } from '../errors.js';
import { alertToSend, decodeError, illegalParameter, tlsError, withAlert } from './alert.js';
import { Alert, HandshakeType, ProtocolVersion, SignatureScheme } from './constants.js';
import type { CertifiedKey } from './config.js';
import type { Connection } from './connection.js';
import type { HandshakeMessage } from './handshake-framing.js';
import type { KeySchedule } from './key-schedule.js';
import { encodeCertificate, encodeCertificateVerify, type CertificateEntry } from './tls13-messages.js';

/** The versions this end may use (its minVersion..maxVersion), highest first, as a client offers them. */
export function enabledVersions(conn: Connection): number[] {
  const { minVersion, maxVersion } = conn.config;
  return [ProtocolVersion.TLS13, ProtocolVersion.TLS12].filter((v) => v >= minVersion && v <= maxVersion);
}
import { keyFitsScheme } from '../crypto/signature-schemes.js';

/** What we offer in signature_algorithms, in OpenSSL's order of preference. */
export const DEFAULT_SIGNATURE_SCHEMES: readonly number[] = [
  SignatureScheme.ecdsa_secp256r1_sha256,
  SignatureScheme.ecdsa_secp384r1_sha384,
  SignatureScheme.ecdsa_secp521r1_sha512,
  SignatureScheme.ed25519,
  SignatureScheme.ed448,
  SignatureScheme.rsa_pss_pss_sha256,
  SignatureScheme.rsa_pss_pss_sha384,
  SignatureScheme.rsa_pss_pss_sha512,
  SignatureScheme.rsa_pss_rsae_sha256,
  SignatureScheme.rsa_pss_rsae_sha384,
  SignatureScheme.rsa_pss_rsae_sha512,
  SignatureScheme.rsa_pkcs1_sha256,
  SignatureScheme.rsa_pkcs1_sha384,
  SignatureScheme.rsa_pkcs1_sha512,
];

/** PKCS#1 v1.5 and SHA-1 may sign certificates but not TLS 1.3 handshakes (RFC 8446 4.2.3). */
export function allowedInTls13Handshake(scheme: number): boolean {
  const hashByte = scheme >> 8;
  if ((scheme & 0xff) === 0x01 || hashByte === 0x02) return false;
  return true;
}

const CV_PAD = Buffer.alloc(64, 0x20);
const SERVER_CV = Buffer.from('TLS 1.3, server CertificateVerify\0', 'latin1');
const CLIENT_CV = Buffer.from('TLS 1.3, client CertificateVerify\0', 'latin1');

export function certificateVerifyInput(fromServer: boolean, transcriptHash: Uint8Array): Uint8Array {
  return Buffer.concat([CV_PAD, fromServer ? SERVER_CV : CLIENT_CV, transcriptHash]);
}

/** The first scheme in `preference` that `key` can sign with and the peer accepts. */
export function chooseScheme(key: KeyHandle, peerSchemes: readonly number[], preference: readonly number[]): number | null {
  for (const s of preference) {
    if (allowedInTls13Handshake(s) && peerSchemes.includes(s) && keyFitsScheme(s, key)) return s;
  }
  return null;
}

/** Pick a certificate whose key can sign with a scheme the peer offered. */
export function selectCertificate(
  certs: readonly CertifiedKey[],
  peerSchemes: readonly number[],
  preference: readonly number[],
): { cert: CertifiedKey; scheme: number } | null {
  for (const cert of certs) {
    const scheme = chooseScheme(cert.key, peerSchemes, preference);
    if (scheme !== null) return { cert, scheme };
  }
  return null;
}

export function sendCertificate(conn: Connection, context: Uint8Array, chain: readonly Uint8Array[]): void {
  if (chain.length > 0) conn.config.checkOwnChain?.(chain);
  const entries: CertificateEntry[] = chain.map((der) => ({ der, extensions: [] }));
  conn.sendHandshake(HandshakeType.certificate, encodeCertificate({ context, entries }));
}

export function sendCertificateVerify(conn: Connection, cert: CertifiedKey, scheme: number): void {
  const input = certificateVerifyInput(conn.isServer, conn.transcript.hash());
  const signature = conn.config.provider.sign(scheme, cert.key, input);
  conn.sendHandshake(HandshakeType.certificate_verify, encodeCertificateVerify({ scheme, signature }));
}

export function sendFinished(conn: Connection, ks: KeySchedule, baseKey: Uint8Array): Uint8Array {
  const verifyData = ks.finishedVerifyData(baseKey, conn.transcript.hash());
  conn.sendHandshake(HandshakeType.finished, verifyData);
  return verifyData;
}

/** Check the peer's Finished against the transcript before it; adds it to the transcript. */
export function checkFinished(conn: Connection, ks: KeySchedule, baseKey: Uint8Array, msg: HandshakeMessage): Uint8Array {
  const expected = ks.finishedVerifyData(baseKey, conn.transcript.hash());
  if (msg.body.length !== expected.length) throw decodeError('BAD_LENGTH');
  if (!conn.config.provider.timingSafeEqual(msg.body, expected)) {
    throw tlsError(Alert.decrypt_error, 'DIGEST_CHECK_FAILED');
  }
  conn.transcript.add(msg.raw);
  return msg.body;
}

/** The peer's leaf public key; a certificate we cannot parse is a bad_certificate. */
export function leafPublicKey(provider: CryptoProvider, der: Uint8Array): KeyHandle {
  let key: KeyHandle | null = null;
  try {
    key = parseCertificate(der).tryPublicKey(provider); // cached by DER, shared with verification
  } catch {
    // unparseable: reported below
  }
  if (!key) throw tlsError(Alert.bad_certificate, 'ASN1_LIB');
  return key;
}

/** Verify the peer's chain as the context asks; failures carry the matching alert. */
export function verifyPeerChain(conn: Connection, presented: Uint8Array[], purpose: 'serverAuth' | 'clientAuth'): void {
  conn.negotiated.peerCertificates = presented;
  if (conn.config.verifyMode === 0) return;
  try {
    conn.negotiated.verifiedChain = conn.config.verify({
      presented,
      purpose,
      hostname: conn.isServer ? null : conn.config.verifyHostname,
    });
  } catch (e) {
    if (e instanceof SSLError) throw alertToSend(e) === undefined ? withAlert(e, Alert.bad_certificate) : e;
    throw e;
  }
}

/** Check a CertificateVerify from the peer against its leaf key. */
export function checkCertificateVerify(
  conn: Connection,
  key: KeyHandle,
  scheme: number,
  signature: Uint8Array,
  offered: readonly number[],
): void {
  if (!offered.includes(scheme) || !allowedInTls13Handshake(scheme)) throw illegalParameter('WRONG_SIGNATURE_TYPE');
  if (!keyFitsScheme(scheme, key)) throw illegalParameter('WRONG_SIGNATURE_TYPE');
  const input = certificateVerifyInput(!conn.isServer, conn.transcript.hash());
  if (!conn.config.provider.verify(scheme, key, input, signature)) {
    throw tlsError(Alert.decrypt_error, 'BAD_SIGNATURE');
  }
  conn.negotiated.signatureScheme ??= scheme;
}
