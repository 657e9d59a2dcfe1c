// CBC record protection (record-cbc.ts): round trips in both MAC orders, and
// hostile records built by hand with node:crypto (a correct MAC under bad
// padding, truncated padding, tampering anywhere) all failing the same way.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as nc from 'node:crypto';
import { SSLError } from '../../src/errors.js';
import { CbcProtection, type CbcKeys } from '../../src/tls/record-cbc.js';
import { alertToSend } from '../../src/tls/alert.js';

const VARIANTS: Array<Omit<CbcKeys, 'key' | 'macKey' | 'encryptThenMac'>> = [
  { cipher: 'aes-128-cbc', macHash: 'sha256' },
  { cipher: 'aes-256-cbc', macHash: 'sha384' },
  { cipher: 'aes-256-cbc', macHash: 'sha256' },
];

function keysFor(v: (typeof VARIANTS)[number], etm: boolean): CbcKeys {
  const macLen = v.macHash === 'sha384' ? 48 : 32;
  return { ...v, key: nc.randomBytes(v.cipher === 'aes-128-cbc' ? 16 : 32), macKey: nc.randomBytes(macLen), encryptThenMac: etm };
}

const macLength = (k: CbcKeys): number => (k.macHash === 'sha384' ? 48 : 32);
const HEADER = (type: number, len: number): Buffer => Buffer.from([type, 3, 3, len >> 8, len & 0xff]);

function seqHeader(seq: number, type: number, length: number): Buffer {
  const h = Buffer.alloc(13);
  h.writeUInt32BE(seq, 4);
  h[8] = type;
  h.writeUInt16BE(0x0303, 9);
  h.writeUInt16BE(length, 11);
  return h;
}

/**
 * A MAC-then-encrypt record made by hand: data, its MAC (or `mac`), then
 * `tail` as padding (its last byte is the padding length the receiver reads).
 */
function craftMte(k: CbcKeys, seq: number, data: Buffer, tail: Buffer, mac?: Buffer): { header: Buffer; body: Buffer } {
  const tag = mac ?? nc.createHmac(k.macHash, k.macKey).update(seqHeader(seq, 23, data.length)).update(data).digest();
  const plain = Buffer.concat([data, tag, tail]);
  assert.equal(plain.length % 16, 0, 'crafted plaintext must fill whole blocks');
  const iv = nc.randomBytes(16);
  const c = nc.createCipheriv(k.cipher, k.key, iv).setAutoPadding(false);
  const body = Buffer.concat([iv, c.update(plain), c.final()]);
  return { header: HEADER(23, body.length), body };
}

/** An encrypt-then-MAC record made by hand, with arbitrary `tail` padding under a correct MAC. */
function craftEtm(k: CbcKeys, seq: number, data: Buffer, tail: Buffer): { header: Buffer; body: Buffer } {
  const iv = nc.randomBytes(16);
  const c = nc.createCipheriv(k.cipher, k.key, iv).setAutoPadding(false);
  const ct = Buffer.concat([iv, c.update(Buffer.concat([data, tail])), c.final()]);
  const tag = nc.createHmac(k.macHash, k.macKey).update(seqHeader(seq, 23, ct.length)).update(ct).digest();
  const body = Buffer.concat([ct, tag]);
  return { header: HEADER(23, body.length), body };
}

function padding(len: number, byte = len): Buffer {
  return Buffer.alloc(len + 1, byte);
}

function expectBadMac(f: () => unknown): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof SSLError, String(e));
    assert.equal(e.reason, 'DECRYPTION_FAILED_OR_BAD_RECORD_MAC');
    assert.equal(alertToSend(e), 20, 'bad_record_mac');
    return true;
  });
}

function openWith(k: CbcKeys, rec: { header: Buffer; body: Buffer }): Buffer {
  return Buffer.from(new CbcProtection(k).open(rec.header, rec.body).data);
}

