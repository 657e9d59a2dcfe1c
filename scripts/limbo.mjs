#!/usr/bin/env node
// x509-limbo report: every server-validation case through verifyCertificateChain()
// with OpenSSL's flags and with VERIFY_X509_WEBPKI, next to OpenSSL 3.0's verdict.
// Usage: node scripts/limbo.mjs [--verbose] | [--import limbo.json [generated-at]]
import { spawnSync } from 'node:child_process';

const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/x509/limbo-harness.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
