// Python's ssl.SSLContext: the configuration shared by the connections it
// wraps. Defaults, validation and error shapes follow CPython 3.11 on
// OpenSSL 3.0; the TLS engine reads the underscore fields below.

import type { CryptoProvider, KeyHandle } from '../crypto/provider.js';
import { getDefaultCryptoProvider } from '../crypto/default-provider.js';

import {
  SSLError,
  ValueError,
} from '../errors.js';
import {
  CERT_NONE,
  CERT_REQUIRED,
  DEFAULT_CIPHERS,
  Options,
  Purpose,
  SSLMethod,
  TLSVersion,
  VerifyFlags,
  VerifyMode,
  type ASN1Object,
} from './constants.js';
import { MemoryBIO } from './memory-bio.js';
import { pemBlocks, isCertificate, isCaCertificate, readTlv } from './pem-files.js';
import { evaluateCipherString, cipherInfos, TLS13_CIPHER_NAMES, type CipherInfo } from './cipher-string.js';
import { SSLObject } from './sslobject.js';
import { SSLSession } from './session.js';
import { ContextSessions, type SessionStats } from './session-cache.js';
import { TICKET_KEY_LENGTH } from '../tls/session-ticket.js';
import { decodeCertificate, type PeerCertDict } from '../x509/decode.js';
import { CERT_DIR_ENV, CERT_FILE_ENV, opensslDefaultPaths } from './verify-paths.js';
import type { Duplex } from 'node:stream';
import type { SSLSocket, WrapSocketOptions } from '../net/ssl-socket.js';
import { wrapSocketWith } from './socket-wrap.js';
import { pathExists, prepareAppendFile, requireFileSystem } from '../host/file-system.js';
import { bundledRootCertificates } from '../host/system-roots.js';
import { envVar } from '../host/process.js';
import { asUnsignedFlags, asn1Repr, bytesView, isAsn1Object, pyTruthy, pyTypeName, requireInt } from './py-types.js';
import { CERT_LABELS, CERT_LABELS_WITH_TRUSTED, ERR_ASN1_LIB, ERR_BAD_BASE64_DECODE, ERR_KEY_VALUES_MISMATCH, ERR_NOT_ENOUGH_DATA, ERR_NO_START_LINE, type PathLike, certDerOf, fsPath, isPath, keySlot, loadPrivateKey, osError, passwordBytes, pemLibError, readCaFile, readFile } from './file-loading.js';
import { encodeHostname, isAscii } from './idna.js';
import { warnOptions, warnProtocol, warnVersion } from './deprecations.js';
import type { MsgCallback } from './msg-callback.js';
import { checkDhParams } from '../crypto/ffdhe.js';
import { checkOwnChainSecurity } from './cert-security.js';

/** OpenSSL's SSL reason codes, which Python reports as errno. */
const ERR_DH_KEY_TOO_SMALL = 394;
const ERR_BAD_DH_VALUE = 102;

export type { CipherInfo } from './cipher-string.js';
export type { PathLike } from './file-loading.js';

/** ssl-ts only: a certificate chain and its private key, as the engine consumes them. */
export interface CertKeyPair {
  /** DER certificates, leaf first. */
  chain: Uint8Array[];
  key: KeyHandle;
}

/** The `password` of Python's `load_cert_chain()`: text, bytes, or a function returning either. */
export type PasswordSource = string | Uint8Array | (() => string | Uint8Array) | null;
/** The `cadata` of Python's `load_verify_locations()`: PEM text, or DER bytes. */
export type CaData = string | Uint8Array | ArrayBufferView | ArrayBuffer;

/** Keyword arguments of Python's `SSLContext.load_verify_locations()`. */
export interface VerifyLocations {
  cafile?: PathLike | null;
  capath?: PathLike | null;
  cadata?: CaData | null;
}

/** Called on the server with the client's SNI name; may return an ALERT_DESCRIPTION_* to abort. Python: the `sni_callback` function. */
export type SNICallback = (sslObject: SSLObject, serverName: string | null, context: SSLContext) => number | null | void;

/** Keyword arguments of Python's `SSLContext.wrap_bio()`. */
export interface WrapBioOptions {
  serverSide?: boolean;
  serverHostname?: string | null;
  session?: SSLSession | null;
}

/** The dict of Python's `SSLContext.cert_store_stats()`. */
export interface CertStoreStats {
  x509: number;
  crl: number;
  x509_ca: number;
}

export type { SessionStats } from './session-cache.js';

/** Python 3.13's PSK client callback: identity hint in, `[identity, psk]` out. */
export type PskClientCallback = (hint: string | null) => [identity: string | null, psk: Uint8Array];
/** Python 3.13's PSK server callback: the client's identity in, the PSK out (empty: unknown). */
export type PskServerCallback = (identity: string | null) => Uint8Array;

const DEFAULT_OPTIONS =
  (Options.OP_ALL |
    Options.OP_NO_SSLv3 |
    Options.OP_CIPHER_SERVER_PREFERENCE |
    Options.OP_ENABLE_MIDDLEBOX_COMPAT |
    Options.OP_NO_COMPRESSION) >>>
  0;

// OpenSSL 3.0's default group list and order (checked against `openssl s_client -msg`); the client
// sends a key share for the first. The hybrid post-quantum group leads, as in OpenSSL 3.5, Chrome,
// Go and rustls; the client sends shares for it and for x25519 (see initialShareGroups). The ffdhe
// groups are offered for TLS 1.3 only.
const DEFAULT_GROUPS: readonly string[] = [
  'X25519MLKEM768', 'x25519', 'secp256r1', 'x448', 'secp521r1', 'secp384r1',
  'ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192',
];

/** set_ecdh_curve names (OpenSSL short names) we can honour, mapped to our group names. */
const ECDH_CURVES: ReadonlyMap<string, string> = new Map([
  ['prime256v1', 'secp256r1'],
  ['secp384r1', 'secp384r1'],
  ['secp521r1', 'secp521r1'],
  ['X25519', 'x25519'],
  ['X448', 'x448'],
  ['X25519MLKEM768', 'X25519MLKEM768'],
]);

/** Group names setGroups() takes: OpenSSL's (and node's ecdhCurve) spellings, case as OpenSSL matches them. */
const GROUP_NAMES: ReadonlyMap<string, string> = new Map([
  ...ECDH_CURVES,
  ['P-256', 'secp256r1'],
  ['P-384', 'secp384r1'],
  ['P-521', 'secp521r1'],
  ['secp256r1', 'secp256r1'],
  ['x25519', 'x25519'],
  ['x448', 'x448'],
  // RFC 7919 groups (TLS 1.3 key shares), as OpenSSL's -groups names them.
  ...['ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192'].map((n): [string, string] => [n, n]),
]);

