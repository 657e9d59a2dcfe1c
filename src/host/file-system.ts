// Every file-system access of ssl-ts, on node:fs. A web page has none: the
// browser build replaces this module with file-system.browser.ts (through
// the "browser" file map of package.json), whose functions raise instead.

import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';

/** A path as node:fs takes it. */
export type FsPath = string | Buffer;

/**
 * Called first by every API that reads or writes files, so that the browser
 * build can refuse it with a message naming `operation` and the in-memory
 * alternative (`instead`). There is a file system here: nothing to do.
 */
export function requireFileSystem(operation: string, instead?: string): void {
  void operation;
  void instead;
}

/** The whole file. Errors are node's (`code` ENOENT, EISDIR, ...), for the caller to map. */
export function readFileBytes(path: FsPath): Buffer {
  return readFileSync(path);
}

/** What a cache keyed on this path needs to notice a change; throws node's error when it is missing. */
export function fileStamp(path: FsPath): { isDirectory: boolean; stamp: string } {
  const st = statSync(path);
  return { isDirectory: st.isDirectory(), stamp: `${st.mtimeMs}:${st.size}:${st.ino}` };
}

/** Whether `path` is a directory (false when it cannot be examined). */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Whether `path` is a regular file (false when it cannot be examined). */
export function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Whether anything exists at `path`. */
export function pathExists(path: string): boolean {
  return existsSync(path);
}

/** `dir` and `name` joined with the platform's separator. */
export function joinPath(dir: string, name: string): string {
  return join(dir, name);
}

/** Opens `path` for appending, creating it; `header` is written when the file is empty. Throws node's error. */
export function prepareAppendFile(path: string, header: string): void {
  const fd = openSync(path, 'a');
  try {
    if (fstatSync(fd).size === 0) writeSync(fd, header);
  } finally {
    closeSync(fd);
  }
}

/** Appends text to a file. */
export function appendToFile(path: string, text: string): void {
  appendFileSync(path, text);
}

/** The errno number of a node error code ('ENOENT' -> 2), or null. */
export function errnoOf(code: string): number | null {
  return (osConstants.errno as Record<string, number>)[code] ?? null;
}
