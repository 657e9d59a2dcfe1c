// Regression tests for the X.509 defects of issue 8 (found with x509-limbo
// and mutation fuzzing), each compared with `openssl verify` on the same
// files: a SAN list too long for the parser, certificates with broken or
// duplicated extensions, explicit EC parameters, the critical extensions
// OpenSSL understands, and the verify depth.
import type { KeyObject } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import { readFileSync } from 'node:fs';
import { DEFAULT_VERIFY_DEPTH, ValueError, VerifyFlags, verifyCertificateChain } from '../../src/index.js';
import { parseCertificate, SUPPORTED_CRITICAL } from '../../src/x509/certificate.js';
import { parseDer } from '../../src/x509/asn1.js';
import { matchDnsName } from '../../src/x509/hostname.js';
import { buildCert, ctx, ctxPrim, ext, fromDer, name, oid, seq, utf8 } from './helpers.js';
import { OpensslPki, explicitCurveKey, opensslCode, ourCode, type VerifyCase } from './openssl-pki.js';
import { MUTATION_RUN } from '../helpers/mutation-mode.js';

const { VERIFY_X509_TRUSTED_FIRST: TRUSTED_FIRST, VERIFY_X509_STRICT: STRICT, VERIFY_X509_PARTIAL_CHAIN: PARTIAL } = VerifyFlags;

/** The flag sets the "every flag set" rules are checked under: openssl arguments and ours. */
const FLAG_SETS: { args: string[]; opts: VerifyCase['opts'] }[] = [
  { args: [], opts: { flags: TRUSTED_FIRST } },
  { args: ['-x509_strict'], opts: { flags: TRUSTED_FIRST | STRICT } },
  { args: ['-partial_chain'], opts: { flags: TRUSTED_FIRST | PARTIAL } },
  { args: ['-purpose', 'sslserver'], opts: { flags: TRUSTED_FIRST, purpose: 'serverAuth' } },
  { args: ['-no-CAfile', '-no_check_time'], opts: { flags: 0 } },
];

function both(label: string, c: VerifyCase, expected: number): void {
  // Under `npm run mutation` the expected code (checked against openssl by every npm test) is enough.
  if (!MUTATION_RUN) {
    const ref = opensslCode(c);
    assert.equal(ref, expected, `${label}: openssl verify says ${ref}`);
  }
  assert.equal(ourCode(c), expected, `${label}: ours`);
}

const pki = new OpensslPki();
const root = pki.root();

test('a leaf with 10,001 DNS names is read whole: no commonName fallback (hostname bypass)', () => {
  const names = Array.from({ length: 10_001 }, (_, i) => `DNS:n${i}.example`).join(',');
  const leaf = pki.issue(root, 'many', '/CN=victim.example', [`subjectAltName=${names}`]);
  const cert = parseCertificate(leaf.der);
  assert.equal(cert.subjectAltNames.length, 10_001);
  assert.equal(cert.hasInvalidExtensions, false);
  assert.equal(matchDnsName(cert, 'victim.example'), false);
  for (const [host, code] of [['victim.example', 62], ['n0.example', 0], ['n5000.example', 0], ['n10000.example', 0]] as const) {
    both(host, { leaf: leaf.pem, trusted: root.pem, hostname: host }, code);
  }
});

test('a child whose length runs past its parent is malformed (asn1js would read on)', () => {
  // SEQUENCE { [0] { OID, [0] { UTF8String of length 1 with its byte outside } } } 0xff
  const overrun = Buffer.from('3012a010060a2b06010401823714020ca0020c01ff', 'hex');
  assert.throws(() => parseDer(overrun, true), /TOO_LONG/);
  assert.throws(() => parseDer(Buffer.from('3004020101', 'hex')), /HEADER_TOO_LONG|TOO_LONG/);
  // The same bytes as a subjectAltName make the certificate unusable, as in OpenSSL.
  const leaf = pki.issue(root, 'overrun', '/CN=a.example', [`subjectAltName=DER:${overrun.toString('hex')}`]);
  assert.equal(parseCertificate(leaf.der).hasInvalidExtensions, true);
  both('overrun SAN', { leaf: leaf.pem, trusted: root.pem }, 20);
  // Exact tiling is still fine: a well-formed value with trailing bytes is read like d2i does.
  const good = parseDer(Buffer.from('3003020101ff', 'hex'), true);
  assert.equal(good.raw.length, 5);
  assert.throws(() => parseDer(Buffer.from('3003020101ff', 'hex')), /TOO_LONG/);
});

