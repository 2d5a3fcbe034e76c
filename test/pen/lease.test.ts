// S10 end-to-end: when heartbeats stop, the firmware stops the motor and retracts within lease + one tick, on its own.
import { afterEach, describe, expect, it } from 'vitest';
import { LEASE_MS } from '../../src/limits/index.js';
import { PenState, Reason, Sku } from '../../src/protocol/index.js';
import { ACTUATOR_LAG_MS, ACTUATOR_SLEW_UM_PER_MS } from '../../sim/index.js';
import { openPenHarness, physical, type PenHarness } from '../support/pen-harness.js';

let pen: PenHarness | undefined;
afterEach(async () => pen?.close());

/**
 * docs/protocol.md "Drive lease": needles fully retracted within lease + 1 tick + the actuator's
 * lag + depth / slew after the last heartbeat's arrival (the simulated actuator: 2 ms, 20 um/ms).
 */
function retractBoundMs(depthUm: number): number {
  return LEASE_MS + 1 + ACTUATOR_LAG_MS + Math.ceil(depthUm / ACTUATOR_SLEW_UM_PER_MS);
}

async function armAndHold(harness: PenHarness, depthUm: number): Promise<void> {
  await harness.hello();
  await harness.command('SET_DEPTH', { depthUm });
  await harness.command('SET_SPEED', { strokeHz: 120 });
  await harness.command('ARM', {});
  for (let i = 0; i < 8; i++) {
    await harness.command('HEARTBEAT', {});
    await harness.advance(45);
  }
}

describe('drive lease', () => {
  it.each([200, 100])(
    'S10: lease %i ms lapses -> motor 0 and retract commanded within lease + 1 tick of the last heartbeat',
    async (leaseMs) => {
      pen = await openPenHarness({ sku: Sku.PRO, leaseMs });
      await armAndHold(pen, 1000);
      expect(physical(pen.sim).motorCommandHz).toBeGreaterThan(0);
      await pen.command('HEARTBEAT', {});
      const lastHeartbeatMs = pen.sim.nowMs;
      let safeAtMs: number | undefined;
      await pen.sim.runUntil(() => {
        const out = physical(pen!.sim);
        if (out.motorCommandHz === 0 && out.setpointUm === 0) safeAtMs = pen!.sim.nowMs;
        return safeAtMs !== undefined;
      }, leaseMs + 50);
      expect(safeAtMs).toBeDefined();
      expect(safeAtMs! - lastHeartbeatMs).toBeGreaterThanOrEqual(leaseMs - 1);
      expect(safeAtMs! - lastHeartbeatMs).toBeLessThanOrEqual(leaseMs + 1);
      await pen.advance(200);
      expect(pen.of('EVENT_STOPPED').at(-1)?.payload.reason).toBe(Reason.STOP_LEASE_LAPSED);
      expect(physical(pen.sim).depthUm).toBeLessThanOrEqual(5);
    },
  );

  it.each([
    [Sku.HOME, 250],
    [Sku.PRO, 2500],
  ] as const)(
    'S10: sku %i at %i um: motor off within lease + 1 tick and needles fully retracted within the documented bound, on every heartbeat phase',
    async (sku, depthUm) => {
      const offMs: number[] = [];
      const retractedMs: number[] = [];
      for (let phase = 0; phase < 6; phase++) {
        const harness = await openPenHarness({ sku, seed: 40 + phase });
        try {
          await harness.hello();
          await harness.command('SET_DEPTH', { depthUm });
          await harness.command('ARM', {});
          for (let i = 0; i < 14; i++) {
            await harness.command('HEARTBEAT', {});
            await harness.advance(35 + phase);
          }
          expect(physical(harness.sim).depthUm).toBeGreaterThanOrEqual(depthUm - 5);
          harness.send('HEARTBEAT', harness.seq++, {});
          const sentAtMs = harness.sim.nowMs;
          let off = -1;
          let retracted = -1;
          await harness.sim.runUntil(() => {
            const out = physical(harness.sim);
            if (off < 0 && out.motorCommandHz === 0) off = harness.sim.nowMs - sentAtMs;
            if (retracted < 0 && out.depthUm <= 0) retracted = harness.sim.nowMs - sentAtMs;
            return off >= 0 && retracted >= 0;
          }, 1000);
          offMs.push(off);
          retractedMs.push(retracted);
        } finally {
          await harness.close();
        }
      }
      // the heartbeat's bytes reach the pen in the step after they are written (1 ms)
      for (const ms of offMs) expect(ms).toBeLessThanOrEqual(LEASE_MS + 1 + 1);
      for (const ms of retractedMs) expect(ms).toBeLessThanOrEqual(retractBoundMs(depthUm) + 1);
      expect(Math.min(...retractedMs)).toBeGreaterThan(LEASE_MS);
    },
  );

  it('S10: an unplugged link (sim link drop) ends with the needles retracted and the pen disarmed, no host involved', async () => {
    pen = await openPenHarness({ sku: Sku.PRO });
    await armAndHold(pen, 800);
    pen.sim.faults.linkDrop();
    await pen.advance(400);
    expect(physical(pen.sim)).toMatchObject({ motorCommandHz: 0, setpointUm: 0 });
    expect(physical(pen.sim).depthUm).toBeLessThanOrEqual(5);
    pen.sim.faults.linkRestore();
    const info = await pen.hello();
    expect(info.state).toBe(PenState.IDLE);
  });

  it('S10: heartbeats keep the drive running for 2 s', async () => {
    pen = await openPenHarness({ sku: Sku.HOME });
    await armAndHold(pen, 250);
    for (let i = 0; i < 40; i++) {
      await pen.command('HEARTBEAT', {});
      await pen.advance(50);
    }
    expect(physical(pen.sim).motorCommandHz).toBe(120);
    expect(pen.of('EVENT_STOPPED')).toHaveLength(0);
  });
});
