// Turning protocol failures into Python-style SSLError values, in both directions:
// alerts we must send (with OpenSSL's local reason) and alerts the peer sent us.
import { SSLError } from '../errors.js';
import { Alert } from './constants.js';

const ALERT_TO_SEND = Symbol('alertToSend');

type WithAlert = SSLError & { [ALERT_TO_SEND]?: number };

/** Attach the alert the engine must send to the peer before reporting `err`. */
export function withAlert<E extends SSLError>(err: E, alert: number): E {
  (err as WithAlert)[ALERT_TO_SEND] = alert;
  return err;
}

export function alertToSend(err: unknown): number | undefined {
  return err instanceof SSLError ? (err as WithAlert)[ALERT_TO_SEND] : undefined;
}

/** OpenSSL's reason string: the reason code in lower case, words apart. */
export function reasonText(reason: string): string {
  return reason.toLowerCase().replace(/_/g, ' ');
}

/** A protocol failure detected locally: we send `alert`, the caller sees `reason`. */
export function tlsError(alert: number, reason: string, text?: string): SSLError {
  return withAlert(new SSLError(text ?? reasonText(reason), { library: 'SSL', reason }), alert);
}

export const decodeError = (reason = 'BAD_PACKET_LENGTH'): SSLError => tlsError(Alert.decode_error, reason);
export const unexpectedMessage = (reason = 'UNEXPECTED_MESSAGE'): SSLError =>
  tlsError(Alert.unexpected_message, reason);
export const illegalParameter = (reason = 'ILLEGAL_PARAMETER'): SSLError =>
  tlsError(Alert.illegal_parameter, reason);

// A received alert is reported with OpenSSL 3.0's reason (SSL_AD_REASON_OFFSET +
// its code) under the name CPython 3.11 gives it: SSLV3_ALERT_* for those SSLv3
// defined, TLSV1_ALERT_* / TLSV1_* / TLSV13_ALERT_* for the later ones.
const RECEIVED_REASON: Record<number, string> = {
  [Alert.unexpected_message]: 'SSLV3_ALERT_UNEXPECTED_MESSAGE',
  [Alert.bad_record_mac]: 'SSLV3_ALERT_BAD_RECORD_MAC',
  [Alert.decryption_failed]: 'TLSV1_ALERT_DECRYPTION_FAILED',
  [Alert.record_overflow]: 'TLSV1_ALERT_RECORD_OVERFLOW',
  [Alert.decompression_failure]: 'SSLV3_ALERT_DECOMPRESSION_FAILURE',
  [Alert.handshake_failure]: 'SSLV3_ALERT_HANDSHAKE_FAILURE',
  [Alert.no_certificate]: 'SSLV3_ALERT_NO_CERTIFICATE',
  [Alert.bad_certificate]: 'SSLV3_ALERT_BAD_CERTIFICATE',
  [Alert.unsupported_certificate]: 'SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
  [Alert.certificate_revoked]: 'SSLV3_ALERT_CERTIFICATE_REVOKED',
  [Alert.certificate_expired]: 'SSLV3_ALERT_CERTIFICATE_EXPIRED',
  [Alert.certificate_unknown]: 'SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  [Alert.illegal_parameter]: 'SSLV3_ALERT_ILLEGAL_PARAMETER',
  [Alert.unknown_ca]: 'TLSV1_ALERT_UNKNOWN_CA',
  [Alert.access_denied]: 'TLSV1_ALERT_ACCESS_DENIED',
  [Alert.decode_error]: 'TLSV1_ALERT_DECODE_ERROR',
  [Alert.decrypt_error]: 'TLSV1_ALERT_DECRYPT_ERROR',
  [Alert.export_restriction]: 'TLSV1_ALERT_EXPORT_RESTRICTION',
  [Alert.protocol_version]: 'TLSV1_ALERT_PROTOCOL_VERSION',
  [Alert.insufficient_security]: 'TLSV1_ALERT_INSUFFICIENT_SECURITY',
  [Alert.internal_error]: 'TLSV1_ALERT_INTERNAL_ERROR',
  [Alert.inappropriate_fallback]: 'TLSV1_ALERT_INAPPROPRIATE_FALLBACK',
  [Alert.user_canceled]: 'TLSV1_ALERT_USER_CANCELLED',
  [Alert.no_renegotiation]: 'TLSV1_ALERT_NO_RENEGOTIATION',
  [Alert.missing_extension]: 'TLSV13_ALERT_MISSING_EXTENSION',
  [Alert.unsupported_extension]: 'TLSV1_UNSUPPORTED_EXTENSION',
  [Alert.certificate_unobtainable]: 'TLSV1_CERTIFICATE_UNOBTAINABLE',
  [Alert.unrecognized_name]: 'TLSV1_UNRECOGNIZED_NAME',
  [Alert.bad_certificate_status_response]: 'TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE',
  [Alert.bad_certificate_hash_value]: 'TLSV1_BAD_CERTIFICATE_HASH_VALUE',
  [Alert.certificate_required]: 'TLSV13_ALERT_CERTIFICATE_REQUIRED',
};

// OpenSSL 3.0 has a text for these but CPython 3.11's table has no name: the
// reason is None and the message '[SSL] <text>'.
const UNNAMED_RECEIVED: Record<number, string> = {
  [Alert.unknown_psk_identity]: 'tlsv1 alert unknown psk identity',
  [Alert.no_application_protocol]: 'tlsv1 alert no application protocol',
};

/** The reason CPython reports when the peer sends us a fatal alert; null when it has none. */
export function receivedAlertReason(alert: number): string | null {
  return RECEIVED_REASON[alert] ?? null;
}

export function peerAlertError(alert: number): SSLError {
  const reason = receivedAlertReason(alert);
  if (reason) return new SSLError(reasonText(reason), { library: 'SSL', reason });
  // Codes OpenSSL does not know at all are an 'unknown error' to CPython.
  return new SSLError(`[SSL] ${UNNAMED_RECEIVED[alert] ?? 'unknown error'}`, { library: 'SSL', reason: null });
}
