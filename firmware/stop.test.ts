// Tests of the realtime frames: STOP and ESTOP flush the queue and act at once; STATUS once per tick (S13, S14).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MESSAGES, PenState, Reason, encodeFrame, slipEncode, type CommandName } from '../src/protocol/index.js';
import { FirmwareHarness } from '../test/support/firmware-harness.js';

function idleHarness(): FirmwareHarness {
  const harness = new FirmwareHarness();
  harness.boot();
  harness.connect();
  harness.take();
  return harness;
}

type Queued = { readonly name: CommandName; readonly payload: Record<string, number> };

const pipelined: fc.Arbitrary<Queued> = fc.oneof(
  fc.constant({ name: 'ARM' as const, payload: {} }),
  fc.constant({ name: 'ARM' as const, payload: {} }),
  fc.integer({ min: 0, max: 2500 }).map((depthUm) => ({ name: 'SET_DEPTH' as const, payload: { depthUm } })),
  fc.integer({ min: 50, max: 150 }).map((strokeHz) => ({ name: 'SET_SPEED' as const, payload: { strokeHz } })),
  fc.constant({ name: 'HEARTBEAT' as const, payload: {} }),
  fc.constant({ name: 'DISARM' as const, payload: {} }),
  fc.constant({ name: 'HOME' as const, payload: {} }),
);

/** Commands that may follow the STOP: anything but ARM (an ARM after the STOP may run the motor). */
const afterStop: fc.Arbitrary<Queued> = pipelined.filter((command) => command.name !== 'ARM');

/** Number of interleavings the property below tries (quoted in the issue note). */
const STOP_RACE_RUNS = 3000;

describe('S13: STOP and ESTOP discard what was queued before them', () => {
  it('S13: over random interleavings (same chunk, split reads, 0-10 ms apart, behind a full queue) the motor never runs after the STOP is processed', () => {
    let runsWithMotorAfterStop = 0;
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(pipelined, { minLength: 1, maxLength: 10 }),
        fc.array(afterStop, { maxLength: 4 }),
        fc.constantFrom('STOP' as const, 'ESTOP' as const),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 8 }),
        (startArmed, before, after, stop, splitPicks, gapsMs) => {
          let violations = 0;
          const harness = idleHarness();
          harness.command('SET_DEPTH', { depthUm: 800 });
          if (startArmed) harness.command('ARM', {});
          const frames: Uint8Array[] = [];
          let seq = harness.nextSeq;
          for (const command of [...before, null, ...after]) {
            if (command === null) frames.push(slipEncode(encodeFrame(stop, seq, {})));
            else frames.push(slipEncode(encodeFrame(command.name, seq, command.payload as never)));
            if (command !== null) seq = (seq + 1) & 0xffff;
          }
          const stream = Uint8Array.from(frames.flatMap((frame) => [...frame]));
          const stopEnd = frames.slice(0, before.length + 1).reduce((sum, frame) => sum + frame.length, 0);
          const splits = [...new Set(splitPicks.map((pick) => pick % (stream.length + 1)))].sort((a, b) => a - b);
          const bounds = [0, ...splits, stream.length];
          let stopProcessed = false;
          for (let i = 0; i + 1 < bounds.length; i++) {
            harness.sendBytes(stream.subarray(bounds[i], bounds[i + 1]));
            if ((bounds[i + 1] as number) >= stopEnd) stopProcessed = true;
            if (stopProcessed && harness.hardware.motorCommandHz > 0) violations++;
            for (let ms = 0; ms < (gapsMs[i] ?? 0); ms++) {
              harness.step();
              if (stopProcessed && harness.hardware.motorCommandHz > 0) violations++;
            }
          }
          for (let ms = 0; ms < 30; ms++) {
            harness.step();
            if (harness.hardware.motorCommandHz > 0) violations++;
          }
          if (violations > 0) runsWithMotorAfterStop++;
          expect(violations).toBe(0);
        },
      ),
      { seed: 813, numRuns: STOP_RACE_RUNS },
    );
    expect(runsWithMotorAfterStop).toBe(0);
  });

  it('S13: ARM then STOP in one write: the ARM is answered CANCELLED_BY_STOP and the STOP ACK counts it', () => {
    const harness = idleHarness();
    harness.command('SET_DEPTH', { depthUm: 500 });
    harness.take();
    const armSeq = harness.nextSeq;
    harness.sendBytes(
      Uint8Array.from([
        ...slipEncode(encodeFrame('ARM', armSeq, {})),
        ...slipEncode(encodeFrame('STOP', (armSeq + 1) & 0xffff, {})),
      ]),
    );
    expect(harness.take().map((m) => [m.name, m.payload])).toEqual([
      [
        'NAK',
        {
          refusedSeq: armSeq,
          refusedType: MESSAGES.ARM.type,
          reason: Reason.CANCELLED_BY_STOP,
          expectedSeq: (armSeq + 1) & 0xffff,
        },
      ],
      [
        'ACK',
        {
          ackedSeq: (armSeq + 1) & 0xffff,
          ackedType: MESSAGES.STOP.type,
          note: 0,
          appliedValue: 1,
          expectedSeq: (armSeq + 1) & 0xffff,
        },
      ],
    ]);
    harness.step(300);
    expect(harness.hardware.motorCommandHz).toBe(0);
    expect(harness.firmware.diagnostics()).toMatchObject({ state: PenState.IDLE, queueLength: 0 });
  });

  it('S13: every queued frame is answered as its turn would have been, none acted on; the ACK counts them all', () => {
    const harness = idleHarness();
    const seq = harness.nextSeq;
    const s = (offset: number): number => (seq + offset) & 0xffff;
    harness.sendFrame('SET_DEPTH', s(0), { depthUm: 900 });
    harness.sendFrame('ARM', s(5), {});
    harness.sendFrame('SET_SPEED', s(1), { strokeHz: 70 });
    harness.sendFrame('ESTOP', 0, {});
    const answers = harness.take().filter((m) => m.name === 'ACK' || m.name === 'NAK');
    expect(answers.map((m) => (m.name === 'NAK' ? [m.payload.refusedSeq, m.payload.reason] : m.payload))).toEqual([
      [s(0), Reason.CANCELLED_BY_STOP],
      [s(5), Reason.SEQUENCE_UNEXPECTED],
      [s(1), Reason.CANCELLED_BY_STOP],
      { ackedSeq: 0, ackedType: MESSAGES.ESTOP.type, note: 0, appliedValue: 3, expectedSeq: s(2) },
    ]);
    expect(harness.firmware.diagnostics()).toMatchObject({ state: PenState.FAULT, targetDepthUm: 0 });
    expect(harness.firmware.diagnostics().targetStrokeHz).not.toBe(70);
  });

  it('S13: a STOP carrying a seq 1-8 ahead moves the expected seq there; one further away or behind does not', () => {
    const harness = idleHarness();
    const seq = harness.nextSeq;
    harness.sendFrame('STOP', (seq + 3) & 0xffff, {});
    expect(harness.firmware.diagnostics().expectedSeq).toBe((seq + 3) & 0xffff);
    harness.sendFrame('STOP', (seq + 3 + 9) & 0xffff, {});
    harness.sendFrame('STOP', (seq + 1) & 0xffff, {});
    expect(harness.firmware.diagnostics().expectedSeq).toBe((seq + 3) & 0xffff);
    harness.sendFrame('SET_DEPTH', seq, { depthUm: 300 });
    harness.step();
    expect(harness.answerFor(seq)).toMatchObject({ name: 'NAK', payload: { reason: Reason.SEQUENCE_UNEXPECTED } });
  });

  it('STOP and DISARM while idle are ACKed, send no EVENT_STOPPED and leave the last stop reason', () => {
    const harness = idleHarness();
    harness.sendFrame('STOP', 5, {});
    expect(harness.command('DISARM', {}).name).toBe('ACK');
    expect(harness.framesNamed('EVENT_STOPPED')).toEqual([]);
    expect(harness.firmware.diagnostics().lastStopReason).toBe(Reason.NONE);
  });

  it('ESTOP before HELLO latches FAULT ESTOP and is acknowledged', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.take();
    harness.sendFrame('ESTOP', 9, {});
    expect(harness.take().map((m) => m.name)).toEqual(['EVENT_FAULT', 'ACK']);
    expect(harness.firmware.diagnostics().faultCode).toBe(0x30);
  });
});

