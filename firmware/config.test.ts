// Tests of the configuration block: layout, CRC integrity and refusal of corrupt or invalid blocks (S17, S4).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sku, crc16Ccitt } from '../src/protocol/index.js';
import { CONFIG_BLOCK_BYTES, configBlockCrc, decodeConfigBlock, encodeConfigBlock } from './config.js';

const PRO = { sku: Sku.PRO, serialNumber: 0x01020304, leaseMs: 200 } as const;

function withValidCrc(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint16(10, crc16Ccitt(out, 0, 10), false);
  return out;
}

describe('config block', () => {
  it('encodes the documented 12-byte layout', () => {
    const bytes = encodeConfigBlock(PRO);
    const crc = crc16Ccitt(bytes, 0, 10);
    expect(Array.from(bytes)).toEqual([0x4d, 0x50, 1, 2, 0x04, 0x03, 0x02, 0x01, 200, 0, crc >> 8, crc & 0xff]);
    expect(bytes.length).toBe(CONFIG_BLOCK_BYTES);
    expect(configBlockCrc(bytes)).toBe(crc);
  });

  it('round-trips every valid configuration', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(Sku.HOME, Sku.PRO),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 20, max: 2000 }),
        (sku, serialNumber, leaseMs) => {
          expect(decodeConfigBlock(encodeConfigBlock({ sku, serialNumber, leaseMs }))).toEqual({
            sku,
            serialNumber,
            leaseMs,
          });
        },
      ),
      { seed: 17, numRuns: 200 },
    );
  });

  it('S17: any single flipped bit makes the block corrupt', () => {
    const good = encodeConfigBlock(PRO);
    for (let bit = 0; bit < good.length * 8; bit++) {
      const bad = good.slice();
      bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(decodeConfigBlock(bad)).toBeNull();
    }
  });

  it('S17: a wrong size, blank or erased block is corrupt', () => {
    const good = encodeConfigBlock(PRO);
    expect(decodeConfigBlock(good.subarray(0, 11))).toBeNull();
    expect(decodeConfigBlock(new Uint8Array(13))).toBeNull();
    expect(decodeConfigBlock(new Uint8Array(0))).toBeNull();
    expect(decodeConfigBlock(new Uint8Array(12))).toBeNull();
    expect(decodeConfigBlock(new Uint8Array(12).fill(0xff))).toBeNull();
  });

  it('S4: a block with a valid CRC but an unknown sku, bad lease, magic or layout is refused', () => {
    const good = encodeConfigBlock(PRO);
    const patch = (offset: number, value: number): Uint8Array => {
      const bytes = good.slice();
      bytes[offset] = value;
      return withValidCrc(bytes);
    };
    expect(decodeConfigBlock(patch(3, 0))).toBeNull();
    expect(decodeConfigBlock(patch(3, 3))).toBeNull();
    expect(decodeConfigBlock(patch(8, 19))).toBeNull();
    expect(decodeConfigBlock(patch(9, 0x08))).toBeNull();
    expect(decodeConfigBlock(patch(0, 0x4e))).toBeNull();
    expect(decodeConfigBlock(patch(2, 2))).toBeNull();
    expect(decodeConfigBlock(patch(8, 20))).toEqual({ ...PRO, leaseMs: 20 });
  });

  it('S4: encoding refuses values it could not store faithfully', () => {
    expect(() => encodeConfigBlock({ ...PRO, sku: 3 as never })).toThrow(RangeError);
    expect(() => encodeConfigBlock({ ...PRO, serialNumber: -1 })).toThrow(RangeError);
    expect(() => encodeConfigBlock({ ...PRO, serialNumber: 2 ** 32 })).toThrow(RangeError);
    expect(() => encodeConfigBlock({ ...PRO, leaseMs: 0 })).toThrow(RangeError);
    expect(() => encodeConfigBlock({ ...PRO, leaseMs: Number.NaN })).toThrow(RangeError);
    expect(() => encodeConfigBlock({ ...PRO, leaseMs: 2001 })).toThrow(RangeError);
    expect(() => encodeConfigBlock({ ...PRO, leaseMs: 100.5 })).toThrow(RangeError);
  });

  it('reads a block stored at an offset inside a larger buffer', () => {
    const backing = new Uint8Array(20);
    backing.set(encodeConfigBlock(PRO), 5);
    expect(decodeConfigBlock(backing.subarray(5, 17))).toEqual(PRO);
  });
});
