// The process-wide default crypto provider. Which one is built in is decided
// at module resolution, not at run time: `#crypto-default` is a package.json
// "imports" entry whose "browser" condition names the pure-JavaScript
// provider and whose "default" names node:crypto's, so a bundler targeting
// the browser never sees node-provider.ts (or any `node:` module) at all.
import { builtinProvider } from '#crypto-default';
import type { CryptoProvider } from './provider.js';

let current: CryptoProvider = builtinProvider;

/** ssl-ts only: the provider every new SSLContext (and X.509 verification without a context) uses. */
export function getDefaultCryptoProvider(): CryptoProvider {
  return current;
}

/**
 * ssl-ts only: replaces the default provider for contexts created afterwards
 * (existing contexts keep theirs); null restores the built-in one.
 */
export function setDefaultCryptoProvider(provider: CryptoProvider | null): void {
  current = provider ?? builtinProvider;
}
