// Port of the handshake-free parts of CPython's ContextTests
// (Lib/test/test_ssl.py), plus checks against python3 where Python is the
// oracle (cipher strings, get_ciphers() dicts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';

import { SSLContext, createDefaultContext } from '../../src/ssl/context.js';
import { MemoryBIO } from '../../src/ssl/memory-bio.js';
import * as ssl from '../../src/ssl/constants.js';
import {
  SSLError,
  ValueError,
  OSError,
  FileNotFoundError,
  IsADirectoryError,
  SSLCertVerificationError,
} from '../../src/errors.js';
import { verifyCertificateChain } from '../../src/ssl/verify-chain.js';

// ------------------------------------------------------------------ fixtures

function certdataDir(): string | null {
  const r = spawnSync('python3', ['-c', 'import test,os;print(os.path.dirname(test.__file__))'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const dir = join(r.stdout.trim(), 'certdata');
  return existsSync(join(dir, 'keycert.pem')) ? dir : null;
}
const CERTDATA = certdataDir();
const data = (...parts: string[]): string => join(CERTDATA ?? '/nonexistent', ...parts);

const CERTFILE = data('keycert.pem');
const ONLYCERT = data('ssl_cert.pem');
const ONLYKEY = data('ssl_key.pem');
const CERTFILE_PROTECTED = data('keycert.passwd.pem');
const ONLYKEY_PROTECTED = data('ssl_key.passwd.pem');
const KEY_PASSWORD = 'somepass';
const CAPATH = data('capath');
const CAFILE_NEURONIO = data('capath', '4e1295a3.0');
const CAFILE_CACERT = data('capath', '5ed36f99.0');
const SIGNING_CA = data('capath', 'ceff1710.0');
const EMPTYCERT = data('nullcert.pem');
const BADCERT = data('badcert.pem');
const NONEXISTINGCERT = data('XXXnonexisting.pem');
const DHFILE = data('ffdh3072.pem');

const FIX = new URL('../../fixtures/', import.meta.url).pathname;
const fix = (name: string): string => join(FIX, name);

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function pemToDer(pem: string): Uint8Array {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  assert.ok(m, 'no certificate in PEM');
  return new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

function isSSLError(pattern?: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof SSLError, `expected SSLError, got ${String(e)}`);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}

/** Runs python3 code that prints JSON; null if python3 is unavailable. */
function python<T>(code: string, input?: string): T | null {
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8', input });
  if (r.status !== 0) {
    if (r.error) return null;
    throw new Error(`python3 failed: ${r.stderr}`);
  }
  return JSON.parse(r.stdout) as T;
}

const ALL_PROTOCOLS = [ssl.PROTOCOL_TLS, ssl.PROTOCOL_TLSv1_2, ssl.PROTOCOL_TLS_CLIENT, ssl.PROTOCOL_TLS_SERVER];
const DEFAULT_OPTIONS =
  (ssl.OP_ALL |
    ssl.OP_NO_SSLv2 |
    ssl.OP_NO_SSLv3 |
    ssl.OP_NO_COMPRESSION |
    ssl.OP_CIPHER_SERVER_PREFERENCE |
    ssl.OP_SINGLE_DH_USE |
    ssl.OP_SINGLE_ECDH_USE |
    ssl.OP_ENABLE_MIDDLEBOX_COMPAT) >>>
  0;

// --------------------------------------------------------------- constructor

test('constructor', () => {
  for (const protocol of ALL_PROTOCOLS) {
    assert.equal(new SSLContext(protocol).protocol, protocol);
  }
  assert.equal(new SSLContext().protocol, ssl.PROTOCOL_TLS);
  assert.equal(new SSLContext(null).protocol, ssl.PROTOCOL_TLS);
  assert.throws(() => new SSLContext(-1 as ssl.SSLMethod), ValueError);
  assert.throws(() => new SSLContext(42 as ssl.SSLMethod), {
    name: 'ValueError',
    message: 'invalid or unsupported protocol version 42',
  });
  // PROTOCOL_TLSv1 / PROTOCOL_TLSv1_1 contexts exist, as in Python, but have no usable version.
  assert.equal(new SSLContext(3 as ssl.SSLMethod)._versionRange(), null);
  assert.equal(new SSLContext(4 as ssl.SSLMethod)._versionRange(), null);
  assert.throws(() => new SSLContext('x' as unknown as ssl.SSLMethod), TypeError);
});

// ------------------------------------------------------------------- ciphers

test('ciphers', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.setCiphers('ALL');
  ctx.setCiphers('DEFAULT');
  assert.throws(() => ctx.setCiphers("^$:,;?*'dorothyx"), isSSLError(/No cipher can be selected/));
  assert.throws(() => ctx.setCiphers('FOO'), (e: unknown) => e instanceof SSLError && e.message === 'No cipher can be selected.');
});

test('get_ciphers', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.setCiphers('AESGCM');
  const names = new Set(ctx.getCiphers().map((d) => d.name));
  const expected = [
    'AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'DHE-RSA-AES128-GCM-SHA256',
    'AES256-GCM-SHA384',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'DHE-RSA-AES256-GCM-SHA384',
  ];
  assert.ok(expected.filter((n) => names.has(n)).length >= 2);
});

test('python ciphers: nothing weak', () => {
  for (const suite of new SSLContext(ssl.PROTOCOL_TLS_CLIENT).getCiphers()) {
    for (const bad of ['PSK', 'SRP', 'MD5', 'RC4', '3DES']) assert.ok(!suite.name.includes(bad), suite.name);
  }
});

const OUR_TLS12 = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA384',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-AES128-SHA256',
  'DHE-RSA-AES256-SHA256',
  // HMAC-SHA1 suites: not in Python's default string, in OpenSSL's DEFAULT
  'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-RSA-AES256-SHA',
  'DHE-RSA-AES256-SHA',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'DHE-RSA-AES128-SHA',
];

test('get_ciphers() dicts equal python3 for our suites after set_ciphers(\'ALL\')', () => {
  const py = python<Array<Record<string, unknown>>>(
    "import ssl,json;c=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT);c.set_ciphers('ALL');print(json.dumps(c.get_ciphers()))",
  )!;
  const expected = py.filter((d) => d['protocol'] === 'TLSv1.3' || OUR_TLS12.includes(d['name'] as string));
  assert.equal(expected.length, 3 + OUR_TLS12.length);
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.setCiphers('ALL');
  assert.deepEqual(ctx.getCiphers(), expected);
});

test('the default context lists exactly what Python\'s does (all 17 suites are ours)', () => {
  const py = python<Array<Record<string, unknown>>>(
    'import ssl,json;print(json.dumps(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).get_ciphers()))',
  )!;
  assert.equal(py.length, 17);
  assert.deepEqual(new SSLContext(ssl.PROTOCOL_TLS_CLIENT).getCiphers(), py);
});

test('get_ciphers() dicts equal python3 for our suites, default context', () => {
  const py = python<Array<Record<string, unknown>>>(
    'import ssl,json;print(json.dumps(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).get_ciphers()))',
  )!;
  const expected = py.filter((d) => d['protocol'] === 'TLSv1.3' || OUR_TLS12.includes(d['name'] as string));
  assert.deepEqual(new SSLContext(ssl.PROTOCOL_TLS_CLIENT).getCiphers(), expected);
});

