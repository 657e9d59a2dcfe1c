// Mutation operators for the fuzzer. Three levels:
// - plain records (mutatePlainRecord): a record the peer is about to encrypt,
//   with its content type; handshake records are cut into messages so lengths
//   and bodies can be corrupted where parsers look;
// - the wire (mutateWire): the peer's bytes as the victim will read them,
//   cut into records so headers can be corrupted, records duplicated, swapped
//   or truncated;
// - DER (mutateDer): a certificate as a tree of TLVs, so that elements can be
//   dropped, duplicated, retagged or resized with every enclosing length kept
//   consistent, plus raw byte damage.
import type { HmacDrbg } from './seeded-entropy.js';

/** Writes one record of `type` (sealed under the peer's current keys when it has them). */
export type Emit = (type: number, data: Uint8Array, padding?: number) => void;

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

function pick<T>(rng: HmacDrbg, xs: readonly T[]): T {
  return xs[rng.below(xs.length)]!;
}

/** Generic byte-level damage shared by the levels. */
export function damageBytes(rng: HmacDrbg, input: Uint8Array): { bytes: Buffer; what: string } {
  const b = Buffer.from(input);
  if (b.length === 0) return { bytes: Buffer.from(rng.generate(1 + rng.below(8))), what: 'fill-empty' };
  switch (rng.below(8)) {
    case 0: {
      const n = 1 + rng.below(4);
      for (let i = 0; i < n; i++) {
        const at = rng.below(b.length);
        b[at] = b[at]! ^ (1 << rng.below(8));
      }
      return { bytes: b, what: `bitflip x${n}` };
    }
    case 1: {
      const at = rng.below(b.length);
      b[at] = pick(rng, INTERESTING);
      return { bytes: b, what: `byte@${at}` };
    }
    case 2: {
      const at = rng.below(b.length + 1);
      const ins = rng.generate(1 + rng.below(16));
      return { bytes: Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]), what: `insert ${ins.length}@${at}` };
    }
    case 3: {
      const at = rng.below(b.length);
      const n = 1 + rng.below(Math.min(16, b.length - at));
      return { bytes: Buffer.concat([b.subarray(0, at), b.subarray(at + n)]), what: `delete ${n}@${at}` };
    }
    case 4: {
      const n = rng.below(b.length);
      return { bytes: b.subarray(0, n), what: `truncate to ${n}` };
    }
    case 5: {
      // A length-like field anywhere: 8, 16 or 24 bits, nudged or set to an extreme.
      const width = 1 + rng.below(3);
      if (b.length < width) return { bytes: b, what: 'length (too short)' };
      const at = rng.below(b.length - width + 1);
      const max = 2 ** (8 * width) - 1;
      const cur = b.readUIntBE(at, width);
      const next = pick(rng, [cur + 1, cur - 1, 0, max, cur * 2, (cur + 0x100) & max]) & max;
      b.writeUIntBE(next >>> 0 > max ? max : Math.max(0, next), at, width);
      return { bytes: b, what: `length${width * 8}@${at} ${cur}->${next}` };
    }
    case 6: {
      const at = rng.below(b.length);
      const n = 1 + rng.below(Math.min(32, b.length - at));
      const copy = b.subarray(at, at + n);
      return { bytes: Buffer.concat([b.subarray(0, at + n), copy, b.subarray(at + n)]), what: `repeat ${n}@${at}` };
    }
    default: {
      const extra = rng.generate(1 + rng.below(64));
      return { bytes: Buffer.concat([b, extra]), what: `append ${extra.length}` };
    }
  }
}

interface HsMessage {
  type: number;
  body: Buffer;
}

/** Cuts handshake data into messages; null when it does not split cleanly. */
function splitHandshake(data: Uint8Array): HsMessage[] | null {
  const out: HsMessage[] = [];
  const b = Buffer.from(data);
  let off = 0;
  while (off + 4 <= b.length) {
    const len = b.readUIntBE(off + 1, 3);
    if (off + 4 + len > b.length) return null;
    out.push({ type: b[off]!, body: b.subarray(off + 4, off + 4 + len) });
    off += 4 + len;
  }
  return off === b.length ? out : null;
}

