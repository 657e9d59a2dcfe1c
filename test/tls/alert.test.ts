// Alerts received from the peer: the SSLError each of the 256 codes gives must
// be the one CPython (OpenSSL 3.0 underneath) gives for the same bytes. Both
// clients get a fatal alert record in answer to their ClientHello.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { CERT_NONE, MemoryBIO, PROTOCOL_TLS_CLIENT, SSLContext, SSLError, SSLWantReadError } from '../../src/index.js';
import { Alert } from '../../src/tls/constants.js';
import { reasonText, tlsError, alertToSend, decodeError, unexpectedMessage, illegalParameter } from '../../src/tls/alert.js';

const PYTHON = String.raw`
import ssl, json
out = {}
for code in range(256):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    inc, outb = ssl.MemoryBIO(), ssl.MemoryBIO()
    o = ctx.wrap_bio(inc, outb)
    try:
        o.do_handshake()
    except ssl.SSLWantReadError:
        pass
    inc.write(bytes([21, 3, 3, 0, 2, 2, code]))
    try:
        o.do_handshake()
        out[code] = None
    except ssl.SSLError as e:
        out[code] = [type(e).__name__, e.library, e.reason, str(e)]
print(json.dumps(out))
`;

type PyError = [string, string | null, string | null, string] | null;

function ours(code: number): PyError {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.checkHostname = false;
  ctx.verifyMode = CERT_NONE;
  const inc = new MemoryBIO();
  const o = ctx.wrapBio(inc, new MemoryBIO());
  assert.throws(() => o.doHandshake(), SSLWantReadError);
  inc.write(Uint8Array.of(21, 3, 3, 0, 2, 2, code));
  try {
    o.doHandshake();
    return null;
  } catch (e) {
    assert.ok(e instanceof SSLError, `alert ${code}: ${String(e)}`);
    return [e.constructor.name, e.library, e.reason, e.message];
  }
}

test('every fatal alert received during the handshake: the SSLError CPython raises', () => {
  const py = JSON.parse(execFileSync('python3', ['-c', PYTHON], { encoding: 'utf8' })) as Record<string, PyError>;
  let compared = 0;
  for (let code = 0; code < 256; code++) {
    const want = py[code]!;
    // close_notify: ours ends the connection whatever the level (see test/mutation-survivors.md).
    if (code === Alert.close_notify) continue;
    assert.ok(want, `python3 completed a handshake on alert ${code}?`);
    const got = ours(code);
    assert.deepEqual(got, [want[0], want[1], want[2], want[3].replace(/ \(_ssl\.c:\d+\)$/, '')], `alert ${code}`);
    compared++;
  }
  assert.equal(compared, 255);
});

test('local failures: the alert to send rides on the SSLError, with OpenSSL reason text', () => {
  const e = tlsError(Alert.record_overflow, 'PACKET_LENGTH_TOO_LONG');
  assert.equal(e.library, 'SSL');
  assert.equal(e.reason, 'PACKET_LENGTH_TOO_LONG');
  assert.equal(e.message, '[SSL: PACKET_LENGTH_TOO_LONG] packet length too long');
  assert.equal(alertToSend(e), Alert.record_overflow);
  assert.equal(tlsError(Alert.internal_error, 'X_Y', 'own text').message, '[SSL: X_Y] own text');
  assert.equal(alertToSend(new SSLError('plain')), undefined);
  assert.equal(alertToSend(new Error('not ours')), undefined);
  assert.equal(reasonText('DECRYPTION_FAILED_OR_BAD_RECORD_MAC'), 'decryption failed or bad record mac');
  for (const [err, alert, reason] of [
    [decodeError(), Alert.decode_error, 'BAD_PACKET_LENGTH'],
    [decodeError('LENGTH_MISMATCH'), Alert.decode_error, 'LENGTH_MISMATCH'],
    [unexpectedMessage(), Alert.unexpected_message, 'UNEXPECTED_MESSAGE'],
    [unexpectedMessage('UNEXPECTED_RECORD'), Alert.unexpected_message, 'UNEXPECTED_RECORD'],
    [illegalParameter(), Alert.illegal_parameter, 'ILLEGAL_PARAMETER'],
    [illegalParameter('BAD_ECPOINT'), Alert.illegal_parameter, 'BAD_ECPOINT'],
  ] as const) {
    assert.equal(err.reason, reason);
    assert.equal(alertToSend(err), alert);
  }
});
