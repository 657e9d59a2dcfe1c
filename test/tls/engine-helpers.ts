// Builds raw engine configurations from fixtures, for engine-level tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SSLError } from '../../src/errors.js';
import { getDefaultCryptoProvider } from '../../src/crypto/default-provider.js';
import { TLS13_SUITES } from '../../src/tls/cipher-suites.js';
import { TLS12_SUITES } from '../../src/tls/cipher-suites12.js';
import type { EngineConfig } from '../../src/tls/config.js';
import { Connection } from '../../src/tls/connection.js';
import { DEFAULT_SIGNATURE_SCHEMES } from '../../src/tls/handshake-common13.js';
import { startServer } from '../../src/tls/handshake-server13.js';

export const FIX = new URL('../../fixtures/', import.meta.url).pathname;

export function pemCerts(file: string): Uint8Array[] {
  const text = readFileSync(FIX + file, 'latin1');
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) =>
    Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'),
  );
}

/** Engine configurations use the default provider: node:crypto, or the pure-JS one in the provider matrix (SSL_TS_TEST_PROVIDER=noble). */
export function engineConfig(over: Partial<EngineConfig>): EngineConfig {
  const provider = over.provider ?? getDefaultCryptoProvider();
  return {
    isServer: false,
    provider,
    serverName: 'localhost',
    verifyHostname: null,
    verifyMode: 0,
    verify: (r) => r.presented,
    certs: [],
    alpn: null,
    tls13Suites: [...TLS13_SUITES],
    tls12Suites: TLS12_SUITES.filter((s) => s.kx !== 'DHE' || provider.supportsFiniteFieldDh),
    cipherServerPreference: true,
    groups: [0x1d, 0x17, 0x18],
    signatureSchemes: [...DEFAULT_SIGNATURE_SCHEMES],
    minVersion: 0x0303,
    maxVersion: 0x0304,
    middleboxCompat: true,
    numTickets: 2,
    ...over,
  };
}

export function serverCert(kind: string) {
  return {
    chain: pemCerts(`leaf-${kind}-chain.pem`),
    key: getDefaultCryptoProvider().importPrivateKey({ pem: readFileSync(FIX + `leaf-${kind}.key`, 'latin1') }),
  };
}

export function pair(clientOver: Partial<EngineConfig> = {}, serverOver: Partial<EngineConfig> = {}) {
  const client = new Connection(engineConfig(clientOver));
  const server = new Connection(engineConfig({ isServer: true, certs: [serverCert('ecdsa-p256')], ...serverOver }));
  server.begin(startServer);
  return { client, server };
}

/** Move every pending byte from `from` to `to`, `chunk` bytes at a time. */
export function ferry(from: Connection, to: Connection, chunk = Infinity): void {
  for (const buf of from.takeOutput()) {
    let off = 0;
    while (off < buf.length) {
      if (to.error) return;
      const n = Math.min(to.wanted(), buf.length - off, chunk);
      to.receive(buf.subarray(off, off + n));
      off += n;
    }
  }
}

/** Run `f`, expecting an SSLError with `reason`; returns it. */
export function expectReason(f: () => void, reason: string): SSLError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof SSLError, `expected SSLError, got ${String(e)}`);
    assert.equal(e.reason, reason);
    return e;
  }
  assert.fail(`expected ${reason}`);
}
