// Wire-level numbers from RFC 8446 (and the registries it points to).

export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;

export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  key_update: 24,
  message_hash: 254,
} as const;

const handshakeNames = new Map<number, string>(Object.entries(HandshakeType).map(([k, v]) => [v, k]));
export function handshakeTypeName(t: number): string {
  return handshakeNames.get(t) ?? `unknown(${t})`;
}

export const ExtensionType = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  use_srtp: 14,
  heartbeat: 15,
  alpn: 16,
  signed_certificate_timestamp: 18,
  padding: 21,
  encrypt_then_mac: 22,
  extended_master_secret: 23,
  record_size_limit: 28,
  session_ticket: 35,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  oid_filters: 48,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
  renegotiation_info: 0xff01,
} as const;

export const AlertLevel = { warning: 1, fatal: 2 } as const;

export const Alert = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decryption_failed: 21,
  record_overflow: 22,
  decompression_failure: 30,
  handshake_failure: 40,
  no_certificate: 41,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  export_restriction: 60,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100,
  missing_extension: 109,
  unsupported_extension: 110,
  certificate_unobtainable: 111,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  bad_certificate_hash_value: 114,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;

const alertNames = new Map<number, string>(Object.entries(Alert).map(([k, v]) => [v, k]));
export function alertName(a: number): string {
  return alertNames.get(a) ?? `unknown(${a})`;
}

export const ProtocolVersion = {
  TLS10: 0x0301,
  TLS11: 0x0302,
  TLS12: 0x0303,
  TLS13: 0x0304,
} as const;

export function versionName(v: number): string {
  switch (v) {
    case 0x0304: return 'TLSv1.3';
    case 0x0303: return 'TLSv1.2';
    case 0x0302: return 'TLSv1.1';
    case 0x0301: return 'TLSv1';
    case 0x0300: return 'SSLv3';
    default: return `unknown(0x${v.toString(16)})`;
  }
}

/** Named groups (RFC 8446 4.2.7), with the names OpenSSL and node print. */
export const NamedGroup = {
  secp256r1: 0x0017,
  secp384r1: 0x0018,
  secp521r1: 0x0019,
  x25519: 0x001d,
  x448: 0x001e,
  ffdhe2048: 0x0100,
  ffdhe3072: 0x0101,
  // draft-ietf-tls-ecdhe-mlkem, with OpenSSL 3.5's name.
  X25519MLKEM768: 0x11ec,
} as const;
export type GroupName = 'secp256r1' | 'secp384r1' | 'secp521r1' | 'x25519' | 'x448' | 'X25519MLKEM768';

const groupNames = new Map<number, string>(Object.entries(NamedGroup).map(([k, v]) => [v, k]));
export function groupName(g: number): string {
  return groupNames.get(g) ?? `unknown(0x${g.toString(16)})`;
}

export const SignatureScheme = {
  rsa_pkcs1_sha1: 0x0201,
  ecdsa_sha1: 0x0203,
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  ed25519: 0x0807,
  ed448: 0x0808,
  rsa_pss_pss_sha256: 0x0809,
  rsa_pss_pss_sha384: 0x080a,
  rsa_pss_pss_sha512: 0x080b,
} as const;

const sigNames = new Map<number, string>(Object.entries(SignatureScheme).map(([k, v]) => [v, k]));
export function signatureSchemeName(s: number): string {
  return sigNames.get(s) ?? `unknown(0x${s.toString(16)})`;
}

/** The HelloRetryRequest marker: SHA-256("HelloRetryRequest") in ServerHello.random. */
export const HELLO_RETRY_REQUEST_RANDOM = Buffer.from(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c',
  'hex',
);

/** RFC 8446 5.1/5.2 record size limits. */
export const MAX_PLAINTEXT = 1 << 14;
export const MAX_CIPHERTEXT_TLS13 = (1 << 14) + 256;
export const MAX_CIPHERTEXT_TLS12 = (1 << 14) + 2048;

/** Largest handshake message we buffer; OpenSSL's default cert list cap is 100 KiB. */
export const MAX_HANDSHAKE_MESSAGE = 128 * 1024;
