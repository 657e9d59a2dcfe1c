// The TLS 1.2 suites we implement, with OpenSSL's names: ECDHE with AEAD
// (RFC 5289, RFC 7905), ECDHE with AES-CBC and HMAC-SHA256/384 (RFC 5289),
// finite-field DHE with AES-GCM (RFC 5288) or AES-CBC-SHA256 (RFC 5246), and
// the older AES-CBC suites with HMAC-SHA1 (RFC 4492/8422, RFC 5246), which
// OpenSSL's DEFAULT still enables and Python's default string leaves out.
import type { AeadName, HashName } from '../crypto/provider.js';

export type { CbcName, MacHash } from '../crypto/provider.js';
import type { CbcName, MacHash } from '../crypto/provider.js';

export interface CipherSuite12 {
  readonly id: number;
  readonly name: string;
  /** Key exchange: elliptic-curve (RFC 8422) or finite-field (RFC 5246 7.4.3) ephemeral DH. */
  readonly kx: 'ECDHE' | 'DHE';
  readonly auth: 'ECDSA' | 'RSA';
  /** AEAD record protection (RFC 5246 6.2.3.3) or MAC-then-encrypt CBC (6.2.3.2, RFC 7366). */
  readonly mode: 'aead' | 'cbc';
  /** The AEAD, for `mode === 'aead'`. */
  readonly aead: AeadName;
  /** The block cipher, for `mode === 'cbc'`. */
  readonly cbc: CbcName | null;
  /** HMAC hash of CBC suites (null for AEAD suites). */
  readonly macHash: MacHash | null;
  readonly macLength: number;
  readonly keyLength: number;
  /** Implicit IV bytes from the key block: 4 for GCM (plus 8 explicit), 12 for ChaCha20, 0 for CBC. */
  readonly fixedIvLength: number;
  readonly explicitNonce: boolean;
  /** The PRF hash. */
  readonly hash: HashName;
  readonly hashLength: number;
  readonly bits: number;
}

type Kx = CipherSuite12['kx'];
type Auth = CipherSuite12['auth'];

function gcm(id: number, name: string, kx: Kx, auth: Auth, bits: 128 | 256): CipherSuite12 {
  const big = bits === 256;
  return {
    id, name, kx, auth, bits, mode: 'aead',
    aead: big ? 'aes-256-gcm' : 'aes-128-gcm',
    cbc: null, macHash: null, macLength: 0,
    keyLength: big ? 32 : 16,
    fixedIvLength: 4,
    explicitNonce: true,
    hash: big ? 'sha384' : 'sha256',
    hashLength: big ? 48 : 32,
  };
}

function chacha(id: number, name: string, auth: Auth): CipherSuite12 {
  return {
    id, name, kx: 'ECDHE', auth, bits: 256, mode: 'aead',
    aead: 'chacha20-poly1305', cbc: null, macHash: null, macLength: 0,
    keyLength: 32, fixedIvLength: 12, explicitNonce: false,
    hash: 'sha256', hashLength: 32,
  };
}

/**
 * CBC suites: the PRF hash is the MAC hash (SHA-384 suites use a SHA-384 PRF,
 * RFC 5289 3.2); the SHA-1 suites predate TLS 1.2 and so use its default
 * SHA-256 PRF (RFC 5246 5).
 */
function cbc(id: number, name: string, kx: Kx, auth: Auth, bits: 128 | 256, mac: MacHash): CipherSuite12 {
  const macLength = mac === 'sha384' ? 48 : mac === 'sha1' ? 20 : 32;
  const prf: HashName = mac === 'sha384' ? 'sha384' : 'sha256';
  return {
    id, name, kx, auth, bits, mode: 'cbc',
    aead: 'aes-128-gcm', // unused in CBC mode
    cbc: bits === 256 ? 'aes-256-cbc' : 'aes-128-cbc',
    macHash: mac, macLength,
    keyLength: bits / 8,
    fixedIvLength: 0,
    explicitNonce: true,
    hash: prf, hashLength: prf === 'sha384' ? 48 : 32,
  };
}

/** In OpenSSL's default order (`openssl ciphers ALL`), which the cipher-string code mirrors. */
export const TLS12_SUITES: readonly CipherSuite12[] = [
  gcm(0xc02c, 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE', 'ECDSA', 256),
  gcm(0xc030, 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE', 'RSA', 256),
  gcm(0x009f, 'DHE-RSA-AES256-GCM-SHA384', 'DHE', 'RSA', 256),
  chacha(0xcca9, 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDSA'),
  chacha(0xcca8, 'ECDHE-RSA-CHACHA20-POLY1305', 'RSA'),
  gcm(0xc02b, 'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE', 'ECDSA', 128),
  gcm(0xc02f, 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE', 'RSA', 128),
  gcm(0x009e, 'DHE-RSA-AES128-GCM-SHA256', 'DHE', 'RSA', 128),
  cbc(0xc024, 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE', 'ECDSA', 256, 'sha384'),
  cbc(0xc028, 'ECDHE-RSA-AES256-SHA384', 'ECDHE', 'RSA', 256, 'sha384'),
  cbc(0x006b, 'DHE-RSA-AES256-SHA256', 'DHE', 'RSA', 256, 'sha256'),
  cbc(0xc023, 'ECDHE-ECDSA-AES128-SHA256', 'ECDHE', 'ECDSA', 128, 'sha256'),
  cbc(0xc027, 'ECDHE-RSA-AES128-SHA256', 'ECDHE', 'RSA', 128, 'sha256'),
  cbc(0x0067, 'DHE-RSA-AES128-SHA256', 'DHE', 'RSA', 128, 'sha256'),
  cbc(0xc00a, 'ECDHE-ECDSA-AES256-SHA', 'ECDHE', 'ECDSA', 256, 'sha1'),
  cbc(0xc014, 'ECDHE-RSA-AES256-SHA', 'ECDHE', 'RSA', 256, 'sha1'),
  cbc(0x0039, 'DHE-RSA-AES256-SHA', 'DHE', 'RSA', 256, 'sha1'),
  cbc(0xc009, 'ECDHE-ECDSA-AES128-SHA', 'ECDHE', 'ECDSA', 128, 'sha1'),
  cbc(0xc013, 'ECDHE-RSA-AES128-SHA', 'ECDHE', 'RSA', 128, 'sha1'),
  cbc(0x0033, 'DHE-RSA-AES128-SHA', 'DHE', 'RSA', 128, 'sha1'),
];

export function tls12SuiteById(id: number): CipherSuite12 | undefined {
  return TLS12_SUITES.find((s) => s.id === id);
}

export function tls12SuiteByName(name: string): CipherSuite12 | undefined {
  return TLS12_SUITES.find((s) => s.name === name);
}

/** RFC 5746: signals secure renegotiation support in a ClientHello. */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

/** RFC 8446 4.1.3: the last 8 bytes of ServerHello.random when a 1.3 server settles for 1.2. */
export const DOWNGRADE_TLS12 = Buffer.from('444f574e47524401', 'hex');
