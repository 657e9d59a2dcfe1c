// OpenSSL cipher-string evaluation (SSL_CTX_set_cipher_list semantics)
// over the TLS 1.2 suites ssl-ts implements, plus the TLS 1.3 suite table
// and the dicts SSLContext.get_ciphers() returns.
//
// The evaluator mirrors OpenSSL 3.0's rule processing so orderings match what
// Python reports filtered to our suites: a fixed pre-sorted list of
// inactive suites; each rule adds (moves matches to the end), deletes (moves
// them to the front, inactive, may come back), kills (gone for good) or
// reorders (`+`: moves active matches to the end). `A+B` intersects aliases.
// Unknown names are ignored; malformed syntax fails the whole string.

import { TLS12_SUITES as ENGINE_SUITES } from '../tls/cipher-suites12.js';

export type CipherAuth = 'RSA' | 'ECDSA';

interface Suite12 {
  name: string;
  /** OpenSSL's cipher id: 0x03000000 | IANA code point. */
  id: number;
  kx: 'ECDHE' | 'DHE';
  auth: CipherAuth;
  /** OpenSSL's encryption classes: AES-GCM, ChaCha20-Poly1305, AES-CBC. */
  enc: 'AESGCM' | 'CHACHA20' | 'AES';
  bits: 128 | 256;
  /** OpenSSL's MAC class: AEAD, or the HMAC hash of CBC suites. */
  mac: 'AEAD' | 'SHA1' | 'SHA256' | 'SHA384';
  /** The protocol OpenSSL names as the suite's origin (SSL_CIPHER_get_version). */
  since: 'TLSv1.2' | 'TLSv1' | 'SSLv3';
}

/**
 * Our TLS 1.2 suites in the order OpenSSL's default sort leaves them
 * (`openssl ciphers ALL`): strength first, then ECDHE before DHE, AES-GCM
 * before ChaCha20, AEAD before CBC, ECDSA before RSA. The engine's table is
 * kept in that order.
 */
const TLS12_SUITES: readonly Suite12[] = ENGINE_SUITES.map((s) => ({
  name: s.name,
  id: 0x03000000 | s.id,
  kx: s.kx,
  auth: s.auth,
  enc: s.mode === 'cbc' ? 'AES' : s.aead === 'chacha20-poly1305' ? 'CHACHA20' : 'AESGCM',
  bits: s.bits === 256 ? 256 : 128,
  mac: s.mode === 'cbc' ? (s.macHash === 'sha384' ? 'SHA384' : s.macHash === 'sha1' ? 'SHA1' : 'SHA256') : 'AEAD',
  // The SHA-1 suites come from RFC 4492 (ECDHE, 'TLSv1') and SSLv3 (DHE).
  since: s.macHash !== 'sha1' ? 'TLSv1.2' : s.kx === 'ECDHE' ? 'TLSv1' : 'SSLv3',
}));

/** Names of the TLS 1.2 suites ssl-ts implements, in OpenSSL's default order. */
export const TLS12_CIPHER_NAMES: readonly string[] = TLS12_SUITES.map((s) => s.name);

/** TLS 1.3 suites, in the order OpenSSL lists them. Not configurable, as in Python. */
export const TLS13_CIPHER_NAMES: readonly string[] = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
];

type Pred = (s: Suite12) => boolean;
const all: Pred = () => true;
const none: Pred = () => false;
const ecdhe: Pred = (s) => s.kx === 'ECDHE';
const dhe: Pred = (s) => s.kx === 'DHE';
const aes: Pred = (s) => s.enc === 'AESGCM' || s.enc === 'AES';

/**
 * OpenSSL 3.0's alias names, checked one by one against `openssl ciphers
 * NAME`. Most select none of our suites but must still be known: a known
 * name followed by garbage is a syntax error, while an unknown one is skipped
 * with the rest of its item.
 */
