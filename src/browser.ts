// ssl-ts for a web page (the "browser" condition of package.json's exports,
// and the `ssl-ts/browser` subpath): the shared API without src/net's socket
// drivers. The engine and the ssl layer use Node's Buffer throughout, so the
// first import installs the `buffer` package as the global Buffer when the
// page has none. File loading, wrapSocket() and the system trust store raise
// OSError here (see src/host/*.browser.ts, mapped by package.json's
// "browser" field); PEM text goes through loadCertChainPem() and
// loadVerifyLocations({ cadata }).
import './host/buffer-global.js';

export * from './api.js';
