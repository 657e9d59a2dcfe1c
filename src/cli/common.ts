// Pieces shared by the CLI commands: argument helpers,
// and the handshake summary block.

import type { HandshakeInfo } from '../ssl/sslobject.js';

/** Bad command line: main prints the message and the usage text, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** "host:port", "[v6]:port" → parts; host may be a name, IPv4 or bracketed IPv6. */
export function parseHostPort(s: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:[\]]+):(\d+)$/.exec(s);
  if (!m) throw new UsageError(`expected HOST:PORT or [IPV6]:PORT, got '${s}'`);
  return { host: m[1]!, port: parsePort(m[2]!) };
}

export function parsePort(s: string, allowZero = false): number {
  const n = /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isInteger(n) || n > 65535 || (n === 0 && !allowZero)) throw new UsageError(`invalid port '${s}'`);
  return n;
}

/** "a,b" → ['a', 'b'], or null when the flag was not given. */
export function parseList(s: string | undefined): string[] | null {
  if (s === undefined) return null;
  const list = s.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
  if (list.length === 0) throw new UsageError('--alpn needs at least one protocol name');
  return list;
}

/** Aligned "key  value" lines. */
export function keyValues(rows: Array<[string, string]>, indent = '  '): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(w)}  ${v}`).join('\n');
}

/** The summary rows for a finished handshake, as seen by the end `side`. */
export function summaryRows(info: HandshakeInfo, cipherBits: number | undefined, side: 'client' | 'server'): Array<[string, string]> {
  const none = '(none)';
  return [
    ['version', info.version ?? none],
    ['cipher suite', info.cipher ? (cipherBits ? `${info.cipher} (${cipherBits} bits)` : info.cipher) : none],
    ['key exchange group', info.group ?? none],
    ['signature scheme', info.signatureScheme ?? none],
    ['ALPN', info.alpn ?? none],
    ['server name (SNI)', info.serverName ?? none],
    // Say whose certificate it is: the peer of a client is the server and vice versa.
    [side === 'client' ? "peer certificate (the server's)" : "peer certificate (the client's)", info.peerCertificateSubject ?? none],
    ['HelloRetryRequest', info.helloRetryRequest ? 'yes' : 'no'],
  ];
}

/** Error text for the user: SSLError messages already read like OpenSSL's. */
export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

/** "host:port" for display, bracketing IPv6. */
export function formatAddress(host: string | undefined, port: number | undefined): string {
  if (!host) return '?';
  return host.includes(':') ? `[${host}]:${port ?? '?'}` : `${host}:${port ?? '?'}`;
}