const ALIASES: ReadonlyMap<string, Pred> = new Map<string, Pred>([
  ['ALL', all],
  ['HIGH', all],
  ['TLSv1.2', (s) => s.since === 'TLSv1.2'],
  ['TLSv1', (s) => s.since === 'TLSv1'],
  ['TLSv1.0', (s) => s.since === 'TLSv1'],
  ['SSLv3', (s) => s.since === 'SSLv3'],
  ['kECDHE', ecdhe],
  ['kEECDH', ecdhe],
  ['ECDHE', ecdhe],
  ['EECDH', ecdhe],
  ['ECDH', ecdhe],
  ['kEDH', dhe],
  ['kDHE', dhe],
  ['EDH', dhe],
  ['DHE', dhe],
  ['DH', dhe],
  ['aRSA', (s) => s.auth === 'RSA'],
  ['aECDSA', (s) => s.auth === 'ECDSA'],
  ['ECDSA', (s) => s.auth === 'ECDSA'],
  ['AESGCM', (s) => s.enc === 'AESGCM'],
  ['AES', aes],
  ['AES128', (s) => aes(s) && s.bits === 128],
  ['AES256', (s) => aes(s) && s.bits === 256],
  ['CHACHA20', (s) => s.enc === 'CHACHA20'],
  ['FIPS', aes],
  ['SHA256', (s) => s.mac === 'SHA256'],
  ['SHA384', (s) => s.mac === 'SHA384'],
  ['SHA1', (s) => s.mac === 'SHA1'],
  ['SHA', (s) => s.mac === 'SHA1'],
  ['CBC', (s) => s.mac !== 'AEAD'],
  ...[
    'COMPLEMENTOFALL', 'COMPLEMENTOFDEFAULT', 'kRSA', 'RSA', 'ADH', 'AECDH',
    'kPSK', 'kRSAPSK', 'kECDHEPSK', 'kDHEPSK', 'kSRP', 'kGOST', 'kGOST18', 'aDSS', 'DSS', 'aNULL', 'aPSK',
    'aGOST01', 'aGOST12', 'aGOST', 'aSRP', 'PSK', 'SRP', 'eNULL', 'NULL', 'DES',
    '3DES', 'RC4', 'RC2', 'IDEA', 'SEED', 'AESCCM', 'AESCCM8', 'CAMELLIA', 'CAMELLIA128', 'CAMELLIA256',
    'ARIA', 'ARIA128', 'ARIA256', 'ARIAGCM', 'GOST89', 'GOST2012', 'KUZNYECHIK', 'MAGMA', 'MD5',
    'GOST94', 'GOST89MAC', 'GOST12', 'GOST89MAC12', 'LOW', 'MEDIUM',
  ].map((n): [string, Pred] => [n, none]),
]);

export interface CipherStringResult {
  /** False on a syntax error (OpenSSL: SSL_R_INVALID_COMMAND). */
  ok: boolean;
  /** Selected TLS 1.2 suite names in preference order (empty if !ok). */
  ciphers: string[];
  /** Level set by an @SECLEVEL=n command, applied even if the string fails later, as OpenSSL does. */
  secLevel: number | null;
}

const isSep = (c: string | undefined): boolean => c === ':' || c === ' ' || c === ';' || c === ',';
const isNameChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9.=-]/.test(c);

interface Entry {
  suite: Suite12;
  active: boolean;
}

