// keylogFilename (SSLKEYLOGFILE): our NSS key log lines must be exactly the
// ones node:tls (OpenSSL) logs for the same connection, in TLS 1.3 and 1.2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureText, startNodeTlsServer } from '../helpers/peers.js';
import { connectOurs, ourClientContext } from '../helpers/ours.js';

const T = { timeout: 20000 };

for (const versions of ['tls13', 'tls12'] as const) {
  test(`key log lines equal node:tls's (${versions})`, T, async () => {
    const nodeLines: string[] = [];
    const srv = await startNodeTlsServer(
      { key: fixtureText('leaf-ecdsa-p256.key'), cert: fixtureText('leaf-ecdsa-p256-chain.pem') },
      (s) => s.pipe(s),
    );
    srv.server.on('keylog', (line: Buffer) => nodeLines.push(line.toString().trim()));
    const file = join(mkdtempSync(join(tmpdir(), 'ssl-ts-keylog-')), 'keys.log');
    const ctx = ourClientContext({ versions });
    ctx.keylogFilename = file;
    const ours = await connectOurs(srv.port, ctx);
    try {
      await ours.pump.handshake();
      await ours.pump.write('x');
      await ours.pump.readExactly(1);
      await ours.pump.close();
      const ourLines = readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
      assert.equal(ourLines.length, versions === 'tls13' ? 5 : 1);
      assert.deepEqual([...ourLines].sort(), [...nodeLines].sort());
    } finally {
      ours.pump.destroy();
      await srv.stop();
    }
  });
}
