// Shared helpers for the X.509 tests: fixture access, a small certificate
// builder (asn1js) for crafting unusual encodings, and runners for the
// reference tools (python3's _ssl, the openssl command).
import * as asn1js from 'asn1js';
import * as crypto from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pemBlocks, derToPem } from '../../src/x509/pem.js';
import { SSLCertVerificationError } from '../../src/errors.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

export function fixturePath(name: string): string {
  return join(FIXTURES, name);
}

export function fixtureDers(name: string): Uint8Array[] {
  return pemBlocks(readFileSync(fixturePath(name), 'utf8'));
}

export function fixtureDer(name: string): Uint8Array {
  return fixtureDers(name)[0]!;
}

export function hasTool(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

export const HAVE_PYTHON = hasTool('python3', ['-c', 'import ssl']);
export const HAVE_OPENSSL = hasTool('openssl', ['version']);

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ssl-ts-x509-'));
}

export function writePem(dir: string, name: string, ders: Uint8Array[], extra = ''): string {
  const p = join(dir, name);
  writeFileSync(p, extra + ders.map((d) => derToPem(d)).join(''));
  return p;
}

export type PyDecodeResult = { ok: true; value: unknown } | { ok: false; error: string };

/** Runs CPython's _ssl._test_decode_cert on each path (tuples become lists). */
export function pythonDecode(paths: string[]): PyDecodeResult[] {
  const script = `
import ssl, sys, json
out = []
for p in json.loads(sys.stdin.read()):
    try:
        out.append({"ok": True, "value": ssl._ssl._test_decode_cert(p)})
    except Exception as e:
        out.append({"ok": False, "error": type(e).__name__ + ": " + str(e)})
def enc(o):
    if isinstance(o, bytes):
        return {"__bytes__": o.hex()}
    raise TypeError(type(o))
print(json.dumps(out, default=enc))
`;
  const res = execFileSync('python3', ['-c', script], { input: JSON.stringify(paths) });
  return JSON.parse(res.toString()) as PyDecodeResult[];
}

/** JSON-compatible form of a decoded dict, with bytes as {__bytes__: hex} like pythonDecode. */
export function toJsonish(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? { __bytes__: Buffer.from(x).toString('hex') } : x)));
}

export function certdataDir(): string | null {
  if (!HAVE_PYTHON) return null;
  try {
    const d = execFileSync('python3', ['-c', 'import test,os;print(os.path.dirname(test.__file__))']).toString().trim();
    const cd = join(d, 'certdata');
    return existsSync(cd) ? cd : null;
  } catch {
    return null;
  }
}

/** The X509_V code a verification ends with: 0 when it holds (other errors propagate). */
export function verifyCode(run: () => unknown): number {
  try {
    run();
    return 0;
  } catch (e) {
    if (e instanceof SSLCertVerificationError) return e.verifyCode;
    throw e;
  }
}

export interface OpensslVerdict {
  code: number;
  message: string;
}

/**
 * `openssl verify` on a leaf: returns code 0 on success, else the first
 * reported error. Uses -auth_level 2 and -x509_strict off, like CPython.
 */
export function opensslVerify(opts: {
  caFile: string;
  leaf: string;
  untrusted?: string;
  hostname?: string;
  ip?: string;
  purpose?: 'sslserver' | 'sslclient';
  attime?: Date;
  authLevel?: number;
}): OpensslVerdict {
  const args = ['verify', '-CAfile', opts.caFile, '-auth_level', String(opts.authLevel ?? 2)];
  if (opts.untrusted) args.push('-untrusted', opts.untrusted);
  if (opts.hostname) args.push('-verify_hostname', opts.hostname);
  if (opts.ip) args.push('-verify_ip', opts.ip);
  if (opts.purpose) args.push('-purpose', opts.purpose);
  if (opts.attime) args.push('-attime', String(Math.floor(opts.attime.getTime() / 1000)));
  args.push(opts.leaf);
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  const text = (r.stdout ?? '') + (r.stderr ?? '');
  if (r.status === 0) return { code: 0, message: 'ok' };
  const m = /error (\d+) at \d+ depth lookup: (.*)/.exec(text);
  if (!m) throw new Error(`unexpected openssl output: ${text}`);
  return { code: Number(m[1]), message: m[2]! };
}

// --- certificate builder -------------------------------------------------

export type Asn = asn1js.AsnType;

export function raw(tagClass: number, tagNumber: number, content: Uint8Array): Asn {
  return new asn1js.Primitive({ idBlock: { tagClass, tagNumber }, valueHex: content });
}

export function ctx(tagNumber: number, value: Asn[]): Asn {
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value });
}

export function ctxPrim(tagNumber: number, content: Uint8Array): Asn {
  return raw(3, tagNumber, content);
}

export function seq(...value: Asn[]): Asn {
  return new asn1js.Sequence({ value });
}

export function set(...value: Asn[]): Asn {
  return new asn1js.Set({ value });
}

export function oid(value: string): Asn {
  return new asn1js.ObjectIdentifier({ value });
}