describe('S14: realtime requests never delay a STOP', () => {
  it('S14: behind 1000 STATUS_REQUESTs in one read the STOP acts in that read; one STATUS follows at the next tick', () => {
    const harness = idleHarness();
    harness.command('SET_DEPTH', { depthUm: 1000 });
    harness.command('ARM', {});
    harness.step(20);
    harness.take();
    const request = slipEncode(encodeFrame('STATUS_REQUEST', 0, {}));
    const flood = new Uint8Array(request.length * 1000);
    for (let i = 0; i < 1000; i++) flood.set(request, i * request.length);
    harness.sendBytes(Uint8Array.from([...flood, ...slipEncode(encodeFrame('STOP', 0, {}))]));
    expect([harness.hardware.motorCommandHz, harness.hardware.actuatorSetpointUm]).toEqual([0, 0]);
    expect(harness.take().map((m) => m.name)).toEqual(['EVENT_STOPPED', 'ACK']);
    harness.step();
    const statuses = harness.framesNamed('STATUS');
    expect(statuses).toHaveLength(1);
    expect(statuses[0]?.payload).toMatchObject({ state: PenState.IDLE, deviceTickMs: harness.nowMs() });
    harness.step(10);
    expect(harness.framesNamed('STATUS')).toHaveLength(1);
  });

  it('STATUS_REQUEST is answered by one STATUS at the next tick, also before HELLO', () => {
    const harness = new FirmwareHarness();
    harness.boot();
    harness.take();
    harness.sendFrame('STATUS_REQUEST', 3, {});
    harness.sendFrame('STATUS_REQUEST', 4, {});
    expect(harness.take()).toEqual([]);
    harness.step();
    const frames = harness.take();
    expect(frames.map((m) => m.name)).toEqual(['STATUS']);
    expect(frames[0]?.name === 'STATUS' && frames[0].payload.state).toBe(PenState.IDLE);
  });
});
