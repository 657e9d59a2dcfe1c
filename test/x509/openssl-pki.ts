// A throw-away PKI made with the `openssl` command, and `openssl verify` on
// it, for tests that compare our verdicts with OpenSSL's on the same files.
import * as crypto from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyCertificateChain, type VerifyCertificateChainOptions } from '../../src/ssl/verify-chain.js';
import { derToPem, pemBlocks } from '../../src/x509/pem.js';
import { tempDir, verifyCode } from './helpers.js';

export interface Issued {
  /** PEM file of the certificate. */
  pem: string;
  /** PEM file of its private key. */
  key: string;
  der: Uint8Array;
  privateKey: crypto.KeyObject;
}

function run(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

function loaded(dir: string, name: string): Issued {
  const pem = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  return { pem, key, der: pemBlocks(readFileSync(pem, 'utf8'))[0]!, privateKey: crypto.createPrivateKey(readFileSync(key)) };
}

export class OpensslPki {
  readonly dir = tempDir();
  private serial = 1;

  /** A self-signed CA (P-256) with the usual v3_ca extensions. */
  root(name = 'root'): Issued {
    run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`,
      '-out', `${name}.pem`, '-subj', `/CN=${name}`, '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], this.dir);
    return loaded(this.dir, name);
  }

  /**
   * A certificate for `subject` issued by `issuer`, with the extension lines
   * `ext` (openssl x509 -extfile syntax, `DER:` values allowed). `keyArgs`
   * replaces the P-256 key generation (e.g. an explicit-parameters key file).
   */
  issue(issuer: Issued, name: string, subject: string, ext: string[], keyFile?: string): Issued {
    const keyArgs = keyFile ? ['-key', keyFile] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`];
    run(['req', '-new', ...keyArgs, '-out', `${name}.csr`, '-subj', subject], this.dir);
    if (keyFile) writeFileSync(join(this.dir, `${name}.key`), readFileSync(keyFile));
    writeFileSync(join(this.dir, `${name}.ext`), ext.join('\n') + '\n');
    run(['x509', '-req', '-in', `${name}.csr`, '-CA', issuer.pem, '-CAkey', issuer.key, '-set_serial', String(this.serial++),
      '-days', '365', '-extfile', `${name}.ext`, '-out', `${name}.pem`], this.dir);
    return loaded(this.dir, name);
  }

  /** A self-signed end-entity certificate for `subject` with the key in `keyFile`. */
  selfSigned(name: string, subject: string, keyFile: string): Issued {
    writeFileSync(join(this.dir, `${name}.key`), readFileSync(keyFile));
    run(['req', '-x509', '-key', `${name}.key`, '-out', `${name}.pem`, '-subj', subject, '-days', '365'], this.dir);
    return loaded(this.dir, name);
  }

  /** Writes DER certificates to a PEM file in the PKI's directory. */
  write(name: string, ders: Uint8Array[]): string {
    const p = join(this.dir, name);
    writeFileSync(p, ders.map((d) => derToPem(d)).join(''));
    return p;
  }
}

/** An explicit-parameters P-256 key file made with `openssl ecparam -param_enc explicit`. */
export function explicitCurveKey(dir: string): string {
  const p = join(dir, 'explicit.key');
  execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-param_enc', 'explicit', '-genkey', '-noout', '-out', p]);
  return p;
}

export interface VerifyCase {
  leaf: string;
  trusted: string;
  untrusted?: string;
  hostname?: string;
  /** openssl verify flags (e.g. -x509_strict, -partial_chain, -purpose sslserver). */
  args?: string[];
  /** The same settings for verifyCertificateChain. */
  opts?: Partial<VerifyCertificateChainOptions>;
}

/** `openssl verify`'s result code (0 = OK). */
export function opensslCode(c: VerifyCase): number {
  const args = ['verify', '-CAfile', c.trusted, ...(c.args ?? [])];
  if (c.untrusted) args.push('-untrusted', c.untrusted);
  if (c.hostname) args.push('-verify_hostname', c.hostname);
  args.push(c.leaf);
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status === 0) return 0;
  const m = /error (\d+) at \d+ depth lookup/.exec(r.stdout + r.stderr);
  if (!m) throw new Error(`unexpected openssl verify output: ${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

/** Our result code for the same case (0 = OK). */
export function ourCode(c: VerifyCase): number {
  return verifyCode(() => verifyCertificateChain({
    leaf: readFileSync(c.leaf, 'utf8'),
    trusted: readFileSync(c.trusted, 'utf8'),
    intermediates: c.untrusted ? readFileSync(c.untrusted, 'utf8') : undefined,
    hostname: c.hostname,
    ...c.opts,
  }));
}
