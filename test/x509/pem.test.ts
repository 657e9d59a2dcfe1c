// PEM helpers, including Python's DER_cert_to_PEM_cert / PEM_cert_to_DER_cert.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  DER_cert_to_PEM_cert, PEM_FOOTER, PEM_HEADER, PEM_cert_to_DER_cert, derToPem, firstPemBlock, pemBlocks,
} from '../../src/x509/pem.js';
import { SSLError, ValueError } from '../../src/errors.js';
import { fixturePath } from './helpers.js';

// CPython test_ssl.BasicSocketTests.test_DER_to_PEM, on our root CA.
test('DER -> PEM -> DER round trip keeps bytes and the exact header/footer', () => {
  const pem = readFileSync(fixturePath('ca.pem'), 'utf8');
  const d1 = PEM_cert_to_DER_cert(pem);
  const p2 = DER_cert_to_PEM_cert(d1);
  const d2 = PEM_cert_to_DER_cert(p2);
  assert.deepStrictEqual(d1, d2);
  assert.ok(p2.startsWith(PEM_HEADER + '\n'));
  assert.ok(p2.endsWith('\n' + PEM_FOOTER + '\n'));
  // openssl writes the same 64-column layout.
  assert.equal(p2, pem);
});

test('pemBlocks picks labelled blocks in order and skips others', () => {
  const chain = readFileSync(fixturePath('leaf-ecdsa-p256-chain.pem'), 'utf8');
  const ders = pemBlocks(chain);
  assert.equal(ders.length, 2);
  assert.deepStrictEqual(ders[1], pemBlocks(readFileSync(fixturePath('inter.pem'), 'utf8'))[0]);
  const combined = readFileSync(fixturePath('leaf-ecdsa-p256.combined.pem'), 'utf8');
  assert.equal(pemBlocks(combined).length, 1);
  assert.equal(pemBlocks(combined, 'PRIVATE KEY').length, 1);
  const crlf = chain.replace(/\n/g, '\r\n');
  assert.deepStrictEqual(pemBlocks(crlf), ders);
  const messy = 'junk before\n' + chain.replace(/\n(?!-)/g, '\n  \t').replace('-----END CERTIFICATE-----', '\n\n-----END CERTIFICATE-----');
  assert.deepStrictEqual(pemBlocks(messy), ders);
  assert.deepStrictEqual(pemBlocks(chain.replace(/CERTIFICATE/g, 'X509 CERTIFICATE')), ders);
  assert.deepStrictEqual(firstPemBlock(chain), ders[0]);
  assert.equal(firstPemBlock('nothing here'), null);
  assert.deepStrictEqual(pemBlocks(''), []);
});

test('encrypted PEM headers are skipped, broken base64 is an SSLError', () => {
  const trad = readFileSync(fixturePath('leaf-rsa2048.enc-trad.key'), 'utf8');
  const blocks = pemBlocks(trad, 'RSA PRIVATE KEY');
  assert.equal(blocks.length, 1);
  assert.ok(blocks[0]!.length > 1000);
  const broken = '-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n';
  assert.throws(() => pemBlocks(broken), (e: unknown) => e instanceof SSLError && e.library === 'PEM');
  // A broken block of another kind also stops the read, as in OpenSSL.
  const before = '-----BEGIN RSA PRIVATE KEY-----\nBad Key, surely\n-----END RSA PRIVATE KEY-----\n';
  assert.throws(() => firstPemBlock(before + readFileSync(fixturePath('ca.pem'), 'utf8')), SSLError);
});

