// verifyChain() verdicts compared with `openssl verify` on the same inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseCertificate } from '../../src/x509/certificate.js';
import { alertForVerifyError, verifyChain, type VerifyOptions } from '../../src/x509/verify.js';
import { SSLCertVerificationError, SSLError, ValueError } from '../../src/errors.js';
import {
  type Asn, HAVE_OPENSSL, basicConstraints, buildCert, cn, ctx, ctxPrim, der, ext, fixtureDer, fixtureDers, fixturePath, fromDer,
  keyUsage, oid, opensslVerify, seq, tempDir, writePem,
} from './helpers.js';
import { MUTATION_RUN } from '../helpers/mutation-mode.js';

const KINDS = ['ecdsa-p256', 'ecdsa-p384', 'rsa2048', 'ed25519'] as const;

const privateKey = (f: string): crypto.KeyObject => crypto.createPrivateKey(readFileSync(fixturePath(f)));
const ROOT = fixtureDer('ca.pem');
const INTER = fixtureDer('inter.pem');
const INTER_KEY = privateKey('inter.key');
const interCert = parseCertificate(INTER);
const interSubject = (): Asn => fromDer(interCert.subjectDer);

// Extension encoders for crafted certificates.
const sanDns = (...names: string[]): Asn => ext('2.5.29.17', seq(...names.map((n) => ctxPrim(2, Buffer.from(n)))));
const akid = (keyId: Uint8Array): Asn => ext('2.5.29.35', seq(ctxPrim(0, keyId)));
const ekuServer = (): Asn => ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.1')));

function keyPair(type: 'ec' | 'rsa' | 'ed25519', bits?: number): crypto.KeyPairKeyObjectResult {
  if (type === 'ec') return crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  if (type === 'rsa') return crypto.generateKeyPairSync('rsa', { modulusLength: bits ?? 2048 });
  return crypto.generateKeyPairSync('ed25519');
}

interface Scenario {
  leaf: Uint8Array;
  extras?: Uint8Array[];
  trusted?: Uint8Array[];
  opts?: VerifyOptions;
}

function ourVerdict(s: Scenario): { code: number; message: string } {
  try {
    verifyChain([s.leaf, ...(s.extras ?? [])], s.trusted ?? [ROOT], s.opts);
    return { code: 0, message: 'ok' };
  } catch (e) {
    if (e instanceof SSLCertVerificationError) return { code: e.verifyCode, message: e.verifyMessage };
    throw e;
  }
}

function opensslVerdict(s: Scenario): { code: number; message: string } {
  const dir = tempDir();
  const o = s.opts ?? {};
  let hostname: string | undefined;
  let ip: string | undefined;
  if (o.hostname) {
    if (/^[0-9.]+$/.test(o.hostname) || o.hostname.includes(':')) ip = o.hostname;
    else hostname = o.hostname;
  }
  return opensslVerify({
    caFile: writePem(dir, 'trusted.pem', s.trusted ?? [ROOT]),
    leaf: writePem(dir, 'leaf.pem', [s.leaf]),
    untrusted: s.extras && s.extras.length > 0 ? writePem(dir, 'untrusted.pem', s.extras) : undefined,
    hostname,
    ip,
    purpose: o.purpose === 'serverAuth' ? 'sslserver' : o.purpose === 'clientAuth' ? 'sslclient' : undefined,
    attime: o.time,
  });
}

function sameAsOpenssl(label: string, s: Scenario, expectedCode: number): void {
  const ours = ourVerdict(s);
  assert.equal(ours.code, expectedCode, `${label}: our code ${ours.code} (${ours.message})`);
  // Under `npm run mutation` the expected code (checked against openssl by every npm test) is enough.
  if (MUTATION_RUN) return;
  assert.ok(HAVE_OPENSSL, 'the openssl command is needed: .ci/run installs it');
  const ref = opensslVerdict(s);
  assert.equal(ref.code, expectedCode, `${label}: openssl says ${ref.code} (${ref.message})`);
  // Python words the name mismatches itself; everything else is OpenSSL's text.
  if (expectedCode !== 62 && expectedCode !== 64) assert.equal(ours.message, ref.message, label);
}