const KEYLOG_HEADER = '# TLS secrets log file, generated by OpenSSL / Python\n';

// ----------------------------------------------------------------- helpers


const VALID_PROTOCOLS = new Set<number>([
  SSLMethod.PROTOCOL_TLS,
  SSLMethod.PROTOCOL_TLSv1,
  SSLMethod.PROTOCOL_TLSv1_1,
  SSLMethod.PROTOCOL_TLSv1_2,
  SSLMethod.PROTOCOL_TLS_CLIENT,
  SSLMethod.PROTOCOL_TLS_SERVER,
]);

const SETTABLE_VERSIONS = new Set<number>([
  TLSVersion.MINIMUM_SUPPORTED,
  TLSVersion.MAXIMUM_SUPPORTED,
  TLSVersion.SSLv3,
  TLSVersion.TLSv1,
  TLSVersion.TLSv1_1,
  TLSVersion.TLSv1_2,
  TLSVersion.TLSv1_3,
]);

/** Methods fixed to one version: minimum/maximum_version cannot be changed. */
const FIXED_VERSION_METHODS = new Set<number>([SSLMethod.PROTOCOL_TLSv1, SSLMethod.PROTOCOL_TLSv1_1, SSLMethod.PROTOCOL_TLSv1_2]);

/** The lowest and highest versions ssl-ts implements. */
const LOWEST = TLSVersion.TLSv1_2;
const HIGHEST = TLSVersion.TLSv1_3;

/** loadCertChain()'s check of `password`, made before anything is read. */
function checkPassword(password: unknown): void {
  if (
    password !== null &&
    password !== undefined &&
    typeof password !== 'string' &&
    typeof password !== 'function' &&
    bytesView(password) === null
  ) {
    throw new TypeError('password should be a string or callable');
  }
}

