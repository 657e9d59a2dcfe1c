// node's system errors (err.code 'ECONNREFUSED', err.errno -111, ...) as the OSError subclasses
// Python's socket module raises for them, keeping node's `code` (and the original as `cause`).
import { constants } from 'node:os';
import {
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionRefusedError,
  ConnectionResetError,
  OSError,
  SSLError,
  TimeoutError,
} from '../errors.js';

/** strerror texts of glibc, as Python prints them. */
const STRERROR: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  ECONNABORTED: 'Software caused connection abort',
  EPIPE: 'Broken pipe',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENOTCONN: 'Transport endpoint is not connected',
  EINVAL: 'Invalid argument',
  EISCONN: 'Transport endpoint is already connected',
};

type NodeSystemError = Error & { code?: string; errno?: number; syscall?: string };

/** Python's errno for a node error code (Linux numbers, as node reports them). */
export function errnoOf(code: string): number | null {
  const n = (constants.errno as Record<string, number>)[code];
  return typeof n === 'number' ? n : null;
}

/** The Python-shaped error for `e`; errors that are already Python-shaped (OSError, SSLError) pass through. */
export function pythonOSError(e: unknown): unknown {
  if (!(e instanceof Error) || e instanceof OSError || e instanceof SSLError) return e;
  const err = e as NodeSystemError;
  const code = err.code;
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return e;
  const text = STRERROR[code] ?? err.message;
  let out: OSError;
  switch (code) {
    case 'ECONNREFUSED':
      out = new ConnectionRefusedError(text, code);
      break;
    case 'ECONNRESET':
      out = new ConnectionResetError(text, code);
      break;
    case 'ECONNABORTED':
      out = new ConnectionAbortedError(text, code);
      break;
    case 'EPIPE':
      out = new BrokenPipeError(text, code);
      break;
    case 'ETIMEDOUT': {
      const t = new TimeoutError(`[Errno 110] ${text}`);
      t.errno = 110;
      t.strerror = text;
      out = t;
      break;
    }
    default: {
      const errno = errnoOf(code);
      if (errno === null) return e;
      out = new OSError(errno, text);
      out.message = `[Errno ${errno}] ${text}`;
    }
  }
  Object.assign(out, { code, cause: e });
  return out;
}
