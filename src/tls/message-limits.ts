// Limits on what a peer may make us hold or loop over, as OpenSSL 3.0 has them:
// the largest handshake message body per message type and role
// (ossl_statem_{server,client}_max_message_size, checked on the 4-byte header,
// before anything is buffered), and floods of records that carry nothing.
import { HandshakeType as HT, ProtocolVersion } from './constants.js';

/** SSL_CTX_set_max_cert_list's default (SSL_MAX_CERT_LIST_DEFAULT). */
export const MAX_CERT_LIST = 100 * 1024;
/**
 * The largest ClientHello the grammar allows (RFC 8446 4.1.2): version 2,
 * random 32, session id 1 + 32, suites 2 + 2^16-2, compression 1 + 2^8-1,
 * extensions 2 + 2^16-1.
 */
export const CLIENT_HELLO_MAX = 131396;
const MAX_PLAINTEXT = 1 << 14;

/** What a server reads from a client. */
const FROM_CLIENT: Record<number, number> = {
  [HT.client_hello]: CLIENT_HELLO_MAX,
  [HT.end_of_early_data]: 0,
  [HT.certificate]: MAX_CERT_LIST,
  [HT.client_key_exchange]: 2048,
  [HT.certificate_verify]: MAX_PLAINTEXT,
  [HT.finished]: 64, // 12 or 32..48 in practice; OpenSSL allows 64
  [HT.key_update]: 1,
};

/** What a client reads from a server. */
const FROM_SERVER: Record<number, number> = {
  [HT.hello_request]: 0,
  [HT.server_hello]: 20000,
  [HT.encrypted_extensions]: 20000,
  [HT.certificate]: MAX_CERT_LIST,
  [HT.certificate_request]: MAX_CERT_LIST,
  [HT.certificate_verify]: MAX_PLAINTEXT,
  [HT.server_key_exchange]: 102400,
  [HT.server_hello_done]: 0,
  [HT.finished]: 64,
  [HT.key_update]: 1,
};

/** Records in a row that carry nothing (OpenSSL's MAX_EMPTY_RECORDS). */
export const MAX_EMPTY_RECORDS = 32;
/** Warning alerts in a row; the fifth is refused (OpenSSL's MAX_WARN_ALERT_COUNT). */
export const MAX_WARN_ALERTS = 5;

const TICKET_MAX_TLS13 = 131338;
const TICKET_MAX_TLS12 = 65541;

/**
 * The cap for a message of `type`, or null when the peer in this role never
 * sends that type (OpenSSL rejects those with unexpected_message).
 */
export function maxMessageSize(isServer: boolean, version: number | null, type: number): number | null {
  if (!isServer && type === HT.new_session_ticket) {
    return version === ProtocolVersion.TLS12 ? TICKET_MAX_TLS12 : TICKET_MAX_TLS13;
  }
  return (isServer ? FROM_CLIENT : FROM_SERVER)[type] ?? null;
}