const CIPHER_SPECS = [
  'ALL', 'DEFAULT', 'HIGH', 'AES', 'AESGCM', 'CHACHA20', 'aRSA', 'aECDSA', 'ECDSA', 'kECDHE', 'ECDHE', 'EECDH',
  'ECDH', 'kEECDH', 'TLSv1.2', 'FIPS', 'ALL:@STRENGTH', 'CHACHA20:ALL', 'CHACHA20:ALL:@STRENGTH',
  'AES128:DEFAULT', 'DEFAULT:AES128', 'DEFAULT:-AES256:AES256', 'ALL:!AES256', 'ALL:+AES256',
  'ALL:-AES256:+AES256', 'ECDHE-RSA-AES128-GCM-SHA256', 'AES128+aRSA', 'AESGCM;CHACHA20', 'AESGCM,CHACHA20',
  'AESGCM CHACHA20', 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256', 'ALL:-ALL:AES128',
  'ECDHE-RSA-AES256-GCM-SHA384:ALL:!ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384',
  'ALL:-aRSA:AES128', 'SUITEB128', 'SUITEB128ONLY', 'SUITEB192:ALL', 'SUITEB128C2', '-AES:ALL',
  'ALL:-CHACHA20:CHACHA20', 'AES128:AES256:ECDSA', 'ECDSA:AES128:+aRSA', 'ALL: !AES128', 'DEFAULT:', 'DEFAULTX',
  'ALL,,AES128', 'kECDHE+aECDSA+AES128+AESGCM+HIGH+TLSv1.2', 'ECDHE-RSA-CHACHA20-POLY1305:ALL:@STRENGTH',
  'ALL:!ECDHE-RSA-AES256-GCM-SHA384+AES', 'ECDHE-RSA-AES256-GCM-SHA384+AES256', ssl.DEFAULT_CIPHERS,
  'HIGH:!aNULL:!eNULL', '@SECLEVEL=1:ALL', '@SECLEVEL=0:ALL', '@SECLEVEL=5:ALL',
  // errors in Python too
  '', 'FOO', '!ALL', 'ALL:^', 'ALL:@FOO', '@SECLEVEL=9:ALL', 'ALL:@STRENGTHX', 'AES_128', 'ALL:!!AES128',
  'ALL:-+AES128', '  DEFAULT', ':DEFAULT', 'AES+CHACHA20', 'ecdhe-rsa-aes128-gcm-sha256', 'TLS_AES_128_GCM_SHA256',
  '@STRENGTH', '@SECLEVEL=1:FOO',
  // Python selects other (non-ssl-ts) suites; we have none to offer
  'kRSA', 'ALL:!kECDHE:ECDHE', 'CAMELLIA',
  // the HMAC-SHA1 suites
  'SHA1', 'SHA', 'TLSv1', 'TLSv1.0', 'SSLv3', 'ALL:!SHA1', 'DEFAULT:!SHA', 'SHA1+kDHE', 'ECDHE-RSA-AES128-SHA:ALL:@STRENGTH',
  // DHE and CBC (issue 9)
  'SHA256', 'SHA384', 'DHE', 'kEDH', 'EDH', 'kDHE', 'DH', 'CBC', 'DHE+AES', 'ECDH+AES', 'DHE+AESGCM', 'AES:+CBC',
  'CBC:AESGCM', 'ALL:!DHE', 'ALL:-SHA256:SHA256', 'DHE:@STRENGTH', 'AES256:CBC', 'aRSA+SHA384', 'ECDHE+SHA256',
  'DHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384', '@SECLEVEL=3:DHE', 'kEDH+AESGCM:!aNULL', 'HIGH:!CBC',
];

test('set_ciphers() orderings and security levels match python3 (filtered to our suites)', () => {
  const code = String.raw`
import ssl, json, sys
ours = set(json.loads(sys.argv[1]))
out = []
for spec in json.loads(sys.stdin.read()):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        c.set_ciphers(spec); ok = True
    except ssl.SSLError:
        ok = False
    names = [d['name'] for d in c.get_ciphers() if d['protocol'] != 'TLSv1.3']
    out.append({'ok': ok, 'ours': [n for n in names if n in ours], 'level': c.security_level})
print(json.dumps(out))`;
  const r = spawnSync('python3', ['-c', code, JSON.stringify(OUR_TLS12)], {
    encoding: 'utf8',
    input: JSON.stringify(CIPHER_SPECS),
  });
  assert.equal(r.status, 0, r.stderr);
  const py = JSON.parse(r.stdout) as Array<{ ok: boolean; ours: string[]; level: number }>;
  CIPHER_SPECS.forEach((spec, i) => {
    const want = py[i]!;
    const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    let ok = true;
    try {
      ctx.setCiphers(spec);
    } catch (e) {
      assert.ok(e instanceof SSLError, String(e));
      assert.equal(e.message, 'No cipher can be selected.');
      ok = false;
    }
    // We fail exactly when Python fails or selects none of our suites.
    assert.equal(ok, want.ok && want.ours.length > 0, `ok for ${JSON.stringify(spec)}`);
    if (want.ok || want.ours.length === 0) {
      assert.deepEqual(ctx._tls12Ciphers, want.ours, `order for ${JSON.stringify(spec)}`);
    }
    assert.equal(ctx.securityLevel, want.level, `level for ${JSON.stringify(spec)}`);
  });
});

test('set_ciphers: failure keeps the earlier list on syntax errors', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.setCiphers('CHACHA20');
  assert.throws(() => ctx.setCiphers('ALL:^'), SSLError);
  assert.deepEqual(ctx._tls12Ciphers, ['ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305']);
  assert.throws(() => ctx.setCiphers(1 as unknown as string), TypeError);
});

test('default TLS 1.2 selection', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  assert.deepEqual(ctx._tls12Ciphers, [
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
    'ECDHE-ECDSA-AES256-SHA384',
    'ECDHE-RSA-AES256-SHA384',
    'ECDHE-ECDSA-AES128-SHA256',
    'ECDHE-RSA-AES128-SHA256',
    'DHE-RSA-AES256-GCM-SHA384',
    'DHE-RSA-AES128-GCM-SHA256',
    'DHE-RSA-AES256-SHA256',
    'DHE-RSA-AES128-SHA256',
  ]);
  assert.deepEqual(ctx._tls13Ciphers, ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256']);
  // OpenSSL 3.0's list as its ClientHello shows it (ffdhe13.test.ts checks the wire), after the hybrid group.
  assert.deepEqual(ctx._groups, ['X25519MLKEM768', 'x25519', 'secp256r1', 'x448', 'secp521r1', 'secp384r1', 'ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192']);
  assert.equal(ctx._alpnProtocols, null);
  assert.deepEqual(ctx._certs, []);
  assert.deepEqual(ctx._trusted, []);
});

// ------------------------------------------------------------------- options

test('options', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.equal(ctx.options, DEFAULT_OPTIONS);
  assert.equal(ctx.options, 2186412112);
  ctx.options |= ssl.OP_NO_TLSv1; // JS makes this a negative int32; read back unsigned
  assert.equal(ctx.options, (DEFAULT_OPTIONS | ssl.OP_NO_TLSv1) >>> 0);
  ctx.options = ctx.options & ~ssl.OP_NO_TLSv1;
  assert.equal(ctx.options, DEFAULT_OPTIONS);
  ctx.options = 0;
  assert.equal(ctx.options & ~ssl.OP_NO_SSLv3, 0);
  ctx.options = 2 ** 40;
  assert.equal(ctx.options, 2 ** 40);
  assert.throws(() => (ctx.options = null as unknown as number), TypeError);
  assert.throws(() => (ctx.options = 1.5), TypeError);
});

