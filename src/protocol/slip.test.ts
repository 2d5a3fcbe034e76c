// SLIP: round trips, the same frames whatever the read split, resync after garbage, bounded buffer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SLIP_END, slipEncode, SlipStreamDecoder, type SlipDropReason } from './slip.js';

function decodeAll(chunks: Uint8Array[], max = 64): { frames: number[][]; drops: SlipDropReason[] } {
  const frames: number[][] = [];
  const drops: SlipDropReason[] = [];
  const decoder = new SlipStreamDecoder(
    max,
    (frame) => frames.push(Array.from(frame)),
    (reason) => drops.push(reason),
  );
  for (const chunk of chunks) decoder.push(chunk);
  return { frames, drops };
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

describe('SLIP', () => {
  it('round-trips any frame, escapes included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (frame) => {
        expect(decodeAll([slipEncode(frame)]).frames).toEqual([Array.from(frame)]);
      }),
      { seed: 1, numRuns: 2000 },
    );
  });

  it('S14: any byte stream yields the same frames and drops whatever the read split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 20 }), (stream, cuts) => {
        const whole = decodeAll([stream]);
        expect(decodeAll(splitAt(stream, cuts))).toEqual(whole);
        const byteByByte = decodeAll(Array.from(stream, (byte) => Uint8Array.of(byte)));
        expect(byteByByte).toEqual(whole);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('S14: resynchronises after garbage: a frame after any garbage decodes intact', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        (garbage, frame) => {
          const { frames } = decodeAll([garbage, slipEncode(frame)]);
          expect(frames.at(-1)).toEqual(Array.from(frame));
        },
      ),
      { seed: 8, numRuns: 2000 },
    );
  });

  it('drops an oversize frame whole, reports it once, and keeps a bounded buffer', () => {
    const flood = new Uint8Array(100_000).fill(0x55);
    const { frames, drops } = decodeAll([flood, Uint8Array.of(SLIP_END), slipEncode(Uint8Array.of(1, 2, 3))]);
    expect(drops).toEqual(['oversize']);
    expect(frames).toEqual([[1, 2, 3]]);
  });

  it('drops a frame with an invalid escape and reports badEscape', () => {
    const { frames, drops } = decodeAll([Uint8Array.of(SLIP_END, 1, 0xdb, 0x01, 2, SLIP_END, 7, SLIP_END)]);
    expect(drops).toEqual(['badEscape']);
    expect(frames).toEqual([[7]]);
  });

  it('ignores empty frames between ENDs', () => {
    expect(decodeAll([Uint8Array.of(SLIP_END, SLIP_END, SLIP_END, 9, SLIP_END)]).frames).toEqual([[9]]);
  });
});
