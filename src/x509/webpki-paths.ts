// Path search for the WebPKI profile. OpenSSL builds one chain and judges
// it; browsers, rustls-webpki and pyca/cryptography try the other ways up
// from the leaf when one fails (a constrained or distrusted intermediate
// with a good alternative, cross-signed roots). Under VERIFY_X509_WEBPKI,
// when the OpenSSL-built chain fails, verify.ts validates these paths in
// turn. The search is depth-first, bounded in the issuer candidates it looks
// at and in the paths it yields, so a hostile certificate pool cannot make
// it expensive.
import type { Certificate } from './certificate.js';
import { bytesEq, likelyIssued, selfSigned } from './issuer-match.js';
import type { TrustStore } from './store.js';

/** Issuer candidates looked at, over the whole search. */
const CANDIDATE_BUDGET = 512;

export interface PathSearch {
  store: TrustStore;
  /** The peer's certificates (the leaf may be among them). */
  untrusted: readonly Certificate[];
  /** Every store certificate is an anchor (PARTIAL_CHAIN), not only self-signed ones. */
  partial: boolean;
  /**
   * Most intermediates allowed, not counting self-issued ones (as RFC 5280's
   * pathLenConstraint counts; the key-rollover certificates of one CA are
   * one step).
   */
  depth: number;
}

/** Paths from `leaf` to a trust anchor, leaf first and anchor last, shortest first along each branch. */
export function* webpkiPaths(leaf: Certificate, s: PathSearch): Generator<Certificate[]> {
  let budget = CANDIDATE_BUDGET;
  const path: Certificate[] = [leaf];
  const onPath = (c: Certificate): boolean => path.some((p) => p === c || bytesEq(p.der, c.der));

  function* extend(steps: number): Generator<Certificate[]> {
    const cur = path[path.length - 1]!;
    for (const c of s.store.bySubject(cur.issuer)) {
      if (--budget < 0) return;
      if (onPath(c) || !likelyIssued(c, cur)) continue;
      if (s.partial || selfSigned(c)) yield [...path, c];
    }
    for (const c of s.untrusted) {
      if (c.subject.canon !== cur.issuer.canon) continue;
      if (--budget < 0) return;
      if (onPath(c) || !likelyIssued(c, cur)) continue;
      const next = steps + (c.selfIssued ? 0 : 1);
      if (next > s.depth) continue;
      path.push(c);
      yield* extend(next);
      path.pop();
    }
  }
  yield* extend(0);
}
