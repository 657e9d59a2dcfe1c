// ALPN selection on the server (RFC 7301 3.2): the server's own order decides.
import { tlsError } from './alert.js';
import { Alert, ExtensionType } from './constants.js';
import { decodeAlpn, type Extension, findExtension } from './extensions.js';

/** The protocol to select, null when ALPN is not in play; no overlap is fatal. */
export function chooseAlpn(ours: readonly string[] | null, clientExtensions: readonly Extension[]): string | null {
  const ext = findExtension(clientExtensions, ExtensionType.alpn);
  if (!ext || !ours || ours.length === 0) return null;
  const theirs = decodeAlpn(ext);
  for (const p of ours) if (theirs.includes(p)) return p;
  throw tlsError(Alert.no_application_protocol, 'NO_APPLICATION_PROTOCOL');
}
