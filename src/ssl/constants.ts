// The constants Python's ssl module exposes, under Python's names and with the
// values CPython 3.11 reports on OpenSSL 3.0. Where a value describes the
// library's capabilities (HAS_*, OPENSSL_VERSION*) it tells the truth about
// ssl-ts instead: we speak TLS 1.2 and 1.3 only.

import * as E from '../errors.js';
import { hostOpensslVersion } from '../host/process.js';

export {
  SSL_ERROR_SSL,
  SSL_ERROR_WANT_READ,
  SSL_ERROR_WANT_WRITE,
  SSL_ERROR_WANT_X509_LOOKUP,
  SSL_ERROR_SYSCALL,
  SSL_ERROR_ZERO_RETURN,
  SSL_ERROR_WANT_CONNECT,
  SSL_ERROR_EOF,
  SSL_ERROR_INVALID_ERROR_CODE,
} from '../errors.js';

// ---------------------------------------------------------------- verify mode

/** How a peer's certificate is checked. Python: `ssl.VerifyMode`. */
export enum VerifyMode {
  CERT_NONE = 0,
  CERT_OPTIONAL = 1,
  CERT_REQUIRED = 2,
}
/** Python: `ssl.CERT_NONE`. */
export const CERT_NONE = VerifyMode.CERT_NONE;
/** Python: `ssl.CERT_OPTIONAL`. */
export const CERT_OPTIONAL = VerifyMode.CERT_OPTIONAL;
/** Python: `ssl.CERT_REQUIRED`. */
export const CERT_REQUIRED = VerifyMode.CERT_REQUIRED;

// ------------------------------------------------------------------ protocols

/**
 * Python's `_SSLMethod`. PROTOCOL_TLSv1 and PROTOCOL_TLSv1_1 exist, as in Python on
 * OpenSSL 3.0, but a context made with them has no protocol ssl-ts can speak (its
 * handshakes fail with NO_PROTOCOLS_AVAILABLE, as OpenSSL's do at security level 2).
 * PROTOCOL_SSLv23 is a module-level alias only, as in Python.
 */
export enum SSLMethod {
  PROTOCOL_TLS = 2,
  PROTOCOL_TLSv1 = 3,
  PROTOCOL_TLSv1_1 = 4,
  PROTOCOL_TLSv1_2 = 5,
  PROTOCOL_TLS_CLIENT = 16,
  PROTOCOL_TLS_SERVER = 17,
}
/** Python: `ssl.PROTOCOL_TLS`. */
export const PROTOCOL_TLS = SSLMethod.PROTOCOL_TLS;
/** Python: `ssl.PROTOCOL_SSLv23`. */
export const PROTOCOL_SSLv23 = SSLMethod.PROTOCOL_TLS;
/** Python: `ssl.PROTOCOL_TLSv1` (deprecated; such a context cannot connect with ssl-ts). */
export const PROTOCOL_TLSv1 = SSLMethod.PROTOCOL_TLSv1;
/** Python: `ssl.PROTOCOL_TLSv1_1` (deprecated; such a context cannot connect with ssl-ts). */
export const PROTOCOL_TLSv1_1 = SSLMethod.PROTOCOL_TLSv1_1;
/** Python: `ssl.PROTOCOL_TLSv1_2`. */
export const PROTOCOL_TLSv1_2 = SSLMethod.PROTOCOL_TLSv1_2;
/** Python: `ssl.PROTOCOL_TLS_CLIENT`. */
export const PROTOCOL_TLS_CLIENT = SSLMethod.PROTOCOL_TLS_CLIENT;
/** Python: `ssl.PROTOCOL_TLS_SERVER`. */
export const PROTOCOL_TLS_SERVER = SSLMethod.PROTOCOL_TLS_SERVER;

/** The TLS versions, for `minimumVersion`/`maximumVersion`. Python: `ssl.TLSVersion`. */
export enum TLSVersion {
  MINIMUM_SUPPORTED = -2,
  MAXIMUM_SUPPORTED = -1,
  SSLv3 = 0x0300,
  TLSv1 = 0x0301,
  TLSv1_1 = 0x0302,
  TLSv1_2 = 0x0303,
  TLSv1_3 = 0x0304,
}

// -------------------------------------------------------------------- options

