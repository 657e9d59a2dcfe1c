// Pieces shared by the CLI commands: argument helpers,
// and the handshake summary block.

import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { HandshakeInfo } from '../ssl/sslobject.js';
import { osError } from '../ssl/file-loading.js';

/** Bad command line: main prints the message and a one-line usage, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

/**
 * node's parseArgs with our own one-line messages instead of its
 * ERR_PARSE_ARGS_* texts (which suggest '--' tricks irrelevant here).
 */
export function parseCommandArgs<O extends OptionSpec>(
  argv: string[],
  options: O,
  allowPositionals: boolean,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean; strict: true }>> {
  for (const a of argv) {
    if (!a.startsWith('--') || a === '--') continue;
    const name = a.slice(2).split('=', 1)[0]!;
    if (!(name in options)) throw new UsageError(`unknown option '--${name}'`);
  }
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const opt = /'(-[^']*)'/.exec((e as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option '${opt ?? '?'}'`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = /--([\w-]+)/.exec((e as Error).message)?.[1] ?? '?';
      const spec = options[name];
      throw new UsageError(spec?.type === 'boolean' ? `option '--${name}' takes no value` : `option '--${name}' needs a value`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument '${opt ?? /'([^']*)'/.exec((e as Error).message)?.[1] ?? '?'}'`);
    throw new UsageError((e as Error).message.split('\n', 1)[0]!);
  }
}

/**
 * A file named on the command line must be readable; Python's message names
 * it (`[Errno 2] No such file or directory: 'x.pem'`), where loading it
 * through SSLContext would not, as in Python's ssl.
 */
export function requireFile(path: string | undefined): void {
  if (path === undefined) return;
  try {
    accessSync(path, constants.R_OK);
    if (statSync(path).isDirectory()) readFileSync(path); // raises EISDIR
  } catch (e) {
    throw osError(e, path);
  }
}

/** The key password from --pass, or the first line of --pass-file. */
export function keyPassword(pass: string | undefined, passFile: string | undefined): string | undefined {
  if (pass !== undefined && passFile !== undefined) throw new UsageError('give --pass or --pass-file, not both');
  if (passFile === undefined) return pass;
  requireFile(passFile);
  return readFileSync(passFile, 'utf8').split(/\r?\n/, 1)[0] ?? '';
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
    ['session', info.sessionReused ? 'resumed' : 'new'],
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
