// The node half of the `_ssl` bridge that runs CPython's test_ssl.py against ssl-ts
// (see _ssl.py beside this file and scripts/test-cpython.mjs). A synchronous RPC server on
// stdin/stdout, one JSON object per line: Python asks to create objects, get/set properties
// and call methods; ssl-ts does the work. Callbacks into Python (SNI, _msg_callback, passwords)
// are requests the other way, answered before the call that made them returns. It translates
// names, types and calls only: behaviour stays in ssl-ts.
import { appendFileSync, readSync, writeSync, readFileSync } from 'node:fs';
import * as ssl from '../../src/index.js';
import { decodeCertificate } from '../../src/index.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const objects = new Map<number, object>();
const handles = new WeakMap<object, number>();
let nextHandle = 1;

function handleOf(o: object): number {
  let h = handles.get(o);
  if (h === undefined) {
    h = nextHandle++;
    handles.set(o, h);
    objects.set(h, o);
  }
  return h;
}

function typeName(o: object): string {
  if (o instanceof ssl.SSLContext) return 'SSLContext';
  if (o instanceof ssl.SSLObject) return 'SSLObject';
  if (o instanceof ssl.MemoryBIO) return 'MemoryBIO';
  if (o instanceof ssl.SSLSession) return 'SSLSession';
  return 'object';
}

// ---------------------------------------------------------------- values

function encode(v: unknown, tuples = false): Json {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return { $b: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return tuples ? { $t: v.map((x) => encode(x, true)) } : v.map((x) => encode(x, tuples));
  if (v instanceof ssl.SSLContext || v instanceof ssl.SSLObject || v instanceof ssl.MemoryBIO || v instanceof ssl.SSLSession) {
    return { $h: handleOf(v), $type: typeName(v) };
  }
  if (typeof v === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = encode(x, tuples);
    return out;
  }
  if (typeof v === 'function') {
    const cb = callableIds.get(v);
    return cb !== undefined ? { $cb: cb } : { $h: handleOf(v), $type: 'function' };
  }
  return String(v);
}

function decode(v: Json): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(decode);
  if ('$b' in v) return new Uint8Array(Buffer.from(v.$b as string, 'base64'));
  if ('$h' in v) {
    const o = objects.get(v.$h as number);
    if (!o) throw new TypeError(`stale handle ${v.$h}`);
    return o;
  }
  if ('$cb' in v) return pythonCallable(v.$cb as number);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = decode(x);
  return out;
}

function encodeError(e: unknown): Json {
  const err = e as Error & Record<string, unknown>;
  return {
    type: err?.name ?? 'Error',
    message: String(err?.message ?? e),
    errno: (err?.errno as Json) ?? null,
    strerror: (err?.strerror as Json) ?? null,
    reason: (err?.reason as Json) ?? null,
    library: (err?.library as Json) ?? null,
    verify_code: (err?.verifyCode as Json) ?? null,
    verify_message: (err?.verifyMessage as Json) ?? null,
    filename: (err?.filename as Json) ?? null,
  };
}

// ---------------------------------------------------------------- wire

let inbuf = Buffer.alloc(0);

