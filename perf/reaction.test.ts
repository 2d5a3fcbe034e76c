// The reaction harness drives the real host: the bench pen (the firmware's Link) brings a session to treating, a fault gets STOP first.
import { describe, expect, it } from 'vitest';
import { BenchPen } from './bench-pen.js';
import { HostHarness } from './host-harness.js';
import { measureReaction } from './reaction.js';
import {
  decodeFrame,
  encodeFrame,
  slipEncode,
  SlipStreamDecoder,
  MAX_FRAME_BYTES,
  MESSAGES,
  PROTOCOL_VERSION,
} from '../src/protocol/index.js';

function frames(bytes: Uint8Array) {
  const out: ReturnType<typeof decodeFrame>[] = [];
  new SlipStreamDecoder(MAX_FRAME_BYTES, (frame) => out.push(decodeFrame(frame))).push(bytes);
  return out.map((result) => (result.ok ? result.message : null));
}

describe('BenchPen', () => {
  it('answers HELLO with INFO and a command with ACK of its seq, type and value, queued until taken', () => {
    const pen = new BenchPen();
    pen.receive(slipEncode(encodeFrame('HELLO', 0, { protocolVersion: PROTOCOL_VERSION })));
    pen.receive(slipEncode(encodeFrame('SET_DEPTH', 0x4100, { depthUm: 250 })));
    const answers = frames(pen.takeOutbox()!);
    expect(answers.map((message) => message?.name)).toEqual(['INFO', 'ACK']);
    expect(answers[0]?.name === 'INFO' && answers[0].payload.nextSeq).toBe(0x4100);
    expect(answers[1]?.name === 'ACK' && answers[1].payload).toEqual({
      ackedSeq: 0x4100,
      ackedType: MESSAGES.SET_DEPTH.type,
      note: 0,
      appliedValue: 250,
      expectedSeq: 0x4101,
    });
    expect(pen.takeOutbox()).toBeNull();
  });
});

describe('HostHarness and measureReaction', () => {
  it('brings a real controller session to treating over both port kinds', async () => {
    for (const kind of ['direct', 'stream'] as const) {
      const harness = await HostHarness.open(kind);
      await harness.startTreating();
      expect(harness.isIn({ connected: { session: { treating: 'passInProgress' } } })).toBe(true);
      await harness.close();
    }
  });

  it('times faults that each got STOP first and latched the machine', async () => {
    const run = await measureReaction({
      kind: 'direct',
      faults: 5,
      warmupFaults: 1,
      telemetryMsPerFault: 25,
      sessionsPerBatch: 2,
    });
    expect(run.count).toBe(5);
    expect(run.p50).toBeGreaterThan(0);
    expect(run.max).toBeGreaterThanOrEqual(run.p99);
    expect(run.telemetryFrames).toBeGreaterThanOrEqual(6 * 5);
  });
});
