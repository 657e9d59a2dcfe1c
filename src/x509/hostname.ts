// Server identity checks with the semantics of OpenSSL's X509_check_host /
// X509_check_ip under the flags CPython uses (X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
// common-name fallback unless hostname_checks_common_name is turned off).
import { stringValue } from './asn1.js';
import type { Certificate } from './certificate.js';
import { OID } from './oids.js';

export interface HostnameMatchOptions {
  /**
   * Fall back to the subject commonName when the certificate has no DNS
   * subjectAltName. Python's default (hostname_checks_common_name) is true.
   */
  checkCommonName?: boolean;
}

const C_SPACE = ' \t\n\v\f\r';

/** OpenSSL's IPv4 reader: sscanf("%d.%d.%d.%d") then end of string or whitespace. */
function parseIpv4(text: string): Uint8Array | null {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)\.[ \t\n\v\f\r]*([+-]?\d+)\.[ \t\n\v\f\r]*([+-]?\d+)\.[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  if (!m) return null;
  const after = text[m[0].length];
  if (after !== undefined && !C_SPACE.includes(after)) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const v = Number(m[i + 1]);
    if (!(v >= 0 && v <= 255)) return null;
    out[i] = v;
  }
  return out;
}

/** OpenSSL's IPv6 reader: ':'-separated groups, one '::', optional dotted-quad tail. */
function parseIpv6(text: string): Uint8Array | null {
  const bytes: number[] = [];
  let zeroPos = -1;
  let zeroCount = 0;
  const parts = text.split(':');
  for (let idx = 0; idx < parts.length; idx++) {
    const elem = parts[idx]!;
    if (bytes.length === 16) return null;
    if (elem.length === 0) {
      if (zeroPos === -1) zeroPos = bytes.length;
      else if (zeroPos !== bytes.length) return null;
      zeroCount++;
    } else if (elem.length > 4) {
      // Only the final element may be an embedded IPv4 address.
      if (bytes.length > 12 || idx !== parts.length - 1) return null;
      const v4 = parseIpv4(elem);
      if (!v4) return null;
      bytes.push(...v4);
    } else {
      if (!/^[0-9A-Fa-f]+$/.test(elem)) return null;
      const v = parseInt(elem, 16);
      bytes.push(v >> 8, v & 0xff);
    }
  }
  if (zeroPos === -1) {
    if (bytes.length !== 16) return null;
  } else {
    if (bytes.length === 16) return null;
    if (zeroCount > 3) return null;
    if (zeroCount === 3 && bytes.length > 0) return null;
    if (zeroCount === 2 && zeroPos !== 0 && zeroPos !== bytes.length) return null;
    if (zeroCount === 1 && (zeroPos === 0 || zeroPos === bytes.length)) return null;
  }
  const out = new Uint8Array(16);
  if (zeroPos === -1) {
    out.set(bytes);
  } else {
    out.set(bytes.slice(0, zeroPos), 0);
    out.set(bytes.slice(zeroPos), 16 - (bytes.length - zeroPos));
  }
  return out;
}

/**
 * The address bytes if `text` is an IP literal as OpenSSL's a2i_IPADDRESS
 * reads it (anything containing ':' is tried as IPv6), else null. This is the
 * test CPython uses to decide between hostname and IP address checking.
 */
export function parseIpAddress(text: string): Uint8Array | null {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

function lowerAscii(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
}

/** Case-insensitive (ASCII) equality; NULs in the pattern never match. */
function equalNocase(pattern: Uint8Array, subject: Uint8Array, dotSubdomains: boolean): boolean {
  let p = pattern;
  if (dotSubdomains && p.length > subject.length) {
    // A '.example.com' reference also matches any name below it.
    let start = 0;
    while (p.length - start > subject.length && p[start] !== 0) start++;
    if (p.length - start === subject.length) p = p.subarray(start);
  }
  if (p.length !== subject.length) return false;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) return false;
    if (lowerAscii(p[i]!) !== lowerAscii(subject[i]!)) return false;
  }
  return true;
}

const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

function startsWithXn(b: Uint8Array, at: number): boolean {
  return b.length - at >= 4 && lowerAscii(b[at]!) === 0x78 && lowerAscii(b[at + 1]!) === 0x6e && b[at + 2] === 0x2d && b[at + 3] === 0x2d;
}

/**
 * Position of the single acceptable wildcard in a pattern, or -1. It must be
 * the whole leftmost label (no partial wildcards), outside IDNA labels, with
 * at least two more labels after it.
 */
