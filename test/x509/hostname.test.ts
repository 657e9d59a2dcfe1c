// Hostname / IP matching, checked case by case against OpenSSL's own
// X509_check_host / X509_check_ip_asc (called through python3's ctypes on the
// libcrypto CPython uses) with CPython's flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parseCertificate } from '../../src/x509/certificate.js';
import { matchHostname, matchDnsName, matchIpAddress, parseIpAddress } from '../../src/x509/hostname.js';
import {
  buildCert, ctxPrim, ext, fixtureDer, name, seq, str, utf8,
} from './helpers.js';

const dns = (s: string): ReturnType<typeof ctxPrim> => ctxPrim(2, Buffer.from(s, 'latin1'));
const ip = (h: string): ReturnType<typeof ctxPrim> => ctxPrim(7, Buffer.from(h, 'hex'));
const san = (...names: ReturnType<typeof ctxPrim>[]): ReturnType<typeof ext> => ext('2.5.29.17', seq(...names));
const bmp = (s: string): Uint8Array => {
  const b = Buffer.alloc(s.length * 2);
  for (let i = 0; i < s.length; i++) b.writeUInt16BE(s.charCodeAt(i), i * 2);
  return b;
};

const CERTS: Record<string, Uint8Array> = {
  wildcards: buildCert({
    subject: name([['2.5.4.3', utf8('ignored.example')]]),
    extensions: [san(
      dns('*.example.com'), dns('f*.partial.example'), dns('*oo.suffix.example'), dns('www.*.inner.example'),
      dns('*.com'), dns('*.xn--bcher-kva.example'), dns('xn--*.idna.example'), dns('exact.example.org'),
      dns('UPPER.Example.NET'), dns('*'), dns('trailing.dot.'), dns('a..b.example'), dns('-bad.example'),
      dns('*.-hy.example'), dns('nul\u0000.example'), dns(''), dns('two*stars*.example'), dns('*.hy-.example'), dns('*..dots.example'),
    )],
  }),
  ips: buildCert({
    subject: name([['2.5.4.3', utf8('127.0.0.1')]]),
    extensions: [san(ip('7f000001'), ip('00000000000000000000000000000001'), ip('0a000001ff'), dns('dns.example'))],
  }),
  cnOnly: buildCert({ subject: name([['2.5.4.3', utf8('cn.example')], ['2.5.4.10', utf8('org')]], [['2.5.4.3', utf8('*.wild-cn.example')]]) }),
  cnBmp: buildCert({ subject: name([['2.5.4.3', str(30, bmp('bmp.example'))]]) }),
  ipSanAndCn: buildCert({ subject: name([['2.5.4.3', utf8('fallback.example')]]), extensions: [san(ip('c0000201'))] }),
  emailSanAndCn: buildCert({ subject: name([['2.5.4.3', utf8('fallback.example')]]), extensions: [san(ctxPrim(1, Buffer.from('a@fallback.example')))] }),
  dupSan: buildCert({ subject: name([['2.5.4.3', utf8('dup.example')]]), extensions: [san(dns('one.example')), san(dns('two.example'))] }),
  fixtureLeaf: fixtureDer('leaf-ecdsa-p256.pem'),
  fixtureWronghost: fixtureDer('wronghost.pem'),
};

const HOSTS = [
  'www.example.com', 'example.com', 'a.b.example.com', 'WWW.EXAMPLE.COM', '.example.com', 'x.example.com.',
  'foo.partial.example', 'f.partial.example', 'foo.suffix.example', 'oo.suffix.example', 'www.x.inner.example',
  'com', 'anything.com', 'x.xn--bcher-kva.example', 'xn--bcher-kva.example', 'xn--abc.idna.example', 'xn--.idna.example',
  'exact.example.org', 'EXACT.example.org', 'exact.example.org.', 'upper.example.net', '*', 'a', 'trailing.dot.', 'trailing.dot',
  'a..b.example', '-bad.example', 'x.-hy.example', '*.example.com', 'nul', 'two*stars*.example', 'twoAstarsB.example',
  'dns.example', 'cn.example', 'CN.EXAMPLE', 'x.wild-cn.example', 'wild-cn.example', 'bmp.example', 'later.example',
  'fallback.example', 'dup.example', 'one.example', 'two.example', 'localhost', 'LOCALHOST', 'wrong.example', 'localhost.',
  '127.0.0.1', ' 127.0.0.1', '127.0.0.1 ', '127.0.0.1 junk', '127.000.000.001', '127.0.0.01', '127.1', '127.0.0.1.', '+127.0.0.1',
  '256.0.0.1', '::1', '0:0:0:0:0:0:0:1', '0::1', '::0:1', '::0.0.0.1', '::ffff:127.0.0.1', '1::', '::', ':1', '1:', '1:::2',
  '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::', '::1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8', 'fe80::1%eth0', '10.0.0.1', '192.0.2.1',
  '::00001', '::g', '[::1]', 'x.hy-.example', 'x..dots.example', '*.hy-.example', '*..dots.example',
];

