// fixtures/chains over real handshakes: our client against `openssl s_server`
// presenting bad chains must fail with the X509_V_ERR code `openssl verify`
// gives (see test/x509/chains.test.ts) and send OpenSSL's alert for it; our
// server checks client certificates with Purpose CLIENT_AUTH.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SSLCertVerificationError, SSLContext, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, CERT_REQUIRED, TLSVersion, VerifyFlags } from '../../src/index.js';
import { FIXTURES_DIR, listenTcp, runOpensslClient, startOpensslServer } from '../helpers/peers.js';
import { acceptOurs, connectOurs, type Ours } from '../helpers/ours.js';
import { tempDir } from '../x509/helpers.js';

const T = { timeout: 20000 };
const ch = (name: string): string => join(FIXTURES_DIR, 'chains', name);

function alertText(output: string): string | undefined {
  return /:((?:sslv3|tlsv1|tlsv13) alert [a-z ]+):/.exec(output)?.[1];
}

async function settle<T>(p: Promise<T>): Promise<unknown> {
  return p.then(() => null, (e: unknown) => e);
}

const read = (f: string): string => readFileSync(f, 'utf8');

/** One PEM file holding the named certificates, for -cert_chain. */
function bundle(names: string[]): string {
  const p = join(tempDir(), 'bundle.pem');
  writeFileSync(p, names.map((n) => read(ch(`${n}.pem`))).join(''));
  return p;
}

interface E2ECase {
  name: string;
  leaf: string;
  chain: string[];
  trusted: string[];
  crls?: string[];
  flags?: number;
  hostname?: string;
  code: number;
  alert: string;
}

const TF = VerifyFlags.VERIFY_X509_TRUSTED_FIRST;
const CASES: E2ECase[] = [
  { name: 'expired intermediate', leaf: 'leaf-under-expired', chain: ['int-expired'], trusted: ['root-ec'], code: 10, alert: 'sslv3 alert certificate expired' },
  { name: 'not-yet-valid leaf', leaf: 'leaf-future', chain: ['int-ec1'], trusted: ['root-ec'], code: 9, alert: 'sslv3 alert bad certificate' },
  { name: 'untrusted root in the chain', leaf: 'leaf-untrusted', chain: ['root-other'], trusted: ['root-ec'], code: 19, alert: 'tlsv1 alert unknown ca' },
  { name: 'non-CA intermediate', leaf: 'leaf-noca', chain: ['int-noca'], trusted: ['root-ec'], code: 79, alert: 'tlsv1 alert unknown ca' },
  { name: 'pathLen exceeded', leaf: 'leaf-pl', chain: ['sub-pl', 'int-pl0'], trusted: ['root-ec'], code: 25, alert: 'tlsv1 alert unknown ca' },
  { name: 'tampered signature', leaf: 'leaf-tampered', chain: ['int-ec1'], trusted: ['root-ec'], code: 7, alert: 'tlsv1 alert decrypt error' },
  { name: 'clientAuth-only EKU on a server', leaf: 'leaf-client', chain: ['int-ec1'], trusted: ['root-ec'], code: 26, alert: 'sslv3 alert unsupported certificate' },
  { name: 'name constraints violated', leaf: 'leaf-nc-bad', chain: ['int-nc'], trusted: ['root-ec'], hostname: 'www.bad.example', code: 47, alert: 'sslv3 alert certificate unknown' },
  { name: 'revoked leaf (CRL in the cafile)', leaf: 'leaf-revoked', chain: ['int-crl'], trusted: ['root-ec'], crls: ['int-crl'], flags: TF | VerifyFlags.VERIFY_CRL_CHECK_LEAF, code: 23, alert: 'sslv3 alert certificate revoked' },
  { name: 'wildcard matching two labels', leaf: 'leaf-wild', chain: ['int-ec1'], trusted: ['root-ec'], hostname: 'a.b.wild.example', code: 62, alert: 'sslv3 alert bad certificate' },
];

function clientContext(c: { trusted: string[]; crls?: string[]; flags?: number }): SSLContext {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.minimumVersion = TLSVersion.TLSv1_3;
  const parts = [...c.trusted.map((n) => read(ch(`${n}.pem`))), ...(c.crls ?? []).map((n) => read(ch(`${n}.crl.pem`)))];
  const f = join(tempDir(), 'ca.pem');
  writeFileSync(f, parts.join(''));
  ctx.loadVerifyLocations({ cafile: f });
  if (c.flags !== undefined) ctx.verifyFlags = c.flags;
  return ctx;
}

