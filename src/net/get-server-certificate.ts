// Python's ssl.get_server_certificate(addr, ssl_version, ca_certs, timeout):
// connect, handshake, and return the server's leaf certificate as PEM.

import * as net from 'node:net';
import { SSLContext } from '../ssl/context.js';
import { CERT_NONE, CERT_REQUIRED, PROTOCOL_TLS_CLIENT, Purpose, type SSLMethod } from '../ssl/constants.js';
import { TimeoutError } from '../errors.js';
import { DER_cert_to_PEM_cert } from '../x509/pem.js';

/** Keyword arguments of Python's `ssl.get_server_certificate()`. */
export interface GetServerCertificateOptions {
  /** Python's ssl_version; default PROTOCOL_TLS_CLIENT. */
  sslVersion?: SSLMethod;
  /** CA file: when given the certificate must verify against it (but the hostname is not checked, as in Python). */
  caCerts?: string | null;
  /** Seconds for the connection and the handshake; null waits without limit (Python's default). */
  timeout?: number | null;
}

/** Python's socket.create_connection(addr, timeout) for one address. */
function createConnection(host: string, port: number, timeoutMs: number | null): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port, allowHalfOpen: true });
    let timer: NodeJS.Timeout | null = null;
    const settle = (err: Error | null): void => {
      if (timer) clearTimeout(timer);
      sock.off('connect', onConnect);
      sock.off('error', onError);
      if (err) {
        sock.destroy();
        reject(err);
      } else resolve(sock);
    };
    const onConnect = (): void => settle(null);
    const onError = (e: Error): void => settle(e);
    sock.once('connect', onConnect);
    sock.once('error', onError);
    if (timeoutMs !== null) timer = setTimeout(() => settle(new TimeoutError('timed out')), timeoutMs);
  });
}

/** The PEM certificate of a server. Python: `ssl.get_server_certificate()`. */
export async function getServerCertificate(
  addr: readonly [host: string, port: number],
  opts: GetServerCertificateOptions = {},
): Promise<string> {
  const [host, port] = addr;
  // Python's _create_unverified_context(): verification only with ca_certs, never the hostname.
  const ctx = new SSLContext(opts.sslVersion ?? PROTOCOL_TLS_CLIENT);
  ctx.checkHostname = false;
  ctx.verifyMode = opts.caCerts ? CERT_REQUIRED : CERT_NONE;
  if (opts.caCerts) ctx.loadVerifyLocations({ cafile: opts.caCerts });
  else if (ctx.verifyMode !== CERT_NONE) ctx.loadDefaultCerts(Purpose.SERVER_AUTH);

  const timeout = opts.timeout ?? null;
  const started = Date.now();
  const sock = await createConnection(host, port, timeout === null ? null : timeout * 1000);
  sock.on('error', () => {}); // reported through the SSLSocket
  const ssock = ctx.wrapSocket(sock, { serverHostname: host, shutdownTimeout: 2000 });
  try {
    if (timeout !== null) ssock.settimeout(Math.max(0, timeout - (Date.now() - started) / 1000));
    await ssock.doHandshake();
    const der = ssock.getPeerCert(true);
    if (!der) throw new Error('the server sent no certificate');
    return DER_cert_to_PEM_cert(der);
  } finally {
    // Like Python's `with` block: close without waiting on the peer.
    void ssock.close();
  }
}
