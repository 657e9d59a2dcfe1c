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

/**
 * Bundles `entry` (a file path, or source text whose imports resolve from
 * `resolveDir`, by default the repository) as an ES module for the browser. Node
 * built-ins are not fatal here: they are collected, left external, and
 * reported, so a test can name every offending import at once.
 */
export async function bundleForBrowser(entry: { file: string } | { contents: string; resolveDir?: string }): Promise<BrowserBundle> {
  const nodeImports: NodeImport[] = [];
  const result = await esbuild.build({
    ...('file' in entry ? { entryPoints: [entry.file] } : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir ?? REPO, loader: 'ts', sourcefile: 'page.ts' } }),
    absWorkingDir: REPO,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'record-node-builtins',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            // The npm `buffer` package is the browser's Buffer; every other bare built-in name is Node's.
            if (!BUILTINS.has(args.path) || args.path === 'buffer') return undefined;
            nodeImports.push({ path: args.path, importer: args.importer.replace(REPO, '') });
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return { code: result.outputFiles[0]!.text, nodeImports };
}
