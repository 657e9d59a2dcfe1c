import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startClient } from '../../src/tls/handshake-client13.js';
import { ferry, pair } from './engine-helpers.js';

test('engine: client and server complete a TLS 1.3 handshake in memory', () => {
  const { client, server } = pair();
  client.begin(startClient);
  for (let i = 0; i < 5 && !(client.handshakeDone && server.handshakeDone); i++) {
    ferry(client, server);
    ferry(server, client);
  }
  assert.equal(client.handshakeDone, true);
  assert.equal(server.handshakeDone, true);
  client.sendApp(Buffer.from('hello'));
  ferry(client, server);
  assert.equal(Buffer.from(server.readApp(100)).toString(), 'hello');
  ferry(server, client);
  assert.equal(client.tickets.length, 2);
});
