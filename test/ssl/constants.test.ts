// Constants against the real thing: python3's ssl module (3.11 on OpenSSL 3.0)
// is asked for its values, which must match ours except where ssl-ts reports
// its own capabilities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as C from '../../src/ssl/constants.js';

const PY_DUMP = String.raw`
import ssl, json, enum
out = {}
for name in dir(ssl):
    v = getattr(ssl, name)
    if name.startswith(('OP_', 'CERT_', 'VERIFY_', 'ALERT_DESCRIPTION_', 'SSL_ERROR_', 'PROTOCOL_', 'HAS_')):
        out[name] = v if isinstance(v, bool) else int(v)
def members(e):
    return {k: int(v) for k, v in e.__members__.items()}
out['enums'] = {
    'Options': members(ssl.Options),
    'VerifyFlags': members(ssl.VerifyFlags),
    'VerifyMode': members(ssl.VerifyMode),
    'TLSVersion': members(ssl.TLSVersion),
    'AlertDescription': members(ssl.AlertDescription),
    'SSLErrorNumber': members(ssl.SSLErrorNumber),
    '_SSLMethod': members(ssl._SSLMethod),
}
out['Purpose'] = {p.name: p.value._asdict() for p in ssl.Purpose}
out['CHANNEL_BINDING_TYPES'] = ssl.CHANNEL_BINDING_TYPES
out['_DEFAULT_CIPHERS'] = ssl._DEFAULT_CIPHERS
out['PEM_HEADER'] = ssl.PEM_HEADER
out['PEM_FOOTER'] = ssl.PEM_FOOTER
out['OPENSSL_VERSION_INFO'] = list(ssl.OPENSSL_VERSION_INFO)
out['OPENSSL_VERSION_NUMBER'] = ssl.OPENSSL_VERSION_NUMBER
print(json.dumps(out))
`;

interface PyDump {
  [name: string]: unknown;
  enums: Record<string, Record<string, number>>;
  Purpose: Record<string, { nid: number; shortname: string; longname: string; oid: string }>;
}

function pythonDump(): PyDump | null {
  const r = spawnSync('python3', ['-c', PY_DUMP], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout) return null;
  return JSON.parse(r.stdout) as PyDump;
}

const py = pythonDump();
const ours = C as unknown as Record<string, unknown>;

/** Where ssl-ts deliberately tells its own truth instead of Python's build's. */
const OWN_TRUTH: Record<string, unknown> = {
  HAS_TLSv1: false,
  HAS_TLSv1_1: false,
  HAS_SSLv2: false,
  HAS_SSLv3: false,
  HAS_NPN: false,
  HAS_PSK: true,
};
/** OpenSSL options and verify flags ssl-ts names though Python 3.11 does not (documented in the README). */
const EXTRAS = new Set(['OP_NO_EXTENDED_MASTER_SECRET', 'OP_ALLOW_NO_DHE_KEX', 'VERIFY_X509_WEBPKI']);
/** Python names ssl-ts leaves out (none: even methods it cannot speak exist, as in Python). */
const ABSENT = new Set<string>();

test('module-level constants match python3', () => {
  for (const [name, value] of Object.entries(py!)) {
    if (!/^(OP_|CERT_|VERIFY_|ALERT_DESCRIPTION_|SSL_ERROR_|PROTOCOL_|HAS_)/.test(name)) continue;
    if (ABSENT.has(name)) {
      assert.equal(ours[name], undefined, name);
      continue;
    }
    const expected = name in OWN_TRUTH ? OWN_TRUTH[name] : value;
    assert.equal(ours[name], expected, name);
  }
  for (const name of Object.keys(OWN_TRUTH)) assert.equal(ours[name], OWN_TRUTH[name], name);
});

test('ssl-ts exports no OP_/VERIFY_/ALERT_ names Python lacks', () => {
  for (const name of Object.keys(ours)) {
    if (/^(OP_|CERT_|VERIFY_|ALERT_DESCRIPTION_|SSL_ERROR_|PROTOCOL_)/.test(name) && !EXTRAS.has(name)) {
      assert.ok(name in py!, `${name} is not in Python's ssl module`);
    }
  }
});

/** Name → value of a TS numeric enum (dropping the reverse mapping) or a const object. */
function tsMembers(e: object): Record<string, number> {
  return Object.fromEntries(Object.entries(e).filter(([k, v]) => typeof v === 'number' && !/^\d+$/.test(k)));
}

