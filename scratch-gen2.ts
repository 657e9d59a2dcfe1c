import * as crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import { readFileSync, writeFileSync } from 'node:fs';
import { buildCert, cn, ext, seq, ctxPrim, der, fromDer, oid } from './test/x509/helpers.js';
import { derToPem, pemBlocks } from './src/x509/pem.js';
import { parseCertificate } from './src/x509/certificate.js';
const caKey = crypto.createPrivateKey(readFileSync('/tmp/h8x/ca.key'));
const ca = parseCertificate(pemBlocks(readFileSync('/tmp/h8x/ca.pem', 'utf8'))[0]!);
const issuer = fromDer(ca.subjectDer);
const key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
const san = (...n: string[]) => ext('2.5.29.17', seq(...n.map((x) => ctxPrim(2, Buffer.from(x)))));
const garbage = new Uint8Array([0x04, 0x01, 0x00]);
const cases: Record<string, asn1js.AsnType[]> = {
  dupUnknown: [san('a.example'), ext('1.2.3.4', seq()), ext('1.2.3.4', seq())],
  dupPolicies: [san('a.example'), ext('2.5.29.32', seq(seq(oid('2.5.29.32.0')))), ext('2.5.29.32', seq(seq(oid('2.5.29.32.0'))))],
  dupAia: [san('a.example'), ext('1.3.6.1.5.5.7.1.1', seq()), ext('1.3.6.1.5.5.7.1.1', seq())],
  badPolicies: [san('a.example'), ext('2.5.29.32', garbage)],
  badNsCert: [san('a.example'), ext('2.16.840.1.113730.1.1', garbage)],
  badCrldp: [san('a.example'), ext('2.5.29.31', garbage)],
  badIan: [san('a.example'), ext('2.5.29.18', garbage)],
  badAia: [san('a.example'), ext('1.3.6.1.5.5.7.1.1', garbage)],
  badPolicyConstraints: [san('a.example'), ext('2.5.29.36', garbage)],
  badIpAddr: [san('a.example'), ext('1.3.6.1.5.5.7.1.7', garbage)],
  badFreshest: [san('a.example'), ext('2.5.29.46', garbage)],
  badSki: [san('a.example'), ext('2.5.29.14', garbage)],
  badAki: [san('a.example'), ext('2.5.29.35', garbage)],
  critCrldp: [san('a.example'), ext('2.5.29.31', seq(seq(ctxPrim(0, new Uint8Array())) ), true)],
};
for (const [n, exts] of Object.entries(cases)) {
  const d = buildCert({ issuer, subject: cn('a.example'), key, signWith: caKey, extensions: exts });
  writeFileSync(`/tmp/h8x/${n}.pem`, derToPem(d));
}