/**
 * Python's `Options` flag set (OpenSSL SSL_OP_* bits). A plain object rather
 * than an enum because several names share the value 0 and any OR of flags is
 * a valid value. Note OP_ALL has bit 31 set: JS bitwise operators return a
 * signed 32-bit result, so `ctx.options | x` may be negative; the
 * SSLContext.options setter reads such values back as unsigned.
 */
export const Options = Object.freeze({
  OP_ALL: 0x80000050,
  OP_NO_SSLv2: 0,
  OP_NO_SSLv3: 0x02000000,
  OP_NO_TLSv1: 0x04000000,
  OP_NO_TLSv1_1: 0x10000000,
  OP_NO_TLSv1_2: 0x08000000,
  OP_NO_TLSv1_3: 0x20000000,
  OP_CIPHER_SERVER_PREFERENCE: 0x00400000,
  OP_SINGLE_DH_USE: 0,
  OP_SINGLE_ECDH_USE: 0,
  OP_NO_COMPRESSION: 0x00020000,
  OP_NO_TICKET: 0x00004000,
  OP_NO_RENEGOTIATION: 0x40000000,
  OP_ENABLE_MIDDLEBOX_COMPAT: 0x00100000,
  OP_IGNORE_UNEXPECTED_EOF: 0x00000080,
  /**
   * OpenSSL's SSL_OP_NO_EXTENDED_MASTER_SECRET, which Python 3.11 has no name
   * for (`ctx.options |= 0x1` there): TLS 1.2 neither offers nor accepts RFC 7627.
   */
  OP_NO_EXTENDED_MASTER_SECRET: 0x00000001,
  /**
   * OpenSSL's SSL_OP_ALLOW_NO_DHE_KEX, which Python 3.11 has no name for:
   * TLS 1.3 resumption may go without (EC)DHE (psk_ke); the client offers
   * it, the server accepts it when the client offers only that.
   */
  OP_ALLOW_NO_DHE_KEX: 0x00000400,
} as const);
/** Any combination of `Options` bits. Python: `ssl.Options`. */
export type Options = number;

/** Python: `ssl.OP_ALL`. */
export const OP_ALL = Options.OP_ALL;
/** Python: `ssl.OP_NO_SSLv2`. */
export const OP_NO_SSLv2 = Options.OP_NO_SSLv2;
/** Python: `ssl.OP_NO_SSLv3`. */
export const OP_NO_SSLv3 = Options.OP_NO_SSLv3;
/** Python: `ssl.OP_NO_TLSv1`. */
export const OP_NO_TLSv1 = Options.OP_NO_TLSv1;
/** Python: `ssl.OP_NO_TLSv1_1`. */
export const OP_NO_TLSv1_1 = Options.OP_NO_TLSv1_1;
/** Python: `ssl.OP_NO_TLSv1_2`. */
export const OP_NO_TLSv1_2 = Options.OP_NO_TLSv1_2;
/** Python: `ssl.OP_NO_TLSv1_3`. */
export const OP_NO_TLSv1_3 = Options.OP_NO_TLSv1_3;
/** Python: `ssl.OP_CIPHER_SERVER_PREFERENCE`. */
export const OP_CIPHER_SERVER_PREFERENCE = Options.OP_CIPHER_SERVER_PREFERENCE;
/** Python: `ssl.OP_SINGLE_DH_USE`. */
export const OP_SINGLE_DH_USE = Options.OP_SINGLE_DH_USE;
/** Python: `ssl.OP_SINGLE_ECDH_USE`. */
export const OP_SINGLE_ECDH_USE = Options.OP_SINGLE_ECDH_USE;
/** Python: `ssl.OP_NO_COMPRESSION`. */
export const OP_NO_COMPRESSION = Options.OP_NO_COMPRESSION;
/** Python: `ssl.OP_NO_TICKET`. */
export const OP_NO_TICKET = Options.OP_NO_TICKET;
/** Python: `ssl.OP_NO_RENEGOTIATION`. */
export const OP_NO_RENEGOTIATION = Options.OP_NO_RENEGOTIATION;
/** Python: `ssl.OP_ENABLE_MIDDLEBOX_COMPAT`. */
export const OP_ENABLE_MIDDLEBOX_COMPAT = Options.OP_ENABLE_MIDDLEBOX_COMPAT;
/** Python: `ssl.OP_IGNORE_UNEXPECTED_EOF`. */
export const OP_IGNORE_UNEXPECTED_EOF = Options.OP_IGNORE_UNEXPECTED_EOF;
/** OpenSSL's `SSL_OP_NO_EXTENDED_MASTER_SECRET` (no RFC 7627 in TLS 1.2); Python 3.11 has no name for it (`options |= 0x1`), ssl-ts exports it. */
export const OP_NO_EXTENDED_MASTER_SECRET = Options.OP_NO_EXTENDED_MASTER_SECRET;
/** OpenSSL's `SSL_OP_ALLOW_NO_DHE_KEX` (TLS 1.3 psk_ke resumption); Python 3.11 has no name for it, ssl-ts exports it. */
export const OP_ALLOW_NO_DHE_KEX = Options.OP_ALLOW_NO_DHE_KEX;

