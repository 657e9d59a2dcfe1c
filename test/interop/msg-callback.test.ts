// Python's SSLContext._msg_callback against the trace OpenSSL gives under Python for the same
// exchange with the same peer: record headers (_TLSContentType.HEADER, 0x100), TLS 1.3 inner
// content types (INNER_CONTENT_TYPE, 0x101), handshake messages, ChangeCipherSpec and alerts.
// The peer is Python's ssl over loopback. Everything the peer sent must be reported exactly
// as Python reports it (same events, versions, types and lengths); what we write is compared
// message by message, since ssl-ts packs a flight's messages in one record where OpenSSL
// writes one record each.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLContext, TLSVersion } from '../../src/index.js';
import { acceptOurs, connectOurs } from '../helpers/ours.js';
import { listenTcp, type TcpListener, withTimeout } from '../helpers/peers.js';
import { execFileSync } from 'node:child_process';

const CERTDATA = `${execFileSync('python3', ['-c', 'import test,os;print(os.path.dirname(test.__file__))']).toString().trim()}/certdata/`;

/** [direction, version, content type, message type, length of data] */
type Ev = [string, number, number, number, number];

const HEADER = 0x100;
const INNER = 0x101;

// One exchange: handshake, the client writes b'hello', the server answers b'x', both close
// without close_notify (Python's close() sends none).
const PY_PEER = `
import json, socket, ssl, sys
role, maxv, port, certdata, log_role = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
log = []
def cb(conn, direction, version, content_type, msg_type, data):
    log.append([direction, int(version), int(content_type), int(msg_type), len(data)])
if role == 'server':
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(certdata + 'keycert3.pem')
    srv = socket.create_server(('127.0.0.1', port))
    print(srv.getsockname()[1], flush=True)
    if log_role == 'server':
        ctx._msg_callback = cb
    conn, _ = srv.accept()
    s = ctx.wrap_socket(conn, server_side=True)
    assert s.recv(5) == b'hello'
    s.sendall(b'x')
    s.close()
else:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(certdata + 'pycacert.pem')
    ctx.maximum_version = getattr(ssl.TLSVersion, maxv)
    if log_role == 'client':
        ctx._msg_callback = cb
    s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='localhost')
    s.sendall(b'hello')
    assert s.recv(1) == b'x'
    s.close()
print(json.dumps(log), flush=True)
`;

