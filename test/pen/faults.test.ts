// End-to-end fault handling: the limiter latches injected over-depth within one tick; faults stay latched until reset and re-home.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeConfigBlock } from '../../firmware/config.js';
import { ENCODER_NOISE_MAX_UM } from '../../sim/index.js';
import { Fault, PenState, Reason, Sku } from '../../src/protocol/index.js';
import { openPenHarness, physical, type PenHarness } from '../support/pen-harness.js';

let pen: PenHarness | undefined;
afterEach(async () => pen?.close());

async function arm(harness: PenHarness, depthUm: number): Promise<void> {
  await harness.hello();
  await harness.command('SET_TELEMETRY', { rateHz: 1000 });
  await harness.command('SET_DEPTH', { depthUm });
  await harness.command('SET_SPEED', { strokeHz: 100 });
  await harness.command('ARM', {});
  // NOTE: the axis slews at 5 um/ms, so 2500 um needs 500 ms to reach before the fault is injected.
  for (let i = 0; i < 15; i++) {
    await harness.command('HEARTBEAT', {});
    await harness.advance(40);
  }
}

describe('faults', () => {
  it.each([
    [Sku.HOME, 250],
    [Sku.PRO, 2500],
  ] as const)(
    'S1: injected over-depth runaway on SKU %i latches OVER_DEPTH within one tick of crossing cap + 50 um',
    async (sku, capUm) => {
      pen = await openPenHarness({ sku });
      await arm(pen, capUm);
      pen.sim.faults.overDepthRunaway(10);
      // NOTE: observe the noise-free physical depth: reading the encoder here would draw from the sim's noise stream.
      let surelyAboveAtMs: number | undefined;
      let latchedAtMs: number | undefined;
      await pen.sim.runUntil(() => {
        const out = physical(pen!.sim);
        if (surelyAboveAtMs === undefined && out.depthUm > capUm + 50 + ENCODER_NOISE_MAX_UM)
          surelyAboveAtMs = pen!.sim.nowMs;
        if (out.motorCommandHz === 0 && out.setpointUm === 0) latchedAtMs = pen!.sim.nowMs;
        return latchedAtMs !== undefined;
      }, 500);
      expect(latchedAtMs).toBeDefined();
      if (surelyAboveAtMs !== undefined) expect(latchedAtMs! - surelyAboveAtMs).toBeLessThanOrEqual(1);
      await pen.advance(5);
      const fault = pen.of('EVENT_FAULT').at(-1)?.payload;
      expect(fault?.faultCode).toBe(Fault.OVER_DEPTH);
      expect(fault!.measuredDepthUm).toBeGreaterThan(capUm + 50);
      expect(fault!.measuredDepthUm).toBeLessThanOrEqual(capUm + 50 + 10 + ENCODER_NOISE_MAX_UM);
    },
  );

  it('S13 S17: a fault stays latched through commands until RESET_FAULT, then HOME is required before ARM', async () => {
    pen = await openPenHarness({ sku: Sku.HOME });
    await arm(pen, 250);
    pen.sim.faults.overCurrent();
    await pen.advance(20);
    pen.sim.faults.clearAll();
    expect(pen.of('EVENT_FAULT').at(-1)?.payload.faultCode).toBe(Fault.OVER_CURRENT);
    for (const attempt of ['ARM', 'HOME'] as const) {
      expect(await pen.command(attempt, {})).toMatchObject({ name: 'NAK', payload: { reason: Reason.FAULT_LATCHED } });
    }
    expect(await pen.command('SET_DEPTH', { depthUm: 100 })).toMatchObject({
      name: 'NAK',
      payload: { reason: Reason.FAULT_LATCHED },
    });
    await pen.command('HEARTBEAT', {});
    await pen.advance(1000);
    expect(physical(pen.sim)).toMatchObject({ motorCommandHz: 0, setpointUm: 0 });
    const status = async () => {
      pen!.send('STATUS_REQUEST', 0, {});
      await pen!.advance(3);
      return pen!.of('STATUS').at(-1)!.payload;
    };
    expect((await status()).state).toBe(PenState.FAULT);
    expect(await pen.command('RESET_FAULT', {})).toMatchObject({ name: 'ACK' });
    expect((await status()).state).toBe(PenState.UNHOMED);
    expect(await pen.command('ARM', {})).toMatchObject({ name: 'NAK', payload: { reason: Reason.NOT_HOMED } });
    expect(await pen.command('HOME', {})).toMatchObject({ name: 'ACK' });
    await pen.advance(1000);
    expect((await status()).state).toBe(PenState.IDLE);
    expect(await pen.command('ARM', {})).toMatchObject({ name: 'ACK' });
  });

  it('S13: RESET_FAULT without a fault is refused with NO_FAULT', async () => {
    pen = await openPenHarness({ sku: Sku.HOME });
    await pen.hello();
    expect(await pen.command('RESET_FAULT', {})).toMatchObject({ name: 'NAK', payload: { reason: Reason.NO_FAULT } });
  });

  it('S17: a corrupted configuration block latches CONFIG_CORRUPT at boot and the drive cannot be armed', async () => {
    const configBlock = encodeConfigBlock({ sku: Sku.HOME, serialNumber: 1, leaseMs: 200 });
    configBlock[2] = (configBlock[2] as number) ^ 0x40;
    pen = await openPenHarness({ sku: Sku.HOME, configBlock });
    const info = await pen.hello();
    expect(info).toMatchObject({ state: PenState.FAULT, faultCode: Fault.CONFIG_CORRUPT });
    expect(await pen.command('ARM', {})).toMatchObject({ name: 'NAK', payload: { reason: Reason.FAULT_LATCHED } });
    expect(physical(pen.sim).motorCommandHz).toBe(0);
  });

  it('S17: after a brown-out reboot the pen self-tests and homes again before it can be armed', async () => {
    pen = await openPenHarness({ sku: Sku.HOME });
    await arm(pen, 250);
    pen.sim.faults.brownOut(50);
    await pen.advance(60);
    expect(physical(pen.sim).motorCommandHz).toBe(0);
    await pen.advance(1500);
    const info = await pen.hello();
    expect(info.state).toBe(PenState.IDLE);
    expect(pen.sim.pen.bootCount).toBe(2);
  });
});
