// What `#crypto-default` resolves to under the "browser" condition (package.json
// "imports"): the pure-JavaScript provider, so a browser bundle reaches no
// `node:` built-in through the crypto.
import { nobleCrypto } from './noble-provider.js';
import type { CryptoProvider } from './provider.js';

export const builtinProvider: CryptoProvider = nobleCrypto;
