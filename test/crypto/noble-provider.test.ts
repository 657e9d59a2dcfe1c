// The pure-JavaScript provider (src/crypto/noble-provider.ts) checked against
// node:crypto (OpenSSL): every primitive both ways (what one makes, the other
// opens, verifies or agrees with), key import details, certificate chains,
// handshakes between the two providers in one process, and clear errors for
// what the pure-JavaScript provider does not do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nc from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleCrypto } from '../../src/crypto/noble-provider.js';
import { nodeCrypto } from '../../src/crypto/node-provider.js';
import type { CryptoProvider, DigestName, KeyHandle } from '../../src/crypto/provider.js';
import { getDefaultCryptoProvider, setDefaultCryptoProvider } from '../../src/crypto/default-provider.js';
import { SCHEMES } from '../../src/crypto/signature-schemes.js';
import {
  CERT_NONE,
  MemoryBIO,
  PROTOCOL_TLS_CLIENT,
  PROTOCOL_TLS_SERVER,
  SSLCertVerificationError,
  SSLContext,
  SSLError,
  SSLWantReadError,
  TLSVersion,
  ValueError,
  type SSLObject,
} from '../../src/index.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { verifyCertificateChain } from '../../src/ssl/verify-chain.js';
import type { Connection } from '../../src/tls/connection.js';
import { sendKeyUpdate } from '../../src/tls/handshake-connected13.js';

const FIX = new URL('../../fixtures/', import.meta.url).pathname;
const fixture = (name: string): string => readFileSync(FIX + name, 'latin1');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const derLen = (n: number): Buffer => (n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]));
const PROVIDERS: [string, CryptoProvider][] = [
  ['noble', nobleCrypto],
  ['node', nodeCrypto],
];

test('hashes, HMAC and HKDF give node:crypto\'s answers', () => {
  const data = nc.randomBytes(1000);
  const key = nc.randomBytes(40);
  for (const name of ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as DigestName[]) {
    assert.equal(hex(nobleCrypto.digest(name, data)), nc.createHash(name).update(data).digest('hex'), name);
  }
  for (const name of ['sha256', 'sha384', 'sha512'] as const) {
    assert.equal(hex(nobleCrypto.hmac(name, key, data)), nc.createHmac(name, key).update(data).digest('hex'), name);
    assert.equal(hex(nobleCrypto.macKey(name, key).mac([data.subarray(0, 7), data.subarray(7)])), hex(nodeCrypto.hmac(name, key, data)));
    const prk = nobleCrypto.hkdfExtract(name, key, data);
    assert.equal(hex(prk), hex(nodeCrypto.hkdfExtract(name, key, data)));
    for (const len of [12, 32, 48, 100]) {
      assert.equal(hex(nobleCrypto.hkdfExpand(name, prk, data.subarray(0, 20), len)), hex(nodeCrypto.hkdfExpand(name, prk, data.subarray(0, 20), len)));
    }
    const h = nobleCrypto.hash(name);
    h.update(data.subarray(0, 100));
    const fork = h.clone();
    h.update(data.subarray(100));
    assert.equal(hex(h.peek()), nc.createHash(name).update(data).digest('hex'));
    assert.equal(hex(fork.peek()), nc.createHash(name).update(data.subarray(0, 100)).digest('hex'));
  }
});