function joinHandshake(msgs: HsMessage[]): Buffer {
  return Buffer.concat(
    msgs.flatMap((m) => {
      const h = Buffer.alloc(4);
      h[0] = m.type;
      h.writeUIntBE(m.body.length, 1, 3);
      return [h, m.body];
    }),
  );
}

const HANDSHAKE = 22;
const CONTENT_TYPES = [20, 21, 22, 23];

/** Held back by a 'reorder' mutation, written after the next record. */
let heldBack: { type: number; data: Uint8Array } | null = null;

/** Mutate one record the peer writes; returns what was done. */
export function mutatePlainRecord(rng: HmacDrbg, type: number, data: Uint8Array, emit: Emit): string {
  const release = (): void => {
    if (heldBack) {
      const h = heldBack;
      heldBack = null;
      emit(h.type, h.data);
    }
  };
  const op = rng.below(16);
  switch (op) {
    case 15: {
      // A certificate inside a Certificate message, mutated as DER with every enclosing length fixed.
      const msgs = type === HANDSHAKE ? splitHandshake(data) : null;
      const i = msgs ? msgs.findIndex((m) => m.type === 11) : -1;
      if (!msgs || i < 0) break;
      const rebuilt = mutateCertificateMessage(rng, msgs[i]!.body);
      if (!rebuilt) break;
      msgs[i] = { type: 11, body: rebuilt.body };
      emit(type, joinHandshake(msgs));
      release();
      return `Certificate: ${rebuilt.what}`;
    }
    case 0:
    case 1:
    case 2: {
      // Damage inside one handshake message, its framing kept right.
      const msgs = type === HANDSHAKE ? splitHandshake(data) : null;
      if (msgs && msgs.length > 0) {
        const i = rng.below(msgs.length);
        const d = damageBytes(rng, msgs[i]!.body);
        msgs[i] = { type: msgs[i]!.type, body: d.bytes };
        emit(type, joinHandshake(msgs));
        release();
        return `hs[${i}] type ${msgs[i]!.type}: ${d.what}`;
      }
      const d = damageBytes(rng, data);
      emit(type, d.bytes);
      release();
      return `record type ${type}: ${d.what}`;
    }
    case 3: {
      const d = damageBytes(rng, data);
      emit(type, d.bytes);
      release();
      return `record type ${type}: ${d.what}`;
    }
    case 4: {
      // A handshake message type or length replaced.
      const msgs = type === HANDSHAKE ? splitHandshake(data) : null;
      if (!msgs || msgs.length === 0) break;
      const i = rng.below(msgs.length);
      const raw = joinHandshake(msgs);
      let at = 0;
      for (let k = 0; k < i; k++) at += 4 + msgs[k]!.body.length;
      if (rng.below(2) === 0) raw[at] = rng.below(256);
      else raw.writeUIntBE(pick(rng, [0, 1, msgs[i]!.body.length + 1, Math.max(0, msgs[i]!.body.length - 1), 0xffffff, 0x20000]), at + 1, 3);
      emit(type, raw);
      release();
      return `hs[${i}] header damaged`;
    }
    case 5:
      emit(type, data);
      emit(type, data);
      release();
      return `duplicate type ${type}`;
    case 6:
      release();
      return `drop type ${type} (${data.length} bytes)`;
    case 7: {
      // One byte per record.
      for (let i = 0; i < data.length; i++) emit(type, data.subarray(i, i + 1));
      if (data.length === 0) emit(type, data);
      release();
      return `1-byte records type ${type}`;
    }
    case 8: {
      const t = pick(rng, [...CONTENT_TYPES, 24, 0, 255].filter((x) => x !== type));
      emit(t, data);
      release();
      return `content type ${type}->${t}`;
    }
    case 9: {
      const n = pick(rng, [1, 2, 5, 33, 40]);
      const what = pick(rng, ['empty', 'ccs', 'warning', 'empty-app']);
      for (let i = 0; i < n; i++) {
        if (what === 'empty') emit(type, new Uint8Array(0));
        else if (what === 'empty-app') emit(23, new Uint8Array(0));
        else if (what === 'ccs') emit(20, Uint8Array.of(1));
        else emit(21, Uint8Array.of(1, pick(rng, [0, 90, 100, 112, 10])));
      }
      emit(type, data);
      release();
      return `${n} x ${what} before type ${type}`;
    }
    case 10: {
      if (heldBack) break;
      heldBack = { type, data: Buffer.from(data) };
      return `reorder: type ${type} held back`;
    }
    case 11: {
      const level = pick(rng, [1, 2, 0, 3]);
      const desc = rng.below(256);
      emit(21, Uint8Array.of(level, desc));
      emit(type, data);
      release();
      return `alert ${level}/${desc} injected`;
    }
    case 12: {
      // Handshake messages split across records at a random point, or a message split off.
      if (data.length < 2) break;
      const at = 1 + rng.below(data.length - 1);
      emit(type, data.subarray(0, at));
      emit(type, data.subarray(at));
      release();
      return `split type ${type} at ${at}`;
    }
    case 13: {
      const padding = pick(rng, [1, 255, 16384 - data.length, 16385 - data.length, 20000]);
      emit(type, data, Math.max(0, padding));
      release();
      return `padding ${padding}`;
    }
    default: {
      // Handshake messages in an order of their own.
      const msgs = type === HANDSHAKE ? splitHandshake(data) : null;
      if (!msgs || msgs.length < 2) break;
      const i = rng.below(msgs.length - 1);
      [msgs[i], msgs[i + 1]] = [msgs[i + 1]!, msgs[i]!];
      emit(type, joinHandshake(msgs));
      release();
      return `hs[${i}] and hs[${i + 1}] swapped`;
    }
  }
  emit(type, data);
  release();
  return 'none';
}

