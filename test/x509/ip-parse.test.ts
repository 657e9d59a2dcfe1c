// parseIpAddress (which decides between host name and IP address checks,
// as CPython does) against OpenSSL's own a2i_IPADDRESS, through the
// libcrypto CPython's _ssl is linked with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parseIpAddress } from '../../src/x509/hostname.js';

function opensslParse(inputs: string[]): (string | null)[] {
  const script = `
import ctypes, json, subprocess, sys, _ssl
lib = [l.split('=>')[1].split()[0] for l in subprocess.run(['ldd', _ssl.__file__], capture_output=True, text=True).stdout.splitlines() if 'libcrypto' in l][0]
c = ctypes.CDLL(lib)
c.a2i_IPADDRESS.restype = ctypes.c_void_p
c.a2i_IPADDRESS.argtypes = [ctypes.c_char_p]
c.ASN1_STRING_get0_data.restype = ctypes.POINTER(ctypes.c_ubyte)
c.ASN1_STRING_get0_data.argtypes = [ctypes.c_void_p]
c.ASN1_STRING_length.argtypes = [ctypes.c_void_p]
c.ASN1_OCTET_STRING_free.argtypes = [ctypes.c_void_p]
out = []
for s in json.loads(sys.stdin.read()):
    a = c.a2i_IPADDRESS(s.encode())
    if not a:
        out.append(None)
        continue
    n = c.ASN1_STRING_length(a)
    out.append(bytes(c.ASN1_STRING_get0_data(a)[:n]).hex())
    c.ASN1_OCTET_STRING_free(a)
print(json.dumps(out))
`;
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(inputs) }).toString()) as (string | null)[];
}

const INPUTS = [
  // IPv4
  '127.0.0.1', '0.0.0.0', '255.255.255.255', '256.1.1.1', '1.2.3', '1.2.3.4.5', '1.2.3.-1', '01.2.3.4', '1.2.3.4 ', '1.2.3.4x',
  ' 1.2.3.4', '1. 2.3.4', '+1.2.3.4', '1.2.3.4\t', '999.1.1.1', '1..2.3', 'a.b.c.d', '', '.', 'example.com', '1.2.3.4.',
  // IPv6
  '::', '::1', '1::', '1::2', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1::2::3', ':::', '::1::', '1:::2',
  '12345::1', 'g::1', '::ffff:1.2.3.4', '::1.2.3.4', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '1.2.3.4::', '::1.2.3.4:1',
  '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4::5:6:7:8', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:', '::ffff:256.1.1.1', '[::1]',
  ':::1', '1:::', '::::', '::1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8:9::', '1:2:3:4:5:6:7:8::', 'fe80::1%eth0', 'FE80::ABCD', '0:0:0:0:0:0:0:0', '1:0::', '::0:1', '1:2:3::4:5:6:7', '1:2:3:4:5:6::7', '1:2:3:4:5::6:7',
  // Each whitespace character OpenSSL skips, signs, anchors and the ends of groups.
  '\v1.2.3.4', '\f1.2.3.4', '\r1.2.3.4', '\n1.2.3.4', '1.\v2.3.4', '1.2.\f3.4', '1.2.3.\r4', '1.2.3.4\v', '1.2.3.4\f', '1.2.3.4\n',
  '1.2.3.4\r', '1.-2.3.4', '1.+2.3.4', '1.2.+3.4', '1.2.3.+4', '-1.2.3.4', 'x1.2.3.4', ' x1.2.3.4', '12.34.56.78', '11.22.33.44',
  '1.2.3.4a', '1.2.3.44 x', '::1.2.3.4 ', '1:2:3:4:5:6:7::1.2.3.4', '1:2:3:4:5:6::1.2.3.4', '1:2:3:4:5::1.2.3.4', '1::1.2.3.4',
  ':1::2', '1::2:', '::1:', ':1::', '1:2::3:', ':1:2::3', 'a::', '::A', 'x1::', '1x::', '::1x', '1::x', 'abcd::', '::ABCD',
  'abcde::', '1:2:3:4:5:6:7:8:', ':1:2:3:4:5:6:7:8', '1::2:3:4:5:6:7:8', '1:2:3:4:5:6:7::8', '::1:2:3:4:5:6:7', '1:2:3:4:5:6:7::',
  // Unanchored, a match further on could end where a space follows.
  'xxxx1.2. 3.4', 'x1. 2. 3. 4', '1.2.\v3.4', '1.2.3.\v4', '1.2.\t3.4', '1.2.3.\n4',
];

test('parseIpAddress reads what OpenSSL a2i_IPADDRESS reads', () => {
  const ref = opensslParse(INPUTS);
  const diffs: string[] = [];
  INPUTS.forEach((s, i) => {
    const ours = parseIpAddress(s);
    const oursHex = ours ? Buffer.from(ours).toString('hex') : null;
    if (oursHex !== ref[i]) diffs.push(`${JSON.stringify(s)}: openssl ${ref[i]} ours ${oursHex}`);
  });
  assert.deepEqual(diffs, []);
  assert.ok(ref.filter((r) => r !== null).length > 15);
  assert.ok(ref.filter((r) => r === null).length > 15);
});
