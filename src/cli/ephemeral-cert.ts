// A throw-away CA and a localhost certificate it signs, made at start-up for
// the demo and for `ssl-ts server` without --cert. The published package
// carries no private key: keys exist only in the memory of this process.
//
// The certificates are encoded with @peculiar/asn1-x509 (the schema library
// the project already depends on) and signed with node:crypto.

import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as x509 from '@peculiar/asn1-x509';

export interface EphemeralCredentials {
  /** PEM of the throw-away CA: what a client must trust. */
  caPem: string;
  /** PEM chain served by the server: the leaf, then the CA. */
  chainPem: string;
  /** PEM (PKCS#8) private key of the leaf. */
  keyPem: string;
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const DAY_MS = 86_400_000;

function name(commonName: string): x509.Name {
  const cn = new x509.AttributeTypeAndValue({ type: '2.5.4.3', value: new x509.AttributeValue({ utf8String: commonName }) });
  const o = new x509.AttributeTypeAndValue({ type: '2.5.4.10', value: new x509.AttributeValue({ utf8String: 'ssl-ts ephemeral' }) });
  return new x509.Name([new x509.RelativeDistinguishedName([o]), new x509.RelativeDistinguishedName([cn])]);
}

function extension(oid: string, critical: boolean, value: unknown): x509.Extension {
  return new x509.Extension({ extnID: oid, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits. */
function keyId(spki: x509.SubjectPublicKeyInfo): Uint8Array {
  return createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest();
}

function toPem(label: string, der: ArrayBuffer | Uint8Array): string {
  const b64 = Buffer.from(der as ArrayBuffer).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

interface Issued {
  pem: string;
  spki: x509.SubjectPublicKeyInfo;
}

function issue(opts: {
  subject: x509.Name;
  issuer: x509.Name;
  publicKey: KeyObject;
  signingKey: KeyObject;
  issuerSpki: x509.SubjectPublicKeyInfo | null;
  extensions: x509.Extension[];
  now: number;
}): Issued {
  const spki = AsnConvert.parse(opts.publicKey.export({ type: 'spki', format: 'der' }), x509.SubjectPublicKeyInfo);
  const serial = randomBytes(16);
  // A positive INTEGER in minimal DER: top bit clear, and never a leading zero octet.
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const exts = [
    ...opts.extensions,
    extension(x509.id_ce_subjectKeyIdentifier, false, new x509.SubjectKeyIdentifier(keyId(spki))),
    extension(
      x509.id_ce_authorityKeyIdentifier,
      false,
      new x509.AuthorityKeyIdentifier({ keyIdentifier: new x509.KeyIdentifier(keyId(opts.issuerSpki ?? spki)) }),
    ),
  ];
  const tbs = new x509.TBSCertificate({
    version: x509.Version.v3,
    serialNumber: serial.buffer.slice(serial.byteOffset, serial.byteOffset + serial.byteLength),
    signature: new x509.AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    issuer: opts.issuer,
    // An hour of slack for clocks that disagree; a week is plenty for a demo.
    validity: new x509.Validity({ notBefore: new Date(opts.now - 3_600_000), notAfter: new Date(opts.now + 7 * DAY_MS) }),
    subject: opts.subject,
    subjectPublicKeyInfo: spki,
    extensions: new x509.Extensions(exts),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = sign('sha256', tbsDer, { key: opts.signingKey, dsaEncoding: 'der' });
  const cert = new x509.Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: new x509.AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    signatureValue: signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.byteLength),
  });
  return { pem: toPem('CERTIFICATE', AsnConvert.serialize(cert)), spki };
}

/** A fresh P-256 CA and a leaf for localhost, 127.0.0.1 and ::1 signed by it. */
export function makeEphemeralCredentials(hostnames: string[] = ['localhost'], now = Date.now()): EphemeralCredentials {
  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const leaf = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caName = name('ssl-ts ephemeral CA');
  const caCert = issue({
    subject: caName,
    issuer: caName,
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    issuerSpki: null,
    now,
    extensions: [
      extension(x509.id_ce_basicConstraints, true, new x509.BasicConstraints({ cA: true, pathLenConstraint: 0 })),
      extension(x509.id_ce_keyUsage, true, new x509.KeyUsage(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign)),
    ],
  });
  const sans = [
    ...hostnames.map((h) => new x509.GeneralName({ dNSName: h })),
    new x509.GeneralName({ iPAddress: '127.0.0.1' }),
    new x509.GeneralName({ iPAddress: '::1' }),
  ];
  const leafCert = issue({
    subject: name(hostnames[0] ?? 'localhost'),
    issuer: caName,
    publicKey: leaf.publicKey,
    signingKey: ca.privateKey,
    issuerSpki: caCert.spki,
    now,
    extensions: [
      extension(x509.id_ce_basicConstraints, true, new x509.BasicConstraints({ cA: false })),
      extension(x509.id_ce_keyUsage, true, new x509.KeyUsage(x509.KeyUsageFlags.digitalSignature)),
      extension(x509.id_ce_extKeyUsage, false, new x509.ExtendedKeyUsage([x509.id_kp_serverAuth, x509.id_kp_clientAuth])),
      extension(x509.id_ce_subjectAltName, false, new x509.SubjectAlternativeName(sans)),
    ],
  });
  return {
    caPem: caCert.pem,
    chainPem: leafCert.pem + caCert.pem,
    keyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