export function resetPlainMutator(): void {
  heldBack = null;
}

/** Cuts wire bytes into records (the last one may be partial). */
function splitRecords(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  while (off < b.length) {
    const len = off + 5 <= b.length ? b.readUInt16BE(off + 3) : b.length;
    const end = Math.min(b.length, off + 5 + len);
    out.push(b.subarray(off, end));
    off = end;
  }
  return out;
}

export function mutateWire(rng: HmacDrbg, input: Uint8Array): { bytes: Buffer; what: string; eof: boolean } {
  const b = Buffer.from(input);
  const recs = splitRecords(b);
  const i = rng.below(recs.length);
  switch (rng.below(9)) {
    case 0:
    case 1: {
      const d = damageBytes(rng, b);
      return { bytes: d.bytes, what: `wire: ${d.what}`, eof: false };
    }
    case 2: {
      const r = Buffer.from(recs[i]!);
      if (r.length >= 5) r.writeUInt16BE(pick(rng, [0, 1, r.readUInt16BE(3) + 1, Math.max(0, r.readUInt16BE(3) - 1), 0x4000, 0x4001, 0x4100, 0x4101, 0xffff]), 3);
      recs[i] = r;
      return { bytes: Buffer.concat(recs), what: `wire: record ${i} length`, eof: false };
    }
    case 3: {
      const r = Buffer.from(recs[i]!);
      const at = rng.below(Math.min(3, r.length));
      r[at] = at === 0 ? pick(rng, [20, 21, 22, 23, 24, 0x80, 0x16]) : pick(rng, [2, 3, 4, 0, 1, 0xfe]);
      recs[i] = r;
      return { bytes: Buffer.concat(recs), what: `wire: record ${i} header byte ${at}`, eof: false };
    }
    case 4:
      recs.splice(i, 0, recs[i]!);
      return { bytes: Buffer.concat(recs), what: `wire: record ${i} duplicated`, eof: false };
    case 5:
      if (recs.length >= 2 && i + 1 < recs.length) [recs[i], recs[i + 1]] = [recs[i + 1]!, recs[i]!];
      return { bytes: Buffer.concat(recs), what: `wire: records ${i},${i + 1} swapped`, eof: false };
    case 6:
      recs.splice(i, 1);
      return { bytes: Buffer.concat(recs), what: `wire: record ${i} dropped`, eof: false };
    case 7: {
      const n = rng.below(b.length);
      return { bytes: b.subarray(0, n), what: `wire: truncated to ${n}, then EOF`, eof: true };
    }
    default: {
      const r = Buffer.from(recs[i]!);
      const d = damageBytes(rng, r.subarray(5));
      const h = Buffer.from(r.subarray(0, 5));
      if (h.length === 5) h.writeUInt16BE(Math.min(0xffff, d.bytes.length), 3);
      recs[i] = Buffer.concat([h, d.bytes]);
      return { bytes: Buffer.concat(recs), what: `wire: record ${i} body ${d.what}, length fixed`, eof: false };
    }
  }
}

