// OpenSSL's automatic chain building (ssl_add_cert_chain when SSL_MODE_NO_AUTO_CHAIN is off,
// which Python never sets): a certificate loaded without intermediates is sent with the
// issuers found in its context's verify store, as X509_verify_cert builds the path there
// (errors ignored, trust anchor included). A certificate file that brings its own
// intermediates is sent as loaded. Both roles: a client certificate gets the same treatment.
import { parseCertificate, type Certificate } from '../x509/certificate.js';
import { likelyIssued, selfSigned } from '../x509/issuer-match.js';
import type { CertKeyPair, SSLContext } from './context.js';
import { contextStore, DEFAULT_VERIFY_DEPTH } from './verify-chain.js';

interface Cached {
  trusted: readonly Uint8Array[];
  key: string;
  pair: CertKeyPair;
}

/** Per loaded pair, the chain last built and the store state it was built from. */
const cache = new WeakMap<CertKeyPair, Cached>();

/** X509_STORE_CTX_get1_issuer: among the likely issuers, one valid now if any, else the first. */
function issuerOf(ctx: SSLContext, cert: Certificate, now: number): Certificate | null {
  const candidates = contextStore(ctx)
    .bySubject(cert.issuer)
    .filter((c) => likelyIssued(c, cert));
  return candidates.find((c) => c.notBefore.getTime() <= now && now <= c.notAfter.getTime()) ?? candidates[0] ?? null;
}

function build(ctx: SSLContext, pair: CertKeyPair): CertKeyPair {
  let leaf: Certificate;
  try {
    leaf = parseCertificate(pair.chain[0]!);
  } catch {
    return pair;
  }
  const chain: Certificate[] = [leaf];
  const now = Date.now();
  for (let cur = leaf; !selfSigned(cur) && chain.length <= DEFAULT_VERIFY_DEPTH + 1; ) {
    const next = issuerOf(ctx, cur, now);
    if (!next || chain.some((c) => c.der === next.der || Buffer.compare(c.der, next.der) === 0)) break;
    chain.push(next);
    cur = next;
  }
  if (chain.length === 1) return pair;
  return { chain: [pair.chain[0]!, ...chain.slice(1).map((c) => c.der)], key: pair.key };
}

/** The certificate chains a handshake of this context sends: each loaded leaf-only chain completed from the store. */
export function withAutoChain(ctx: SSLContext, certs: readonly CertKeyPair[]): CertKeyPair[] {
  return certs.map((pair) => {
    if (pair.chain.length !== 1) return pair;
    const key = `${ctx._trusted.length}/${ctx._capaths.join('\0')}`;
    const hit = cache.get(pair);
    if (hit && hit.trusted === ctx._trusted && hit.key === key) return hit.pair;
    const built = build(ctx, pair);
    // A capath lookup may have grown the store while building: key the result by the state after it.
    cache.set(pair, { trusted: ctx._trusted, key: `${ctx._trusted.length}/${ctx._capaths.join('\0')}`, pair: built });
    return built;
  });
}
