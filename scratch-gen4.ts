import * as crypto from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import { buildCert, cn, ext, seq, ctxPrim, ctx, fromDer, oid } from './test/x509/helpers.js';
import { derToPem, pemBlocks } from './src/x509/pem.js';
import { parseCertificate } from './src/x509/certificate.js';
const caKey = crypto.createPrivateKey(readFileSync('/tmp/h8x/ca.key'));
const ca = parseCertificate(pemBlocks(readFileSync('/tmp/h8x/ca.pem', 'utf8'))[0]!);
const issuer = fromDer(ca.subjectDer);
const key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
const san = ext('2.5.29.17', seq(ctxPrim(2, Buffer.from('a.example'))));
const c: Record<string, asn1js.AsnType> = {
  critSki: ext('2.5.29.14', new asn1js.OctetString({ valueHex: new Uint8Array([1, 2, 3]) }), true),
  critAki: ext('2.5.29.35', seq(ctxPrim(0, ca.ski!)), true),
  critCrldpOk: ext('2.5.29.31', seq(seq(ctx(0, [ctx(0, [ctxPrim(6, Buffer.from('http://x.example/crl'))])]))), true),
};
for (const [n, e] of Object.entries(c)) {
  const d = buildCert({ issuer, subject: cn('a.example'), key, signWith: caKey, extensions: [san, e] });
  writeFileSync(`/tmp/h8x/${n}.pem`, derToPem(d));
}