interface RefCase { cert: string; host: string; flags: number }

function opensslReference(cases: RefCase[], table: Record<string, Uint8Array> = CERTS): number[] {
  const script = `
import ctypes, json, subprocess, sys, _ssl
lib = [l.split('=>')[1].split()[0] for l in subprocess.run(['ldd', _ssl.__file__], capture_output=True, text=True).stdout.splitlines() if 'libcrypto' in l][0]
c = ctypes.CDLL(lib)
c.d2i_X509.restype = ctypes.c_void_p
c.d2i_X509.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_long]
c.a2i_IPADDRESS.restype = ctypes.c_void_p
c.a2i_IPADDRESS.argtypes = [ctypes.c_char_p]
c.ASN1_OCTET_STRING_free.argtypes = [ctypes.c_void_p]
c.X509_check_host.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_void_p]
c.X509_check_ip_asc.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint]
data = json.loads(sys.stdin.read())
certs = {}
for k, h in data['certs'].items():
    b = bytes.fromhex(h)
    p = ctypes.c_char_p(b)
    certs[k] = c.d2i_X509(None, ctypes.byref(p), len(b))
    assert certs[k], k
out = []
for case in data['cases']:
    host = case['host'].encode()
    a = c.a2i_IPADDRESS(host)
    if a:
        c.ASN1_OCTET_STRING_free(a)
        r = c.X509_check_ip_asc(certs[case['cert']], host, 0)
    else:
        r = c.X509_check_host(certs[case['cert']], host, len(host), case['flags'], None)
    out.append(r)
print(json.dumps(out))
`;
  const certs = Object.fromEntries(Object.entries(table).map(([k, v]) => [k, Buffer.from(v).toString('hex')]));
  const out = execFileSync('python3', ['-c', script], { input: JSON.stringify({ certs, cases }) });
  return JSON.parse(out.toString()) as number[];
}

const NO_PARTIAL_WILDCARDS = 0x4;
const NEVER_CHECK_SUBJECT = 0x20;

test('matchHostname agrees with OpenSSL X509_check_host/X509_check_ip_asc', () => {
  const cases: RefCase[] = [];
  for (const certName of Object.keys(CERTS)) {
    for (const host of HOSTS) {
      cases.push({ cert: certName, host, flags: NO_PARTIAL_WILDCARDS });
      cases.push({ cert: certName, host, flags: NO_PARTIAL_WILDCARDS | NEVER_CHECK_SUBJECT });
    }
  }
  const ref = opensslReference(cases);
  const parsed = Object.fromEntries(Object.entries(CERTS).map(([k, v]) => [k, parseCertificate(v)]));
  const mismatches: string[] = [];
  cases.forEach((c, i) => {
    const ours = matchHostname(parsed[c.cert]!, c.host, { checkCommonName: (c.flags & NEVER_CHECK_SUBJECT) === 0 });
    // Deliberate difference: X509_check_host falls back to the commonName
    // when the subjectAltName cannot be read (here: duplicated); we never do.
    // (Chain verification refuses such a certificate anyway, as OpenSSL does.)
    const expected = c.cert === 'dupSan' ? false : ref[i]! > 0;
    if (c.cert === 'dupSan' && c.host === 'dup.example' && (c.flags & NEVER_CHECK_SUBJECT) === 0) {
      assert.equal(ref[i], 1, 'OpenSSL X509_check_host falls back to the CN of a certificate with a duplicated SAN');
    }
    if (ours !== expected) mismatches.push(`${c.cert} ${JSON.stringify(c.host)} flags=${c.flags}: openssl=${ref[i]} ours=${ours}`);
  });
  assert.deepStrictEqual(mismatches, []);
});

