// The engine's in-memory tests in one process, for `npm run mutation`:
// Stryker's tap runner starts one process per test file and mutant, and on a
// small machine the start-up (node + tsx) costs more than these tests
// themselves. The runner kills the process at the first failing test, so the
// quick, sharp tests come first. Tests that spawn python3 or openssl
// (alert.test.ts, reason-strings.test.ts) are not here: they only concern
// alert.ts, which scripts/mutation.mjs gives them on its own.
// Not a *.test.ts file, so `npm test` runs each of them on its own instead.
import '../tls/record-layer.test.js';
import '../tls/key-schedule.test.js';
import '../tls/engine.test.js';
import '../tls/engine12.test.js';
import '../tls/peer-checks13.test.js';
import '../tls/handshake-client13.test.js';
import '../tls/handshake-server13.test.js';
import '../tls/peer-checks12.test.js';
import '../tls/handshake12-checks.test.js';
import '../tls/security-net.test.js';
import '../tls/record-floods.test.js';
import '../tls/extension-checks.test.js';
import '../tls/handshake-framing.test.js';
import '../tls/engine12-cbc-dhe.test.js';
import '../tls/record-cbc.test.js';
import '../tls/settle.test.js';
