// decodeCertificate() against CPython's own _ssl._test_decode_cert.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCertificate } from '../../src/x509/decode.js';
import { SSLError } from '../../src/errors.js';
import {
  FIXTURES, buildCert, certdataDir, cn, ctx, ctxPrim, der, ext, genTime, name, oid, pythonDecode, toJsonish,
  seq, set, str, tempDir, utcTime, utf8, writePem,
} from './helpers.js';

function compareFiles(paths: string[]): void {
  const py = pythonDecode(paths);
  paths.forEach((p, i) => {
    const ref = py[i]!;
    let ours: unknown;
    let err: unknown = null;
    try {
      ours = decodeCertificate(readFileSync(p, 'latin1'));
    } catch (e) {
      err = e;
    }
    if (ref.ok) {
      assert.equal(err, null, `${p}: we threw ${String(err)} but Python decoded it`);
      assert.deepStrictEqual(toJsonish(ours), ref.value, p);
    } else {
      assert.notEqual(err, null, `${p}: Python failed (${ref.error}) but we decoded it`);
    }
  });
}

test('every fixture decodes exactly like CPython', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.pem')).map((f) => join(FIXTURES, f));
  assert.ok(files.length > 10);
  compareFiles(files);
});

test("every CPython certdata .pem decodes like CPython (or fails like it)", () => {
  const dir = certdataDir();
  assert.ok(dir, "CPython's test package (certdata) is needed: .ci/run installs it");
  const files = readdirSync(dir).filter((f) => f.endsWith('.pem')).map((f) => join(dir, f));
  assert.ok(files.length > 5);
  compareFiles(files);
});

const BMP = (s: string): Uint8Array => {
  const b = Buffer.alloc(s.length * 2);
  for (let i = 0; i < s.length; i++) b.writeUInt16BE(s.charCodeAt(i), i * 2);
  return b;
};
const UNIV = (s: string): Uint8Array => {
  const cps = [...s].map((c) => c.codePointAt(0)!);
  const b = Buffer.alloc(cps.length * 4);
  cps.forEach((cp, i) => b.writeUInt32BE(cp, i * 4));
  return b;
};
const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

