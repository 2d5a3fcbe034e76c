// End-to-end controller sessions over the mock binding, in virtual time: limits, refusals, link loss, unlock.
import { describe, expect, it } from 'vitest';
import { Reason } from '../../src/protocol/index.js';
import { PRO_CREDENTIAL } from '../support/machine-harness.js';
import { refusedToken } from '../support/presented-tokens.js';
import {
  HOME_FULL_FACE,
  PRO_ACNE_SCARS,
  afterEachPenStep,
  observeTouchDowns,
  plan,
  simulate,
  type ContactObservation,
} from '../support/session-fixtures.js';

describe('controller session on the simulated pen', () => {
  it('S5 S1: a full home session completes with every area at its limit and never deeper than 250 um', async () => {
    const result = await simulate(HOME_FULL_FACE, { seed: 3 });
    const { summary } = result;
    expect(summary).toMatchObject({ outcome: 'completed', outcomeReason: 'PLAN_COMPLETE' });
    expect(summary.areas.map((area) => [area.area, area.passes, area.passLimit])).toEqual([
      ['forehead', 4, 4],
      ['cheeks', 6, 6],
      ['nose', 4, 4],
      ['chin', 5, 5],
    ]);
    for (const area of summary.areas) {
      expect(area.depthUm).toBeLessThanOrEqual(250);
      expect(area.strokes).toBeGreaterThan(0);
      expect(area.punctures).toBe(area.strokes * 12);
      expect(area.maxMeasuredDepthUm).toBeLessThanOrEqual(area.depthUm + 5);
    }
    expect(result.maxPhysicalDepthUm).toBeLessThanOrEqual(250);
    expect(summary.faults).toEqual([]);
  });

  it('S5: an operator attempting 8 passes on an area limited to 6 gets exactly 6 counted and the needles stopped', async () => {
    let touches: ContactObservation[] = [];
    const limitSix = plan({
      mode: 'home',
      areas: [
        { area: 'cheeks', depthMm: 0.25, passes: 6 },
        { area: 'chin', depthMm: 0.25, passes: 6 },
      ],
    });
    const { summary } = await simulate(limitSix, {
      seed: 5,
      attemptPasses: 8,
      prepare: (simulation) => {
        touches = observeTouchDowns(simulation);
      },
    });
    expect(summary.areas[0]).toMatchObject({
      area: 'cheeks',
      passes: 6,
      passLimit: 6,
      locked: true,
      lockReason: 'PASS_LIMIT_REACHED',
    });
    expect(summary.stops.filter((stop) => stop.reason === 'PASS_LIMIT_REACHED' && stop.area === 'cheeks')).toHaveLength(
      1,
    );
    const cheeksAttempts = touches.filter((touch) => touch.isPassAttempt).slice(0, 8);
    expect(cheeksAttempts).toHaveLength(8);
    // NOTE: the 7th and 8th attempts on cheeks meet a stopped motor: no puncture is possible.
    expect(cheeksAttempts.slice(0, 6).every((touch) => touch.motorCommandHz > 0)).toBe(true);
    expect(cheeksAttempts.slice(6).map((touch) => touch.motorCommandHz)).toEqual([0, 0]);
  });

  it('S9: a professional plan without a credential, or with a forged one, is refused and never reaches professional depth', async () => {
    const locked = await simulate(PRO_ACNE_SCARS, { seed: 9 });
    expect(locked.summary.outcome).toBe('refused');
    expect(locked.summary.refusals.map((refusal) => refusal.reason)).toContain('PRO_CREDENTIAL_MISSING');
    expect(locked.maxPhysicalDepthUm).toBeLessThanOrEqual(250);
    const wrong = await simulate(PRO_ACNE_SCARS, {
      seed: 9,
      input: { credential: refusedToken('credential', 'BAD_SIGNATURE') },
    });
    expect(wrong.summary).toMatchObject({ outcome: 'refused', outcomeReason: 'PRO_CREDENTIAL_BAD_SIGNATURE' });
    expect(wrong.maxPhysicalDepthUm).toBeLessThanOrEqual(250);
  });

  it('S9: with the right credential the professional plan reaches its per-area depths', async () => {
    const result = await simulate(PRO_ACNE_SCARS, {
      seed: 9,
      input: { credential: PRO_CREDENTIAL },
    });
    expect(result.summary.outcome).toBe('completed');
    expect(result.summary.areas.map((area) => [area.area, area.depthUm, area.passes])).toEqual([
      ['cheeks', 1500, 6],
      ['jawline', 1000, 5],
    ]);
    expect(result.maxPhysicalDepthUm).toBeLessThanOrEqual(1500);
    expect(result.maxPhysicalDepthUm).toBeGreaterThan(1400);
  });

  it('S2 S8: a home session on a pro-SKU pen is capped at the home cap, with the binding cap named', async () => {
    const deepHome = plan({ mode: 'home', areas: [{ area: 'chin', depthMm: 0.25, passes: 1 }] });
    const result = await simulate(deepHome, { seed: 2, pen: { sku: 2 } });
    expect(result.summary.areas[0]).toMatchObject({ depthUm: 250, capUm: 250 });
    expect(result.maxPhysicalDepthUm).toBeLessThanOrEqual(250);
  });

  it('S10 S13: a link drop mid-pass ends with the pen retracted by its own lease and the controller in fault', async () => {
    let dropAtMs = -1;
    let safeAtMs = -1;
    const result = await simulate(HOME_FULL_FACE, {
      seed: 11,
      prepare: (simulation) =>
        afterEachPenStep(simulation, () => {
          const hardware = simulation.pen.hardware;
          if (dropAtMs < 0 && hardware.motor.commandHz > 0 && hardware.skin.isInContact) {
            dropAtMs = simulation.nowMs;
            simulation.faults.linkDrop();
          }
          if (dropAtMs >= 0 && safeAtMs < 0 && hardware.motor.commandHz === 0 && hardware.actuator.commandedUm === 0) {
            safeAtMs = simulation.nowMs;
          }
        }),
    });
    expect(dropAtMs).toBeGreaterThan(0);
    expect(result.summary.outcome).toBe('fault');
    expect(result.summary.faults.map((fault) => fault.reason)).toContain('LINK_DEAD');
    // The last heartbeat reached the pen at most 50 ms before the drop; the lease is 200 ms.
    expect(safeAtMs - dropAtMs).toBeLessThanOrEqual(200 + 1);
    expect(safeAtMs - dropAtMs).toBeGreaterThanOrEqual(150 - 1);
    const firmware = result.simulation.pen as unknown as { firmware: { diagnostics(): { lastStopReason: number } } };
    expect(firmware.firmware.diagnostics().lastStopReason).toBe(Reason.STOP_LEASE_LAPSED);
    expect(result.simulation.pen.hardware.actuator.physicalUm).toBeLessThanOrEqual(5);
  });

  it('S5: in plan order (no operator input) the machine works every area in order and completes by itself', async () => {
    const twoAreas = plan({
      mode: 'home',
      areas: [
        { area: 'forehead', depthMm: 0.25, passes: 2 },
        { area: 'chin', depthMm: 0.2, passes: 2 },
      ],
    });
    const result = await simulate(twoAreas, { seed: 17, input: { areaOrder: 'plan' } });
    expect(result.summary).toMatchObject({ outcome: 'completed', outcomeReason: 'PLAN_COMPLETE' });
    expect(result.summary.areas.map((area) => [area.area, area.passes, area.locked])).toEqual([
      ['forehead', 2, true],
      ['chin', 2, true],
    ]);
  });
});
