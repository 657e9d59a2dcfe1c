// The error a web page gets for what only a Node-like runtime has (files,
// sockets): OSError with errno ENOSYS, which is what Python raises where a
// platform lacks a system call, and a message naming the in-memory way.
import { OSError } from '../errors.js';

/** Linux's ENOSYS, "Function not implemented". */
export const ENOSYS = 38;

/** `${operation} needs ${what}, and a web page has none; use ${instead} instead`. */
export function notInAPage(operation: string, what: string, instead?: string): OSError {
  const hint = instead ? `; use ${instead} instead` : '';
  return new OSError(ENOSYS, `${operation} needs ${what}, and a web page has none${hint}`);
}
