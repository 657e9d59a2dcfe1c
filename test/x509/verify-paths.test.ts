// Path building and the checks X509_verify_cert makes on a built chain
// (CA markings, purposes, RFC 5280 strict profile, security level, validity
// periods, depth, trusted-first and alternate chains, partial chains), on
// certificates crafted here one defect at a time. Each case's expected code
// and chain length are OpenSSL 3.0's: every `npm test` asks libcrypto itself
// (openssl-verify.py, with the same flags, auth level, depth, purpose and
// time) and compares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import * as crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SSLCertVerificationError } from '../../src/errors.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { derToPem } from '../../src/x509/pem.js';
import { TrustStore } from '../../src/x509/store.js';
import { V_FLAG, verifyChain, verifyParsed } from '../../src/x509/verify.js';
import {
  type Asn, type KeyUsageName, aki, basicConstraints, buildCert, ctx as asn1jsCtx, ctxPrim, der, ext, fromDer, keyUsage, name, oid, seq, ski,
  utcTime, utf8, verifyCode,
} from './helpers.js';
import { MUTATION_RUN } from '../helpers/mutation-mode.js';

type KeyPair = crypto.KeyPairKeyObjectResult;
const ecKey = (): KeyPair => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsaKey = (bits: number): KeyPair => crypto.generateKeyPairSync('rsa', { modulusLength: bits });

// Whole seconds: OpenSSL compares times at one-second precision.
const NOW = Math.floor(Date.now() / 1000) * 1000;
const DAY = 86_400_000;
const pad = (n: number): string => String(n).padStart(2, '0');
/** UTCTime for NOW + ms. */
function at(ms: number): Asn {
  const d = new Date(NOW + ms);
  return utcTime(`${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`);
}

// Extensions (the common ones come from helpers.ts).
const EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2', nsSGC: '2.16.840.1.113730.4.1', msSGC: '1.3.6.1.4.1.311.10.3.3', any: '2.5.29.37.0',
} as const;
const eku = (...uses: (keyof typeof EKU)[]): Asn => ext('2.5.29.37', seq(...uses.map((u) => oid(EKU[u]))));
const san = (host: string, critical = false): Asn => ext('2.5.29.17', seq(ctxPrim(2, Buffer.from(host))), critical);
const emptyName = (): Asn => seq();
const cnName = (v: string): Asn => name([['2.5.4.3', utf8(v)]]);
const SHA1_ECDSA = (): Asn => seq(oid('1.2.840.10045.4.1'));
const SHA384_ECDSA = (): Asn => seq(oid('1.2.840.10045.4.3.3'));

/** The certificate with another outer signatureAlgorithm (the TBS one and the signature unchanged). */
function withOuterAlg(d: Uint8Array, alg: Asn): Uint8Array {
  const top = fromDer(d) as asn1js.Sequence;
  top.valueBlock.value[1] = alg;
  return der(top);
}

/** A certificate made here: its DER, key and name. */
interface Made {
  der: Uint8Array;
  key: KeyPair;
  name: string;
}

interface MakeOptions {
  /** The signer; omitted: self-signed. */
  issuer?: Made;
  key?: KeyPair;
  /** Replaces the default extensions entirely. */
  exts?: Asn[];
  /** Added to the default extensions. */
  more?: Asn[];
  /** Subject and issuer Names other than CN=<name> / CN=<issuer's name>. */
  subject?: Asn;
  issuerName?: Asn;
  notBefore?: Asn;
  notAfter?: Asn;
  version?: number;
  serial?: number;
  hash?: string;
  sigAlg?: Asn;
  /** Signed by this key instead of the issuer's (a key rollover under one name). */
  signKey?: KeyPair;
}

