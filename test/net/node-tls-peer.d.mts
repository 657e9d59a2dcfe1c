// Types for the helpers node-tls-peer.mjs shares with the tests.
import type { Writable } from 'node:stream';
export function makePattern(): Buffer;
export function matches(pattern: Buffer, chunk: Uint8Array, offset: number): boolean;
export function sendPattern(pattern: Buffer, w: Writable, total: number, done: () => void): void;
