// The few things ssl-ts asks of the hosting process: environment variables,
// warnings and stderr. On Node (and Bun, Deno) they come from `process`; a
// web page has no `process`, so each answer has a browser fallback here
// rather than a ReferenceError at load time.

interface NodeLikeProcess {
  env?: Record<string, string | undefined>;
  versions?: Record<string, string | undefined>;
  emitWarning?: (message: string, type: string) => void;
  stderr?: { write(text: string): unknown };
}

function hostProcess(): NodeLikeProcess | undefined {
  return (globalThis as { process?: NodeLikeProcess }).process;
}

/** An environment variable, or undefined (always, in a web page). */
export function envVar(name: string): string | undefined {
  return hostProcess()?.env?.[name];
}

/**
 * A DeprecationWarning: through process.emitWarning() where it exists, so
 * that node's --no-deprecation, --throw-deprecation and 'warning' listeners
 * apply; otherwise on the console.
 */
export function emitDeprecationWarning(message: string): void {
  const p = hostProcess();
  if (typeof p?.emitWarning === 'function') p.emitWarning(message, 'DeprecationWarning');
  else console.warn(`DeprecationWarning: ${message}`);
}

/** Text for stderr (the console's error stream in a web page). */
export function writeStderr(text: string): void {
  const p = hostProcess();
  if (p?.stderr && typeof p.stderr.write === 'function') p.stderr.write(text);
  else console.error(text.replace(/\n$/, ''));
}

/** The OpenSSL version of the runtime (node's `process.versions.openssl`), or null without one. */
export function hostOpensslVersion(): string | null {
  return hostProcess()?.versions?.openssl ?? null;
}
