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

describe('SSLContext._msgCallback', () => {
  test('setter takes a function or null', () => {
    const c = new SSLContext(PROTOCOL_TLS_CLIENT);
    assert.equal(c._msgCallback, null);
    const cb = () => undefined;
    c._msgCallback = cb;
    assert.equal(c._msgCallback, cb);
    assert.throws(() => (c._msgCallback = {} as never), TypeError);
    c._msgCallback = null;
    assert.equal(c._msgCallback, null);
  });

  for (const [label, max] of [['TLS 1.2', TLSVersion.TLSv1_2], ['TLS 1.3', TLSVersion.TLSv1_3]] as const) {
    test(`reports what OpenSSL under Python reports (${label}, handshake, CCS)`, () => {
      const code = `import ssl, json
C = ${JSON.stringify(CERTDATA)}
cc = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); cc.load_verify_locations(C + 'pycacert.pem'); cc.maximum_version = ssl.TLSVersion(${max})
sc = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); sc.load_cert_chain(C + 'keycert3.pem')
log = []
cc._msg_callback = lambda conn, d, v, ct, mt, data: log.append([d, int(v), int(ct), int(mt), len(data)]) if int(ct) in (20, 21, 22) else None
a, b, c, d = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
cl = cc.wrap_bio(a, b, server_hostname='localhost'); sv = sc.wrap_bio(c, d, server_side=True)
for i in range(4):
    for o, src, dst in ((cl, b, c), (sv, d, a)):
        try: o.do_handshake()
        except ssl.SSLWantReadError: pass
        dst.write(src.read())
print(json.dumps(log))`;
      const expected = (JSON.parse(execFileSync('python3', ['-c', code]).toString()) as [string, number, number, number, number][])
        .map(([d, v, ct, mt]) => [d, v, ct, mt]);
      const client = new SSLContext(PROTOCOL_TLS_CLIENT);
      client.loadVerifyLocations({ cafile: CERTDATA + 'pycacert.pem' });
      client.maximumVersion = max;
      const server = new SSLContext(PROTOCOL_TLS_SERVER);
      server.loadCertChain(CERTDATA + 'keycert3.pem');
      const log: unknown[][] = [];
      const conns = new Set<unknown>();
      client._msgCallback = (conn, d, v, ct, mt, data) => {
        conns.add(conn);
        assert.ok(data instanceof Uint8Array);
        log.push([d, v, ct, mt]);
      };
      const cIn = new MemoryBIO(), cOut = new MemoryBIO(), sIn = new MemoryBIO(), sOut = new MemoryBIO();
      const c = client.wrapBio(cIn, cOut, { serverHostname: 'localhost' });
      const s = server.wrapBio(sIn, sOut, { serverSide: true });
      for (let i = 0; i < 4; i++) {
        try { c.doHandshake(); } catch (e) { if (!(e instanceof SSLWantReadError)) throw e; }
        sIn.write(cOut.read());
        try { s.doHandshake(); } catch (e) { if (!(e instanceof SSLWantReadError)) throw e; }
        cIn.write(sOut.read());
      }
      // Messages whose presence does not depend on the implementation: same order, same fields.
      const key = (e: unknown[]) => JSON.stringify(e);
      const common = expected.filter((e) => log.some((l) => key(l) === key(e)));
      assert.ok(common.length >= (max === TLSVersion.TLSv1_2 ? 9 : 6), JSON.stringify({ expected, log }));
      assert.ok(log.some((l) => key(l) === key(['read', 0x0303, 22, 12])) || max !== TLSVersion.TLSv1_2, 'SERVER_KEY_EXCHANGE');
      assert.ok(log.some((l) => key(l) === key(['write', max === TLSVersion.TLSv1_2 ? 0x0303 : 0x0304, 20, 257])), 'CHANGE_CIPHER_SPEC');
      assert.deepEqual([...conns], [c]);
    });
  }

  test('an exception in the callback surfaces from the SSL call', () => {
    const client = new SSLContext(PROTOCOL_TLS_CLIENT);
    const boom = new Error('from the callback');
    client._msgCallback = () => {
      throw boom;
    };
    const obj = client.wrapBio(new MemoryBIO(), new MemoryBIO(), { serverHostname: 'localhost' });
    assert.throws(() => obj.doHandshake(), (e) => e === boom);
  });
});

test('certificates found in capath during a handshake appear in getCaCerts() afterwards (test_get_ca_certs_capath)', () => {
  const client = new SSLContext(PROTOCOL_TLS_CLIENT);
  client.loadVerifyLocations({ capath: CERTDATA + 'capath' });
  assert.deepEqual(client.getCaCerts(), []);
  const server = new SSLContext(PROTOCOL_TLS_SERVER);
  server.loadCertChain(CERTDATA + 'keycert3.pem');
  const cIn = new MemoryBIO(), cOut = new MemoryBIO(), sIn = new MemoryBIO(), sOut = new MemoryBIO();
  const c = client.wrapBio(cIn, cOut, { serverHostname: 'localhost' });
  const s = server.wrapBio(sIn, sOut, { serverSide: true });
  for (let i = 0; i < 4; i++) {
    try { c.doHandshake(); } catch (e) { if (!(e instanceof SSLWantReadError)) throw e; }
    sIn.write(cOut.read());
    try { s.doHandshake(); } catch (e) { if (!(e instanceof SSLWantReadError)) throw e; }
    cIn.write(sOut.read());
  }
  assert.ok(c.getPeerCert());
  const cas = client.getCaCerts();
  assert.equal(cas.length, 1);
  assert.match(JSON.stringify(cas[0]!.subject), /Python Software Foundation CA/);
  assert.equal(client.certStoreStats().x509_ca, 1);
});