// ---------------------------------------------------------------- DER

interface Tlv {
  tag: Buffer;
  children: Tlv[] | null;
  content: Buffer;
}

function readTlv(b: Buffer, off: number, end: number): { tlv: Tlv; next: number } | null {
  if (off >= end) return null;
  let p = off + 1;
  if ((b[off]! & 0x1f) === 0x1f) {
    while (p < end && b[p]! & 0x80) p++;
    p++;
  }
  if (p >= end) return null;
  const tag = b.subarray(off, p);
  let len = b[p++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || p + n > end) return null;
    len = b.readUIntBE(p, n);
    p += n;
  }
  if (p + len > end) return null;
  const content = b.subarray(p, p + len);
  let children: Tlv[] | null = null;
  if (tag[0]! & 0x20 || tag[0] === 0x04 || tag[0] === 0x03) {
    // Constructed, or an OCTET/BIT STRING that wraps DER (extension values, keys).
    const start = tag[0] === 0x03 ? 1 : 0;
    const kids = parseAll(content, start);
    if (kids) children = kids;
    else if (tag[0]! & 0x20) return null;
  }
  return { tlv: { tag: Buffer.from(tag), children, content: Buffer.from(content) }, next: p + len };
}

function parseAll(b: Buffer, start: number): Tlv[] | null {
  const out: Tlv[] = [];
  let off = start;
  if (b.length - start === 0) return null;
  while (off < b.length) {
    const r = readTlv(b, off, b.length);
    if (!r) return null;
    out.push(r.tlv);
    off = r.next;
  }
  return out;
}

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.of(n);
  const bytes: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function contentOf(t: Tlv): Buffer {
  if (!t.children) return t.content;
  const inner = Buffer.concat(t.children.map(serialize));
  return t.tag[0] === 0x03 ? Buffer.concat([Buffer.of(0), inner]) : inner;
}

function serialize(t: Tlv): Buffer {
  const content = contentOf(t);
  return Buffer.concat([t.tag, encodeLength(content.length), content]);
}

function allNodes(t: Tlv, parent: Tlv | null, out: { node: Tlv; parent: Tlv | null }[]): void {
  out.push({ node: t, parent });
  for (const c of t.children ?? []) allNodes(c, t, out);
}

