// node:tls peer in its own process, so that the RSS measured by the tests is
// ssl-ts's alone.
//   node node-tls-peer.mjs server KEY CERT        echo server; prints "PORT n"
//   node node-tls-peer.mjs client PORT CA BYTES   sends BYTES of the shared
//     pattern with backpressure, checks the echo, prints "RESULT {json}"
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { pathToFileURL } from 'node:url';

/** The byte stream both sides agree on: a pseudo-random block repeated. */
export function makePattern() {
  const p = Buffer.allocUnsafe((1 << 20) + 13); // odd length: never aligned with chunk sizes
  let x = 0x2545f491;
  for (let i = 0; i < p.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    p[i] = x >>> 24;
  }
  return p;
}

/** Does `chunk` equal the pattern stream at `offset`? */
export function matches(pattern, chunk, offset) {
  let at = offset % pattern.length;
  let i = 0;
  while (i < chunk.length) {
    const n = Math.min(chunk.length - i, pattern.length - at);
    if (Buffer.compare(chunk.subarray(i, i + n), pattern.subarray(at, at + n)) !== 0) return false;
    i += n;
    at = 0;
  }
  return true;
}

/** Write `total` bytes of the pattern to `w`, honouring backpressure. */
export function sendPattern(pattern, w, total, done) {
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      const at = sent % pattern.length;
      const n = Math.min(64 * 1024, total - sent, pattern.length - at);
      sent += n;
      if (!w.write(pattern.subarray(at, at + n))) {
        w.once('drain', pump);
        return;
      }
    }
    done();
  };
  pump();
}

const main = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
const [, , role, ...args] = main ? process.argv : [];
if (role === 'server') {
  const [key, cert] = args;
  const server = tls.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  server.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
} else if (role === 'client') {
  const [port, ca, bytes] = args;
  const total = Number(bytes);
  const pattern = makePattern();
  const s = tls.connect({ host: '127.0.0.1', port: Number(port), servername: 'localhost', ca: readFileSync(ca) });
  let received = 0;
  let ok = true;
  const started = Date.now();
  s.on('secureConnect', () => sendPattern(pattern, s, total, () => {}));
  s.on('data', (d) => {
    if (ok && !matches(pattern, d, received)) ok = false;
    received += d.length;
    if (received >= total) s.end();
  });
  s.on('close', () => {
    console.log(`RESULT ${JSON.stringify({ ok: ok && received === total, received, ms: Date.now() - started })}`);
  });
  s.on('error', (e) => {
    console.log(`RESULT ${JSON.stringify({ ok: false, error: String(e) })}`);
    process.exit(1);
  });
}
