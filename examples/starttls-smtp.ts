// STARTTLS for SMTP (RFC 3207): the client speaks plain SMTP over TCP, says
// STARTTLS, and ssl-ts continues over the same socket (`connect({ socket })`).
// The small server here upgrades with node:tls when the client asks.
// Run: npx tsx examples/starttls-smtp.ts
import * as net from 'node:net';
import * as tls from 'node:tls';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'ssl-ts';
import type { Duplex } from 'node:stream';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

/** A line-at-a-time reader over any stream. */
function lines(stream: Duplex): () => Promise<string> {
  let buf = '';
  const waiting: Array<(l: string) => void> = [];
  const queued: string[] = [];
  const onData = (d: Buffer): void => {
    buf += d.toString('latin1');
    for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const w = waiting.shift();
      if (w) w(line);
      else queued.push(line);
    }
  };
  stream.on('data', onData);
  return () => new Promise((resolve) => (queued.length ? resolve(queued.shift()!) : waiting.push(resolve)));
}

// --- the server: greets, answers EHLO with STARTTLS, upgrades, then takes a message.
const server = net.createServer((sock) => {
  const say = (s: Duplex, line: string): void => void s.write(line + '\r\n');
  say(sock, '220 mail.example ESMTP ready');
  let plain = '';
  const onPlain = (d: Buffer): void => {
    plain += d.toString('latin1');
    if (plain.startsWith('EHLO') && plain.endsWith('\r\n')) {
      plain = '';
      say(sock, '250-mail.example\r\n250 STARTTLS');
    } else if (plain === 'STARTTLS\r\n') {
      sock.off('data', onPlain);
      say(sock, '220 go ahead');
      const secure = new tls.TLSSocket(sock, { isServer: true, key: fixture('leaf-ecdsa-p256.key'), cert: fixture('leaf-ecdsa-p256-chain.pem') });
      const next = lines(secure);
      void (async () => {
        for (;;) {
          const line = await next();
          if (line.startsWith('EHLO')) say(secure, '250 mail.example');
          else if (line.startsWith('QUIT')) { say(secure, '221 bye'); secure.end(); return; }
          else say(secure, `250 ok (${line.split(' ')[0]} over ${secure.getProtocol()})`);
        }
      })();
    }
  };
  sock.on('data', onPlain);
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');

// --- the client.
const sock = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1' });
await once(sock, 'connect');
const plainLine = lines(sock);
const send = (s: Duplex, line: string): void => void s.write(line + '\r\n');
console.log('S:', await plainLine());
send(sock, 'EHLO client.example');
console.log('S:', await plainLine(), '|', await plainLine());
send(sock, 'STARTTLS');
console.log('S:', await plainLine());
sock.removeAllListeners('data'); // from here on the bytes are TLS

const secure = connect({ socket: sock, servername: 'localhost', ca: fixture('ca.pem') });
await once(secure, 'secureConnect');
console.log(`TLS: ${secure.getProtocol()} ${secure.getCipher()?.name} authorized=${secure.authorized}`);
const secureLine = lines(secure);
send(secure, 'EHLO client.example');
console.log('S:', await secureLine());
send(secure, 'MAIL FROM:<a@client.example>');
console.log('S:', await secureLine());
send(secure, 'QUIT');
console.log('S:', await secureLine());
secure.end();
await once(secure, 'close');
server.close();
