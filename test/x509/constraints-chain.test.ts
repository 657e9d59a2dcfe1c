// Name constraints on whole chains (which certificates a CA's constraints
// apply to, and how its NameConstraints extension is read), each verdict the
// one `openssl verify` gives for the same files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctxPrim, der, seq } from './helpers.js';
import { OpensslPki, opensslCode, ourCode, type Issued, type VerifyCase } from './openssl-pki.js';
import { MUTATION_RUN } from '../helpers/mutation-mode.js';

const pki = new OpensslPki();
const root = pki.root();
const CA = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign'];
const NC_EXAMPLE = 'nameConstraints=critical,permitted;DNS:example.com';

function both(label: string, c: VerifyCase, expected: number): void {
  assert.equal(ourCode(c), expected, `${label}: ours`);
  // Under `npm run mutation` the expected code (checked against openssl by every npm test) is enough.
  if (!MUTATION_RUN) assert.equal(opensslCode(c), expected, `${label}: openssl verify`);
}

function chain(label: string, cas: Issued[], leafHost: string, expected: number, leafSubject = '/CN=leaf'): void {
  const leaf = pki.issue(cas[0]!, `leaf-${label.replace(/\W+/g, '-')}`, leafSubject, [`subjectAltName=DNS:${leafHost}`]);
  both(label, { leaf: leaf.pem, trusted: root.pem, untrusted: pki.write('untrusted.pem', cas.map((c) => c.der)) }, expected);
}

test('NameConstraints with primitive-encoded subtree lists read as OpenSSL 3.0 reads them', () => {
  // OpenSSL's decoder does not check the constructed bit of an IMPLICIT SEQUENCE OF.
  const subtree = der(seq(ctxPrim(2, Buffer.from('example.com'))));
  const hex = (a: Parameters<typeof der>[0]): string => Buffer.from(der(a)).toString('hex');
  const permitted = pki.issue(root, 'prim-permitted', '/CN=prim permitted', [...CA, `2.5.29.30=critical,DER:${hex(seq(ctxPrim(0, subtree)))}`]);
  chain('primitive permitted, outside', [permitted], 'a.example', 47);
  chain('primitive permitted, inside', [permitted], 'www.example.com', 0);
  const excluded = pki.issue(root, 'prim-excluded', '/CN=prim excluded', [...CA, `2.5.29.30=critical,DER:${hex(seq(ctxPrim(1, subtree)))}`]);
  chain('primitive excluded, outside', [excluded], 'a.example', 0);
  chain('primitive excluded, inside', [excluded], 'www.example.com', 48);
  const broken = pki.issue(root, 'prim-broken', '/CN=prim broken', [...CA, `2.5.29.30=critical,DER:${hex(seq(ctxPrim(0, new Uint8Array([0x30, 0x05, 0x82]))))}`]);
  chain('primitive list that does not decode', [broken], 'www.example.com', 20);
});

test('which certificates of a chain each CA\'s name constraints apply to', () => {
  // Not to the constrained CA itself: its own subjectAltName lies outside.
  const selfOutside = pki.issue(root, 'self-outside', '/CN=self outside', [...CA, NC_EXAMPLE, 'subjectAltName=DNS:int.other.org']);
  chain('a CA outside its own constraints', [selfOutside], 'www.example.com', 0);
  // The commonName fallback is for the leaf only, not for a CA below the constrained one.
  const top = pki.issue(root, 'nc-top', '/CN=nc top', [...CA, NC_EXAMPLE]);
  const hostlike = pki.issue(top, 'hostlike', '/CN=int.other.org', CA);
  chain('an intermediate with a host-like commonName', [hostlike, top], 'www.example.com', 0);
  // Every constrained CA above the leaf is checked, not only the first pair found consistent.
  const lower = pki.issue(top, 'nc-lower', '/CN=nc lower', [...CA, NC_EXAMPLE]);
  chain('two constrained CAs, leaf inside', [lower, top], 'www.example.com', 0);
  chain('two constrained CAs, leaf outside', [lower, top], 'www.evil.net', 47);
  // A leaf named like its issuer (self-issued) is still checked.
  chain('a self-issued leaf', [top], 'www.evil.net', 47, '/CN=nc top');
});
