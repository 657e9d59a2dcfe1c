// What `#crypto-default` resolves to outside a browser build (package.json
// "imports"): the node:crypto provider.
import { nodeCrypto } from './node-provider.js';
import type { CryptoProvider } from './provider.js';

export const builtinProvider: CryptoProvider = nodeCrypto;
