// Python's SSLContext._msg_callback (OpenSSL's SSL_CTX_set_msg_callback as CPython exposes it):
// called with (conn, direction, version, content_type, msg_type, data) for every handshake
// message, ChangeCipherSpec and alert, in both directions, and, as OpenSSL does, for every
// record header (content type 0x100, _TLSContentType.HEADER) and the inner content type of
// every TLS 1.3 protected record (0x101, INNER_CONTENT_TYPE). As with OpenSSL, a connection
// reports only if its context had a callback when it was made (SSL_new copies it), and the
// callable is the current context's at each call.
import type { RecordTraceEvent, TraceEvent } from '../tls/config.js';
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

/** OpenSSL's SSL3_RT_HEADER and SSL3_RT_INNER_CONTENT_TYPE, as Python passes them. */
const RT_HEADER = 0x100;
const RT_INNER_CONTENT_TYPE = 0x101;

/**
 * The arguments for a record header or inner content type. CPython takes a header's version
 * and message type from its bytes; OpenSSL reports a written inner type with the record's
 * version and a read one with the connection's.
 */
export function recordCallbackArgs(ev: RecordTraceEvent, version: number | null, maxVersion: number): Args {
  const direction = ev.direction === 'sent' ? 'write' : 'read';
  if (ev.kind === 'record_header') {
    const h = ev.header;
    return [direction, (h[1]! << 8) | h[2]!, RT_HEADER, h[0]!, h];
  }
  const v = direction === 'write' ? ProtocolVersion.TLS12 : (version ?? Math.min(maxVersion, ProtocolVersion.TLS13));
  return [direction, v, RT_INNER_CONTENT_TYPE, ev.type, Uint8Array.of(ev.type)];
}
