// VERIFY_X509_WEBPKI rules that x509-limbo's cases do not reach, each on a
// chain that passes the profile until one thing is changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import * as crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { SSLCertVerificationError, VerifyFlags, verifyCertificateChain } from '../../src/index.js';
import { validDnsName } from '../../src/x509/webpki.js';
import { webpkiPaths } from '../../src/x509/webpki-paths.js';
import { isPublicSuffix } from '../../src/x509/public-suffix.js';
import { type Certificate, parseCertificate } from '../../src/x509/certificate.js';
import { TrustStore } from '../../src/x509/store.js';
import { type Asn, buildCert, ctx, ctxPrim, ext, name, oid, seq, utf8 } from './helpers.js';

const { VERIFY_X509_TRUSTED_FIRST, VERIFY_X509_WEBPKI, VERIFY_X509_PARTIAL_CHAIN } = VerifyFlags;
const FLAGS = VERIFY_X509_TRUSTED_FIRST | VERIFY_X509_WEBPKI;

const rootKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const leafKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ROOT_SKI = new Uint8Array(20).fill(0x11);
const LEAF_SKI = new Uint8Array(20).fill(0x22);
const octets = (b: Uint8Array): Asn => new asn1js.OctetString({ valueHex: b });
const bits = (...on: number[]): Asn => {
  let v = 0;
  for (const b of on) v |= 0x80 >> b;
  return new asn1js.BitString({ valueHex: new Uint8Array([v]) });
};
const dns = (...names: string[]): Asn => seq(...names.map((n) => ctxPrim(2, Buffer.from(n, 'latin1'))));
const ROOT_NAME = (): Asn => name([['2.5.4.3', utf8('webpki test root')]]);

const rootExts = (): Asn[] => [
  ext('2.5.29.19', seq(new asn1js.Boolean({ value: true })), true),
  ext('2.5.29.15', bits(5, 6), true),
  ext('2.5.29.14', octets(ROOT_SKI)),
];
const ROOT = buildCert({ issuer: ROOT_NAME(), subject: ROOT_NAME(), key: rootKey.publicKey, signWith: rootKey.privateKey, extensions: rootExts() });

interface LeafParts {
  subject?: Asn;
  san?: Asn | null;
  extra?: Asn[];
  replace?: Record<string, Asn | null>;
  key?: crypto.KeyObject;
  serial?: Uint8Array;
  version?: number;
}

function leaf(p: LeafParts = {}): Uint8Array {
  const base: Record<string, Asn> = {
    '2.5.29.17': ext('2.5.29.17', dns('a.example')),
    '2.5.29.37': ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.1'))),
    '2.5.29.35': ext('2.5.29.35', seq(ctxPrim(0, ROOT_SKI))),
    '2.5.29.15': ext('2.5.29.15', bits(0), true),
    '2.5.29.14': ext('2.5.29.14', octets(LEAF_SKI)),
  };
  if (p.san === null) delete base['2.5.29.17'];
  else if (p.san) base['2.5.29.17'] = p.san;
  for (const [k, v] of Object.entries(p.replace ?? {})) {
    if (v === null) delete base[k];
    else base[k] = v;
  }
  return buildCert({
    issuer: ROOT_NAME(), subject: p.subject ?? name([['2.5.4.3', utf8('a.example')]]), key: p.key ?? leafKey.publicKey,
    signWith: rootKey.privateKey, extensions: [...Object.values(base), ...(p.extra ?? [])],
    serial: p.serial ?? new Uint8Array([0x01, 0x02, 0x03]), version: p.version,
  });
}

function verdict(leafDer: Uint8Array, o: { hostname?: string; flags?: number; intermediates?: Uint8Array[]; trusted?: Uint8Array[]; purpose?: 'serverAuth' | null } = {}): string {
  try {
    const purpose = o.purpose === undefined ? 'serverAuth' : o.purpose;
    verifyCertificateChain({ leaf: leafDer, trusted: o.trusted ?? [ROOT], intermediates: o.intermediates, hostname: o.hostname ?? 'a.example', purpose, flags: o.flags ?? FLAGS });
    return 'ok';
  } catch (e) {
    if (e instanceof SSLCertVerificationError) return e.verifyMessage;
    throw e;
  }
}

