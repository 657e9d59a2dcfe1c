// ALPN selection on the server (RFC 7301 3.2): the server's own order decides.
import { ExtensionType } from './constants.js';
import { decodeAlpn, type Extension, findExtension } from './extensions.js';

/**
 * The protocol to select, null when ALPN is not in play. No overlap is not fatal: the
 * handshake goes on without ALPN, as under Python, whose select callback answers
 * SSL_TLSEXT_ERR_NOACK then.
 */
export function chooseAlpn(ours: readonly string[] | null, clientExtensions: readonly Extension[]): string | null {
  const ext = findExtension(clientExtensions, ExtensionType.alpn);
  if (!ext || !ours || ours.length === 0) return null;
  const theirs = decodeAlpn(ext);
  for (const p of ours) if (theirs.includes(p)) return p;
  return null;
}
