// node:tls's shapes for what ssl-ts knows in Python's terms: the peer
// certificate object of TLSSocket#getPeerCertificate(), getCipher()'s
// { name, standardName, version }, getEphemeralKeyInfo(), and the codes of
// `authorizationError`. TLSStream uses these so that code written against
// tls.TLSSocket reads the same values from it.

import { X509Certificate } from 'node:crypto';
import type { SSLContext } from '../ssl/context.js';
import { OP_CIPHER_SERVER_PREFERENCE } from '../ssl/constants.js';
import { TLS13_SUITES } from '../tls/cipher-suites.js';
import { SSLCertVerificationError } from '../errors.js';
import type { CipherTuple } from '../ssl/sslobject.js';
import { X509_V } from '../x509/verify-errors.js';

/** node's certificate object (tls.PeerCertificate / DetailedPeerCertificate), built by node itself. */
export type NodePeerCertificate = ReturnType<X509Certificate['toLegacyObject']> & {
  issuerCertificate?: NodePeerCertificate;
};

/**
 * The peer certificate as node:tls reports it: node's own legacy encoding of
 * the leaf, and with `detailed` each certificate linked to its issuer by
 * `issuerCertificate`, as far as the chain goes; a self-signed root points at
 * itself, as in node.
 */
export function nodePeerCertificate(chain: readonly Uint8Array[], detailed: boolean): NodePeerCertificate | Record<string, never> {
  if (chain.length === 0) return {};
  const certs = chain.map((der) => new X509Certificate(der));
  const objects = certs.map((c) => c.toLegacyObject() as NodePeerCertificate);
  if (!detailed) return objects[0]!;
  for (let i = 0; i < objects.length; i++) {
    const cert = certs[i]!;
    if (i + 1 < objects.length && cert.checkIssued(certs[i + 1]!)) objects[i]!.issuerCertificate = objects[i + 1]!;
    else if (cert.checkIssued(cert)) objects[i]!.issuerCertificate = objects[i]!;
    else break;
  }
  return objects[0]!;
}

// RFC names of the TLS 1.2 suites, by OpenSSL name (TLS 1.3 suites have one name).
const STANDARD_NAMES: Record<string, string> = {
  'ECDHE-ECDSA-AES128-GCM-SHA256': 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384': 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384': 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305': 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'ECDHE-RSA-CHACHA20-POLY1305': 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
};

/** node's `tls.TLSSocket#getCipher()` result. */
export interface NodeCipher {
  name: string;
  standardName: string;
  version: string;
}

/** getCipher(): OpenSSL's name, the RFC name and the suite's protocol version. */
export function nodeCipher(cipher: CipherTuple | null): NodeCipher | null {
  if (!cipher) return null;
  const [name, version] = cipher;
  return { name, standardName: STANDARD_NAMES[name] ?? name, version };
}

/** node's `tls.TLSSocket#getEphemeralKeyInfo()` result on a client. */
export interface EphemeralKeyInfo {
  type: 'ECDH';
  name: string;
  size: number;
}

// OpenSSL's names for the groups (node prints these) and EVP_PKEY_bits().
const EPHEMERAL: Record<string, { name: string; size: number }> = {
  x25519: { name: 'X25519', size: 253 },
  x448: { name: 'X448', size: 448 },
  secp256r1: { name: 'prime256v1', size: 256 },
  secp384r1: { name: 'secp384r1', size: 384 },
  secp521r1: { name: 'secp521r1', size: 521 },
};

/** getEphemeralKeyInfo(): the client's view of the key exchange; node gives servers null. */
export function nodeEphemeralKeyInfo(isServer: boolean, group: string | null): EphemeralKeyInfo | Record<string, never> | null {
  if (isServer) return null;
  const g = group ? EPHEMERAL[group] : undefined;
  return g ? { type: 'ECDH', ...g } : {};
}

const X509_V_NAMES = new Map<number, string>(Object.entries(X509_V).map(([k, v]) => [v, k]));

/**
 * `authorizationError` as node sets it: OpenSSL's X509_V_ERR_* name without
 * the prefix, or node's ERR_TLS_CERT_ALTNAME_INVALID for a name mismatch
 * (node checks names itself, after OpenSSL verified the chain).
 */
export function nodeAuthorizationError(e: unknown): string {
  if (e instanceof SSLCertVerificationError) {
    if (e.verifyCode === X509_V.HOSTNAME_MISMATCH || e.verifyCode === X509_V.IP_ADDRESS_MISMATCH) return 'ERR_TLS_CERT_ALTNAME_INVALID';
    return X509_V_NAMES.get(e.verifyCode) ?? 'UNSPECIFIED';
  }
  return e instanceof Error ? e.message : String(e);
}

/** node's cipher options, as TLSStreamOptions has them. */
export interface NodeCipherOptions {
  ciphers?: string;
  ecdhCurve?: string;
  honorCipherOrder?: boolean;
}

/**
 * Apply node's `ciphers` (TLS 1.3 suite names, which start with TLS_, go to
 * the TLS 1.3 list as node does; the rest is an OpenSSL cipher string),
 * `ecdhCurve` ('auto' or group names joined by ':', SSLContext.setGroups) and
 * `honorCipherOrder` to a context.
 */
export function applyNodeCipherOptions(ctx: SSLContext, opts: NodeCipherOptions): void {
  if (opts.ciphers !== undefined) {
    const names = opts.ciphers.split(':').filter((s) => s.length > 0);
    const tls13 = names.filter((s) => s.startsWith('TLS_'));
    const rest = names.filter((s) => !s.startsWith('TLS_'));
    if (tls13.length > 0) {
      const known = new Set(TLS13_SUITES.map((s) => s.name));
      for (const s of tls13) if (!known.has(s)) throw new Error(`unknown TLS 1.3 cipher suite '${s}' in ciphers`);
      ctx._tls13Ciphers = tls13;
    }
    if (rest.length > 0) ctx.setCiphers(rest.join(':'));
  }
  if (opts.ecdhCurve !== undefined && opts.ecdhCurve !== 'auto') ctx.setGroups(opts.ecdhCurve);
  if (opts.honorCipherOrder) ctx.options |= OP_CIPHER_SERVER_PREFERENCE;
}
