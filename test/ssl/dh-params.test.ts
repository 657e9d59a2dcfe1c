// SSLContext.loadDhParams() (issue 9): the parameters are used by the server's
// DHE suites, and loading checks them as Python on OpenSSL 3.0 does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PROTOCOL_TLS_SERVER, SSLContext, SSLError } from '../../src/index.js';
import { dhParamsFile } from '../helpers/tls12-peers.js';

/** What Python does with load_dh_params(file) after set_ciphers(spec): 'ok' or the SSLError's fields. */
function pythonLoad(file: string, spec: string): { ok: true } | { ok: false; errno: number; reason: string; library: string; str: string } {
  const code = String.raw`
import ssl, json, sys
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
c.set_ciphers(sys.argv[2])
try:
    c.load_dh_params(sys.argv[1]); print(json.dumps({'ok': True}))
except ssl.SSLError as e:
    print(json.dumps({'ok': False, 'errno': e.errno, 'reason': e.reason, 'library': e.library, 'str': e.args[1]}))`;
  const r = spawnSync('python3', ['-c', code, file, spec], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const CASES: Array<[string, () => string, string]> = [
  ['ffdhe2048 (openssl genpkey)', () => dhParamsFile('ffdhe2048'), 'DEFAULT'],
  ['ffdhe4096', () => dhParamsFile('ffdhe4096'), 'DEFAULT'],
  ['1024-bit (openssl dhparam) at level 2', () => dhParamsFile(1024), 'DEFAULT'],
  ['1024-bit at level 1', () => dhParamsFile(1024), 'DEFAULT:@SECLEVEL=1'],
  ['2048-bit at level 3', () => dhParamsFile('ffdhe2048'), 'DEFAULT:@SECLEVEL=3'],
  ['3072-bit at level 3', () => dhParamsFile('ffdhe3072'), 'DEFAULT:@SECLEVEL=3'],
];

for (const [label, file, spec] of CASES) {
  test(`loadDhParams: ${label}, as Python`, () => {
    const path = file();
    const want = pythonLoad(path, spec);
    const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
    ctx.setCiphers(spec);
    if (want.ok) {
      ctx.loadDhParams(path);
      assert.ok(ctx._dhParams, 'parameters kept for the DHE suites');
      return;
    }
    assert.throws(
      () => ctx.loadDhParams(path),
      (e: unknown) => {
        assert.ok(e instanceof SSLError);
        assert.equal(e.errno, want.errno);
        assert.equal(e.reason, want.reason);
        assert.equal(e.library, want.library);
        assert.equal(String(e.message).replace(/ \(_ssl\.c:\d+\)$/, ''), want.str.replace(/ \(_ssl\.c:\d+\)$/, ''));
        return true;
      },
    );
    assert.equal(ctx._dhParams, null);
  });
}
