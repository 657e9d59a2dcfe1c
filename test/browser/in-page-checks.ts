// Runs inside Chromium (bundled by chromium.test.ts with src/browser.ts as
// `ssl-ts`): what a page can and cannot do without files and sockets. Every
// file- or socket-based API must raise OSError naming the alternative, and
// the in-memory ones (loadCertChainPem, cadata) must run a whole handshake,
// server role included, inside the page.
import {
  MemoryBIO,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  SSLContext,
  SSLWantReadError,
  createDefaultContext,
  getDefaultVerifyPaths,
} from '../../src/browser.js';

export interface RaisedError {
  name: string;
  errno: number | null;
  message: string;
}

export interface PemInputs {
  ca: string;
  chain: string;
  key: string;
}

function raised(f: () => unknown): RaisedError | null {
  try {
    f();
    return null;
  } catch (e) {
    const err = e as Error & { errno?: number | null };
    return { name: err.name, errno: err.errno ?? null, message: err.message };
  }
}

/** What each file- or socket-based call raises in this page (null: it did not raise). */
export function fileApis(): Record<string, RaisedError | null> {
  const server = () => new SSLContext(PROTOCOL_TLS_SERVER);
  return {
    loadCertChain: raised(() => server().loadCertChain('leaf.pem', 'leaf.key')),
    'loadVerifyLocations cafile': raised(() => new SSLContext(PROTOCOL_TLS_CLIENT).loadVerifyLocations({ cafile: 'ca.pem' })),
    'loadVerifyLocations capath': raised(() => new SSLContext(PROTOCOL_TLS_CLIENT).loadVerifyLocations({ capath: '/etc/ssl/certs' })),
    loadDefaultCerts: raised(() => new SSLContext(PROTOCOL_TLS_CLIENT).loadDefaultCerts()),
    setDefaultVerifyPaths: raised(() => new SSLContext(PROTOCOL_TLS_CLIENT).setDefaultVerifyPaths()),
    'createDefaultContext()': raised(() => createDefaultContext()),
    loadDhParams: raised(() => server().loadDhParams('dh.pem')),
    keylogFilename: raised(() => (new SSLContext(PROTOCOL_TLS_CLIENT).keylogFilename = 'keys.log')),
    wrapSocket: raised(() => new SSLContext(PROTOCOL_TLS_CLIENT).wrapSocket({} as never, { serverHostname: 'localhost' })),
  };
}

/** Both ends of a handshake in this page, over MemoryBIOs, from PEM text only (the server signs in the page). */
export function memoryHandshake(pem: PemInputs): Record<string, unknown> {
  const sctx = new SSLContext(PROTOCOL_TLS_SERVER);
  sctx.loadCertChainPem(pem.chain, pem.key);
  const cctx = createDefaultContext({ cadata: pem.ca });
  const ci = new MemoryBIO(), co = new MemoryBIO(), si = new MemoryBIO(), so = new MemoryBIO();
  const c = cctx.wrapBio(ci, co, { serverHostname: 'localhost' });
  const s = sctx.wrapBio(si, so, { serverSide: true });
  const step = (f: () => unknown): boolean => {
    try {
      f();
      return true;
    } catch (e) {
      if (e instanceof SSLWantReadError) return false;
      throw e;
    }
  };
  let done = false;
  for (let i = 0; i < 10 && !done; i++) {
    const cDone = step(() => c.doHandshake());
    si.write(co.read());
    const sDone = step(() => s.doHandshake());
    ci.write(so.read());
    done = cDone && sDone;
  }
  c.write(new TextEncoder().encode('ping from the page'));
  si.write(co.read());
  const got = new TextDecoder().decode(s.read(100));
  const paths = getDefaultVerifyPaths();
  return {
    done,
    client: c.handshakeInfo(),
    serverVersion: s.version(),
    got,
    defaultVerifyPaths: { cafile: paths.cafile, capath: paths.capath },
    bufferIsGlobal: typeof (globalThis as { Buffer?: unknown }).Buffer === 'function',
    hasProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined',
  };
}

(globalThis as { sslTsChecks?: unknown }).sslTsChecks = { fileApis, memoryHandshake };
