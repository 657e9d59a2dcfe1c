import * as crypto from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { buildCert, cn, ext, seq, ctxPrim, fromDer } from './test/x509/helpers.js';
import { derToPem, pemBlocks } from './src/x509/pem.js';
import { parseCertificate } from './src/x509/certificate.js';
const caKey = crypto.createPrivateKey(readFileSync('/tmp/h8x/ca.key'));
const ca = parseCertificate(pemBlocks(readFileSync('/tmp/h8x/ca.pem', 'utf8'))[0]!);
const issuer = fromDer(ca.subjectDer);
const key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
const san = ext('2.5.29.17', seq(ctxPrim(2, Buffer.from('a.example'))));
const oids = process.argv.slice(2);
for (const o of oids) {
  const d = buildCert({ issuer, subject: cn('a.example'), key, signWith: caKey, extensions: [san, ext(o, new Uint8Array([5, 0]), true)] });
  writeFileSync(`/tmp/h8x/crit-${o}.pem`, derToPem(d));
}
