#!/usr/bin/env node
// The `ssl-ts` command: dispatches to demo / client / server.

import { runClient } from './client.js';
import { UsageError } from './common.js';
import { runDemo } from './demo.js';
import { runServer } from './server.js';

const CLIENT_OPTIONS = `  client HOST:PORT          connect like openssl s_client; stdin -> TLS -> stdout
      --cafile F            trust these CAs (default: the system trust store)
      --servername N        SNI / hostname to verify (default: HOST)
      --alpn a,b            offer these ALPN protocols
      --insecure            do not verify the certificate or hostname
      --cert F --key F      present a client certificate
      --pass P              password of an encrypted --key
      --pass-file F         read that password from the first line of F
      --trace               print the handshake ladder
      --reconnect           first connect 6 times, each resuming the last session
                            (like openssl s_client -reconnect)
      --early-data F        with --reconnect: send F as 0-RTT data on each
                            resumed connection whose ticket allows it
`;

const SERVER_OPTIONS = `  server                    listen like openssl s_server; echo data back
      --port N              port to listen on (default 4433; 0 = any free port)
      --host H              address to bind (default 127.0.0.1)
      --cert F --key F      certificate chain and key (default: made at start,
                            its CA printed before ACCEPT)
      --pass P              password of an encrypted --key
      --pass-file F         read that password from the first line of F
      --alpn a,b            accept these ALPN protocols
      --www                 answer HTTP requests with a status page, then close
      --cafile F --verify   require a client certificate issued by these CAs
      --ciphers S           TLS 1.2 suites, an OpenSSL cipher string (default:
                            Python's); e.g. DEFAULT adds the HMAC-SHA1 suites
      --dhparam F|auto      DH parameters for DHE suites (a PEM file), or
                            auto: chosen by the key's strength, as s_server
      --trace               print each connection's handshake ladder
`;

const DEMO_OPTIONS = `  demo                      handshakes in memory and against node:tls, with ladders
`;

export const USAGE = `usage: ssl-ts <command> [options]

commands:
${DEMO_OPTIONS}${CLIENT_OPTIONS}${SERVER_OPTIONS}
  -h, --help                show this text; ssl-ts COMMAND --help shows one command's
`;

const COMMANDS: Record<string, { synopsis: string; help: string }> = {
  demo: { synopsis: 'ssl-ts demo', help: DEMO_OPTIONS },
  client: { synopsis: 'ssl-ts client HOST:PORT [options]', help: CLIENT_OPTIONS },
  server: { synopsis: 'ssl-ts server [options]', help: SERVER_OPTIONS },
};

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
  const known = COMMANDS[command];
  if (!known) {
    process.stderr.write(`ssl-ts: unknown command '${command}'; usage: ssl-ts <command> [options] (ssl-ts --help)\n`);
    return 2;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(`usage: ${known.synopsis}\n\n${known.help}`);
    return 0;
  }
  try {
    switch (command) {
      case 'demo':
        if (rest.length > 0) throw new UsageError(`demo takes no arguments: ${rest.join(' ')}`);
        return await runDemo();
      case 'client':
        return await runClient(rest);
      default:
        return await runServer(rest);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      // One line: what is wrong, and where the options are.
      process.stderr.write(`ssl-ts ${command}: ${e.message}; usage: ${known.synopsis} (ssl-ts ${command} --help)\n`);
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