// Crafted encodings: only decoding is compared, so signatures are junk.
const CRAFTED: Record<string, Parameters<typeof buildCert>[0]> = {
  'string-types': {
    subject: name(
      [['2.5.4.3', str(30, BMP('Grüße 日本'))]],
      [['2.5.4.10', str(20, Buffer.from([0x43, 0x61, 0x66, 0xe9]))]],
      [['2.5.4.11', str(28, UNIV('uni 𝄞'))]],
      [['2.5.4.7', str(22, 'ia5')], ['2.5.4.8', str(19, 'printable')]],
      [['1.2.3.4', utf8('unknown oid')]],
      [['1.2.840.113549.1.9.1', str(22, 'a@b.example')]],
      [['0.9.2342.19200300.100.1.25', str(22, 'dc')]],
      [['2.5.4.5', str(19, '1234')], ['2.5.4.4', utf8('Sur')], ['2.5.4.42', utf8('Given')]],
    ),
  },
  'empty-rdn-and-empty-value': { subject: seq(set(), set(seq(oid('2.5.4.3'), utf8(''))), set()) },
  'utf8-bom-and-nul': { subject: name([['2.5.4.3', utf8('\ufeffbom\u0000nul')]]) },
  'bad-utf8-subject': { subject: name([['2.5.4.3', str(12, hex('ff fe'.replace(' ', '')))]]) },
  'bmp-surrogate': { subject: name([['2.5.4.3', str(30, hex('d834dd1e'))]]) },
  'serial-zero': { serial: hex('00') },
  'serial-negative': { serial: hex('ff85') },
  'serial-padded': { serial: hex('0080ff') },
  'serial-negative-ok': { serial: hex('8501') },
  'serial-empty': { serial: new Uint8Array(0) },
  'version-4': { version: 3 },
  'time-offset': { notBefore: utcTime('250101000000+0130'), notAfter: genTime('20750101000000-0800') },
  'time-generalized-local': { notBefore: genTime('20250101000000') },
  'name-integer-value': { subject: name([['2.5.4.3', str(2, hex('05'))]]) },
  'name-sequence-value': { subject: name([['2.5.4.3', seq(utf8('x'))]]) },
  'name-numeric': { subject: name([['2.5.4.5', str(18, '123 45')]]) },
  'name-visible': { subject: name([['2.5.4.3', str(26, 'visible')]]) },
  'name-general': { subject: name([['2.5.4.3', str(27, 'general')]]) },
  'name-bitstring': { subject: name([['2.5.4.3', str(3, hex('0041'))]]) },
  'name-tag-13': { subject: name([['2.5.4.3', str(13, hex('01'))]]) },
  'name-context-tag': { subject: name([['2.5.4.3', ctxPrim(1, hex('41'))]]) },
  'time-garbage-utc': { notBefore: utcTime('not a time!!') },
  'name-videotex': { subject: name([['2.5.4.3', str(21, 'videotex')]]) },
  'serial-bad-padding': { serial: hex('000102') },
  'serial-long': { serial: hex('7f' + '11'.repeat(39)) },
  'version-1': { version: 0 },
  'version-2': { version: 1 },
  'time-fraction': { notBefore: genTime('20250101123456.789Z'), notAfter: genTime('20990101000000Z') },
  'time-no-seconds': { notBefore: utcTime('2501011234Z') },
  'time-1950s': { notBefore: utcTime('500101000000Z'), notAfter: utcTime('491231235959Z') },
  'time-leap-day': { notBefore: genTime('20240229000000Z') },
  'time-bad-day': { notBefore: genTime('20230229000000Z') },
  'san-everything': {
    extensions: [
      ext('2.5.29.17', seq(
        ctxPrim(2, Buffer.from('dns.example')),
        ctxPrim(1, Buffer.from('mail@example')),
        ctxPrim(6, Buffer.from('https://u.example/p')),
        ctxPrim(7, hex('c0000201')),
        ctxPrim(7, hex('20010db8000000000000000000000001')),
        ctxPrim(7, hex('0102030405')),
        ctxPrim(8, der(oid('1.3.6.1.5.5.7.3.1')).subarray(2)),
        ctxPrim(8, der(oid('1.2.3.4.5')).subarray(2)),
        ctx(4, [name([['2.5.4.6', str(19, 'XY')]], [['2.5.4.3', utf8('dir')], ['2.5.4.10', utf8('multi')]])]),
        ctx(0, [oid('1.3.6.1.5.5.7.8.5'), ctx(0, [utf8('xmpp@example')])]),
        ctx(0, [oid('1.3.6.1.5.5.7.8.7'), ctx(0, [str(22, '_sip.example')])]),
        ctx(0, [oid('1.3.6.1.5.5.7.8.7'), ctx(0, [utf8('wrong type')])]),
        ctx(0, [oid('1.3.6.1.4.1.311.20.2.3'), ctx(0, [utf8('upn\u0000cut')])]),
        ctx(0, [oid('1.2.3.4'), ctx(0, [utf8('other')])]),
        ctx(3, [seq()]),
        ctx(5, [ctx(1, [utf8('party')])]),
        ctxPrim(2, Buffer.from('nul\u0000inside')),
      )),
    ],
  },
  'san-empty': { extensions: [ext('2.5.29.17', seq())] },
  'san-duplicate': { extensions: [ext('2.5.29.17', seq(ctxPrim(2, Buffer.from('a')))), ext('2.5.29.17', seq(ctxPrim(2, Buffer.from('b'))))] },
  'san-garbage': { extensions: [ext('2.5.29.17', hex('0403010203'))] },
  'san-bad-utf8': { extensions: [ext('2.5.29.17', seq(ctxPrim(2, hex('ff'))))] },
  'aia-and-crldp': {
    extensions: [
      ext('1.3.6.1.5.5.7.1.1', seq(
        seq(oid('1.3.6.1.5.5.7.48.2'), ctxPrim(6, Buffer.from('http://ca.example/1'))),
        seq(oid('1.3.6.1.5.5.7.48.1'), ctxPrim(2, Buffer.from('not-a-uri'))),
        seq(oid('1.3.6.1.5.5.7.48.1'), ctxPrim(6, Buffer.from('http://ocsp.example/'))),
        seq(oid('1.3.6.1.5.5.7.48.2'), ctxPrim(6, Buffer.from('http://ca.example/2'))),
      )),
      ext('2.5.29.31', seq(
        seq(),
        seq(ctx(0, [ctx(0, [ctxPrim(6, Buffer.from('http://crl.example/a')), ctxPrim(2, Buffer.from('dns'))])])),
        seq(ctx(0, [ctx(1, [seq(oid('2.5.4.3'), utf8('rel'))])])),
        seq(ctx(0, [ctx(0, [ctxPrim(6, Buffer.from('http://crl.example/b'))])]), ctxPrim(1, hex('0560'))),
      )),
    ],
  },
  'aia-ocsp-only-crldp-empty': {
    extensions: [
      ext('1.3.6.1.5.5.7.1.1', seq(seq(oid('1.3.6.1.5.5.7.48.1'), ctxPrim(6, Buffer.from('http://ocsp.example/'))))),
      ext('2.5.29.31', seq(seq())),
    ],
  },
  'issuer-differs': { issuer: cn('Other Issuer'), subject: cn('Leaf') },
};

test('crafted encodings decode like CPython', () => {
  const dir = tempDir();
  const paths = Object.entries(CRAFTED).map(([n, o]) => writePem(dir, `${n}.pem`, [buildCert(o)]));
  compareFiles(paths);
});

test('known divergence: time fields asn1js cannot read make the whole certificate unreadable', () => {
  // CPython shows "Bad time value" for these; asn1js rejects the encoding outright.
  assert.throws(() => decodeCertificate(buildCert({ notBefore: genTime('garbage') })), SSLError);
});

test('PEM input without a certificate fails like CPython', () => {
  for (const text of ['', 'hello', '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n',
    '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n']) {
    assert.throws(() => decodeCertificate(text), (e: unknown) => e instanceof SSLError && e.message === 'Error decoding PEM-encoded file');
  }
});

test('DER input decodes the same as PEM input', () => {
  const d = buildCert({ subject: cn('der input') });
  const viaDer = decodeCertificate(d);
  assert.equal(viaDer.subject[0]![0]![1], 'der input');
  assert.throws(() => decodeCertificate(new Uint8Array([1, 2, 3])), SSLError);
});
