// file-system.ts for a web page, which has no file system. The APIs that need
// files call requireFileSystem() first, which raises an OSError (errno
// ENOSYS, as Python raises where a platform lacks a call) naming the
// in-memory API to use instead. The other functions are never reached
// through those APIs; they raise the same error, or answer "nothing there"
// where a missing file is an ordinary outcome.

import { notInAPage } from './not-in-a-page.js';
import type * as NodeFileSystem from './file-system.js';

export type FsPath = NodeFileSystem.FsPath;

function noFileSystem(operation: string, instead?: string): Error {
  return notInAPage(operation, 'a file system', instead);
}

export function requireFileSystem(operation: string, instead?: string): void {
  throw noFileSystem(operation, instead);
}

export function readFileBytes(path: FsPath): Buffer {
  throw noFileSystem(`reading ${String(path)}`);
}

export function fileStamp(path: FsPath): { isDirectory: boolean; stamp: string } {
  throw noFileSystem(`reading ${String(path)}`);
}

export function isDirectory(_path: string): boolean {
  return false;
}

export function isRegularFile(_path: string): boolean {
  return false;
}

export function pathExists(_path: string): boolean {
  return false;
}

export function joinPath(dir: string, name: string): string {
  return `${dir}/${name}`;
}

export function prepareAppendFile(path: string, _header: string): void {
  throw noFileSystem(`writing ${path}`);
}

export function appendToFile(path: string, _text: string): void {
  throw noFileSystem(`writing ${path}`);
}

export function errnoOf(_code: string): number | null {
  return null;
}

// The two modules must stay interchangeable: a missing or differently typed export fails the typecheck here.
const sameShape: typeof NodeFileSystem = {
  requireFileSystem, readFileBytes, fileStamp, isDirectory, isRegularFile, pathExists, joinPath,
  prepareAppendFile, appendToFile, errnoOf,
};
void sameShape;