function refused(label: string, der: Uint8Array, pattern: RegExp, o: Parameters<typeof verdict>[1] = {}): void {
  assert.match(verdict(der, o), pattern, label);
  // Without the flag, OpenSSL's verdict: these all pass.
  assert.equal(verdict(der, { ...o, flags: VERIFY_X509_TRUSTED_FIRST }), 'ok', `${label} without the flag`);
}

test('the reference chain passes the profile', () => {
  assert.equal(verdict(leaf()), 'ok');
  assert.equal(verdict(leaf(), { flags: VERIFY_X509_TRUSTED_FIRST }), 'ok');
});

test('extensions: duplicates of any kind, non-DER values, malformed authorityInfoAccess', () => {
  refused('duplicate unknown extension', leaf({ extra: [ext('1.2.3.4', seq()), ext('1.2.3.4', seq())] }), /appears twice/);
  refused('trailing bytes in a SAN value', leaf({ san: ext('2.5.29.17', new Uint8Array([...Buffer.from('300b8209612e6578616d706c65', 'hex'), 0])) }), /not DER/);
  refused('non-minimal length in a SAN value', leaf({ san: ext('2.5.29.17', Buffer.from('30810b8209612e6578616d706c65', 'hex')) }), /not DER/);
  refused('length with a leading zero octet', leaf({ san: ext('2.5.29.17', Buffer.from('3082000b8209612e6578616d706c65', 'hex')) }), /not DER/);
  assert.equal(verdict(leaf({ san: ext('2.5.29.17', dns('a.example', `${'b'.repeat(60)}.${'c'.repeat(60)}.example`)) })), 'ok'); // long form needed: DER
  refused('AIA of the wrong type', leaf({ extra: [ext('1.3.6.1.5.5.7.1.1', new asn1js.Null())] }), /authorityInfoAccess/);
  refused('empty AIA', leaf({ extra: [ext('1.3.6.1.5.5.7.1.1', seq())] }), /authorityInfoAccess/);
  refused('AIA entry without a location', leaf({ extra: [ext('1.3.6.1.5.5.7.1.1', seq(seq(oid('1.3.6.1.5.5.7.48.1'))))] }), /authorityInfoAccess/);
  refused('AIA entry with a third field', leaf({ extra: [ext('1.3.6.1.5.5.7.1.1', seq(seq(oid('1.3.6.1.5.5.7.48.1'), ctxPrim(6, Buffer.from('http://o.example')), ctxPrim(6, Buffer.from('http://p.example')))))] }), /authorityInfoAccess/);
  refused('AIA location that is no GeneralName', leaf({ extra: [ext('1.3.6.1.5.5.7.1.1', seq(seq(oid('1.3.6.1.5.5.7.48.1'), new asn1js.Null())))] }), /authorityInfoAccess/);
  const aia = ext('1.3.6.1.5.5.7.1.1', seq(seq(oid('1.3.6.1.5.5.7.48.1'), ctxPrim(6, Buffer.from('http://ocsp.example')))));
  assert.equal(verdict(leaf({ extra: [aia] })), 'ok');
});

