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
const sanDer = der(seq(ctxPrim(2, Buffer.from('a.example'))));
// non-minimal length: 30 81 len ...
const nonDer = new Uint8Array([0x30, 0x81, sanDer.length - 2, ...sanDer.subarray(2)]);
const cases: Record<string, asn1js.AsnType[]> = {
  dupSan: [san('a.example'), san('a.example')],
  dupEku: [san('a.example'), ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.1'))), ext('2.5.29.37', seq(oid('1.3.6.1.5.5.7.3.1')))],
  nonDerSan: [ext('2.5.29.17', nonDer)],
  garbageSan: [ext('2.5.29.17', new Uint8Array([0x04, 0x01, 0x00]))],
  trailingSan: [ext('2.5.29.17', new Uint8Array([...sanDer, 0]))],
};
for (const [n, exts] of Object.entries(cases)) {
  const d = buildCert({ issuer, subject: cn('a.example'), key, signWith: caKey, extensions: exts, notBefore: undefined });
  writeFileSync(`/tmp/h8x/${n}.pem`, derToPem(d));
}
