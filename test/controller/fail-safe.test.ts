// S10 S13: when the records fail or the controller itself fails, the needles stop at once and the session ends in fault.
import { describe, expect, it } from 'vitest';
import type { PenSimulation } from '../../sim/index.js';
import type { ControllerEvent } from '../../src/machine/index.js';
import { MemoryRecords } from '../support/memory-records.js';
import { afterEachPenStep, midPassOperator, plan, simulate } from '../support/session-fixtures.js';

const CHEEKS = plan({ mode: 'home', areas: [{ area: 'cheeks', depthMm: 0.25, passes: 4 }] });

/** Watches the motor: the ms from `mark()` until it is commanded to 0. */
function motorWatch(simulation: PenSimulation): { mark: () => number; stoppedAfterMs: () => number } {
  let markedAtMs = -1;
  let stoppedAtMs = -1;
  afterEachPenStep(simulation, () => {
    if (markedAtMs >= 0 && stoppedAtMs < 0 && simulation.pen.hardware.motor.commandHz === 0)
      stoppedAtMs = simulation.nowMs;
  });
  return {
    mark: () => {
      markedAtMs = simulation.nowMs;
      return simulation.pen.hardware.motor.commandHz;
    },
    stoppedAfterMs: () => stoppedAtMs - markedAtMs,
  };
}

describe('controller fail-safe', () => {
  it('S10 S13 S16: a pass reservation the records cannot write stops the motor within 2 ms (RECORDS_UNAVAILABLE)', async () => {
    let watch: ReturnType<typeof motorWatch> | undefined;
    let motorAtFailureHz = -1;
    let reservations = 0;
    const records = new MemoryRecords({
      failWrite: (batch) => {
        if (!batch.effects.some((effect) => effect.type === 'reservePass')) return false;
        reservations++;
        if (reservations !== 2) return false;
        motorAtFailureHz = watch!.mark();
        return true;
      },
    });
    const result = await simulate(CHEEKS, {
      seed: 41,
      records,
      prepare: (simulation) => (watch = motorWatch(simulation)),
    });
    expect(motorAtFailureHz).toBeGreaterThan(0);
    expect(result.summary).toMatchObject({ outcome: 'fault', outcomeReason: 'RECORDS_UNAVAILABLE' });
    expect(result.recordsFailed).toBe('disk full');
    expect(watch!.stoppedAfterMs()).toBeGreaterThanOrEqual(0);
    expect(watch!.stoppedAfterMs()).toBeLessThanOrEqual(2);
    expect(result.summary.areas[0]!.passes).toBe(1);
    expect(result.simulation.pen.hardware.actuator.physicalUm).toBeLessThanOrEqual(5);
  });

  it('S10 S13: a controller that throws stops the motor within 2 ms, drops the link and ends in fault (CONTROLLER_ERROR)', async () => {
    let watch: ReturnType<typeof motorWatch> | undefined;
    let motorAtFailureHz = -1;
    const result = await simulate(CHEEKS, {
      seed: 42,
      prepare: (simulation) => (watch = motorWatch(simulation)),
      operator: midPassOperator('cheeks', (runner) => {
        motorAtFailureHz = watch!.mark();
        // A reading whose every field throws: the machine's guards fail while the drive runs.
        const hostile = new Proxy(
          { type: 'TELEMETRY' },
          {
            get: (target, property) => {
              if (property === 'type') return target.type;
              throw new Error('sensor decoder bug');
            },
          },
        ) as unknown as ControllerEvent;
        runner.send(hostile);
      }),
    });
    expect(motorAtFailureHz).toBeGreaterThan(0);
    expect(result.summary).toMatchObject({ outcome: 'fault', outcomeReason: 'CONTROLLER_ERROR' });
    expect(watch!.stoppedAfterMs()).toBeLessThanOrEqual(2);
    expect(result.simulation.pen.hardware.actuator.physicalUm).toBeLessThanOrEqual(5);
  });
});
