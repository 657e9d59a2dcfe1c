// The DeprecationWarnings CPython 3.11's ssl emits, with its exact texts, sent through
// process.emitWarning(message, 'DeprecationWarning') (see src/host/process.ts) so that node's --no-deprecation,
// --throw-deprecation and 'warning' listeners apply as they do to node's own.
import { Options, SSLMethod, TLSVersion } from './constants.js';
import { emitDeprecationWarning } from '../host/process.js';

export function deprecated(message: string): void {
  emitDeprecationWarning(message);
}

const METHOD_NAMES: Partial<Record<number, string>> = {
  [SSLMethod.PROTOCOL_TLS]: 'PROTOCOL_TLS',
  [SSLMethod.PROTOCOL_TLSv1]: 'PROTOCOL_TLSv1',
  [SSLMethod.PROTOCOL_TLSv1_1]: 'PROTOCOL_TLSv1_1',
  [SSLMethod.PROTOCOL_TLSv1_2]: 'PROTOCOL_TLSv1_2',
};

/** SSLContext(protocol): every method but PROTOCOL_TLS_CLIENT/SERVER is deprecated. */
export function warnProtocol(protocol: number | null | undefined): void {
  if (protocol === null || protocol === undefined) {
    deprecated('ssl.SSLContext() without protocol argument is deprecated.');
    protocol = SSLMethod.PROTOCOL_TLS;
  }
  const name = METHOD_NAMES[protocol];
  if (name) deprecated(`ssl.${name} is deprecated`);
}

const OP_NO_VERSIONS =
  Options.OP_NO_SSLv2 | Options.OP_NO_SSLv3 | Options.OP_NO_TLSv1 | Options.OP_NO_TLSv1_1 | Options.OP_NO_TLSv1_2 | Options.OP_NO_TLSv1_3;

// Setting (not clearing) an OP_NO_SSLv* or OP_NO_TLSv* option is deprecated.
export function warnOptions(before: number, after: number): void {
  const set = ~before & after;
  if (set & OP_NO_VERSIONS) deprecated('ssl.OP_NO_SSL*/ssl.OP_NO_TLS* options are deprecated');
}

const VERSION_NAMES: Partial<Record<number, string>> = {
  [TLSVersion.SSLv3]: 'SSLv3',
  [TLSVersion.TLSv1]: 'TLSv1',
  [TLSVersion.TLSv1_1]: 'TLSv1_1',
};

/** minimum_version / maximum_version set to SSLv3, TLSv1 or TLSv1_1. */
export function warnVersion(v: number): void {
  const name = VERSION_NAMES[v];
  if (name) deprecated(`ssl.TLSVersion.${name} is deprecated`);
}

export function warnNpn(): void {
  deprecated('ssl NPN is deprecated, use ALPN instead');
}
