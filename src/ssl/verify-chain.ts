// Certificate verification without a handshake: the function the TLS layer
// uses for peer certificates, exposed with an options object.
import { VerifyFlags, type ASN1Object, Purpose } from './constants.js';
import { SSLCertVerificationError, ValueError } from '../errors.js';
import type { SSLContext } from './context.js';
import { parseCertificate, type Certificate } from '../x509/certificate.js';
import { pemBlocks } from '../x509/pem.js';
import { TrustStore, trustStoreFor } from '../x509/store.js';
import { verifyErrorString, verifyParsed, X509_V, type VerifyOptions } from '../x509/verify.js';

/** ssl-ts only: a certificate as DER bytes or PEM text (a PEM string may hold several). */
export type CertificateInput = Uint8Array | ArrayBufferView | ArrayBuffer | string;

/** Python's `ssl.Purpose.SERVER_AUTH`/`CLIENT_AUTH`, by name or OID. */
export type PurposeInput = ASN1Object | 'serverAuth' | 'clientAuth';

/** ssl-ts only: inputs of `verifyCertificateChain()`. */
export interface VerifyCertificateChainOptions {
  /** The end-entity certificate. */
  leaf: CertificateInput;
  /** Untrusted certificates that may help build the path (any order, extras ignored). */
  intermediates?: CertificateInput | readonly CertificateInput[];
  /** Trust anchors; used together with `context`'s store when both are given. */
  trusted?: CertificateInput | readonly CertificateInput[];
  /** A context whose trust store (cafile/capath/cadata, CRLs), verifyFlags, hostnameChecksCommonName and security level apply. */
  context?: SSLContext;
  /** DNS name (or IP literal) the leaf must be valid for. */
  hostname?: string | null;
  /** IP address the leaf must name in an iPAddress subjectAltName. */
  ip?: string | null;
  /** Purpose.SERVER_AUTH / Purpose.CLIENT_AUTH or 'serverAuth' / 'clientAuth'; omitted: no purpose check. */
  purpose?: PurposeInput | null;
  /** Verification time: a Date, or seconds since the epoch (like certTimeToSeconds()). Default: now. */
  time?: Date | number;
  /** VerifyFlags bits; default the context's verifyFlags, else VERIFY_X509_TRUSTED_FIRST. */
  flags?: number;
  /** Extra CRLs (DER or PEM) for VERIFY_CRL_CHECK_LEAF / _CHAIN. */
  crls?: CertificateInput | readonly CertificateInput[];
  /** Overrides the context's hostnameChecksCommonName (default true, as in Python). */
  hostnameChecksCommonName?: boolean;
  /**
   * Most intermediate certificates allowed between leaf and trust anchor
   * (OpenSSL's verify depth, X509_VERIFY_PARAM_set_depth); default
   * {@link DEFAULT_VERIFY_DEPTH}. Python's SSLContext has no setting for it,
   * so handshakes always use the default.
   */
  maxDepth?: number;
}

/** ssl-ts's own name for OpenSSL's default verify depth (100 intermediates), which Python always uses. */
export const DEFAULT_VERIFY_DEPTH = 100;

function depthOf(v: unknown): number {
  if (v === undefined || v === null) return DEFAULT_VERIFY_DEPTH;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError('maxDepth must be an integer');
  if (v < 0 || v > 0x3fffffff) throw new ValueError('maxDepth must be between 0 and 1073741823');
  return v;
}

function bytesOf(v: Uint8Array | ArrayBufferView | ArrayBuffer): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return new Uint8Array(v);
}

function listOf(v: CertificateInput | readonly CertificateInput[] | undefined | null): CertificateInput[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? [...(v as readonly CertificateInput[])] : [v as CertificateInput];
}

/** DER blocks of one input: raw DER, or every block with `label` in PEM text. */
function dersOf(input: CertificateInput, label: string, what: string): Uint8Array[] {
  if (typeof input === 'string') {
    const blocks = pemBlocks(input, label);
    if (blocks.length === 0) throw new ValueError(`${what}: no PEM ${label} found`);
    return blocks;
  }
  if (input instanceof Uint8Array || ArrayBuffer.isView(input) || input instanceof ArrayBuffer) return [bytesOf(input)];
  throw new TypeError(`${what} must be DER bytes or PEM text`);
}

function certsOf(v: CertificateInput | readonly CertificateInput[] | undefined, what: string): Certificate[] {
  return listOf(v).flatMap((x) => dersOf(x, 'CERTIFICATE', what)).map(parseCertificate);
}

