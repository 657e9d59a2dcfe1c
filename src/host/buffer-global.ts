// Node's Buffer for runtimes that lack it (a web page): the `buffer` package,
// the same implementation browserify and webpack 4 have long shipped, becomes
// the global Buffer. A Buffer already there (Node, Bun, Deno, or the page's
// own) is left alone. Imported first by src/browser.ts, before any module
// that touches Buffer is evaluated.
import { Buffer as BufferPackage } from 'buffer';

const host = globalThis as { Buffer?: unknown };
if (typeof host.Buffer === 'undefined') host.Buffer = BufferPackage;
