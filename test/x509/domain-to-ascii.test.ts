// src/x509/domain-to-ascii.ts gives node:url's domainToASCII() answer from the
// URL class alone (so that it also runs in a web page). Node's own function
// is the reference here, over IDNs, IPv4 forms, and input it must refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainToASCII as nodeDomainToASCII } from 'node:url';
import { domainToASCII } from '../../src/x509/domain-to-ascii.js';

const INPUTS = [
  'localhost', 'EXAMPLE.com', 'example.com.', '.example.com', 'a..b', 'exa_mple.com', '-a-.com', 'a.b.c.d.e',
  'bücher.de', 'xn--bcher-kva.de', 'ΑΒΓ.gr', 'faß.de', 'münchen', '日本語.jp', 'ＥＸＡＭＰＬＥ.com', 'a\u3002b',
  '127.0.0.1', '1.2', '0x7f.1', '[::1]', '[fe80::1]', '::1',
  'a b', 'a:80', 'user@h', 'a/b', 'a?b', 'a#b', 'a\\b', 'a\tb', 'ex%41mple.com', 'a%zz', '%', '⒈.com', 'xn--', '',
  // the placeholders the implementation uses must come back as themselves
  'a.invalid', 'b.invalid', 'A.INVALID',
  'x'.repeat(70) + '.com', 'é'.repeat(70),
];

test('domainToASCII() answers as node:url does', () => {
  for (const input of INPUTS) assert.equal(domainToASCII(input), nodeDomainToASCII(input), JSON.stringify(input));
});

test('domainToASCII(): IDNs become A-labels, and invalid hosts give the empty string', () => {
  assert.equal(domainToASCII('bücher.de'), 'xn--bcher-kva.de');
  assert.equal(domainToASCII('a:80'), '');
  assert.equal(domainToASCII('user@h'), '');
});
