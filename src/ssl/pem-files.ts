// Small PEM/DER helpers for SSLContext's file loaders. They read PEM the way
// OpenSSL's loaders do (blocks anywhere in the text, junk between them
// ignored, RFC 1421 headers allowed) and answer the few questions about a
// certificate that the context's bookkeeping needs. Full certificate decoding
// lives in src/x509.

import { parseCertificate } from '../x509/certificate.js';

export interface PemBlock {
  /** The word(s) after BEGIN, e.g. 'CERTIFICATE' or 'RSA PRIVATE KEY'. */
  label: string;
  /** RFC 1421 headers such as Proc-Type and DEK-Info, names as written. */
  headers: Record<string, string>;
  /** Decoded body, or null when the block is malformed (bad base64, END mismatch, truncated). */
  der: Uint8Array | null;
  /** The block's text from BEGIN to END line, as node's crypto wants it. */
  text: string;
}

const BEGIN_RE = /^-----BEGIN (.*)-----\s*$/;
const END_RE = /^-----END (.*)-----\s*$/;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Every PEM block in `text`, in order; text outside blocks is skipped. */
export function pemBlocks(text: string): PemBlock[] {
  const lines = text.split(/\r?\n/);
  const out: PemBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN_RE.exec(lines[i]!);
    if (!begin) continue;
    const label = begin[1]!;
    const start = i;
    const headers: Record<string, string> = {};
    const body: string[] = [];
    let endLabel: string | null = null;
    let inHeaders = true;
    for (i++; i < lines.length; i++) {
      const line = lines[i]!;
      const end = END_RE.exec(line);
      if (end) {
        endLabel = end[1]!;
        break;
      }
      if (BEGIN_RE.test(line)) {
        i--; // an unterminated block; let the outer loop start over here
        break;
      }
      if (inHeaders) {
        const colon = line.indexOf(':');
        if (colon > 0 && body.length === 0) {
          headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
          continue;
        }
        inHeaders = false;
        if (line.trim() === '' && Object.keys(headers).length > 0) continue;
      }
      body.push(line);
    }
    const blockText = lines.slice(start, Math.min(i, lines.length - 1) + 1).join('\n') + '\n';
    out.push({ label, headers, der: endLabel === label ? decodeBase64(body.join('')) : null, text: blockText });
  }
  return out;
}

function decodeBase64(s: string): Uint8Array | null {
  const compact = s.replace(/[ \t\r\n]/g, '');
  if (compact.length % 4 !== 0 || !BASE64_RE.test(compact)) return null;
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

// ------------------------------------------------------------------------ DER

interface Tlv {
  tag: number;
  /** Start of the contents. */
  start: number;
  /** End of the element (exclusive). */
  end: number;
}

/** Reads one DER element at `off`, or returns null if it is cut short or not DER. */
export function readTlv(buf: Uint8Array, off: number, limit = buf.length): Tlv | null {
  if (off + 2 > limit) return null;
  const tag = buf[off]!;
  if ((tag & 0x1f) === 0x1f) return null; // high tag numbers never occur in certificates
  let len = buf[off + 1]!;
  let start = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) return null;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + buf[start + k]!;
    start += n;
  }
  const end = start + len;
  if (end > limit) return null;
  return { tag, start, end };
}

/** The leading certificate of `der` (a TRUSTED CERTIFICATE carries trust data after it), or null. */
export function firstElement(der: Uint8Array): Uint8Array | null {
  const t = readTlv(der, 0);
  return t && t.tag === 0x30 ? der.subarray(0, t.end) : null;
}

/** True if `der` parses as an X.509 certificate (by ssl-ts's own X.509 parser, the one verification uses). */
export function isCertificate(der: Uint8Array): boolean {
  try {
    parseCertificate(der);
    return true;
  } catch {
    return false;
  }
}

// ------------------------------------------------------- CA classification

