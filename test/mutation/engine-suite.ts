// The engine's fast tests in one process, for `npm run mutation`: Stryker's
// tap runner starts one process per test file and mutant, and on a small
// machine the start-up (node + tsx) costs more than these tests themselves.
// Not a *.test.ts file, so `npm test` runs each of them on its own instead.
import '../tls/record-layer.test.js';
import '../tls/key-schedule.test.js';
import '../tls/engine.test.js';
import '../tls/engine12.test.js';
import '../tls/alert.test.js';