function startPython(args: string[]): { lines: () => string[]; done: Promise<void>; kill: () => void; err: () => string } {
  const py = spawn('python3', ['-c', PY_PEER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  py.stdout.on('data', (d) => (out += d));
  py.stderr.on('data', (d) => (err += d));
  const done = new Promise<void>((r) => py.on('close', () => r()));
  return { lines: () => out.split('\n').filter((l) => l !== ''), done, kill: () => py.kill(), err: () => err };
}

async function waitLines(p: { lines: () => string[] }, n: number): Promise<void> {
  await withTimeout(
    (async () => {
      while (p.lines().length < n) await new Promise((r) => setTimeout(r, 20));
    })(),
    20000,
    'python peer output',
  );
}

function logger(log: Ev[]): SSLContext['_msgCallback'] {
  return (_conn, direction, version, contentType, msgType, data) => {
    log.push([direction, version, contentType, msgType, data.length]);
  };
}

/** Python server, Python client, logging `role`: the reference trace. */
async function reference(role: 'client' | 'server', maxv: string): Promise<Ev[]> {
  const server = startPython(['server', maxv, '0', CERTDATA, role]);
  try {
    await waitLines(server, 1);
    const port = server.lines()[0]!;
    const client = startPython(['client', maxv, port, CERTDATA, role]);
    try {
      await withTimeout(Promise.all([client.done, server.done]), 20000, 'python pair');
      const from = role === 'server' ? server.lines()[1] : client.lines()[0];
      assert.ok(from, `no trace: ${server.err()} ${client.err()}`);
      return JSON.parse(from) as Ev[];
    } finally {
      client.kill();
    }
  } finally {
    server.kill();
  }
}

async function ourClient(maxv: string): Promise<Ev[]> {
  const server = startPython(['server', maxv, '0', CERTDATA, 'none']);
  try {
    await waitLines(server, 1);
    const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
    ctx.loadVerifyLocations({ cafile: `${CERTDATA}pycacert.pem` });
    ctx.maximumVersion = TLSVersion[maxv as 'TLSv1_2'];
    const log: Ev[] = [];
    ctx._msgCallback = logger(log);
    const { pump, sock } = await connectOurs(Number(server.lines()[0]), ctx);
    try {
      await pump.handshake();
      await pump.write('hello');
      assert.equal(Buffer.from(await pump.readExactly(1)).toString(), 'x');
    } finally {
      sock.destroy();
    }
    await withTimeout(server.done, 20000, `python server: ${server.err()}`);
    return log;
  } finally {
    server.kill();
  }
}

async function ourServer(l: TcpListener, maxv: string): Promise<Ev[]> {
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.loadCertChain(`${CERTDATA}keycert3.pem`);
  const log: Ev[] = [];
  ctx._msgCallback = logger(log);
  const client = startPython(['client', maxv, String(l.port), CERTDATA, 'none']);
  try {
    const sock = await l.accept();
    const { pump } = acceptOurs(sock, ctx);
    try {
      await pump.handshake();
      assert.equal(Buffer.from(await pump.readExactly(5)).toString(), 'hello');
      await pump.write('x');
      await pump.endStream();
    } finally {
      sock.destroy();
    }
    await withTimeout(client.done, 20000, `python client: ${client.err()}`);
    return log;
  } finally {
    client.kill();
  }
}

const side = (log: Ev[], d: string) => log.filter((e) => e[0] === d);
/** Without the lengths of what depends on our own ClientHello (its record and the message itself). */
const shape = (log: Ev[]) => log.map(([d, v, ct, mt]) => [d, v, ct, mt]);

/**
 * What we wrote, checked against OpenSSL's rules rather than its record boundaries: the same
 * messages in the same order, and before each one a header of the record carrying it (with the
 * inner type in TLS 1.3 protected records), in the record's own version and type.
 */
function assertWrites(ours: Ev[], theirs: Ev[]): void {
  const messages = (log: Ev[]) => shape(log.filter((e) => e[2] !== HEADER && e[2] !== INNER));
  assert.deepEqual(messages(ours), messages(theirs));
  let record: { type: number; inner: number | null } | null = null;
  for (const [i, e] of ours.entries()) {
    if (e[2] === HEADER) {
      assert.equal(e[4], 5);
      record = { type: e[3], inner: null };
      continue;
    }
    if (e[2] === INNER) {
      assert.ok(record && record.type === 23 && record.inner === null, `inner type after a protected record header (${i})`);
      assert.equal(e[1], 0x0303, 'a written inner type carries the record version');
      record.inner = e[3];
      continue;
    }
    assert.ok(record, `message ${i} before any record header`);
    assert.equal(record.inner ?? record.type, e[2], `message ${i} in a record of its type`);
  }
}

describe('SSLContext._msgCallback: record headers and inner content types, as OpenSSL under Python', () => {
  let l: TcpListener;
  before(async () => {
    l = await listenTcp();
  });
  after(() => l.close());

  for (const maxv of ['TLSv1_3', 'TLSv1_2']) {
    test(`our client vs Python's client, same Python server (${maxv})`, async () => {
      const theirs = await reference('client', maxv);
      const ours = await ourClient(maxv);
      assert.ok(theirs.some((e) => e[2] === HEADER) && (maxv === 'TLSv1_2' || theirs.some((e) => e[2] === INNER)));
      // What the server sent, as read: exactly Python's events, lengths included.
      assert.deepEqual(side(ours, 'read'), side(theirs, 'read'));
      // What we wrote: the same events in the same records as OpenSSL's client.
      assert.deepEqual(shape(side(ours, 'write')), shape(side(theirs, 'write')));
      assertWrites(side(ours, 'write'), side(theirs, 'write'));
    });

    test(`our server vs Python's server, same Python client (${maxv})`, async () => {
      const theirs = await reference('server', maxv);
      const ours = await ourServer(l, maxv);
      // The client's ClientHello is the same bytes: read side exact.
      assert.deepEqual(side(ours, 'read'), side(theirs, 'read'));
      assertWrites(side(ours, 'write'), side(theirs, 'write'));
    });
  }
});
