// The root certificates node carries (Mozilla's list, node:tls's
// rootCertificates): the last resort of SSLContext.setDefaultVerifyPaths()
// when the system has no CA file or directory. The browser build replaces this
// module with system-roots.browser.ts.
import { rootCertificates } from 'node:tls';

/** PEM texts of the runtime's bundled root certificates. */
export function bundledRootCertificates(): readonly string[] {
  return rootCertificates;
}
