// Run as a child process by key-exchange.test.ts: the loops that froze node 20
// when X25519 shares came from generateKeyPairSync + a JWK export (issue 8).
// Prints "done" when both loops finish; a freeze shows as a watchdog timeout.
import { createKeyShare } from '../../src/crypto/key-exchange.js';
import { MemoryBIO, PROTOCOL_TLS_CLIENT, SSLContext, SSLWantReadError } from '../../src/index.js';

const rounds = Number(process.argv[2] ?? 20000);

// 1. Key shares alone: the allocations of the share itself are the pressure.
for (let i = 0; i < rounds; i++) {
  const share = createKeyShare(i % 7 === 0 ? 0x1e : 0x1d);
  if (i % 2 === 0) share.derive(share.publicKey);
}

// 2. Client first flights with some garbage beside them.
const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
let junk: number[][] = [];
for (let i = 0; i < rounds; i++) {
  const tls = ctx.wrapBio(new MemoryBIO(), new MemoryBIO(), { serverHostname: 'localhost' });
  try {
    tls.doHandshake();
  } catch (e) {
    if (!(e instanceof SSLWantReadError)) throw e;
  }
  for (let j = 0; j < 20; j++) junk.push(new Array(50).fill(j));
  if (junk.length > 50000) junk = [];
}
process.stdout.write('done\n');