test('verify_mode and protocol defaults', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS);
  assert.equal(ctx.verifyMode, ssl.CERT_NONE);
  ctx.verifyMode = ssl.CERT_OPTIONAL;
  assert.equal(ctx.verifyMode, ssl.CERT_OPTIONAL);
  ctx.verifyMode = ssl.CERT_REQUIRED;
  assert.equal(ctx.verifyMode, ssl.CERT_REQUIRED);
  ctx.verifyMode = ssl.CERT_NONE;
  assert.equal(ctx.verifyMode, ssl.CERT_NONE);
  assert.throws(() => (ctx.verifyMode = null as unknown as ssl.VerifyMode), {
    name: 'TypeError',
    message: "'NoneType' object cannot be interpreted as an integer",
  });
  assert.throws(() => (ctx.verifyMode = 42 as ssl.VerifyMode), {
    name: 'ValueError',
    message: 'invalid value for verify_mode',
  });

  const server = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  assert.equal(server.verifyMode, ssl.CERT_NONE);
  assert.equal(server.checkHostname, false);

  const client = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.equal(client.verifyMode, ssl.CERT_REQUIRED);
  assert.equal(client.checkHostname, true);
});

test('hostname_checks_common_name', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.equal(ctx.hostnameChecksCommonName, true);
  ctx.hostnameChecksCommonName = true;
  assert.equal(ctx.hostnameChecksCommonName, true);
  ctx.hostnameChecksCommonName = false;
  assert.equal(ctx.hostnameChecksCommonName, false);
  ctx.hostnameChecksCommonName = true;
  assert.equal(ctx.hostnameChecksCommonName, true);
});

test('min/max version', () => {
  let ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  // Python 3.10+ raises the floor to TLS 1.2.
  assert.equal(ctx.minimumVersion, ssl.TLSVersion.TLSv1_2);
  assert.equal(ctx.maximumVersion, ssl.TLSVersion.MAXIMUM_SUPPORTED);

  ctx.minimumVersion = ssl.TLSVersion.TLSv1_1;
  ctx.maximumVersion = ssl.TLSVersion.TLSv1_2;
  assert.equal(ctx.minimumVersion, ssl.TLSVersion.TLSv1_1);
  assert.equal(ctx.maximumVersion, ssl.TLSVersion.TLSv1_2);

  ctx.minimumVersion = ssl.TLSVersion.MINIMUM_SUPPORTED;
  ctx.maximumVersion = ssl.TLSVersion.TLSv1;
  assert.equal(ctx.minimumVersion, ssl.TLSVersion.MINIMUM_SUPPORTED);
  assert.equal(ctx.maximumVersion, ssl.TLSVersion.TLSv1);

  ctx.maximumVersion = ssl.TLSVersion.MAXIMUM_SUPPORTED;
  assert.equal(ctx.maximumVersion, ssl.TLSVersion.MAXIMUM_SUPPORTED);

  // Reads back as OpenSSL's lowest version, TLSv1, as in Python (ssl-ts cannot speak it).
  ctx.maximumVersion = ssl.TLSVersion.MINIMUM_SUPPORTED;
  assert.equal(ctx.maximumVersion, ssl.TLSVersion.TLSv1);

  ctx.minimumVersion = ssl.TLSVersion.MAXIMUM_SUPPORTED;
  assert.equal(ctx.minimumVersion, ssl.TLSVersion.TLSv1_3);

  assert.throws(() => (ctx.minimumVersion = 42 as ssl.TLSVersion), {
    name: 'ValueError',
    message: 'Unsupported TLS/SSL version 0x2a',
  });
  assert.throws(() => (ctx.maximumVersion = 0x305 as ssl.TLSVersion), ValueError);
  assert.throws(() => (ctx.minimumVersion = null as unknown as ssl.TLSVersion), TypeError);

  ctx = new SSLContext(ssl.PROTOCOL_TLSv1_2);
  assert.equal(ctx.minimumVersion, ssl.TLSVersion.MINIMUM_SUPPORTED);
  assert.equal(ctx.maximumVersion, ssl.TLSVersion.MAXIMUM_SUPPORTED);
  assert.throws(() => (ctx.minimumVersion = ssl.TLSVersion.MINIMUM_SUPPORTED), {
    name: 'ValueError',
    message: "The context's protocol doesn't support modification of highest and lowest version.",
  });
  assert.throws(() => (ctx.maximumVersion = ssl.TLSVersion.TLSv1), ValueError);
});

test('_versionRange', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.deepEqual(ctx._versionRange(), { min: 0x303, max: 0x304 });
  ctx.minimumVersion = ssl.TLSVersion.TLSv1;
  assert.deepEqual(ctx._versionRange(), { min: 0x303, max: 0x304 });
  ctx.options |= ssl.OP_NO_TLSv1_3;
  assert.deepEqual(ctx._versionRange(), { min: 0x303, max: 0x303 });
  ctx.options |= ssl.OP_NO_TLSv1_2;
  assert.equal(ctx._versionRange(), null);
  ctx.options = DEFAULT_OPTIONS;
  ctx.maximumVersion = ssl.TLSVersion.TLSv1_1;
  assert.equal(ctx._versionRange(), null);
  assert.deepEqual(new SSLContext(ssl.PROTOCOL_TLSv1_2)._versionRange(), { min: 0x303, max: 0x303 });
});

test('security_level', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.equal(ctx.securityLevel, 2);
  ctx.setCiphers('@SECLEVEL=1:ALL');
  assert.equal(ctx.securityLevel, 1);
  assert.throws(() => ((ctx as unknown as { securityLevel: number }).securityLevel = 3), TypeError);
});

test('verify_flags', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  assert.equal(ctx.verifyFlags, ssl.VERIFY_DEFAULT | ssl.VERIFY_X509_TRUSTED_FIRST);
  ctx.verifyFlags = ssl.VERIFY_CRL_CHECK_LEAF;
  assert.equal(ctx.verifyFlags, ssl.VERIFY_CRL_CHECK_LEAF);
  ctx.verifyFlags = ssl.VERIFY_CRL_CHECK_CHAIN;
  assert.equal(ctx.verifyFlags, ssl.VERIFY_CRL_CHECK_CHAIN);
  ctx.verifyFlags = ssl.VERIFY_DEFAULT;
  assert.equal(ctx.verifyFlags, ssl.VERIFY_DEFAULT);
  ctx.verifyFlags = ssl.VERIFY_ALLOW_PROXY_CERTS;
  assert.equal(ctx.verifyFlags, ssl.VERIFY_ALLOW_PROXY_CERTS);
  ctx.verifyFlags = ssl.VERIFY_CRL_CHECK_LEAF | ssl.VERIFY_X509_STRICT;
  assert.equal(ctx.verifyFlags, ssl.VERIFY_CRL_CHECK_LEAF | ssl.VERIFY_X509_STRICT);
  assert.throws(() => (ctx.verifyFlags = null as unknown as number), {
    name: 'TypeError',
    message: 'argument must be int, not NoneType',
  });
});