// --------------------------------------------------------------- verify flags

/** Python's `VerifyFlags` (X509_V_FLAG_* bits); any OR of them is valid. */
export const VerifyFlags = Object.freeze({
  VERIFY_DEFAULT: 0,
  VERIFY_CRL_CHECK_LEAF: 0x4,
  VERIFY_CRL_CHECK_CHAIN: 0xc,
  VERIFY_X509_STRICT: 0x20,
  VERIFY_ALLOW_PROXY_CERTS: 0x40,
  VERIFY_X509_TRUSTED_FIRST: 0x8000,
  VERIFY_X509_PARTIAL_CHAIN: 0x80000,
  /**
   * Not in Python or OpenSSL: ssl-ts's opt-in WebPKI profile (bit 30, which
   * no X509_V_FLAG uses). On top of OpenSSL's checks it applies what browsers,
   * rustls-webpki and pyca/cryptography enforce (the README lists the rules).
   */
  VERIFY_X509_WEBPKI: 0x40000000,
} as const);
/** Any combination of `VerifyFlags` bits. Python: `ssl.VerifyFlags`. */
export type VerifyFlags = number;

/** Python: `ssl.VERIFY_DEFAULT`. */
export const VERIFY_DEFAULT = VerifyFlags.VERIFY_DEFAULT;
/** Python: `ssl.VERIFY_CRL_CHECK_LEAF`. */
export const VERIFY_CRL_CHECK_LEAF = VerifyFlags.VERIFY_CRL_CHECK_LEAF;
/** Python: `ssl.VERIFY_CRL_CHECK_CHAIN`. */
export const VERIFY_CRL_CHECK_CHAIN = VerifyFlags.VERIFY_CRL_CHECK_CHAIN;
/** Python: `ssl.VERIFY_X509_STRICT`. */
export const VERIFY_X509_STRICT = VerifyFlags.VERIFY_X509_STRICT;
/** Python: `ssl.VERIFY_ALLOW_PROXY_CERTS`. */
export const VERIFY_ALLOW_PROXY_CERTS = VerifyFlags.VERIFY_ALLOW_PROXY_CERTS;
/** Python: `ssl.VERIFY_X509_TRUSTED_FIRST`. */
export const VERIFY_X509_TRUSTED_FIRST = VerifyFlags.VERIFY_X509_TRUSTED_FIRST;
/** Python: `ssl.VERIFY_X509_PARTIAL_CHAIN`. */
export const VERIFY_X509_PARTIAL_CHAIN = VerifyFlags.VERIFY_X509_PARTIAL_CHAIN;
/** ssl-ts's own (no Python or OpenSSL counterpart): the opt-in WebPKI profile, see {@link VerifyFlags}. */
export const VERIFY_X509_WEBPKI = VerifyFlags.VERIFY_X509_WEBPKI;

// ------------------------------------------------------------ alert descriptions

