// ALPN selection on the server (RFC 7301 3.2): the server's own order decides.
import { Alert, ExtensionType } from './constants.js';
import { decodeAlpn, type Extension, findExtension } from './extensions.js';
import { tlsError } from './alert.js';
import type { EngineConfig } from './config.js';

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

/**
 * The server's choice: the config's selector when there is one (node's
 * ALPNCallback), else the config's own list as chooseAlpn does.
 */
export function selectAlpn(config: EngineConfig, clientExtensions: readonly Extension[], serverName: string | null): string | null {
  if (!config.alpnSelect) return chooseAlpn(config.alpn, clientExtensions);
  const ext = findExtension(clientExtensions, ExtensionType.alpn);
  if (!ext) return null;
  const offered = decodeAlpn(ext);
  const pick = config.alpnSelect(offered, serverName);
  // A refusal is fatal, as OpenSSL does when its select callback answers SSL_TLSEXT_ERR_ALERT_FATAL.
  if (pick === undefined) throw tlsError(Alert.no_application_protocol, 'NO_APPLICATION_PROTOCOL');
  if (!offered.includes(pick)) throw tlsError(Alert.internal_error, 'CALLBACK_FAILED');
  return pick;
}
