// A peer certificate whose subjectAltName holds bytes that are not UTF-8:
// the handshake (both roles, both versions) fails or succeeds with SSLError
// only, as OpenSSL compares names as bytes; getPeerCert() may then raise
// ValueError (CPython's UnicodeDecodeError) for names it must render as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CERT_REQUIRED, MemoryBIO, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, SSLContext, SSLError, SSLWantReadError, TLSVersion,
  ValueError, type SSLObject,
} from '../../src/index.js';
import { OpensslPki } from './openssl-pki.js';

const pki = new OpensslPki();
const root = pki.root();

// subjectAltName values (DER, hex) with a non-UTF-8 byte in each kind of name.
const SANS: Record<string, string> = {
  dNSName: '30098207782e6578ff2e6d',
  uniformResourceIdentifier: '3004860278ff',
  rfc822Name: '300581036140ff',
  'directoryName UTF8String': '3011a40f300d310b300906035504030c02c3ff',
  'otherName UTF8String': '3013a011060a2b060104018237140203a0030c01ff',
};

function pem(name: string, sanHex: string): { chain: string; key: string } {
  const c = pki.issue(root, name, '/CN=victim.example', [`subjectAltName=DER:${sanHex}`]);
  const chain = join(pki.dir, `${name}-chain.pem`);
  writeFileSync(chain, readFileSync(c.pem));
  return { chain, key: c.key };
}

interface Outcome {
  client: unknown;
  server: unknown;
  peer: SSLObject;
}

function handshake(client: SSLContext, server: SSLContext, hostname: string | null): Outcome {
  const [ci, co, si, so] = [new MemoryBIO(), new MemoryBIO(), new MemoryBIO(), new MemoryBIO()];
  const c = client.wrapBio(ci, co, { serverHostname: hostname });
  const s = server.wrapBio(si, so, { serverSide: true });
  const result: [unknown, unknown] = [undefined, undefined];
  const done = [false, false];
  for (let round = 0; round < 10 && !(done[0] && done[1]); round++) {
    for (const [k, obj] of [[0, c], [1, s]] as const) {
      if (done[k]) continue;
      try {
        obj.doHandshake();
        done[k] = true;
        result[k] = 'ok';
      } catch (e) {
        if (e instanceof SSLWantReadError) continue;
        done[k] = true;
        result[k] = e;
      }
    }
    si.write(co.read());
    ci.write(so.read());
  }
  return { client: result[0], server: result[1], peer: hostname === null ? s : c };
}

function onlySslErrors(label: string, o: Outcome): void {
  for (const r of [o.client, o.server]) {
    if (r === 'ok' || r === undefined) continue;
    assert.ok(r instanceof SSLError, `${label}: ${String(r)} is not an SSLError`);
  }
}

function peerCertIsDictOrValueError(label: string, obj: SSLObject): void {
  try {
    const d = obj.getPeerCert();
    assert.equal(typeof d, 'object', label);
  } catch (e) {
    assert.ok(e instanceof ValueError, `${label}: getPeerCert raised ${String(e)}`);
  }
}

for (const version of [TLSVersion.TLSv1_2, TLSVersion.TLSv1_3]) {
  test(`server certificate with non-UTF-8 names, TLS ${version === TLSVersion.TLSv1_3 ? '1.3' : '1.2'}`, () => {
    for (const [kind, san] of Object.entries(SANS)) {
      const { chain, key } = pem(`srv-${kind.replace(/\W/g, '')}`, san);
      const server = new SSLContext(PROTOCOL_TLS_SERVER);
      server.loadCertChain(chain, key);
      server.maximumVersion = version;
      // Verifying client, with and without the hostname check.
      for (const checkHostname of [true, false]) {
        const client = new SSLContext(PROTOCOL_TLS_CLIENT);
        client.loadVerifyLocations({ cafile: root.pem });
        client.checkHostname = checkHostname;
        const o = handshake(client, server, 'victim.example');
        onlySslErrors(`${kind} checkHostname=${checkHostname}`, o);
        if (o.client === 'ok') peerCertIsDictOrValueError(kind, o.peer);
      }
    }
  });

  test(`client certificate with non-UTF-8 names, TLS ${version === TLSVersion.TLSv1_3 ? '1.3' : '1.2'}`, () => {
    for (const [kind, san] of Object.entries(SANS)) {
      const { chain, key } = pem(`cli-${kind.replace(/\W/g, '')}`, san);
      const srvCert = pki.issue(root, 'server', '/CN=localhost', ['subjectAltName=DNS:localhost']);
      const server = new SSLContext(PROTOCOL_TLS_SERVER);
      server.loadCertChain(srvCert.pem, srvCert.key);
      server.verifyMode = CERT_REQUIRED;
      server.loadVerifyLocations({ cafile: root.pem });
      server.maximumVersion = version;
      const client = new SSLContext(PROTOCOL_TLS_CLIENT);
      client.loadVerifyLocations({ cafile: root.pem });
      client.loadCertChain(chain, key);
      const o = handshake(client, server, 'localhost');
      onlySslErrors(kind, o);
    }
  });
}

test('the non-UTF-8 names verify as OpenSSL says: bytes compared, broken names refused', () => {
  // dNSName and URI hold raw bytes (no CN fallback for the dNSName one); the
  // directoryName's UTF8String cannot be canonicalised, so OpenSSL refuses it (20).
  const client = new SSLContext(PROTOCOL_TLS_CLIENT);
  client.loadVerifyLocations({ cafile: root.pem });
  const expect: Record<string, string> = {
    dNSName: 'Hostname mismatch',
    uniformResourceIdentifier: 'ok',
    rfc822Name: 'ok',
    'directoryName UTF8String': 'unable to get local issuer certificate',
    'otherName UTF8String': 'ok',
  };
  for (const [kind, san] of Object.entries(SANS)) {
    const { chain, key } = pem(`v-${kind.replace(/\W/g, '')}`, san);
    const server = new SSLContext(PROTOCOL_TLS_SERVER);
    server.loadCertChain(chain, key);
    const o = handshake(client, server, 'victim.example');
    const got = o.client === 'ok' ? 'ok' : (o.client as Error).message;
    assert.ok(got.includes(expect[kind]!), `${kind}: ${got}`);
  }
});
