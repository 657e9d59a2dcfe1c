// MemoryBIO under a long stream of small writes with interleaved reads: the
// cost must grow linearly with the stream (a BIO that re-copies its buffer on
// every call grows quadratically). Moved here from the test suite, where a
// timing assertion does not belong. Run after `npm run build`:
//   node bench/memory-bio.js
// Prints ms per size and the growth factor between the last two sizes;
// exits 1 when quadrupling the stream costs more than 8x (linear is ~4x,
// quadratic ~16x).
import { MemoryBIO } from '../dist/src/index.js';

function run(n) {
  const bio = new MemoryBIO();
  const piece = new Uint8Array(16);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    bio.write(piece);
    if (i % 3 === 0) bio.read(20);
  }
  bio.read();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

run(50_000); // warm-up
const sizes = [100_000, 400_000];
const ms = sizes.map((n) => Math.min(run(n), run(n), run(n)));
sizes.forEach((n, i) => console.log(`${String(n).padStart(8)} writes of 16 bytes: ${ms[i].toFixed(1)} ms`));
const growth = ms[1] / Math.max(ms[0], 0.001);
console.log(`growth for 4x the stream: ${growth.toFixed(1)}x (linear ~4x)`);
process.exit(growth > 8 ? 1 : 0);
