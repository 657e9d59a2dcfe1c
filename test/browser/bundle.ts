// Bundles ssl-ts for a web page the way a user's bundler would (esbuild,
// platform "browser", so package.json's "browser" conditions and file map
// apply), and records every Node built-in the bundle would still need. The
// build check and the Chromium test both start here.
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** A Node built-in some module asked for, and who asked. */
export interface NodeImport {
  path: string;
  importer: string;
}

export interface BrowserBundle {
  code: string;
  nodeImports: NodeImport[];
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const RESOLVING = Symbol('resolving');

/**
 * Bundles `entry` (a file path, or source text whose imports resolve from
 * `resolveDir`, by default the repository) for the browser, as an ES module
 * or a plain script (`iife`). Node
 * built-ins are not fatal here: they are collected, left external, and
 * reported, so a test can name every offending import at once.
 */
export async function bundleForBrowser(
  entry: { file: string } | { contents: string; resolveDir?: string },
  format: 'esm' | 'iife' = 'esm',
): Promise<BrowserBundle> {
  const nodeImports: NodeImport[] = [];
  const result = await esbuild.build({
    ...('file' in entry ? { entryPoints: [entry.file] } : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir ?? REPO, loader: 'ts', sourcefile: 'page.ts' } }),
    absWorkingDir: REPO,
    bundle: true,
    platform: 'browser',
    format,
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'record-node-builtins',
        setup(build) {
          build.onResolve({ filter: /.*/ }, async (args) => {
            if (!BUILTINS.has(args.path) || args.pluginData === RESOLVING) return undefined;
            // What the bundler would do without us: a package may map the built-in away
            // (node-forge's "browser": { "crypto": false }), and the npm `buffer` package
            // stands in for node's. Only a built-in that resolves to nothing is Node's.
            const r = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: RESOLVING });
            if (r.errors.length === 0) return undefined;
            nodeImports.push({ path: args.path, importer: args.importer.replace(REPO, '') });
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return { code: result.outputFiles[0]!.text, nodeImports };
}