test('derToPem with other labels', () => {
  assert.equal(derToPem(new Uint8Array([1, 2, 3]), 'X'), '-----BEGIN X-----\nAQID\n-----END X-----\n');
  assert.equal(derToPem(new Uint8Array(0)), '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
});

test('PEM_cert_to_DER_cert raises ValueError for bad armour', () => {
  assert.throws(() => PEM_cert_to_DER_cert('garbage'), (e: unknown) => e instanceof ValueError && /must start with -----BEGIN CERTIFICATE-----/.test((e as Error).message));
  assert.throws(() => PEM_cert_to_DER_cert(PEM_HEADER + '\nAAAA\n'), (e: unknown) => e instanceof ValueError && /must end with -----END CERTIFICATE-----/.test((e as Error).message));
  assert.throws(() => PEM_cert_to_DER_cert(' ' + PEM_HEADER + '\nAAAA\n' + PEM_FOOTER), ValueError);
});

// Inputs whose handling depends on Python's lenient base64 decoder.
const PEM_INPUTS = [
  `${PEM_HEADER}\nAAAA\n${PEM_FOOTER}\n`,
  `${PEM_HEADER}AQID${PEM_FOOTER}`,
  `${PEM_HEADER}\nAQ\n${PEM_FOOTER}`,
  `${PEM_HEADER}\nAQ==\n${PEM_FOOTER}`,
  `${PEM_HEADER}\nAQI=\n${PEM_FOOTER}  \n\n`,
  `${PEM_HEADER}\nA\n${PEM_FOOTER}`,
  `${PEM_HEADER}\nAAAAB\n${PEM_FOOTER}`,
  `${PEM_HEADER}\nAA=AA\n${PEM_FOOTER}`,
  `${PEM_HEADER}\nA=AAA\n${PEM_FOOTER}`,
  `${PEM_HEADER}\nAQ==trailing junk ignored\n${PEM_FOOTER}`,
  `${PEM_HEADER}\nA*Q!I=\n${PEM_FOOTER}`,
  `${PEM_HEADER}\n\u00e9AQID\n${PEM_FOOTER}`,
  `${PEM_HEADER}\nAQ\u00e9\u00e8ID\n${PEM_FOOTER}`,
  `${PEM_HEADER}\n\u{1F600}\n${PEM_FOOTER}`,
  `${PEM_HEADER}\n${PEM_FOOTER}\u2003\u00a0\x1c`,
  `${PEM_HEADER}${PEM_FOOTER}`,
  `${PEM_HEADER}`,
  `${PEM_HEADER}\n\tAQ\r\nID\n${PEM_FOOTER}\x85`,
];

test('PEM_cert_to_DER_cert matches CPython on odd inputs', () => {
  const script = `
import ssl, sys, json
out = []
for s in json.loads(sys.stdin.read()):
    try:
        out.append({"ok": ssl.PEM_cert_to_DER_cert(s).hex()})
    except ValueError as e:
        out.append({"err": str(e)})
print(json.dumps(out))
`;
  const py = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(PEM_INPUTS) }).toString()) as ({ ok: string } | { err: string })[];
  PEM_INPUTS.forEach((input, i) => {
    const ref = py[i]!;
    if ('ok' in ref) {
      assert.equal(Buffer.from(PEM_cert_to_DER_cert(input)).toString('hex'), ref.ok, JSON.stringify(input));
    } else {
      assert.throws(() => PEM_cert_to_DER_cert(input), (e: unknown) => {
        assert.ok(e instanceof ValueError, JSON.stringify(input));
        assert.equal((e as Error).message, ref.err, JSON.stringify(input));
        return true;
      });
    }
  });
});

test('DER_cert_to_PEM_cert matches CPython for every line-length boundary', () => {
  const lengths = [0, 1, 2, 3, 47, 48, 49, 96, 97, 200];
  const inputs = lengths.map((n) => Buffer.alloc(n, 0xa5).toString('hex'));
  const script = `
import ssl, sys, json
print(json.dumps([ssl.DER_cert_to_PEM_cert(bytes.fromhex(h)) for h in json.loads(sys.stdin.read())]))
`;
  const py = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(inputs) }).toString()) as string[];
  inputs.forEach((h, i) => assert.equal(DER_cert_to_PEM_cert(new Uint8Array(Buffer.from(h, 'hex'))), py[i]));
});
