// Small Python parity items: DeprecationWarnings with CPython's texts, PROTOCOL_TLSv1*,
// RAND_*, minimum/maximum_version read-back, ALPN without overlap, read(len, buffer).
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  MemoryBIO,
  OP_NO_TLSv1,
  OP_NO_TLSv1_3,
  PROTOCOL_TLS,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  PROTOCOL_TLSv1,
  PROTOCOL_TLSv1_1,
  PROTOCOL_TLSv1_2,
  RAND_add,
  RAND_bytes,
  RAND_pseudo_bytes,
  RAND_status,
  SSLContext,
  SSLError,
  SSLWantReadError,
  TLSVersion,
  ValueError,
} from '../../src/index.js';

const CERTDATA = execFileSync('python3', ['-c', 'import test,os;print(os.path.dirname(test.__file__))']).toString().trim() + '/certdata/';

/** CPython's warnings for a snippet, as printed by `python3 -W always`. */
function pythonWarnings(code: string): string[] {
  const r = execFileSync('python3', ['-W', 'always', '-c', `import ssl, warnings\nwith warnings.catch_warnings(record=True) as w:\n  warnings.simplefilter('always')\n${code.split('\n').map((l) => '  ' + l).join('\n')}\nprint('\\n'.join(f'{x.category.__name__}: {x.message}' for x in w))`]).toString();
  return r.split('\n').filter((l) => l.length > 0);
}

describe('DeprecationWarnings, as CPython 3.11 emits them', () => {
  let seen: string[] = [];
  const listener = (w: Error): void => {
    seen.push(`${w.name}: ${w.message}`);
  };
  beforeEach(() => {
    seen = [];
    process.on('warning', listener);
  });
  afterEach(() => {
    process.off('warning', listener);
  });
  const flush = () => new Promise<void>((r) => setImmediate(r)); // warnings are emitted on the next tick

  const cases: [string, () => void, string][] = [
    ['SSLContext() without protocol', () => new SSLContext(), 'ssl.SSLContext()'],
    ['PROTOCOL_TLS', () => new SSLContext(PROTOCOL_TLS), 'ssl.SSLContext(ssl.PROTOCOL_TLS)'],
    ['PROTOCOL_TLSv1', () => new SSLContext(PROTOCOL_TLSv1), 'ssl.SSLContext(ssl.PROTOCOL_TLSv1)'],
    ['PROTOCOL_TLSv1_1', () => new SSLContext(PROTOCOL_TLSv1_1), 'ssl.SSLContext(ssl.PROTOCOL_TLSv1_1)'],
    ['PROTOCOL_TLSv1_2', () => new SSLContext(PROTOCOL_TLSv1_2), 'ssl.SSLContext(ssl.PROTOCOL_TLSv1_2)'],
    ['PROTOCOL_TLS_CLIENT (none)', () => new SSLContext(PROTOCOL_TLS_CLIENT), 'ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)'],
    ['OP_NO_TLSv1 set', () => { const c = new SSLContext(PROTOCOL_TLS_CLIENT); c.options |= OP_NO_TLSv1; }, 'c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\nc.options |= ssl.OP_NO_TLSv1'],
    ['OP_NO_TLSv1_3 cleared (none)', () => { const c = new SSLContext(PROTOCOL_TLS_CLIENT); c.options &= ~OP_NO_TLSv1_3; }, 'c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\nc.options &= ~ssl.OP_NO_TLSv1_3'],
    ['minimum TLSv1', () => { new SSLContext(PROTOCOL_TLS_CLIENT).minimumVersion = TLSVersion.TLSv1; }, 'ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).minimum_version = ssl.TLSVersion.TLSv1'],
    ['maximum TLSv1_1', () => { new SSLContext(PROTOCOL_TLS_CLIENT).maximumVersion = TLSVersion.TLSv1_1; }, 'ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).maximum_version = ssl.TLSVersion.TLSv1_1'],
    ['minimum TLSv1_2 (none)', () => { new SSLContext(PROTOCOL_TLS_CLIENT).minimumVersion = TLSVersion.TLSv1_2; }, 'ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).minimum_version = ssl.TLSVersion.TLSv1_2'],
    ['RAND_pseudo_bytes', () => RAND_pseudo_bytes(4), 'ssl.RAND_pseudo_bytes(4)'],
  ];
  for (const [name, ours, python] of cases) {
    test(name, async () => {
      ours();
      await flush();
      assert.deepEqual(seen, pythonWarnings(python));
    });
  }
});