/** PEM given as text or as its bytes (read as latin-1, as the file loaders read files). */
function pemText(data: unknown, name: string): string {
  if (typeof data === 'string') return data;
  const bytes = bytesView(data);
  if (bytes === null) throw new TypeError(`${name} should be a str or a bytes-like object`);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

// ------------------------------------------------------------------ context

/** Settings, certificates and trust store shared by connections. Python: `ssl.SSLContext`. */
export class SSLContext {
  // ----- state the engine reads (names are part of the contract) -----

  /** Certificate chains with their keys; one per key type, like OpenSSL. */
  _certs: CertKeyPair[] = [];
  /** Trusted certificates (DER), deduplicated (capath ones are looked up lazily, see _capaths). */
  _trusted: Uint8Array[] = [];
  /** CRLs (DER) loaded from cafile bundles, for VERIFY_CRL_CHECK_*. */
  _crls: Uint8Array[] = [];
  /** Hashed directories (capath) searched by subject-name hash during verification. */
  _capaths: string[] = [];
  /** ALPN protocols in preference order, or null when not set. */
  _alpnProtocols: string[] | null = null;
  /** @internal node's ALPNCallback, set by createServer(): the server's ALPN choice instead of `_alpnProtocols`. */
  _alpnSelect: ((offered: string[], serverName: string | null) => string | undefined) | null = null;
  /** TLS 1.2 suites (OpenSSL names) selected by setCiphers(), in preference order. */
  _tls12Ciphers: string[] = [];
  /** TLS 1.3 suites in preference order (fixed: Python offers no way to change them). */
  _tls13Ciphers: string[] = [...TLS13_CIPHER_NAMES];
  /** Key-exchange groups in preference order. */
  _groups: string[] = [...DEFAULT_GROUPS];
  /** DH parameters for TLS 1.2 DHE suites on the server, from loadDhParams(). */
  _dhParams: { p: Uint8Array; g: Uint8Array } | null = null;
  /**
   * ssl-ts extra, OpenSSL's SSL_CTX_set_dh_auto(): without loadDhParams() the
   * server still offers DHE, with parameters sized by its certificate as
   * OpenSSL 3.0 picks them. Off by default, as in Python.
   */
  dhAuto = false;
  /**
   * ssl-ts extra: refuse TLS 1.2 peers that do not do RFC 7627 extended
   * master secret (handshake_failure, INCONSISTENT_EXTMS). By default, as in
   * OpenSSL, it is offered and used when the peer does, and its absence is
   * accepted. Wins over OP_NO_EXTENDED_MASTER_SECRET.
   */
  requireExtendedMasterSecret = false;

  // ----- private state -----

  readonly #protocol: SSLMethod;
  #verifyMode: VerifyMode;
  #checkHostname: boolean;
  #options: number = DEFAULT_OPTIONS;
  #verifyFlags: number = VerifyFlags.VERIFY_X509_TRUSTED_FIRST;
  #minimumVersion: TLSVersion;
  #maximumVersion: TLSVersion = TLSVersion.MAXIMUM_SUPPORTED;
  #numTickets = 2;
  #provider: CryptoProvider = getDefaultCryptoProvider();
  readonly #sessions = new ContextSessions(this.#provider);
  #pskClientCallback: PskClientCallback | null = null;
  #maxEarlyData = 0;
  #pskServerCallback: PskServerCallback | null = null;
  #pskIdentityHint: string | null = null;
  #hostnameChecksCommonName = true;
  #postHandshakeAuth = false;
  #securityLevel = 2;
  #sniCallback: SNICallback | null = null;
  #msgCallback: MsgCallback | null = null;
  #keylogFilename: string | null = null;
  #cipherSpec: string = DEFAULT_CIPHERS;
  /** base64 of every DER in _trusted, for duplicate detection. */
  #trustedKeys = new Set<string>();
  /** Keys of capath certificates: usable, but not counted by stats, as OpenSSL loads those lazily. */
  #lazyKeys = new Set<string>();

  /**
   * `protocol` defaults to PROTOCOL_TLS. As in Python, leaving it out and every method but
   * PROTOCOL_TLS_CLIENT/SERVER emit a DeprecationWarning. PROTOCOL_TLSv1 and
   * PROTOCOL_TLSv1_1 contexts can be made but cannot connect (see SSLMethod).
   */
  constructor(protocol?: SSLMethod | null) {
    const p = protocol ?? SSLMethod.PROTOCOL_TLS;
    requireInt(p);
    warnProtocol(protocol);
    if (!VALID_PROTOCOLS.has(p)) throw new ValueError(`invalid or unsupported protocol version ${p}`);
    this.#protocol = p;
    const client = p === SSLMethod.PROTOCOL_TLS_CLIENT;
    this.#verifyMode = client ? VerifyMode.CERT_REQUIRED : VerifyMode.CERT_NONE;
    this.#checkHostname = client;
    // Python raises the floor to TLS 1.2, except for the fixed-version method.
    this.#minimumVersion = FIXED_VERSION_METHODS.has(p) ? TLSVersion.MINIMUM_SUPPORTED : TLSVersion.TLSv1_2;
    this.#applyCipherString(DEFAULT_CIPHERS);
  }

  // --------------------------------------------------------------- properties

  /**
   * ssl-ts extra: the crypto provider of this context's connections, key
   * loading and certificate verification. New contexts take
   * getDefaultCryptoProvider() (node:crypto on Node, the pure-JavaScript
   * `nobleCrypto` in a browser build). Set it before loading a certificate
   * chain (keys belong to the provider that imported them: ValueError after);
   * setting it makes fresh session-ticket keys with the new provider.
   */
  get cryptoProvider(): CryptoProvider {
    return this.#provider;
  }
  /** Chooses this context's crypto provider (before loadCertChain()). */
  set cryptoProvider(value: CryptoProvider) {
    if (value === this.#provider) return;
    if (typeof value !== 'object' || value === null || typeof value.importPrivateKey !== 'function') {
      throw new TypeError('cryptoProvider must be a CryptoProvider');
    }
    if (this._certs.length > 0) throw new ValueError('cryptoProvider must be set before loadCertChain()');
    this.#provider = value;
    this.#sessions.useProvider(value);
  }

  /** The `PROTOCOL_*` the context was made with. Python: `SSLContext.protocol`. */
  get protocol(): SSLMethod {
    return this.#protocol;
  }

  /** `CERT_NONE`, `CERT_OPTIONAL` or `CERT_REQUIRED`. Python: `SSLContext.verify_mode`. */
  get verifyMode(): VerifyMode {
    return this.#verifyMode;
  }
  /** `CERT_NONE`, `CERT_OPTIONAL` or `CERT_REQUIRED`. Python: `SSLContext.verify_mode`. */
  set verifyMode(value: VerifyMode) {
    const v = requireInt(value);
    if (v !== 0 && v !== 1 && v !== 2) throw new ValueError('invalid value for verify_mode');
    if (v === VerifyMode.CERT_NONE && this.#checkHostname) {
      throw new ValueError('Cannot set verify_mode to CERT_NONE when check_hostname is enabled.');
    }
    this.#verifyMode = v;
  }

  /** Whether the server's name is matched against its certificate. Python: `SSLContext.check_hostname`. */
  get checkHostname(): boolean {
    return this.#checkHostname;
  }
  /** Enabling it on a CERT_NONE context switches verifyMode to CERT_REQUIRED, as in Python. */
  set checkHostname(value: boolean) {
    const on = !!value;
    if (on && this.#verifyMode === VerifyMode.CERT_NONE) this.#verifyMode = VerifyMode.CERT_REQUIRED;
    this.#checkHostname = on;
  }

  /** OP_* flags. Negative int32 values (from JS bitwise ops) are read as unsigned. */
  get options(): Options {
    return this.#options;
  }
  /** `OP_*` bits. Python: `SSLContext.options`. */
  set options(value: Options) {
    const next = asUnsignedFlags(requireInt(value));
    warnOptions(this.#options, next);
    this.#options = next;
  }

  /** `VERIFY_*` bits for certificate verification. Python: `SSLContext.verify_flags`. */
  get verifyFlags(): VerifyFlags {
    return this.#verifyFlags;
  }
  /** `VERIFY_*` bits for certificate verification. Python: `SSLContext.verify_flags`. */
  set verifyFlags(value: VerifyFlags) {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new TypeError(`argument must be int, not ${pyTypeName(value)}`);
    }
    this.#verifyFlags = asUnsignedFlags(value);
  }

  /** Lowest TLS version offered or accepted. Python: `SSLContext.minimum_version`. */
  get minimumVersion(): TLSVersion {
    return this.#minimumVersion;
  }
  /** Lowest TLS version offered or accepted. Python: `SSLContext.minimum_version`. */
  set minimumVersion(value: TLSVersion) {
    const v = this.#checkVersion(value);
    warnVersion(v);
    // Like OpenSSL, "the highest supported" as a floor means TLS 1.3.
    this.#minimumVersion = v === TLSVersion.MAXIMUM_SUPPORTED ? HIGHEST : v;
  }

  /** Highest TLS version offered or accepted. Python: `SSLContext.maximum_version`. */
  get maximumVersion(): TLSVersion {
    return this.#maximumVersion;
  }
  /** Highest TLS version offered or accepted. Python: `SSLContext.maximum_version`. */
  set maximumVersion(value: TLSVersion) {
    const v = this.#checkVersion(value);
    warnVersion(v);
    // "The lowest supported" as a ceiling reads back as OpenSSL's lowest, TLS 1.0 (as in
    // Python); ssl-ts speaks nothing that low, so such a context cannot connect.
    this.#maximumVersion = v === TLSVersion.MINIMUM_SUPPORTED ? TLSVersion.TLSv1 : v;
  }

  /** TLS 1.3 session tickets a server sends after the handshake. */
  get numTickets(): number {
    return this.#numTickets;
  }
  /** Number of TLS 1.3 session tickets a server sends. Python: `SSLContext.num_tickets`. */
  set numTickets(value: number) {
    const v = requireInt(value);
    if (v < 0) throw new ValueError('value must be non-negative');
    if (this.#protocol !== SSLMethod.PROTOCOL_TLS_SERVER) {
      throw new ValueError('SSLContext is not a server context.');
    }
    this.#numTickets = v;
  }

  /** Whether hostname checks fall back to the subject CN when there is no SAN (Python's default: true). */
  get hostnameChecksCommonName(): boolean {
    return this.#hostnameChecksCommonName;
  }
  /** Whether the subject's commonName is used when there is no subjectAltName. Python: `SSLContext.hostname_checks_common_name`. */
  set hostnameChecksCommonName(value: boolean) {
    this.#hostnameChecksCommonName = !!value;
  }

  /** TLS 1.3 post-handshake client authentication. Python: `SSLContext.post_handshake_auth`. */
  get postHandshakeAuth(): boolean {
    return this.#postHandshakeAuth;
  }
  /** TLS 1.3 post-handshake client authentication. Python: `SSLContext.post_handshake_auth`. */
  set postHandshakeAuth(value: boolean) {
    this.#postHandshakeAuth = !!value;
  }

  /** OpenSSL security level; only `@SECLEVEL=n` in setCiphers() changes it. */
  get securityLevel(): number {
    return this.#securityLevel;
  }

  /** Server: called with the name the client asked for. Python: `SSLContext.sni_callback`. */
  get sniCallback(): SNICallback | null {
    return this.#sniCallback;
  }
  /** Server: called with the name the client asked for. Python: `SSLContext.sni_callback`. */
  set sniCallback(value: SNICallback | null) {
    if (value !== null && value !== undefined && typeof value !== 'function') {
      throw new TypeError('not a callable object');
    }
    this.#sniCallback = value ?? null;
  }

  /**
   * Python's (private but used) `_msg_callback`: (conn, direction 'read'|'write', version,
   * content type, message type, raw bytes) for each handshake message, CCS and alert; see
   * msg-callback.ts. An exception thrown by it surfaces from the SSL call that was running.
   */
  get _msgCallback(): MsgCallback | null {
    return this.#msgCallback;
  }
  /** Python: `SSLContext._msg_callback = callback` (a function or null). */
  set _msgCallback(value: MsgCallback | null) {
    if (value !== null && value !== undefined && typeof value !== 'function') throw new TypeError(`${String(value)} is not callable.`);
    this.#msgCallback = value ?? null;
  }

  /**
   * Python 3.13's `set_psk_client_callback`: `callback(hint)` returns
   * `[identity, psk]` for an external PSK offered in TLS 1.3 (hint is always
   * null there; an empty psk offers none). null removes the callback.
   */
  setPskClientCallback(callback: PskClientCallback | null): void {
    if (this.#protocol === SSLMethod.PROTOCOL_TLS_SERVER) {
      throw new ValueError('Cannot add PSK client callback to a PROTOCOL_TLS_SERVER context');
    }
    if (callback !== null && typeof callback !== 'function') throw new TypeError('callback must be callable');
    this.#pskClientCallback = callback;
  }

  /**
   * Python 3.13's `set_psk_server_callback`: `callback(identity)` returns the
   * PSK for that identity (empty: unknown, and the handshake goes on with a
   * certificate if there is one). `identityHint` is kept for Python's sake;
   * TLS 1.3 never sends it. null removes the callback.
   */
  setPskServerCallback(callback: PskServerCallback | null, identityHint: string | null = null): void {
    if (this.#protocol === SSLMethod.PROTOCOL_TLS_CLIENT) {
      throw new ValueError('Cannot add PSK server callback to a PROTOCOL_TLS_CLIENT context');
    }
    if (callback !== null && typeof callback !== 'function') throw new TypeError('callback must be callable');
    if (identityHint !== null && typeof identityHint !== 'string') throw new TypeError('identity_hint must be str or None');
    this.#pskServerCallback = callback;
    this.#pskIdentityHint = callback ? identityHint : null;
  }

  /** @internal */
  get _pskClientCallback(): PskClientCallback | null {
    return this.#pskClientCallback;
  }

  /** @internal */
  get _pskServerCallback(): PskServerCallback | null {
    return this.#pskServerCallback;
  }

  /** Python's older spelling of `sniCallback = cb`. */
  setServernameCallback(callback: SNICallback | null): void {
    this.sniCallback = callback;
  }

  /**
   * NSS key log file. Setting it opens the file for appending (creating it and
   * writing the header line when empty), so errors surface here as in Python.
   */
  get keylogFilename(): string | null {
    return this.#keylogFilename;
  }
  /** File that receives NSS key log lines. Python: `SSLContext.keylog_filename`. */
  set keylogFilename(value: string | null) {
    if (value === null || value === undefined) {
      this.#keylogFilename = null;
      return;
    }
    if (typeof value !== 'string') {
      throw new TypeError(`expected str, bytes or os.PathLike object, not ${pyTypeName(value)}`);
    }
    requireFileSystem('keylogFilename');
    try {
      prepareAppendFile(value, KEYLOG_HEADER);
    } catch (err) {
      throw osError(err, value);
    }
    this.#keylogFilename = value;
  }

  // ------------------------------------------------------------ certificates

  /**
   * Loads our certificate chain and private key from PEM files. `certfile`
   * holds the leaf first and then any intermediates; the key is read from
   * `keyfile`, or from `certfile` when omitted. `password` decrypts an
   * encrypted key: str, bytes, or a function returning either (called only if
   * needed). A chain replaces an earlier one with the same key type.
   * Python: `SSLContext.load_cert_chain()`. In a web page, which has no
   * files, this raises OSError: use loadCertChainPem().
   */
  loadCertChain(certfile: PathLike, keyfile?: PathLike | null, password?: PasswordSource): void {
    checkPassword(password);
    if (!isPath(certfile)) throw new TypeError('certfile should be a valid filesystem path');
    if (keyfile !== null && keyfile !== undefined && !isPath(keyfile)) {
      throw new TypeError('keyfile should be a valid filesystem path');
    }
    requireFileSystem('loadCertChain()', 'loadCertChainPem() with the PEM text');
    const certText = readFile(certfile).toString('latin1');
    const keyText = keyfile === null || keyfile === undefined ? certText : readFile(keyfile).toString('latin1');
    this.#installCertChain(certText, keyText, password);
  }

  /**
   * ssl-ts extra: loadCertChain() from PEM text in memory instead of files,
   * as `cadata` is to `cafile` in loadVerifyLocations(). `certdata` holds the
   * leaf first and then any intermediates; the key comes from `keydata`, or
   * from `certdata` when omitted. Each is a string or the bytes of one.
   * `password`, the errors (SSLError `PEM lib`, `KEY_VALUES_MISMATCH`) and
   * the one-chain-per-key-type rule are loadCertChain()'s. Works everywhere,
   * and is the way to give a certificate in a web page.
   */
  loadCertChainPem(certdata: string | Uint8Array, keydata?: string | Uint8Array | null, password?: PasswordSource): void {
    checkPassword(password);
    const certText = pemText(certdata, 'certdata');
    const keyText = keydata === null || keydata === undefined ? certText : pemText(keydata, 'keydata');
    this.#installCertChain(certText, keyText, password);
  }

  /**
   * Adds trusted CA certificates: `cafile` (PEM bundle), `capath` (directory
   * of hash-named PEM files) and/or `cadata` (PEM text, or concatenated DER
   * bytes). Accepts Python's positional form or an options object.
   */
  loadVerifyLocations(
    cafile?: PathLike | VerifyLocations | null,
    capath?: PathLike | null,
    cadata?: CaData | null,
  ): void {
    let locations: VerifyLocations;
    if (cafile !== null && typeof cafile === 'object' && !(cafile instanceof Uint8Array)) {
      locations = cafile;
    } else {
      locations = { cafile, capath, cadata };
    }
    const file = locations.cafile ?? null;
    const dir = locations.capath ?? null;
    const data = locations.cadata ?? null;
    if (file === null && dir === null && data === null) {
      throw new TypeError('cafile, capath and cadata cannot be all omitted');
    }
    if (file !== null && !isPath(file)) throw new TypeError('cafile should be a valid filesystem path');
    if (dir !== null && !isPath(dir)) throw new TypeError('capath should be a valid filesystem path');
    if (file !== null || dir !== null) {
      requireFileSystem(`loadVerifyLocations({ ${file !== null ? 'cafile' : 'capath'} })`, 'loadVerifyLocations({ cadata }) with the PEM text');
    }
    if (data !== null) {
      if (typeof data === 'string') {
        if (!isAscii(data)) throw new TypeError('cadata should be an ASCII string or a bytes-like object');
        if (data.length === 0) throw new ValueError('Empty certificate data');
        this.#addPemCaData(data);
      } else {
        const bytes = bytesView(data);
        if (bytes === null) throw new TypeError('cadata should be an ASCII string or a bytes-like object');
        if (bytes.length === 0) throw new ValueError('Empty certificate data');
        this.#addDerCaData(bytes);
      }
    }
    if (file !== null) {
      const contents = readCaFile(file);
      for (const der of contents.certs) this.#addTrusted(der, false);
      for (const der of contents.crls) {
        // The store keeps one copy of each CRL, as X509_STORE_add_crl does.
        if (!this._crls.some((c) => Buffer.from(c).equals(der))) this._crls.push(der);
      }
    }
    if (dir !== null) {
      // Nothing is read now: OpenSSL's hashed-directory lookup opens <hash>.N files when a name is needed.
      const d = fsPath(dir).toString();
      if (!this._capaths.includes(d)) this._capaths.push(d);
    }
  }

  /** Loads the system's trusted CAs (see setDefaultVerifyPaths). */
  loadDefaultCerts(purpose: ASN1Object = Purpose.SERVER_AUTH): void {
    if (!isAsn1Object(purpose)) throw new TypeError(String(purpose));
    this.setDefaultVerifyPaths();
  }

  /**
   * X509_STORE_set_default_paths: the file $SSL_CERT_FILE (else OpenSSL's
   * default cert.pem) is loaded now, the directory $SSL_CERT_DIR (else the
   * default certs/) is searched lazily. Failures are silent, as with
   * OpenSSL. When neither place has anything, Node's bundled Mozilla roots
   * are loaded instead.
   */
  setDefaultVerifyPaths(): void {
    requireFileSystem('Loading the system\'s CA certificates', 'loadVerifyLocations({ cadata }) with the PEM text of the CAs to trust');
    const defaults = opensslDefaultPaths();
    const file = envVar(CERT_FILE_ENV) ?? defaults.cafile;
    const dir = envVar(CERT_DIR_ENV) ?? defaults.capath;
    let found = false;
    if (file) {
      try {
        this.loadVerifyLocations({ cafile: file });
        found = true;
      } catch {
        // ignored, like X509_STORE_set_default_paths
      }
    }
    if (dir) {
      this.loadVerifyLocations({ capath: dir });
      found ||= dir.split(':').some((d) => d !== '' && pathExists(d));
    }
    if (found) return;
    for (const pem of bundledRootCertificates()) {
      for (const block of pemBlocks(pem)) {
        const der = CERT_LABELS.has(block.label) ? certDerOf(block) : null;
        if (der !== null) this.#addTrusted(der, false);
      }
    }
  }

  /** A certificate the hashed-directory lookup found (capath): part of the store from now on, as in OpenSSL. */
  _addFromCapath(der: Uint8Array): void {
    this.#addTrusted(new Uint8Array(der), false);
  }

  /** Counts of loaded certificates, as Python reports them (capath entries only once looked up). */
  certStoreStats(): CertStoreStats {
    let x509 = 0;
    let ca = 0;
    for (const der of this.#countedTrusted()) {
      x509++;
      if (isCaCertificate(der)) ca++;
    }
    return { x509, crl: this._crls.length, x509_ca: ca };
  }

  /**
   * The loaded CA certificates (capath entries excluded, as in Python): as
   * getpeercert()-style dicts, or DER bytes with binaryForm=true.
   */
  getCaCerts(binaryForm?: false): PeerCertDict[];
  getCaCerts(binaryForm: true): Uint8Array[];
  getCaCerts(binaryForm: boolean): PeerCertDict[] | Uint8Array[];
  getCaCerts(binaryForm = false): PeerCertDict[] | Uint8Array[] {
    const cas = this.#countedTrusted().filter((der) => isCaCertificate(der));
    return binaryForm ? cas.map((der) => new Uint8Array(der)) : cas.map((der) => decodeCertificate(der));
  }

  // ----------------------------------------------------------------- ciphers

  /**
   * Selects TLS 1.2 suites with an OpenSSL cipher string (TLS 1.3 suites are
   * not affected, as in Python). Throws SSLError('No cipher can be selected.')
   * when the string is malformed or selects none of the suites ssl-ts has.
   */
  setCiphers(spec: string): void {
    if (typeof spec !== 'string') {
      throw new TypeError(`set_ciphers() argument must be str, not ${pyTypeName(spec)}`);
    }
    if (spec.includes('\0')) throw new ValueError('embedded null character');
    this.#applyCipherString(spec);
  }

  /** Python-shaped descriptions of the enabled suites: TLS 1.3 first, then the TLS 1.2 selection. */
  getCiphers(): CipherInfo[] {
    return cipherInfos(this._tls12Ciphers);
  }

  /** ALPN protocols to offer (client) or accept (server), most preferred first. */
  setAlpnProtocols(protocols: Iterable<string>): void {
    if (protocols === null || protocols === undefined || typeof protocols[Symbol.iterator] !== 'function') {
      throw new TypeError(`'${pyTypeName(protocols)}' object is not iterable`);
    }
    const list: string[] = [];
    for (const p of protocols) {
      if (typeof p !== 'string') throw new TypeError('encoding without a string argument');
      const at = p.search(/[^\x00-\x7f]/);
      if (at >= 0) {
        throw new ValueError(
          `'ascii' codec can't encode character '\\u${p.charCodeAt(at).toString(16).padStart(4, '0')}' ` +
            `in position ${at}: ordinal not in range(128)`,
        );
      }
      if (p.length === 0 || p.length > 255) throw new SSLError('ALPN protocols must be 1 to 255 in length');
      list.push(p);
    }
    this._alpnProtocols = list;
  }

  /**
   * Restricts key exchange to one curve, by OpenSSL short name
   * ('prime256v1', 'secp384r1', 'secp521r1', 'X25519', 'X448').
   */
  setEcdhCurve(name: string | Uint8Array): void {
    if (typeof name !== 'string' && !(name instanceof Uint8Array)) {
      throw new TypeError(`expected str, bytes or os.PathLike object, not ${pyTypeName(name)}`);
    }
    const n = typeof name === 'string' ? name : Buffer.from(name).toString('latin1');
    const group = ECDH_CURVES.get(n);
    if (group === undefined) throw new ValueError(`unknown elliptic curve name '${n}'`);
    this._groups = [group];
  }

  /**
   * ssl-ts extra, OpenSSL's `SSL_CTX_set1_groups_list` (and node's `ecdhCurve`):
   * the key-exchange groups in order of preference, as a colon-separated
   * string or a list, e.g. `'X25519MLKEM768:X25519:P-256'`. The client sends
   * a key share for the first (plus X25519 when the first is the hybrid
   * X25519MLKEM768); the server takes the first of the client's shares that
   * is in this list.
   */
  setGroups(groups: string | readonly string[]): void {
    const names = typeof groups === 'string' ? groups.split(':') : [...groups];
    if (names.length === 0 || names.some((n) => typeof n !== 'string')) throw new ValueError('no groups given');
    const out: string[] = [];
    for (const n of names) {
      const g = GROUP_NAMES.get(n);
      if (g === undefined) throw new ValueError(`unknown group name '${n}'`);
      if (!out.includes(g)) out.push(g);
    }
    this._groups = out;
  }

  /**
   * Loads DH parameters (PEM `DH PARAMETERS`, PKCS#3, as `openssl dhparam`
   * writes) for the server's DHE suites, with OpenSSL's checks: a prime too
   * small for the security level raises DH_KEY_TOO_SMALL, as in Python.
   */
  loadDhParams(path: PathLike): void {
    if (!isPath(path)) throw new TypeError(`expected str, bytes or os.PathLike object, not ${pyTypeName(path)}`);
    requireFileSystem('loadDhParams()', 'the ECDHE suites');
    const blocks = pemBlocks(readFile(path).toString('latin1'));
    const dh = blocks.find((b) => b.label === 'DH PARAMETERS' || b.label === 'X9.42 DH PARAMETERS');
    if (!dh) {
      throw new SSLError('no start line', { library: 'PEM', reason: 'NO_START_LINE', errno: ERR_NO_START_LINE });
    }
    if (dh.der === null || readTlv(dh.der, 0) === null) {
      throw new SSLError('[PEM] ASN1 lib', { library: 'PEM', reason: null, errno: ERR_ASN1_LIB });
    }
    // DHParameter ::= SEQUENCE { prime INTEGER, base INTEGER, privateValueLength INTEGER OPTIONAL };
    // the X9.42 form starts with p, g too (then q, which OpenSSL finds itself for the named groups).
    const seq = readTlv(dh.der, 0)!;
    const p = seq.tag === 0x30 ? readTlv(dh.der, seq.start, seq.end) : null;
    const g = p && p.tag === 0x02 ? readTlv(dh.der, p.end, seq.end) : null;
    if (!p || !g || g.tag !== 0x02) {
      throw new SSLError('[PEM] ASN1 lib', { library: 'PEM', reason: null, errno: ERR_ASN1_LIB });
    }
    const params = { p: dh.der.slice(p.start, p.end), g: dh.der.slice(g.start, g.end) };
    const problem = checkDhParams(params.p, params.g, this.#securityLevel);
    if (problem === 'DH_KEY_TOO_SMALL') {
      throw new SSLError('dh key too small', { library: 'SSL', reason: 'DH_KEY_TOO_SMALL', errno: ERR_DH_KEY_TOO_SMALL });
    }
    if (problem !== null) {
      // OpenSSL takes such parameters and fails later; we say so now rather than never use them.
      throw new SSLError('bad dh value', { library: 'SSL', reason: 'BAD_DH_VALUE', errno: ERR_BAD_DH_VALUE });
    }
    this._dhParams = params;
  }

  /**
   * OpenSSL's session counters for this context (Python's session_stats()):
   * handshakes started and completed in each role, resumptions (hits), offered
   * sessions that could not be resumed (misses, timeouts), and the server
   * cache's size (number) and evictions (cache_full).
   */
  sessionStats(): SessionStats {
    return this.#sessions.stats();
  }

  /**
   * ssl-ts extra: how many sessions the server cache holds at most
   * (SSL_CTX_sess_set_cache_size; default 20480). The cache keeps TLS 1.2
   * session ids and, with OP_NO_TICKET, TLS 1.3 stateful tickets.
   */
  get sessionCacheSize(): number {
    return this.#sessions.cacheSize;
  }
  /** Sets the server cache's size; a positive int. */
  set sessionCacheSize(value: number) {
    const v = requireInt(value);
    if (v < 1) throw new ValueError('sessionCacheSize must be positive');
    this.#sessions.cacheSize = v;
  }

  /** ssl-ts extra: seconds a new session may be resumed for (SSL_CTX_set_timeout; default 7200). */
  get sessionTimeout(): number {
    return this.#sessions.timeout;
  }
  /** Sets the timeout of sessions made from now on, 1 to 604800 seconds. */
  set sessionTimeout(value: number) {
    const v = requireInt(value);
    if (v < 1 || v > 604800) throw new ValueError('sessionTimeout must be between 1 and 604800 seconds');
    this.#sessions.timeout = v;
  }

  /**
   * ssl-ts extra (OpenSSL's SSL_CTX_set_max_early_data): a server accepts up
   * to this many bytes of TLS 1.3 early data (0-RTT) on resumed sessions, and
   * its tickets say so. 0 (the default) turns early data off.
   */
  get maxEarlyData(): number {
    return this.#maxEarlyData;
  }
  /** Bytes of 0-RTT data a server accepts (OpenSSL's SSL_CTX_set_max_early_data); 0 turns it off. */
  set maxEarlyData(value: number) {
    const v = requireInt(value);
    if (v < 0 || v > 0xffffffff) throw new ValueError('maxEarlyData must be between 0 and 4294967295');
    this.#maxEarlyData = v;
  }

  /** ssl-ts extra: drop every cached server session (tickets stay valid while their key is kept). */
  flushSessions(): void {
    this.#sessions.flush();
  }

  /**
   * ssl-ts extra: the ticket keys, for several servers sharing them behind a
   * load balancer. The first key encrypts new tickets, the others only
   * decrypt (keep the previous key during a rotation). Each key is 48 or 80
   * bytes, as `SSLContext.generateTicketKey()` makes them; each context
   * starts with its own random key.
   */
  setTicketKeys(keys: readonly Uint8Array[]): void {
    if (!Array.isArray(keys) || keys.some((k) => !(k instanceof Uint8Array))) {
      throw new TypeError('ticket keys must be a list of bytes');
    }
    try {
      this.#sessions.keys.setKeys(keys);
    } catch (e) {
      throw new ValueError((e as Error).message);
    }
  }

  /** ssl-ts extra: a fresh random encryption key; the old one keeps decrypting. Returns the new key. */
  rotateTicketKey(): Uint8Array {
    return this.#sessions.keys.rotate();
  }

  /** ssl-ts extra: random material for setTicketKeys(). */
  static generateTicketKey(): Uint8Array {
    return getDefaultCryptoProvider().randomBytes(TICKET_KEY_LENGTH);
  }

  /** @internal Server-side sessions and counters, for SSLObject. */
  get _sessions(): ContextSessions {
    return this.#sessions;
  }

  // ---------------------------------------------------------------- wrapping

  /**
   * Creates an SSLObject over two MemoryBIOs. `serverHostname` is IDNA-encoded
   * as Python does. Beyond Python's wrap_bio checks this also applies its
   * wrap_socket rules: no serverHostname on the server side, and a client
   * with checkHostname needs one (Python's wrap_bio would silently skip the
   * hostname check instead).
   */
  wrapBio(incoming: MemoryBIO, outgoing: MemoryBIO, opts: WrapBioOptions = {}): SSLObject {
    const serverSide = !!opts.serverSide;
    let hostname: string | null = null;
    if (opts.serverHostname !== null && opts.serverHostname !== undefined) {
      if (typeof opts.serverHostname !== 'string') {
        throw new TypeError(`server_hostname must be str, not ${pyTypeName(opts.serverHostname)}`);
      }
      hostname = encodeHostname(opts.serverHostname);
    }
    if (!(incoming instanceof MemoryBIO)) {
      throw new TypeError(`_wrap_bio() argument 'incoming' must be _ssl.MemoryBIO, not ${pyTypeName(incoming)}`);
    }
    if (!(outgoing instanceof MemoryBIO)) {
      throw new TypeError(`_wrap_bio() argument 'outgoing' must be _ssl.MemoryBIO, not ${pyTypeName(outgoing)}`);
    }
    if (opts.session !== null && opts.session !== undefined && !(opts.session instanceof SSLSession)) {
      throw new TypeError('Value is not a SSLSession.');
    }
    if (hostname !== null && hostname.includes('\0')) {
      throw new TypeError('argument must be encoded string without null bytes, not str');
    }
    if (serverSide && this.#protocol === SSLMethod.PROTOCOL_TLS_CLIENT) {
      throw new SSLError('Cannot create a server socket with a PROTOCOL_TLS_CLIENT context', { errno: 0 });
    }
    if (!serverSide && this.#protocol === SSLMethod.PROTOCOL_TLS_SERVER) {
      throw new SSLError('Cannot create a client socket with a PROTOCOL_TLS_SERVER context', { errno: 0 });
    }
    if (hostname !== null && (hostname.length === 0 || hostname.startsWith('.'))) {
      throw new ValueError('server_hostname cannot be an empty string or start with a leading dot.');
    }
    if (serverSide && hostname !== null) {
      throw new ValueError('server_hostname can only be specified in client mode');
    }
    if (!serverSide && this.#checkHostname && hostname === null) {
      throw new ValueError('check_hostname requires server_hostname');
    }
    return new SSLObject(this, incoming, outgoing, { serverSide, serverHostname: hostname, session: opts.session });
  }

  /**
   * Python's wrap_socket(): TLS over a connected net.Socket or any Duplex,
   * returned synchronously as an SSLSocket (src/net/ssl-socket.ts). The
   * same checks as wrapBio() run first (check_hostname requires
   * server_hostname; no server_hostname on the server side), so a rejected
   * call leaves the socket untouched.
   */
  wrapSocket(sock: Duplex, opts: WrapSocketOptions = {}): SSLSocket {
    return wrapSocketWith(this, sock, opts);
  }

  // ----------------------------------------------------------- engine helpers

  /**
   * The protocol versions a handshake may use, after applying the method,
   * minimum/maximum_version and OP_NO_TLSv1_2/OP_NO_TLSv1_3, clamped to
   * what ssl-ts implements; null when nothing is left.
   */
  _versionRange(): { min: number; max: number } | null {
    let min: number = this.#minimumVersion === TLSVersion.MINIMUM_SUPPORTED ? LOWEST : this.#minimumVersion;
    let max: number = this.#maximumVersion === TLSVersion.MAXIMUM_SUPPORTED ? HIGHEST : this.#maximumVersion;
    if (this.#protocol === SSLMethod.PROTOCOL_TLSv1_2) min = max = TLSVersion.TLSv1_2;
    if (this.#protocol === SSLMethod.PROTOCOL_TLSv1 || this.#protocol === SSLMethod.PROTOCOL_TLSv1_1) return null;
    min = Math.max(min, LOWEST);
    max = Math.min(max, HIGHEST);
    const opts = this.#options;
    if (min === TLSVersion.TLSv1_2 && opts & Options.OP_NO_TLSv1_2) min = TLSVersion.TLSv1_3;
    if (max === TLSVersion.TLSv1_3 && opts & Options.OP_NO_TLSv1_3) max = TLSVersion.TLSv1_2;
    if (max === TLSVersion.TLSv1_2 && opts & Options.OP_NO_TLSv1_2) return null;
    return min <= max ? { min, max } : null;
  }

  /** The cipher string last applied successfully (or DEFAULT_CIPHERS). */
  get _cipherSpec(): string {
    return this.#cipherSpec;
  }

  // ----------------------------------------------------------------- private

  #checkVersion(value: unknown): TLSVersion {
    const v = requireInt(value);
    if (!SETTABLE_VERSIONS.has(v)) {
      throw new ValueError(`Unsupported TLS/SSL version 0x${v.toString(16)}`);
    }
    if (FIXED_VERSION_METHODS.has(this.#protocol)) {
      throw new ValueError("The context's protocol doesn't support modification of highest and lowest version.");
    }
    return v;
  }

  #applyCipherString(spec: string): void {
    const result = evaluateCipherString(spec);
    // OpenSSL keeps a @SECLEVEL even when the rest of the string fails...
    if (result.secLevel !== null) this.#securityLevel = result.secLevel;
    if (!result.ok) throw new SSLError('No cipher can be selected.');
    // ...and installs a list that has no TLS 1.2 suite before reporting it.
    this._tls12Ciphers = result.ciphers;
    if (result.ciphers.length === 0) throw new SSLError('No cipher can be selected.');
    this.#cipherSpec = spec;
  }

  /** Parses a PEM chain and key (loadCertChain's rules) and installs them in the key type's slot. */
  #installCertChain(certText: string, keyText: string, password: PasswordSource | undefined): void {
    const chain: Uint8Array[] = [];
    for (const block of pemBlocks(certText)) {
      const first = chain.length === 0;
      if (!(first ? CERT_LABELS_WITH_TRUSTED : CERT_LABELS).has(block.label)) continue;
      const der = certDerOf(block);
      if (der === null) throw pemLibError('SSL');
      chain.push(der);
    }
    if (chain.length === 0) throw pemLibError('SSL');
    checkOwnChainSecurity(chain, this.securityLevel, this.#provider);

    const key = loadPrivateKey(this.#provider, keyText, () => {
      if (password === null || password === undefined) return null;
      if (typeof password === 'function') {
        const pw: unknown = password();
        if (typeof pw !== 'string' && bytesView(pw) === null) {
          throw new TypeError('password callback must return a string');
        }
        return passwordBytes(typeof pw === 'string' ? pw : bytesView(pw)!);
      }
      return passwordBytes(typeof password === 'string' ? password : bytesView(password)!);
    });

    if (!this.#provider.privateKeyMatchesCertificate(chain[0]!, key)) {
      throw new SSLError('key values mismatch', {
        library: 'X509',
        reason: 'KEY_VALUES_MISMATCH',
        errno: ERR_KEY_VALUES_MISMATCH,
      });
    }
    const slot = keySlot(key);
    const pair: CertKeyPair = { chain, key };
    const at = this._certs.findIndex((c) => keySlot(c.key) === slot);
    if (at >= 0) this._certs[at] = pair;
    else this._certs.push(pair);
  }

  #addTrusted(der: Uint8Array, lazy: boolean): void {
    const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
    if (this.#trustedKeys.has(key)) {
      // A capath certificate loaded explicitly later counts from then on.
      if (!lazy) this.#lazyKeys.delete(key);
      return;
    }
    this.#trustedKeys.add(key);
    if (lazy) this.#lazyKeys.add(key);
    this._trusted.push(der);
  }

  #countedTrusted(): Uint8Array[] {
    if (this.#lazyKeys.size === 0) return this._trusted;
    return this._trusted.filter(
      (der) => !this.#lazyKeys.has(Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64')),
    );
  }

  /** PEM cadata: certificates are added one by one, so a bad block keeps the earlier ones (OpenSSL's behaviour). */
  #addPemCaData(text: string): void {
    let loaded = 0;
    for (const block of pemBlocks(text)) {
      if (!CERT_LABELS.has(block.label)) continue;
      const der = block.der === null ? null : certDerOf(block);
      if (der === null) {
        if (loaded === 0) break;
        if (block.der === null) {
          throw new SSLError('bad base64 decode', {
            library: 'PEM',
            reason: 'BAD_BASE64_DECODE',
            errno: ERR_BAD_BASE64_DECODE,
          });
        }
        throw new SSLError('[PEM] ASN1 lib', { library: 'PEM', reason: null, errno: ERR_ASN1_LIB });
      }
      this.#addTrusted(der, false);
      loaded++;
    }
    if (loaded === 0) {
      throw new SSLError('no start line: cadata does not contain a certificate', { library: null, errno: 0 });
    }
  }

  /** DER cadata: a run of certificates; anything after the last whole one is an error. */
  #addDerCaData(bytes: Uint8Array): void {
    let loaded = 0;
    let off = 0;
    while (off < bytes.length) {
      const tlv = readTlv(bytes, off);
      const der = tlv && tlv.tag === 0x30 ? bytes.slice(off, tlv.end) : null;
      if (der === null || !isCertificate(der)) {
        if (loaded === 0) {
          throw new SSLError('not enough data: cadata does not contain a certificate', { library: null, errno: 0 });
        }
        throw new SSLError('not enough data', {
          library: 'ASN1',
          reason: 'NOT_ENOUGH_DATA',
          errno: ERR_NOT_ENOUGH_DATA,
        });
      }
      this.#addTrusted(der, false);
      loaded++;
      off = tlv!.end;
    }
  }
}

// ------------------------------------------------------------------ factory

/** Keyword arguments of Python's `ssl.create_default_context()`. */
export interface DefaultContextOptions {
  purpose?: ASN1Object;
  cafile?: PathLike | null;
  capath?: PathLike | null;
  cadata?: CaData | null;
}

/**
 * Python's ssl.create_default_context(): a client context that verifies
 * certificates and hostnames (purpose SERVER_AUTH), or a server context
 * (CLIENT_AUTH), with the given CAs or else the system's.
 */
export function createDefaultContext(opts: DefaultContextOptions = {}): SSLContext {
  const purpose = opts.purpose ?? Purpose.SERVER_AUTH;
  if (!isAsn1Object(purpose)) throw new TypeError(String(purpose));
  let context: SSLContext;
  if (purpose.oid === Purpose.SERVER_AUTH.oid) {
    context = new SSLContext(SSLMethod.PROTOCOL_TLS_CLIENT);
    context.verifyMode = CERT_REQUIRED;
    context.checkHostname = true;
  } else if (purpose.oid === Purpose.CLIENT_AUTH.oid) {
    context = new SSLContext(SSLMethod.PROTOCOL_TLS_SERVER);
  } else {
    throw new ValueError(asn1Repr(purpose));
  }
  const { cafile, capath, cadata } = opts;
  if (pyTruthy(cafile) || pyTruthy(capath) || pyTruthy(cadata)) {
    context.loadVerifyLocations(cafile ?? null, capath ?? null, cadata ?? null);
  } else if (context.verifyMode !== CERT_NONE) {
    context.loadDefaultCerts(purpose);
  }
  const keylog = envVar('SSLKEYLOGFILE');
  if (keylog) context.keylogFilename = keylog;
  return context;
}