test('good chains of every key type verify, with hostnames and IPs', () => {
  for (const kind of KINDS) {
    const [leaf, inter] = fixtureDers(`leaf-${kind}-chain.pem`) as [Uint8Array, Uint8Array];
    for (const hostname of [undefined, 'localhost', 'LOCALHOST', '127.0.0.1', '::1']) {
      sameAsOpenssl(`${kind} ${hostname}`, { leaf, extras: [inter], opts: { hostname, purpose: 'serverAuth' } }, 0);
    }
    sameAsOpenssl(`${kind} client purpose`, { leaf, extras: [inter], opts: { purpose: 'clientAuth' } }, 0);
    sameAsOpenssl(`${kind} wrong host`, { leaf, extras: [inter], opts: { hostname: 'example.org' } }, 62);
    sameAsOpenssl(`${kind} wrong ip`, { leaf, extras: [inter], opts: { hostname: '10.0.0.1' } }, 64);
    sameAsOpenssl(`${kind} wrong ipv6`, { leaf, extras: [inter], opts: { hostname: '::2' } }, 64);
    const chain = verifyChain([leaf, inter], [ROOT], { hostname: 'localhost' });
    assert.deepStrictEqual(chain, [leaf, inter, ROOT]);
  }
});

test('fixture failure cases', () => {
  sameAsOpenssl('expired', { leaf: fixtureDer('expired.pem'), extras: [INTER] }, 10);
  sameAsOpenssl('expired + wrong host reports the host first', { leaf: fixtureDer('expired.pem'), extras: [INTER], opts: { hostname: 'nope.example' } }, 62);
  sameAsOpenssl('wronghost', { leaf: fixtureDer('wronghost.pem'), extras: [INTER], opts: { hostname: 'localhost' } }, 62);
  sameAsOpenssl('wronghost right name', { leaf: fixtureDer('wronghost.pem'), extras: [INTER], opts: { hostname: 'wrong.example' } }, 0);
  sameAsOpenssl('untrusted root presented', { leaf: fixtureDer('untrusted.pem'), extras: [fixtureDer('other-ca.pem')] }, 19);
  sameAsOpenssl('untrusted root absent', { leaf: fixtureDer('untrusted.pem') }, 20);
  sameAsOpenssl('untrusted root trusted', { leaf: fixtureDer('untrusted.pem'), trusted: [fixtureDer('other-ca.pem')] }, 0);
  sameAsOpenssl('missing intermediate', { leaf: fixtureDer('leaf-ecdsa-p256.pem') }, 20);
  sameAsOpenssl('only intermediate trusted', { leaf: fixtureDer('leaf-ecdsa-p256.pem'), trusted: [INTER] }, 2);
  sameAsOpenssl('intermediate and root trusted', { leaf: fixtureDer('leaf-ecdsa-p256.pem'), trusted: [INTER, ROOT] }, 0);
  sameAsOpenssl('client cert as server', { leaf: fixtureDer('client.pem'), extras: [INTER], opts: { purpose: 'serverAuth' } }, 26);
  sameAsOpenssl('client cert as client', { leaf: fixtureDer('client.pem'), extras: [INTER], opts: { purpose: 'clientAuth' } }, 0);
  sameAsOpenssl('root alone as leaf', { leaf: ROOT }, 0);
  sameAsOpenssl('root as leaf, untrusted', { leaf: fixtureDer('other-ca.pem') }, 18);
  const earlier = new Date(Date.UTC(2024, 5, 1));
  sameAsOpenssl('not yet valid', { leaf: fixtureDer('leaf-rsa2048.pem'), extras: [INTER], opts: { time: earlier } }, 9);
  const later = new Date(Date.UTC(2080, 0, 1));
  sameAsOpenssl('all expired later', { leaf: fixtureDer('leaf-rsa2048.pem'), extras: [INTER], opts: { time: later } }, 10);
  sameAsOpenssl('expired leaf valid in 2020', { leaf: fixtureDer('expired.pem'), extras: [INTER], opts: { time: new Date(Date.UTC(2020, 5, 1)) } }, 9);
});

