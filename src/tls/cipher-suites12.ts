// The TLS 1.2 ECDHE AEAD suites we implement (RFC 5289, RFC 7905), with
// OpenSSL's names.
import type { AeadName, HashName } from '../crypto/provider.js';

export interface CipherSuite12 {
  readonly id: number;
  readonly name: string;
  readonly auth: 'ECDSA' | 'RSA';
  readonly aead: AeadName;
  readonly keyLength: number;
  /** Implicit IV bytes from the key block: 4 for GCM (plus 8 explicit), 12 for ChaCha20. */
  readonly fixedIvLength: number;
  readonly explicitNonce: boolean;
  /** The PRF hash. */
  readonly hash: HashName;
  readonly hashLength: number;
  readonly bits: number;
}

function gcm(id: number, name: string, auth: 'ECDSA' | 'RSA', bits: 128 | 256): CipherSuite12 {
  const big = bits === 256;
  return {
    id, name, auth, bits,
    aead: big ? 'aes-256-gcm' : 'aes-128-gcm',
    keyLength: big ? 32 : 16,
    fixedIvLength: 4,
    explicitNonce: true,
    hash: big ? 'sha384' : 'sha256',
    hashLength: big ? 48 : 32,
  };
}

function chacha(id: number, name: string, auth: 'ECDSA' | 'RSA'): CipherSuite12 {
  return {
    id, name, auth, bits: 256,
    aead: 'chacha20-poly1305', keyLength: 32, fixedIvLength: 12, explicitNonce: false,
    hash: 'sha256', hashLength: 32,
  };
}

export const TLS12_SUITES: readonly CipherSuite12[] = [
  gcm(0xc02c, 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDSA', 256),
  gcm(0xc030, 'ECDHE-RSA-AES256-GCM-SHA384', 'RSA', 256),
  chacha(0xcca9, 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDSA'),
  chacha(0xcca8, 'ECDHE-RSA-CHACHA20-POLY1305', 'RSA'),
  gcm(0xc02b, 'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDSA', 128),
  gcm(0xc02f, 'ECDHE-RSA-AES128-GCM-SHA256', 'RSA', 128),
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