/** TLS alert descriptions (RFC 8446 §6 numbers) under Python's names. */
export enum AlertDescription {
  ALERT_DESCRIPTION_CLOSE_NOTIFY = 0,
  ALERT_DESCRIPTION_UNEXPECTED_MESSAGE = 10,
  ALERT_DESCRIPTION_BAD_RECORD_MAC = 20,
  ALERT_DESCRIPTION_RECORD_OVERFLOW = 22,
  ALERT_DESCRIPTION_DECOMPRESSION_FAILURE = 30,
  ALERT_DESCRIPTION_HANDSHAKE_FAILURE = 40,
  ALERT_DESCRIPTION_BAD_CERTIFICATE = 42,
  ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE = 43,
  ALERT_DESCRIPTION_CERTIFICATE_REVOKED = 44,
  ALERT_DESCRIPTION_CERTIFICATE_EXPIRED = 45,
  ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN = 46,
  ALERT_DESCRIPTION_ILLEGAL_PARAMETER = 47,
  ALERT_DESCRIPTION_UNKNOWN_CA = 48,
  ALERT_DESCRIPTION_ACCESS_DENIED = 49,
  ALERT_DESCRIPTION_DECODE_ERROR = 50,
  ALERT_DESCRIPTION_DECRYPT_ERROR = 51,
  ALERT_DESCRIPTION_PROTOCOL_VERSION = 70,
  ALERT_DESCRIPTION_INSUFFICIENT_SECURITY = 71,
  ALERT_DESCRIPTION_INTERNAL_ERROR = 80,
  ALERT_DESCRIPTION_USER_CANCELLED = 90,
  ALERT_DESCRIPTION_NO_RENEGOTIATION = 100,
  ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION = 110,
  ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE = 111,
  ALERT_DESCRIPTION_UNRECOGNIZED_NAME = 112,
  ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE = 113,
  ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE = 114,
  ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY = 115,
}
/** Python: `ssl.ALERT_DESCRIPTION_CLOSE_NOTIFY`. */
export const ALERT_DESCRIPTION_CLOSE_NOTIFY = AlertDescription.ALERT_DESCRIPTION_CLOSE_NOTIFY;
/** Python: `ssl.ALERT_DESCRIPTION_UNEXPECTED_MESSAGE`. */
export const ALERT_DESCRIPTION_UNEXPECTED_MESSAGE = AlertDescription.ALERT_DESCRIPTION_UNEXPECTED_MESSAGE;
/** Python: `ssl.ALERT_DESCRIPTION_BAD_RECORD_MAC`. */
export const ALERT_DESCRIPTION_BAD_RECORD_MAC = AlertDescription.ALERT_DESCRIPTION_BAD_RECORD_MAC;
/** Python: `ssl.ALERT_DESCRIPTION_RECORD_OVERFLOW`. */
export const ALERT_DESCRIPTION_RECORD_OVERFLOW = AlertDescription.ALERT_DESCRIPTION_RECORD_OVERFLOW;
/** Python: `ssl.ALERT_DESCRIPTION_DECOMPRESSION_FAILURE`. */
export const ALERT_DESCRIPTION_DECOMPRESSION_FAILURE = AlertDescription.ALERT_DESCRIPTION_DECOMPRESSION_FAILURE;
/** Python: `ssl.ALERT_DESCRIPTION_HANDSHAKE_FAILURE`. */
export const ALERT_DESCRIPTION_HANDSHAKE_FAILURE = AlertDescription.ALERT_DESCRIPTION_HANDSHAKE_FAILURE;
/** Python: `ssl.ALERT_DESCRIPTION_BAD_CERTIFICATE`. */
export const ALERT_DESCRIPTION_BAD_CERTIFICATE = AlertDescription.ALERT_DESCRIPTION_BAD_CERTIFICATE;
/** Python: `ssl.ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE`. */
export const ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE = AlertDescription.ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE;
/** Python: `ssl.ALERT_DESCRIPTION_CERTIFICATE_REVOKED`. */
export const ALERT_DESCRIPTION_CERTIFICATE_REVOKED = AlertDescription.ALERT_DESCRIPTION_CERTIFICATE_REVOKED;
/** Python: `ssl.ALERT_DESCRIPTION_CERTIFICATE_EXPIRED`. */
export const ALERT_DESCRIPTION_CERTIFICATE_EXPIRED = AlertDescription.ALERT_DESCRIPTION_CERTIFICATE_EXPIRED;
/** Python: `ssl.ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN`. */
export const ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN = AlertDescription.ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN;
/** Python: `ssl.ALERT_DESCRIPTION_ILLEGAL_PARAMETER`. */
export const ALERT_DESCRIPTION_ILLEGAL_PARAMETER = AlertDescription.ALERT_DESCRIPTION_ILLEGAL_PARAMETER;
/** Python: `ssl.ALERT_DESCRIPTION_UNKNOWN_CA`. */
export const ALERT_DESCRIPTION_UNKNOWN_CA = AlertDescription.ALERT_DESCRIPTION_UNKNOWN_CA;
/** Python: `ssl.ALERT_DESCRIPTION_ACCESS_DENIED`. */
export const ALERT_DESCRIPTION_ACCESS_DENIED = AlertDescription.ALERT_DESCRIPTION_ACCESS_DENIED;
/** Python: `ssl.ALERT_DESCRIPTION_DECODE_ERROR`. */
export const ALERT_DESCRIPTION_DECODE_ERROR = AlertDescription.ALERT_DESCRIPTION_DECODE_ERROR;
/** Python: `ssl.ALERT_DESCRIPTION_DECRYPT_ERROR`. */
export const ALERT_DESCRIPTION_DECRYPT_ERROR = AlertDescription.ALERT_DESCRIPTION_DECRYPT_ERROR;
/** Python: `ssl.ALERT_DESCRIPTION_PROTOCOL_VERSION`. */
export const ALERT_DESCRIPTION_PROTOCOL_VERSION = AlertDescription.ALERT_DESCRIPTION_PROTOCOL_VERSION;
/** Python: `ssl.ALERT_DESCRIPTION_INSUFFICIENT_SECURITY`. */
export const ALERT_DESCRIPTION_INSUFFICIENT_SECURITY = AlertDescription.ALERT_DESCRIPTION_INSUFFICIENT_SECURITY;
/** Python: `ssl.ALERT_DESCRIPTION_INTERNAL_ERROR`. */
export const ALERT_DESCRIPTION_INTERNAL_ERROR = AlertDescription.ALERT_DESCRIPTION_INTERNAL_ERROR;
/** Python: `ssl.ALERT_DESCRIPTION_USER_CANCELLED`. */
export const ALERT_DESCRIPTION_USER_CANCELLED = AlertDescription.ALERT_DESCRIPTION_USER_CANCELLED;
/** Python: `ssl.ALERT_DESCRIPTION_NO_RENEGOTIATION`. */
export const ALERT_DESCRIPTION_NO_RENEGOTIATION = AlertDescription.ALERT_DESCRIPTION_NO_RENEGOTIATION;
/** Python: `ssl.ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION`. */
export const ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION = AlertDescription.ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION;
/** Python: `ssl.ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE`. */
export const ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE = AlertDescription.ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE;
/** Python: `ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME`. */
export const ALERT_DESCRIPTION_UNRECOGNIZED_NAME = AlertDescription.ALERT_DESCRIPTION_UNRECOGNIZED_NAME;
/** Python: `ssl.ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE`. */
export const ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE =
  AlertDescription.ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE;