export function mutateDer(rng: HmacDrbg, der: Uint8Array): { bytes: Buffer; what: string } {
  const root = readTlv(Buffer.from(der), 0, der.length)?.tlv;
  if (!root || rng.below(4) === 0) {
    const d = damageBytes(rng, der);
    return { bytes: d.bytes, what: `der bytes: ${d.what}` };
  }
  const nodes: { node: Tlv; parent: Tlv | null }[] = [];
  allNodes(root, null, nodes);
  const { node, parent } = nodes[rng.below(nodes.length)]!;
  const siblings = parent?.children;
  const idx = siblings ? siblings.indexOf(node) : -1;
  let what: string;
  let op = rng.below(8);
  // Operations on siblings need a parent; those fall back to retagging.
  if (!siblings && (op === 0 || op === 1 || op === 6)) op = 2;
  if (op === 6 && siblings && idx + 1 >= siblings.length) op = 7;
  switch (op) {
    case 0:
      siblings!.splice(idx, 1);
      what = 'drop element';
      break;
    case 1: {
      const n = pick(rng, [1, 1, 2, 100]);
      for (let i = 0; i < n; i++) siblings!.splice(idx, 0, node);
      what = `duplicate element x${n}`;
      break;
    }
    case 2:
      node.tag = Buffer.of(pick(rng, [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x16, 0x17, 0x18, 0x1e, 0x30, 0x31, 0x80, 0x82, 0x87, 0xa0, 0xa3, 0x1f]));
      what = 'retag';
      break;
    case 3:
    case 4: {
      const d = damageBytes(rng, contentOf(node));
      node.children = null;
      node.content = d.bytes;
      what = `content ${d.what}`;
      break;
    }
    case 5:
      node.children = null;
      node.content = Buffer.alloc(0);
      what = 'empty content';
      break;
    case 6:
      [siblings![idx], siblings![idx + 1]] = [siblings![idx + 1]!, siblings![idx]!];
      what = 'swap with next';
      break;
    default:
      node.children = null;
      node.content = Buffer.from(rng.generate(rng.below(40)));
      what = 'random content';
  }
  const out = serialize(root);
  // Sometimes also a raw length byte is off, which re-serializing would hide.
  if (rng.below(6) === 0) {
    const d = damageBytes(rng, out);
    return { bytes: d.bytes, what: `${what} + ${d.what}` };
  }
  return { bytes: out, what };
}

/**
 * Mutates one certificate of a Certificate message body, TLS 1.3 (context,
 * entries with extensions) or TLS 1.2 (bare list) layout, found by which one
 * parses; null when neither does.
 */
function mutateCertificateMessage(rng: HmacDrbg, body: Buffer): { body: Buffer; what: string } | null {
  for (const tls13 of [true, false]) {
    let off = 0;
    const prefix = tls13 ? body.subarray(0, 1 + (body[0] ?? 0)) : Buffer.alloc(0);
    off = prefix.length;
    if (off + 3 > body.length) continue;
    const listLen = body.readUIntBE(off, 3);
    off += 3;
    if (off + listLen !== body.length) continue;
    const entries: { cert: Buffer; ext: Buffer | null }[] = [];
    let ok = true;
    while (off < body.length) {
      if (off + 3 > body.length) { ok = false; break; }
      const n = body.readUIntBE(off, 3);
      const cert = body.subarray(off + 3, off + 3 + n);
      off += 3 + n;
      let ext: Buffer | null = null;
      if (tls13) {
        if (off + 2 > body.length) { ok = false; break; }
        const e = body.readUInt16BE(off);
        ext = body.subarray(off, off + 2 + e);
        off += 2 + e;
      }
      if (off > body.length) { ok = false; break; }
      entries.push({ cert, ext });
    }
    if (!ok || entries.length === 0) continue;
    const k = rng.below(Math.min(entries.length, 2));
    const m = mutateDer(rng, entries[k]!.cert);
    entries[k] = { cert: m.bytes, ext: entries[k]!.ext };
    const list = Buffer.concat(entries.flatMap((e) => {
      const h = Buffer.alloc(3);
      h.writeUIntBE(Math.min(e.cert.length, 0xffffff), 0, 3);
      return e.ext ? [h, e.cert, e.ext] : [h, e.cert];
    }));
    const lh = Buffer.alloc(3);
    lh.writeUIntBE(Math.min(list.length, 0xffffff), 0, 3);
    return { body: Buffer.concat([prefix, lh, list]), what: `cert ${k}: ${m.what}` };
  }
  return null;
}
