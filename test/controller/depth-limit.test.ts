// S1 S18: the controller sets the pen's session depth limit per area, so a runaway is latched at the area's cap, not the SKU's.
import { describe, expect, it } from 'vitest';
import { Fault } from '../../src/protocol/index.js';
import { PRO_CREDENTIAL } from '../support/machine-harness.js';
import { afterEachPenStep, plan, simulate } from '../support/session-fixtures.js';

const FOREHEAD_HALF_MM = plan({ mode: 'pro', areas: [{ area: 'forehead', depthMm: 0.5, passes: 3 }] });

describe('session depth limit on a pro pen', () => {
  it.each([1, 5, 20])(
    'S1 S18: a runaway at %i um/ms on the forehead at 0.5 mm is latched OVER_DEPTH within a tick of 550 um, far below the SKU maximum',
    async (umPerMs) => {
      let injectedAtMs = -1;
      let maxPhysicalUm = 0;
      let latchedAtMs = -1;
      const result = await simulate(FOREHEAD_HALF_MM, {
        seed: 71,
        input: { credential: PRO_CREDENTIAL },
        prepare: (simulation) =>
          afterEachPenStep(simulation, () => {
            const hardware = simulation.pen.hardware;
            if (injectedAtMs < 0 && hardware.motor.commandHz > 0 && hardware.skin.isInContact) {
              injectedAtMs = simulation.nowMs;
              simulation.faults.overDepthRunaway(umPerMs);
            }
            if (injectedAtMs >= 0) maxPhysicalUm = Math.max(maxPhysicalUm, hardware.actuator.physicalUm);
            if (injectedAtMs >= 0 && latchedAtMs < 0 && hardware.motor.commandHz === 0) latchedAtMs = simulation.nowMs;
          }),
      });
      expect(injectedAtMs).toBeGreaterThan(0);
      expect(result.summary.outcome).toBe('fault');
      expect(result.summary.faults.map((fault) => fault.code)).toContain(Fault.OVER_DEPTH);
      // The limiter's trip line is the area's cap + 50 um; one tick of runaway past it at most, plus the measurement noise.
      expect(maxPhysicalUm).toBeLessThanOrEqual(550 + umPerMs + 10);
      console.log(
        `runaway ${umPerMs} um/ms: latched ${latchedAtMs - injectedAtMs} ms after injection, needle at most ${maxPhysicalUm.toFixed(0)} um`,
      );
    },
  );
});