// -------------------------------------------------------------- cert chains

test('load_cert_chain', () => {
  let ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  // Combined key and cert in a single file
  ctx.loadCertChain(CERTFILE, null);
  ctx.loadCertChain(CERTFILE, CERTFILE);
  assert.throws(() => ctx.loadCertChain(undefined as unknown as string, CERTFILE), {
    name: 'TypeError',
    message: 'certfile should be a valid filesystem path',
  });
  assert.throws(
    () => ctx.loadCertChain(NONEXISTINGCERT),
    (e: unknown) => e instanceof OSError && e instanceof FileNotFoundError && e.errno === 2,
  );
  assert.throws(() => ctx.loadCertChain(BADCERT), isSSLError(/PEM lib/));
  assert.throws(() => ctx.loadCertChain(EMPTYCERT), isSSLError(/PEM lib/));
  // Separate key and cert
  ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  ctx.loadCertChain(ONLYCERT, ONLYKEY);
  ctx.loadCertChain(enc(ONLYCERT), enc(ONLYKEY)); // bytes paths
  assert.throws(() => ctx.loadCertChain(ONLYCERT), isSSLError(/PEM lib/));
  assert.throws(() => ctx.loadCertChain(ONLYKEY), isSSLError(/PEM lib/));
  assert.throws(() => ctx.loadCertChain(ONLYKEY, ONLYCERT), isSSLError(/PEM lib/));
  // Mismatching key and cert
  ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  assert.throws(() => ctx.loadCertChain(CAFILE_CACERT, ONLYKEY), isSSLError(/key values mismatch/));
  // Password protected key and cert
  ctx.loadCertChain(CERTFILE_PROTECTED, null, KEY_PASSWORD);
  ctx.loadCertChain(CERTFILE_PROTECTED, null, enc(KEY_PASSWORD));
  ctx.loadCertChain(ONLYCERT, ONLYKEY_PROTECTED, KEY_PASSWORD);
  ctx.loadCertChain(ONLYCERT, ONLYKEY_PROTECTED, enc(KEY_PASSWORD));
  assert.throws(() => ctx.loadCertChain(CERTFILE_PROTECTED, null, true as unknown as string), {
    name: 'TypeError',
    message: /should be a string/,
  });
  assert.throws(() => ctx.loadCertChain(CERTFILE_PROTECTED, null, 'badpass'), SSLError);
  // OpenSSL has a fixed limit on the password buffer (PEM_BUFSIZE, 1 KiB).
  assert.throws(() => ctx.loadCertChain(CERTFILE_PROTECTED, null, new Uint8Array(102400).fill(97)), {
    name: 'ValueError',
    message: /cannot be longer/,
  });
  // Password callbacks
  const getpassUnicode = (): string => KEY_PASSWORD;
  const getpassBytes = (): Uint8Array => enc(KEY_PASSWORD);
  const getpassBadpass = (): string => 'badpass';
  const getpassHuge = (): Uint8Array => new Uint8Array(1024 * 1024).fill(97);
  const getpassBadType = (): string => 9 as unknown as string;
  const getpassException = (): string => {
    throw new Error('getpass error');
  };
  class GetPass {
    getpass(): string {
      return KEY_PASSWORD;
    }
  }
  ctx.loadCertChain(CERTFILE_PROTECTED, null, getpassUnicode);
  ctx.loadCertChain(CERTFILE_PROTECTED, null, getpassBytes);
  const gp = new GetPass();
  ctx.loadCertChain(CERTFILE_PROTECTED, null, gp.getpass.bind(gp));
  assert.throws(() => ctx.loadCertChain(CERTFILE_PROTECTED, null, getpassBadpass), SSLError);
  assert.throws(() => ctx.loadCertChain(CERTFILE_PROTECTED, null, getpassHuge), {
    name: 'ValueError',
    message: /cannot be longer/,
  });
  assert.throws(() => ctx.loadCertChain(CERTFILE_PROTECTED, null, getpassBadType), {
    name: 'TypeError',
    message: /must return a string/,
  });
  assert.throws(() => ctx.loadCertChain(CERTFILE_PROTECTED, null, getpassException), /getpass error/);
  // The password function isn't called if it isn't needed
  ctx.loadCertChain(CERTFILE, null, getpassException);
});

test('load_cert_chain: error shapes match Python', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  assert.throws(
    () => ctx.loadCertChain(ONLYCERT),
    (e: unknown) =>
      e instanceof SSLError && e.message === '[SSL] PEM lib' && e.library === 'SSL' && e.reason === null && e.errno === 524297,
  );
  assert.throws(
    () => ctx.loadCertChain(CAFILE_CACERT, ONLYKEY),
    (e: unknown) =>
      e instanceof SSLError &&
      e.message === '[X509: KEY_VALUES_MISMATCH] key values mismatch' &&
      e.library === 'X509' &&
      e.reason === 'KEY_VALUES_MISMATCH',
  );
  assert.throws(() => ctx.loadCertChain(NONEXISTINGCERT), {
    name: 'FileNotFoundError',
    message: '[Errno 2] No such file or directory',
  });
  assert.throws(
    () => ctx.loadCertChain(CAPATH),
    (e: unknown) => e instanceof IsADirectoryError && e.errno === 21,
  );
  assert.throws(() => ctx.loadCertChain(ONLYCERT, NONEXISTINGCERT), FileNotFoundError);
  // Encrypted key and no password: Python prompts; we report the PEM error.
  assert.throws(() => ctx.loadCertChain(CERTFILE_PROTECTED), isSSLError(/PEM lib/));
  assert.throws(() => ctx.loadCertChain(CERTFILE_PROTECTED, null, ''), isSSLError(/PEM lib/));
  // A password is accepted (and ignored) for an unencrypted key, however long.
  ctx.loadCertChain(CERTFILE, null, 'a'.repeat(5000));
  // 1024 bytes is the limit, counted in UTF-8.
  assert.throws(() => ctx.loadCertChain(CERTFILE_PROTECTED, null, 'a'.repeat(1024)), SSLError);
  assert.throws(() => ctx.loadCertChain(CERTFILE_PROTECTED, null, 'é'.repeat(513)), ValueError);
});

