// Python's ssl exception hierarchy. Every failure the engine reports to a
// caller is one of these, so code ported from Python can catch the same types.

/** SSL_ERROR_* codes, used as `errno` exactly as CPython's _ssl does. */
export const SSL_ERROR_SSL = 1;
/** Python: `ssl.SSL_ERROR_WANT_READ`. */
export const SSL_ERROR_WANT_READ = 2;
/** Python: `ssl.SSL_ERROR_WANT_WRITE`. */
export const SSL_ERROR_WANT_WRITE = 3;
/** Python: `ssl.SSL_ERROR_WANT_X509_LOOKUP`. */
export const SSL_ERROR_WANT_X509_LOOKUP = 4;
/** Python: `ssl.SSL_ERROR_SYSCALL`. */
export const SSL_ERROR_SYSCALL = 5;
/** Python: `ssl.SSL_ERROR_ZERO_RETURN`. */
export const SSL_ERROR_ZERO_RETURN = 6;
/** Python: `ssl.SSL_ERROR_WANT_CONNECT`. */
export const SSL_ERROR_WANT_CONNECT = 7;
/** Python: `ssl.SSL_ERROR_EOF`. */
export const SSL_ERROR_EOF = 8;
/** Python: `ssl.SSL_ERROR_INVALID_ERROR_CODE`. */
export const SSL_ERROR_INVALID_ERROR_CODE = 10;

