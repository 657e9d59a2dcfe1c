// PEM armour: reading blocks out of text files, and Python's two helpers
// ssl.DER_cert_to_PEM_cert / ssl.PEM_cert_to_DER_cert with their exact
// output and error behaviour.
import { SSLError, ValueError } from '../errors.js';

export const PEM_HEADER = '-----BEGIN CERTIFICATE-----';
export const PEM_FOOTER = '-----END CERTIFICATE-----';

// Labels OpenSSL also reads where a CERTIFICATE is expected.
const LABEL_ALIASES: Readonly<Record<string, readonly string[]>> = {
  CERTIFICATE: ['CERTIFICATE', 'X509 CERTIFICATE'],
};

const BLOCK_RE = /-----BEGIN ([^\r\n-]+(?:-[^\r\n-]+)*)-----([\s\S]*?)-----END \1-----/g;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

function badBase64(): SSLError {
  return new SSLError('bad base64 decode', { library: 'PEM', reason: 'BAD_BASE64_DECODE' });
}

/** Decodes a PEM body: skips RFC 1421 headers (e.g. Proc-Type), then base64. */
function decodeBody(body: string): Uint8Array {
  const lines = body.split(/\r?\n|\r/);
  let start = 0;
  // Encapsulated headers are "Name: value" lines ended by an empty line.
  while (start < lines.length && lines[start]!.trim() === '') start++;
  if (start < lines.length && lines[start]!.includes(':')) {
    while (start < lines.length && lines[start]!.trim() !== '') start++;
  }
  const b64 = lines.slice(start).join('').replace(/[ \t]/g, '');
  if (!BASE64_RE.test(b64) || b64.length % 4 !== 0) throw badBase64();
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/**
 * Every PEM block with the given label (default CERTIFICATE), in file order,
 * as DER. Text outside blocks is ignored. Like OpenSSL, which decodes each
 * block it passes while looking for the wanted kind, a block of any label
 * with broken base64 makes the whole read fail with SSLError.
 */
export function pemBlocks(text: string, label = 'CERTIFICATE'): Uint8Array[] {
  const wanted = LABEL_ALIASES[label] ?? [label];
  const out: Uint8Array[] = [];
  for (const m of text.matchAll(BLOCK_RE)) {
    const der = decodeBody(m[2]!);
    if (wanted.includes(m[1]!)) out.push(der);
  }
  return out;
}

/**
 * The first PEM block with the label (as OpenSSL's PEM_read_bio_X509 reads
 * it), or null when there is none. A broken block before it, or the block
 * itself being broken, throws SSLError.
 */
export function firstPemBlock(text: string, label = 'CERTIFICATE'): Uint8Array | null {
  const wanted = LABEL_ALIASES[label] ?? [label];
  for (const m of text.matchAll(BLOCK_RE)) {
    const der = decodeBody(m[2]!);
    if (wanted.includes(m[1]!)) return der;
  }
  return null;
}

/** PEM text for DER bytes: 64-column base64 between header and footer, ending in a newline. */
export function derToPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const parts = [`-----BEGIN ${label}-----`];
  for (let i = 0; i < b64.length; i += 64) parts.push(b64.slice(i, i + 64));
  parts.push(`-----END ${label}-----\n`);
  return parts.join('\n');
}

/** Python's ssl.DER_cert_to_PEM_cert. */
export function DER_cert_to_PEM_cert(der: Uint8Array): string {
  return derToPem(der, 'CERTIFICATE');
}

// Characters Python's str.strip() removes (str.isspace()).
const PY_SPACE = '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

function pyStrip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && PY_SPACE.includes(s[a]!)) a++;
  while (b > a && PY_SPACE.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

const B64_VALUE: Readonly<Record<string, number>> = Object.fromEntries(
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]),
);

/**
 * Python's base64.decodebytes (binascii.a2b_base64, non-strict): characters
 * outside the alphabet are skipped, a complete pad sequence ends the input,
 * and a dangling partial quantum raises binascii.Error (a ValueError).
 */
function pyDecodeBase64(s: string): Uint8Array {
  const out: number[] = [];
  let quadPos = 0;
  let left = 0;
  let pads = 0;
  for (const ch of s) {
    if (ch === '=') {
      if (quadPos >= 2 && quadPos + ++pads >= 4) return new Uint8Array(out);
      continue;
    }
    const v = B64_VALUE[ch];
    if (v === undefined) continue;
    pads = 0;
    switch (quadPos) {
      case 0:
        left = v;
        quadPos = 1;
        break;
      case 1:
        out.push(((left << 2) | (v >> 4)) & 0xff);
        left = v & 0x0f;
        quadPos = 2;
        break;
      case 2:
        out.push(((left << 4) | (v >> 2)) & 0xff);
        left = v & 0x03;
        quadPos = 3;
        break;
      default:
        out.push(((left << 6) | v) & 0xff);
        left = 0;
        quadPos = 0;
    }
  }
  if (quadPos === 1) {
    const n = Math.floor(out.length / 3) * 4 + 1;
    throw new ValueError(
      `Invalid base64-encoded string: number of data characters (${n}) cannot be 1 more than a multiple of 4`,
    );
  }
  if (quadPos !== 0) throw new ValueError('Incorrect padding');
  return new Uint8Array(out);
}

/** Python's ssl.PEM_cert_to_DER_cert, including its ValueError messages. */
export function PEM_cert_to_DER_cert(pem: string): Uint8Array {
  if (!pem.startsWith(PEM_HEADER)) {
    throw new ValueError(`Invalid PEM encoding; must start with ${PEM_HEADER}`);
  }
  const stripped = pyStrip(pem);
  if (!stripped.endsWith(PEM_FOOTER)) {
    throw new ValueError(`Invalid PEM encoding; must end with ${PEM_FOOTER}`);
  }
  const body = stripped.slice(PEM_HEADER.length, stripped.length - PEM_FOOTER.length);
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    if (code > 0x7f) {
      const cp = body.codePointAt(i)!;
      let end = i + (cp > 0xffff ? 2 : 1);
      // Python reports the whole run of unencodable characters.
      while (end < body.length && body.charCodeAt(end) > 0x7f) end++;
      const charPos = [...body.slice(0, i)].length;
      const runLen = [...body.slice(i, end)].length;
      const where = runLen > 1 ? `characters in position ${charPos}-${charPos + runLen - 1}` : `character ${pyCharRepr(cp)} in position ${charPos}`;
      throw new ValueError(`'ascii' codec can't encode ${where}: ordinal not in range(128)`);
    }
  }
  return pyDecodeBase64(body);
}

/** repr() of a single non-ASCII character as Python prints it in codec errors. */
function pyCharRepr(cp: number): string {
  if (cp <= 0xff) return `'\\x${cp.toString(16).padStart(2, '0')}'`;
  if (cp <= 0xffff) return `'\\u${cp.toString(16).padStart(4, '0')}'`;
  return `'\\U${cp.toString(16).padStart(8, '0')}'`;
}
