// Python's ssl.get_default_verify_paths(): where OpenSSL looks for trusted
// certificates when none are given, and the environment variables that
// override those places.
import { isDirectory, isRegularFile } from '../host/file-system.js';
import { envVar } from '../host/process.js';

/** Python's DefaultVerifyPaths named tuple (field names kept as Python spells them). */
export class DefaultVerifyPaths {
  constructor(
    /** The file actually used: $SSL_CERT_FILE or openssl_cafile, null unless it is a file. */
    readonly cafile: string | null,
    /** The directory actually used: $SSL_CERT_DIR or openssl_capath, null unless it is a directory. */
    readonly capath: string | null,
    readonly openssl_cafile_env: string,
    readonly openssl_cafile: string,
    readonly openssl_capath_env: string,
    readonly openssl_capath: string,
  ) {}

  /** The same text as Python's `repr()` of `ssl.DefaultVerifyPaths`. */
  toString(): string {
    const q = (v: string | null): string => (v === null ? 'None' : `'${v}'`);
    return (
      `DefaultVerifyPaths(cafile=${q(this.cafile)}, capath=${q(this.capath)}, ` +
      `openssl_cafile_env=${q(this.openssl_cafile_env)}, openssl_cafile=${q(this.openssl_cafile)}, ` +
      `openssl_capath_env=${q(this.openssl_capath_env)}, openssl_capath=${q(this.openssl_capath)})`
    );
  }
}

export const CERT_FILE_ENV = 'SSL_CERT_FILE';
export const CERT_DIR_ENV = 'SSL_CERT_DIR';

// OPENSSLDIR of the usual OpenSSL builds: Debian/Ubuntu, Fedora/RHEL,
// Alpine/Arch/SUSE, Homebrew; OpenSSL's own default comes last.
const OPENSSLDIR_CANDIDATES = [
  '/usr/lib/ssl',
  '/etc/pki/tls',
  '/etc/ssl',
  '/opt/homebrew/etc/openssl@3',
  '/usr/local/etc/openssl@3',
];

let opensslDirCache: string | undefined;

/** The OPENSSLDIR the system's OpenSSL was most likely built with. */
export function opensslDir(): string {
  opensslDirCache ??= OPENSSLDIR_CANDIDATES.find(isDirectory) ?? '/usr/local/ssl';
  return opensslDirCache;
}

/** The compiled-in defaults: X509_get_default_cert_file() and X509_get_default_cert_dir(). */
export function opensslDefaultPaths(): { cafile: string; capath: string } {
  const dir = opensslDir();
  return { cafile: `${dir}/cert.pem`, capath: `${dir}/certs` };
}

/** Python's ssl.get_default_verify_paths(): the environment shadows the compiled-in paths. */
export function getDefaultVerifyPaths(): DefaultVerifyPaths {
  const d = opensslDefaultPaths();
  const cafile = envVar(CERT_FILE_ENV) ?? d.cafile;
  const capath = envVar(CERT_DIR_ENV) ?? d.capath;
  return new DefaultVerifyPaths(
    isRegularFile(cafile) ? cafile : null,
    isDirectory(capath) ? capath : null,
    CERT_FILE_ENV,
    d.cafile,
    CERT_DIR_ENV,
    d.capath,
  );
}
