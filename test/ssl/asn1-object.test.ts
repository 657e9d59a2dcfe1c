// ssl._ASN1Object's lookups (asn1ObjectFromOid/Name/Nid) against Python's _ssl.txt2obj and
// _ssl.nid2obj (OpenSSL 3.0's object table) for every extended key usage ssl-ts knows, by
// NID, OID, short and long name, and for the error cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { asn1ObjectFromName, asn1ObjectFromNid, asn1ObjectFromOid, Purpose } from '../../src/index.js';

type Answer = [number, string, string, string] | { error: string };

/** Python's answers for each [function, argument]. */
function python(calls: [string, string | number][]): Answer[] {
  const code = `
import _ssl, json, sys
out = []
for fn, arg in json.loads(sys.argv[1]):
    try:
        if fn == 'oid': r = list(_ssl.txt2obj(arg, False))
        elif fn == 'name': r = list(_ssl.txt2obj(arg, True))
        else: r = list(_ssl.nid2obj(arg))
    except ValueError as e:
        r = {'error': str(e)}
    out.append(r)
print(json.dumps(out))`;
  return JSON.parse(execFileSync('python3', ['-c', code, JSON.stringify(calls)]).toString()) as Answer[];
}

function ours(fn: string, arg: string | number): Answer {
  try {
    const o = fn === 'oid' ? asn1ObjectFromOid(arg as string) : fn === 'name' ? asn1ObjectFromName(arg as string) : asn1ObjectFromNid(arg as number);
    return [o.nid, o.shortname, o.longname, o.oid];
  } catch (e) {
    assert.equal((e as Error).name, 'ValueError', String(e));
    return { error: (e as Error).message };
  }
}

test('every extended key usage ssl-ts knows is OpenSSL\'s, by NID, OID and both names', () => {
  const eku = Array.from({ length: 40 }, (_, i) => `1.3.6.1.5.5.7.3.${i}`);
  const known = eku.map((oid) => ours('oid', oid)).filter((a): a is [number, string, string, string] => Array.isArray(a));
  assert.ok(known.length >= 25, 'the table covers the EKU arc');
  const calls: [string, string | number][] = [];
  for (const [nid, sn, ln, oid] of known) calls.push(['nid', nid], ['oid', oid], ['name', sn], ['name', ln], ['name', oid]);
  calls.push(['oid', '2.5.29.37.0'], ['name', 'anyExtendedKeyUsage']);
  const expected = python(calls);
  assert.deepEqual(calls.map(([fn, arg]) => ours(fn, arg)), expected);
});

test('errors as Python reports them', () => {
  const calls: [string, string | number][] = [
    ['oid', '1.2.3'],
    ['oid', 'serverAuth'],
    ['oid', ''],
    ['name', 'nonsense'],
    ['nid', -1],
    ['nid', 0],
    ['nid', 100000],
  ];
  assert.deepEqual(calls.map(([fn, arg]) => ours(fn, arg)), python(calls));
});

test('Purpose objects are the table\'s', () => {
  assert.deepEqual(asn1ObjectFromNid(129), Purpose.SERVER_AUTH);
  assert.deepEqual(asn1ObjectFromName('clientAuth'), Purpose.CLIENT_AUTH);
});