// Every pattern alone in a certificate (so that no other name can hide a
// difference), against every name: the patterns themselves and names built to
// sit on each boundary of the rules (the characters around 0-9, A-Z and a-z,
// xn-- labels, label counts, leading dots, trailing NULs).
const PATTERNS = [
  '*.example.com', '*.EXAMPLE.com', '*.a.b', '*.b', '*', '*.', '*.a.b.', 'a.*.b.c', '*a.b.c', 'a*.b.c', '**.b.c', '*.*.b.c',
  '*-.b.c', '-*.b.c', '*.b-.c', '*.-b.c', '*.b..c', '.*.b.c', '.b.c', '*.xn--b.c', 'xn--a.*.b.c', 'xn--*.b.c', '*.xn--.c',
  '*.0.1', '*.b_c.d', '*.b@c.d', '*.9z.AZ', '*.a0/.c', '*.a:.c', '*.a[.c', '*.a`.c', '*.a{.c', 'a@b.example', 'a`b.example',
  'Z.example', '[.example', 'x.example.com', 'X.Example.Com', 'example.com', 'xn--abc.example.com', 'XN--ABC.example.com',
  '0.example.com', '9-z.example.com', 'a-.b.c', '*.a-b.c', '*.a.b-c', '*.xN--b.c', 'x.b.c', 'a.b.c', '*.b.c-', 'a\u0000.example.com',
];
const NAMES = [
  'www.example.com', 'WWW.EXAMPLE.COM', 'example.com', 'a.example.com', '0.example.com', '9.example.com', '/.example.com',
  ':.example.com', '@.example.com', 'A.example.com', 'Z.example.com', '[.example.com', '`.example.com', 'z.example.com',
  '{.example.com', '-.example.com', '_.example.com', '*.example.com', 'a-b.example.com', 'a.b.example.com',
  'xn--abc.example.com', 'XN--abc.example.com', 'xN--abc.example.com', 'xn-abc.example.com', 'xn--.example.com', 'xn-.example.com',
  'xn.example.com', 'x.a.b', 'xy.a.b', '.a.b', '.b', '.', '..', '.example.com', '.EXAMPLE.COM', '.com', 'a.b', 'b', 'x.b.c',
  'xa.b.c', 'ax.b.c', 'aa.b.c', 'a.b.c', 'a.x.b.c', 'x.xn--b.c', 'x.xN--b.c', 'xn--a.x.b.c', 'x.0.1', 'x.b_c.d', 'x.b@c.d',
  'x.9z.az', 'x.9Z.AZ', 'x.a0/.c', 'x.a:.c', 'x.a[.c', 'x.a`.c', 'x.a{.c', 'a`b.example', 'A@B.EXAMPLE', 'a@b.example',
  'A`B.EXAMPLE', 'z.example', 'Z.EXAMPLE', '{.example', '[.example', 'x.example.com\u0000', 'x.example.com\u0000\u0000',
  '\u0000', 'x\u0000.example.com', 'x.example.com.', 'x.b-.c', 'x.b..c', 'x.a-b.c', 'x.a.b-c', '-x.b.c', 'x-.b.c',
  'xn--x.b.c', 'x.xn--.c', 'y.xn--.c', 'X.B.C', 'x.b.c.', '.b.c', '.x.b.c', '*.b.c', '*', '**.b.c', 'x.a.b.', 'x.b.c-',
  'aa.example.com', '.example.com\u0000', '*x.example.com', 'x*.example.com',
];

