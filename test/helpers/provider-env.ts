// Preloaded by scripts/test.mjs into every test process: with
// SSL_TS_TEST_PROVIDER=noble the pure-JavaScript provider becomes the default,
// so the same tests run the engine on it (the provider matrix).
import { setDefaultCryptoProvider } from '../../src/crypto/default-provider.js';
import { nobleCrypto } from '../../src/crypto/noble-provider.js';

const which = process.env.SSL_TS_TEST_PROVIDER;
if (which === 'noble') setDefaultCryptoProvider(nobleCrypto);
else if (which !== undefined && which !== '' && which !== 'node') throw new Error(`SSL_TS_TEST_PROVIDER=${which}: expected noble or node`);