function readLine(): string {
  for (;;) {
    const nl = inbuf.indexOf(10);
    if (nl >= 0) {
      const line = inbuf.subarray(0, nl).toString('utf8');
      inbuf = inbuf.subarray(nl + 1);
      return line;
    }
    const chunk = Buffer.alloc(1 << 16);
    let n: number;
    try {
      n = readSync(0, chunk, 0, chunk.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw e;
    }
    if (n === 0) process.exit(0);
    inbuf = Buffer.concat([inbuf, chunk.subarray(0, n)]);
  }
}

function send(msg: Json): void {
  const data = Buffer.from(JSON.stringify(msg) + '\n');
  let off = 0;
  while (off < data.length) {
    try {
      off += writeSync(1, data, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

let nextCall = 1;
/** The Python callable behind each function made here, so that getters hand back the same object. */
const callableIds = new WeakMap<object, number>();
const callableById = new Map<number, (...args: unknown[]) => unknown>();

/** A JS function that calls back into Python and waits (serving nested requests) for its answer. */
function pythonCallable(id: number): (...args: unknown[]) => unknown {
  const known = callableById.get(id);
  if (known) return known;
  const f = (...args: unknown[]): unknown => {
    const cid = nextCall++;
    send({ cb: id, cid, args: args.map((a) => encode(a)) });
    for (;;) {
      const msg = JSON.parse(readLine()) as Record<string, Json>;
      if (msg.cid === cid) {
        if (msg.err) {
          const e = new Error(String((msg.err as Record<string, Json>).message));
          e.name = String((msg.err as Record<string, Json>).type);
          throw e;
        }
        return decode(msg.ok ?? null);
      }
      serve(msg);
    }
  };
  Object.defineProperty(f, 'name', { value: `python_callable_${id}` });
  callableIds.set(f, id);
  callableById.set(id, f);
  return f;
}

// ---------------------------------------------------------------- operations

/** Module-level functions of _ssl, by Python name. */
const MODULE: Record<string, (...a: unknown[]) => unknown> = {
  RAND_bytes: (n) => ssl.RAND_bytes(n as number),
  RAND_pseudo_bytes: (n) => ssl.RAND_pseudo_bytes(n as number),
  RAND_status: () => ssl.RAND_status(),
  RAND_add: (d, e) => ssl.RAND_add(d as Uint8Array, e as number),
  _test_decode_cert: (path) => encode(decodeCertificate(readFileSync(path as string, 'latin1')), true),
  _test_decode_cert_der: (der) => encode(decodeCertificate(der as Uint8Array), true),
  // The real _ssl reads the environment of the Python process: hand it over first.
  setenv: (vars) => {
    for (const [k, v] of Object.entries(vars as Record<string, string | null>)) {
      if (v === null) delete process.env[k];
      else process.env[k] = v;
    }
  },
  get_default_verify_paths: () => {
    const p = ssl.getDefaultVerifyPaths();
    return [p.openssl_cafile_env, p.openssl_cafile, p.openssl_capath_env, p.openssl_capath];
  },
  constants: () => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(ssl)) {
      if (/^(OP_|CERT_|VERIFY_|ALERT_DESCRIPTION_|SSL_ERROR_|PROTOCOL_|HAS_|OPENSSL_VERSION)/.test(k) && (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' || Array.isArray(v))) {
        out[k] = v;
      }
    }
    for (const [k, v] of Object.entries(ssl.TLSVersion)) if (typeof v === 'number') out[`PROTO_${k}`] = v;
    out._DEFAULT_CIPHERS = ssl.DEFAULT_CIPHERS;
    return out;
  },
  DER_cert_to_PEM_cert: (der) => ssl.DER_cert_to_PEM_cert(der as Uint8Array),
  asn1ObjectFromOid: (t) => ssl.asn1ObjectFromOid(t as string),
  asn1ObjectFromName: (t) => ssl.asn1ObjectFromName(t as string),
  asn1ObjectFromNid: (n) => ssl.asn1ObjectFromNid(n as number),
  new_SSLContext: (p) => new ssl.SSLContext(p as number),
  new_MemoryBIO: () => new ssl.MemoryBIO(),
};

/** Results CPython builds with tuples inside (certificate dicts, cipher tuples); the outer list stays a list. */
const TUPLE_RESULTS = new Set(['getPeerCert', 'getCaCerts', 'cipher', 'sharedCiphers', 'getCiphers']);
const LIST_RESULTS = new Set(['getCaCerts', 'sharedCiphers', 'getCiphers']);

function serve(msg: Record<string, Json>): void {
  const id = msg.id as number;
  try {
    let result: unknown;
    let tuples = false;
    switch (msg.op) {
      case 'mod': {
        const f = MODULE[msg.name as string];
        if (!f) throw new TypeError(`no module function ${msg.name}`);
        result = f(...(msg.args as Json[]).map(decode));
        if (msg.name === '_test_decode_cert' || msg.name === '_test_decode_cert_der') {
          send({ id, ok: result as Json });
          return;
        }
        break;
      }
      case 'get':
        result = (decode(msg.h as Json) as Record<string, unknown>)[msg.name as string];
        break;
      case 'set':
        (decode(msg.h as Json) as Record<string, unknown>)[msg.name as string] = decode(msg.value as Json);
        result = null;
        break;
      case 'call': {
        const target = decode(msg.h as Json) as Record<string, (...a: unknown[]) => unknown>;
        const name = msg.name as string;
        const args = (msg.args as Json[]).map(decode);
        if (name === '$readInto') {
          // read(len, buffer): the buffer lives in Python; read into one of its size here.
          const buf = new Uint8Array(args[0] as number);
          const n = (target as unknown as ssl.SSLObject).readInto(buf, args[1] as number);
          result = buf.subarray(0, n);
        } else {
          if (typeof target[name] !== 'function') throw new TypeError(`no method ${name}`);
          result = target[name]!(...args);
        }
        tuples = TUPLE_RESULTS.has(name);
        break;
      }
      case 'chdir':
        process.chdir(msg.path as string);
        result = null;
        break;
      case 'del':
        objects.delete(msg.h as number);
        result = null;
        break;
      default:
        throw new TypeError(`unknown op ${String(msg.op)}`);
    }
    const listOut = msg.op === 'call' && LIST_RESULTS.has(msg.name as string) && Array.isArray(result);
    send({ id, ok: listOut ? (result as unknown[]).map((x) => encode(x, tuples)) : encode(result, tuples) });
  } catch (e) {
    send({ id, err: encodeError(e) });
  }
}

// Warnings go to Python as they happen, so that warnings.catch_warnings sees them.
process.removeAllListeners('warning');
process.on('warning', () => {});
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((message: string | Error, type?: unknown) => {
  const text = typeof message === 'string' ? message : message.message;
  const kind = typeof type === 'string' ? type : 'Warning';
  send({ warn: kind, message: text });
}) as typeof process.emitWarning;
void emitWarning;

ssl.setUnraisableHook((info) => send({ unraisable: encodeError(info.exception) }));

const DEBUG = process.env['SSL_TS_BRIDGE_DEBUG'];
for (;;) {
  const line = readLine();
  if (DEBUG) appendFileSync(DEBUG, `> ${line.slice(0, 300)}\n`);
  serve(JSON.parse(line) as Record<string, Json>);
  if (DEBUG) appendFileSync(DEBUG, `< done\n`);
}