/** Python's ValueError. `SSLCertVerificationError` is also one, as in Python. */
export class ValueError extends Error {
  /** `SSLCertVerificationError` is a ValueError too, as in Python. */
  static override [Symbol.hasInstance](obj: unknown): boolean {
    if (obj instanceof SSLCertVerificationError) return true;
    return Function.prototype[Symbol.hasInstance].call(this, obj);
  }
  constructor(message?: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** Python's OSError: `errno` and `strerror` mirror its attributes. */
export class OSError extends Error {
  errno: number | null;
  strerror: string;
  constructor(errno: number | null, strerror: string) {
    super(strerror);
    this.name = 'OSError';
    this.errno = errno;
    this.strerror = strerror;
  }
}

/** Python's TimeoutError (an OSError). */
export class TimeoutError extends OSError {
  constructor(message = 'timed out') {
    super(null, message);
    this.name = 'TimeoutError';
  }
}

/** The attributes of Python's `ssl.SSLError`: `library`, `reason`, `errno`. */
export interface SSLErrorOptions {
  /** OpenSSL library name: 'SSL' for protocol errors, 'X509'/'PEM'/... otherwise. */
  library?: string | null;
  /** OpenSSL reason code name, e.g. 'TLSV1_ALERT_UNKNOWN_CA'. */
  reason?: string | null;
  errno?: number;
}

/**
 * Python's ssl.SSLError. The message is shaped like CPython's:
 * `[SSL: REASON] text` when library and reason are known, `text` otherwise.
 */
export class SSLError extends OSError {
  library: string | null;
  reason: string | null;
  constructor(text: string, opts: SSLErrorOptions = {}) {
    const library = opts.library === undefined ? (opts.reason ? 'SSL' : null) : opts.library;
    const reason = opts.reason ?? null;
    const msg = reason ? `[${library ?? 'SSL'}: ${reason}] ${text}` : text;
    super(opts.errno ?? SSL_ERROR_SSL, msg);
    this.name = 'SSLError';
    this.library = library;
    this.reason = reason;
  }
}

/** The peer closed the TLS connection cleanly (close_notify). Python: `ssl.SSLZeroReturnError`. */
export class SSLZeroReturnError extends SSLError {
  constructor(text = 'TLS/SSL connection has been closed (EOF)') {
    super(text, { errno: SSL_ERROR_ZERO_RETURN, library: null, reason: null });
    this.name = 'SSLZeroReturnError';
  }
}

/**
 * Build an error without capturing a stack trace. The want-read/write errors
 * are flow control, thrown once per I/O round; capturing a stack for each was
 * a fifth of the bulk data path's time.
 */
function stackless<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** More bytes from the peer are needed before the operation can go on. Python: `ssl.SSLWantReadError`. */
export class SSLWantReadError extends SSLError {
  constructor(text = 'The operation did not complete (read)') {
    super(text, { errno: SSL_ERROR_WANT_READ, library: null, reason: null });
    this.name = 'SSLWantReadError';
  }

  /** A fresh instance without a stack trace, for the engine's hot paths. */
  static fast(): SSLWantReadError {
    return stackless(() => new SSLWantReadError());
  }
}

/** The outgoing buffer must be drained before the operation can go on. Python: `ssl.SSLWantWriteError`. */
export class SSLWantWriteError extends SSLError {
  constructor(text = 'The operation did not complete (write)') {
    super(text, { errno: SSL_ERROR_WANT_WRITE, library: null, reason: null });
    this.name = 'SSLWantWriteError';
  }
}

/** A transport-level failure below TLS. Python: `ssl.SSLSyscallError`. */
export class SSLSyscallError extends SSLError {
  constructor(text = 'Some I/O error occurred') {
    super(text, { errno: SSL_ERROR_SYSCALL, library: null, reason: null });
    this.name = 'SSLSyscallError';
  }
}

/** The transport ended without a close_notify. Python: `ssl.SSLEOFError`. */
export class SSLEOFError extends SSLError {
  constructor(text = 'EOF occurred in violation of protocol') {
    super(text, { errno: SSL_ERROR_EOF, library: 'SSL', reason: 'UNEXPECTED_EOF_WHILE_READING' });
    this.name = 'SSLEOFError';
  }
}

/** Certificate verification failed; carries OpenSSL's X509_V_ERR_* code and text. Python: `ssl.SSLCertVerificationError`. */
export class SSLCertVerificationError extends SSLError {
  verifyCode: number;
  verifyMessage: string;
  constructor(verifyCode: number, verifyMessage: string) {
    super(`certificate verify failed: ${verifyMessage}`, {
      errno: SSL_ERROR_SSL,
      library: 'SSL',
      reason: 'CERTIFICATE_VERIFY_FAILED',
    });
    this.name = 'SSLCertVerificationError';
    this.verifyCode = verifyCode;
    this.verifyMessage = verifyMessage;
  }
}

/** Python keeps CertificateError as an alias of SSLCertVerificationError. */
export const CertificateError = SSLCertVerificationError;
export type CertificateError = SSLCertVerificationError;

/**
 * Python's OSError subclasses for file-system failures (load_cert_chain,
 * load_verify_locations, ...). Messages read like Python's str(e):
 * `[Errno 2] No such file or directory` (plus `: 'name'` when a name is known).
 */
export class FileNotFoundError extends OSError {
  filename: string | null;
  constructor(strerror = 'No such file or directory', filename: string | null = null) {
    super(2, strerror);
    this.name = 'FileNotFoundError';
    this.filename = filename;
    this.message = formatOSErrorMessage(2, strerror, filename);
  }
}

export class IsADirectoryError extends OSError {
  filename: string | null;
  constructor(strerror = 'Is a directory', filename: string | null = null) {
    super(21, strerror);
    this.name = 'IsADirectoryError';
    this.filename = filename;
    this.message = formatOSErrorMessage(21, strerror, filename);
  }
}

export class NotADirectoryError extends OSError {
  filename: string | null;
  constructor(strerror = 'Not a directory', filename: string | null = null) {
    super(20, strerror);
    this.name = 'NotADirectoryError';
    this.filename = filename;
    this.message = formatOSErrorMessage(20, strerror, filename);
  }
}

export class PermissionError extends OSError {
  filename: string | null;
  constructor(errno = 13, strerror = 'Permission denied', filename: string | null = null) {
    super(errno, strerror);
    this.name = 'PermissionError';
    this.filename = filename;
    this.message = formatOSErrorMessage(errno, strerror, filename);
  }
}

function formatOSErrorMessage(errno: number, strerror: string, filename: string | null): string {
  const base = `[Errno ${errno}] ${strerror}`;
  return filename === null ? base : `${base}: '${filename}'`;
}

/**
 * Python's socket-level OSError subclasses, for connection failures. `code` keeps node's
 * error code ('ECONNREFUSED', ...) next to Python's errno; messages read `[Errno N] text`.
 */
export class ConnectionError extends OSError {
  code: string | undefined;
  constructor(errno: number, strerror: string, code?: string) {
    super(errno, strerror);
    this.name = 'ConnectionError';
    this.code = code;
    this.message = formatOSErrorMessage(errno, strerror, null);
  }
}

/** Python's `BrokenPipeError (errno 32, EPIPE)`. */
export class BrokenPipeError extends ConnectionError {
  constructor(strerror = 'Broken pipe', code = 'EPIPE') {
    super(32, strerror, code);
    this.name = 'BrokenPipeError';
  }
}

/** Python's `ConnectionAbortedError (errno 103)`. */
export class ConnectionAbortedError extends ConnectionError {
  constructor(strerror = 'Software caused connection abort', code = 'ECONNABORTED') {
    super(103, strerror, code);
    this.name = 'ConnectionAbortedError';
  }
}

/** Python's `ConnectionRefusedError (errno 111, ECONNREFUSED)`. */
export class ConnectionRefusedError extends ConnectionError {
  constructor(strerror = 'Connection refused', code = 'ECONNREFUSED') {
    super(111, strerror, code);
    this.name = 'ConnectionRefusedError';
  }
}

/** Python's `ConnectionResetError (errno 104, ECONNRESET)`. */
export class ConnectionResetError extends ConnectionError {
  constructor(strerror = 'Connection reset by peer', code = 'ECONNRESET') {
    super(104, strerror, code);
    this.name = 'ConnectionResetError';
  }
}