test('AEADs and AES-CBC: what one provider seals the other opens, tampering fails', () => {
  for (const [name, keyLen] of [['aes-128-gcm', 16], ['aes-256-gcm', 32], ['chacha20-poly1305', 32]] as const) {
    const key = nc.randomBytes(keyLen);
    const nonce = nc.randomBytes(12);
    const aad = nc.randomBytes(13);
    const parts = [nc.randomBytes(5), nc.randomBytes(300)];
    for (const [from, to] of [[nobleCrypto, nodeCrypto], [nodeCrypto, nobleCrypto]]) {
      const sealed = Buffer.concat(from.aead(name, key).seal(nonce, aad, parts, new Uint8Array(0)));
      assert.equal(hex(to.aead(name, key).open(nonce, aad, sealed)!), hex(Buffer.concat(parts)), name);
      sealed[3]! ^= 1;
      assert.equal(to.aead(name, key).open(nonce, aad, sealed), null);
    }
  }
  for (const [name, keyLen] of [['aes-128-cbc', 16], ['aes-256-cbc', 32]] as const) {
    const key = nc.randomBytes(keyLen);
    const iv = nc.randomBytes(16);
    const plain = [nc.randomBytes(32), nc.randomBytes(48)];
    const a = Buffer.concat(nobleCrypto.cbc(name, key).encrypt(iv, plain));
    const b = Buffer.concat(nodeCrypto.cbc(name, key).encrypt(iv, plain));
    assert.equal(hex(a), hex(b), name);
    assert.equal(hex(nobleCrypto.cbc(name, key).decrypt(iv, b)), hex(Buffer.concat(plain)));
  }
});

test('key shares agree across providers for every group, and bad peer values are refused', () => {
  for (const group of [0x1d, 0x1e, 0x17, 0x18, 0x19]) {
    const a = nobleCrypto.keyShare(group);
    const b = nodeCrypto.keyShare(group);
    assert.equal(a.publicKey.length, b.publicKey.length);
    assert.equal(hex(a.derive(b.publicKey)!), hex(b.derive(a.publicKey)!), `group 0x${group.toString(16)}`);
    assert.equal(a.derive(b.publicKey.subarray(1)), null);
    const bad = Uint8Array.from(b.publicKey);
    if (group >= 0x17 && group <= 0x19) {
      bad[bad.length - 1]! ^= 1; // off the curve
      assert.equal(a.derive(bad), null);
    } else {
      assert.equal(a.derive(new Uint8Array(b.publicKey.length)), null, 'a small-order value gives the all-zero secret');
    }
  }
  // X25519MLKEM768 both ways: ML-KEM from @noble/post-quantum, X25519 from each provider.
  for (const [client, server] of [[nobleCrypto, nodeCrypto], [nodeCrypto, nobleCrypto]]) {
    const share = client.keyShare(0x11ec);
    const answer = server.acceptKeyShare(0x11ec, share.publicKey)!;
    assert.equal(hex(share.derive(answer.publicKey)!), hex(answer.secret));
  }
  assert.equal(nobleCrypto.supportsGroup(0x0100), false, 'no ffdhe in the pure-JavaScript provider');
  assert.equal(nobleCrypto.supportsFiniteFieldDh, false);
  assert.throws(() => nobleCrypto.finiteFieldDh(new Uint8Array(256), Uint8Array.of(2)), ValueError);
  assert.throws(() => nobleCrypto.keyShare(0x0100), ValueError);
});

const KEYS: Record<string, { key: string; cert: string; schemes: number[] }> = {
  'ecdsa-p256': { key: 'leaf-ecdsa-p256.key', cert: 'leaf-ecdsa-p256.pem', schemes: [0x0403, 0x0203] },
  'ecdsa-p384': { key: 'leaf-ecdsa-p384.key', cert: 'leaf-ecdsa-p384.pem', schemes: [0x0503] },
  rsa2048: { key: 'leaf-rsa2048.key', cert: 'leaf-rsa2048.pem', schemes: [0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201] },
  ed25519: { key: 'leaf-ed25519.key', cert: 'leaf-ed25519.pem', schemes: [0x0807] },
};

function keysOf(p: CryptoProvider, kind: string): { priv: KeyHandle; pub: KeyHandle } {
  const k = KEYS[kind]!;
  return { priv: p.importPrivateKey({ pem: fixture(k.key) }), pub: parseCertificate(new nc.X509Certificate(fixture(k.cert)).raw).tryPublicKey(p)! };
}