test('load_cert_chain stores DER chains and keys, one per key type', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  ctx.loadCertChain(fix('leaf-ecdsa-p256-chain.pem'), fix('leaf-ecdsa-p256.key'));
  assert.equal(ctx._certs.length, 1);
  const [entry] = ctx._certs;
  assert.equal(entry!.chain.length, 2);
  assert.equal(entry!.key.asymmetricKeyType, 'ec');
  const leafPem = readFileSync(fix('leaf-ecdsa-p256.pem'), 'utf8');
  assert.deepEqual(entry!.chain[0], pemToDer(leafPem));
  assert.ok(new X509Certificate(entry!.chain[1]!).ca);

  // Same key type replaces.
  ctx.loadCertChain(fix('leaf-ecdsa-p256.combined.pem'));
  assert.equal(ctx._certs.length, 1);
  assert.equal(ctx._certs[0]!.chain.length, 1);
  ctx.loadCertChain(fix('leaf-ecdsa-p384-chain.pem'), fix('leaf-ecdsa-p384.key'));
  assert.equal(ctx._certs.length, 1);

  // Another key type adds.
  ctx.loadCertChain(fix('leaf-rsa2048.pem'), fix('leaf-rsa2048.enc-trad.key'), 'somepass');
  ctx.loadCertChain(fix('leaf-ed25519-chain.pem'), fix('leaf-ed25519.key'));
  assert.deepEqual(
    ctx._certs.map((c) => c.key.asymmetricKeyType),
    ['ec', 'rsa', 'ed25519'],
  );
  // Encrypted PKCS#8
  ctx.loadCertChain(fix('leaf-ecdsa-p256.pem'), fix('leaf-ecdsa-p256.enc-pkcs8.key'), () => 'somepass');
  assert.throws(
    () => ctx.loadCertChain(fix('leaf-ecdsa-p256.pem'), fix('leaf-ecdsa-p256.enc-pkcs8.key'), 'wrong'),
    isSSLError(/PEM lib/),
  );
  assert.throws(
    () => ctx.loadCertChain(fix('leaf-rsa2048.pem'), fix('leaf-ecdsa-p256.key')),
    isSSLError(/KEY_VALUES_MISMATCH/),
  );
  // A failed load leaves the stored pairs alone.
  assert.equal(ctx._certs.length, 3);
});

// ------------------------------------------------------------ trust anchors

test('load_verify_locations', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  ctx.loadVerifyLocations(CERTFILE);
  ctx.loadVerifyLocations(CERTFILE, null);
  ctx.loadVerifyLocations({ cafile: CERTFILE, capath: null });
  ctx.loadVerifyLocations(enc(CERTFILE));
  assert.throws(() => ctx.loadVerifyLocations(), {
    name: 'TypeError',
    message: 'cafile, capath and cadata cannot be all omitted',
  });
  assert.throws(() => ctx.loadVerifyLocations(null, null, null), TypeError);
  assert.throws(() => ctx.loadVerifyLocations({}), TypeError);
  assert.throws(
    () => ctx.loadVerifyLocations(NONEXISTINGCERT),
    (e: unknown) => e instanceof FileNotFoundError && e.errno === 2,
  );
  assert.throws(() => ctx.loadVerifyLocations(BADCERT), isSSLError(/PEM lib/));
  ctx.loadVerifyLocations(CERTFILE, CAPATH);
  ctx.loadVerifyLocations(CERTFILE, enc(CAPATH));
  // Issue #10989: the second argument's type is checked
  assert.throws(() => ctx.loadVerifyLocations(null, true as unknown as string), {
    name: 'TypeError',
    message: 'capath should be a valid filesystem path',
  });
});

test('load_verify_locations: error shapes match Python', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  assert.throws(
    () => ctx.loadVerifyLocations(BADCERT),
    (e: unknown) => e instanceof SSLError && e.message === '[X509] PEM lib' && e.library === 'X509',
  );
  // One bad block spoils the whole file.
  assert.deepEqual(ctx.certStoreStats(), { x509: 0, crl: 0, x509_ca: 0 });
  for (const f of [EMPTYCERT, ONLYKEY]) {
    assert.throws(
      () => ctx.loadVerifyLocations(f),
      (e: unknown) =>
        e instanceof SSLError &&
        e.message === '[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found' &&
        e.reason === 'NO_CERTIFICATE_OR_CRL_FOUND',
    );
  }
  assert.throws(() => ctx.loadVerifyLocations(CAPATH), IsADirectoryError);
  assert.throws(() => ctx.loadVerifyLocations(''), FileNotFoundError);
  // capath is looked up lazily by OpenSSL: a missing directory is not an error.
  ctx.loadVerifyLocations(null, data('XXXdir'));
  ctx.loadVerifyLocations(null, CERTFILE);
  assert.throws(() => ctx.loadVerifyLocations(1 as unknown as string), {
    name: 'TypeError',
    message: 'cafile should be a valid filesystem path',
  });
});

test('load_verify_locations: cadata', () => {
  const cacertPem = readFileSync(CAFILE_CACERT, 'utf8');
  const cacertDer = pemToDer(cacertPem);
  const neuronioPem = readFileSync(CAFILE_NEURONIO, 'utf8');
  const neuronioDer = pemToDer(neuronioPem);

  // test PEM
  let ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.equal(ctx.certStoreStats().x509_ca, 0);
  ctx.loadVerifyLocations({ cadata: cacertPem });
  assert.equal(ctx.certStoreStats().x509_ca, 1);
  ctx.loadVerifyLocations({ cadata: neuronioPem });
  assert.equal(ctx.certStoreStats().x509_ca, 2);
  // cert already in hash table
  ctx.loadVerifyLocations({ cadata: neuronioPem });
  assert.equal(ctx.certStoreStats().x509_ca, 2);

  // combined
  ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.loadVerifyLocations({ cadata: [cacertPem, neuronioPem].join('\n') });
  assert.equal(ctx.certStoreStats().x509_ca, 2);

  // with junk around the certs
  ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  const combined = ['head', cacertPem, 'other', neuronioPem, 'again', neuronioPem, 'tail'];
  ctx.loadVerifyLocations({ cadata: combined.join('\n') });
  assert.equal(ctx.certStoreStats().x509_ca, 2);

  // test DER
  ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.loadVerifyLocations({ cadata: cacertDer });
  ctx.loadVerifyLocations({ cadata: neuronioDer });
  assert.equal(ctx.certStoreStats().x509_ca, 2);
  // cert already in hash table
  ctx.loadVerifyLocations({ cadata: cacertDer });
  assert.equal(ctx.certStoreStats().x509_ca, 2);
  assert.equal(ctx._trusted.length, 2);

  // combined
  ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.loadVerifyLocations({ cadata: Buffer.concat([cacertDer, neuronioDer]) });
  assert.equal(ctx.certStoreStats().x509_ca, 2);

  // error cases
  ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.throws(() => ctx.loadVerifyLocations({ cadata: {} as unknown as string }), {
    name: 'TypeError',
    message: 'cadata should be an ASCII string or a bytes-like object',
  });
  assert.throws(
    () => ctx.loadVerifyLocations({ cadata: 'broken' }),
    isSSLError(/no start line: cadata does not contain a certificate/),
  );
  assert.throws(
    () => ctx.loadVerifyLocations({ cadata: enc('broken') }),
    isSSLError(/not enough data: cadata does not contain a certificate/),
  );
});

test('load_verify_locations: more cadata cases, as Python reports them', () => {
  const cacertPem = readFileSync(CAFILE_CACERT, 'utf8');
  const cacertDer = pemToDer(cacertPem);
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.throws(() => ctx.loadVerifyLocations({ cadata: '' }), { name: 'ValueError', message: 'Empty certificate data' });
  assert.throws(() => ctx.loadVerifyLocations({ cadata: new Uint8Array(0) }), ValueError);
  assert.throws(() => ctx.loadVerifyLocations({ cadata: 'é' }), TypeError);
  // DER followed by junk: the good certificate stays loaded, then an ASN1 error.
  assert.throws(
    () => ctx.loadVerifyLocations({ cadata: Buffer.concat([cacertDer, enc('junk')]) }),
    (e: unknown) => e instanceof SSLError && e.message === '[ASN1: NOT_ENOUGH_DATA] not enough data',
  );
  assert.deepEqual(ctx.certStoreStats(), { x509: 1, crl: 0, x509_ca: 1 });
  // A key is not a certificate.
  assert.throws(
    () => ctx.loadVerifyLocations({ cadata: readFileSync(ONLYKEY, 'utf8') }),
    isSSLError(/^no start line: cadata/),
  );
  // PEM with a broken block after a good one.
  const broken = readFileSync(CERTFILE, 'utf8') + '\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
  assert.throws(
    () => ctx.loadVerifyLocations({ cadata: broken }),
    (e: unknown) => e instanceof SSLError && e.message === '[PEM] ASN1 lib' && e.library === 'PEM',
  );
  assert.deepEqual(ctx.certStoreStats(), { x509: 2, crl: 0, x509_ca: 1 });
  // Positional form takes cadata third.
  ctx.loadVerifyLocations(null, null, cacertPem);
});