function validStar(p: Uint8Array): number {
  let star = -1;
  let labelStart = true;
  let hyphen = false;
  let idna = false;
  let dots = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === 0x2a) {
      const atEnd = i === p.length - 1 || p[i + 1] === 0x2e;
      if (star !== -1 || idna || dots > 0) return -1;
      if (!labelStart || !atEnd) return -1;
      star = i;
      labelStart = false;
    } else if (isAlnum(c)) {
      if (labelStart && startsWithXn(p, i)) idna = true;
      labelStart = false;
      hyphen = false;
    } else if (c === 0x2e) {
      if (hyphen || labelStart) return -1;
      labelStart = true;
      idna = false;
      dots++;
    } else if (c === 0x2d) {
      if (labelStart) return -1;
      hyphen = true;
    } else {
      return -1;
    }
  }
  if (labelStart || hyphen || dots < 2) return -1;
  return star;
}

function wildcardMatch(pattern: Uint8Array, star: number, subject: Uint8Array): boolean {
  const prefix = pattern.subarray(0, star);
  const suffix = pattern.subarray(star + 1);
  if (subject.length < prefix.length + suffix.length) return false;
  if (!equalNocase(prefix, subject.subarray(0, prefix.length), false)) return false;
  const wStart = prefix.length;
  const wEnd = subject.length - suffix.length;
  if (!equalNocase(suffix, subject.subarray(wEnd), false)) return false;
  let allowIdna = false;
  if (prefix.length === 0 && suffix[0] === 0x2e) {
    // A whole-label wildcard must stand for at least one character.
    if (wStart === wEnd) return false;
    allowIdna = true;
  }
  if (!allowIdna && startsWithXn(subject, 0)) return false;
  if (wEnd === wStart + 1 && subject[wStart] === 0x2a) return true;
  for (let i = wStart; i < wEnd; i++) {
    const c = subject[i]!;
    if (!(isAlnum(c) || c === 0x2d)) return false;
  }
  return true;
}

function equalWildcard(pattern: Uint8Array, subject: Uint8Array, dotSubdomains: boolean): boolean {
  // References starting with '.' only match through the sub-domain rule.
  const star = subject.length > 1 && subject[0] === 0x2e ? -1 : validStar(pattern);
  if (star === -1) return equalNocase(pattern, subject, dotSubdomains);
  return wildcardMatch(pattern, star, subject);
}

/**
 * Whether `cert` is valid for DNS name `hostname`: DNS subjectAltNames
 * (wildcards only as a full leftmost label), else, when the certificate has
 * no DNS names at all and `checkCommonName` is on, the subject commonNames.
 * IP literals are not special here; {@link matchHostname} dispatches those.
 */
export function matchDnsName(cert: Certificate, hostname: string, opts: HostnameMatchOptions = {}): boolean {
  const checkCommonName = opts.checkCommonName ?? true;
  let host = Buffer.from(hostname, 'utf8') as Uint8Array;
  // One trailing NUL is tolerated (C callers passing the terminator); others never match.
  if (host.length > 1 && host[host.length - 1] === 0) host = host.subarray(0, host.length - 1);
  if (host.length === 0 || host.includes(0)) return false;
  const dotSubdomains = host.length > 1 && host[0] === 0x2e;

  // A subjectAltName that is present but unreadable (malformed, duplicated)
  // must not let the commonName stand in for it: no match at all.
  if (!cert.hasSubjectAltName && cert.hasExtension(OID.subjectAltName)) return false;
  let sawDns = false;
  for (const san of cert.subjectAltNames) {
    if (san.type !== 'DNS') continue;
    sawDns = true;
    if (san.bytes.length > 0 && equalWildcard(san.bytes, host, dotSubdomains)) return true;
  }
  if (sawDns || !checkCommonName) return false;

  for (const rdn of cert.subject.rdns) {
    for (const attr of rdn) {
      if (attr.oid !== OID.commonName) continue;
      let text: string;
      try {
        text = stringValue(attr.value);
      } catch {
        // OpenSSL gives up on the whole check when a CN cannot be converted.
        return false;
      }
      const cn = Buffer.from(text, 'utf8');
      if (cn.length > 0 && equalWildcard(cn, host, dotSubdomains)) return true;
    }
  }
  return false;
}

/** Whether an iPAddress subjectAltName equals `ip` (4 or 16 octets) exactly. */
export function matchIpAddress(cert: Certificate, ip: Uint8Array): boolean {
  for (const san of cert.subjectAltNames) {
    if (san.type === 'IP' && san.bytes.length > 0 && Buffer.from(san.bytes).equals(Buffer.from(ip))) return true;
  }
  return false;
}

/**
 * CPython's server_hostname check: IP literals (as OpenSSL parses them, v4 or
 * v6) match only iPAddress names byte for byte; anything else is a DNS name
 * checked by {@link matchDnsName}.
 */
export function matchHostname(cert: Certificate, hostname: string, opts: HostnameMatchOptions = {}): boolean {
  const ip = parseIpAddress(hostname);
  return ip ? matchIpAddress(cert, ip) : matchDnsName(cert, hostname, opts);
}
