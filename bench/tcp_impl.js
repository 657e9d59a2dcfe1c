// The two TCP implementations behind one face, so that the TCP benchmarks run
// the very same client and server code against ssl-ts and node:tls.
//   createServer(opts, onSecureConnection)  node:tls's signature in both
//   clientFactory({ ca }) -> { connect(port, servername) }: the client's
//     trust store is built once (a SecureContext / an SSLContext), as a real
//     client would, not per connection
//   negotiated(clientSocket) -> { version, cipher, group }
//   wireBytesWritten(clientSocket) -> ciphertext bytes the client has put on
//     TCP so far, or null when the implementation does not expose them
import tls from 'node:tls';

export async function tcpImpl(name) {
  if (name === 'node') {
    return {
      createServer: (opts, listener) => tls.createServer(opts, listener),
      clientFactory: ({ ca }) => {
        const secureContext = tls.createSecureContext({ ca, minVersion: 'TLSv1.3' });
        return {
          connect: (port, servername) =>
            tls.connect({ host: '127.0.0.1', port, servername, secureContext, minVersion: 'TLSv1.3' }),
        };
      },
      negotiated: (s) => {
        const c = s.getCipher();
        return { version: s.getProtocol(), cipher: c.standardName ?? c.name, group: s.getEphemeralKeyInfo()?.name ?? null };
      },
      wireBytesWritten: () => null,
    };
  }
  if (name === 'ssl-ts') {
    const ssl = await import(process.env.SSLTS_DIST ?? '../dist/src/index.js');
    return {
      createServer: (opts, listener) => ssl.createServer(opts, listener),
      clientFactory: ({ ca }) => {
        const context = new ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);
        context.loadVerifyLocations({ cadata: ca.toString('latin1') });
        context.minimumVersion = ssl.TLSVersion.TLSv1_3;
        // The group node:tls negotiates (ssl-ts would offer X25519MLKEM768 first).
        context.setGroups('X25519');
        return {
          connect: (port, servername) => ssl.connect({ host: '127.0.0.1', port, servername, context }),
        };
      },
      negotiated: (s) => {
        const i = s.sslobj.handshakeInfo();
        return { version: i.version, cipher: i.cipher, group: i.group };
      },
      wireBytesWritten: (s) => s.socket.bytesWritten,
    };
  }
  throw new Error(`unknown TCP implementation ${name}`);
}