export function str(tag: number, content: Uint8Array | string): Asn {
  return raw(1, tag, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
}

export function utf8(s: string): Asn {
  return str(12, s);
}

export function der(a: Asn): Uint8Array {
  return new Uint8Array(a.toBER(false));
}

export function fromDer(d: Uint8Array): Asn {
  const r = asn1js.fromBER(d);
  if (r.offset === -1) throw new Error('bad test DER');
  return r.result;
}

/** A Name from [[oid, value], ...] RDN lists. */
export function name(...rdns: [string, Asn][][]): Asn {
  return seq(...rdns.map((rdn) => set(...rdn.map(([o, v]) => seq(oid(o), v)))));
}

export function cn(value: string): Asn {
  return name([['2.5.4.3', utf8(value)]]);
}

export function utcTime(text: string): Asn {
  return str(23, Buffer.from(text, 'latin1'));
}

export function genTime(text: string): Asn {
  return str(24, Buffer.from(text, 'latin1'));
}

export function ext(id: string, value: Asn | Uint8Array, critical = false): Asn {
  const v = value instanceof Uint8Array ? value : der(value);
  const parts: Asn[] = [oid(id)];
  if (critical) parts.push(new asn1js.Boolean({ value: true }));
  parts.push(new asn1js.OctetString({ valueHex: v }));
  return seq(...parts);
}

export interface BuildOptions {
  version?: number; // 0-based as encoded; null omits the field
  serial?: Uint8Array;
  issuer?: Asn;
  subject?: Asn;
  notBefore?: Asn;
  notAfter?: Asn;
  extensions?: Asn[];
  key?: crypto.KeyObject; // subject public key
  signWith?: crypto.KeyObject; // issuer private key; default: garbage signature
  sigAlg?: Asn;
  /** Digest for signWith (default sha256; ignored for Ed25519). */
  hash?: string;
}

const SHA256_RSA = () => seq(oid('1.2.840.113549.1.1.11'), new asn1js.Null());
const ECDSA_SHA256 = () => seq(oid('1.2.840.10045.4.3.2'));
const ED25519 = () => seq(oid('1.3.101.112'));

let defaultKey: crypto.KeyObject | null = null;
function someKey(): crypto.KeyObject {
  defaultKey ??= crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  return defaultKey;
}

function sigAlgFor(key: crypto.KeyObject): Asn {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return SHA256_RSA();
    case 'ec':
      return ECDSA_SHA256();
    case 'ed25519':
      return ED25519();
    default:
      throw new Error('unsupported test key');
  }
}

/** Builds (and optionally signs) a certificate from parts. */
export function buildCert(o: BuildOptions = {}): Uint8Array {
  const pub = o.key ?? someKey();
  const spki = fromDer(new Uint8Array(pub.export({ type: 'spki', format: 'der' })));
  const alg = o.sigAlg ?? (o.signWith ? sigAlgFor(o.signWith) : SHA256_RSA());
  const tbsParts: Asn[] = [];
  const version = o.version ?? 2;
  if (version !== 0) tbsParts.push(ctx(0, [new asn1js.Integer({ value: version })]));
  tbsParts.push(raw(1, 2, o.serial ?? new Uint8Array([0x01, 0x23])));
  tbsParts.push(alg);
  tbsParts.push(o.issuer ?? cn('Test Issuer'));
  tbsParts.push(seq(o.notBefore ?? utcTime('250101000000Z'), o.notAfter ?? genTime('20750101000000Z')));
  tbsParts.push(o.subject ?? cn('Test Subject'));
  tbsParts.push(spki);
  if (o.extensions && o.extensions.length > 0) tbsParts.push(ctx(3, [seq(...o.extensions)]));
  const tbs = seq(...tbsParts);
  const tbsDer = der(tbs);
  let sig: Uint8Array;
  if (o.signWith) {
    const k = o.signWith;
    const hash = k.asymmetricKeyType === 'ed25519' ? null : (o.hash ?? 'sha256');
    sig = new Uint8Array(crypto.sign(hash, tbsDer, k));
  } else {
    sig = new Uint8Array(64).fill(0x5a);
  }
  // Reuse the built TBS object rather than re-parsing it (it may be invalid on purpose).
  return der(seq(tbs, alg, new asn1js.BitString({ valueHex: sig })));
}

// --- extension encoders ----------------------------------------------------

const KU_BITS = { digitalSignature: 0, nonRepudiation: 1, keyEncipherment: 2, dataEncipherment: 3, keyAgreement: 4, keyCertSign: 5, cRLSign: 6 } as const;
export type KeyUsageName = keyof typeof KU_BITS;

/** keyUsage with the named bits (critical unless told otherwise). */
export function keyUsage(names: KeyUsageName[], critical = true): Asn {
  let v = 0;
  for (const n of names) v |= 0x8000 >> KU_BITS[n];
  return ext('2.5.29.15', new asn1js.BitString({ valueHex: new Uint8Array([v >> 8, v & 0xff]) }), critical);
}

/** basicConstraints: cA TRUE or absent, an optional pathLenConstraint (critical unless told otherwise). */
export function basicConstraints(ca: boolean, o: { pathLen?: number; critical?: boolean } = {}): Asn {
  const parts: Asn[] = [];
  if (ca) parts.push(new asn1js.Boolean({ value: true }));
  if (o.pathLen !== undefined) parts.push(new asn1js.Integer({ value: o.pathLen }));
  return ext('2.5.29.19', seq(...parts), o.critical ?? true);
}

/** A public key, or a key pair standing for its public half. */
export type PublicKeySource = crypto.KeyObject | { publicKey: crypto.KeyObject };

/** The SHA-1 of the SubjectPublicKeyInfo, as `openssl x509` makes key identifiers. */
export function keyId(k: PublicKeySource): Uint8Array {
  const pub = 'publicKey' in k ? k.publicKey : k;
  return new Uint8Array(crypto.createHash('sha1').update(pub.export({ type: 'spki', format: 'der' })).digest());
}

/** subjectKeyIdentifier of `k`. */
export function ski(k: PublicKeySource, critical = false): Asn {
  return ext('2.5.29.14', new asn1js.OctetString({ valueHex: keyId(k) }), critical);
}

/** authorityKeyIdentifier holding only the keyIdentifier of `k`. */
export function aki(k: PublicKeySource, critical = false): Asn {
  return ext('2.5.29.35', seq(ctxPrim(0, keyId(k))), critical);
}
