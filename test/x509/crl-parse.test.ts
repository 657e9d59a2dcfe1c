// CRL structure checks: each crafted defect is refused by parseCrl exactly
// when `openssl crl` refuses to read the same DER.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import * as crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCrl } from '../../src/x509/crl.js';
import { type Asn, cn, der, ext, oid, raw, seq, tempDir, utcTime } from './helpers.js';

const key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ALG = (): Asn => seq(oid('1.2.840.10045.4.3.2'));
const dir = tempDir();

interface Parts {
  version?: Asn | null;
  innerAlg?: Asn;
  thisUpdate?: Asn;
  /** null: none. */
  nextUpdate?: Asn | null;
  /** Replaces the revokedCertificates field. */
  revoked?: Asn;
  entries?: Asn[];
  crlExts?: Asn[];
  extraTbs?: Asn[];
  extraTop?: Asn[];
}

function crl(p: Parts = {}): Uint8Array {
  const tbs: Asn[] = [];
  if (p.version !== null) tbs.push(p.version ?? new asn1js.Integer({ value: 1 }));
  tbs.push(p.innerAlg ?? ALG(), cn('crl issuer'), p.thisUpdate ?? utcTime('250101000000Z'));
  if (p.nextUpdate !== null) tbs.push(p.nextUpdate ?? utcTime('350101000000Z'));
  if (p.revoked) tbs.push(p.revoked);
  if (p.entries) tbs.push(seq(...p.entries));
  if (p.crlExts) tbs.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [seq(...p.crlExts)] }));
  tbs.push(...(p.extraTbs ?? []));
  const tbsAsn = seq(...tbs);
  const sig = crypto.sign('sha256', der(tbsAsn), key.privateKey);
  return der(seq(tbsAsn, ALG(), new asn1js.BitString({ valueHex: sig }), ...(p.extraTop ?? [])));
}

const entry = (reason?: Asn): Asn => seq(new asn1js.Integer({ value: 7 }), utcTime('250601000000Z'), ...(reason ? [seq(ext('2.5.29.21', reason))] : []));
const enumerated = (v: number): Asn => raw(1, 10, new Uint8Array([v]));

function opensslReads(d: Uint8Array): boolean {
  const f = join(dir, 'x.crl');
  writeFileSync(f, d);
  return spawnSync('openssl', ['crl', '-inform', 'DER', '-in', f, '-noout'], { encoding: 'utf8' }).status === 0;
}

function weRead(d: Uint8Array): boolean {
  try {
    parseCrl(d);
    return true;
  } catch {
    return false;
  }
}

test('CRL structure: our parser refuses what openssl crl refuses', () => {
  const cases: Record<string, Uint8Array> = {
    'well-formed v2': crl({ entries: [entry(enumerated(1))], crlExts: [ext('2.5.29.20', new asn1js.Integer({ value: 5 }))] }),
    'v1 (no version)': crl({ version: null }),
    'version 0 spelled out': crl({ version: new asn1js.Integer({ value: 0 }) }),
    'version 3': crl({ version: new asn1js.Integer({ value: 2 }) }),
    'four top-level fields': crl({ extraTop: [new asn1js.Null()] }),
    'thisUpdate of the wrong type': crl({ thisUpdate: new asn1js.Integer({ value: 1 }) }),
    'reasonCode as INTEGER': crl({ entries: [entry(new asn1js.Integer({ value: 1 }))] }),
    'v1 without nextUpdate or anything after it': crl({ version: null, nextUpdate: null }),
    'thisUpdate with an application tag': crl({ thisUpdate: raw(2, 23, Buffer.from('250101000000Z')) }),
    'nextUpdate with an application tag': crl({ nextUpdate: raw(2, 23, Buffer.from('350101000000Z')) }),
    'revoked list with an application tag': crl({ revoked: new asn1js.Constructed({ idBlock: { tagClass: 2, tagNumber: 16 }, value: [entry()] }) }),
    'a NULL where the revoked list goes': crl({ revoked: new asn1js.Null() }),
    'extension with a context-tagged critical flag': crl({ crlExts: [seq(oid('2.5.29.20'), raw(3, 1, new Uint8Array([0xff])), new asn1js.OctetString({ valueHex: der(new asn1js.Integer({ value: 5 })) }))] }),
    'extra field after the extensions': crl({ crlExts: [ext('2.5.29.20', new asn1js.Integer({ value: 5 }))], extraTbs: [new asn1js.Null()] }),
  };
  // Known differences, where we fail closed: `openssl crl` reads these (OpenSSL
  // decodes versions and reason codes lazily), our parser refuses them, so
  // such a CRL is never loaded and CRL checking reports it missing.
  const STRICTER = ['version 0 spelled out', 'version 3', 'reasonCode as INTEGER'];
  const diffs: string[] = [];
  for (const [label, d] of Object.entries(cases)) {
    const ref = opensslReads(d);
    if (weRead(d) !== ref) diffs.push(`${label}: openssl ${ref ? 'reads' : 'refuses'} it, we ${ref ? 'refuse' : 'read'} it`);
  }
  assert.deepEqual(diffs, STRICTER.map((l) => `${l}: openssl reads it, we refuse it`));
  assert.equal(weRead(cases['well-formed v2']!), true);
  assert.equal(weRead(cases['four top-level fields']!), false);
});

test('CRL details: reason codes, numbers, signature algorithm agreement, issuingDistributionPoint', () => {
  const c = parseCrl(crl({ entries: [entry(enumerated(8))], crlExts: [ext('2.5.29.20', new asn1js.Integer({ value: 5 }))] }));
  assert.equal(c.entryFor(7n, c.issuer)?.reason, 8);
  assert.equal(c.crlNumber, 5n);
  assert.equal(c.verifySignedBy(key.publicKey), true);
  assert.equal(parseCrl(crl()).crlNumber, null);
  // The TBS signature algorithm must be the outer one.
  const mismatch = parseCrl(crl({ innerAlg: seq(oid('1.2.840.10045.4.3.3')) }));
  assert.equal(mismatch.sigAlgMatchesTbs, false);
  assert.equal(mismatch.verifySignedBy(key.publicKey), false);
  // A non-context field in issuingDistributionPoint makes it invalid.
  const badIdp = parseCrl(crl({ crlExts: [ext('2.5.29.28', seq(new asn1js.Null()), true)] }));
  assert.equal(badIdp.idpInvalid, true);
  const goodIdp = parseCrl(crl({ crlExts: [ext('2.5.29.28', seq(raw(3, 1, new Uint8Array([0xff]))), true)] }));
  assert.equal(goodIdp.idpInvalid, false);
  assert.equal(goodIdp.idp?.onlyUser, true);
});