test('extra and out-of-order certificates in the presented list', () => {
  const leaf = fixtureDer('leaf-ed25519.pem');
  sameAsOpenssl('unrelated extras around the intermediate', { leaf, extras: [fixtureDer('other-ca.pem'), fixtureDer('client.pem'), INTER, ROOT] }, 0);
  const chain = verifyChain([leaf, ROOT, fixtureDer('wronghost.pem'), INTER], [ROOT]);
  assert.deepStrictEqual(chain, [leaf, INTER, ROOT]);
});

test('self-signed leaves', () => {
  const k = keyPair('ec');
  const name = cn('self.example');
  const self = buildCert({ issuer: name, subject: name, key: k.publicKey, signWith: k.privateKey, extensions: [sanDns('self.example')] });
  sameAsOpenssl('self-signed untrusted', { leaf: self }, 18);
  sameAsOpenssl('self-signed trusted', { leaf: self, trusted: [self] }, 0);
  sameAsOpenssl('self-signed trusted, right host', { leaf: self, trusted: [self], opts: { hostname: 'self.example' } }, 0);
  sameAsOpenssl('self-signed trusted, wrong host', { leaf: self, trusted: [self], opts: { hostname: 'other.example' } }, 62);
  // Same name and key, different certificate: an impostor of the trusted one.
  const twin = buildCert({ issuer: name, subject: name, key: k.publicKey, signWith: k.privateKey, serial: new Uint8Array([9]) });
  sameAsOpenssl('self-signed lookalike', { leaf: twin, trusted: [self] }, 18);
});