/** Python: `ssl.ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE`. */
export const ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE = AlertDescription.ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE;
/** Python: `ssl.ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY`. */
export const ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY = AlertDescription.ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY;

// ------------------------------------------------------------- error numbers

/** Python's `SSLErrorNumber`; the values are the SSL_ERROR_* codes of errors.ts. */
export enum SSLErrorNumber {
  SSL_ERROR_SSL = E.SSL_ERROR_SSL,
  SSL_ERROR_WANT_READ = E.SSL_ERROR_WANT_READ,
  SSL_ERROR_WANT_WRITE = E.SSL_ERROR_WANT_WRITE,
  SSL_ERROR_WANT_X509_LOOKUP = E.SSL_ERROR_WANT_X509_LOOKUP,
  SSL_ERROR_SYSCALL = E.SSL_ERROR_SYSCALL,
  SSL_ERROR_ZERO_RETURN = E.SSL_ERROR_ZERO_RETURN,
  SSL_ERROR_WANT_CONNECT = E.SSL_ERROR_WANT_CONNECT,
  SSL_ERROR_EOF = E.SSL_ERROR_EOF,
  SSL_ERROR_INVALID_ERROR_CODE = E.SSL_ERROR_INVALID_ERROR_CODE,
}

// --------------------------------------------------------------- capabilities