test('one name per certificate: matchHostname agrees with X509_check_host for every pattern and name', () => {
  const table: Record<string, Uint8Array> = {};
  PATTERNS.forEach((p, i) => (table[`san${i}`] = buildCert({ subject: name([['2.5.4.3', utf8('cn.unrelated.example')]]), extensions: [san(dns(p))] })));
  // The commonName: used only without DNS names, only commonName attributes,
  // and a commonName that cannot be converted ends the check (OpenSSL).
  PATTERNS.forEach((p, i) => (table[`cn${i}`] = buildCert({ subject: name([['2.5.4.10', utf8('x.example.com')]], [['2.5.4.3', utf8(p)]]) })));
  table.cnBadBmp = buildCert({ subject: name([['2.5.4.3', str(30, Buffer.from('x.example.com\u0000', 'latin1'))]], [['2.5.4.3', utf8('x.example.com')]]) });
  table.cnEmpty = buildCert({ subject: name([['2.5.4.3', utf8('')]]) });
  // OpenSSL gives up on the whole check at a commonName it cannot convert, before a later one.
  table.cnNotAString = buildCert({ subject: name([['2.5.4.3', seq(utf8('x.example.com'))]], [['2.5.4.3', utf8('x.example.com')]]) });
  table.sanHidesCn = buildCert({ subject: name([['2.5.4.3', utf8('x.example.com')]]), extensions: [san(dns('a.example.com'))] });
  table.emailSanCn = buildCert({ subject: name([['2.5.4.3', utf8('x.example.com')]]), extensions: [san(ctxPrim(1, Buffer.from('x@x.example.com')))] });
  const cases: RefCase[] = [];
  for (const cert of Object.keys(table)) {
    for (const host of NAMES.concat(cert.startsWith('san') || cert.startsWith('cn') ? [PATTERNS[Number(cert.replace(/\D/g, ''))]!] : [])) {
      cases.push({ cert, host, flags: NO_PARTIAL_WILDCARDS });
      cases.push({ cert, host, flags: NO_PARTIAL_WILDCARDS | NEVER_CHECK_SUBJECT });
    }
  }
  const ref = opensslReference(cases, table);
  const parsed = Object.fromEntries(Object.entries(table).map(([k, v]) => [k, parseCertificate(v)]));
  const mismatches: string[] = [];
  cases.forEach((c, i) => {
    // Python's default (hostname_checks_common_name on) is what no option means.
    const ours = (c.flags & NEVER_CHECK_SUBJECT) === 0 ? matchHostname(parsed[c.cert]!, c.host) : matchHostname(parsed[c.cert]!, c.host, { checkCommonName: false });
    if (ours !== ref[i]! > 0) mismatches.push(`${c.cert} ${JSON.stringify(c.host)} flags=${c.flags}: openssl=${ref[i]} ours=${ours}`);
  });
  assert.deepStrictEqual(mismatches, []);
  // The table does exercise both answers on each kind of certificate.
  assert.ok(ref.some((r, i) => r > 0 && cases[i]!.cert.startsWith('san') && cases[i]!.host !== PATTERNS[Number(cases[i]!.cert.slice(3))]));
  assert.ok(ref.some((r, i) => r > 0 && cases[i]!.cert.startsWith('cn')));
});

test('hostname rules without a reference', () => {
  const leaf = parseCertificate(fixtureDer('leaf-ecdsa-p256.pem'));
  assert.equal(matchHostname(leaf, 'localhost'), true);
  assert.equal(matchHostname(leaf, 'LocalHost'), true);
  assert.equal(matchHostname(leaf, '127.0.0.1'), true);
  assert.equal(matchHostname(leaf, '::1'), true);
  assert.equal(matchHostname(leaf, '0:0:0:0:0:0:0:1'), true);
  assert.equal(matchHostname(leaf, '127.0.0.2'), false);
  assert.equal(matchHostname(leaf, 'other'), false);
  // IP literals are never compared with DNS names, and vice versa.
  const dnsOnly = parseCertificate(buildCert({ extensions: [san(dns('127.0.0.1'))] }));
  assert.equal(matchHostname(dnsOnly, '127.0.0.1'), false);
  assert.equal(matchDnsName(dnsOnly, '127.0.0.1'), true);
  assert.equal(matchIpAddress(leaf, new Uint8Array([127, 0, 0, 1])), true);
  // Embedded NULs in the reference never match.
  assert.equal(matchHostname(leaf, 'localhost\u0000.evil'), false);
});

test('parseIpAddress follows OpenSSL a2i_IPADDRESS', () => {
  const hex = (s: string): string | null => {
    const r = parseIpAddress(s);
    return r ? Buffer.from(r).toString('hex') : null;
  };
  assert.equal(hex('127.0.0.1'), '7f000001');
  assert.equal(hex('::1'), '00000000000000000000000000000001');
  assert.equal(hex('::ffff:1.2.3.4'), '00000000000000000000ffff01020304');
  assert.equal(hex('2001:db8::ff00:42:8329'), '20010db8000000000000ff0000428329');
  assert.equal(hex('::'), '00000000000000000000000000000000');
  assert.equal(hex('1.2.3'), null);
  assert.equal(hex('localhost'), null);
  assert.equal(hex(':::'), null);
  assert.equal(hex('1:2:3:4:5:6:7:8:9'), null);
});