/** 'serverAuth' / 'clientAuth' from Purpose objects or names. */
export function purposeName(p: PurposeInput | null | undefined): 'serverAuth' | 'clientAuth' | undefined {
  if (p === undefined || p === null) return undefined;
  if (p === 'serverAuth' || p === 'clientAuth') return p;
  if (typeof p === 'object' && typeof p.oid === 'string') {
    if (p.oid === Purpose.SERVER_AUTH.oid) return 'serverAuth';
    if (p.oid === Purpose.CLIENT_AUTH.oid) return 'clientAuth';
  }
  throw new ValueError(`unsupported purpose: ${typeof p === 'object' ? p.shortname : String(p)}`);
}

/** The TrustStore of a context: its anchors, CRLs and capath directories. */
export function contextStore(ctx: SSLContext): TrustStore {
  const c = ctx as unknown as { _trusted: Uint8Array[]; _crls?: Uint8Array[]; _capaths?: string[]; _addFromCapath?: (der: Uint8Array) => void };
  const store = trustStoreFor(c._trusted, c._crls ?? [], c._capaths ?? []);
  store.onCapathLoad = c._addFromCapath ? (cert) => c._addFromCapath!(cert.der) : null;
  return store;
}

function contextOptions(ctx: SSLContext | undefined): Pick<VerifyOptions, 'flags' | 'hostnameChecksCommonName' | 'securityLevel' | 'provider'> {
  if (!ctx) return {};
  return {
    flags: ctx.verifyFlags,
    hostnameChecksCommonName: ctx.hostnameChecksCommonName,
    securityLevel: ctx.securityLevel,
    provider: ctx.cryptoProvider,
  };
}

/**
 * ssl-ts only: verifies a certificate chain the way a handshake would, without one.
 * Returns the verified chain (leaf first, trust anchor last) as DER, or
 * throws SSLCertVerificationError carrying OpenSSL's X509_V_ERR code and
 * message. Malformed certificates throw SSLError; bad arguments throw
 * TypeError/ValueError.
 */
export function verifyCertificateChain(opts: VerifyCertificateChainOptions): Uint8Array[] {
  if (!opts || typeof opts !== 'object') throw new TypeError('verifyCertificateChain() takes an options object');
  const leafs = certsOf(opts.leaf, 'leaf');
  if (leafs.length === 0) throw new ValueError('leaf: no certificate');
  const leaf = leafs[0]!;
  const untrusted = [leaf, ...certsOf(opts.intermediates, 'intermediates')];
  const extraTrusted = certsOf(opts.trusted, 'trusted');
  let store: TrustStore;
  if (opts.context) {
    const base = contextStore(opts.context);
    if (extraTrusted.length === 0) store = base;
    else {
      store = new TrustStore([], [], base.capaths);
      for (const c of base.certs) store.addCert(c);
      for (const c of base.crls) store.addCrl(c);
      for (const c of extraTrusted) store.addCert(c);
    }
  } else {
    store = new TrustStore();
    for (const c of extraTrusted) store.addCert(c);
  }
  let time: Date | undefined;
  if (opts.time !== undefined && opts.time !== null) {
    time = typeof opts.time === 'number' ? new Date(opts.time * 1000) : opts.time;
    if (!(time instanceof Date) || Number.isNaN(time.getTime())) throw new TypeError('time must be a Date or seconds since the epoch');
  }
  const base = contextOptions(opts.context);
  const maxDepth = depthOf(opts.maxDepth);
  const crls = listOf(opts.crls).flatMap((x) => dersOf(x, 'X509 CRL', 'crls'));
  const chain = verifyParsed(leaf, untrusted, store, {
    ...base,
    flags: opts.flags ?? base.flags ?? VerifyFlags.VERIFY_X509_TRUSTED_FIRST,
    hostnameChecksCommonName: opts.hostnameChecksCommonName ?? base.hostnameChecksCommonName,
    hostname: opts.hostname ?? null,
    ip: opts.ip ?? null,
    purpose: purposeName(opts.purpose),
    time,
    crls,
    maxDepth,
  });
  return chain.map((c) => new Uint8Array(c.der));
}

/**
 * What the TLS layer calls for a peer's certificate list: the context's
 * store and flags, the expected purpose, and the name to check.
 */
export function verifyPeerChain(
  ctx: SSLContext,
  presented: readonly Uint8Array[],
  opts: { hostname: string | null; purpose: 'serverAuth' | 'clientAuth'; time?: Date },
): Uint8Array[] {
  const certs = presented.map(parseCertificate);
  if (certs.length === 0) {
    const code = X509_V.UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
    throw new SSLCertVerificationError(code, verifyErrorString(code));
  }
  const chain = verifyParsed(certs[0]!, certs, contextStore(ctx), {
    ...contextOptions(ctx),
    hostname: opts.hostname,
    purpose: opts.purpose,
    time: opts.time,
    maxDepth: DEFAULT_VERIFY_DEPTH,
  });
  return chain.map((c) => c.der);
}
