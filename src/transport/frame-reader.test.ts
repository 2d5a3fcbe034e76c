// FrameReader: pen messages out of any byte split; every bad frame dropped and counted by reason (S14).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BAD_INPUT_CORPUS } from '../../test/fixtures/bad-input-corpus.js';
import {
  Reason,
  SLIP_END,
  SLIP_ESC,
  encodeFrame,
  slipEncode,
  type FrameRejection,
  type Message,
} from '../protocol/index.js';
import { FrameReader } from './frame-reader.js';
import { telemetryPayload } from '../../test/support/fake-pen.js';

function read(chunks: Uint8Array[]): { messages: Message[]; rejections: FrameRejection[]; reader: FrameReader } {
  const messages: Message[] = [];
  const rejections: FrameRejection[] = [];
  const reader = new FrameReader(
    (message) => messages.push(message),
    (rejection) => rejections.push(rejection),
  );
  for (const chunk of chunks) reader.push(chunk);
  return { messages, rejections, reader };
}

const ack = (seq: number, ackedSeq: number): Uint8Array =>
  slipEncode(encodeFrame('ACK', seq, { ackedSeq, ackedType: 0x11, note: 0, appliedValue: 200, expectedSeq: 0x4101 }));
const telemetry = (seq: number, strokeCount: number): Uint8Array =>
  slipEncode(encodeFrame('TELEMETRY', seq, telemetryPayload({ strokeCount })));

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
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

describe('FrameReader', () => {
  it('decodes pen frames with their seq and exact payload', () => {
    const { messages, reader } = read([concat([ack(7, 0x4100), telemetry(8, 1234)])]);
    expect(messages).toEqual([
      {
        name: 'ACK',
        seq: 7,
        payload: { ackedSeq: 0x4100, ackedType: 0x11, note: 0, appliedValue: 200, expectedSeq: 0x4101 },
      },
      { name: 'TELEMETRY', seq: 8, payload: telemetryPayload({ strokeCount: 1234 }) },
    ]);
    expect(reader.framesAccepted).toBe(2);
    expect(reader.rejectedCount()).toBe(0);
  });

  it('S14: rejects host-to-pen messages (an echoing line) as WRONG_DIRECTION, seq and type kept', () => {
    const { messages, rejections, reader } = read([slipEncode(encodeFrame('ARM', 0x0203, {}))]);
    expect(messages).toEqual([]);
    expect(rejections).toEqual([{ reason: Reason.WRONG_DIRECTION, seq: 0x0203, type: 0x13 }]);
    expect(reader.rejectedCount(Reason.WRONG_DIRECTION)).toBe(1);
  });

  it('S14: no corpus input yields a host action; each is counted under its reason', () => {
    for (const entry of BAD_INPUT_CORPUS) {
      const { messages, rejections } = read([entry.build(0x4101)]);
      if (entry.category === 'wrongDirection') {
        // Telemetry is pen-to-host: wrong for the pen, right for the host.
        expect(
          messages.map((message) => message.name),
          entry.id,
        ).toEqual(['TELEMETRY']);
        continue;
      }
      const outcome = entry.outcome;
      const expected =
        outcome.kind === 'duplicate' || outcome.kind === 'reused' ? Reason.WRONG_DIRECTION : outcome.reason;
      expect(messages, entry.id).toEqual([]);
      expect(
        rejections.map((rejection) => rejection.reason),
        entry.id,
      ).toEqual([expected]);
    }
  });

  it('S14: counts rejections per reason and names them in the summary', () => {
    const badCrc = ack(1, 2);
    badCrc[5] = (badCrc[5] as number) ^ 0x40;
    const { messages, reader } = read([
      concat([badCrc, badCrc, Uint8Array.of(SLIP_END, 0x06, SLIP_ESC, 0x01, SLIP_END), ack(3, 4)]),
    ]);
    expect(messages.map((message) => message.seq)).toEqual([3]);
    expect(reader.rejectedCount(Reason.FRAME_BAD_CRC)).toBe(2);
    expect(reader.rejectedCount(Reason.FRAME_BAD_ESCAPE)).toBe(1);
    expect(reader.rejectedCount()).toBe(3);
    expect(reader.rejectionSummary()).toEqual({ FRAME_BAD_CRC: 2, FRAME_BAD_ESCAPE: 1 });
  });

  it('S14: any garbage around good frames, split anywhere: same messages and same rejections', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 80 }), fc.nat({ max: 0xffff })), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (segments, cuts) => {
          const parts: Uint8Array[] = [];
          segments.forEach(([garbage, strokeCount], index) => {
            parts.push(garbage, telemetry(index, strokeCount));
          });
          const stream = concat(parts);
          const whole = read([stream]);
          // Every good frame survives whatever precedes it: the leading END resynchronises.
          const strokeCounts = whole.messages
            .filter((message) => message.name === 'TELEMETRY')
            .map((message) => (message.payload as { strokeCount: number }).strokeCount);
          expect(strokeCounts.slice(-segments.length)).toEqual(segments.map(([, strokeCount]) => strokeCount));
          const split = read(splitAt(stream, cuts));
          expect(split.messages).toEqual(whole.messages);
          expect(split.rejections).toEqual(whole.rejections);
          const byteByByte = read(Array.from(stream, (byte) => Uint8Array.of(byte)));
          expect(byteByByte.messages).toEqual(whole.messages);
        },
      ),
      { seed: 14, numRuns: 300 },
    );
  });

  it('S14: never throws; every END-terminated run of bytes is either one message or one counted rejection', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (noise, dense) => {
        const stream = dense ? noise.map((byte, i) => (i % 7 === 0 ? SLIP_END : byte)) : noise;
        const { reader } = read([stream]);
        const terminatedRuns = Buffer.from(stream)
          .toString('latin1')
          .split(String.fromCharCode(SLIP_END))
          .slice(0, -1)
          .filter((run) => run.length > 0).length;
        expect(reader.framesAccepted + reader.rejectedCount()).toBe(terminatedRuns);
      }),
      { seed: 41, numRuns: 500 },
    );
  });
});
