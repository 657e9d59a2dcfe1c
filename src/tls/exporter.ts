// Keying material exporters: TLS 1.3 (RFC 8446 7.5) and TLS 1.2 (RFC 5705),
// the same bytes OpenSSL's SSL_export_keying_material gives (node:tls's
// exportKeyingMaterial). Channel binding 'tls-exporter' (RFC 9266) is one use.
import { tlsError } from './alert.js';
import { Alert, ProtocolVersion } from './constants.js';
import type { Connection } from './connection.js';
import { hkdfExpandLabel } from './key-schedule.js';
import { prf } from './prf.js';

/** Labels RFC 5705 4 reserves for TLS itself; OpenSSL refuses them in TLS 1.2. */
const RESERVED_TLS12 = ['client finished', 'server finished', 'master secret', 'key expansion', 'extended master secret'];

/** RFC 9266's label; 32 bytes, no context. */
export const TLS_EXPORTER_CHANNEL_BINDING = 'EXPORTER-Channel-Binding';

/**
 * `length` bytes for `label` and an optional `context`. In TLS 1.2 an
 * absent context and an empty one differ (RFC 5705 4); in TLS 1.3 they do not.
 */
export function exportKeyingMaterial(conn: Connection, label: string, length: number, context: Uint8Array | null): Uint8Array {
  const p = conn.config.provider;
  if (conn.negotiated.version === ProtocolVersion.TLS13) {
    const s = conn.secrets;
    if (!s?.exporterSecret) throw new Error('no exporter secret');
    const suite = s.schedule.suite;
    const secret = s.schedule.deriveSecret(s.exporterSecret, label, p.digest(suite.hash, new Uint8Array(0)));
    return hkdfExpandLabel(p, suite, secret, 'exporter', p.digest(suite.hash, context ?? new Uint8Array(0)), length);
  }
  const t = conn.tls12Secrets;
  if (!t) throw new Error('no TLS 1.2 master secret');
  if (RESERVED_TLS12.some((r) => label.startsWith(r))) {
    throw tlsError(Alert.internal_error, 'TLS_ILLEGAL_EXPORTER_LABEL');
  }
  const parts: Uint8Array[] = [t.clientRandom, t.serverRandom];
  if (context) {
    if (context.length > 0xffff) throw new RangeError('context too long');
    parts.push(Uint8Array.of(context.length >> 8, context.length & 0xff), context);
  }
  return prf(p, t.hash, t.master, label, Buffer.concat(parts), length);
}
