// Finite-field Diffie-Hellman for the node:crypto provider: the exponentiation
// and OpenSSL's checks of the peer's value (1 < y < p-1 and, for the safe
// primes OpenSSL knows by name, y^q = 1) are node:crypto's: keys are
// KeyObjects and the secret comes from crypto.diffieHellman().
import * as nc from 'node:crypto';
import type { KeyShare } from './provider.js';
import { autoDhGroup, bitLength, ffdhePrime, leftPad, smallGenerator, stripZeros } from './ffdhe.js';

// ---- minimal DER for DH SubjectPublicKeyInfo (PKCS#3 dhKeyAgreement) ----

const DH_OID = Buffer.from('06092a864886f70d010301', 'hex');

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.of(tag), derLength(body.length), body]);
}

function derInteger(value: Uint8Array): Buffer {
  const v = stripZeros(value);
  return der(0x02, v[0]! & 0x80 ? Buffer.concat([Buffer.of(0), v]) : v);
}

function dhSpki(p: Uint8Array, g: Uint8Array, y: Uint8Array): Buffer {
  const params = der(0x30, derInteger(p), derInteger(g));
  return der(0x30, der(0x30, DH_OID, params), der(0x03, Buffer.of(0), derInteger(y)));
}

/** Read y back out of a DH SubjectPublicKeyInfo: the INTEGER inside the BIT STRING at the end. */
function spkiPublicValue(spki: Buffer): Buffer {
  const read = (off: number): { tag: number; start: number; end: number } => {
    let len = spki[off + 1]!;
    let start = off + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + spki[start + i]!;
      start += n;
    }
    return { tag: spki[off]!, start, end: start + len };
  };
  const outer = read(0);
  const alg = read(outer.start);
  const bits = read(alg.end);
  const int = read(bits.start + 1); // skip the unused-bits byte
  return Buffer.from(stripZeros(spki.subarray(int.start, int.end)));
}

/**
 * One side's ephemeral DH key over (p, g). `publicKey` is minimal big-endian
 * (TLS 1.2 sends it so); derive() returns the secret left-padded to the
 * length of p, or null when OpenSSL rejects the peer's value.
 */
export class DhKeyPair {
  readonly publicKey: Buffer;
  readonly primeLength: number;
  private readonly privateKey: nc.KeyObject;

  constructor(private readonly p: Uint8Array, private readonly g: Uint8Array) {
    const gen = smallGenerator(g);
    if (gen === null) throw new Error('DH generator too large');
    // @types/node lacks the 'dh' overload that node has had since v13.
    const generate = nc.generateKeyPairSync as unknown as (type: 'dh', o: { prime: Buffer; generator: number }) => nc.KeyPairKeyObjectResult;
    const { publicKey, privateKey } = generate('dh', { prime: Buffer.from(p), generator: gen });
    this.privateKey = privateKey;
    this.publicKey = spkiPublicValue(publicKey.export({ type: 'spki', format: 'der' }));
    this.primeLength = stripZeros(p).length;
  }

  derive(peer: Uint8Array): Buffer | null {
    if (bitLength(peer) === 0) return null;
    try {
      const publicKey = nc.createPublicKey({ key: dhSpki(this.p, this.g, peer), format: 'der', type: 'spki' });
      return leftPad(nc.diffieHellman({ privateKey: this.privateKey, publicKey }), this.primeLength);
    } catch {
      return null; // out of range, or outside the prime-order subgroup
    }
  }
}

/** A TLS 1.3 ffdhe key share (RFC 8446 4.2.8.1): values and secret are as long as p. */
export class FfdheShare implements KeyShare {
  readonly publicKey: Uint8Array;
  private readonly dh: DhKeyPair;
  constructor(readonly group: number) {
    this.dh = new DhKeyPair(ffdhePrime(group), Uint8Array.of(2));
    this.publicKey = leftPad(this.dh.publicKey, this.dh.primeLength);
  }
  derive(peer: Uint8Array): Uint8Array | null {
    if (peer.length !== this.dh.primeLength) return null;
    return this.dh.derive(peer);
  }
}

/**
 * OpenSSL 3.0's automatic DH parameters (SSL_CTX_set_dh_auto): sized by the
 * certificate key's security strength, raised to the security level's
 * minimum; OpenSSL 3.0 uses the RFC 3526 / RFC 2409 MODP primes here.
 */
export function autoDhPrime(keySecurityBits: number, securityLevel: number): Buffer {
  return nc.getDiffieHellman(autoDhGroup(keySecurityBits, securityLevel)).getPrime();
}
