// The screen feed: recorded bytes decoded later into plot rows and reason-coded events, bounded when the screen falls behind.
import { describe, expect, it } from 'vitest';
import { Fault, PenState, Reason, encodeFrame, slipEncode, type MessageName, type Payload } from '../protocol/index.js';
import { FEED_CAPACITY_CHUNKS, PenFeed } from './pen-feed.js';

const frame = <N extends MessageName>(name: N, seq: number, payload: Payload<N>): Uint8Array =>
  slipEncode(encodeFrame(name, seq, payload));

function telemetry(deviceTickMs: number, measuredDepthUm: number): Payload<'TELEMETRY'> {
  return {
    deviceTickMs,
    state: PenState.ARMED,
    faultCode: 0,
    flags: 0,
    commandedDepthUm: 250,
    measuredDepthUm,
    commandedStrokeHz: 100,
    measuredStrokeHz: 99,
    strokeCount: deviceTickMs,
    motorCurrentMa: 200,
    batteryMv: 3900,
    batteryPercent: 80,
    cartridgeId: 5,
    needleCount: 12,
    lastStopReason: 0,
  };
}

const newFeed = () => new PenFeed({ bucketMs: 10, limitsUm: () => ({ capUm: 250, tripUm: 300 }) });

describe('PenFeed', () => {
  it('turns 1 kHz telemetry into min/max rows with the cap and trip line, and keeps the spike', () => {
    const feed = newFeed();
    for (let ms = 0; ms < 100; ms++)
      feed.record(frame('TELEMETRY', ms, telemetry(ms, ms === 42 ? 320 : 250)), ms, 'toHost');
    const drained = feed.drain(100);
    expect(drained.telemetryFrames).toBe(100);
    expect(drained.rows.tMs).toHaveLength(20);
    const [, measured, cap, trip] = drained.rows.columns as number[][];
    expect(Math.max(...(measured as number[]))).toBe(320);
    expect(new Set(cap)).toEqual(new Set([250]));
    expect(new Set(trip)).toEqual(new Set([300]));
  });

  it('S8: names every clamp, refusal, stop and fault with its reason code, and the command it answers', () => {
    const feed = newFeed();
    feed.record(frame('SET_DEPTH', 40, { depthUm: 400 }), 1, 'toPen');
    feed.record(
      frame('ACK', 1, {
        ackedSeq: 40,
        ackedType: 0x11,
        note: Reason.DEPTH_CLAMPED_TO_SKU_MAX,
        appliedValue: 250,
        expectedSeq: 41,
      }),
      2,
      'toHost',
    );
    feed.record(frame('ARM', 41, {}), 3, 'toPen');
    feed.record(
      frame('NAK', 2, { refusedSeq: 41, refusedType: 0x13, reason: Reason.NO_CARTRIDGE, expectedSeq: 41 }),
      4,
      'toHost',
    );
    feed.record(
      frame('EVENT_FAULT', 3, {
        deviceTickMs: 5,
        faultCode: Fault.OVER_DEPTH,
        measuredDepthUm: 310,
        commandedDepthUm: 250,
      }),
      5,
      'toHost',
    );
    feed.record(frame('EVENT_STOPPED', 4, { deviceTickMs: 5, reason: Reason.STOP_FAULT }), 5, 'toHost');
    const { events } = feed.drain(10);
    expect(events.map((event) => [event.kind, event.name, event.code])).toEqual([
      ['clamp', 'DEPTH_CLAMPED_TO_SKU_MAX', Reason.DEPTH_CLAMPED_TO_SKU_MAX],
      ['refusal', 'NO_CARTRIDGE', Reason.NO_CARTRIDGE],
      ['fault', 'OVER_DEPTH', Fault.OVER_DEPTH],
      ['stop', 'STOP_FAULT', Reason.STOP_FAULT],
    ]);
    expect(events[0]?.detail).toBe('SET_DEPTH (seq 40) 400 applied as 250');
    expect(events[1]?.detail).toContain('ARM (seq 41) refused');
  });

  it('drops the oldest chunks for the screen when nobody drains, and counts them', () => {
    const feed = newFeed();
    const bytes = frame('TELEMETRY', 0, telemetry(0, 250));
    for (let i = 0; i < FEED_CAPACITY_CHUNKS + 10; i++) feed.record(bytes, i, 'toHost');
    const drained = feed.drain(FEED_CAPACITY_CHUNKS + 20);
    expect(drained.droppedChunks).toBe(10);
    expect(drained.telemetryFrames).toBe(FEED_CAPACITY_CHUNKS);
  });

  it('ignores bytes that are not frames (line noise) without an event', () => {
    const feed = newFeed();
    feed.record(Uint8Array.from([0xc0, 1, 2, 3, 0xc0, 0xdb, 0x00, 0xc0]), 1, 'toHost');
    expect(feed.drain(2).events).toEqual([]);
  });
});
