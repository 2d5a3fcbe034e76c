// S11 S12 end-to-end: sensor and tracking faults injected through the simulator latch faults and stop the needles.
import { afterEach, describe, expect, it } from 'vitest';
import { Fault, Sku } from '../../src/protocol/index.js';
import { openPenHarness, physical, type PenHarness } from '../support/pen-harness.js';

let pen: PenHarness | undefined;
afterEach(async () => pen?.close());

async function armAt(harness: PenHarness, depthUm: number): Promise<void> {
  await harness.hello();
  await harness.command('SET_DEPTH', { depthUm });
  await harness.command('SET_SPEED', { strokeHz: 120 });
  await harness.command('ARM', {});
}

async function heartbeatFor(harness: PenHarness, ms: number): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += 40) {
    await harness.command('HEARTBEAT', {});
    await harness.advance(40);
  }
}

describe('sensor and tracking faults (sim fault injection)', () => {
  it('S11: a frozen encoder while the axis must move latches ENCODER_FROZEN and stops the needles', async () => {
    pen = await openPenHarness({ sku: Sku.PRO });
    await pen.hello();
    await pen.command('SET_DEPTH', { depthUm: 1500 });
    await pen.command('SET_SPEED', { strokeHz: 100 });
    pen.sim.faults.encoderFreeze();
    await pen.command('ARM', {});
    await heartbeatFor(pen, 200);
    expect(pen.of('EVENT_FAULT').map((event) => event.payload.faultCode)).toEqual([Fault.ENCODER_FROZEN]);
    expect(physical(pen.sim)).toMatchObject({ motorCommandHz: 0, setpointUm: 0 });
  });

  it('S12: encoder drift beyond tolerance latches a fault before the depth runs away', async () => {
    pen = await openPenHarness({ sku: Sku.PRO });
    await armAt(pen, 1000);
    await heartbeatFor(pen, 400);
    pen.sim.faults.encoderDrift(2000);
    await heartbeatFor(pen, 400);
    const faults = pen.of('EVENT_FAULT').map((event) => event.payload.faultCode);
    expect(faults).toHaveLength(1);
    expect([Fault.DEPTH_TRACKING, Fault.OVER_DEPTH]).toContain(faults[0]);
    expect(physical(pen.sim).motorCommandHz).toBe(0);
  });

  it('S12: a stalled motor latches MOTOR_STALL within spin-up grace + 100 ms', async () => {
    pen = await openPenHarness({ sku: Sku.HOME });
    await armAt(pen, 250);
    await heartbeatFor(pen, 400);
    const stalledAtMs = pen.sim.nowMs;
    pen.sim.faults.motorStall();
    await heartbeatFor(pen, 300);
    const fault = pen.of('EVENT_FAULT').at(-1);
    expect(fault?.payload.faultCode).toBe(Fault.MOTOR_STALL);
    expect(fault!.payload.deviceTickMs - stalledAtMs).toBeLessThanOrEqual(200);
    expect(physical(pen.sim).motorCommandHz).toBe(0);
  });

  it('S13: a pulled cartridge while armed latches CARTRIDGE_REMOVED', async () => {
    pen = await openPenHarness({ sku: Sku.HOME });
    await armAt(pen, 250);
    await heartbeatFor(pen, 200);
    pen.sim.faults.pullCartridge();
    await pen.advance(5);
    expect(pen.of('EVENT_FAULT').at(-1)?.payload.faultCode).toBe(Fault.CARTRIDGE_REMOVED);
    expect(pen.of('EVENT_CARTRIDGE').at(-1)?.payload.present).toBe(0);
  });
});