/** Python: `ssl.HAS_SNI`. */
export const HAS_SNI = true;
/** Python: `ssl.HAS_ALPN`. */
export const HAS_ALPN = true;
/** Python: `ssl.HAS_ECDH`. */
export const HAS_ECDH = true;
/** Python: `ssl.HAS_NPN`. */
export const HAS_NPN = false;
/** Python: `ssl.HAS_NEVER_CHECK_COMMON_NAME`. */
export const HAS_NEVER_CHECK_COMMON_NAME = true;
/** Python: `ssl.HAS_SSLv2`. */
export const HAS_SSLv2 = false;
/** Python: `ssl.HAS_SSLv3`. */
export const HAS_SSLv3 = false;
/** Python: `ssl.HAS_TLSv1`. */
export const HAS_TLSv1 = false;
/** Python: `ssl.HAS_TLSv1_1`. */
export const HAS_TLSv1_1 = false;
/** Python: `ssl.HAS_TLSv1_2`. */
export const HAS_TLSv1_2 = true;
/** Python: `ssl.HAS_TLSv1_3`. */
export const HAS_TLSv1_3 = true;
/** Python: `ssl.HAS_PSK`. */
export const HAS_PSK = true;

/** Channel bindings SSLObject.getChannelBinding() can produce. Python: `ssl.CHANNEL_BINDING_TYPES`. */
export const CHANNEL_BINDING_TYPES: readonly string[] = Object.freeze(['tls-unique']);

// ------------------------------------------------------------------- versions

/** ssl-ts's own version; OPENSSL_VERSION* describe it rather than OpenSSL. */
const SSL_TS_MAJOR = 0;
const SSL_TS_MINOR = 1;
const SSL_TS_PATCH = 0;

// Node's OpenSSL on Node; a web page has no process and runs the pure-JavaScript provider.
const HOST_OPENSSL = hostOpensslVersion();
const CRYPTO_ORIGIN = HOST_OPENSSL === null ? 'pure JavaScript (@noble)' : `Node ${HOST_OPENSSL}`;

/** Python: `ssl.OPENSSL_VERSION`. */
export const OPENSSL_VERSION =
  `ssl-ts ${SSL_TS_MAJOR}.${SSL_TS_MINOR}.${SSL_TS_PATCH} ` +
  `(TLS engine in TypeScript; crypto from ${CRYPTO_ORIGIN})`;

/**
 * Shaped like Python's (major, minor, fix, patch, status) for OpenSSL 3.x, where
 * 3.0.19 reads (3, 0, 0, 19, 0): the third component of our version goes in
 * the "patch" slot and status 0 means a release.
 */
export const OPENSSL_VERSION_INFO: readonly [number, number, number, number, number] = Object.freeze([
  SSL_TS_MAJOR,
  SSL_TS_MINOR,
  0,
  SSL_TS_PATCH,
  0,
] as [number, number, number, number, number]);

/** The same packed the way OpenSSL 3 packs OPENSSL_VERSION_NUMBER (0xMNN00PP0). Python: `ssl.OPENSSL_VERSION_NUMBER`. */
export const OPENSSL_VERSION_NUMBER =
  SSL_TS_MAJOR * 2 ** 28 + SSL_TS_MINOR * 2 ** 20 + 0 * 2 ** 12 + SSL_TS_PATCH * 2 ** 4 + 0;

// -------------------------------------------------------------------- ciphers

/** Python's `_DEFAULT_CIPHERS`: the cipher string every new SSLContext starts from. */
export const DEFAULT_CIPHERS =
  '@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM';

// -------------------------------------------------------------------- purpose

/** Python's `_ASN1Object` named tuple. */
export interface ASN1Object {
  readonly nid: number;
  readonly shortname: string;
  readonly longname: string;
  readonly oid: string;
}

/** Python's `Purpose` enum: the extended key usages of create_default_context. */
export const Purpose = Object.freeze({
  SERVER_AUTH: Object.freeze({
    nid: 129,
    shortname: 'serverAuth',
    longname: 'TLS Web Server Authentication',
    oid: '1.3.6.1.5.5.7.3.1',
  }) as ASN1Object,
  CLIENT_AUTH: Object.freeze({
    nid: 130,
    shortname: 'clientAuth',
    longname: 'TLS Web Client Authentication',
    oid: '1.3.6.1.5.5.7.3.2',
  }) as ASN1Object,
});
export type Purpose = ASN1Object;

// ------------------------------------------------------------------------ PEM

/** Python: `ssl.PEM_HEADER`. */
export const PEM_HEADER = '-----BEGIN CERTIFICATE-----';
/** Python: `ssl.PEM_FOOTER`. */
export const PEM_FOOTER = '-----END CERTIFICATE-----';
