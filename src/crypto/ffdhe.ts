// Finite-field Diffie-Hellman: the RFC 7919 ffdhe groups for TLS 1.3 key
// shares, and DHE over server-chosen parameters for TLS 1.2. The
// exponentiation and OpenSSL's checks of the peer's value (1 < y < p-1 and,
// for the safe primes OpenSSL knows by name, y^q = 1) are the provider's
// (node-ffdhe.ts for node:crypto). This file holds the group constants and
// OpenSSL's parameter rules, with no primitive of its own.

/** RFC 7919 Appendix A primes (generator 2), by TLS NamedGroup; the test compares them with OpenSSL's. */
const FFDHE_PRIMES: Record<number, string> = {
  // ffdhe2048
  0x0100: [
    'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9',
    '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935',
    '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb',
    'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61',
    '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa',
    '886b423861285c97ffffffffffffffff',
  ].join(''),
  // ffdhe3072
  0x0101: [
    'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9',
    '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935',
    '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb',
    'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61',
    '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa',
    '886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c',
    'aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d',
    'abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b66c62e37ffffffffffffffff',
  ].join(''),
  // ffdhe4096
  0x0102: [
    'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9',
    '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935',
    '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb',
    'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61',
    '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa',
    '886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c',
    'aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d',
    'abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b669e1ef16e6f52c3164df4fb',
    '7930e9e4e58857b6ac7d5f42d69f6d187763cf1d5503400487f55ba57e31cc7a7135c886efb4318aed6a1e012d9e6832',
    'a907600a918130c46dc778f971ad0038092999a333cb8b7a1a1db93d7140003c2a4ecea9f98d0acc0a8291cdcec97dcf',
    '8ec9b55a7f88a46b4db5a851f44182e1c68a007e5e655f6affffffffffffffff',
  ].join(''),
  // ffdhe6144
  0x0103: [
    'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9',
    '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935',
    '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb',
    'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61',
    '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa',
    '886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c',
    'aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d',
    'abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b669e1ef16e6f52c3164df4fb',
    '7930e9e4e58857b6ac7d5f42d69f6d187763cf1d5503400487f55ba57e31cc7a7135c886efb4318aed6a1e012d9e6832',
    'a907600a918130c46dc778f971ad0038092999a333cb8b7a1a1db93d7140003c2a4ecea9f98d0acc0a8291cdcec97dcf',
    '8ec9b55a7f88a46b4db5a851f44182e1c68a007e5e0dd9020bfd64b645036c7a4e677d2c38532a3a23ba4442caf53ea6',
    '3bb454329b7624c8917bdd64b1c0fd4cb38e8c334c701c3acdad0657fccfec719b1f5c3e4e46041f388147fb4cfdb477',
    'a52471f7a9a96910b855322edb6340d8a00ef092350511e30abec1fff9e3a26e7fb29f8c183023c3587e38da0077d9b4',
    '763e4e4b94b2bbc194c6651e77caf992eeaac0232a281bf6b3a739c1226116820ae8db5847a67cbef9c9091b462d538c',
    'd72b03746ae77f5e62292c311562a846505dc82db854338ae49f5235c95b91178ccf2dd5cacef403ec9d1810c6272b04',
    '5b3b71f9dc6b80d63fdd4a8e9adb1e6962a69526d43161c1a41d570d7938dad4a40e329cd0e40e65ffffffffffffffff',
  ].join(''),
  // ffdhe8192
  0x0104: [
    'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9',
    '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935',
    '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb',
    'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61',
    '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa',
    '886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c',
    'aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d',
    'abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b669e1ef16e6f52c3164df4fb',
    '7930e9e4e58857b6ac7d5f42d69f6d187763cf1d5503400487f55ba57e31cc7a7135c886efb4318aed6a1e012d9e6832',
    'a907600a918130c46dc778f971ad0038092999a333cb8b7a1a1db93d7140003c2a4ecea9f98d0acc0a8291cdcec97dcf',
    '8ec9b55a7f88a46b4db5a851f44182e1c68a007e5e0dd9020bfd64b645036c7a4e677d2c38532a3a23ba4442caf53ea6',
    '3bb454329b7624c8917bdd64b1c0fd4cb38e8c334c701c3acdad0657fccfec719b1f5c3e4e46041f388147fb4cfdb477',
    'a52471f7a9a96910b855322edb6340d8a00ef092350511e30abec1fff9e3a26e7fb29f8c183023c3587e38da0077d9b4',
    '763e4e4b94b2bbc194c6651e77caf992eeaac0232a281bf6b3a739c1226116820ae8db5847a67cbef9c9091b462d538c',
    'd72b03746ae77f5e62292c311562a846505dc82db854338ae49f5235c95b91178ccf2dd5cacef403ec9d1810c6272b04',
    '5b3b71f9dc6b80d63fdd4a8e9adb1e6962a69526d43161c1a41d570d7938dad4a40e329ccff46aaa36ad004cf600c838',
    '1e425a31d951ae64fdb23fcec9509d43687feb69edd1cc5e0b8cc3bdf64b10ef86b63142a3ab8829555b2f747c932665',
    'cb2c0f1cc01bd70229388839d2af05e454504ac78b7582822846c0ba35c35f5c59160cc046fd8251541fc68c9c86b022',
    'bb7099876a460e7451a8a93109703fee1c217e6c3826e52c51aa691e0e423cfc99e9e31650c1217b624816cdad9a95f9',
    'd5b8019488d9c0a0a1fe3075a577e23183f81d4a3f2fa4571efc8ce0ba8a4fe8b6855dfe72b0a66eded2fbabfbe58a30',
    'fafabe1c5d71a87e2f741ef8c1fe86fea6bbfde530677f0d97d11d49f7a8443d0822e506a9f4614e011e2a94838ff88c',
    'd68c8bb7c5c6424cffffffffffffffff',
  ].join(''),
};

