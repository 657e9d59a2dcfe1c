// Python's SSLContext._msg_callback (OpenSSL's SSL_CTX_set_msg_callback as CPython exposes it):
// called with (conn, direction, version, content_type, msg_type, data) for every handshake
// message, ChangeCipherSpec and alert, in both directions. OpenSSL also reports record headers
// (content type 256) and TLS 1.3 inner content types (257); ssl-ts does not.
import type { TraceEvent } from '../tls/config.js';
import { ContentType, ProtocolVersion } from '../tls/constants.js';

/** Python: the callable assigned to `SSLContext._msg_callback`. */
export type MsgCallback = (
  conn: unknown,
  direction: 'read' | 'write',
  version: number,
  contentType: number,
  msgType: number,
  data: Uint8Array,
) => unknown;

/** CPython's message type for ChangeCipherSpec (SSL3_MT_CHANGE_CIPHER_SPEC). */
const MT_CHANGE_CIPHER_SPEC = 0x0101;

type Args = [direction: 'read' | 'write', version: number, contentType: number, msgType: number, data: Uint8Array];

/** The arguments OpenSSL would pass for one traced message; null where OpenSSL reports nothing. */
export function msgCallbackArgs(ev: TraceEvent, version: number | null, maxVersion: number): Args | null {
  const direction = ev.direction === 'sent' ? 'write' : 'read';
  // Before the version is settled OpenSSL reports the highest one it may use.
  const v = version ?? Math.min(maxVersion, ProtocolVersion.TLS13);
  switch (ev.kind) {
    case 'handshake':
      return [direction, v, ContentType.handshake, ev.type, ev.data ?? new Uint8Array(0)];
    case 'change_cipher_spec':
      // OpenSSL reports the ChangeCipherSpec it sends, not the one it receives.
      if (direction === 'read') return null;
      return [direction, v, ContentType.change_cipher_spec, MT_CHANGE_CIPHER_SPEC, ev.data ?? Uint8Array.of(1)];
    case 'alert':
      return [direction, v, ContentType.alert, ev.description, ev.data ?? Uint8Array.of(ev.level, ev.description)];
  }
}
