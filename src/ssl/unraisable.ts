// Python's sys.unraisablehook for ssl-ts: exceptions raised by user callbacks that the TLS
// engine cannot propagate (the SNI callback, the message callback) are reported here, as
// CPython reports them with PyErr_WriteUnraisable, and the handshake goes on or fails as
// Python's would.

import { writeStderr } from '../host/process.js';

/** ssl-ts's counterpart of the argument of Python's `sys.unraisablehook`. */
export interface UnraisableInfo {
  /** The exception thrown (or made, for a wrong return type). */
  exception: unknown;
  /** The callback or value it came from (Python's `unraisable.object`). */
  object: unknown;
  /** What was running, e.g. 'Exception ignored in' (Python's `err_msg`). */
  errMsg: string;
}

/** ssl-ts's counterpart of Python's `sys.unraisablehook`. */
export type UnraisableHook = (info: UnraisableInfo) => void;

function defaultHook(info: UnraisableInfo): void {
  const what = typeof info.object === 'function' ? `<function ${info.object.name || 'anonymous'}>` : String(info.object);
  const e = info.exception;
  writeStderr(`${info.errMsg}: ${what}\n${e instanceof Error ? (e.stack ?? String(e)) : String(e)}\n`);
}

let hook: UnraisableHook = defaultHook;

/** ssl-ts's counterpart of assigning Python's `sys.unraisablehook`: null restores the default (stderr); returns the previous hook. */
export function setUnraisableHook(h: UnraisableHook | null): UnraisableHook {
  const prev = hook;
  hook = h ?? defaultHook;
  return prev;
}

export function writeUnraisable(exception: unknown, object: unknown, errMsg = 'Exception ignored in'): void {
  try {
    hook({ exception, object, errMsg });
  } catch {
    // A failing hook must not break the handshake either.
  }
}
