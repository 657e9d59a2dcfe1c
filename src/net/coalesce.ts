// Coalescing of queued plaintext writes into full TLS records.
//
// A stream that is handed many small writes at once (Writable#_writev) should
// not seal one record per write: each record costs a header, a tag and one
// AEAD setup. coalesce() regroups the chunks so that every buffer it returns
// but the last has a length that is a multiple of the record size; the record
// layer then cuts each buffer into full records. Large chunks are passed on as
// views; only the small pieces that have to share a record are copied.

/** Largest TLS plaintext fragment (RFC 8446 5.1, RFC 5246 6.2.1). */
export const RECORD_PLAINTEXT = 16384;

/** A group of small chunks is copied out once it reaches this size, so one group never grows without bound. */
const MAX_GROUP = 16 * RECORD_PLAINTEXT;

/** Where merged bytes are written: a fresh buffer, or scratch memory the caller reuses. */
export type Allocator = (length: number) => Uint8Array;

const fresh: Allocator = (n) => Buffer.allocUnsafe(n);

function concat(parts: Uint8Array[], length: number, alloc: Allocator): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = alloc(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The bytes of `chunks`, in order, as buffers whose lengths are multiples of
 * `recordSize` except the last one. Merged pieces are written to memory from
 * `alloc`, so a caller that seals them at once can reuse that memory.
 */
export function coalesce(chunks: readonly Uint8Array[], recordSize = RECORD_PLAINTEXT, alloc: Allocator = fresh): Uint8Array[] {
  const out: Uint8Array[] = [];
  let group: Uint8Array[] = [];
  let groupLen = 0;
  const flushGroup = (): void => {
    if (groupLen > 0) out.push(concat(group, groupLen, alloc));
    group = [];
    groupLen = 0;
  };
  for (const chunk of chunks) {
    let rest = chunk;
    if (rest.length === 0) continue;
    if (groupLen > 0) {
      // Bytes that complete the record the group has started.
      const need = (recordSize - (groupLen % recordSize)) % recordSize;
      if (rest.length <= need + recordSize) {
        // Small enough to copy: it joins the group.
        group.push(rest);
        groupLen += rest.length;
        if (groupLen >= MAX_GROUP) {
          // Emit the whole records and keep the unfinished tail as a view.
          const merged = concat(group, groupLen, alloc);
          const cut = groupLen - (groupLen % recordSize);
          out.push(merged.subarray(0, cut));
          group = cut < groupLen ? [merged.subarray(cut)] : [];
          groupLen -= cut;
        }
        continue;
      }
      // Large: top the group up to a record boundary, pass the rest on uncopied.
      if (need > 0) {
        group.push(rest.subarray(0, need));
        groupLen += need;
        rest = rest.subarray(need);
      }
      flushGroup();
    }
    const whole = rest.length - (rest.length % recordSize);
    if (whole > 0) out.push(rest.subarray(0, whole));
    if (whole < rest.length) {
      group.push(rest.subarray(whole));
      groupLen = rest.length - whole;
    }
  }
  flushGroup();
  return out;
}