// Certificates whose extensions OpenSSL cannot cache (EXFLAG_INVALID): they
// can neither issue nor be issued, under every flag set.
const SAN_OK = ctxPrim(2, Buffer.from('a.example'));
const GARBAGE = new Uint8Array([0x04, 0x01, 0x00]);
const BROKEN: Record<string, asn1js.AsnType[]> = {
  'ASCII bytes as subjectAltName (limbo rfc5280::san::malformed)': [ext('2.5.29.17', Buffer.from('example.com'))],
  'OCTET STRING as subjectAltName': [ext('2.5.29.17', GARBAGE)],
  'duplicated subjectAltName': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.17', seq(SAN_OK))],
  'duplicated extKeyUsage': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.1'))), ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.1')))],
  'duplicated keyUsage': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.15', new asn1js.BitString({ valueHex: new Uint8Array([0x80]) })), ext('2.5.29.15', new asn1js.BitString({ valueHex: new Uint8Array([0x80]) }))],
  'broken netscape cert type': [ext('2.5.29.17', seq(SAN_OK)), ext('2.16.840.1.113730.1.1', GARBAGE)],
  'broken cRLDistributionPoints': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.31', GARBAGE)],
  'cRLDistributionPoints with a primitive distributionPoint': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.31', seq(seq(ctxPrim(0, new Uint8Array(0)))))],
  'broken IP address blocks': [ext('2.5.29.17', seq(SAN_OK)), ext('1.3.6.1.5.5.7.1.7', GARBAGE)],
  'broken AS identifiers': [ext('2.5.29.17', seq(SAN_OK)), ext('1.3.6.1.5.5.7.1.8', GARBAGE)],
  'broken proxyCertInfo': [ext('2.5.29.17', seq(SAN_OK)), ext('1.3.6.1.5.5.7.1.14', GARBAGE)],
  'broken authorityKeyIdentifier': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.35', GARBAGE)],
  'broken subjectKeyIdentifier': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.14', seq())],
  'broken basicConstraints': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.19', GARBAGE)],
  'broken nameConstraints': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.30', GARBAGE)],
  // nameConstraints that do not follow the NameConstraints / GeneralSubtree templates.
  'nameConstraints: an empty GeneralSubtree': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.30', seq(ctx(0, [seq()])))],
  'nameConstraints: a BOOLEAN after the base': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.30', seq(ctx(0, [seq(SAN_OK, new asn1js.Boolean({ value: true }))])))],
  'nameConstraints: a constructed minimum': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.30', seq(ctx(0, [seq(SAN_OK, ctx(0, [new asn1js.Integer({ value: 0 })]))])))],
  'nameConstraints: a [2] field in a GeneralSubtree': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.30', seq(ctx(0, [seq(SAN_OK, ctxPrim(2, new Uint8Array([1])))])))],
  'nameConstraints: a [2] list of subtrees': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.30', seq(ctx(2, [seq(SAN_OK)])))],
  'nameConstraints: a universal SEQUENCE of subtrees': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.30', seq(seq(seq(SAN_OK))))],
  'empty keyUsage': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.15', new asn1js.BitString({ valueHex: new Uint8Array([0]) }))],
  'keyUsage with bits only past the ninth': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.15', new Uint8Array([3, 4, 0, 0, 0, 0x80]))],
};
// Extensions OpenSSL does not decode while verifying: duplicates and garbage pass.
const TOLERATED: Record<string, asn1js.AsnType[]> = {
  'duplicated unknown extension': [ext('2.5.29.17', seq(SAN_OK)), ext('1.2.3.4', seq()), ext('1.2.3.4', seq())],
  'duplicated certificatePolicies': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.32', seq(seq(oid('2.5.29.32.0')))), ext('2.5.29.32', seq(seq(oid('2.5.29.32.0'))))],
  'broken authorityInfoAccess': [ext('2.5.29.17', seq(SAN_OK)), ext('1.3.6.1.5.5.7.1.1', GARBAGE)],
  'broken issuerAltName': [ext('2.5.29.17', seq(SAN_OK)), ext('2.5.29.18', GARBAGE)],
  'trailing bytes after a good subjectAltName': [ext('2.5.29.17', new Uint8Array([...Buffer.from('300b8209612e6578616d706c65', 'hex'), 0]))],
  'well-formed cRLDistributionPoints': [ext('2.5.29.17', seq(SAN_OK)),
    ext('2.5.29.31', seq(seq(ctx(0, [ctx(0, [ctxPrim(6, Buffer.from('http://crl.example/x.crl'))])]))))],
};

let lastLeafKey: KeyObject | null = null;
function issued(exts: asn1js.AsnType[], key = root.privateKey): Uint8Array {
  // A fresh key per leaf; under `npm run mutation` one serves them all (each costs two openssl runs).
  const leafKey = MUTATION_RUN && lastLeafKey
    ? lastLeafKey
    : (lastLeafKey = parseCertificate(pki.issue(root, 'keyholder', '/CN=k', ['subjectAltName=DNS:k.example']).der).publicKey as KeyObject);
  return buildCert({
    issuer: fromDer(parseCertificate(root.der).subjectDer), subject: name([['2.5.4.3', utf8('a.example')]]),
    key: leafKey, signWith: key, extensions: exts, serial: new Uint8Array([0x10, Math.floor(Math.random() * 200)]),
  });
}

