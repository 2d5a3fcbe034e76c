// PenLink reports: telemetry and events reach typed listeners exactly; garbage and split reads change nothing (S14).
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Fault, Reason, encodeFrame, slipEncode, type FrameRejection } from '../protocol/index.js';
import { telemetryPayload } from '../../test/support/fake-pen.js';
import { connectedHarness } from '../../test/support/link-harness.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('PenLink reports', () => {
  it('dispatches telemetry with its exact payload and the pen seq; unsubscribing stops it', async () => {
    const h = await connectedHarness();
    const seen: [number, number][] = [];
    const seenAgain: number[] = [];
    const unsubscribe = h.link.on('telemetry', (sample, penSeq) => seen.push([sample.measuredDepthUm, penSeq]));
    h.link.on('telemetry', (sample) => seenAgain.push(sample.strokeCount));
    h.pen.sendTelemetry({ measuredDepthUm: -12, strokeCount: 1 });
    h.pen.sendTelemetry({ measuredDepthUm: 240, strokeCount: 2 });
    h.advance(2);
    unsubscribe();
    h.pen.sendTelemetry({ measuredDepthUm: 250, strokeCount: 3 });
    h.advance(2);
    expect(seen).toEqual([
      [-12, 1],
      [240, 2],
    ]);
    expect(seenAgain).toEqual([1, 2, 3]);
  });

  it('dispatches each event to its own listener with the exact payload', async () => {
    const h = await connectedHarness();
    const log: [string, unknown][] = [];
    h.link.on('contact', (payload) => log.push(['contact', payload]));
    h.link.on('fault', (payload) => log.push(['fault', payload]));
    h.link.on('stopped', (payload) => log.push(['stopped', payload]));
    h.link.on('cartridge', (payload) => log.push(['cartridge', payload]));
    const contact = { deviceTickMs: 10, contact: 1, strokeCount: 99 };
    const fault = { deviceTickMs: 11, faultCode: Fault.OVER_DEPTH, measuredDepthUm: 310, commandedDepthUm: 250 };
    const stopped = { deviceTickMs: 12, reason: Reason.STOP_FAULT };
    const cartridge = { deviceTickMs: 13, present: 0, cartridgeId: 0, needleCount: 0 };
    h.pen.send('EVENT_CONTACT', contact);
    h.pen.send('EVENT_FAULT', fault);
    h.pen.send('EVENT_STOPPED', stopped);
    h.pen.send('EVENT_CARTRIDGE', cartridge);
    h.advance(2);
    expect(log).toEqual([
      ['contact', contact],
      ['fault', fault],
      ['stopped', stopped],
      ['cartridge', cartridge],
    ]);
  });

  it('S14: garbage between frames and any read split yield the same reports and rejections; no command is answered by garbage', async () => {
    const frames = [1, 2, 3, 4].map((strokeCount) =>
      slipEncode(encodeFrame('TELEMETRY', strokeCount, telemetryPayload({ strokeCount }))),
    );
    const fakeAck = slipEncode(
      encodeFrame('ACK', 9, { ackedSeq: 0x4100, ackedType: 0x11, note: 0, appliedValue: 2500, expectedSeq: 0x4101 }),
    );
    fakeAck[6] = (fakeAck[6] as number) ^ 0xff; // CRC broken: must not answer the pending command
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 4, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 40 }),
        async (garbage, chunkSizes) => {
          const h = await connectedHarness();
          h.pen.silent = true;
          const pending = h.link.command('SET_DEPTH', { depthUm: 100 });
          let settled = false;
          void pending.then(
            () => (settled = true),
            () => (settled = true),
          );
          const strokes: number[] = [];
          const rejections: FrameRejection[] = [];
          h.link.on('telemetry', (sample) => strokes.push(sample.strokeCount));
          h.link.on('rejected', (rejection) => rejections.push(rejection));
          const stream = Buffer.concat(garbage.flatMap((noise, i) => [noise, fakeAck, frames[i] as Uint8Array]));
          let offset = 0;
          for (let i = 0; offset < stream.length; i++) {
            const size = chunkSizes[i % chunkSizes.length] as number;
            h.port.emitData(stream.subarray(offset, offset + size));
            offset += size;
          }
          await Promise.resolve();
          expect(strokes).toEqual([1, 2, 3, 4]);
          expect(
            rejections.filter((rejection) => rejection.reason === Reason.FRAME_BAD_CRC).length,
          ).toBeGreaterThanOrEqual(4);
          expect(rejections.length).toBe(h.link.reader.rejectedCount());
          expect(settled).toBe(false);
          expect(h.link.deadReason).toBeNull();
          h.link.close();
          await pending.catch(() => undefined);
        },
      ),
      { seed: 1414, numRuns: 150 },
    );
  });

  it('counts pen frames lost from gaps in the pen transmit counter', async () => {
    const h = await connectedHarness();
    h.pen.dropToHost = (message) => message.name === 'TELEMETRY' && message.payload.strokeCount % 3 === 0;
    for (let strokeCount = 1; strokeCount <= 9; strokeCount++) h.pen.sendTelemetry({ strokeCount });
    h.advance(2);
    expect(h.link.stats.penFramesLost).toBe(2); // 3 and 6 lost; 9 was the last, no later frame shows it
  });

  it('a throwing listener neither stops the other listeners nor the link; its error is rethrown later', async () => {
    const h = await connectedHarness();
    const deferred: (() => void)[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((callback) => void deferred.push(callback));
    const seen: number[] = [];
    h.link.on('telemetry', () => {
      throw new Error('listener bug');
    });
    h.link.on('telemetry', (sample) => seen.push(sample.strokeCount));
    h.pen.sendTelemetry({ strokeCount: 7 });
    const result = h.link.command('HOME', {});
    h.advance(3);
    vi.restoreAllMocks();
    expect(seen).toEqual([7]);
    expect(await result).toEqual({ ok: true, note: 0, appliedValue: 0 });
    expect(deferred.length).toBe(1);
    expect(() => deferred[0]?.()).toThrow('listener bug');
  });
});