test('PROTOCOL_TLSv1 contexts read back as Python and cannot connect', () => {
  const c = new SSLContext(PROTOCOL_TLSv1);
  assert.equal(c.protocol, 3);
  assert.equal(c.minimumVersion, TLSVersion.MINIMUM_SUPPORTED);
  assert.equal(c.maximumVersion, TLSVersion.MAXIMUM_SUPPORTED);
  assert.throws(() => (c.minimumVersion = TLSVersion.TLSv1_2), ValueError);
  const obj = c.wrapBio(new MemoryBIO(), new MemoryBIO());
  assert.throws(() => obj.doHandshake(), (e: SSLError) => e.reason === 'NO_PROTOCOLS_AVAILABLE');
});

test('minimum/maximum_version MINIMUM_SUPPORTED / MAXIMUM_SUPPORTED read back as in Python', () => {
  const py = JSON.parse(
    execFileSync('python3', ['-c', `import ssl, json
c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
r = []
for a, b in [('MINIMUM_SUPPORTED', 'MAXIMUM_SUPPORTED'), ('MAXIMUM_SUPPORTED', 'MINIMUM_SUPPORTED')]:
    c.minimum_version = getattr(ssl.TLSVersion, a); c.maximum_version = getattr(ssl.TLSVersion, b)
    r.append([int(c.minimum_version), int(c.maximum_version)])
print(json.dumps(r))`]).toString(),
  ) as number[][];
  const c = new SSLContext(PROTOCOL_TLS_CLIENT);
  const ours: number[][] = [];
  for (const [a, b] of [
    [TLSVersion.MINIMUM_SUPPORTED, TLSVersion.MAXIMUM_SUPPORTED],
    [TLSVersion.MAXIMUM_SUPPORTED, TLSVersion.MINIMUM_SUPPORTED],
  ] as const) {
    c.minimumVersion = a;
    c.maximumVersion = b;
    ours.push([c.minimumVersion, c.maximumVersion]);
  }
  assert.deepEqual(ours, py);
});

test('RAND_bytes, RAND_status, RAND_add', () => {
  assert.equal(RAND_bytes(16).length, 16);
  assert.notDeepEqual(RAND_bytes(16), RAND_bytes(16));
  assert.equal(RAND_bytes(0).length, 0);
  assert.throws(() => RAND_bytes(-1), { name: 'ValueError', message: 'num must be positive' });
  assert.equal(RAND_status(), true);
  RAND_add('text', 1.0);
  RAND_add(Buffer.from('bytes'), 75);
  assert.throws(() => RAND_add(1 as unknown as string, 1), TypeError);
  assert.throws(() => RAND_add('x', 'y' as unknown as number), TypeError);
});

function memoryPair(alpnClient: string[], alpnServer: string[]) {
  const client = new SSLContext(PROTOCOL_TLS_CLIENT);
  client.loadVerifyLocations({ cafile: CERTDATA + 'pycacert.pem' });
  client.setAlpnProtocols(alpnClient);
  const server = new SSLContext(PROTOCOL_TLS_SERVER);
  server.loadCertChain(CERTDATA + 'keycert3.pem');
  server.setAlpnProtocols(alpnServer);
  const cIn = new MemoryBIO(), cOut = new MemoryBIO(), sIn = new MemoryBIO(), sOut = new MemoryBIO();
  const c = client.wrapBio(cIn, cOut, { serverHostname: 'localhost' });
  const s = server.wrapBio(sIn, sOut, { serverSide: true });
  const step = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof SSLWantReadError)) throw e;
    }
  };
  for (let i = 0; i < 4; i++) {
    step(() => c.doHandshake());
    sIn.write(cOut.read());
    step(() => s.doHandshake());
    cIn.write(sOut.read());
  }
  return { c, s, cIn, cOut, sIn, sOut };
}

test('server ALPN sharing nothing with the client: no ALPN, the handshake succeeds', () => {
  const { c, s } = memoryPair(['h2'], ['http/1.1']);
  assert.equal(c.version(), 'TLSv1.3');
  assert.equal(c.selectedAlpnProtocol(), null);
  assert.equal(s.selectedAlpnProtocol(), null);
});

test('read(len, buffer): len <= 0 or beyond the buffer means the buffer length (CPython)', () => {
  const { c, s, cIn, sOut } = memoryPair(['h2'], ['h2']);
  s.write(Buffer.from('0123456789'));
  cIn.write(sOut.read());
  const buf = new Uint8Array(4);
  assert.deepEqual(Buffer.from(c.read(-1, buf)).toString(), '0123');
  assert.equal(c.readInto(buf, 100), 4);
  assert.equal(Buffer.from(buf).toString(), '4567');
  assert.equal(c.readInto(buf, 0), 2);
  assert.throws(() => c.read(-1), ValueError);
});
