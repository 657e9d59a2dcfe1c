// The TLS 1.3 cipher suites we implement, with OpenSSL's names and bit counts.
import type { AeadName, HashName } from '../crypto/provider.js';

export interface CipherSuite13 {
  readonly id: number;
  readonly name: string;
  readonly hash: HashName;
  readonly hashLength: number;
  readonly aead: AeadName;
  readonly keyLength: number;
  readonly bits: number;
}

export const TLS_AES_128_GCM_SHA256: CipherSuite13 = {
  id: 0x1301, name: 'TLS_AES_128_GCM_SHA256', hash: 'sha256', hashLength: 32, aead: 'aes-128-gcm', keyLength: 16, bits: 128,
};
export const TLS_AES_256_GCM_SHA384: CipherSuite13 = {
  id: 0x1302, name: 'TLS_AES_256_GCM_SHA384', hash: 'sha384', hashLength: 48, aead: 'aes-256-gcm', keyLength: 32, bits: 256,
};
export const TLS_CHACHA20_POLY1305_SHA256: CipherSuite13 = {
  id: 0x1303, name: 'TLS_CHACHA20_POLY1305_SHA256', hash: 'sha256', hashLength: 32, aead: 'chacha20-poly1305', keyLength: 32, bits: 256,
};

/** OpenSSL's default TLS 1.3 order. */
export const TLS13_SUITES: readonly CipherSuite13[] = [
  TLS_AES_256_GCM_SHA384,
  TLS_CHACHA20_POLY1305_SHA256,
  TLS_AES_128_GCM_SHA256,
];

export function tls13SuiteById(id: number): CipherSuite13 | undefined {
  return TLS13_SUITES.find((s) => s.id === id);
}

export function tls13SuiteByName(name: string): CipherSuite13 | undefined {
  return TLS13_SUITES.find((s) => s.name === name);
}