export const FFDHE_GROUPS: readonly number[] = [0x0100, 0x0101, 0x0102, 0x0103, 0x0104];

export function isFfdheGroup(group: number): boolean {
  return group in FFDHE_PRIMES;
}

export function ffdhePrime(group: number): Buffer {
  const hex = FFDHE_PRIMES[group];
  if (hex === undefined) throw new Error(`not an ffdhe group: 0x${group.toString(16)}`);
  return Buffer.from(hex, 'hex');
}

/** OpenSSL's BN_security_bits() for a finite-field modulus of `bits` bits (no subgroup order known). */
export function dhSecurityBits(bits: number): number {
  if (bits >= 15360) return 256;
  if (bits >= 7680) return 192;
  if (bits >= 3072) return 128;
  if (bits >= 2048) return 112;
  if (bits >= 1024) return 80;
  return 0;
}

/** Bits of security each OpenSSL security level asks for (SSL_CTX_set_security_level). */
export const SECURITY_LEVEL_BITS: readonly number[] = [0, 80, 112, 128, 192, 256];

/** OpenSSL refuses larger moduli (OPENSSL_DH_MAX_MODULUS_BITS): they only cost CPU. */
export const DH_MAX_MODULUS_BITS = 10000;
const DH_MIN_MODULUS_BITS = 512;

export function bitLength(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

export function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

export function leftPad(b: Uint8Array, length: number): Buffer {
  const v = stripZeros(b);
  const out = Buffer.alloc(Math.max(length, v.length));
  out.set(v, out.length - v.length);
  return out;
}

/** The generator as a JS number, when it is a small one (2 and 5 are what `openssl dhparam` makes). */
export function smallGenerator(g: Uint8Array): number | null {
  const v = stripZeros(g);
  if (v.length > 4) return null;
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n <= 0x7fffffff ? n : null;
}

/**
 * OpenSSL's quick parameter check (p odd and of sane size, 1 < g < p-1) and
 * the security level's minimum size. Returns OpenSSL's reason, or null.
 */
export function checkDhParams(p: Uint8Array, g: Uint8Array, securityLevel: number): 'BAD_DH_VALUE' | 'DH_KEY_TOO_SMALL' | null {
  const bits = bitLength(p);
  if (bits < DH_MIN_MODULUS_BITS || bits > DH_MAX_MODULUS_BITS || (p[p.length - 1]! & 1) === 0) return 'BAD_DH_VALUE';
  const gen = smallGenerator(g);
  // 1 < g < p-1: with p this large, a small g only has to be above 1; we need a small g anyway.
  if (gen === null || gen < 2) return 'BAD_DH_VALUE';
  const need = SECURITY_LEVEL_BITS[Math.max(0, Math.min(5, securityLevel))]!;
  if (dhSecurityBits(bits) < need) return 'DH_KEY_TOO_SMALL';
  return null;
}

/** RFC 5246 8.1.2: the TLS 1.2 DHE premaster secret has its leading zero bytes stripped. */
export function dhePremaster(secret: Uint8Array): Uint8Array {
  let i = 0;
  while (i < secret.length && secret[i] === 0) i++;
  return secret.subarray(i);
}

/** The prime size OpenSSL 3.0 picks for automatic DH parameters (SSL_CTX_set_dh_auto). */
export function autoDhGroup(keySecurityBits: number, securityLevel: number): 'modp18' | 'modp16' | 'modp15' | 'modp14' | 'modp2' {
  const bits = Math.max(keySecurityBits, SECURITY_LEVEL_BITS[Math.max(0, Math.min(5, securityLevel))]!);
  return bits >= 192 ? 'modp18' : bits >= 152 ? 'modp16' : bits >= 128 ? 'modp15' : bits >= 112 ? 'modp14' : 'modp2';
}