test('subjectAltName: required, not empty, valid names, right IP lengths', () => {
  refused('no SAN', leaf({ san: null, subject: name([['2.5.4.3', utf8('a.example')]]) }), /without subjectAltName|Hostname mismatch/);
  assert.match(verdict(leaf({ san: ext('2.5.29.17', seq()) })), /Empty Subject Alternative Name/);
  refused('IP of 5 octets', leaf({ san: ext('2.5.29.17', seq(ctxPrim(2, Buffer.from('a.example')), ctxPrim(7, new Uint8Array(5)))) }), /iPAddress of a wrong length/);
  refused('label of 64 octets', leaf({ san: ext('2.5.29.17', dns('a.example', `${'x'.repeat(64)}.example`)) }), /not a valid DNS name/);
  refused('trailing hyphen', leaf({ san: ext('2.5.29.17', dns('a.example', 'b-.example')) }), /not a valid DNS name/);
  refused('empty label', leaf({ san: ext('2.5.29.17', dns('a.example', 'b..example')) }), /not a valid DNS name/);
  refused('wildcard on a TLD', leaf({ san: ext('2.5.29.17', dns('a.example', '*.com')) }), /not a valid DNS name|public suffix/);
  refused('wildcard on gov.uk', leaf({ san: ext('2.5.29.17', dns('a.example', '*.gov.uk')) }), /public suffix/);
  refused('critical SAN with a subject', leaf({ san: ext('2.5.29.17', dns('a.example'), true) }), /critical although/);
  assert.equal(verdict(leaf({ san: ext('2.5.29.17', dns('a.example', '*.a.example')) })), 'ok');
  // An empty subject with a critical SAN is what RFC 5280 asks for.
  assert.equal(verdict(leaf({ subject: seq(), san: ext('2.5.29.17', dns('a.example'), true) })), 'ok');
});

test('DNS name syntax', () => {
  const ok = ['a.example', 'xn--bcher-kva.example', 'a-b.c.example', `${'x'.repeat(63)}.example`, '*.a.example'];
  const bad = ['', '.a.example', 'a.example.', 'a..example', '-a.example', 'a-.example', 'a_b.example', `${'x'.repeat(64)}.example`, 'a*.example', '*', '*.example', 'a.*.example', `${'a.'.repeat(127)}ab`];
  for (const n of ok) assert.equal(validDnsName(Buffer.from(n), true), true, n);
  for (const n of bad) assert.equal(validDnsName(Buffer.from(n), true), false, n);
  assert.equal(validDnsName(Buffer.from('*.a.example'), false), false);
});

test('commonName must be one of the SAN values (BR 7.1.4.3), and is never a fallback', () => {
  refused('CN not in SAN', leaf({ subject: name([['2.5.4.3', utf8('b.example')]]) }), /commonName "b.example"/);
  const ip = leaf({ subject: name([['2.5.4.3', utf8('2001:db8::1')]]), san: ext('2.5.29.17', seq(ctxPrim(2, Buffer.from('a.example')), ctxPrim(7, Buffer.from('20010db8000000000000000000000001', 'hex')))) });
  assert.equal(verdict(ip), 'ok');
  const ip4 = leaf({ subject: name([['2.5.4.3', utf8('192.0.2.1')]]), san: ext('2.5.29.17', seq(ctxPrim(2, Buffer.from('a.example')), ctxPrim(7, new Uint8Array([192, 0, 2, 1])))) });
  assert.equal(verdict(ip4), 'ok');
  // 1:0:0:2:0:0:0:3 in RFC 5952 text compresses the longer zero run: 1:0:0:2::3.
  const v6 = (cn: string): Uint8Array => leaf({ subject: name([['2.5.4.3', utf8(cn)]]), san: ext('2.5.29.17', seq(ctxPrim(2, Buffer.from('a.example')), ctxPrim(7, Buffer.from('00010000000000020000000000000003', 'hex')))) });
  assert.equal(verdict(v6('1:0:0:2::3')), 'ok');
  assert.match(verdict(v6('1::2:0:0:0:3')), /commonName "1::2:0:0:0:3"/);
  assert.match(verdict(v6('1:0:0:2:0:0:0:3')), /commonName/);
  const v6b = (cn: string, hex: string): Uint8Array => leaf({ subject: name([['2.5.4.3', utf8(cn)]]), san: ext('2.5.29.17', seq(ctxPrim(2, Buffer.from('a.example')), ctxPrim(7, Buffer.from(hex, 'hex')))) });
  assert.equal(verdict(v6b('2001:db8:0:1:1:1:1:1', '20010db8000000010001000100010001')), 'ok'); // a single zero group stays
  assert.equal(verdict(v6b('2001:db8::1:0:0:1', '20010db8000000000001000000000001')), 'ok'); // equal runs: the first
  assert.equal(verdict(v6b('::1', '00000000000000000000000000000001')), 'ok');
  assert.equal(verdict(v6b('1::', '00010000000000000000000000000000')), 'ok');
  // No SAN DNS name matches: the CN is not consulted.
  const noDns = leaf({ subject: name([['2.5.4.3', utf8('a.example')]]), san: ext('2.5.29.17', seq(ctxPrim(7, new Uint8Array([192, 0, 2, 1])))) });
  assert.match(verdict(noDns), /commonName|Hostname mismatch/);
  assert.equal(verdict(noDns, { flags: VERIFY_X509_TRUSTED_FIRST }), 'ok');
});

