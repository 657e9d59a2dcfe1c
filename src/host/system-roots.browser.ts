// system-roots.ts for a web page: the browser's own trust store is not
// reachable from JavaScript, so there are no bundled roots. Nothing reaches
// this in practice: setDefaultVerifyPaths() raises first (no file system).
import type * as NodeSystemRoots from './system-roots.js';

export function bundledRootCertificates(): readonly string[] {
  return [];
}

const sameShape: typeof NodeSystemRoots = { bundledRootCertificates };
void sameShape;
