// TLS 1.3 post-handshake client authentication (RFC 8446 4.2.6, 4.6.2), both roles.
//
// The client offers the empty post_handshake_auth extension when configured. The server may
// then, at any time after the handshake, send a CertificateRequest with a fresh context; the
// client answers with Certificate, CertificateVerify (when it has a certificate) and Finished,
// all hashed over the main handshake transcript (through the client's Finished) plus this
// exchange alone, and the Finished keyed by the current client application traffic secret.
//
// The state machine and its errors follow OpenSSL's (SSL_verify_client_post_handshake): a request
// is first pending, goes out with the next read or write (sendPendingCertificateRequest), and is
// then outstanding until the client's Finished arrives.
import type { KeyHandle } from '../crypto/provider.js';
import type { RunningHash } from '../crypto/provider.js';
import { keyFitsScheme } from '../crypto/signature-schemes.js';
import { SSLError } from '../errors.js';
import { decodeError, illegalParameter, reasonText, tlsError, unexpectedMessage } from './alert.js';
import { Alert, ExtensionType, HandshakeType, ProtocolVersion } from './constants.js';
import type { Connection } from './connection.js';
import { decodeU16List, encodeU16List, type Extension, findExtension } from './extensions.js';
import { allowedInTls13Handshake, certificateVerifyInput, leafPublicKey, selectCertificate, verifyPeerChain } from './handshake-common13.js';
import { frameHandshake, type HandshakeMessage } from './handshake-framing.js';
import {
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateVerify,
  encodeCertificate,
  encodeCertificateRequest,
  encodeCertificateVerify,
} from './tls13-messages.js';

/** OpenSSL's SSL_PHA_* states, server side. */
type ServerPhaState = 'none' | 'ext_received' | 'request_pending' | 'requested';

interface ServerPha {
  state: ServerPhaState;
  /** The request's certificate_request_context (32 random bytes, as OpenSSL). */
  context?: Uint8Array;
  /** Main transcript + this exchange. */
  hash?: RunningHash;
  expect?: 'certificate' | 'certificate_verify' | 'finished';
  clientKey?: KeyHandle;
}

const SERVER_STATE = new WeakMap<Connection, ServerPha>();

/** The context a post-handshake CertificateRequest carries; OpenSSL uses 32 random bytes. */
const REQUEST_CONTEXT_LENGTH = 32;

function serverState(conn: Connection): ServerPha {
  let s = SERVER_STATE.get(conn);
  if (!s) {
    s = { state: 'none' };
    SERVER_STATE.set(conn, s);
  }
  return s;
}

/** An API misuse reported as OpenSSL's SSL library error, without touching the connection. */
function apiError(reason: string): SSLError {
  return new SSLError(reasonText(reason), { library: 'SSL', reason });
}

/** Client: the extension to put in the ClientHello when TLS 1.3 is offered and PHA is configured. */
export function postHandshakeAuthExtension(conn: Connection): Extension | null {
  if (conn.isServer || !conn.config.postHandshakeAuth) return null;
  return { type: ExtensionType.post_handshake_auth, data: new Uint8Array(0) };
}

/**
 * Whether post-handshake authentication can still happen on this connection, so that
 * the transcript hash it builds on must be kept: a TLS 1.3 client that offered it, or
 * a TLS 1.3 server whose client did.
 */
export function postHandshakeAuthPossible(conn: Connection): boolean {
  if (conn.negotiated.version !== ProtocolVersion.TLS13) return false;
  if (!conn.isServer) return !!conn.config.postHandshakeAuth;
  return (SERVER_STATE.get(conn)?.state ?? 'none') !== 'none';
}

/** Server: remember whether the (TLS 1.3) ClientHello offered post_handshake_auth. */
export function noteClientPostHandshakeAuth(conn: Connection, extensions: readonly Extension[]): void {
  const ext = findExtension(extensions, ExtensionType.post_handshake_auth);
  if (!ext) return;
  if (ext.length !== 0) throw decodeError('BAD_EXTENSION');
  serverState(conn).state = 'ext_received';
}

/**
 * Server: SSL_verify_client_post_handshake. Queues a CertificateRequest that goes out with the
 * next read or write; the checks and their order are OpenSSL's.
 */
export function requestPostHandshakeAuth(conn: Connection | null): void {
  if (!conn || conn.negotiated.version !== ProtocolVersion.TLS13) throw apiError('WRONG_SSL_VERSION');
  if (!conn.isServer) throw apiError('NOT_SERVER');
  if (!conn.handshakeDone) throw apiError('STILL_IN_INIT');
  if (conn.error) throw conn.error;
  const s = serverState(conn);
  switch (s.state) {
    case 'none':
      throw apiError('EXTENSION_NOT_RECEIVED');
    case 'request_pending':
      throw apiError('REQUEST_PENDING');
    case 'requested':
      throw apiError('REQUEST_SENT');
    case 'ext_received':
      s.state = 'request_pending';
  }
}

/** Server: send a pending CertificateRequest now (called before each read or write). */
export function sendPendingCertificateRequest(conn: Connection): void {
  const s = SERVER_STATE.get(conn);
  if (!s || s.state !== 'request_pending' || conn.sentClose || conn.error) return;
  const context = conn.config.provider.randomBytes(REQUEST_CONTEXT_LENGTH);
  const body = encodeCertificateRequest({
    context,
    extensions: [{ type: ExtensionType.signature_algorithms, data: encodeU16List(conn.config.signatureSchemes) }],
  });
  const raw = conn.sendHandshake(HandshakeType.certificate_request, body, false);
  conn.flush();
  const hash = conn.transcript.fork();
  hash.update(raw);
  Object.assign(s, { state: 'requested', context, hash, expect: 'certificate', clientKey: undefined });
}

