// Hello extensions: the generic list codec and one small codec per extension.
import { decodeError, illegalParameter, tlsError } from './alert.js';
import { Reader, Writer } from './codec.js';
import { Alert, ExtensionType } from './constants.js';

export interface Extension {
  type: number;
  data: Uint8Array;
}

export function readExtensions(r: Reader): Extension[] {
  if (r.remaining === 0) return []; // the whole block may be absent
  const block = r.sub16();
  const out: Extension[] = [];
  const seen = new Set<number>();
  while (block.remaining > 0) {
    const type = block.u16();
    const data = block.vec16();
    // RFC 8446 4.2: an extension type must not appear twice.
    if (seen.has(type)) throw illegalParameter('BAD_EXTENSION');
    seen.add(type);
    out.push({ type, data });
  }
  return out;
}

export function writeExtensions(w: Writer, exts: readonly Extension[]): void {
  w.block(2, (b) => {
    for (const e of exts) b.u16(e.type).vec16(e.data);
  });
}

export function findExtension(exts: readonly Extension[], type: number): Uint8Array | undefined {
  for (const e of exts) if (e.type === type) return e.data;
  return undefined;
}

/** Run `f` over an extension body; trailing bytes or overruns are decode_error. */
function parse<T>(data: Uint8Array, f: (r: Reader) => T): T {
  const r = new Reader(data);
  const v = f(r);
  r.expectEnd('BAD_EXTENSION');
  return v;
}

function build(f: (w: Writer) => void): Uint8Array {
  const w = new Writer(64);
  f(w);
  return w.finish();
}

// server_name (RFC 6066 3)
export function encodeServerName(host: string): Uint8Array {
  return build((w) => w.block(2, (b) => b.u8(0).vec16(Buffer.from(host, 'ascii'))));
}
export function decodeServerName(data: Uint8Array): string | null {
  if (data.length === 0) return null; // the server's empty acknowledgement
  return parse(data, (r) => {
    const list = r.sub16();
    // As OpenSSL 3.0's tls_parse_ctos_server_name (and `openssl s_server` seen refusing the others):
    // the list holds exactly one entry, a host_name. Another name type, before or after it, or a
    // second host_name is decode_error; RFC 6066 3 allows no other type in practice.
    if (list.remaining === 0 || list.u8() !== 0) throw decodeError('BAD_EXTENSION');
    const value = list.vec16();
    if (list.remaining !== 0 || value.length === 0) throw decodeError('BAD_EXTENSION');
    const s = Buffer.from(value).toString('latin1');
    // A NUL or non-ASCII byte in a host name is an attack, not a name; OpenSSL also refuses
    // names over 255 bytes (TLSEXT_MAXLEN_host_name) with unrecognized_name.
    if (/[^\x21-\x7e]/.test(s) || value.length > 255) throw tlsError(Alert.unrecognized_name, 'BAD_EXTENSION');
    return s;
  });
}

// supported_versions (RFC 8446 4.2.1)
export function encodeSupportedVersionsClient(versions: readonly number[]): Uint8Array {
  return build((w) => w.block(1, (b) => versions.forEach((v) => b.u16(v))));
}
export function decodeSupportedVersionsClient(data: Uint8Array): number[] {
  return parse(data, (r) => {
    const list = r.sub8();
    if (list.remaining === 0 || list.remaining % 2) throw decodeError('BAD_EXTENSION');
    const out: number[] = [];
    while (list.remaining > 0) out.push(list.u16());
    return out;
  });
}
export const encodeSupportedVersionServer = (v: number): Uint8Array => build((w) => w.u16(v));
export const decodeSupportedVersionServer = (data: Uint8Array): number => parse(data, (r) => r.u16());

// Lists of u16 values: supported_groups, signature_algorithms(_cert).
export function encodeU16List(values: readonly number[]): Uint8Array {
  return build((w) => w.block(2, (b) => values.forEach((v) => b.u16(v))));
}
export function decodeU16List(data: Uint8Array): number[] {
  return parse(data, (r) => {
    const list = r.sub16();
    if (list.remaining === 0 || list.remaining % 2) throw decodeError('BAD_EXTENSION');
    const out: number[] = [];
    while (list.remaining > 0) out.push(list.u16());
    return out;
  });
}

// key_share (RFC 8446 4.2.8)
export interface KeyShareEntry {
  group: number;
  keyExchange: Uint8Array;
}
export function encodeKeyShareClient(entries: readonly KeyShareEntry[]): Uint8Array {
  return build((w) => w.block(2, (b) => entries.forEach((e) => b.u16(e.group).vec16(e.keyExchange))));
}
export function decodeKeyShareClient(data: Uint8Array): KeyShareEntry[] {
  return parse(data, (r) => {
    const list = r.sub16();
    const out: KeyShareEntry[] = [];
    const groups = new Set<number>();
    while (list.remaining > 0) {
      const group = list.u16();
      const keyExchange = list.vec16();
      if (keyExchange.length === 0) throw decodeError('BAD_KEY_SHARE');
      // RFC 8446 4.2.8: one share per group at most.
      if (groups.has(group)) throw illegalParameter('BAD_KEY_SHARE');
      groups.add(group);
      out.push({ group, keyExchange });
    }
    return out;
  });
}
export function encodeKeyShareServer(e: KeyShareEntry): Uint8Array {
  return build((w) => w.u16(e.group).vec16(e.keyExchange));
}
export function decodeKeyShareServer(data: Uint8Array): KeyShareEntry {
  return parse(data, (r) => {
    const group = r.u16();
    const keyExchange = r.vec16();
    if (keyExchange.length === 0) throw decodeError('BAD_KEY_SHARE');
    return { group, keyExchange };
  });
}
export const encodeKeyShareHrr = (group: number): Uint8Array => build((w) => w.u16(group));
export const decodeKeyShareHrr = (data: Uint8Array): number => parse(data, (r) => r.u16());

// application_layer_protocol_negotiation (RFC 7301)
export function encodeAlpn(protocols: readonly string[]): Uint8Array {
  return build((w) => w.block(2, (b) => protocols.forEach((p) => b.vec8(Buffer.from(p, 'latin1')))));
}
export function decodeAlpn(data: Uint8Array): string[] {
  return parse(data, (r) => {
    const list = r.sub16();
    const out: string[] = [];
    if (list.remaining === 0) throw decodeError('BAD_EXTENSION');
    while (list.remaining > 0) {
      const p = list.vec8();
      if (p.length === 0) throw decodeError('BAD_EXTENSION');
      out.push(Buffer.from(p).toString('latin1'));
    }
    return out;
  });
}

// cookie (RFC 8446 4.2.2)
export const encodeCookie = (cookie: Uint8Array): Uint8Array => build((w) => w.vec16(cookie));
export function decodeCookie(data: Uint8Array): Uint8Array {
  return parse(data, (r) => {
    const c = r.vec16();
    if (c.length === 0) throw decodeError('BAD_EXTENSION');
    return c;
  });
}

// psk_key_exchange_modes (RFC 8446 4.2.9)
export const PSK_DHE_KE = 1;
export const encodePskModes = (modes: readonly number[]): Uint8Array =>
  build((w) => w.block(1, (b) => modes.forEach((m) => b.u8(m))));

// ec_point_formats (RFC 8422 5.1.2): we only speak uncompressed.
export const encodePointFormats = (): Uint8Array => build((w) => w.vec8(Uint8Array.of(0)));

export { ExtensionType };