test('load_dh_params', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  ctx.loadDhParams(DHFILE);
  ctx.loadDhParams(enc(DHFILE));
  assert.throws(() => ctx.loadDhParams(null as unknown as string), TypeError);
  assert.throws(() => ctx.loadDhParams(NONEXISTINGCERT), (e: unknown) => e instanceof FileNotFoundError && e.errno === 2);
  assert.throws(
    () => ctx.loadDhParams(CERTFILE),
    (e: unknown) =>
      e instanceof SSLError &&
      e.library === 'PEM' &&
      e.reason === 'NO_START_LINE' &&
      e.message.startsWith('[PEM: NO_START_LINE] no start line'),
  );
});

test('session_stats', () => {
  for (const proto of [ssl.PROTOCOL_TLS_CLIENT, ssl.PROTOCOL_TLS_SERVER]) {
    assert.deepEqual(new SSLContext(proto).sessionStats(), {
      number: 0,
      connect: 0,
      connect_good: 0,
      connect_renegotiate: 0,
      accept: 0,
      accept_good: 0,
      accept_renegotiate: 0,
      hits: 0,
      misses: 0,
      timeouts: 0,
      cache_full: 0,
    });
  }
});

test('set_default_verify_paths', () => {
  new SSLContext(ssl.PROTOCOL_TLS_CLIENT).setDefaultVerifyPaths();
});

test('set_ecdh_curve', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  ctx.setEcdhCurve('prime256v1');
  assert.deepEqual(ctx._groups, ['secp256r1']);
  ctx.setEcdhCurve(enc('prime256v1'));
  ctx.setEcdhCurve('X25519');
  assert.deepEqual(ctx._groups, ['x25519']);
  ctx.setEcdhCurve('secp384r1');
  assert.deepEqual(ctx._groups, ['secp384r1']);
  assert.throws(() => ctx.setEcdhCurve(null as unknown as string), TypeError);
  assert.throws(() => ctx.setEcdhCurve('foo'), { name: 'ValueError', message: "unknown elliptic curve name 'foo'" });
  assert.throws(() => ctx.setEcdhCurve(enc('foo')), ValueError);
  // Python's spelling only: these are not OpenSSL short names.
  assert.throws(() => ctx.setEcdhCurve('secp256r1'), ValueError);
  assert.throws(() => ctx.setEcdhCurve('x25519'), ValueError);
});

test('sni_callback', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  type Cb = Parameters<typeof ctx.setServernameCallback>[0];
  assert.throws(() => ctx.setServernameCallback(4 as unknown as Cb), { name: 'TypeError', message: 'not a callable object' });
  assert.throws(() => ctx.setServernameCallback('' as unknown as Cb), TypeError);
  assert.throws(() => ctx.setServernameCallback(ctx as unknown as Cb), TypeError);
  const dummy: Cb = () => null;
  ctx.setServernameCallback(null);
  assert.equal(ctx.sniCallback, null);
  ctx.setServernameCallback(dummy);
  assert.equal(ctx.sniCallback, dummy);
  ctx.sniCallback = null;
  assert.equal(ctx.sniCallback, null);
});

test('cert_store_stats', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.deepEqual(ctx.certStoreStats(), { x509_ca: 0, crl: 0, x509: 0 });
  ctx.loadCertChain(CERTFILE);
  assert.deepEqual(ctx.certStoreStats(), { x509_ca: 0, crl: 0, x509: 0 });
  ctx.loadVerifyLocations(CERTFILE);
  assert.deepEqual(ctx.certStoreStats(), { x509_ca: 0, crl: 0, x509: 1 });
  ctx.loadVerifyLocations(CAFILE_CACERT);
  assert.deepEqual(ctx.certStoreStats(), { x509_ca: 1, crl: 0, x509: 2 });
  // capath certificates are not read now (OpenSSL looks them up lazily by subject hash)...
  ctx.loadVerifyLocations(null, CAPATH);
  assert.deepEqual(ctx.certStoreStats(), { x509_ca: 1, crl: 0, x509: 2 });
  assert.equal(ctx._trusted.length, 2);
  assert.deepEqual(ctx._capaths, [CAPATH]);
  // ...so they count only when loaded explicitly.
  ctx.loadVerifyLocations(SIGNING_CA);
  assert.deepEqual(ctx.certStoreStats(), { x509_ca: 2, crl: 0, x509: 3 });
});

test('get_ca_certs (binary form)', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.deepEqual(ctx.getCaCerts(true), []);
  // CERTFILE is not flagged as X509v3 Basic Constraints: CA:TRUE
  ctx.loadVerifyLocations(CERTFILE);
  assert.deepEqual(ctx.getCaCerts(true), []);
  ctx.loadVerifyLocations(CAFILE_CACERT);
  assert.deepEqual(ctx.getCaCerts(true), [pemToDer(readFileSync(CAFILE_CACERT, 'utf8'))]);
});

test('get_ca_certs (dicts)', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.deepEqual(ctx.getCaCerts(), []);
  ctx.loadVerifyLocations(CERTFILE);
  assert.deepEqual(ctx.getCaCerts(), []);
  ctx.loadVerifyLocations(CAFILE_CACERT);
  const got = JSON.parse(JSON.stringify(ctx.getCaCerts())) as unknown;
  assert.deepEqual(got, [
    {
      issuer: [
        [['organizationName', 'Root CA']],
        [['organizationalUnitName', 'http://www.cacert.org']],
        [['commonName', 'CA Cert Signing Authority']],
        [['emailAddress', 'support@cacert.org']],
      ],
      notAfter: 'Mar 29 12:29:49 2033 GMT',
      notBefore: 'Mar 30 12:29:49 2003 GMT',
      serialNumber: '00',
      crlDistributionPoints: ['https://www.cacert.org/revoke.crl'],
      subject: [
        [['organizationName', 'Root CA']],
        [['organizationalUnitName', 'http://www.cacert.org']],
        [['commonName', 'CA Cert Signing Authority']],
        [['emailAddress', 'support@cacert.org']],
      ],
      version: 3,
    },
  ]);
});