let serial = 1;
function make(nameText: string, ca: boolean, o: MakeOptions = {}): Made {
  const key = o.key ?? ecKey();
  const signer = o.signKey ?? o.issuer?.key ?? key;
  const exts = o.exts ?? [
    ...(ca
      ? [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign'])]
      : [basicConstraints(false, { critical: false }), keyUsage(['digitalSignature']), eku('serverAuth'), san(`${nameText}.example`)]),
    ski(key),
    ...(o.issuer || o.signKey ? [aki(signer)] : []),
    ...(o.more ?? []),
  ];
  const der = buildCert({
    version: o.version,
    serial: new Uint8Array([0x01, serial++ & 0xff, (serial >> 8) & 0xff]),
    issuer: o.issuerName ?? cnName(o.issuer?.name ?? nameText),
    subject: o.subject ?? cnName(nameText),
    notBefore: o.notBefore ?? at(-30 * DAY),
    notAfter: o.notAfter ?? at(ca ? 3000 * DAY : 300 * DAY),
    key: key.publicKey,
    signWith: signer.privateKey,
    hash: o.hash,
    sigAlg: o.sigAlg,
    extensions: exts,
  });
  return { der, key, name: nameText };
}

// The everyday chain: ROOT -> INT -> LEAF.
const ROOT = make('root', true);
const INT = make('int', true, { issuer: ROOT });
const LEAF = make('leaf', false, { issuer: INT });
const leafUnder = (issuer: Made, o: MakeOptions = {}): Made => make('leaf', false, { issuer, ...o });
const intUnder = (issuer: Made, o: MakeOptions = {}): Made => make('int', true, { issuer, ...o });

interface PathCase {
  name: string;
  leaf: Made;
  untrusted?: Made[];
  trusted: Made[];
  /** X509_V_FLAG_* set (default TRUSTED_FIRST, Python's default). */
  flags?: number;
  purpose?: 'serverAuth' | 'clientAuth';
  /** Security level (default 2). */
  level?: number;
  depth?: number;
  hostname?: string;
  /** Verification time (default NOW). */
  time?: number;
  code: number;
  /** Length of the chain built, checked on success. */
  length?: number;
}

const TF = V_FLAG.TRUSTED_FIRST;
const STRICT = TF | V_FLAG.X509_STRICT;
const PARTIAL = TF | V_FLAG.PARTIAL_CHAIN;
const chain = (leaf: Made, ...untrusted: Made[]): Pick<PathCase, 'leaf' | 'untrusted' | 'trusted'> => ({ leaf, untrusted, trusted: [ROOT] });
const base = chain(LEAF, INT);

const CASES: PathCase[] = [];
const add = (...cs: PathCase[]): void => {
  CASES.push(...cs);
};

add(
  { name: 'valid chain', ...base, code: 0, length: 3 },
  { name: 'valid chain, strict', ...base, flags: STRICT, code: 0, length: 3 },
  { name: 'valid chain, server purpose', ...base, purpose: 'serverAuth', code: 0, length: 3 },
);

// --- CA markings (check_chain_extensions, X509_check_ca) -------------------
{
  const kuOnlyKey = ecKey();
  const kuOnlyInt = intUnder(ROOT, { key: kuOnlyKey, exts: [keyUsage(['keyCertSign']), ski(kuOnlyKey), aki(ROOT.key)] });
  const kuOnlyRoot = make('root', true, { exts: [keyUsage(['keyCertSign'])], key: ROOT.key });
  const v1Root = make('v1root', true, { version: 0, exts: [] });
  const v1Int = make('int', true, { issuer: v1Root, version: 0, exts: [] });
  const bcFalseInt = intUnder(ROOT, { exts: [basicConstraints(false), keyUsage(['keyCertSign']), aki(ROOT.key)] });
  const noCertSignInt = intUnder(ROOT, { exts: [basicConstraints(true), keyUsage(['digitalSignature']), aki(ROOT.key)] });
  const dupInt = intUnder(ROOT, { more: [basicConstraints(true)] });
  const critical = ext('1.2.3.4.5', new asn1js.Null(), true);
  const critRoot = make('root', true, { key: ROOT.key, more: [critical] });
  const kuOnlyLeaf = leafUnder(INT, { exts: [keyUsage(['keyCertSign']), aki(INT.key), san('leaf.example')] });
  const caLeaf = leafUnder(INT, { exts: [basicConstraints(true), keyUsage(['digitalSignature', 'keyCertSign']), ski(ecKey()), aki(INT.key), san('leaf.example')] });
  const v1RootLeaf = leafUnder(v1Root);
  const bareKey = ecKey();
  const bareRoot = make('bareroot', true, { key: bareKey, exts: [ski(bareKey)] });
  const dupKuLeaf = leafUnder(INT, { exts: [keyUsage(['keyCertSign']), aki(INT.key), san('leaf.example'), san('leaf.example')] });
  const dupLeaf = leafUnder(INT, { exts: [eku('serverAuth'), aki(INT.key), san('leaf.example'), san('leaf.example')] });
  const ncKey = ecKey();
  const ncRoot = make('ncroot', true, { key: ncKey, exts: [basicConstraints(true, { critical: false }), keyUsage(['keyCertSign']), ski(ncKey)] });
  add(
    { name: 'intermediate with keyUsage keyCertSign but no basicConstraints', ...chain(leafUnder(kuOnlyInt), kuOnlyInt), code: 79 },
    { name: 'anchor with keyUsage keyCertSign but no basicConstraints', leaf: leafUnder(ROOT), trusted: [kuOnlyRoot], code: 0, length: 2 },
    { name: 'anchor with keyUsage keyCertSign but no basicConstraints, strict', leaf: leafUnder(ROOT), trusted: [kuOnlyRoot], flags: STRICT, code: 79 },
    { name: 'v1 self-signed anchor', leaf: v1RootLeaf, trusted: [v1Root], code: 0, length: 2 },
    { name: 'v1 self-signed anchor, strict', leaf: v1RootLeaf, trusted: [v1Root], flags: STRICT, code: 79 },
    { name: 'v1 self-signed anchor, server purpose', leaf: v1RootLeaf, trusted: [v1Root], purpose: 'serverAuth', code: 0 },
    { name: 'v1 intermediate', leaf: leafUnder(v1Int), untrusted: [v1Int], trusted: [v1Root], code: 79 },
    { name: 'intermediate with cA FALSE', ...chain(leafUnder(bcFalseInt), bcFalseInt), code: 79 },
    { name: 'intermediate whose keyUsage lacks keyCertSign', ...chain(leafUnder(noCertSignInt), noCertSignInt), code: 79 },
    // Invalid extensions: OpenSSL does not even consider it as an issuer.
    { name: 'intermediate with basicConstraints twice', ...chain(leafUnder(dupInt), dupInt), code: 20 },
    { name: 'unknown critical extension in the leaf', ...chain(leafUnder(INT, { more: [critical] }), INT), code: 34 },
    { name: 'unknown critical extension in the intermediate', ...chain(leafUnder(INT), intUnder(ROOT, { key: INT.key, more: [critical] })), code: 34 },
    { name: 'unknown critical extension in the anchor', leaf: LEAF, untrusted: [INT], trusted: [critRoot], code: 34 },
    { name: 'leaf with keyUsage keyCertSign but no basicConstraints', ...chain(kuOnlyLeaf, INT), code: 0 },
    { name: 'leaf with keyUsage keyCertSign but no basicConstraints, strict', ...chain(kuOnlyLeaf, INT), flags: STRICT, code: 79 },
    { name: 'CA certificate as the leaf', ...chain(caLeaf, INT), code: 0 },
    { name: 'CA certificate as the leaf, strict', ...chain(caLeaf, INT), flags: STRICT, code: 0 },
    { name: 'CA certificate as the leaf, server purpose', ...chain(caLeaf, INT), purpose: 'serverAuth', code: 0 },
    { name: 'v3 self-signed anchor without basicConstraints or keyUsage', leaf: leafUnder(bareRoot), trusted: [bareRoot], code: 79 },
    { name: 'leaf without basicConstraints or keyUsage, strict', ...chain(leafUnder(INT, { exts: [eku('serverAuth'), aki(INT.key), san('leaf.example')] }), INT), flags: STRICT, code: 0 },
    { name: 'leaf with keyCertSign only and a duplicated extension, strict', leaf: dupKuLeaf, trusted: [dupKuLeaf], flags: STRICT | V_FLAG.PARTIAL_CHAIN, code: 0, length: 1 },
    { name: 'trusted leaf with a duplicated extension, partial chain', leaf: dupLeaf, untrusted: [INT], trusted: [dupLeaf], flags: PARTIAL, code: 0, length: 1 },
    { name: 'trusted leaf with a duplicated extension, partial chain, server purpose', leaf: dupLeaf, trusted: [dupLeaf], flags: PARTIAL, purpose: 'serverAuth', code: 0, length: 1 },
    { name: 'trusted leaf with a duplicated extension, partial chain, server purpose, strict', leaf: dupLeaf, trusted: [dupLeaf], flags: PARTIAL | V_FLAG.X509_STRICT, purpose: 'serverAuth', code: 26 },
    { name: 'self-signed CA alone with basicConstraints not critical', leaf: ncRoot, trusted: [ncRoot], code: 0, length: 1 },
    { name: 'self-signed CA alone with basicConstraints not critical, strict', leaf: ncRoot, trusted: [ncRoot], flags: STRICT, code: 0, length: 1 },
  );
}

// --- path length -------------------------------------------------------------
{
  const pl0 = intUnder(ROOT, { more: [], exts: [basicConstraints(true, { pathLen: 0 }), keyUsage(['keyCertSign', 'cRLSign']), ski(INT.key), aki(ROOT.key)], key: INT.key });
  const sub = make('sub', true, { issuer: pl0 });
  const k0 = ecKey();
  const k1 = ecKey();
  const root0 = make('root0', true, { key: k0, exts: [basicConstraints(true, { pathLen: 0 }), keyUsage(['keyCertSign']), ski(k0)] });
  const root1 = make('root1', true, { key: k1, exts: [basicConstraints(true, { pathLen: 1 }), keyUsage(['keyCertSign']), ski(k1)] });
  const under0 = intUnder(root0);
  const under1 = intUnder(root1);
  // A key rollover under the anchor's name: the self-issued certificate does not count.
  const rollKey = ecKey();
  const roll = make('root0', true, { key: rollKey, signKey: root0.key, issuerName: cnName('root0') });
  const rollLeaf = make('leaf', false, { signKey: rollKey, issuerName: cnName('root0') });
  const rollSub = make('sub', true, { signKey: rollKey, issuerName: cnName('root0') });
  add(
    { name: 'pathLen 0 intermediate above another CA', ...chain(leafUnder(sub), sub, pl0), code: 25 },
    { name: 'pathLen 0 intermediate directly above the leaf', ...chain(leafUnder(pl0), pl0), code: 0, length: 3 },
    { name: 'pathLen 0 anchor above an intermediate', leaf: leafUnder(under0), untrusted: [under0], trusted: [root0], code: 25 },
    { name: 'pathLen 1 anchor above an intermediate', leaf: leafUnder(under1), untrusted: [under1], trusted: [root1], code: 0, length: 3 },
    { name: 'pathLen 0 anchor, self-issued rollover certificate between', leaf: rollLeaf, untrusted: [roll], trusted: [root0], code: 0, length: 3 },
    { name: 'pathLen 0 anchor, rollover then a CA', leaf: leafUnder(rollSub), untrusted: [rollSub, roll], trusted: [root0], code: 25 },
  );
}

// --- purposes (X509_check_purpose, SSL server and client) --------------------
{
  const withEku = (...uses: (keyof typeof EKU)[]): Made => leafUnder(INT, { exts: [eku(...uses), aki(INT.key), san('leaf.example')] });
  const withKu = (...names: KeyUsageName[]): Made => leafUnder(INT, { exts: [keyUsage(names), aki(INT.key), san('leaf.example')] });
  const bare = leafUnder(INT, { exts: [aki(INT.key), san('leaf.example')] });
  const intEku = (...uses: (keyof typeof EKU)[]): Made => intUnder(ROOT, { key: INT.key, more: [eku(...uses)] });
  const rootEku = (...uses: (keyof typeof EKU)[]): Made => make('root', true, { key: ROOT.key, more: [eku(...uses)] });
  for (const purpose of ['serverAuth', 'clientAuth'] as const) {
    const srv = purpose === 'serverAuth';
    add(
      { name: `${purpose}: leaf EKU serverAuth`, ...chain(withEku('serverAuth'), INT), purpose, code: srv ? 0 : 26 },
      { name: `${purpose}: leaf EKU clientAuth`, ...chain(withEku('clientAuth'), INT), purpose, code: srv ? 26 : 0 },
      { name: `${purpose}: leaf EKU Netscape SGC`, ...chain(withEku('nsSGC'), INT), purpose, code: srv ? 0 : 26 },
      { name: `${purpose}: leaf EKU Microsoft SGC`, ...chain(withEku('msSGC'), INT), purpose, code: srv ? 0 : 26 },
      { name: `${purpose}: leaf EKU anyExtendedKeyUsage`, ...chain(withEku('any'), INT), purpose, code: 26 },
      { name: `${purpose}: leaf without EKU or keyUsage`, ...chain(bare, INT), purpose, code: 0 },
      { name: `${purpose}: leaf keyUsage digitalSignature`, ...chain(withKu('digitalSignature'), INT), purpose, code: 0 },
      { name: `${purpose}: leaf keyUsage keyEncipherment`, ...chain(withKu('keyEncipherment'), INT), purpose, code: srv ? 0 : 26 },
      { name: `${purpose}: leaf keyUsage keyAgreement`, ...chain(withKu('keyAgreement'), INT), purpose, code: 0 },
      { name: `${purpose}: leaf keyUsage nonRepudiation`, ...chain(withKu('nonRepudiation'), INT), purpose, code: 26 },
      { name: `${purpose}: intermediate EKU serverAuth`, ...chain(LEAF, intEku('serverAuth')), purpose, code: srv ? 0 : 26 },
      { name: `${purpose}: intermediate EKU clientAuth`, ...chain(withEku('serverAuth', 'clientAuth'), intEku('clientAuth')), purpose, code: srv ? 26 : 0 },
      { name: `${purpose}: anchor EKU clientAuth`, leaf: withEku('serverAuth', 'clientAuth'), untrusted: [INT], trusted: [rootEku('clientAuth')], purpose, code: srv ? 26 : 0 },
    );
  }
  const kuOnlyRoot = make('root', true, { exts: [keyUsage(['keyCertSign'])], key: ROOT.key });
  const v1Root = make('v1root', true, { version: 0, exts: [] });
  add(
    { name: 'serverAuth: anchor with keyUsage but no basicConstraints', leaf: LEAF, untrusted: [INT], trusted: [kuOnlyRoot], purpose: 'serverAuth', code: 0 },
    { name: 'clientAuth: v1 anchor', leaf: leafUnder(v1Root, { exts: [eku('clientAuth')] }), trusted: [v1Root], purpose: 'clientAuth', code: 0 },
  );
}

// --- the RFC 5280 profile of X509_V_FLAG_X509_STRICT -------------------------
{
  const k = ecKey();
  const leafWith = (exts: Asn[], o: MakeOptions = {}): Made => leafUnder(INT, { key: k, exts, ...o });
  const ordinary = (): Asn[] => [keyUsage(['digitalSignature']), aki(INT.key), san('leaf.example')];
  const intWith = (exts: Asn[], o: MakeOptions = {}): Made => intUnder(ROOT, { key: INT.key, exts, ...o });
  const caExts = (): Asn[] => [keyUsage(['keyCertSign', 'cRLSign']), ski(INT.key), aki(ROOT.key)];
  const emptyRoot = make('root', true, { key: ROOT.key, subject: emptyName(), issuerName: emptyName() });
  const emptyIssuerLeaf = make('leaf', false, { signKey: ROOT.key, issuerName: emptyName() });
  const strictCases: [string, Made, Made, number][] = [
    ['leaf: pathLen with cA FALSE', leafWith([basicConstraints(false, { pathLen: 0 }), ...ordinary()]), INT, 80],
    ['leaf: cA TRUE with pathLen, no keyUsage', leafWith([basicConstraints(true, { pathLen: 0 }), ski(k), aki(INT.key), san('leaf.example')]), INT, 81],
    ['leaf: cA TRUE with pathLen, keyUsage without keyCertSign', leafWith([basicConstraints(true, { pathLen: 0 }), ...ordinary(), ski(k)]), INT, 81],
    ['leaf: cA TRUE, basicConstraints not critical', leafWith([basicConstraints(true, { critical: false }), keyUsage(['keyCertSign']), ski(k), aki(INT.key), san('leaf.example')]), INT, 89],
    ['leaf: cA TRUE without keyUsage', leafWith([basicConstraints(true), ski(k), aki(INT.key), san('leaf.example')]), INT, 92],
    ['leaf: cA TRUE without a subjectKeyIdentifier', leafWith([basicConstraints(true), keyUsage(['keyCertSign']), aki(INT.key), san('leaf.example')]), INT, 86],
    ['leaf: keyCertSign on a non-CA', leafWith([basicConstraints(false), keyUsage(['digitalSignature', 'keyCertSign']), aki(INT.key), san('leaf.example')]), INT, 82],
    ['leaf: keyCertSign without basicConstraints', leafWith([keyUsage(['keyCertSign']), aki(INT.key), san('leaf.example')]), INT, 79],
    ['leaf: empty subject, no subjectAltName', leafWith([keyUsage(['digitalSignature']), aki(INT.key)], { subject: emptyName() }), INT, 84],
    ['leaf: empty subject, subjectAltName not critical', leafWith(ordinary(), { subject: emptyName() }), INT, 88],
    ['leaf: empty subject, critical subjectAltName', leafWith([keyUsage(['digitalSignature']), aki(INT.key), san('leaf.example', true)], { subject: emptyName() }), INT, 0],
    ['leaf: empty subject with cRLSign', leafWith([keyUsage(['digitalSignature', 'cRLSign']), aki(INT.key), san('leaf.example', true)], { subject: emptyName() }), INT, 84],
    ['leaf: subjectAltName with no names', leafWith([keyUsage(['digitalSignature']), aki(INT.key), ext('2.5.29.17', seq())]), INT, 87],
    ['leaf: signed with ECDSA-SHA384', leafWith(ordinary(), { sigAlg: SHA384_ECDSA(), hash: 'sha384' }), INT, 0],
    // Not among the critical extensions OpenSSL handles: AUTHORITY_KEY_IDENTIFIER_CRITICAL and SUBJECT_KEY_IDENTIFIER_CRITICAL never come.
    ['leaf: critical authorityKeyIdentifier', leafWith([keyUsage(['digitalSignature']), aki(INT.key, true), san('leaf.example')]), INT, 34],
    ['leaf: critical subjectKeyIdentifier', leafWith([...ordinary(), ski(k, true)]), INT, 34],
    ['leaf: no authorityKeyIdentifier', leafWith([keyUsage(['digitalSignature']), san('leaf.example')]), INT, 85],
    ['leaf: v1', leafWith([], { version: 0 }), INT, 0],
    ['leaf: v2 with extensions', leafWith(ordinary(), { version: 1 }), INT, 93],
    ['intermediate: no authorityKeyIdentifier', LEAF, intWith([basicConstraints(true), keyUsage(['keyCertSign']), ski(INT.key)]), 85],
    ['intermediate: no subjectKeyIdentifier', LEAF, intWith([basicConstraints(true), keyUsage(['keyCertSign']), aki(ROOT.key)]), 86],
    ['intermediate: basicConstraints not critical', LEAF, intWith([basicConstraints(true, { critical: false }), ...caExts()]), 89],
    ['intermediate: no keyUsage', LEAF, intWith([basicConstraints(true), ski(INT.key), aki(ROOT.key)]), 92],
    ['intermediate: pathLen without keyUsage', LEAF, intWith([basicConstraints(true, { pathLen: 3 }), ski(INT.key), aki(ROOT.key)]), 81],
    // The leaf's issuer name is then empty too, and it is checked first.
    ['intermediate: empty subject', leafUnder(INT, { issuerName: emptyName() }), intWith([basicConstraints(true), ...caExts()], { subject: emptyName() }), 83],
  ];
  for (const [n, leaf, int, code] of strictCases) {
    add({ name: `strict, ${n}`, ...chain(leaf, int), flags: STRICT, code });
  }
  // The same certificates under default flags.
  for (const [n, leaf, int] of strictCases.slice(0, 8)) add({ name: `default flags, ${n}`, ...chain(leaf, int), code: 0 });
  const mixed = { ...leafWith(ordinary()) };
  mixed.der = withOuterAlg(mixed.der, SHA384_ECDSA());
  add(
    { name: 'default flags, leaf: inner and outer signature algorithms differ', ...chain(mixed, INT), code: 7 },
    { name: 'strict, leaf: inner and outer signature algorithms differ', ...chain(mixed, INT), flags: STRICT, code: 78 },
    { name: 'strict, leaf with an empty issuer name', leaf: emptyIssuerLeaf, trusted: [emptyRoot], flags: STRICT, code: 83 },
    { name: 'default flags, leaf with an empty issuer name', leaf: emptyIssuerLeaf, trusted: [emptyRoot], code: 0, length: 2 },
    { name: 'strict, a self-signed certificate alone', leaf: ROOT, trusted: [ROOT], flags: STRICT, code: 0, length: 1 },
    { name: 'strict, anchor without authorityKeyIdentifier or keyUsage checks', leaf: leafUnder(ROOT), trusted: [make('root', true, { key: ROOT.key, exts: [basicConstraints(true), keyUsage(['keyCertSign']), ski(ROOT.key)] })], flags: STRICT, code: 0 },
  );
}

// --- security level -------------------------------------------------------------
{
  const rsa1024 = rsaKey(1024);
  const rsa2048 = rsaKey(2048);
  const smallInt = intUnder(ROOT, { key: rsa1024 });
  const midInt = intUnder(ROOT, { key: rsa2048 });
  const smallLeaf = leafUnder(INT, { key: rsa1024 });
  const sha1Int = intUnder(ROOT, { key: INT.key, hash: 'sha1', sigAlg: SHA1_ECDSA() });
  const sha1Root = make('root', true, { key: ROOT.key, hash: 'sha1', sigAlg: SHA1_ECDSA() });
  const sha1Leaf = leafUnder(INT, { hash: 'sha1', sigAlg: SHA1_ECDSA() });
  const edRoot = make('edroot', true, { key: crypto.generateKeyPairSync('ed25519') });
  const edLeaf = leafUnder(edRoot, { key: crypto.generateKeyPairSync('ed25519') });
  for (const level of [0, 1, 2, 3, 4, 5, 6]) {
    add(
      { name: `level ${level}: P-256 chain`, ...base, level, code: level >= 4 ? 66 : 0 },
      { name: `level ${level}: RSA-1024 intermediate`, ...chain(leafUnder(smallInt), smallInt), level, code: level >= 4 ? 66 : level >= 2 ? 67 : 0 },
      { name: `level ${level}: RSA-2048 intermediate`, ...chain(leafUnder(midInt), midInt), level, code: level >= 4 ? 66 : level >= 3 ? 67 : 0 },
      { name: `level ${level}: RSA-1024 leaf`, ...chain(smallLeaf, INT), level, code: level >= 2 ? 66 : 0 },
      { name: `level ${level}: SHA-1 signed intermediate`, ...chain(LEAF, sha1Int), level, code: level >= 4 ? 66 : level >= 1 ? 68 : 0 },
      { name: `level ${level}: SHA-1 signed leaf`, ...chain(sha1Leaf, INT), level, code: level >= 4 ? 66 : level >= 1 ? 68 : 0 },
      { name: `level ${level}: SHA-1 self-signed anchor`, leaf: LEAF, untrusted: [INT], trusted: [sha1Root], level, code: level >= 4 ? 66 : 0 },
      { name: `level ${level}: Ed25519`, leaf: edLeaf, trusted: [edRoot], level, code: level >= 4 ? 66 : 0 },
    );
  }
}

// --- validity periods, at the second --------------------------------------------
{
  const S = 1000;
  const leafTimes = (nb: number, na: number): Made => leafUnder(INT, { notBefore: at(nb), notAfter: at(na) });
  const intTimes = (nb: number, na: number): Made => intUnder(ROOT, { key: INT.key, notBefore: at(nb), notAfter: at(na) });
  const rootTimes = (nb: number, na: number): Made => make('root', true, { key: ROOT.key, notBefore: at(nb), notAfter: at(na) });
  add(
    { name: 'leaf valid from this second', ...chain(leafTimes(0, DAY), INT), code: 0 },
    { name: 'leaf valid from the next second', ...chain(leafTimes(S, DAY), INT), code: 9 },
    { name: 'leaf expiring this second', ...chain(leafTimes(-DAY, 0), INT), code: 10 },
    { name: 'leaf expiring the next second', ...chain(leafTimes(-DAY, S), INT), code: 0 },
    { name: 'intermediate valid from the next second', ...chain(LEAF, intTimes(S, DAY)), code: 9 },
    { name: 'intermediate expiring this second', ...chain(LEAF, intTimes(-DAY, 0)), code: 10 },
    { name: 'intermediate expiring the next second', ...chain(LEAF, intTimes(-DAY, S)), code: 0 },
    { name: 'anchor valid from the next second', leaf: LEAF, untrusted: [INT], trusted: [rootTimes(S, DAY)], code: 9 },
    { name: 'anchor expiring this second', leaf: LEAF, untrusted: [INT], trusted: [rootTimes(-DAY, 0)], code: 10 },
    { name: 'leaf both not yet valid and expired', ...chain(leafTimes(DAY, -DAY), INT), code: 9 },
    { name: 'leaf with a malformed notBefore', ...chain(leafUnder(INT, { notBefore: utcTime('2501010000AZ') }), INT), code: 13 },
    { name: 'leaf with a malformed notAfter', ...chain(leafUnder(INT, { notAfter: utcTime('99X231235959Z') }), INT), code: 14 },
    { name: 'verification time in the past', ...base, time: NOW - 40 * DAY, code: 9 },
  );
  // Several issuers of one name and key: the first valid one, else the one
  // expiring last; the same rules for store certificates (get1_trusted_issuer)
  // and the peer's (find_issuer).
  const orderings = (label: string, at: (nb: number, na: number) => Made, malformed: (o: MakeOptions) => Made, place: (cands: Made[]) => Pick<PathCase, 'leaf' | 'untrusted' | 'trusted'>): void => {
    const expiredEarly = at(-20 * DAY, -10 * DAY);
    const expiredLate = at(-20 * DAY, -5 * DAY);
    const valid = at(-20 * DAY, 20 * DAY);
    const future = at(5 * DAY, 40 * DAY); // expires after `valid`
    const inverted = at(10 * DAY, -10 * DAY); // not yet valid and expired, with expiredEarly's notAfter
    const cases: [string, Made[], number][] = [
      ['expired then valid', [expiredEarly, valid], 0],
      ['valid then expired', [valid, expiredEarly], 0],
      ['two expired, the later one last', [expiredEarly, expiredLate], 10],
      ['not yet valid then expired', [future, expiredLate], 9],
      ['expired then not yet valid', [expiredLate, future], 9],
      ['same notAfter, inverted first', [inverted, expiredEarly], 9],
      ['same notAfter, inverted last', [expiredEarly, inverted], 10],
      ['valid then not yet valid (expiring later)', [valid, future], 0],
      ['not yet valid (expiring later) then valid', [future, valid], 0],
      ['malformed notBefore then valid', [malformed({ notBefore: utcTime('2501010000AZ') }), valid], 0],
      ['malformed notAfter then valid', [malformed({ notAfter: utcTime('99X231235959Z') }), valid], 0],
    ];
    for (const [n, cands, code] of cases) add({ name: `${label}: ${n}`, ...place(cands), code });
  };
  const leafRoot = leafUnder(ROOT);
  orderings('anchors', rootTimes, (o) => make('root', true, { key: ROOT.key, ...o }), (cands) => ({ leaf: leafRoot, trusted: cands }));
  orderings('intermediates', intTimes, (o) => intUnder(ROOT, { key: INT.key, ...o }), (cands) => chain(LEAF, ...cands));
}

// --- path building: depth, trusted-first, alternate chains, partial chains ------
{
  const int2 = make('int2', true, { issuer: INT });
  const leaf3 = leafUnder(int2);
  for (const depth of [0, 1, 2, 3]) {
    add(
      { name: `depth ${depth}: two intermediates`, ...chain(leaf3, INT, int2), depth, code: depth >= 2 ? 0 : 22 },
      { name: `depth ${depth}: leaf under the anchor`, leaf: leafUnder(ROOT), trusted: [ROOT], depth, code: 0 },
      { name: `depth ${depth}: two intermediates, partial chain to the first`, leaf: leaf3, untrusted: [int2], trusted: [INT], flags: PARTIAL, depth, code: depth >= 1 ? 0 : 22 },
      { name: `depth ${depth}: untrusted root sent`, leaf: leaf3, untrusted: [INT, int2, ROOT], trusted: [], depth, code: depth >= 3 ? 19 : 22 },
    );
  }
  // Cross-signing: OLD is trusted somewhere, NEW elsewhere; CROSS is NEW's key signed by OLD.
  const oldRoot = make('old', true);
  const newRoot = make('new', true);
  const cross = make('new', true, { key: newRoot.key, issuer: oldRoot });
  const crossInt = intUnder(newRoot);
  const crossLeaf = leafUnder(crossInt);
  const lookalike = make('root', true, { key: ROOT.key }); // ROOT's name and key, another serial
  for (const [label, flags] of [['trusted first', TF], ['untrusted first', 0], ['no alternate chains', V_FLAG.NO_ALT_CHAINS]] as const) {
    add(
      { name: `${label}: cross-signed, new root trusted`, leaf: crossLeaf, untrusted: [crossInt, cross], trusted: [newRoot], flags, code: flags === V_FLAG.NO_ALT_CHAINS ? 20 : 0, length: 3 },
      { name: `${label}: cross-signed, old root trusted`, leaf: crossLeaf, untrusted: [crossInt, cross], trusted: [oldRoot], flags, code: 0, length: 4 },
      { name: `${label}: cross-signed, both roots trusted`, leaf: crossLeaf, untrusted: [crossInt, cross], trusted: [oldRoot, newRoot], flags, code: 0 },
      { name: `${label}: cross-signed, new root sent and trusted`, leaf: crossLeaf, untrusted: [crossInt, newRoot], trusted: [newRoot], flags, code: 0, length: 3 },
      { name: `${label}: a self-signed look-alike of the anchor sent`, leaf: LEAF, untrusted: [INT, lookalike], trusted: [ROOT], flags, code: flags === V_FLAG.NO_ALT_CHAINS ? 19 : 0, length: 3 },
      { name: `${label}: the anchor itself sent`, leaf: LEAF, untrusted: [INT, ROOT], trusted: [ROOT], flags, code: 0, length: 3 },
      { name: `${label}: only the look-alike trusted`, leaf: LEAF, untrusted: [INT, ROOT], trusted: [lookalike], flags, code: flags === V_FLAG.NO_ALT_CHAINS ? 19 : 0, length: 3 },
      { name: `${label}: self-signed leaf trusted`, leaf: ROOT, trusted: [ROOT], flags, code: 0, length: 1 },
      { name: `${label}: self-signed leaf, look-alike trusted`, leaf: ROOT, trusted: [lookalike], flags, code: 18 },
      { name: `${label}: partial chain, intermediate trusted and sent`, leaf: LEAF, untrusted: [INT], trusted: [INT], flags: flags | V_FLAG.PARTIAL_CHAIN, code: flags === V_FLAG.NO_ALT_CHAINS ? 20 : 0, length: 2 },
      // The intermediate is sent, and the chain goes through it before the store's copy of the leaf is looked at.
      { name: `${label}: partial chain, leaf trusted`, leaf: LEAF, untrusted: [INT], trusted: [LEAF], flags: flags | V_FLAG.PARTIAL_CHAIN, code: 0, length: 2 },
      { name: `${label}: partial chain, leaf trusted and alone`, leaf: LEAF, trusted: [LEAF], flags: flags | V_FLAG.PARTIAL_CHAIN, code: 0, length: 1 },
      { name: `${label}: partial chain, nothing trusted on the path`, leaf: LEAF, untrusted: [INT], trusted: [oldRoot], flags: flags | V_FLAG.PARTIAL_CHAIN, code: 20 },
      { name: `${label}: leaf trusted without partial chains`, leaf: LEAF, untrusted: [INT], trusted: [LEAF], flags, code: 20 },
      { name: `${label}: intermediate trusted without partial chains`, leaf: LEAF, trusted: [INT], flags, code: 2 },
      { name: `${label}: untrusted root sent`, leaf: LEAF, untrusted: [INT, ROOT], trusted: [oldRoot], flags, code: 19 },
      { name: `${label}: missing intermediate`, leaf: LEAF, trusted: [ROOT], flags, code: 20 },
    );
  }
  // Direct trust in the leaf (PARTIAL_CHAIN's last resort) holds only while the chain is within the depth.
  const expiredLookalike = make('root', true, { key: ROOT.key, notBefore: at(-20 * DAY), notAfter: at(-DAY) });
  for (const depth of [0, 1, 2]) {
    add({ name: `partial chain, leaf trusted, depth ${depth}`, leaf: LEAF, untrusted: [INT], trusted: [LEAF], flags: PARTIAL, depth, code: depth >= 1 ? 0 : 22, length: 2 });
  }
  add(
    { name: 'untrusted first, partial chain, leaf and root trusted, an expired look-alike of the root sent', leaf: LEAF, untrusted: [INT, expiredLookalike], trusted: [ROOT, LEAF], flags: V_FLAG.PARTIAL_CHAIN, code: 0, length: 3 },
    { name: 'untrusted first, root trusted, an expired look-alike of the root sent', leaf: LEAF, untrusted: [INT, expiredLookalike], trusted: [ROOT], flags: 0, code: 0, length: 3 },
    { name: 'no alternate chains, root trusted, an expired look-alike of the root sent', leaf: LEAF, untrusted: [INT, expiredLookalike], trusted: [ROOT], flags: V_FLAG.NO_ALT_CHAINS, code: 19 },
  );
  // Two CAs that certify each other, and nothing trusted above them: the search must end.
  const ka = ecKey();
  const kb = ecKey();
  const caA = make('loop-a', true, { key: ka, signKey: kb, issuerName: cnName('loop-b') });
  const caB = make('loop-b', true, { key: kb, signKey: ka, issuerName: cnName('loop-a') });
  const loopLeaf = make('leaf', false, { signKey: ka, issuerName: cnName('loop-a') });
  // A leaf named as its own issuer (self-issued, not self-signed).
  const selfIssuedLeaf = make('root', false, { signKey: ROOT.key, issuerName: cnName('root') });
  const kl = ecKey();
  const k2 = ecKey();
  const loopL = make('loop', false, { key: kl, signKey: k2, issuerName: cnName('loop'), exts: [ski(kl), aki(k2)] });
  const loopR = make('loop', true, { key: k2, signKey: kl, issuerName: cnName('loop') });
  const bareSelfIssued = make('root', false, { signKey: ROOT.key, issuerName: cnName('root'), exts: [eku('serverAuth'), san('root.example')] });
  const bareSelfIssuedCa = make('root', true, { signKey: ROOT.key, issuerName: cnName('root'), exts: [basicConstraints(true), keyUsage(['keyCertSign'])] });
  add(
    { name: 'a loop of two CAs', leaf: loopLeaf, untrusted: [caA, caB], trusted: [ROOT], code: 20 },
    { name: 'a loop of two CAs, untrusted first', leaf: loopLeaf, untrusted: [caA, caB], trusted: [ROOT], flags: 0, code: 20 },
    { name: 'a loop of two CAs, one of them trusted', leaf: loopLeaf, untrusted: [caA, caB], trusted: [caB], flags: PARTIAL, code: 0, length: 3 },
    { name: 'self-issued leaf', leaf: selfIssuedLeaf, untrusted: [selfIssuedLeaf], trusted: [ROOT], code: 0, length: 2 },
    { name: 'self-issued leaf, untrusted first', leaf: selfIssuedLeaf, untrusted: [selfIssuedLeaf, INT], trusted: [ROOT], flags: 0, code: 0, length: 2 },
    { name: 'self-issued leaf, anchor sent', leaf: selfIssuedLeaf, untrusted: [ROOT], trusted: [oldRoot], flags: 0, code: 19 },
    { name: 'a loop of two CAs, the leaf one of them, depth 1', leaf: caA, untrusted: [caA, caB], trusted: [ROOT], depth: 1, code: 20 },
    { name: 'a loop of two CAs, the leaf one of them, depth 1, untrusted first', leaf: caA, untrusted: [caA, caB], trusted: [ROOT], depth: 1, flags: 0, code: 20 },
    { name: 'a loop of two CAs, the leaf one of them', leaf: caA, untrusted: [caA, caB], trusted: [ROOT], code: 20 },
    { name: 'self-issued leaf without key identifiers', leaf: bareSelfIssued, untrusted: [bareSelfIssued], trusted: [ROOT], code: 18 },
    { name: 'self-issued leaf without key identifiers, untrusted first', leaf: bareSelfIssued, untrusted: [bareSelfIssued], trusted: [ROOT], flags: 0, code: 18 },
    { name: 'self-issued leaf without key identifiers, depth 0', leaf: bareSelfIssued, untrusted: [bareSelfIssued], trusted: [ROOT], depth: 0, code: 18 },
    { name: 'self-issued leaf without key identifiers, nothing trusted', leaf: bareSelfIssued, untrusted: [bareSelfIssued], trusted: [oldRoot], flags: 0, code: 18 },
    { name: 'self-issued leaf without key identifiers, nothing trusted, depth 0', leaf: bareSelfIssued, untrusted: [bareSelfIssued], trusted: [oldRoot], flags: 0, depth: 0, code: 18 },
    // Two certificates of one name whose keys certify each other: the second may not take the first (the leaf) again.
    { name: 'a self-issued loop through the leaf, depth 1', leaf: loopL, untrusted: [loopL, loopR], trusted: [ROOT], depth: 1, code: 20 },
    { name: 'a self-issued loop through the leaf', leaf: loopL, untrusted: [loopL, loopR], trusted: [ROOT], code: 20 },
    { name: 'self-issued intermediate without key identifiers above the leaf', leaf: leafUnder(bareSelfIssuedCa), untrusted: [bareSelfIssuedCa], trusted: [ROOT], code: 19 },
  );
}

// --- signatures ------------------------------------------------------------------
{
  const other = ecKey();
  const badLeaf = make('leaf', false, { signKey: other, issuerName: cnName('int'), exts: [aki(INT.key), san('leaf.example')] });
  const badInt = make('int', true, { key: INT.key, signKey: other, issuerName: cnName('root'), exts: [basicConstraints(true), keyUsage(['keyCertSign']), ski(INT.key), aki(ROOT.key)] });
  const rsaRoot = make('rsaroot', true, { key: rsaKey(2048) });
  add(
    { name: 'leaf signed by another key of the issuer\'s name', leaf: badLeaf, untrusted: [INT], trusted: [ROOT], code: 7 },
    { name: 'intermediate signed by another key of the root\'s name', ...chain(LEAF, badInt), code: 7 },
    { name: 'partial chain: the anchor\'s own signature is not checked', leaf: LEAF, untrusted: [badInt], trusted: [badInt], flags: PARTIAL, code: 0, length: 2 },
    { name: 'RSA root, ECDSA leaf', leaf: leafUnder(rsaRoot), trusted: [rsaRoot], code: 0, length: 2 },
  );
}

interface Outcome {
  code: number;
  length: number;
}

function ours(c: PathCase): Outcome {
  const leaf = parseCertificate(c.leaf.der);
  const untrusted = [leaf, ...(c.untrusted ?? []).map((m) => parseCertificate(m.der))];
  const store = new TrustStore(c.trusted.map((m) => m.der), []);
  let length = 0;
  const code = verifyCode(() => {
    length = verifyParsed(leaf, untrusted, store, {
      flags: c.flags ?? TF, purpose: c.purpose, securityLevel: c.level, maxDepth: c.depth, hostname: c.hostname, time: new Date(c.time ?? NOW),
    }).length;
  });
  return { code, length: code === 0 ? length : 0 };
}

const HERE = dirname(fileURLToPath(import.meta.url));
function openssl(cases: PathCase[]): { code: number; chain_length: number; message: string }[] {
  const pem = (m: Made): string => derToPem(m.der);
  const input = cases.map((c) => ({
    peer_certificate: pem(c.leaf),
    untrusted_intermediates: (c.untrusted ?? []).map(pem),
    trusted_certs: c.trusted.map(pem),
    time: Math.floor((c.time ?? NOW) / 1000),
    flags: c.flags ?? TF,
    auth_level: c.level ?? 2,
    max_chain_depth: c.depth ?? null,
    extended_key_usage: c.purpose ? [c.purpose] : null,
    expected_peer_name: c.hostname ? { kind: 'DNS', value: c.hostname } : null,
  }));
  const out = execFileSync('python3', [join(HERE, 'openssl-verify.py')], { input: JSON.stringify(input), maxBuffer: 1 << 26 });
  return JSON.parse(out.toString()) as { code: number; chain_length: number; message: string }[];
}

test('verify paths: each crafted case gets the code and chain OpenSSL 3.0 gives', () => {
  assert.ok(CASES.length > 200, `${CASES.length} cases`);
  const names = new Set(CASES.map((c) => c.name));
  assert.equal(names.size, CASES.length, 'case names are unique');
  // Ours first, against the recorded codes; every `npm test` then asks OpenSSL.
  const wrong: string[] = [];
  for (const c of CASES) {
    const got = ours(c);
    if (got.code !== c.code || (c.code === 0 && c.length !== undefined && got.length !== c.length)) {
      wrong.push(`${c.name}: ours ${got.code} (length ${got.length}), expected ${c.code}${c.length !== undefined ? ` (length ${c.length})` : ''}`);
    }
  }
  assert.deepEqual(wrong, []);
  if (MUTATION_RUN) return;
  const ref = openssl(CASES);
  const differ: string[] = [];
  CASES.forEach((c, i) => {
    const r = ref[i]!;
    if (r.code !== c.code || (c.code === 0 && c.length !== undefined && r.chain_length !== c.length)) {
      differ.push(`${c.name}: openssl ${r.code} ${r.message} (length ${r.chain_length}), expected ${c.code}${c.length !== undefined ? ` (length ${c.length})` : ''}`);
    }
  });
  assert.deepEqual(differ, []);
});

// --- entry points -------------------------------------------------------------------

test('verifyChain: an empty list, and the IP address mismatch message', () => {
  assert.throws(() => verifyChain([], [ROOT.der]), (e: unknown) =>
    e instanceof SSLCertVerificationError && e.verifyCode === 20 && e.verifyMessage === 'unable to get local issuer certificate');
  const ipLeaf = leafUnder(ROOT, { exts: [aki(ROOT.key), ext('2.5.29.17', seq(ctxPrim(7, new Uint8Array([192, 0, 2, 1]))))] });
  assert.equal(verifyChain([ipLeaf.der], [ROOT.der], { ip: '192.0.2.1' }).length, 2);
  for (const ip of ['192.0.2.2', 'not an address']) {
    assert.throws(() => verifyChain([ipLeaf.der], [ROOT.der], { ip }), (e: unknown) =>
      e instanceof SSLCertVerificationError && e.verifyCode === 64 && e.verifyMessage === `IP address mismatch, certificate is not valid for '${ip}'.`);
  }
});

// --- the WebPKI profile's search for another path -------------------------------

/**
 * Intermediates of one name and key under ROOT for leaf.example: each `bad()`
 * excludes that name by name constraints (the path fails), `good` holds.
 */
function excludingIssuers(): { bad: () => Made; good: Made; leaf: Made } {
  const key = ecKey();
  const excl = ext('2.5.29.30', seq(asn1jsCtx(1, [seq(ctxPrim(2, Buffer.from('leaf.example')))])), true);
  return {
    bad: () => make('ca', true, { key, issuer: ROOT, more: [excl] }),
    good: make('ca', true, { key, issuer: ROOT }),
    leaf: make('leaf', false, { signKey: key, issuerName: cnName('ca'), subject: cnName('leaf.example') }),
  };
}

test('VERIFY_X509_WEBPKI: at most 16 alternative paths are validated', () => {
  // OpenSSL's chain takes the first intermediate sent, then the search tries them in the order sent.
  const { bad, good, leaf } = excludingIssuers();
  const code = (ints: Made[]): number =>
    verifyCode(() => verifyChain([leaf.der, ...ints.map((m) => m.der)], [ROOT.der], { flags: TF | V_FLAG.WEBPKI, hostname: 'leaf.example' }));
  const bads = Array.from({ length: 16 }, bad);
  assert.equal(code([bads[0]!]), 48);
  assert.equal(code([bads[0]!, good]), 0);
  // The 16th path is tried; the 17th is not.
  assert.equal(code([...bads.slice(0, 15), good]), 0);
  assert.equal(code([...bads, good]), 48);
});

test('VERIFY_X509_WEBPKI: a store certificate ends an alternative path only under PARTIAL_CHAIN unless self-signed', () => {
  const { bad, good, leaf } = excludingIssuers();
  const stored = [bad().der, good.der];
  const code = (flags: number): number => verifyCode(() => verifyChain([leaf.der], stored, { flags, hostname: 'leaf.example' }));
  // OpenSSL's chain ends at the first store intermediate (partial) or finds no root.
  assert.equal(code(TF | V_FLAG.PARTIAL_CHAIN), 48);
  assert.equal(code(TF), 2);
  assert.equal(code(TF | V_FLAG.PARTIAL_CHAIN | V_FLAG.WEBPKI), 0);
  assert.equal(code(TF | V_FLAG.WEBPKI), 2);
});

// --- random certificate pools -----------------------------------------------------

/** mulberry32: a small seeded generator, so that every run builds the same pools. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('verify paths: random pools of cross-signed, self-issued, expired and trusted CAs get OpenSSL 3.0\'s verdicts', () => {
  // Few names and keys, so that candidates collide: several issuers per
  // name, key rollovers, loops, look-alikes, store and peer copies.
  const rnd = prng(0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const keys = [ecKey(), ecKey(), ecKey(), ecKey()];
  const names = ['pa', 'pb', 'pc'];
  const flagSets = [TF, 0, V_FLAG.NO_ALT_CHAINS, TF | V_FLAG.PARTIAL_CHAIN, V_FLAG.PARTIAL_CHAIN, TF | V_FLAG.X509_STRICT];
  const cases: PathCase[] = [];
  for (let n = 0; n < 400; n++) {
    interface Ca { made: Made; nameText: string; keyIndex: number }
    const cas: Ca[] = [];
    const count = 2 + Math.floor(rnd() * 4);
    for (let j = 0; j < count; j++) {
      const nameText = pick(names);
      const keyIndex = Math.floor(rnd() * keys.length);
      const key = keys[keyIndex]!;
      // Signed by itself or by an earlier CA (its name and key).
      const parent = cas.length > 0 && rnd() < 0.75 ? pick(cas) : null;
      const signKey = parent ? keys[parent.keyIndex]! : key;
      const when = rnd();
      const [nb, na] = when < 0.8 ? [-DAY, 100 * DAY] : when < 0.9 ? [-100 * DAY, -DAY] : [DAY, 100 * DAY];
      const exts = [basicConstraints(true), keyUsage(['keyCertSign']), ski(key), ...(rnd() < 0.85 ? [aki(parent ? keys[parent.keyIndex]! : key)] : [])];
      const made = make(nameText, true, { key, signKey, issuerName: cnName(parent ? parent.nameText : nameText), notBefore: at(nb), notAfter: at(na), exts });
      cas.push({ made, nameText, keyIndex });
    }
    const issuer = pick(cas);
    const leaf = make('leaf', false, { signKey: keys[issuer.keyIndex]!, issuerName: cnName(issuer.nameText) });
    const untrusted: Made[] = [];
    const trusted: Made[] = [];
    for (const ca of cas) {
      const where = rnd();
      if (where < 0.45) untrusted.push(ca.made);
      else if (where < 0.8) trusted.push(ca.made);
      else if (where < 0.9) {
        untrusted.push(ca.made);
        trusted.push(ca.made);
      }
    }
    const depth = rnd() < 0.7 ? undefined : Math.floor(rnd() * 3);
    cases.push({ name: `pool ${n}`, leaf, untrusted, trusted, flags: pick(flagSets), depth, code: -1 });
  }
  const ref = openssl(cases);
  const differ: string[] = [];
  const codes = new Map<number, number>();
  cases.forEach((c, i) => {
    const got = ours(c);
    const r = ref[i]!;
    codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
    if (got.code !== r.code || (got.code === 0 && got.length !== r.chain_length)) {
      differ.push(`${c.name} (flags ${c.flags}, depth ${c.depth}): ours ${got.code}/${got.length}, openssl ${r.code}/${r.chain_length} ${r.message}`);
    }
  });
  assert.deepEqual(differ, []);
  // The pools reach successes and the usual path-building failures.
  for (const code of [0, 2, 9, 10, 19, 20, 22]) assert.ok((codes.get(code) ?? 0) > 0, `no case ends in ${code}: ${JSON.stringify([...codes])}`);
});
