// `npm run mutation` (scripts/mutation.mjs) sets SSL_TS_MUTATION=1 for the
// test processes Stryker starts: one per mutant and covering test file, so a
// reference tool asked again in each of them costs most of the run. A mutant
// changes only our side of a differential test, so under mutation:
// - a test whose expected verdicts are written in it (and checked against the
//   reference tool by every `npm test`) may skip asking the tool;
// - a reference result that depends only on fixed inputs (fixtures, x509-limbo)
//   is computed once per run and kept in SSL_TS_MUTATION_CACHE (a directory
//   the script empties at the start of each run).
// Outside `npm run mutation` both are off and every test asks the tool.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MUTATION_RUN = process.env.SSL_TS_MUTATION === '1';

/** `compute()`, or under mutation its result from an earlier process of the same run (JSON). */
export function cachedReference<T>(key: string, compute: () => T): T {
  const dir = process.env.SSL_TS_MUTATION_CACHE;
  if (!MUTATION_RUN || !dir) return compute();
  const file = join(dir, `${createHash('sha256').update(key).digest('hex')}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as T;
  const value = compute();
  writeFileSync(file, JSON.stringify(value));
  return value;
}