function withEnv(vars: Record<string, string | undefined>, f: () => void): void {
  const saved: Record<string, string | undefined> = {};
  for (const k of Object.keys(vars)) {
    saved[k] = process.env[k];
    if (vars[k] === undefined) delete process.env[k];
    else process.env[k] = vars[k];
  }
  try {
    f();
  } finally {
    for (const k of Object.keys(saved)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

test('load_default_certs', () => {
  let ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.loadDefaultCerts();
  assert.ok(ctx._trusted.length > 0);

  ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.loadDefaultCerts(ssl.Purpose.SERVER_AUTH);
  ctx.loadDefaultCerts();

  ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.loadDefaultCerts(ssl.Purpose.CLIENT_AUTH);

  ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.throws(() => ctx.loadDefaultCerts(null as unknown as ssl.ASN1Object), TypeError);
  assert.throws(() => ctx.loadDefaultCerts('SERVER_AUTH' as unknown as ssl.ASN1Object), TypeError);
});

test('load_default_certs from the environment', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  withEnv({ SSL_CERT_DIR: CAPATH, SSL_CERT_FILE: CERTFILE }, () => ctx.loadDefaultCerts());
  assert.deepEqual(ctx.certStoreStats(), { crl: 0, x509: 1, x509_ca: 0 });
});

test('load_default_certs falls back to node roots without a system bundle', () => {
  withEnv({ SSL_CERT_DIR: undefined, SSL_CERT_FILE: undefined }, () => {
    const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    ctx.loadDefaultCerts();
    assert.ok(ctx.certStoreStats().x509_ca > 50);
  });
});

function assertContextOptions(ctx: SSLContext): void {
  for (const flag of [
    ssl.OP_NO_SSLv2,
    ssl.OP_NO_COMPRESSION,
    ssl.OP_SINGLE_DH_USE,
    ssl.OP_SINGLE_ECDH_USE,
    ssl.OP_CIPHER_SERVER_PREFERENCE,
  ]) {
    assert.equal(ctx.options & flag, flag);
  }
}

test('create_default_context', () => {
  let ctx = createDefaultContext();
  assert.equal(ctx.protocol, ssl.PROTOCOL_TLS_CLIENT);
  assert.equal(ctx.verifyMode, ssl.CERT_REQUIRED);
  assert.equal(ctx.checkHostname, true);
  assertContextOptions(ctx);

  const cadata = readFileSync(SIGNING_CA, 'utf8');
  ctx = createDefaultContext({ cafile: SIGNING_CA, capath: CAPATH, cadata });
  assert.equal(ctx.protocol, ssl.PROTOCOL_TLS_CLIENT);
  assert.equal(ctx.verifyMode, ssl.CERT_REQUIRED);
  assertContextOptions(ctx);
  assert.deepEqual(ctx.certStoreStats(), { x509: 1, crl: 0, x509_ca: 1 });

  ctx = createDefaultContext({ purpose: ssl.Purpose.CLIENT_AUTH });
  assert.equal(ctx.protocol, ssl.PROTOCOL_TLS_SERVER);
  assert.equal(ctx.verifyMode, ssl.CERT_NONE);
  assert.equal(ctx._trusted.length, 0);
  assertContextOptions(ctx);

  assert.throws(() => createDefaultContext({ purpose: 'x' as unknown as ssl.ASN1Object }), TypeError);
  assert.throws(
    () => createDefaultContext({ purpose: { nid: 0, shortname: 'x', longname: 'x', oid: '1.2.3' } }),
    ValueError,
  );
});

test('create_default_context honours SSLKEYLOGFILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssl-ts-ctx-'));
  try {
    const file = join(dir, 'keys.log');
    withEnv({ SSLKEYLOGFILE: file }, () => {
      const ctx = createDefaultContext({ purpose: ssl.Purpose.CLIENT_AUTH });
      assert.equal(ctx.keylogFilename, file);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('check_hostname', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS);
  assert.equal(ctx.checkHostname, false);
  assert.equal(ctx.verifyMode, ssl.CERT_NONE);

  // Auto set CERT_REQUIRED
  ctx.checkHostname = true;
  assert.equal(ctx.checkHostname, true);
  assert.equal(ctx.verifyMode, ssl.CERT_REQUIRED);
  ctx.checkHostname = false;
  ctx.verifyMode = ssl.CERT_REQUIRED;
  assert.equal(ctx.checkHostname, false);
  assert.equal(ctx.verifyMode, ssl.CERT_REQUIRED);

  // Changing verify_mode does not affect check_hostname
  ctx.checkHostname = false;
  ctx.verifyMode = ssl.CERT_NONE;
  ctx.checkHostname = false;
  assert.equal(ctx.checkHostname, false);
  assert.equal(ctx.verifyMode, ssl.CERT_NONE);
  // Auto set
  ctx.checkHostname = true;
  assert.equal(ctx.checkHostname, true);
  assert.equal(ctx.verifyMode, ssl.CERT_REQUIRED);

  ctx.checkHostname = false;
  ctx.verifyMode = ssl.CERT_OPTIONAL;
  ctx.checkHostname = false;
  assert.equal(ctx.checkHostname, false);
  assert.equal(ctx.verifyMode, ssl.CERT_OPTIONAL);
  // keep CERT_OPTIONAL
  ctx.checkHostname = true;
  assert.equal(ctx.checkHostname, true);
  assert.equal(ctx.verifyMode, ssl.CERT_OPTIONAL);

  // Cannot set CERT_NONE with check_hostname enabled
  assert.throws(() => (ctx.verifyMode = ssl.CERT_NONE), {
    name: 'ValueError',
    message: 'Cannot set verify_mode to CERT_NONE when check_hostname is enabled.',
  });
  ctx.checkHostname = false;
  assert.equal(ctx.checkHostname, false);
  ctx.verifyMode = ssl.CERT_NONE;
  assert.equal(ctx.verifyMode, ssl.CERT_NONE);
});

test('context client/server defaults', () => {
  let ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.equal(ctx.checkHostname, true);
  assert.equal(ctx.verifyMode, ssl.CERT_REQUIRED);
  ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  assert.equal(ctx.checkHostname, false);
  assert.equal(ctx.verifyMode, ssl.CERT_NONE);
});

test('num_tickets', () => {
  let ctx = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  assert.equal(ctx.numTickets, 2);
  ctx.numTickets = 1;
  assert.equal(ctx.numTickets, 1);
  ctx.numTickets = 0;
  assert.equal(ctx.numTickets, 0);
  assert.throws(() => (ctx.numTickets = -1), { name: 'ValueError', message: 'value must be non-negative' });
  assert.throws(() => (ctx.numTickets = null as unknown as number), TypeError);

  ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.equal(ctx.numTickets, 2);
  assert.throws(() => (ctx.numTickets = 1), { name: 'ValueError', message: 'SSLContext is not a server context.' });
  assert.throws(() => (new SSLContext(ssl.PROTOCOL_TLS).numTickets = 1), ValueError);
});

test('post_handshake_auth', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  assert.equal(ctx.postHandshakeAuth, false);
  ctx.postHandshakeAuth = true;
  assert.equal(ctx.postHandshakeAuth, true);
});

test('keylog_filename', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssl-ts-ctx-'));
  try {
    const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    assert.equal(ctx.keylogFilename, null);
    const file = join(dir, 'keys.log');
    ctx.keylogFilename = file;
    assert.equal(ctx.keylogFilename, file);
    assert.equal(readFileSync(file, 'utf8'), '# TLS secrets log file, generated by OpenSSL / Python\n');
    ctx.keylogFilename = file; // existing, non-empty: no second header
    assert.equal(readFileSync(file, 'utf8').split('\n').length, 2);
    ctx.keylogFilename = null;
    assert.equal(ctx.keylogFilename, null);
    assert.throws(() => (ctx.keylogFilename = 1 as unknown as string), TypeError);
    const bad = join(dir, 'no', 'such', 'dir');
    assert.throws(() => (ctx.keylogFilename = bad), {
      name: 'FileNotFoundError',
      message: `[Errno 2] No such file or directory: '${bad}'`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------- ALPN

test('set_alpn_protocols', () => {
  const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  ctx.setAlpnProtocols([]);
  assert.deepEqual(ctx._alpnProtocols, []);
  ctx.setAlpnProtocols(['h2', 'http/1.1']);
  assert.deepEqual(ctx._alpnProtocols, ['h2', 'http/1.1']);
  ctx.setAlpnProtocols(['a'.repeat(255)]);
  assert.throws(() => ctx.setAlpnProtocols(['']), isSSLError(/^ALPN protocols must be 1 to 255 in length$/));
  assert.throws(() => ctx.setAlpnProtocols(['a'.repeat(256)]), SSLError);
  assert.throws(() => ctx.setAlpnProtocols(['é']), ValueError);
  assert.throws(() => ctx.setAlpnProtocols([enc('h2') as unknown as string]), {
    name: 'TypeError',
    message: 'encoding without a string argument',
  });
  assert.throws(() => ctx.setAlpnProtocols(null as unknown as string[]), TypeError);
  // Any iterable of str, like Python (a str iterates its characters).
  ctx.setAlpnProtocols('h2');
  assert.deepEqual(ctx._alpnProtocols, ['h', '2']);
});

// ----------------------------------------------------------------- wrap_bio

test('wrap_bio: bad server_hostname (SSLErrorTests.test_bad_server_hostname)', () => {
  const ctx = createDefaultContext({ purpose: ssl.Purpose.SERVER_AUTH, cadata: undefined });
  const M = (): MemoryBIO => new MemoryBIO();
  assert.throws(() => ctx.wrapBio(M(), M(), { serverHostname: '' }), {
    name: 'ValueError',
    message: 'server_hostname cannot be an empty string or start with a leading dot.',
  });
  assert.throws(() => ctx.wrapBio(M(), M(), { serverHostname: '.example.org' }), {
    name: 'ValueError',
    message: "encoding with 'idna' codec failed (UnicodeError: label empty or too long)",
  });
  assert.throws(() => ctx.wrapBio(M(), M(), { serverHostname: 'example.org\x00evil.com' }), {
    name: 'TypeError',
    message: 'argument must be encoded string without null bytes, not str',
  });
  assert.throws(() => ctx.wrapBio(M(), M(), { serverHostname: 'a..b' }), ValueError);
  assert.throws(() => ctx.wrapBio(M(), M(), { serverHostname: 'a'.repeat(64) + '.com' }), ValueError);
  assert.throws(() => ctx.wrapBio(M(), M(), { serverHostname: 'a'.repeat(300) }), {
    name: 'ValueError',
    message: "encoding with 'idna' codec failed (UnicodeError: label too long)",
  });
  assert.throws(() => ctx.wrapBio(M(), M(), { serverHostname: 1 as unknown as string }), TypeError);
});

test('wrap_bio: argument and mode checks', () => {
  const M = (): MemoryBIO => new MemoryBIO();
  const client = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  const server = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  assert.throws(() => server.wrapBio(1 as unknown as MemoryBIO, M(), { serverSide: true }), {
    name: 'TypeError',
    message: "_wrap_bio() argument 'incoming' must be _ssl.MemoryBIO, not int",
  });
  assert.throws(() => server.wrapBio(M(), null as unknown as MemoryBIO, { serverSide: true }), TypeError);
  assert.throws(
    () => client.wrapBio(M(), M(), { serverSide: true }),
    isSSLError(/^Cannot create a server socket with a PROTOCOL_TLS_CLIENT context$/),
  );
  assert.throws(
    () => server.wrapBio(M(), M()),
    isSSLError(/^Cannot create a client socket with a PROTOCOL_TLS_SERVER context$/),
  );
  assert.throws(() => client.wrapBio(M(), M(), { serverHostname: 'x', session: 1 as never }), {
    name: 'TypeError',
    message: 'Value is not a SSLSession.',
  });
  // ssl-ts applies Python's wrap_socket rules here too.
  assert.throws(() => client.wrapBio(M(), M()), {
    name: 'ValueError',
    message: 'check_hostname requires server_hostname',
  });
  assert.throws(() => server.wrapBio(M(), M(), { serverSide: true, serverHostname: 'x' }), {
    name: 'ValueError',
    message: 'server_hostname can only be specified in client mode',
  });
});

test('wrap_bio: accepted forms and IDNA encoding', () => {
  const M = (): MemoryBIO => new MemoryBIO();
  const client = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
  const cases: Array<[string, string]> = [
    ['example.org', 'example.org'],
    ['example.org.', 'example.org.'],
    ['ExAmple.ORG', 'ExAmple.ORG'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['ÄÖ.de', 'xn--4ca0b.de'],
    ['a\u3002b', 'a.b'],
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
  ];
  for (const [given, encoded] of cases) {
    const obj = client.wrapBio(M(), M(), { serverHostname: given });
    assert.equal(obj.serverHostname, encoded, given);
    assert.equal(obj.serverSide, false);
    assert.equal(obj.context, client);
  }
  const server = new SSLContext(ssl.PROTOCOL_TLS_SERVER);
  const s = server.wrapBio(M(), M(), { serverSide: true });
  assert.equal(s.serverSide, true);
  assert.equal(s.serverHostname, null);
  // PROTOCOL_TLS works both ways; without check_hostname no name is needed.
  const generic = new SSLContext(ssl.PROTOCOL_TLS);
  generic.wrapBio(M(), M(), { serverSide: true });
  generic.wrapBio(M(), M());
  client.checkHostname = false;
  client.wrapBio(M(), M());
});

test('capath lookup finds issuers by subject-name hash only, lazily', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssl-ts-capath-'));
  try {
    const leaf = readFileSync(data('keycert3.pem'), 'utf8');
    const verify = (ctx: SSLContext): number => {
      try {
        verifyCertificateChain({ leaf, context: ctx, hostname: 'localhost', time: new Date(Date.UTC(2030, 0, 1)) });
        return 0;
      } catch (e) {
        if (e instanceof SSLCertVerificationError) return e.verifyCode;
        throw e;
      }
    };
    copyFileSync(SIGNING_CA, join(dir, 'not-a-hash.pem'));
    writeFileSync(join(dir, 'abcdef01.0'), 'garbage');
    const ctx = new SSLContext(ssl.PROTOCOL_TLS_CLIENT);
    ctx.loadVerifyLocations({ capath: dir });
    assert.equal(ctx._trusted.length, 0);
    assert.equal(verify(ctx), 20);
    // `openssl x509 -subject_hash` of the signing CA is b1930218.
    copyFileSync(SIGNING_CA, join(dir, 'b1930218.0'));
    assert.deepEqual(ctx.certStoreStats(), { x509: 0, crl: 0, x509_ca: 0 });
    assert.equal(verify(ctx), 0);
    // Found by the directory lookup, the CA joins the store (OpenSSL's by_dir adds it).
    assert.deepEqual(ctx.certStoreStats(), { x509: 1, crl: 0, x509_ca: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