test('leaf EKU, basicConstraints and nameConstraints', () => {
  refused('no EKU', leaf({ replace: { '2.5.29.37': null } }), /without extendedKeyUsage/);
  assert.match(verdict(leaf({ replace: { '2.5.29.37': ext('2.5.29.37', seq()) } })), /unsuitable certificate purpose/); // OpenSSL too
  refused('empty EKU, no purpose asked', leaf({ replace: { '2.5.29.37': ext('2.5.29.37', seq()) } }), /empty extendedKeyUsage/, { purpose: null });
  refused('critical EKU', leaf({ replace: { '2.5.29.37': ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.1')), true) } }), /extendedKeyUsage is critical/);
  refused('cA=TRUE leaf', leaf({ extra: [ext('2.5.29.19', seq(new asn1js.Boolean({ value: true })), true)] }), /is a CA|invalid|unsuitable/);
  refused('NC in a leaf', leaf({ extra: [ext('2.5.29.30', seq(ctx(0, [seq(ctxPrim(2, Buffer.from('example')))])), true)] }), /nameConstraints in an end-entity/);
  assert.equal(verdict(leaf({ extra: [ext('2.5.29.19', seq(), true)] })), 'ok');
});

test('serial numbers and versions', () => {
  refused('serial 0', leaf({ serial: new Uint8Array([0]) }), /not positive/);
  refused('negative serial', leaf({ serial: new Uint8Array([0xff, 0x01]) }), /not positive/);
  refused('21-octet serial', leaf({ serial: new Uint8Array(21).fill(0x11) }), /21 octets/);
  assert.equal(verdict(leaf({ serial: new Uint8Array(20).fill(0x11) })), 'ok');
  assert.equal(verdict(leaf({ serial: new Uint8Array([0x00, ...new Array(19).fill(0x81)]) })), 'ok'); // 20 octets with the sign pad
  refused('20 octets of magnitude plus the sign pad', leaf({ serial: new Uint8Array([0x00, ...new Array(20).fill(0x81)]) }), /21 octets/);
  refused('v2 certificate', leaf({ version: 1 }), /at least X509v3/); // the strict check comes first
  refused('v1 certificate without extensions', buildCert({ issuer: ROOT_NAME(), subject: name([['2.5.4.3', utf8('a.example')]]), key: leafKey.publicKey, signWith: rootKey.privateKey, version: 0, serial: new Uint8Array([5]) }), /version 1, not 3/);
});

test('keys: RSA sizes, curves, DSA', () => {
  const rsa = (n: number): crypto.KeyObject => crypto.generateKeyPairSync('rsa', { modulusLength: n }).publicKey;
  refused('RSA 2056 bits is fine, 2052 is not', leaf({ key: rsa(2052) }), /2052 bits/);
  assert.equal(verdict(leaf({ key: rsa(2056) })), 'ok');
  assert.match(verdict(leaf({ key: crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey })), /curve secp256k1/);
  assert.equal(verdict(leaf({ key: crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey })), 'ok');
  assert.equal(verdict(leaf({ key: crypto.generateKeyPairSync('ed25519').publicKey })), 'ok');
  const dsa = crypto.generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).publicKey;
  refused('DSA', leaf({ key: dsa }), /dsa keys/);
});

test('authority key identifiers', () => {
  refused('no AKI', leaf({ replace: { '2.5.29.35': null } }), /Missing Authority Key Identifier/); // the strict check comes first
  refused('AKI with only a serial', leaf({ replace: { '2.5.29.35': ext('2.5.29.35', seq(ctxPrim(0, ROOT_SKI), ctxPrim(2, new Uint8Array([0x01, 0x23])))) } }), /authorityCertIssuer or authorityCertSerialNumber|missing/);
  refused('AKI with an issuer name', leaf({ replace: { '2.5.29.35': ext('2.5.29.35', seq(ctxPrim(0, ROOT_SKI), ctx(1, [ctx(4, [ROOT_NAME()])]))) } }), /authorityCertIssuer/);
  // A root's own AKI must name its own key.
  const badRoot = buildCert({ issuer: ROOT_NAME(), subject: ROOT_NAME(), key: rootKey.publicKey, signWith: rootKey.privateKey, extensions: [...rootExts(), ext('2.5.29.35', seq(ctxPrim(0, LEAF_SKI)))] });
  assert.match(verdict(leaf(), { trusted: [badRoot] }), /does not match|unable to get/);
  const goodRoot = buildCert({ issuer: ROOT_NAME(), subject: ROOT_NAME(), key: rootKey.publicKey, signWith: rootKey.privateKey, extensions: [...rootExts(), ext('2.5.29.35', seq(ctxPrim(0, ROOT_SKI)))] });
  assert.equal(verdict(leaf(), { trusted: [goodRoot] }), 'ok');
  const ekuRoot = buildCert({ issuer: ROOT_NAME(), subject: ROOT_NAME(), key: rootKey.publicKey, signWith: rootKey.privateKey, extensions: [...rootExts(), ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.1')))] });
  assert.match(verdict(leaf(), { trusted: [ekuRoot] }), /root certificate with extendedKeyUsage/);
});

// An intermediate below the root, with the given extensions added.
const interKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const INTER_SKI = new Uint8Array(20).fill(0x33);
const INTER_NAME = (): Asn => name([['2.5.4.3', utf8('webpki test intermediate')]]);
function intermediate(extra: Asn[], replace: Record<string, Asn | null> = {}): Uint8Array {
  const base: Record<string, Asn> = {
    '2.5.29.19': ext('2.5.29.19', seq(new asn1js.Boolean({ value: true })), true),
    '2.5.29.15': ext('2.5.29.15', bits(5, 6), true),
    '2.5.29.14': ext('2.5.29.14', octets(INTER_SKI)),
    '2.5.29.35': ext('2.5.29.35', seq(ctxPrim(0, ROOT_SKI))),
  };
  for (const [k, v] of Object.entries(replace)) {
    if (v === null) delete base[k];
    else base[k] = v;
  }
  return buildCert({ issuer: ROOT_NAME(), subject: INTER_NAME(), key: interKey.publicKey, signWith: rootKey.privateKey, extensions: [...Object.values(base), ...extra], serial: new Uint8Array([0x44]) });
}
function leafUnder(san: string[], cn = san[0]!): Uint8Array {
  return buildCert({
    issuer: INTER_NAME(), subject: name([['2.5.4.3', utf8(cn)]]), key: leafKey.publicKey, signWith: interKey.privateKey, serial: new Uint8Array([0x45]),
    extensions: [ext('2.5.29.17', dns(...san)), ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.1'))), ext('2.5.29.35', seq(ctxPrim(0, INTER_SKI))), ext('2.5.29.15', bits(0), true)],
  });
}
const nc = (permitted: string[] | null, excluded: string[] | null, critical = true): Asn => {
  const parts: Asn[] = [];
  if (permitted) parts.push(ctx(0, permitted.map((d) => seq(ctxPrim(2, Buffer.from(d))))));
  if (excluded) parts.push(ctx(1, excluded.map((d) => seq(ctxPrim(2, Buffer.from(d))))));
  return ext('2.5.29.30', seq(...parts), critical);
};

test('name constraints: well-formed, and applied to what a wildcard can match', () => {
  const run = (inter: Uint8Array, san: string[], host: string): string => verdict(leafUnder(san), { intermediates: [inter], hostname: host });
  assert.equal(run(intermediate([nc(['example.com'], null)]), ['a.example.com'], 'a.example.com'), 'ok');
  assert.equal(run(intermediate([nc(['example.com'], null, false)]), ['a.example.com'], 'a.example.com'), 'ok'); // BR allow it non-critical
  assert.match(run(intermediate([nc([], null)]), ['a.example.com'], 'a.example.com'), /without subtrees/);
  assert.match(run(intermediate([nc(null, null)]), ['a.example.com'], 'a.example.com'), /without subtrees/);
  assert.match(run(intermediate([nc(['.example.com'], null)]), ['a.example.com'], 'a.example.com'), /not a valid DNS name|permitted/);
  // *.example.com could be bar.example.com: excluded; it could be anything under example.com: not all permitted by foo.example.com.
  assert.match(run(intermediate([nc(null, ['bar.example.com'])]), ['*.example.com'], 'a.example.com'), /covers the excluded subtree/);
  assert.match(run(intermediate([nc(null, ['example.com'])]), ['*.example.com'], 'a.example.com'), /excluded/);
  assert.equal(run(intermediate([nc(null, ['a.bar.example.com'])]), ['*.example.com'], 'a.example.com'), 'ok');
  assert.match(run(intermediate([nc(['foo.example.com'], null)]), ['*.example.com'], 'foo.example.com'), /outside the permitted|permitted/);
  assert.equal(run(intermediate([nc(['example.com'], null)]), ['*.example.com'], 'a.example.com'), 'ok');
  assert.equal(run(intermediate([nc([''], null)]), ['*.example.com'], 'a.example.com'), 'ok');
  assert.match(run(intermediate([nc(null, [''])]), ['*.example.com'], 'a.example.com'), /excluded/);
  // Many wildcards against many constraints: bounded like OpenSSL's name checks.
  const manyNc = intermediate([nc(null, Array.from({ length: 1100 }, (_, i) => `x${i}.example.org`))]);
  const manyWild = buildCert({
    issuer: INTER_NAME(), subject: seq(), key: leafKey.publicKey, signWith: interKey.privateKey, serial: new Uint8Array([0x46]),
    extensions: [ext('2.5.29.17', dns(...Array.from({ length: 1000 }, (_, i) => `*.w${i}.example.com`)), true), ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.1'))), ext('2.5.29.35', seq(ctxPrim(0, INTER_SKI))), ext('2.5.29.15', bits(0), true)],
  });
  assert.match(verdict(manyWild, { intermediates: [manyNc], hostname: 'a.w1.example.com' }), /too many wildcard names/);
  // Without the flag: OpenSSL compares the wildcard text only.
  assert.equal(verdict(leafUnder(['*.example.com']), { intermediates: [intermediate([nc(null, ['bar.example.com'])])], hostname: 'a.example.com', flags: VERIFY_X509_TRUSTED_FIRST }), 'ok');
});

test('policyConstraints must be critical; intermediates need key identifiers', () => {
  const pc = (critical: boolean): Asn => ext('2.5.29.36', seq(ctxPrim(0, new Uint8Array([0]))), critical);
  const run = (inter: Uint8Array): string => verdict(leafUnder(['a.example']), { intermediates: [inter] });
  assert.match(run(intermediate([pc(false)])), /policyConstraints is not critical/);
  assert.equal(run(intermediate([pc(true)])), 'ok');
  assert.match(run(intermediate([], { '2.5.29.35': null })), /Authority Key Identifier|authorityKeyIdentifier/);
});

test('an alternative path is found when the one OpenSSL builds fails', () => {
  // Two intermediates with one name and key: one excludes the leaf's name, the other is clean.
  const bad = intermediate([nc(null, ['a.example'])]);
  const good = intermediate([]);
  const l = leafUnder(['a.example']);
  assert.match(verdict(l, { intermediates: [bad, good], flags: VERIFY_X509_TRUSTED_FIRST }), /excluded/);
  assert.equal(verdict(l, { intermediates: [bad, good] }), 'ok');
  assert.match(verdict(l, { intermediates: [bad] }), /excluded/);
  // The depth counts intermediates that are not self-issued.
  assert.match(verdict(l, { intermediates: [good], flags: FLAGS, trusted: [ROOT] }), /ok/);
  // A partial chain: the intermediate itself as the anchor.
  assert.equal(verdict(l, { intermediates: [], trusted: [good], flags: FLAGS | VERIFY_X509_PARTIAL_CHAIN }), 'ok');
});

test('without a public suffix list only *.tld is refused', () => {
  const script = `
    import { isPublicSuffix, haveSuffixList } from './src/x509/public-suffix.ts';
    console.log(JSON.stringify([haveSuffixList(), isPublicSuffix('com'), isPublicSuffix('co.uk'), isPublicSuffix('example.co.uk')]));`;
  const run = (env: Record<string, string>): unknown =>
    JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, ...env } }).toString());
  assert.deepEqual(run({ SSL_TS_PUBLIC_SUFFIX_LIST: '/nonexistent/list.dat' }), [false, true, false, false]);
  assert.deepEqual(run({}), [true, true, true, false]);
});

test('public suffix rules: exact, wildcard, exception, IDN; ICANN section only', () => {
  const cases: [string, boolean][] = [
    ['com', true], ['example.com', false], ['co.uk', true], ['gov.uk', true],
    ['foo.ck', true], ['www.ck', false], // *.ck with the exception !www.ck
    ['foo.kawasaki.jp', true], ['city.kawasaki.jp', false], ['a.b.kawasaki.jp', false],
    ['xn--55qx5d.cn', true], // 公司.cn as the list writes it, in A-labels
    ['s3.amazonaws.com', false], ['github.io', false], // private section: not used
    ['unlisted', true], // the implicit "*" rule
  ];
  for (const [name, expected] of cases) assert.equal(isPublicSuffix(name), expected, name);
});

test('the path search: only real issuers, bounded on a hostile pool', { timeout: 120_000 }, () => {
  const store = new TrustStore([ROOT]);
  const l = parseCertificate(leafUnder(['a.example']));
  const good = parseCertificate(intermediate([]));
  const paths = (untrusted: Certificate[], s: TrustStore = store, depth = 100, partial = false): Certificate[][] => [...webpkiPaths(l, { store: s, untrusted, partial, depth })];
  assert.deepEqual(paths([good]).map((p) => p.length), [3]);
  // A store certificate with the right name but another key identifier is not an issuer.
  const other = new TrustStore([buildCert({ issuer: INTER_NAME(), subject: INTER_NAME(), key: interKey.publicKey, signWith: interKey.privateKey, extensions: [...rootExts().slice(0, 2), ext('2.5.29.14', octets(new Uint8Array(20).fill(0x99)))] })]);
  assert.deepEqual(paths([], other), []);
  // Unrelated certificates in the pool do not use up the search.
  const unrelated = parseCertificate(leaf());
  assert.deepEqual(paths([...new Array(2000).fill(unrelated), good]).map((p) => p.length), [3]);
  // Intermediates whose names all chain into each other: the search stays bounded.
  const loopKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const loopers = Array.from({ length: 12 }, (_, i) => parseCertificate(buildCert({
    issuer: INTER_NAME(), subject: INTER_NAME(), key: loopKey.publicKey, signWith: loopKey.privateKey, serial: new Uint8Array([0x60 + i]),
    extensions: [ext('2.5.29.19', seq(new asn1js.Boolean({ value: true })), true)],
  })));
  const found = paths(loopers, new TrustStore([loopers[0]!.der]), 100, true);
  assert.ok(found.length >= 1);
  assert.ok(found.length <= 512);
  for (const p of found) assert.equal(new Set(p).size, p.length, 'a certificate appears twice on a path');
  // An untrusted certificate with the issuer's name but another key identifier is not used either.
  const wrongAki = parseCertificate(intermediate([], { '2.5.29.14': ext('2.5.29.14', octets(new Uint8Array(20).fill(0x77))) }));
  assert.deepEqual(paths([wrongAki]), []);
  // Self-issued steps do not count towards the depth; others do.
  assert.deepEqual(paths([good], store, 0), []);
  assert.deepEqual(paths([good], store, 1).map((p) => p.length), [3]);
});