test('broken or duplicated extensions are refused under every flag set, as OpenSSL does', () => {
  for (const [label, exts] of Object.entries(BROKEN)) {
    const leaf = pki.write('broken.pem', [issued(exts)]);
    assert.equal(parseCertificate(readDer(leaf)).hasInvalidExtensions, true, label);
    for (const fs of FLAG_SETS) {
      both(`${label} ${fs.args.join(' ')}`, { leaf, trusted: root.pem, args: fs.args, opts: fs.opts }, 20);
    }
  }
});

test('extensions OpenSSL does not decode while verifying may be duplicated or broken', () => {
  for (const [label, exts] of Object.entries(TOLERATED)) {
    const leaf = pki.write('tolerated.pem', [issued(exts)]);
    assert.equal(parseCertificate(readDer(leaf)).hasInvalidExtensions, false, label);
    both(label, { leaf, trusted: root.pem, hostname: 'a.example' }, 0);
  }
});

test('a broken intermediate cannot issue, and a broken trust anchor cannot anchor', () => {
  const inter = pki.issue(root, 'brokeninter', '/CN=broken inter', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign', 'subjectAltName=DER:0401ff']);
  const leaf = pki.issue(inter, 'underbroken', '/CN=a.example', ['subjectAltName=DNS:a.example']);
  for (const fs of FLAG_SETS.slice(0, 3)) {
    both(`leaf under broken intermediate ${fs.args.join(' ')}`, { leaf: leaf.pem, trusted: root.pem, untrusted: inter.pem, args: fs.args, opts: fs.opts }, 20);
  }
  // The same intermediate as the only trust anchor (partial chain): still refused.
  both('broken anchor, partial chain', { leaf: leaf.pem, trusted: inter.pem, args: ['-partial_chain'], opts: { flags: TRUSTED_FIRST | PARTIAL } }, 20);
});

test('the subjectAltName decides, never the commonName, when the SAN cannot be read', () => {
  const der = issued([ext('2.5.29.17', GARBAGE)]);
  const cert = parseCertificate(der);
  assert.equal(cert.hasSubjectAltName, false);
  assert.equal(matchDnsName(cert, 'a.example'), false); // CN=a.example
  assert.equal(matchDnsName(cert, 'a.example', { checkCommonName: true }), false);
  const plain = parseCertificate(issued([]));
  assert.equal(matchDnsName(plain, 'a.example'), true); // no SAN at all: the CN is used
});

test('EC keys with explicit curve parameters are refused once there is an issuer (94)', () => {
  const keyFile = explicitCurveKey(pki.dir);
  const leaf = pki.issue(root, 'explicit', '/CN=a.example', ['subjectAltName=DNS:a.example'], keyFile);
  assert.equal(parseCertificate(leaf.der).ecExplicitParams, true);
  assert.equal(parseCertificate(root.der).ecExplicitParams, false);
  for (const fs of FLAG_SETS.slice(0, 4)) {
    both(`explicit leaf ${fs.args.join(' ')}`, { leaf: leaf.pem, trusted: root.pem, args: fs.args, opts: fs.opts }, 94);
  }
  // Alone and trusted as it is, it is not checked (OpenSSL looks only when num > 1).
  const self = pki.write('explicit-self.pem', [pki.selfSigned('explicitself', '/CN=a.example', keyFile).der]);
  both('explicit self-signed, trusted', { leaf: self, trusted: self }, 0);
  // An unhandled critical extension is reported first.
  const crit = pki.issue(root, 'explicit2', '/CN=a.example', ['subjectAltName=DNS:a.example', '1.2.3.4=critical,DER:0500'], keyFile);
  both('explicit leaf with unknown critical extension', { leaf: crit.pem, trusted: root.pem }, 34);
  // An explicit-curve CA is refused too.
  const inter = pki.issue(root, 'explicitca', '/CN=explicit ca', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign'], keyFile);
  const under = pki.issue(inter, 'underexplicit', '/CN=a.example', ['subjectAltName=DNS:a.example']);
  both('explicit intermediate', { leaf: under.pem, trusted: root.pem, untrusted: inter.pem }, 94);
});

test('critical extensions: OpenSSL 3.0 handles cRLDistributionPoints and OCSP noCheck, not SKI/AKI/AIA', () => {
  const crldp = 'crlDistributionPoints=critical,URI:http://crl.example/x.crl';
  const cases: [string, string, number][] = [
    ['cRLDistributionPoints', crldp, 0],
    ['OCSP noCheck', '1.3.6.1.5.5.7.48.1.5=critical,DER:0500', 0],
    ['certificatePolicies', 'certificatePolicies=critical,2.5.29.32.0', 0],
    ['policyConstraints', 'policyConstraints=critical,requireExplicitPolicy:5', 0],
    ['inhibitAnyPolicy', 'inhibitAnyPolicy=critical,2', 0],
    ['subjectKeyIdentifier', 'subjectKeyIdentifier=critical,hash', 34],
    ['authorityKeyIdentifier', 'authorityKeyIdentifier=critical,keyid:always', 34],
    ['authorityInfoAccess', 'authorityInfoAccess=critical,OCSP;URI:http://ocsp.example', 34],
    ['freshestCRL', 'freshestCRL=critical,URI:http://crl.example/d.crl', 34],
    ['issuerAltName', 'issuerAltName=critical,DNS:ca.example', 34],
    ['CT poison', '1.3.6.1.4.1.11129.2.4.3=critical,DER:0500', 34],
    ['unknown', '1.2.3.4=critical,DER:0500', 34],
  ];
  for (const [label, line, code] of cases) {
    const leaf = pki.issue(root, 'crit', '/CN=a.example', ['subjectAltName=DNS:a.example', line]);
    both(`critical ${label}`, { leaf: leaf.pem, trusted: root.pem }, code);
  }
  // The list itself, as crypto/x509/v3_purp.c X509_supported_extension has it (RFC 3779 built in).
  assert.deepEqual([...SUPPORTED_CRITICAL].sort(), [
    '1.3.6.1.5.5.7.1.14', '1.3.6.1.5.5.7.1.7', '1.3.6.1.5.5.7.1.8', '1.3.6.1.5.5.7.48.1.5', '2.16.840.1.113730.1.1',
    '2.5.29.15', '2.5.29.17', '2.5.29.19', '2.5.29.30', '2.5.29.31', '2.5.29.32', '2.5.29.33', '2.5.29.36', '2.5.29.37', '2.5.29.54',
  ].sort());
});

test('maxDepth limits the intermediates as OpenSSL -verify_depth does; default 100', () => {
  assert.equal(DEFAULT_VERIFY_DEPTH, 100);
  const ca = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign'];
  const i1 = pki.issue(root, 'i1', '/CN=i1', ca);
  const i2 = pki.issue(i1, 'i2', '/CN=i2', ca);
  const leaf = pki.issue(i2, 'deep', '/CN=a.example', ['subjectAltName=DNS:a.example']);
  const untrusted = pki.write('inters.pem', [i1.der, i2.der]);
  for (const depth of [0, 1, 2, 3]) {
    both(`depth ${depth}`, { leaf: leaf.pem, trusted: root.pem, untrusted, args: ['-verify_depth', String(depth)], opts: { maxDepth: depth } }, depth >= 2 ? 0 : 22);
  }
  // With the leaf's issuer as a partial-chain anchor, depth 0 is enough.
  both('depth 0, partial chain', { leaf: leaf.pem, trusted: i2.pem, args: ['-verify_depth', '0', '-partial_chain'], opts: { maxDepth: 0, flags: TRUSTED_FIRST | PARTIAL } }, 0);
  both('default depth', { leaf: leaf.pem, trusted: root.pem, untrusted }, 0);
  const base = { leaf: readFileSync(leaf.pem, 'utf8'), trusted: readFileSync(root.pem, 'utf8'), intermediates: readFileSync(untrusted, 'utf8') };
  assert.throws(() => verifyCertificateChain({ ...base, maxDepth: -1 }), ValueError);
  assert.throws(() => verifyCertificateChain({ ...base, maxDepth: 1.5 }), TypeError);
  assert.throws(() => verifyCertificateChain({ ...base, maxDepth: '2' as unknown as number }), TypeError);
  assert.equal(verifyCertificateChain({ ...base, maxDepth: undefined }).length, 4);
});

function readDer(pemFile: string): Uint8Array {
  return parseCertificate(Buffer.from(readFileSync(pemFile, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64')).der;
}

test('well-formed RFC 3779 extensions are not invalid', () => {
  // (OpenSSL then validates the resources along the path, which is not implemented here.)
  const der = issued([ext('2.5.29.17', seq(SAN_OK)),
    ext('1.3.6.1.5.5.7.1.7', seq(seq(new asn1js.OctetString({ valueHex: new Uint8Array([0, 1]) }), new asn1js.Null()))),
    ext('1.3.6.1.5.5.7.1.8', seq(ctx(0, [seq(seq(new asn1js.Integer({ value: 1 }), new asn1js.Integer({ value: 9 })), new asn1js.Integer({ value: 64500 }))])))]);
  assert.equal(parseCertificate(der).hasInvalidExtensions, false);
});
