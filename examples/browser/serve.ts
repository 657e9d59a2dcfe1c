// Everything the browser example needs on the machine, in one command:
//   npx tsx examples/browser/serve.ts      (then open the URL it prints)
// - a node:tls server (TLS 1.3 only by default) with the repository's test certificate
//   for `localhost`, answering one request per connection and closing;
// - the WebSocket bridge to it (bridge.ts);
// - an HTTP server for the page: index.html, page.js (page.ts bundled by
//   esbuild for the browser), config.json, and the CA certificates the page
//   passes to ssl-ts as cadata.
// Everything listens on 127.0.0.1 only.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { startBridge } from './bridge.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));

export interface ExampleOptions {
  /** Fixture chain and key the server presents (default: the ECDSA P-256 leaf). */
  certChain?: string;
  key?: string;
  /** node:tls's ecdhCurve: the groups the server accepts (default: node's). */
  ecdhCurve?: string;
  /** The TLS version the server speaks (default: TLS 1.3 only). */
  version?: 'TLSv1.3' | 'TLSv1.2';
  /** Port of the page's HTTP server (default: any free one). */
  httpPort?: number;
}

/** How node:tls saw a connection it served. */
export interface ServedConnection {
  protocol: string | null;
  cipher: string | undefined;
  request: string;
}

export interface Example {
  pageUrl: string;
  served: ServedConnection[];
  close(): Promise<void>;
}

/** Bundles page.ts for the browser; `ssl-ts` is this repository's browser entry. */
async function bundlePage(): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('page.ts', import.meta.url))],
    absWorkingDir: REPO,
    // An application's `import 'ssl-ts'` picks the browser build through the
    // package's "browser" export condition; here it is the sources.
    alias: { 'ssl-ts': './src/browser.ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

export async function startExample(opts: ExampleOptions = {}): Promise<Example> {
  const served: ServedConnection[] = [];
  const server = tls.createServer(
    {
      cert: fixture(opts.certChain ?? 'leaf-ecdsa-p256-chain.pem'),
      key: fixture(opts.key ?? 'leaf-ecdsa-p256.key'),
      minVersion: opts.version ?? 'TLSv1.3',
      maxVersion: opts.version ?? 'TLSv1.3',
      ...(opts.ecdhCurve ? { ecdhCurve: opts.ecdhCurve } : {}),
    },
    (socket) => {
      let request = '';
      socket.on('error', () => {});
      socket.on('data', (d: Buffer) => {
        request += d.toString('latin1');
        if (!request.includes('\r\n\r\n')) return;
        const protocol = socket.getProtocol();
        const cipher = socket.getCipher()?.name; // OpenSSL's name, as ssl-ts and Python report it
        served.push({ protocol, cipher, request });
        const path = request.split(' ')[1] ?? '/';
        // end() sends close_notify after the reply.
        socket.end(`HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello ${path} from node:tls over ${protocol} ${cipher}\n`);
      });
    },
  );
  server.on('tlsClientError', () => {}); // a page that refuses our certificate aborts the handshake
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const bridge = await startBridge({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });

  const files: Record<string, [string, string | Buffer]> = {
    '/': ['text/html', readFileSync(new URL('index.html', import.meta.url))],
    '/page.js': ['text/javascript', await bundlePage()],
    '/config.json': ['application/json', JSON.stringify({ bridgeUrl: bridge.url, serverHostname: 'localhost' })],
    '/ca.pem': ['text/plain', fixture('ca.pem')],
    '/other-ca.pem': ['text/plain', fixture('other-ca.pem')],
  };
  const web = http.createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': file[0], 'Cache-Control': 'no-store' }).end(file[1]);
  });
  web.listen(opts.httpPort ?? 0, '127.0.0.1');
  await once(web, 'listening');

  return {
    pageUrl: `http://127.0.0.1:${(web.address() as AddressInfo).port}/`,
    served,
    async close() {
      web.closeAllConnections();
      await Promise.all([
        new Promise((resolve) => web.close(resolve)),
        bridge.close(),
        new Promise((resolve) => server.close(resolve)),
      ]);
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const example = await startExample({ httpPort: Number(process.env['PORT'] ?? 8080) });
  console.log(`Open ${example.pageUrl} in a browser (Ctrl-C stops).`);
}
