// S10 S13: if the controller itself fails (a durable write throws), the needles stop at once and the link goes quiet.
import { describe, expect, it } from 'vitest';
import type { PenSimulation } from '../../sim/index.js';
import { NULL_RECORDER, type SessionRecorder } from '../../src/wiring/recorder.js';
import { runSimulatedSession } from '../../src/wiring/sim-session.js';
import { plan } from '../support/session-fixtures.js';

describe('controller fail-safe', () => {
  it('S10 S13: a reservePass that throws between passes stops the motor within 2 ms and ends the session in fault', async () => {
    let simulation: PenSimulation | undefined;
    let failedAtMs = -1;
    let motorAtFailureHz = -1;
    let stoppedAtMs = -1;
    let reservations = 0;
    const recorder: SessionRecorder = {
      ...NULL_RECORDER,
      reservePass: () => {
        reservations++;
        if (reservations === 2) {
          failedAtMs = simulation!.nowMs;
          motorAtFailureHz = simulation!.pen.hardware.motor.commandHz;
          throw new Error('disk full');
        }
      },
    };
    const result = await runSimulatedSession({
      input: { plan: plan({ mode: 'home', areas: [{ area: 'cheeks', depthMm: 0.25, passes: 4 }] }), mode: 'home' },
      seed: 41,
      recorder,
      onSimulation: (sim) => {
        simulation = sim;
        const step = sim.pen.step.bind(sim.pen);
        sim.pen.step = () => {
          step();
          if (failedAtMs >= 0 && stoppedAtMs < 0 && sim.pen.hardware.motor.commandHz === 0) stoppedAtMs = sim.nowMs;
        };
      },
    });
    expect(motorAtFailureHz).toBeGreaterThan(0);
    expect(result.summary).toMatchObject({ outcome: 'fault', outcomeReason: 'CONTROLLER_ERROR' });
    expect(stoppedAtMs - failedAtMs).toBeLessThanOrEqual(2);
    expect(result.summary.areas[0]!.passes).toBe(1);
    expect(result.simulation.pen.hardware.actuator.physicalUm).toBeLessThanOrEqual(5);
  });
});
