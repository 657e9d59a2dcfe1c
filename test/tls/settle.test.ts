// After the handshake a connection keeps only what it still needs
// (connection.ts, settle()): no transcript messages, and the values kept for
// the API in their own memory rather than as views into whole flights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Connection } from '../../src/tls/connection.js';
import { startClient } from '../../src/tls/handshake-client13.js';
import { ferry, pair, pemCerts } from './engine-helpers.js';

function handshake(client: Connection, server: Connection): void {
  client.begin(startClient);
  for (let i = 0; i < 10 && !(client.handshakeDone && server.handshakeDone); i++) {
    ferry(client, server);
    ferry(server, client);
  }
  assert.ok(client.handshakeDone && server.handshakeDone);
}

const ownMemory = (b: Uint8Array | null): boolean => b !== null && b.byteOffset === 0 && b.buffer.byteLength === b.length;

for (const version of [0x0304, 0x0303]) {
  test(`TLS ${version === 0x0304 ? '1.3' : '1.2'}: settled state after the handshake, and the connection still works`, () => {
    const { client, server } = pair({ minVersion: version, maxVersion: version }, { minVersion: version, maxVersion: version });
    handshake(client, server);
    ferry(server, client); // tickets
    const leaf = pemCerts('leaf-ecdsa-p256-chain.pem')[0]!;
    for (const c of [client, server]) {
      assert.equal(c.transcript.messages.length, 0, 'transcript messages released');
      assert.ok(ownMemory(c.negotiated.clientFinished), 'clientFinished copied out');
      assert.ok(ownMemory(c.negotiated.serverFinished), 'serverFinished copied out');
    }
    assert.deepEqual(Buffer.from(client.negotiated.peerCertificates[0]!), Buffer.from(leaf));
    assert.ok(client.negotiated.peerCertificates.every(ownMemory), 'peer certificates copied out of the flight');
    assert.deepEqual(client.negotiated.clientFinished, server.negotiated.clientFinished);
    assert.deepEqual(client.negotiated.serverFinished, server.negotiated.serverFinished);
    // Data both ways afterwards.
    for (const [from, to] of [[client, server], [server, client]] as const) {
      const data = randomBytes(40000);
      from.sendApp(data);
      ferry(from, to);
      const parts: Uint8Array[] = [];
      while (to.appPending > 0) parts.push(to.readApp(to.appPending));
      assert.deepEqual(Buffer.concat(parts), data);
    }
  });
}
