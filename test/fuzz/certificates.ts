// Certificate DER through decodeCertificate() and verifyCertificateChain():
// only SSLError (and ValueError, as in CPython) may come out, within the bound.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SSLError, ValueError } from '../../src/errors.js';
import { decodeCertificate } from '../../src/x509/decode.js';
import { verifyCertificateChain } from '../../src/ssl/verify-chain.js';
import type { Finding } from './conversation.js';

const FIX = fileURLToPath(new URL('../../fixtures/', import.meta.url));

function pemDers(file: string): Buffer[] {
  const text = readFileSync(file, 'latin1');
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

/** Seed certificates: every fixture leaf, intermediate and root. */
export const SEED_CERTS: Buffer[] = [
  ...readdirSync(FIX).filter((f) => f.endsWith('.pem') && !f.includes('chain') && !f.includes('combined')).map((f) => join(FIX, f)),
  ...readdirSync(join(FIX, 'chains')).filter((f) => f.endsWith('.pem') && !f.endsWith('.crl.pem')).map((f) => join(FIX, 'chains', f)),
].flatMap(pemDers);

const INTER = pemDers(FIX + 'inter.pem');
const ROOT = pemDers(FIX + 'ca.pem');
const LEAF = pemDers(FIX + 'leaf-ecdsa-p256.pem')[0]!;

export type CertTarget = 'decode' | 'verify-leaf' | 'verify-intermediate';

export function checkCertificate(der: Uint8Array, target: CertTarget, boundMs: number): Finding[] {
  const findings: Finding[] = [];
  const t0 = process.hrtime.bigint();
  try {
    if (target === 'decode') decodeCertificate(der);
    else if (target === 'verify-leaf') verifyCertificateChain({ leaf: der, intermediates: INTER, trusted: ROOT, hostname: 'localhost' });
    else verifyCertificateChain({ leaf: LEAF, intermediates: [der], trusted: ROOT, hostname: 'localhost' });
  } catch (e) {
    if (!(e instanceof SSLError) && !(e instanceof ValueError)) {
      const err = e as Error;
      findings.push({ kind: 'escape', message: `${target}: ${err?.constructor?.name ?? typeof e} escaped: ${err?.message ?? String(e)}\n${err?.stack ?? ''}` });
    }
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (ms > boundMs) findings.push({ kind: 'slow', message: `${target} took ${ms.toFixed(0)} ms (bound ${boundMs} ms)` });
  return findings;
}
