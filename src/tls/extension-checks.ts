// Syntax checks of every hello extension we know, whether or not this side
// uses it, in the contexts where OpenSSL 3.0 parses it: an extension whose body
// must be empty but is not, a vector with trailing bytes, an empty list where
// one entry is required. Each is decode_error (OpenSSL: BAD_EXTENSION unless
// noted) before anything is negotiated, as OpenSSL parses all extensions before
// it chooses a cipher. Extensions of the other protocol version are ignored,
// as OpenSSL ignores them.
import { decodeError, illegalParameter } from './alert.js';
import { ExtensionType as E, ProtocolVersion } from './constants.js';
import { decodeAlpn, decodeServerName, decodeU16List, type Extension } from './extensions.js';

type Check = (data: Uint8Array) => void;

function empty(reason = 'BAD_EXTENSION'): Check {
  return (data) => {
    if (data.length !== 0) throw decodeError(reason);
  };
}

/** A u8-length vector filling the body, with at least one byte in it. */
function vector8NonEmpty(reason = 'BAD_EXTENSION'): Check {
  return (data) => {
    if (data.length < 2 || data[0] !== data.length - 1) throw decodeError(reason);
  };
}

/** A u8-length vector filling the body (renegotiation_info). */
const vector8: Check = (data) => {
  if (data.length === 0 || data[0] !== data.length - 1) throw decodeError('RENEGOTIATION_ENCODING_ERR');
};

const maxFragmentLength: Check = (data) => {
  if (data.length !== 1) throw decodeError('BAD_EXTENSION');
  if (data[0]! < 1 || data[0]! > 4) throw illegalParameter('SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH');
};

const u16List: Check = (data) => void decodeU16List(data);
const alpn: Check = (data) => void decodeAlpn(data);
const serverNameList: Check = (data) => {
  if (data.length === 0) throw decodeError('BAD_EXTENSION');
  decodeServerName(data);
};

const CLIENT_HELLO_BOTH: Record<number, Check> = {
  [E.server_name]: serverNameList,
  [E.max_fragment_length]: maxFragmentLength,
  [E.supported_groups]: u16List,
  [E.signature_algorithms]: u16List,
  [E.signature_algorithms_cert]: u16List,
  [E.alpn]: alpn,
};

const CLIENT_HELLO_12: Record<number, Check> = {
  ...CLIENT_HELLO_BOTH,
  [E.ec_point_formats]: vector8NonEmpty(),
  [E.encrypt_then_mac]: empty(),
  [E.extended_master_secret]: empty(),
  [E.renegotiation_info]: vector8,
};

const CLIENT_HELLO_13: Record<number, Check> = {
  ...CLIENT_HELLO_BOTH,
  [E.psk_key_exchange_modes]: vector8NonEmpty(),
  [E.early_data]: empty(),
  [E.post_handshake_auth]: empty('POST_HANDSHAKE_AUTH_ENCODING_ERR'),
};

/** What a TLS 1.2 ServerHello carries back: acknowledgements are empty. */
const SERVER_HELLO_12: Record<number, Check> = {
  [E.server_name]: empty(),
  [E.max_fragment_length]: maxFragmentLength,
  [E.ec_point_formats]: vector8NonEmpty(),
  [E.encrypt_then_mac]: empty(),
  [E.extended_master_secret]: empty(),
  [E.session_ticket]: empty(),
  [E.renegotiation_info]: vector8,
  [E.alpn]: alpn,
};

/** TLS 1.3 EncryptedExtensions. */
const ENCRYPTED_EXTENSIONS: Record<number, Check> = {
  [E.server_name]: empty(),
  [E.max_fragment_length]: maxFragmentLength,
  [E.supported_groups]: u16List,
  [E.early_data]: empty(),
  [E.alpn]: alpn,
};

function run(table: Record<number, Check>, exts: readonly Extension[]): void {
  for (const e of exts) table[e.type]?.(e.data);
}

/** The server's check of a ClientHello, once the version is chosen. */
export function checkClientHelloExtensions(exts: readonly Extension[], version: number): void {
  run(version === ProtocolVersion.TLS13 ? CLIENT_HELLO_13 : CLIENT_HELLO_12, exts);
}

export function checkServerHello12Extensions(exts: readonly Extension[]): void {
  run(SERVER_HELLO_12, exts);
}

export function checkEncryptedExtensions(exts: readonly Extension[]): void {
  run(ENCRYPTED_EXTENSIONS, exts);
}
