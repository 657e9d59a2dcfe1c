// Turning protocol failures into Python-style SSLError values, in both directions:
// alerts we must send (with OpenSSL's local reason) and alerts the peer sent us.
import { SSLError } from '../errors.js';
import { Alert, alertName } from './constants.js';

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

// OpenSSL's reason strings are mostly the reason code in lower case; these are not.
const REASON_TEXT: Record<string, string> = {
  DECRYPTION_FAILED_OR_BAD_RECORD_MAC: 'decryption failed or bad record mac',
  ASN1_LIB: 'ASN1 lib',
  UNEXPECTED_EOF_WHILE_READING: 'unexpected eof while reading',
  NO_SUITABLE_KEY_SHARE: 'no suitable key share',
};

export function reasonText(reason: string): string {
  return REASON_TEXT[reason] ?? reason.toLowerCase().replace(/_/g, ' ');
}

/** A protocol failure detected locally: we send `alert`, the caller sees `reason`. */
export function tlsError(alert: number, reason: string, text?: string): SSLError {
  return withAlert(new SSLError(text ?? reasonText(reason), { library: 'SSL', reason }), alert);
}

export const decodeError = (reason = 'BAD_PACKET_LENGTH'): SSLError => tlsError(Alert.decode_error, reason);
export const unexpectedMessage = (reason = 'UNEXPECTED_MESSAGE'): SSLError =>
  tlsError(Alert.unexpected_message, reason);
export const illegalParameter = (reason: string): SSLError =>
  tlsError(Alert.illegal_parameter, reason);

// OpenSSL names a received alert SSLV3_ALERT_* when SSLv3 defined it, TLSV1_ALERT_* otherwise.
const SSLV3_ALERTS = new Set<number>([
  Alert.close_notify, Alert.unexpected_message, Alert.bad_record_mac, Alert.decompression_failure,
  Alert.handshake_failure, Alert.no_certificate, Alert.bad_certificate, Alert.unsupported_certificate,
  Alert.certificate_revoked, Alert.certificate_expired, Alert.certificate_unknown, Alert.illegal_parameter,
]);

const RECEIVED_REASON: Record<number, string> = {
  [Alert.user_canceled]: 'TLSV1_ALERT_USER_CANCELLED',
  [Alert.missing_extension]: 'TLSV13_ALERT_MISSING_EXTENSION',
  [Alert.certificate_required]: 'TLSV13_ALERT_CERTIFICATE_REQUIRED',
  [Alert.unsupported_extension]: 'TLSV1_UNSUPPORTED_EXTENSION',
  [Alert.certificate_unobtainable]: 'TLSV1_CERTIFICATE_UNOBTAINABLE',
  [Alert.unrecognized_name]: 'TLSV1_UNRECOGNIZED_NAME',
  [Alert.bad_certificate_status_response]: 'TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE',
  [Alert.bad_certificate_hash_value]: 'TLSV1_BAD_CERTIFICATE_HASH_VALUE',
  [Alert.no_application_protocol]: 'TLSV1_ALERT_NO_APPLICATION_PROTOCOL',
};

/** The reason OpenSSL reports when the peer sends us a fatal alert. */
export function receivedAlertReason(alert: number): string {
  const special = RECEIVED_REASON[alert];
  if (special) return special;
  const name = alertNames(alert);
  return (SSLV3_ALERTS.has(alert) ? 'SSLV3_ALERT_' : 'TLSV1_ALERT_') + name.toUpperCase();
}

function alertNames(alert: number): string {
  return alertName(alert);
}

export function peerAlertError(alert: number): SSLError {
  if (alertName(alert).startsWith('unknown(')) {
    // OpenSSL reports reason 1000+N, which has no name or text: Python prints "[SSL] unknown error".
    return new SSLError('[SSL] unknown error', { library: 'SSL', reason: null });
  }
  const reason = receivedAlertReason(alert);
  return new SSLError(reasonText(reason), { library: 'SSL', reason });
}
