// The security level on the chain a handshake sends (OpenSSL's ssl_add_cert_chain): a leaf that
// loads fine but whose issuer, added from the verify store by automatic chain building, has a
// 1024-bit key ends the handshake with internal_error and CA_KEY_TOO_SMALL on our side. Python's
// server (OpenSSL) with the same files before the same openssl s_client is the reference.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CERT_REQUIRED, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLContext, SSLError } from '../../src/index.js';
import { acceptOurs, connectOurs } from '../helpers/ours.js';
import { fixture, listenTcp, runOpensslClient, startOpensslServer, type TcpListener, withTimeout } from '../helpers/peers.js';

const T = { timeout: 60000 };
let dir: string;
const f = (name: string): string => join(dir, name);

const PY_SERVER = `
import socket, ssl, sys
cert, key, store = sys.argv[1:4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
ctx.load_verify_locations(store)
srv = socket.create_server(('127.0.0.1', 0))
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
try:
    ctx.wrap_socket(conn, server_side=True).close()
    print('ok', flush=True)
except ssl.SSLError as e:
    print(e.reason, flush=True)
`;

describe('security level on the chain being sent', () => {
  let l: TcpListener;
  before(async () => {
    l = await listenTcp();
    dir = mkdtempSync(join(tmpdir(), 'ssl-ts-chainsec-'));
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', 'weak-ca.key']);
    run(['req', '-x509', '-new', '-key', 'weak-ca.key', '-subj', '/CN=weak ca', '-days', '30', '-out', 'weak-ca.pem', '-addext', 'basicConstraints=critical,CA:TRUE']);
    for (const name of ['leaf', 'client']) {
      run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
      run(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name === 'leaf' ? 'localhost' : 'client'}`, '-out', `${name}.csr`]);
      run(['x509', '-req', '-in', `${name}.csr`, '-CA', 'weak-ca.pem', '-CAkey', 'weak-ca.key', '-set_serial', name === 'leaf' ? '5' : '6', '-days', '30', '-out', `${name}.pem`]);
    }
  });
  after(async () => {
    await l.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const version of ['-tls1_3', '-tls1_2']) {
    test(`server (${version}): CA_KEY_TOO_SMALL here, internal_error at openssl s_client, as Python's server`, T, async () => {
      const py = spawn('python3', ['-c', PY_SERVER, f('leaf.pem'), f('leaf.key'), f('weak-ca.pem')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      py.stdout.on('data', (d) => (out += d));
      const done = new Promise<void>((r) => py.on('close', () => r()));
      let theirs: { reason: string; client: string };
      try {
        await withTimeout(
          (async () => {
            while (!out.includes('\n')) await new Promise((r) => setTimeout(r, 20));
          })(),
          15000,
          'python server port',
        );
        const r = await runOpensslClient(Number(out.split('\n')[0]), [version], '', { ignEof: false });
        await withTimeout(done, 15000, 'python server end');
        theirs = { reason: out.split('\n')[1]!, client: r.stderr };
      } finally {
        py.kill();
      }
      assert.equal(theirs.reason, 'CA_KEY_TOO_SMALL');
      assert.match(theirs.client, /alert internal error/);

      const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
      ctx.loadCertChain(f('leaf.pem'), f('leaf.key')); // the leaf alone passes
      ctx.loadVerifyLocations({ cafile: f('weak-ca.pem') });
      const served = (async () => {
        const sock = await l.accept();
        const { pump } = acceptOurs(sock, ctx);
        try {
          await pump.handshake();
          return null;
        } catch (e) {
          return e;
        } finally {
          sock.destroy();
        }
      })();
      const r = await runOpensslClient(l.port, [version], '', { ignEof: false });
      const err = await served;
      assert.ok(err instanceof SSLError && err.reason === 'CA_KEY_TOO_SMALL' && err.errno === 1, String(err));
      assert.match(r.stderr, /alert internal error/);
    });
  }

  test('client: a certificate request answered with a chain below the level (openssl s_server -Verify)', T, async () => {
    const srv = await startOpensslServer(['-naccept', '1', '-Verify', '1', '-cert', fixture('leaf-ecdsa-p256.pem'), '-key', fixture('leaf-ecdsa-p256.key'), '-cert_chain', fixture('inter.pem'), '-CAfile', f('weak-ca.pem')]);
    const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
    ctx.loadVerifyLocations({ cafile: fixture('ca.pem') });
    ctx.loadVerifyLocations({ cafile: f('weak-ca.pem') });
    ctx.loadCertChain(f('client.pem'), f('client.key'));
    assert.equal(ctx.verifyMode, CERT_REQUIRED);
    const ours = await connectOurs(srv.port, ctx);
    try {
      await assert.rejects(ours.pump.handshake(), (e: unknown) => e instanceof SSLError && e.reason === 'CA_KEY_TOO_SMALL');
      assert.match(await srv.finished(), /internal error/);
    } finally {
      ours.pump.destroy();
      await srv.stop();
    }
  });
});