describe('our client against s_server presenting bad chains', () => {
  for (const c of CASES) {
    test(c.name, T, async () => {
      const server = await startOpensslServer([
        '-tls1_3', '-naccept', '1', '-cert', ch(`${c.leaf}.pem`), '-key', ch(`${c.leaf}.key`), '-cert_chain', bundle(c.chain),
      ]);
      let ours: Ours | undefined;
      try {
        ours = await connectOurs(server.port, clientContext(c), c.hostname ?? 'localhost');
        const err = await settle(ours.pump.handshake());
        await ours.pump.endStream();
        assert.ok(err instanceof SSLCertVerificationError, `expected SSLCertVerificationError, got ${String(err)}`);
        assert.equal(err.verifyCode, c.code, err.verifyMessage);
        const output = await server.finished();
        assert.equal(alertText(output), c.alert, `s_server output:\n${output}`);
      } finally {
        ours?.pump.destroy();
        await server.stop();
      }
    });
  }

  test('a good Ed25519 chain with three intermediates verifies; getPeerCert is the leaf', T, async () => {
    const server = await startOpensslServer([
      '-tls1_3', '-naccept', '1', '-rev', '-cert', ch('leaf-ed3.pem'), '-key', ch('leaf-ed3.key'), '-cert_chain', bundle(['int-ed3', 'int-ed2', 'int-ed1']),
    ]);
    let ours: Ours | undefined;
    try {
      ours = await connectOurs(server.port, clientContext({ trusted: ['root-ed'] }));
      await ours.pump.handshake();
      assert.equal(ours.obj.getVerifiedChain().length, 5);
      const cert = ours.obj.getPeerCert();
      assert.ok(cert && 'subject' in cert);
      assert.deepEqual(cert.subjectAltName, [['DNS', 'localhost'], ['IP Address', '127.0.0.1'], ['IP Address', '0:0:0:0:0:0:0:1']]);
      await ours.pump.endStream();
    } finally {
      ours?.pump.destroy();
      await server.stop();
    }
  });
});

describe('mutual TLS: our server checks client certificates for clientAuth', () => {
  async function run(clientCert: string, chain: string[]): Promise<{ err: unknown; stderr: string; peer: unknown }> {
    const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
    ctx.minimumVersion = TLSVersion.TLSv1_3;
    ctx.loadCertChain(bundle(['leaf-ec1', 'int-ec1']), ch('leaf-ec1.key'));
    ctx.loadVerifyLocations({ cafile: ch('root-ec.pem') });
    ctx.verifyMode = CERT_REQUIRED;
    const l = await listenTcp();
    let ours: Ours | undefined;
    const clientP = runOpensslClient(
      l.port,
      ['-servername', 'localhost', '-CAfile', ch('root-ec.pem'), '-cert_chain', ch('int-ec1.pem'), '-verify_return_error',
        '-cert', ch(`${clientCert}.pem`), '-key', ch(`${clientCert}.key`), ...chain],
      '',
      { timeoutMs: 10000 },
    );
    try {
      ours = acceptOurs(await l.accept(), ctx);
      const err = await settle(ours.pump.handshake());
      const peer = err ? null : ours.obj.getPeerCert();
      await ours.pump.endStream();
      return { err, stderr: (await clientP).stderr, peer };
    } finally {
      ours?.pump.destroy();
      await clientP.catch(() => {});
      await l.close();
    }
  }

  test('a clientAuth certificate is accepted', T, async () => {
    const { err, peer } = await run('leaf-client', []);
    assert.equal(err, null);
    assert.ok(peer && typeof peer === 'object' && 'subject' in peer);
    assert.deepEqual((peer as { subject: unknown }).subject, [[['organizationName', 'ssl-ts chains']], [['commonName', 'Chains Client']]]);
  });

  test('a serverAuth-only certificate is refused with unsupported_certificate', T, async () => {
    const { err, stderr } = await run('leaf-ip', []);
    assert.ok(err instanceof SSLCertVerificationError, String(err));
    assert.equal(err.verifyCode, 26);
    assert.equal(alertText(stderr), 'sslv3 alert unsupported certificate', stderr);
  });
});