test('enum members match python3', () => {
  const e = py!.enums;
  const options = tsMembers(C.Options);
  for (const name of EXTRAS) delete options[name];
  assert.deepEqual(options, e['Options']);
  const { VERIFY_X509_WEBPKI: webpki, ...pythonFlags } = tsMembers(C.VerifyFlags);
  assert.deepEqual(pythonFlags, e['VerifyFlags']);
  // The WebPKI flag takes a bit no Python (X509_V_FLAG_*) value uses.
  assert.equal(webpki, 0x40000000);
  for (const v of Object.values(e['VerifyFlags']!)) assert.equal(v & webpki!, 0);
  assert.deepEqual(tsMembers(C.VerifyMode), e['VerifyMode']);
  assert.deepEqual(tsMembers(C.TLSVersion), e['TLSVersion']);
  assert.deepEqual(tsMembers(C.AlertDescription), e['AlertDescription']);
  assert.deepEqual(tsMembers(C.SSLErrorNumber), e['SSLErrorNumber']);
  assert.deepEqual(tsMembers(C.SSLMethod), e['_SSLMethod']);
});

test('Purpose, CHANNEL_BINDING_TYPES, default ciphers and PEM markers match python3', () => {
  assert.deepEqual({ ...C.Purpose.SERVER_AUTH }, py!.Purpose['SERVER_AUTH']);
  assert.deepEqual({ ...C.Purpose.CLIENT_AUTH }, py!.Purpose['CLIENT_AUTH']);
  assert.equal(C.Purpose.SERVER_AUTH.oid, '1.3.6.1.5.5.7.3.1');
  assert.deepEqual([...C.CHANNEL_BINDING_TYPES], py!['CHANNEL_BINDING_TYPES']);
  assert.equal(C.DEFAULT_CIPHERS, py!['_DEFAULT_CIPHERS']);
  assert.equal(C.PEM_HEADER, py!['PEM_HEADER']);
  assert.equal(C.PEM_FOOTER, py!['PEM_FOOTER']);
});

test('enum reverse mappings read like Python reprs', () => {
  assert.equal(C.SSLMethod[2], 'PROTOCOL_TLS');
  assert.equal(C.PROTOCOL_SSLv23, C.PROTOCOL_TLS);
  assert.equal(C.TLSVersion[0x304], 'TLSv1_3');
  assert.equal(C.VerifyMode[2], 'CERT_REQUIRED');
  assert.equal(C.AlertDescription[48], 'ALERT_DESCRIPTION_UNKNOWN_CA');
  assert.equal(C.SSLErrorNumber[6], 'SSL_ERROR_ZERO_RETURN');
});

test('OPENSSL_VERSION* describe ssl-ts, shaped like Python', () => {
  assert.equal(
    C.OPENSSL_VERSION,
    `ssl-ts 0.1.0 (TLS engine in TypeScript; crypto from Node ${process.versions.openssl})`,
  );
  assert.deepEqual([...C.OPENSSL_VERSION_INFO], [0, 1, 0, 0, 0]);
  // Same packing as OpenSSL 3 (0xMNN00PP0); Python's own pair must satisfy it too.
  const pack = (v: readonly number[]): number => v[0]! * 2 ** 28 + v[1]! * 2 ** 20 + v[2]! * 2 ** 12 + v[3]! * 16 + v[4]!;
  assert.equal(C.OPENSSL_VERSION_NUMBER, pack(C.OPENSSL_VERSION_INFO));
  assert.equal(py!['OPENSSL_VERSION_NUMBER'], pack(py!['OPENSSL_VERSION_INFO'] as number[]));
  assert.equal(py!['OPENSSL_VERSION_INFO'] instanceof Array, true);
  assert.equal(C.OPENSSL_VERSION_INFO.length, (py!['OPENSSL_VERSION_INFO'] as number[]).length);
});

test('capability flags are ssl-ts truth', () => {
  assert.equal(C.HAS_SNI, true);
  assert.equal(C.HAS_ALPN, true);
  assert.equal(C.HAS_ECDH, true);
  assert.equal(C.HAS_TLSv1_2, true);
  assert.equal(C.HAS_TLSv1_3, true);
  assert.equal(C.HAS_NEVER_CHECK_COMMON_NAME, true);
  assert.equal(C.HAS_TLSv1, false);
  assert.equal(C.HAS_TLSv1_1, false);
  assert.equal(C.HAS_NPN, false);
  assert.equal(C.HAS_PSK, true);
});

test('OP_ALL and friends keep their unsigned values', () => {
  assert.equal(C.OP_ALL, 2147483728);
  assert.equal(
    (C.OP_ALL | C.OP_NO_SSLv3 | C.OP_CIPHER_SERVER_PREFERENCE | C.OP_ENABLE_MIDDLEBOX_COMPAT | C.OP_NO_COMPRESSION) >>> 0,
    2186412112,
  );
});
