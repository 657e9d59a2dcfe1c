// Failures against real peers: what we raise, and what alert the peer sees.
// Each case is also run with Python's ssl (OpenSSL) in our place against the
// same kind of peer, and our outcome must match that reference.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { SSLCertVerificationError, SSLError } from '../../src/index.js';
import {
  bridgeSocketToPython,
  connectTcp,
  fixture,
  leafFiles,
  listenTcp,
  runOpensslClient,
  runPythonPeer,
  startOpensslServer,
  type OpensslClientResult,
  type PythonPeerOptions,
  type PythonPeerResult,
} from '../helpers/peers.js';
import {
  acceptOurs,
  connectOurs,
  ourClientContext,
  ourServerContext,
  type OurContextOptions,
  type Ours,
} from '../helpers/ours.js';

const T = { timeout: 20000 };

/** OpenSSL's reason code for an error text it prints, e.g. 'sslv3 alert handshake failure' → 'SSLV3_ALERT_HANDSHAKE_FAILURE'. */
function reasonOf(text: string): string {
  return text.trim().toUpperCase().replace(/[ -]/g, '_');
}

/** The alert text in an OpenSSL error line ("...:ssl3_read_bytes:tlsv1 alert unknown ca:..."). */
function alertText(output: string): string | undefined {
  const m = /:((?:sslv3|tlsv1|tlsv13) alert [a-z ]+|tlsv1 unrecognized name):/.exec(output);
  return m ? m[1] : undefined;
}

