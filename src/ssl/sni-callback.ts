// Python's SNI callback (SSLContext.sni_callback / set_servername_callback), as CPython's
// _servername_callback runs it under OpenSSL's servername callback: on the server, once the
// ClientHello is parsed, with (sslObject or socket, server name or null, initial context).
// The callback may switch `sslObject.context`; returning an ALERT_DESCRIPTION_* number aborts
// the handshake with that alert; raising aborts with handshake_failure and a non-integer return
// with internal_error, both reported to the unraisable hook. The server's own handshake then
// fails with OpenSSL's CALLBACK_FAILED.
import { SSLError } from '../errors.js';
import { tlsError } from '../tls/alert.js';
import { Alert } from '../tls/constants.js';
import type { SSLContext } from './context.js';
import { writeUnraisable } from './unraisable.js';

function callbackFailed(alert: number, cause?: unknown): SSLError {
  const err = tlsError(alert, 'CALLBACK_FAILED');
  if (cause !== undefined) (err as Error & { cause?: unknown }).cause = cause;
  return err;
}

/**
 * Run `context.sniCallback` (if any) for a ClientHello naming `serverName`. `target` is what
 * the callback receives as its first argument (the SSLObject, or the SSLSocket owning it).
 */
export function runSniCallback(context: SSLContext, target: unknown, serverName: string | null): boolean {
  const cb = context.sniCallback;
  if (!cb) return false;
  let result: unknown;
  try {
    result = cb(target as never, serverName, context);
  } catch (e) {
    writeUnraisable(e, cb);
    throw callbackFailed(Alert.handshake_failure, e);
  }
  if (result === null || result === undefined) return true;
  if (typeof result === 'number' && Number.isInteger(result) && result >= 0 && result <= 255) {
    throw callbackFailed(result);
  }
  // CPython: PyLong_AsLong fails, the TypeError goes to the unraisable hook, internal_error is sent.
  const type = result === null ? 'NoneType' : typeof result === 'string' ? 'str' : typeof result;
  const e =
    typeof result === 'number'
      ? new RangeError(`alert number out of range: ${result}`)
      : new TypeError(`'${type}' object cannot be interpreted as an integer`);
  writeUnraisable(e, result);
  throw callbackFailed(Alert.internal_error, e);
}
