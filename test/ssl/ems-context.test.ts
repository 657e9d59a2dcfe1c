// Extended master secret through the SSLContext API (issue 9): the option bit,
// the strict attribute, and what depends on the flag (tls-exporter binding).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBIO, OP_NO_EXTENDED_MASTER_SECRET, SSLError, TLSVersion } from '../../src/index.js';
import { ourClientContext, ourServerContext } from '../helpers/ours.js';
import { pumpMemory } from '../helpers/pump.js';

function connect(client: ReturnType<typeof ourClientContext>, server: ReturnType<typeof ourServerContext>) {
  const a = { incoming: new MemoryBIO(), outgoing: new MemoryBIO() };
  const b = { incoming: new MemoryBIO(), outgoing: new MemoryBIO() };
  const c = client.wrapBio(a.incoming, a.outgoing, { serverHostname: 'localhost' });
  const s = server.wrapBio(b.incoming, b.outgoing, { serverSide: true });
  pumpMemory({ obj: c, ...a }, { obj: s, ...b });
  return { c, s };
}

for (const [label, clientBits, serverBits, ems] of [
  ['both default', 0, 0, true],
  ['client OP_NO_EXTENDED_MASTER_SECRET', OP_NO_EXTENDED_MASTER_SECRET, 0, false],
  ['server OP_NO_EXTENDED_MASTER_SECRET', 0, OP_NO_EXTENDED_MASTER_SECRET, false],
] as Array<[string, number, number, boolean]>) {
  test(`TLS 1.2, ${label}: EMS ${ems}, tls-exporter binding ${ems ? 'present' : 'withheld (RFC 9266)'}`, () => {
    const client = ourClientContext({ versions: 'tls12' });
    const server = ourServerContext({ versions: 'tls12' });
    client.options |= clientBits;
    server.options |= serverBits;
    const { c, s } = connect(client, server);
    assert.equal(c.handshakeInfo().extendedMasterSecret, ems);
    assert.equal(s.handshakeInfo().extendedMasterSecret, ems);
    const cb = c.getChannelBinding('tls-exporter');
    assert.equal(cb === null, !ems);
    if (cb) assert.deepEqual(cb, s.getChannelBinding('tls-exporter'));
    assert.equal(c.getChannelBinding('tls-unique')?.length, 12);
  });
}

test('requireExtendedMasterSecret refuses a peer with OP_NO_EXTENDED_MASTER_SECRET, and TLS 1.3 is unaffected', () => {
  const client = ourClientContext({ versions: 'tls12' });
  const server = ourServerContext({ versions: 'tls12' });
  client.requireExtendedMasterSecret = true;
  server.options |= OP_NO_EXTENDED_MASTER_SECRET;
  assert.throws(() => connect(client, server), (e: unknown) => e instanceof SSLError && e.reason === 'INCONSISTENT_EXTMS');
  const c13 = ourClientContext({ versions: 'any' });
  c13.requireExtendedMasterSecret = true;
  const s13 = ourServerContext({ versions: 'any' });
  s13.options |= OP_NO_EXTENDED_MASTER_SECRET;
  const { c } = connect(c13, s13);
  assert.equal(c.version(), 'TLSv1.3');
  assert.equal(c13.maximumVersion, TLSVersion.MAXIMUM_SUPPORTED);
});