test('keys: the same type and details as node:crypto reads; they match their certificates', () => {
  for (const kind of Object.keys(KEYS)) {
    const noble = keysOf(nobleCrypto, kind);
    const node = keysOf(nodeCrypto, kind);
    for (const which of ['priv', 'pub'] as const) {
      assert.equal(noble[which].asymmetricKeyType, node[which].asymmetricKeyType, kind);
      assert.equal(noble[which].asymmetricKeyDetails?.namedCurve, node[which].asymmetricKeyDetails?.namedCurve, kind);
      assert.equal(noble[which].asymmetricKeyDetails?.modulusLength, node[which].asymmetricKeyDetails?.modulusLength, kind);
      assert.equal(noble[which].type, node[which].type);
    }
    const cert = new nc.X509Certificate(fixture(KEYS[kind]!.cert)).raw;
    assert.equal(nobleCrypto.privateKeyMatchesCertificate(cert, noble.priv), true, kind);
    const other = new nc.X509Certificate(fixture(kind === 'ecdsa-p256' ? 'leaf-ecdsa-p384.pem' : 'leaf-ecdsa-p256.pem')).raw;
    assert.equal(nobleCrypto.privateKeyMatchesCertificate(other, noble.priv), false, kind);
  }
  // A key after certificates in one PEM text (a combined file), found as OpenSSL finds it.
  const combined = fixture('leaf-ecdsa-p256.pem') + fixture('leaf-ecdsa-p256.key');
  assert.equal(nobleCrypto.importPrivateKey({ pem: combined }).asymmetricKeyDetails?.namedCurve, 'prime256v1');
  // SEC1 and PKCS#1 forms, as OpenSSL writes them.
  const ec = nc.createPrivateKey(fixture('leaf-ecdsa-p256.key'));
  const sec1 = nobleCrypto.importPrivateKey({ pem: ec.export({ type: 'sec1', format: 'pem' }) as string });
  assert.equal(sec1.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  const rsa = nc.createPrivateKey(fixture('leaf-rsa2048.key'));
  const pkcs1 = nobleCrypto.importPrivateKey({ der: rsa.export({ type: 'pkcs1', format: 'der' }), format: 'pkcs1' });
  assert.equal(pkcs1.asymmetricKeyDetails?.modulusLength, 2048);
  // RSA keys past OpenSSL's bounds are not loaded (a hostile certificate cannot ask for unbounded work).
  const spki = (n: string, e: string) => {
    const int = (hex: string) => { const b = Buffer.from(hex, 'hex'); return Buffer.concat([Buffer.from([0x02]), derLen(b.length), b]); };
    const seq = (...parts: Buffer[]) => { const b = Buffer.concat(parts); return Buffer.concat([Buffer.from([0x30]), derLen(b.length), b]); };
    const rsaKey = seq(int(n), int(e));
    const bits = Buffer.concat([Buffer.from([0x03]), derLen(rsaKey.length + 1), Buffer.from([0]), rsaKey]);
    return seq(Buffer.from('300d06092a864886f70d0101010500', 'hex'), bits);
  };
  const odd = (bytes: number) => '00' + 'c'.repeat(bytes * 2 - 2) + '01';
  assert.equal(nobleCrypto.importPublicKey(spki(odd(512), '010001'))?.asymmetricKeyDetails?.modulusLength, 4096);
  assert.equal(nobleCrypto.importPublicKey(spki(odd(2049), '010001')), null, 'over 16384 bits');
  assert.equal(nobleCrypto.importPublicKey(spki(odd(512), '01' + '00'.repeat(9) + '01')), null, 'a 73-bit exponent with a 4096-bit modulus');
  // A key made by one provider is refused by the other, clearly.
  assert.throws(() => nodeCrypto.sign(0x0403, sec1, new Uint8Array(1)), /not imported by the node:crypto provider/);
  assert.throws(() => nobleCrypto.sign(0x0403, ec, new Uint8Array(1)), /not imported by the pure-JavaScript crypto provider/);
});

test('signatures: every TLS scheme, made by one provider and checked by the other', () => {
  const data = nc.randomBytes(200);
  for (const kind of Object.keys(KEYS)) {
    const noble = keysOf(nobleCrypto, kind);
    const node = keysOf(nodeCrypto, kind);
    for (const scheme of KEYS[kind]!.schemes) {
      const label = `${kind} 0x${scheme.toString(16)}`;
      assert.ok(nobleCrypto.supportsScheme(scheme, 'sign') && nobleCrypto.supportsScheme(scheme, 'verify'), label);
      const byNoble = nobleCrypto.sign(scheme, noble.priv, data);
      const byNode = nodeCrypto.sign(scheme, node.priv, data);
      assert.equal(nodeCrypto.verify(scheme, node.pub, data, byNoble), true, `${label}: node verifies noble's`);
      assert.equal(nobleCrypto.verify(scheme, noble.pub, data, byNode), true, `${label}: noble verifies node's`);
      assert.equal(nobleCrypto.verify(scheme, noble.pub, data, byNoble), true, label);
      const bad = Uint8Array.from(byNode);
      bad[bad.length - 1]! ^= 1;
      assert.equal(nobleCrypto.verify(scheme, noble.pub, data, bad), false, `${label}: tampered`);
      assert.equal(nobleCrypto.verify(scheme, noble.pub, data.subarray(1), byNode), false, `${label}: other data`);
    }
  }
  // Ed448 keys made on the fly: node's signature checks with noble, and the reverse.
  const { privateKey, publicKey } = nc.generateKeyPairSync('ed448');
  const priv = nobleCrypto.importPrivateKey({ pem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string });
  const pub = nobleCrypto.importPublicKey(publicKey.export({ type: 'spki', format: 'der' }))!;
  assert.equal(nobleCrypto.verify(0x0808, pub, data, nc.sign(null, data, privateKey)), true);
  assert.equal(nc.verify(null, data, publicKey, nobleCrypto.sign(0x0808, priv, data)), true);
  // An RSA PKCS#1 v1.5 signature over another digest than the scheme's is refused.
  const rsa = keysOf(nobleCrypto, 'rsa2048');
  const sha1sig = nodeCrypto.sign(0x0201, keysOf(nodeCrypto, 'rsa2048').priv, data);
  assert.equal(nobleCrypto.verify(0x0401, rsa.pub, data, sha1sig), false);
  assert.equal(Object.keys(SCHEMES).every((s) => nobleCrypto.supportsScheme(Number(s), 'verify')), true);
});

test('encrypted private keys: PBES2 PKCS#8 and traditional PEM encryption, as OpenSSL writes them', () => {
  const pw = Buffer.from('somepass');
  for (const [file, plain] of [['leaf-ecdsa-p256.enc-pkcs8.key', 'leaf-ecdsa-p256.key'], ['leaf-rsa2048.enc-trad.key', 'leaf-rsa2048.key']]) {
    const key = nobleCrypto.importPrivateKey({ pem: fixture(file!), passphrase: pw });
    const cert = new nc.X509Certificate(fixture(plain!.replace('.key', '.pem'))).raw;
    assert.equal(nobleCrypto.privateKeyMatchesCertificate(cert, key), true, file);
    assert.throws(() => nobleCrypto.importPrivateKey({ pem: fixture(file!), passphrase: Buffer.from('wrong') }), file);
    assert.throws(() => nobleCrypto.importPrivateKey({ pem: fixture(file!) }), file);
  }
  // Other PBKDF2 hashes and ciphers, made here by node:crypto (OpenSSL).
  const ec = nc.createPrivateKey(fixture('leaf-ecdsa-p256.key'));
  for (const cipher of ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc']) {
    const pem = ec.export({ type: 'pkcs8', format: 'pem', cipher, passphrase: 'pw' }) as string;
    assert.equal(nobleCrypto.importPrivateKey({ pem, passphrase: Buffer.from('pw') }).asymmetricKeyDetails?.namedCurve, 'prime256v1', cipher);
    const trad = ec.export({ type: 'sec1', format: 'pem', cipher, passphrase: 'pw' }) as string;
    assert.equal(nobleCrypto.importPrivateKey({ pem: trad, passphrase: Buffer.from('pw') }).asymmetricKeyDetails?.namedCurve, 'prime256v1', cipher);
  }
  // A cipher without a pure-JavaScript implementation here: a clear EVP error.
  const des = ec.export({ type: 'sec1', format: 'pem', cipher: 'des-ede3-cbc', passphrase: 'pw' }) as string;
  assert.throws(
    () => nobleCrypto.importPrivateKey({ pem: des, passphrase: Buffer.from('pw') }),
    (e: unknown) => e instanceof SSLError && e.library === 'EVP' && e.reason === 'UNSUPPORTED_PRIVATE_KEY_ALGORITHM' && /pure-JavaScript/.test(e.message),
  );
  // Through the context, with a password, as Python's load_cert_chain(password=...).
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.cryptoProvider = nobleCrypto;
  ctx.loadCertChain(FIX + 'leaf-ecdsa-p256.pem', FIX + 'leaf-ecdsa-p256.enc-pkcs8.key', 'somepass');
  assert.throws(() => ctx.loadCertChain(FIX + 'leaf-ecdsa-p256.pem', FIX + 'leaf-ecdsa-p256.enc-pkcs8.key', 'nope'), SSLError);
});

test('certificate chains verify on the pure-JavaScript provider: RSA, ECDSA and RSA-PSS signatures; tampering is caught', () => {
  const pem = (f: string) => [...fixture(f).matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => new nc.X509Certificate(m[0]).raw);
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.cryptoProvider = nobleCrypto;
  ctx.loadVerifyLocations({ cafile: FIX + 'ca.pem' });
  for (const kind of ['ecdsa-p256', 'ecdsa-p384', 'rsa2048', 'ed25519']) {
    const [leaf, ...rest] = pem(`leaf-${kind}-chain.pem`);
    const chain = verifyCertificateChain({ leaf: leaf!, intermediates: rest, context: ctx, hostname: 'localhost' });
    assert.equal(chain.length, 3, kind);
  }
  const [leaf, inter] = pem('leaf-ecdsa-p256-chain.pem');
  const tampered = Uint8Array.from(leaf!);
  tampered[tampered.length - 1]! ^= 1;
  assert.throws(
    () => verifyCertificateChain({ leaf: tampered, intermediates: [inter!], context: ctx, hostname: 'localhost' }),
    (e: unknown) => e instanceof SSLCertVerificationError && e.verifyCode === 7,
  );
  // RSA-PSS: a CA and a leaf signed with PSS, made here by the openssl command.
  const dir = mkdtempSync(join(tmpdir(), 'ssl-ts-pss-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=PSS CA', '-days', '30',
    '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-sha256', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost\n');
  run('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '30',
    '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-sha256', '-extfile', 'ext.cnf');
  const pssCa = new nc.X509Certificate(readFileSync(join(dir, 'ca.pem'))).raw;
  const pssLeaf = new nc.X509Certificate(readFileSync(join(dir, 'leaf.pem'))).raw;
  assert.match(parseCertificate(pssLeaf).signatureAlgorithmOid, /^1\.2\.840\.113549\.1\.1\.10$/);
  const pssCtx = new SSLContext(PROTOCOL_TLS_CLIENT);
  pssCtx.cryptoProvider = nobleCrypto;
  pssCtx.loadVerifyLocations({ cadata: pssCa });
  assert.equal(verifyCertificateChain({ leaf: pssLeaf, context: pssCtx, hostname: 'localhost' }).length, 2);
  const badPss = Uint8Array.from(pssLeaf);
  badPss[badPss.length - 2]! ^= 1;
  assert.throws(() => verifyCertificateChain({ leaf: badPss, context: pssCtx, hostname: 'localhost' }), SSLCertVerificationError);
});

interface Side {
  provider: CryptoProvider;
  cert?: string;
}

function drive(client: SSLObject, server: SSLObject, bios: MemoryBIO[]): void {
  const [ci, co, si, so] = bios as [MemoryBIO, MemoryBIO, MemoryBIO, MemoryBIO];
  let cDone = false;
  let sDone = false;
  for (let i = 0; i < 20 && !(cDone && sDone); i++) {
    try {
      client.doHandshake();
      cDone = true;
    } catch (e) {
      if (!(e instanceof SSLWantReadError)) throw e;
    }
    si.write(co.read());
    try {
      server.doHandshake();
      sDone = true;
    } catch (e) {
      if (!(e instanceof SSLWantReadError)) throw e;
    }
    ci.write(so.read());
  }
  assert.ok(cDone && sDone, 'handshake did not finish');
}

function handshake(c: Side, s: Side, tweak: (client: SSLContext, server: SSLContext) => void = () => {}) {
  const sctx = new SSLContext(PROTOCOL_TLS_SERVER);
  sctx.cryptoProvider = s.provider;
  const kind = s.cert ?? 'ecdsa-p256';
  sctx.loadCertChain(FIX + `leaf-${kind}-chain.pem`, FIX + `leaf-${kind}.key`);
  const cctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  cctx.cryptoProvider = c.provider;
  cctx.loadVerifyLocations({ cafile: FIX + 'ca.pem' });
  tweak(cctx, sctx);
  const bios = [new MemoryBIO(), new MemoryBIO(), new MemoryBIO(), new MemoryBIO()];
  const client = cctx.wrapBio(bios[0]!, bios[1]!, { serverHostname: 'localhost' });
  const server = sctx.wrapBio(bios[2]!, bios[3]!, { serverSide: true });
  drive(client, server, bios);
  client.write(Buffer.from('ping'));
  bios[2]!.write(bios[1]!.read());
  assert.equal(Buffer.from(server.read(100)).toString(), 'ping');
  server.write(Buffer.alloc(40000, 7));
  bios[0]!.write(bios[3]!.read());
  let got = 0;
  while (got < 40000) got += client.read(65536).length;
  return { client, server, cctx, sctx, bios };
}

test('handshakes between the providers, both directions, both versions, every certificate kind', () => {
  for (const [cn, cp] of PROVIDERS) {
    for (const [sn, sp] of PROVIDERS) {
      if (cp === nodeCrypto && sp === nodeCrypto) continue;
      for (const cert of ['ecdsa-p256', 'ecdsa-p384', 'rsa2048', 'ed25519']) {
        for (const version of [TLSVersion.TLSv1_3, TLSVersion.TLSv1_2]) {
          const label = `${cn} client, ${sn} server, ${cert}, ${version === TLSVersion.TLSv1_3 ? '1.3' : '1.2'}`;
          if (cert === 'ed25519' && version === TLSVersion.TLSv1_2) continue; // no EdDSA TLS 1.2 suites by default here
          const { client } = handshake({ provider: cp }, { provider: sp, cert }, (c) => {
            c.maximumVersion = version;
          });
          assert.equal(client.version(), version === TLSVersion.TLSv1_3 ? 'TLSv1.3' : 'TLSv1.2', label);
        }
      }
    }
  }
});

test('cross-provider: groups, TLS 1.2 CBC suites, HelloRetryRequest, resumption, KeyUpdate', () => {
  for (const [cp, sp] of [[nobleCrypto, nodeCrypto], [nodeCrypto, nobleCrypto]] as const) {
    for (const group of ['X25519MLKEM768', 'x25519', 'x448', 'prime256v1', 'secp384r1', 'secp521r1']) {
      const { client } = handshake({ provider: cp }, { provider: sp }, (c, s) => {
        c.setGroups(group);
        s.setGroups(group);
      });
      assert.ok(client.version() === 'TLSv1.3', group);
    }
    // HRR: the client's first share is for a group the server does not take.
    const hrr = handshake({ provider: cp }, { provider: sp }, (_c, s) => s.setGroups('secp384r1'));
    assert.equal(hrr.client.version(), 'TLSv1.3');
    for (const suite of ['ECDHE-ECDSA-AES128-SHA256', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-GCM-SHA256']) {
      const { client } = handshake({ provider: cp }, { provider: sp }, (c, s) => {
        c.maximumVersion = TLSVersion.TLSv1_2;
        c.setCiphers(suite);
        s.setCiphers(suite);
      });
      assert.equal(client.cipher()![0], suite);
    }
    // Resumption with a ticket from the first connection.
    const first = handshake({ provider: cp }, { provider: sp });
    first.client.read(0);
    const bios = [new MemoryBIO(), new MemoryBIO(), new MemoryBIO(), new MemoryBIO()];
    const session = first.client.session;
    assert.ok(session);
    const again = first.cctx.wrapBio(bios[0]!, bios[1]!, { serverHostname: 'localhost', session });
    const server = first.sctx.wrapBio(bios[2]!, bios[3]!, { serverSide: true });
    drive(again, server, bios);
    assert.equal(again.sessionReused, true);
    // KeyUpdate (update_requested) from the client, answered by the server; data flows both ways after.
    const ku = handshake({ provider: cp }, { provider: sp });
    const kb = ku.bios;
    sendKeyUpdate((ku.client as unknown as { conn: Connection }).conn, 1);
    ku.client.write(Buffer.from('after'));
    kb[2]!.write(kb[1]!.read());
    assert.equal(Buffer.from(ku.server.read(100)).toString(), 'after');
    ku.server.write(Buffer.from('back'));
    kb[0]!.write(kb[3]!.read());
    assert.equal(Buffer.from(ku.client.read(100)).toString(), 'back');
  }
});

test('the pure-JavaScript provider offers no DHE suite and no ffdhe group; a DHE-only server fails cleanly', () => {
  assert.throws(
    () =>
      handshake({ provider: nobleCrypto }, { provider: nodeCrypto, cert: 'rsa2048' }, (c, s) => {
        c.maximumVersion = TLSVersion.TLSv1_2;
        c.setCiphers('DHE-RSA-AES128-GCM-SHA256');
        s.setCiphers('DHE-RSA-AES128-GCM-SHA256');
      }),
    (e: unknown) => e instanceof SSLError,
  );
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.cryptoProvider = nobleCrypto;
  ctx.checkHostname = false;
  ctx.verifyMode = CERT_NONE;
  const out = new MemoryBIO();
  const obj = ctx.wrapBio(new MemoryBIO(), out, { serverHostname: 'localhost' });
  assert.throws(() => obj.doHandshake(), SSLWantReadError);
  assert.ok(out.read().length > 0);
  const config = (obj as unknown as { conn: Connection }).conn.config;
  ctx.setGroups(['x25519', 'ffdhe2048']);
  assert.ok(config.groups.length > 0);
  assert.equal(config.groups.some((g) => g >= 0x0100 && g <= 0x0104), false);
  assert.equal(config.tls12Suites.some((s) => s.kx === 'DHE'), false);
  // Groups set to ffdhe only leave nothing to offer: the handshake fails with an SSLError, not a crash.
  const only = new SSLContext(PROTOCOL_TLS_CLIENT);
  only.cryptoProvider = nobleCrypto;
  only.setGroups('ffdhe2048');
  only.minimumVersion = TLSVersion.TLSv1_3;
  assert.throws(() => only.wrapBio(new MemoryBIO(), new MemoryBIO(), { serverHostname: 'localhost' }).doHandshake(), (e: unknown) => e instanceof SSLError && e.reason === 'NO_SUITABLE_KEY_SHARE');
});

test('provider selection: per context and process-wide', () => {
  const before = getDefaultCryptoProvider();
  try {
    setDefaultCryptoProvider(nobleCrypto);
    assert.equal(new SSLContext(PROTOCOL_TLS_CLIENT).cryptoProvider, nobleCrypto);
    setDefaultCryptoProvider(null);
    assert.equal(new SSLContext(PROTOCOL_TLS_CLIENT).cryptoProvider, nodeCrypto, 'null restores the built-in default (node:crypto on Node)');
  } finally {
    setDefaultCryptoProvider(before);
  }
  const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
  ctx.loadCertChain(FIX + 'leaf-ecdsa-p256-chain.pem', FIX + 'leaf-ecdsa-p256.key');
  assert.throws(() => (ctx.cryptoProvider = ctx.cryptoProvider === nobleCrypto ? nodeCrypto : nobleCrypto), ValueError);
  assert.throws(() => (ctx.cryptoProvider = {} as CryptoProvider), TypeError);
});