/**
 * A handshake message after the handshake that belongs to post-handshake auth. Returns false
 * when it does not (the caller reports it as unexpected).
 */
export function handlePostHandshakeAuth(conn: Connection, msg: HandshakeMessage): boolean {
  if (conn.negotiated.version !== ProtocolVersion.TLS13) return false;
  if (!conn.isServer) {
    if (msg.type !== HandshakeType.certificate_request || !conn.config.postHandshakeAuth) return false;
    answerCertificateRequest(conn, msg);
    return true;
  }
  const s = SERVER_STATE.get(conn);
  if (!s || s.state !== 'requested' || !s.hash) return false;
  switch (s.expect) {
    case 'certificate':
      if (msg.type !== HandshakeType.certificate) throw unexpectedMessage();
      onClientCertificate(conn, s, msg);
      return true;
    case 'certificate_verify':
      if (msg.type !== HandshakeType.certificate_verify) throw unexpectedMessage();
      onClientCertificateVerify(conn, s, msg);
      return true;
    case 'finished':
      if (msg.type !== HandshakeType.finished) throw unexpectedMessage();
      onClientFinished(conn, s, msg);
      return true;
    default:
      return false;
  }
}

function onClientCertificate(conn: Connection, s: ServerPha, msg: HandshakeMessage): void {
  const cert = decodeCertificate(msg.body);
  if (Buffer.compare(cert.context, s.context!) !== 0) throw illegalParameter('INVALID_CONTEXT');
  s.hash!.update(msg.raw);
  if (cert.entries.length === 0) {
    // CERT_REQUIRED needs one; CERT_OPTIONAL accepts none.
    if (conn.config.verifyMode === 2) throw tlsError(Alert.certificate_required, 'PEER_DID_NOT_RETURN_A_CERTIFICATE');
    s.expect = 'finished';
    return;
  }
  const presented = cert.entries.map((e) => e.der);
  s.clientKey = leafPublicKey(conn.config.provider, presented[0]!);
  verifyPeerChain(conn, presented, 'clientAuth');
  s.expect = 'certificate_verify';
}

function onClientCertificateVerify(conn: Connection, s: ServerPha, msg: HandshakeMessage): void {
  const cv = decodeCertificateVerify(msg.body);
  const offered = conn.config.signatureSchemes;
  if (!offered.includes(cv.scheme) || !allowedInTls13Handshake(cv.scheme) || !keyFitsScheme(cv.scheme, s.clientKey!)) {
    throw illegalParameter('WRONG_SIGNATURE_TYPE');
  }
  const input = certificateVerifyInput(false, s.hash!.peek());
  if (!conn.config.provider.verify(cv.scheme, s.clientKey!, input, cv.signature)) {
    throw tlsError(Alert.decrypt_error, 'BAD_SIGNATURE');
  }
  s.hash!.update(msg.raw);
  s.expect = 'finished';
}

function onClientFinished(conn: Connection, s: ServerPha, msg: HandshakeMessage): void {
  const secrets = conn.secrets!;
  const expected = secrets.schedule.finishedVerifyData(secrets.clientSecret, s.hash!.peek());
  if (msg.body.length !== expected.length) throw decodeError('BAD_LENGTH');
  if (!conn.config.provider.timingSafeEqual(msg.body, expected)) throw tlsError(Alert.decrypt_error, 'DIGEST_CHECK_FAILED');
  // Another request may follow later, as with OpenSSL.
  SERVER_STATE.set(conn, { state: 'ext_received' });
}

/** Client: answer a post-handshake CertificateRequest at once (RFC 8446 4.6.2). */
function answerCertificateRequest(conn: Connection, msg: HandshakeMessage): void {
  const req = decodeCertificateRequest(msg.body);
  const sigs = findExtension(req.extensions, ExtensionType.signature_algorithms);
  if (!sigs) throw tlsError(Alert.missing_extension, 'MISSING_SIGALGS_EXTENSION');
  const schemes = decodeU16List(sigs);
  const hash = conn.transcript.fork();
  hash.update(msg.raw);
  const send = (type: number, body: Uint8Array): void => {
    hash.update(frameHandshake(type, body));
    conn.sendHandshake(type, body, false);
  };
  const chosen = selectCertificate(conn.config.certs, schemes, conn.config.signatureSchemes);
  const chain = chosen ? chosen.cert.chain : [];
  if (chain.length > 0) conn.config.checkOwnChain?.(chain);
  send(HandshakeType.certificate, encodeCertificate({ context: req.context, entries: chain.map((der) => ({ der, extensions: [] })) }));
  if (chosen) {
    const input = certificateVerifyInput(false, hash.peek());
    const signature = conn.config.provider.sign(chosen.scheme, chosen.cert.key, input);
    send(HandshakeType.certificate_verify, encodeCertificateVerify({ scheme: chosen.scheme, signature }));
  }
  const secrets = conn.secrets!;
  send(HandshakeType.finished, secrets.schedule.finishedVerifyData(secrets.clientSecret, hash.peek()));
  conn.flush();
}