describe('CBC records', () => {
  for (const v of VARIANTS) {
    for (const etm of [false, true]) {
      const label = `${v.cipher}/${v.macHash}${etm ? ' EtM' : ''}`;

      test(`${label}: round trip for every length up to 80, and 16 KiB`, () => {
        const k = keysFor(v, etm);
        const writer = new CbcProtection(k);
        const reader = new CbcProtection(k);
        for (const n of [...Array.from({ length: 81 }, (_, i) => i), 1000, 16383, 16384]) {
          const data = nc.randomBytes(n);
          const pieces = writer.seal(23, data);
          const rec = Buffer.concat(pieces);
          assert.equal(rec.readUInt16BE(3), rec.length - 5);
          assert.equal((rec.length - 5 - (etm ? macLength(k) : 0)) % 16, 0);
          assert.deepEqual(Buffer.from(reader.open(rec.subarray(0, 5), rec.subarray(5)).data), data, `${n} bytes`);
        }
      });

      test(`${label}: every valid padding length (0..255) is accepted`, () => {
        const k = keysFor(v, etm);
        for (let pad = 0; pad < 256; pad++) {
          // Data length chosen so that data + MAC + padding fills whole blocks.
          const macPart = etm ? 0 : macLength(k);
          const n = (64 - ((macPart + pad + 1) % 16)) % 16 + 16;
          const data = Buffer.alloc(n, pad);
          const rec = etm ? craftEtm(k, 0, data, padding(pad)) : craftMte(k, 0, data, padding(pad));
          assert.deepEqual(openWith(k, rec), data, `padding ${pad}`);
        }
      });

      test(`${label}: a padding byte that differs from the length is refused, wherever it is`, () => {
        const k = keysFor(v, etm);
        for (const pad of [1, 15, 31, 100, 255]) {
          for (const at of [0, Math.floor(pad / 2), pad - 1]) {
            const tail = padding(pad);
            tail[at] = tail[at]! ^ 0x01;
            const macPart = etm ? 0 : macLength(k);
            const n = (64 - ((macPart + pad + 1) % 16)) % 16 + 16;
            const rec = etm ? craftEtm(k, 0, Buffer.alloc(n, 7), tail) : craftMte(k, 0, Buffer.alloc(n, 7), tail);
            expectBadMac(() => openWith(k, rec));
          }
        }
      });

      test(`${label}: a padding length longer than the record is refused`, () => {
        const k = keysFor(v, etm);
        // One block of data, a MAC (MtE), and a last byte claiming 255 bytes of padding.
        const macPart = etm ? 0 : macLength(k);
        const tail = Buffer.alloc(16 - (macPart % 16 === 0 ? 0 : macPart % 16) || 16, 255);
        const rec = etm ? craftEtm(k, 0, Buffer.alloc(16, 1), tail) : craftMte(k, 0, Buffer.alloc(16, 1), tail);
        expectBadMac(() => openWith(k, rec));
      });

      test(`${label}: truncated records (last block cut, odd lengths, IV only) are refused`, () => {
        const k = keysFor(v, etm);
        const rec = Buffer.concat(new CbcProtection(k).seal(23, Buffer.alloc(100, 3)));
        const body = rec.subarray(5);
        const cuts = etm
          ? [Buffer.concat([body.subarray(0, body.length - macLength(k) - 16), body.subarray(body.length - macLength(k))]), body.subarray(0, body.length - 1), body.subarray(0, 16 + macLength(k))]
          : [body.subarray(0, body.length - 16), body.subarray(0, body.length - 1), body.subarray(0, 16), body.subarray(0, 32)];
        for (const cut of cuts) expectBadMac(() => new CbcProtection(k).open(HEADER(23, cut.length), cut));
      });

      test(`${label}: a flipped bit anywhere, a wrong type or sequence number is refused`, () => {
        const k = keysFor(v, etm);
        const rec = Buffer.concat(new CbcProtection(k).seal(23, Buffer.alloc(200, 9)));
        for (let i = 5; i < rec.length; i += 7) {
          const bad = Buffer.from(rec);
          bad[i] = bad[i]! ^ 0x80;
          expectBadMac(() => new CbcProtection(k).open(bad.subarray(0, 5), bad.subarray(5)));
        }
        const wrongType = Buffer.from(rec);
        wrongType[0] = 22;
        expectBadMac(() => new CbcProtection(k).open(wrongType.subarray(0, 5), wrongType.subarray(5)));
        const reader = new CbcProtection(k);
        reader.open(rec.subarray(0, 5), rec.subarray(5));
        expectBadMac(() => reader.open(rec.subarray(0, 5), rec.subarray(5))); // a replay: sequence number 1
      });
    }

    test(`${v.cipher}/${v.macHash}: MtE whose padding length reaches into the MAC is refused`, () => {
      const k = keysFor(v, false);
      const macLen = macLength(k);
      // 16 padding bytes that claim more: the receiver would take MAC bytes as padding.
      for (const claim of [16, 20, macLen, macLen + 15, 100, 255]) {
        const data = Buffer.alloc(320 - macLen, 5);
        expectBadMac(() => openWith(k, craftMte(k, 0, data, Buffer.alloc(16, claim))));
      }
    });
  }
});