async function settle<T>(p: Promise<T>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

// ---------------------------------------------------------------------------
// Our client (and Python's, as the reference) against a misconfigured s_server.

interface ClientFailure {
  err: unknown;
  output: string;
}

async function ourClientAgainst(serverArgs: string[], ctxOpts: OurContextOptions = {}): Promise<ClientFailure> {
  const server = await startOpensslServer(['-tls1_3', '-rev', '-naccept', '1', ...serverArgs]);
  let ours: Ours | undefined;
  try {
    ours = await connectOurs(server.port, ourClientContext(ctxOpts));
    const err = await settle(ours.pump.handshake());
    // Any alert was flushed before the error was thrown; now hang up.
    await ours.pump.endStream();
    return { err, output: await server.finished() };
  } finally {
    ours?.pump.destroy();
    await server.stop();
  }
}

async function pythonClientAgainst(serverArgs: string[], pyOpts: Partial<PythonPeerOptions> = {}): Promise<{ r: PythonPeerResult; output: string }> {
  const server = await startOpensslServer(['-tls1_3', '-rev', '-naccept', '1', ...serverArgs]);
  const py = runPythonPeer({ role: 'client', cafile: fixture('ca.pem'), ...pyOpts });
  try {
    bridgeSocketToPython(await connectTcp(server.port), py);
    const r = await py.result;
    return { r, output: await server.finished() };
  } finally {
    await py.kill();
    await server.stop();
  }
}

function serve(leaf: string, key: string, chain?: string): string[] {
  return ['-cert', fixture(leaf), '-key', fixture(key), ...(chain ? ['-cert_chain', fixture(chain)] : [])];
}

describe('our client rejects a bad server certificate', () => {
  const cases = [
    { name: 'wrong host name (wronghost)', args: serve('wronghost.pem', 'wronghost.key', 'inter.pem'), code: 62, alert: 'sslv3 alert bad certificate' },
    { name: 'unknown issuer (untrusted leaf alone)', args: serve('untrusted.pem', 'untrusted.key'), code: 20, alert: 'tlsv1 alert unknown ca' },
    { name: 'untrusted root sent in the chain (untrusted-chain)', args: serve('untrusted.pem', 'untrusted.key', 'other-ca.pem'), code: 19, alert: 'tlsv1 alert unknown ca' },
    { name: 'expired (expired-chain)', args: serve('expired.pem', 'expired.key', 'inter.pem'), code: 10, alert: 'sslv3 alert certificate expired' },
  ];
  for (const c of cases) {
    test(c.name, T, async () => {
      const ref = await pythonClientAgainst(c.args);
      assert.equal(ref.r.error?.type, 'SSLCertVerificationError', 'reference run');
      assert.equal(ref.r.error?.verify_code, c.code, 'reference run');
      assert.equal(alertText(ref.output), c.alert, 'reference run');

      const { err, output } = await ourClientAgainst(c.args);
      assert.ok(err instanceof SSLCertVerificationError, `expected SSLCertVerificationError, got ${String(err)}`);
      assert.equal(err.verifyCode, c.code);
      assert.equal(err.verifyMessage, ref.r.error?.verify_message);
      assert.equal(err.reason, 'CERTIFICATE_VERIFY_FAILED');
      assert.equal(alertText(output), c.alert, `s_server output:\n${output}`);
      assert.match(output, /CONNECTION FAILURE/);
    });
  }

  test('the right host name by IP address still fails for wronghost', T, async () => {
    const server = await startOpensslServer(['-tls1_3', '-rev', '-naccept', '1', ...serve('wronghost.pem', 'wronghost.key', 'inter.pem')]);
    let ours: Ours | undefined;
    try {
      ours = await connectOurs(server.port, ourClientContext(), '127.0.0.1');
      const err = await settle(ours.pump.handshake());
      assert.ok(err instanceof SSLCertVerificationError, String(err));
      assert.equal(err.verifyCode, 64); // X509_V_ERR_IP_ADDRESS_MISMATCH
      await ours.pump.endStream();
      assert.equal(alertText(await server.finished()), 'sslv3 alert bad certificate');
    } finally {
      ours?.pump.destroy();
      await server.stop();
    }
  });
});

describe('handshake failures our client must report like OpenSSL', () => {
  test('openssl rejects our SNI (-servername other.example -servername_fatal)', T, async () => {
    const f = leafFiles('ecdsa-p256');
    const args = [...serve('leaf-ecdsa-p256.pem', 'leaf-ecdsa-p256.key', 'inter.pem'),
      '-servername', 'other.example', '-servername_fatal', '-cert2', f.leaf, '-key2', f.key];
    const ref = await pythonClientAgainst(args);
    assert.equal(ref.r.error?.reason, 'TLSV1_UNRECOGNIZED_NAME', 'reference run');
    const { err, output } = await ourClientAgainst(args);
    assert.ok(err instanceof SSLError, String(err));
    assert.equal(err.reason, 'TLSV1_UNRECOGNIZED_NAME');
    assert.match(output, /CONNECTION FAILURE/);
  });

  test('no TLS 1.3 suite in common', T, async () => {
    const args = [...serve('leaf-ecdsa-p256.pem', 'leaf-ecdsa-p256.key', 'inter.pem'), '-ciphersuites', 'TLS_AES_256_GCM_SHA384'];
    // Reference: openssl's own client offering only AES-128.
    const refServer = await startOpensslServer(['-tls1_3', '-naccept', '1', ...args]);
    let ref: OpensslClientResult;
    try {
      ref = await runOpensslClient(refServer.port, ['-ciphersuites', 'TLS_AES_128_GCM_SHA256'], '');
      await refServer.finished();
    } finally {
      await refServer.stop();
    }
    const refAlert = alertText(ref.stderr);
    assert.ok(refAlert, ref.stderr);

    const { err, output } = await ourClientAgainst(args, { suites: ['TLS_AES_128_GCM_SHA256'] });
    assert.ok(err instanceof SSLError, String(err));
    assert.equal(err.reason, reasonOf(refAlert));
    assert.match(output, /no shared cipher/);
  });

  test('no key-exchange group in common', T, async () => {
    const args = [...serve('leaf-ecdsa-p256.pem', 'leaf-ecdsa-p256.key', 'inter.pem'), '-groups', 'P-384'];
    const refServer = await startOpensslServer(['-tls1_3', '-naccept', '1', ...args]);
    let ref: OpensslClientResult;
    let refOutput: string;
    try {
      ref = await runOpensslClient(refServer.port, ['-groups', 'X25519'], '');
      refOutput = await refServer.finished();
    } finally {
      await refServer.stop();
    }
    const refAlert = alertText(ref.stderr);
    assert.ok(refAlert, ref.stderr);

    const { err, output } = await ourClientAgainst(args, { groups: ['x25519'] });
    assert.ok(err instanceof SSLError, String(err));
    assert.equal(err.reason, reasonOf(refAlert));
    // s_server fails the same way for both clients.
    const why = /:([a-z ]+):\.\.\/ssl\//.exec(refOutput)?.[1];
    assert.ok(why, refOutput);
    assert.ok(output.includes(why), `expected "${why}" in:\n${output}`);
  });
});

// ---------------------------------------------------------------------------
// openssl s_client against our server demanding a client certificate.

interface ServerFailure {
  err: unknown;
  client: OpensslClientResult;
}

async function sClientAgainstOurServer(clientArgs: string[], ctxOpts: OurContextOptions): Promise<ServerFailure> {
  const l = await listenTcp();
  let ours: Ours | undefined;
  const clientP = runOpensslClient(
    l.port,
    ['-servername', 'localhost', '-CAfile', fixture('ca.pem'), '-verify_return_error', ...clientArgs],
    'hello\n',
    { timeoutMs: 10000 },
  );
  try {
    ours = acceptOurs(await l.accept(), ourServerContext(ctxOpts));
    const err = await settle(ours.pump.handshake());
    await ours.pump.endStream();
    return { err, client: await clientP };
  } finally {
    ours?.pump.destroy();
    await clientP.catch(() => {});
    await l.close();
  }
}

async function sClientAgainstPythonServer(clientArgs: string[], pyOpts: Partial<PythonPeerOptions>): Promise<{ r: PythonPeerResult; client: OpensslClientResult }> {
  const l = await listenTcp();
  const f = leafFiles('ecdsa-p256');
  const py = runPythonPeer({ role: 'server', cert: f.chain, key: f.key, echoBytes: 6, ...pyOpts });
  try {
    void l.accept().then((s) => bridgeSocketToPython(s, py), () => {});
    const client = await runOpensslClient(
      l.port,
      ['-servername', 'localhost', '-CAfile', fixture('ca.pem'), '-verify_return_error', ...clientArgs],
      'hello\n',
      { timeoutMs: 10000 },
    );
    return { r: await py.result, client };
  } finally {
    await py.kill();
    await l.close();
  }
}

describe('our server rejects a client', () => {
  test('client certificate required but none sent', T, async () => {
    const ref = await sClientAgainstPythonServer([], { cafile: fixture('ca.pem'), requestClientCert: true });
    assert.equal(ref.r.error?.reason, 'PEER_DID_NOT_RETURN_A_CERTIFICATE', 'reference run');
    assert.equal(alertText(ref.client.stderr), 'tlsv13 alert certificate required', 'reference run');

    const { err, client } = await sClientAgainstOurServer([], { verifyMode: 'required' });
    assert.ok(err instanceof SSLError, String(err));
    assert.equal(err.reason, 'PEER_DID_NOT_RETURN_A_CERTIFICATE');
    assert.notEqual(client.code, 0);
    assert.equal(alertText(client.stderr), 'tlsv13 alert certificate required', client.stderr);
  });

  test('client certificate from an untrusted CA', T, async () => {
    const args = ['-cert', fixture('untrusted.pem'), '-key', fixture('untrusted.key'), '-cert_chain', fixture('other-ca.pem')];
    const ref = await sClientAgainstPythonServer(args, { cafile: fixture('ca.pem'), requestClientCert: true });
    assert.equal(ref.r.error?.type, 'SSLCertVerificationError', 'reference run');
    const refAlert = alertText(ref.client.stderr);

    const { err, client } = await sClientAgainstOurServer(args, { verifyMode: 'required' });
    assert.ok(err instanceof SSLCertVerificationError, String(err));
    assert.equal(err.verifyCode, ref.r.error?.verify_code);
    assert.notEqual(client.code, 0);
    assert.equal(alertText(client.stderr), refAlert, client.stderr);
  });
});