test('crafted chain defects', () => {
  const leafKey = keyPair('ec');
  const leafOpts = { subject: cn('localhost'), key: leafKey.publicKey, extensions: [sanDns('localhost')] };

  // Issuer name matches but the signature was made with another key.
  const rogue = keyPair('ec');
  sameAsOpenssl('bad signature', { leaf: buildCert({ ...leafOpts, issuer: interSubject(), signWith: rogue.privateKey }), extras: [INTER] }, 7);

  // The authority key identifier points elsewhere: the intermediate is not its issuer.
  const wrongAkid = buildCert({ ...leafOpts, issuer: interSubject(), signWith: INTER_KEY, extensions: [akid(new Uint8Array(20).fill(7))] });
  sameAsOpenssl('akid mismatch', { leaf: wrongAkid, extras: [INTER] }, 20);

  // A non-CA certificate acting as issuer.
  const fakeCaKey = privateKey('leaf-ecdsa-p256.key');
  const fakeCa = fixtureDer('leaf-ecdsa-p256.pem');
  const underLeaf = buildCert({ ...leafOpts, issuer: fromDer(parseCertificate(fakeCa).subjectDer), signWith: fakeCaKey });
  sameAsOpenssl('issuer is not a CA', { leaf: underLeaf, extras: [fakeCa, INTER] }, 79);

  // CA:TRUE but keyUsage without keyCertSign.
  const kuKey = keyPair('ec');
  const kuCa = buildCert({ issuer: interSubject(), subject: cn('KU CA'), key: kuKey.publicKey, signWith: INTER_KEY, extensions: [basicConstraints(true), keyUsage(['digitalSignature'])] });
  const underKu = buildCert({ ...leafOpts, issuer: cn('KU CA'), signWith: kuKey.privateKey });
  sameAsOpenssl('CA without keyCertSign', { leaf: underKu, extras: [kuCa, INTER] }, 79);

  // The intermediate has pathlen:0, so it cannot certify another CA.
  const subKey = keyPair('ec');
  const subCa = buildCert({ issuer: interSubject(), subject: cn('Sub CA'), key: subKey.publicKey, signWith: INTER_KEY, extensions: [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign'])] });
  const underSub = buildCert({ ...leafOpts, issuer: cn('Sub CA'), signWith: subKey.privateKey });
  sameAsOpenssl('path length exceeded', { leaf: underSub, extras: [subCa, INTER] }, 25);

  // Unknown critical extension on the leaf.
  const critical = buildCert({ ...leafOpts, issuer: interSubject(), signWith: INTER_KEY, extensions: [sanDns('localhost'), ext('1.2.3.4.5', new asn1js.Null(), true)] });
  sameAsOpenssl('unhandled critical extension', { leaf: critical, extras: [INTER] }, 34);
  const nonCritical = buildCert({ ...leafOpts, issuer: interSubject(), signWith: INTER_KEY, extensions: [sanDns('localhost'), ext('1.2.3.4.5', new asn1js.Null(), false)] });
  sameAsOpenssl('unknown non-critical extension', { leaf: nonCritical, extras: [INTER] }, 0);

  // EKU without serverAuth, checked only when a purpose is requested.
  const clientOnly = buildCert({ ...leafOpts, issuer: interSubject(), signWith: INTER_KEY, extensions: [ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.4')))] });
  sameAsOpenssl('eku lacks serverAuth', { leaf: clientOnly, extras: [INTER], opts: { purpose: 'serverAuth' } }, 26);
  sameAsOpenssl('eku ignored without purpose', { leaf: clientOnly, extras: [INTER] }, 0);
  const serverEku = buildCert({ ...leafOpts, issuer: interSubject(), signWith: INTER_KEY, extensions: [ekuServer(), keyUsage(['keyEncipherment'])] });
  sameAsOpenssl('keyEncipherment-only leaf as server', { leaf: serverEku, extras: [INTER], opts: { purpose: 'serverAuth' } }, 0);
  sameAsOpenssl('keyEncipherment-only leaf as client', { leaf: serverEku, extras: [INTER], opts: { purpose: 'clientAuth' } }, 26);

  // Security level 2: small keys and SHA-1 signatures.
  const small = keyPair('rsa', 1024);
  sameAsOpenssl('1024-bit leaf key', { leaf: buildCert({ ...leafOpts, key: small.publicKey, issuer: interSubject(), signWith: INTER_KEY }), extras: [INTER] }, 66);
  const sha1Leaf = buildCert({ ...leafOpts, issuer: interSubject(), sigAlg: seq(oid('1.2.840.10045.4.1')), signWith: INTER_KEY });
  sameAsOpenssl('sha1-signed leaf', { leaf: resign(sha1Leaf, INTER_KEY, 'sha1'), extras: [INTER] }, 68);

  // CN fallback only when there is no DNS name at all.
  const cnOnly = buildCert({ subject: cn('cn-only.example'), key: leafKey.publicKey, issuer: interSubject(), signWith: INTER_KEY });
  sameAsOpenssl('CN fallback', { leaf: cnOnly, extras: [INTER], opts: { hostname: 'cn-only.example' } }, 0);
  assert.equal(ourVerdict({ leaf: cnOnly, extras: [INTER], opts: { hostname: 'cn-only.example', hostnameChecksCommonName: false } }).code, 62);
});

/** Re-signs a crafted certificate's TBS with another digest (buildCert always uses SHA-256). */
function resign(certDer: Uint8Array, key: crypto.KeyObject, hash: string): Uint8Array {
  const c = parseCertificate(certDer);
  const sig = crypto.sign(hash, c.tbsDer, key);
  return der(seq(fromDer(c.tbsDer), seq(oid(c.signatureAlgorithmOid)), new asn1js.BitString({ valueHex: sig })));
}

test('verification errors carry Python-shaped messages', () => {
  const leaf = fixtureDer('leaf-ecdsa-p256.pem');
  assert.throws(() => verifyChain([leaf, INTER], [ROOT], { hostname: 'bad.example' }), (e: unknown) => {
    assert.ok(e instanceof SSLCertVerificationError);
    assert.ok(e instanceof ValueError);
    assert.equal(e.verifyCode, 62);
    assert.equal(e.verifyMessage, "Hostname mismatch, certificate is not valid for 'bad.example'.");
    assert.equal(e.message, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'bad.example'.");
    return true;
  });
  assert.throws(() => verifyChain([leaf, INTER], [ROOT], { hostname: '10.1.2.3' }), (e: unknown) =>
    e instanceof SSLCertVerificationError && e.verifyMessage === "IP address mismatch, certificate is not valid for '10.1.2.3'.");
  assert.throws(() => verifyChain([leaf], [ROOT]), (e: unknown) =>
    e instanceof SSLCertVerificationError && e.verifyCode === 20 && e.verifyMessage === 'unable to get local issuer certificate');
  assert.throws(() => verifyChain([new Uint8Array([0x30, 0x00])], [ROOT]), (e: unknown) => e instanceof SSLError && !(e instanceof SSLCertVerificationError));
});

test('alertForVerifyError follows OpenSSL', () => {
  assert.equal(alertForVerifyError(20), 48);
  assert.equal(alertForVerifyError(19), 48);
  assert.equal(alertForVerifyError(18), 48);
  assert.equal(alertForVerifyError(2), 48);
  assert.equal(alertForVerifyError(79), 48);
  assert.equal(alertForVerifyError(10), 45);
  assert.equal(alertForVerifyError(9), 42);
  assert.equal(alertForVerifyError(7), 51);
  assert.equal(alertForVerifyError(62), 42);
  assert.equal(alertForVerifyError(64), 42);
  assert.equal(alertForVerifyError(26), 43);
  assert.equal(alertForVerifyError(34), 46);
  assert.equal(alertForVerifyError(12345), 46);
});

test('name constraints', () => {
  const rootKey = keyPair('ec');
  const rootName = cn('NC Root');
  const subtree = (base: Asn, extra: Asn[] = []): Asn => seq(base, ...extra);
  const dnsName = (s: string): Asn => ctxPrim(2, Buffer.from(s));
  const ipName = (h: string): Asn => ctxPrim(7, Buffer.from(h, 'hex'));
  const emailName = (s: string): Asn => ctxPrim(1, Buffer.from(s));
  const uriName = (s: string): Asn => ctxPrim(6, Buffer.from(s));
  const dirName = (o: string): Asn => ctx(4, [seq(new asn1js.Set({ value: [seq(oid('2.5.4.10'), new asn1js.Utf8String({ value: o }))] }))]);
  const ncExt = (permitted: Asn[], excluded: Asn[]): Asn =>
    ext('2.5.29.30', seq(...(permitted.length ? [ctx(0, permitted)] : []), ...(excluded.length ? [ctx(1, excluded)] : [])), true);
  const makeRoot = (nc: Asn): Uint8Array => buildCert({
    issuer: rootName, subject: rootName, key: rootKey.publicKey, signWith: rootKey.privateKey,
    extensions: [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign']), nc],
  });
  const root = makeRoot(ncExt(
    [subtree(dnsName('example.com')), subtree(ipName('0a000000ff000000')), subtree(emailName('.example.com')), subtree(dirName('Good'))],
    [subtree(dnsName('bad.example.com'))],
  ));
  const leafKey = keyPair('ec');
  const orgCn = (o: string, c: string): Asn => seq(
    new asn1js.Set({ value: [seq(oid('2.5.4.10'), new asn1js.Utf8String({ value: o }))] }),
    new asn1js.Set({ value: [seq(oid('2.5.4.3'), new asn1js.Utf8String({ value: c }))] }),
  );
  const leaf = (subject: Asn, sans: Asn[]): Uint8Array => buildCert({
    issuer: rootName, subject, key: leafKey.publicKey, signWith: rootKey.privateKey,
    extensions: sans.length ? [ext('2.5.29.17', seq(...sans))] : [],
  });
  const cases: [string, Uint8Array, number][] = [
    ['permitted dns', leaf(orgCn('Good', 'x'), [dnsName('www.example.com')]), 0],
    ['dns equal to base', leaf(orgCn('Good', 'x'), [dnsName('example.com')]), 0],
    ['dns suffix without dot', leaf(orgCn('Good', 'x'), [dnsName('wwwexample.com')]), 47],
    ['other dns', leaf(orgCn('Good', 'x'), [dnsName('www.other.com')]), 47],
    ['excluded dns', leaf(orgCn('Good', 'x'), [dnsName('x.bad.example.com')]), 48],
    ['permitted ip', leaf(orgCn('Good', 'x'), [ipName('0a010203')]), 0],
    ['other ip', leaf(orgCn('Good', 'x'), [ipName('0b000001')]), 47],
    ['ipv6 vs v4 subtree', leaf(orgCn('Good', 'x'), [ipName('00000000000000000000000000000001')]), 47],
    ['permitted email', leaf(orgCn('Good', 'x'), [emailName('a@mail.example.com')]), 0],
    ['other email', leaf(orgCn('Good', 'x'), [emailName('a@evil.com')]), 47],
    ['unconstrained uri', leaf(orgCn('Good', 'x'), [uriName('https://anything.org/')]), 0],
    ['wrong organisation', leaf(orgCn('Bad', 'x'), [dnsName('www.example.com')]), 47],
    ['host-like CN outside', leaf(orgCn('Good', 'host.other.com'), []), 47],
    ['host-like CN inside', leaf(orgCn('Good', 'host.example.com'), []), 0],
    ['CN ignored when DNS SAN present', leaf(orgCn('Good', 'host.other.com'), [dnsName('a.example.com')]), 0],
  ];
  for (const [label, l, code] of cases) sameAsOpenssl(`nc ${label}`, { leaf: l, trusted: [root] }, code);
  assert.equal(ourVerdict({ leaf: leaf(orgCn('Good', 'host.other.com'), []), trusted: [root], opts: { hostnameChecksCommonName: false } }).code, 0);

  const uriRoot = makeRoot(ncExt([subtree(uriName('.example.com'))], []));
  sameAsOpenssl('nc uri inside', { leaf: leaf(cn('u'), [uriName('https://a.example.com:8443/x')]), trusted: [uriRoot] }, 0);
  sameAsOpenssl('nc uri outside', { leaf: leaf(cn('u'), [uriName('https://example.com/')]), trusted: [uriRoot] }, 47);
  sameAsOpenssl('nc uri without host', { leaf: leaf(cn('u'), [uriName('urn:x')]), trusted: [uriRoot] }, 53);

  const minRoot = makeRoot(ncExt([subtree(dnsName('example.com'), [ctxPrim(0, new Uint8Array([1]))])], []));
  sameAsOpenssl('nc minimum', { leaf: leaf(cn('m'), [dnsName('a.example.com')]), trusted: [minRoot] }, 49);

  const otherRoot = makeRoot(ncExt([subtree(ctx(0, [oid('1.2.3.4'), ctx(0, [new asn1js.Utf8String({ value: 'x' })])]))], []));
  sameAsOpenssl('nc otherName', { leaf: leaf(cn('o'), [ctx(0, [oid('1.2.3.4'), ctx(0, [new asn1js.Utf8String({ value: 'y' })])])]), trusted: [otherRoot] }, 51);
});