/** Evaluates an OpenSSL cipher string over our TLS 1.2 suites. */
export function evaluateCipherString(spec: string): CipherStringResult {
  let rest = spec;
  // Suite B selectors replace the whole string (OpenSSL checks them first).
  const suiteB: Array<[string, string]> = [
    ['SUITEB128ONLY', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
    ['SUITEB128C2', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
    ['SUITEB128', 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384'],
    ['SUITEB192', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  ];
  const sb = suiteB.find(([prefix]) => rest.startsWith(prefix));
  if (sb) rest = sb[1];

  let list: Entry[] = TLS12_SUITES.map((suite) => ({ suite, active: false }));
  const state = { secLevel: null as number | null };

  let ok = true;
  if (rest.startsWith('DEFAULT')) {
    // Only a leading DEFAULT is special: OpenSSL's built-in default list.
    ok = processRules('ALL:!COMPLEMENTOFDEFAULT:!eNULL', list, state, (l) => (list = l));
    rest = rest.slice(7);
    if (rest.startsWith(':')) rest = rest.slice(1);
  }
  if (ok && rest.length > 0) ok = processRules(rest, list, state, (l) => (list = l));
  return {
    ok,
    ciphers: ok ? list.filter((e) => e.active).map((e) => e.suite.name) : [],
    secLevel: state.secLevel,
  };
}

type Op = 'add' | 'del' | 'kill' | 'ord' | 'special';

function processRules(
  str: string,
  initial: Entry[],
  state: { secLevel: number | null },
  setList: (l: Entry[]) => void,
): boolean {
  let list = initial;
  let i = 0;
  let ok = true;
  while (i < str.length) {
    const ch = str[i];
    let op: Op = 'add';
    if (ch === '-') op = 'del';
    else if (ch === '+') op = 'ord';
    else if (ch === '!') op = 'kill';
    else if (ch === '@') op = 'special';
    if (op !== 'add') i++;
    else if (isSep(ch)) {
      i++;
      continue;
    }

    // The item's aliases, intersected; null when a name is unknown.
    let parts: Pred[] | null = [];
    let word = '';
    for (;;) {
      const start = i;
      while (isNameChar(str[i])) i++;
      word = str.slice(start, i);
      if (word.length === 0) {
        setList(list);
        return false; // neither a command, a separator nor a name
      }
      if (op === 'special') break;
      const multi = str[i] === '+';
      if (multi) i++;
      const pred = lookup(word);
      if (pred === null) {
        parts = null; // unknown: ignore this whole item
        break;
      }
      parts.push(pred);
      if (!multi) break;
    }

    if (op === 'special') {
      if (word === 'STRENGTH') {
        list = strengthSort(list);
      } else if (word.length === 10 && word.startsWith('SECLEVEL=') && /[0-5]/.test(word[9]!)) {
        state.secLevel = Number(word[9]);
      } else {
        ok = false;
      }
      while (i < str.length && !isSep(str[i])) i++;
    } else if (parts !== null) {
      const preds = parts;
      list = applyRule(list, op, (s) => preds.every((p) => p(s)));
    } else {
      while (i < str.length && !isSep(str[i])) i++;
    }
  }
  setList(list);
  return ok;
}

function lookup(word: string): Pred | null {
  const alias = ALIASES.get(word);
  if (alias) return alias;
  const suite = TLS12_SUITES.find((s) => s.name === word);
  return suite ? (s) => s === suite : null;
}

function applyRule(list: Entry[], op: Exclude<Op, 'special'>, match: Pred): Entry[] {
  switch (op) {
    case 'add': {
      const moved = list.filter((e) => !e.active && match(e.suite));
      for (const e of moved) e.active = true;
      return [...list.filter((e) => !moved.includes(e)), ...moved];
    }
    case 'ord': {
      const moved = list.filter((e) => e.active && match(e.suite));
      return [...list.filter((e) => !moved.includes(e)), ...moved];
    }
    case 'del': {
      const moved = list.filter((e) => e.active && match(e.suite));
      for (const e of moved) e.active = false;
      return [...moved, ...list.filter((e) => !moved.includes(e))];
    }
    case 'kill':
      return list.filter((e) => !match(e.suite));
  }
}

/** @STRENGTH: stable sort of the active suites by key length, strongest first. */
function strengthSort(list: Entry[]): Entry[] {
  let out = list;
  for (const bits of [256, 128]) {
    out = applyRule(out, 'ord', (s) => s.bits === bits);
  }
  return out;
}

// ------------------------------------------------------------- get_ciphers()

/** One entry of SSLContext.getCiphers(), keyed exactly like Python's dict. */
export interface CipherInfo {
  id: number;
  name: string;
  protocol: string;
  description: string;
  strength_bits: number;
  alg_bits: number;
  aead: boolean;
  symmetric: string;
  digest: string | null;
  kea: string;
  auth: string;
}

function describe(name: string, protocol: string, kx: string, au: string, enc: string, mac = 'AEAD'): string {
  // Column widths follow OpenSSL's SSL_CIPHER_description().
  return `${name.padEnd(30)} ${protocol.padEnd(7)} Kx=${kx.padEnd(8)} Au=${au.padEnd(5)} Enc=${enc.padEnd(22)} Mac=${mac}`;
}

const TLS13_INFO: Record<string, { id: number; bits: number; symmetric: string; enc: string }> = {
  TLS_AES_256_GCM_SHA384: { id: 0x03001302, bits: 256, symmetric: 'aes-256-gcm', enc: 'AESGCM(256)' },
  TLS_CHACHA20_POLY1305_SHA256: {
    id: 0x03001303,
    bits: 256,
    symmetric: 'chacha20-poly1305',
    enc: 'CHACHA20/POLY1305(256)',
  },
  TLS_AES_128_GCM_SHA256: { id: 0x03001301, bits: 128, symmetric: 'aes-128-gcm', enc: 'AESGCM(128)' },
};

/** Python-shaped dicts: the TLS 1.3 suites, then `tls12` (suite names) in the given order. */
export function cipherInfos(tls12: readonly string[]): CipherInfo[] {
  const out: CipherInfo[] = [];
  for (const name of TLS13_CIPHER_NAMES) {
    const t = TLS13_INFO[name]!;
    out.push({
      id: t.id,
      name,
      protocol: 'TLSv1.3',
      description: describe(name, 'TLSv1.3', 'any', 'any', t.enc),
      strength_bits: t.bits,
      alg_bits: t.bits,
      aead: true,
      symmetric: t.symmetric,
      digest: null,
      kea: 'kx-any',
      auth: 'auth-any',
    });
  }
  for (const name of tls12) {
    const s = TLS12_SUITES.find((x) => x.name === name);
    if (!s) continue;
    const enc = s.enc === 'AESGCM' ? `AESGCM(${s.bits})` : s.enc === 'AES' ? `AES(${s.bits})` : 'CHACHA20/POLY1305(256)';
    out.push({
      id: s.id,
      name,
      // SSL_CIPHER_get_version() spells TLS 1.0 'TLSv1.0'; the description column says 'TLSv1'.
      protocol: s.since === 'TLSv1' ? 'TLSv1.0' : s.since,
      description: describe(name, s.since, s.kx === 'DHE' ? 'DH' : 'ECDH', s.auth, enc, s.mac),
      strength_bits: s.bits,
      alg_bits: s.bits,
      aead: s.mac === 'AEAD',
      symmetric: s.enc === 'AESGCM' ? `aes-${s.bits}-gcm` : s.enc === 'AES' ? `aes-${s.bits}-cbc` : 'chacha20-poly1305',
      digest: s.mac === 'AEAD' ? null : s.mac.toLowerCase(),
      kea: s.kx === 'DHE' ? 'kx-dhe' : 'kx-ecdhe',
      auth: s.auth === 'RSA' ? 'auth-rsa' : 'auth-ecdsa',
    });
  }
  return out;
}
