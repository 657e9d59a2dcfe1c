#!/usr/bin/env node
// The `ssl-ts` command: dispatches to demo / client / server.

import { runClient } from './client.js';
import { UsageError } from './common.js';
import { runDemo } from './demo.js';
import { runServer } from './server.js';

export const USAGE = `usage: ssl-ts <command> [options]

commands:
  demo                      handshakes in memory and against node:tls, with ladders
  client HOST:PORT          connect like openssl s_client; stdin -> TLS -> stdout
      --cafile F            trust these CAs (default: the system trust store)
      --servername N        SNI / hostname to verify (default: HOST)
      --alpn a,b            offer these ALPN protocols
      --insecure            do not verify the certificate or hostname
      --cert F --key F      present a client certificate
      --trace               print the handshake ladder
  server                    listen like openssl s_server; echo data back
      --port N              port to listen on (default 4433; 0 = any free port)
      --host H              address to bind (default 127.0.0.1)
      --cert F --key F      certificate chain and key (default: made at start,
                            its CA printed before ACCEPT)
      --alpn a,b            accept these ALPN protocols
      --www                 answer HTTP requests with a status page, then close
      --cafile F --verify   require a client certificate issued by these CAs
      --trace               print each connection's handshake ladder

  -h, --help                show this text
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    switch (command) {
      case 'demo':
        if (rest.length > 0) throw new UsageError(`demo takes no arguments: ${rest.join(' ')}`);
        return await runDemo();
      case 'client':
        return await runClient(rest);
      case 'server':
        return await runServer(rest);
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`ssl-ts: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

/** Exit once what we printed has been handed over: stdin or a socket may still hold the loop open. */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exit, (e: unknown) => {
  process.stderr.write(`ssl-ts: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  exit(1);
});
