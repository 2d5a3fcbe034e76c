// Frame codec: round trips for every message, range refusal on encode, total decode on any bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MESSAGES, payloadBytes, type FieldSpec, type MessageName } from './catalog.js';
import { Reason } from './codes.js';
import { crc16Ccitt } from './crc16.js';
import { decodeFrame, encodeFrame, MAX_FRAME_BYTES } from './frame.js';

const names = Object.keys(MESSAGES) as MessageName[];
const fieldValue = (field: FieldSpec): fc.Arbitrary<number> => fc.integer({ min: field.min, max: field.max });
const payloadOf = (name: MessageName): fc.Arbitrary<Record<string, number>> =>
  fc.record(Object.fromEntries(MESSAGES[name].fields.map((field) => [field.name, fieldValue(field)])));

describe('frame codec', () => {
  it('CRC-16/CCITT-FALSE check value of "123456789" is 0x29B1', () => {
    expect(crc16Ccitt(new TextEncoder().encode('123456789'))).toBe(0x29b1);
  });

  it.each(names)('%s round-trips for any in-range payload and seq', (name) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), payloadOf(name), (seq, payload) => {
        const frame = encodeFrame(name, seq, payload as never);
        expect(frame.length).toBe(payloadBytes(MESSAGES[name]) + 6);
        expect(decodeFrame(frame)).toEqual({ ok: true, message: { name, seq, payload } });
      }),
      { seed: 2, numRuns: 200 },
    );
  });

  it('every frame fits in MAX_FRAME_BYTES', () => {
    for (const name of names) expect(payloadBytes(MESSAGES[name]) + 6).toBeLessThanOrEqual(MAX_FRAME_BYTES);
  });

  it.each([NaN, Infinity, -1, 2501, 1.5, Number.MAX_VALUE])(
    'S4: encode refuses depthUm %s with a RangeError',
    (depthUm) => {
      expect(() => encodeFrame('SET_DEPTH', 1, { depthUm })).toThrow(RangeError);
    },
  );

  it('S4: encode refuses a missing field and a string', () => {
    expect(() => encodeFrame('SET_SPEED', 1, {} as never)).toThrow(/strokeHz/);
    expect(() => encodeFrame('SET_SPEED', 1, { strokeHz: '100' as unknown as number })).toThrow(RangeError);
  });

  it('decode rejections carry the exact reason', () => {
    const good = encodeFrame('SET_DEPTH', 5, { depthUm: 100 });
    expect(decodeFrame(good.slice(0, 5))).toEqual({ ok: false, rejection: { reason: Reason.FRAME_TRUNCATED } });
    expect(decodeFrame(new Uint8Array(65))).toEqual({ ok: false, rejection: { reason: Reason.FRAME_OVERSIZE } });
    const badCrc = good.slice();
    badCrc[4] = (badCrc[4] as number) ^ 0xff;
    expect(decodeFrame(badCrc)).toEqual({ ok: false, rejection: { reason: Reason.FRAME_BAD_CRC } });
    const badLength = good.slice();
    badLength[0] = 9;
    expect(decodeFrame(badLength)).toEqual({ ok: false, rejection: { reason: Reason.FRAME_LENGTH_MISMATCH } });
  });

  it('S14: decode is total behind the CRC: random bodies with a valid CRC never throw and never yield an out-of-range field', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 3, maxLength: 60 }), (body) => {
        const frame = new Uint8Array(body.length + 3);
        frame.set(body, 1);
        frame[0] = frame.length;
        const crc = crc16Ccitt(frame, 0, frame.length - 2);
        frame[frame.length - 2] = crc >> 8;
        frame[frame.length - 1] = crc & 0xff;
        const result = decodeFrame(frame);
        if (result.ok) {
          const spec = MESSAGES[result.message.name];
          for (const field of spec.fields) {
            const value = (result.message.payload as Record<string, number>)[field.name]!;
            expect(value).toBeGreaterThanOrEqual(field.min);
            expect(value).toBeLessThanOrEqual(field.max);
          }
        } else {
          expect(result.rejection.reason).toBeGreaterThan(0);
        }
      }),
      { seed: 14, numRuns: 20_000 },
    );
  });
});
