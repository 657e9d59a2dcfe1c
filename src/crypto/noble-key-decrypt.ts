// Encrypted private keys for the pure-JavaScript provider, the two forms
// OpenSSL writes: PKCS#8 EncryptedPrivateKeyInfo with PBES2 (PBKDF2 + AES-CBC,
// RFC 8018), and the traditional PEM encryption (Proc-Type: 4,ENCRYPTED with
// a DEK-Info header; the key from OpenSSL's EVP_BytesToKey over MD5). The
// primitives are @noble/*'s; this file only reads the parameters.
import { cbc } from '@noble/ciphers/aes.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';
import { SSLError } from '../errors.js';
import { expect, integerOf, oidOf, parseDer, TAG } from '../x509/asn1.js';

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const PRFS: Readonly<Record<string, CHash>> = {
  '1.2.840.113549.2.7': sha1,
  '1.2.840.113549.2.8': sha224,
  '1.2.840.113549.2.9': sha256,
  '1.2.840.113549.2.10': sha384,
  '1.2.840.113549.2.11': sha512,
};
const AES_CBC: Readonly<Record<string, number>> = {
  '2.16.840.1.101.3.4.1.2': 16,
  '2.16.840.1.101.3.4.1.22': 24,
  '2.16.840.1.101.3.4.1.42': 32,
};
/** OpenSSL's PBKDF2 iteration count goes far beyond what any tool writes; this bounds the work a hostile file can ask for. */
const MAX_ITERATIONS = 10_000_000;

function unsupported(what: string): SSLError {
  return new SSLError(`${what} is not supported by the pure-JavaScript crypto provider`, { library: 'EVP', reason: 'UNSUPPORTED_PRIVATE_KEY_ALGORITHM' });
}

/** PKCS#8 EncryptedPrivateKeyInfo (DER) to the PrivateKeyInfo it holds. Wrong passwords throw. */
export function decryptPkcs8(der: Uint8Array, password: Uint8Array): Uint8Array {
  const top = expect(parseDer(der), TAG.SEQUENCE);
  const alg = expect(top.children[0], TAG.SEQUENCE);
  if (oidOf(alg.children[0]) !== PBES2) throw unsupported('this private key encryption (only PBES2)');
  const params = expect(alg.children[1], TAG.SEQUENCE);
  const kdf = expect(params.children[0], TAG.SEQUENCE);
  const enc = expect(params.children[1], TAG.SEQUENCE);
  if (oidOf(kdf.children[0]) !== PBKDF2) throw unsupported('this key derivation (only PBKDF2)');
  const cipherOid = oidOf(enc.children[0]);
  const keyLength = AES_CBC[cipherOid];
  if (keyLength === undefined) throw unsupported('this key encryption cipher (only AES-CBC)');
  const iv = expect(enc.children[1], TAG.OCTET_STRING).content;
  const kp = expect(kdf.children[1], TAG.SEQUENCE).children;
  const salt = expect(kp[0], TAG.OCTET_STRING).content;
  const iterations = integerOf(kp[1]);
  if (iterations < 1n || iterations > BigInt(MAX_ITERATIONS)) throw new Error('bad PBKDF2 iteration count');
  let prf: CHash = sha1;
  for (const f of kp.slice(2)) {
    if (f.tag === TAG.INTEGER) {
      if (integerOf(f) !== BigInt(keyLength)) throw new Error('PBKDF2 key length does not fit the cipher');
    } else {
      const p = PRFS[oidOf(expect(f, TAG.SEQUENCE).children[0])];
      if (!p) throw unsupported('this PBKDF2 pseudo-random function');
      prf = p;
    }
  }
  const key = pbkdf2(prf, password, salt, { c: Number(iterations), dkLen: keyLength });
  const body = expect(top.children[1], TAG.OCTET_STRING).content;
  return cbc(key, iv).decrypt(body); // PKCS#7 padding checked: a wrong password almost always fails here
}

/** The traditional OpenSSL PEM encryption: `DEK-Info: AES-256-CBC,<iv hex>`; returns the DER inside. */
export function decryptTraditional(dekInfo: string, body: Uint8Array, password: Uint8Array): Uint8Array {
  const m = /^(AES-(128|192|256)-CBC),([0-9A-Fa-f]{32})$/.exec(dekInfo.trim());
  if (!m) throw unsupported(`the PEM encryption "${dekInfo.trim().split(',')[0]}" (only AES-CBC)`);
  const keyLength = Number(m[2]) / 8;
  const iv = Uint8Array.from(m[3]!.match(/../g)!.map((h) => parseInt(h, 16)));
  // EVP_BytesToKey(MD5, salt = the IV's first 8 bytes, one round): D_i = MD5(D_{i-1} || password || salt).
  const salt = iv.subarray(0, 8);
  const key = new Uint8Array(keyLength);
  let prev = new Uint8Array(0);
  for (let done = 0; done < keyLength; ) {
    const input = new Uint8Array(prev.length + password.length + salt.length);
    input.set(prev, 0);
    input.set(password, prev.length);
    input.set(salt, prev.length + password.length);
    prev = md5(input);
    const n = Math.min(prev.length, keyLength - done);
    key.set(prev.subarray(0, n), done);
    done += n;
  }
  return cbc(key, iv).decrypt(body);
}