const OID_BASIC_CONSTRAINTS = '551d13';
const OID_KEY_USAGE = '551d0f';
const OID_SUBJECT_KEY_ID = '551d0e';
const OID_AUTHORITY_KEY_ID = '551d23';
const OID_NETSCAPE_CERT_TYPE = '6086480186f8420101';

function hex(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('hex');
}

/**
 * Whether OpenSSL's X509_check_ca() would call `der` a CA certificate, which
 * is what cert_store_stats()['x509_ca'] and get_ca_certs() count: a
 * basicConstraints cA=TRUE certificate, or without basicConstraints a
 * self-signed v1 root, a certificate whose keyUsage has keyCertSign, or a
 * Netscape CA type; in every case keyUsage, if present, must allow keyCertSign.
 */
export function isCaCertificate(der: Uint8Array): boolean {
  const cert = readTlv(der, 0);
  if (!cert || cert.tag !== 0x30) return false;
  const tbs = readTlv(der, cert.start, cert.end);
  if (!tbs || tbs.tag !== 0x30) return false;
  const fields: Tlv[] = [];
  for (let off = tbs.start; off < tbs.end; ) {
    const f = readTlv(der, off, tbs.end);
    if (!f) return false;
    fields.push(f);
    off = f.end;
  }
  let i = 0;
  const v1 = fields[0]?.tag !== 0xa0;
  if (!v1) i++;
  // serial, signature, issuer, validity, subject, spki
  const issuer = fields[i + 2];
  const subject = fields[i + 4];
  if (!issuer || !subject) return false;

  let bcons: boolean | null = null;
  let keyUsage: number | null = null;
  let nsCertType: number | null = null;
  let skid: string | null = null;
  let akid: string | null = null;
  const extWrapper = fields.find((f) => f.tag === 0xa3);
  if (extWrapper) {
    const seq = readTlv(der, extWrapper.start, extWrapper.end);
    for (let off = seq ? seq.start : extWrapper.end; seq && off < seq.end; ) {
      const ext = readTlv(der, off, seq.end);
      if (!ext) break;
      off = ext.end;
      const oid = readTlv(der, ext.start, ext.end);
      if (!oid || oid.tag !== 0x06) continue;
      let valueAt = readTlv(der, oid.end, ext.end);
      if (valueAt && valueAt.tag === 0x01) valueAt = readTlv(der, valueAt.end, ext.end); // critical flag
      if (!valueAt || valueAt.tag !== 0x04) continue;
      const value = readTlv(der, valueAt.start, valueAt.end);
      if (!value) continue;
      switch (hex(der, oid.start, oid.end)) {
        case OID_BASIC_CONSTRAINTS: {
          const first = value.start < value.end ? readTlv(der, value.start, value.end) : null;
          bcons = !!first && first.tag === 0x01 && der[first.start] !== 0;
          break;
        }
        case OID_KEY_USAGE:
          keyUsage = value.end - value.start >= 2 ? der[value.start + 1]! : 0;
          break;
        case OID_NETSCAPE_CERT_TYPE:
          nsCertType = value.end - value.start >= 2 ? der[value.start + 1]! : 0;
          break;
        case OID_SUBJECT_KEY_ID:
          skid = hex(der, value.start, value.end);
          break;
        case OID_AUTHORITY_KEY_ID: {
          const kid = value.start < value.end ? readTlv(der, value.start, value.end) : null;
          if (kid && kid.tag === 0x80) akid = hex(der, kid.start, kid.end);
          break;
        }
      }
    }
  }

  const KU_KEY_CERT_SIGN = 0x04; // bit 5 of the first keyUsage byte
  if (keyUsage !== null && !(keyUsage & KU_KEY_CERT_SIGN)) return false;
  if (bcons !== null) return bcons;
  const selfIssued = hex(der, issuer.start, issuer.end) === hex(der, subject.start, subject.end);
  const selfSigned = selfIssued && (akid === null || skid === null || akid === skid);
  if (v1 && selfSigned) return true;
  if (keyUsage !== null) return true;
  if (nsCertType !== null && nsCertType & 0x07) return true; // SSL, S/MIME or object-signing CA
  return false;
}
