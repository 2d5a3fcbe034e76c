// docs/protocol.md "Measurements": encoder noise within +/-3 um, stroke rate in 10 Hz steps, device ticks in TELEMETRY.
import { afterEach, describe, expect, it } from 'vitest';
import { ENCODER_NOISE_MAX_UM } from '../../sim/index.js';
import { PenState, Sku, type Message } from '../../src/protocol/index.js';
import { openPenHarness, type PenHarness } from '../support/pen-harness.js';

let pen: PenHarness | undefined;
afterEach(async () => pen?.close());

type Telemetry = Extract<Message, { name: 'TELEMETRY' }>['payload'];

describe('measurements as documented', () => {
  it('S12: at rest and at a held depth the reading stays within +/-3 um of the setpoint; the stroke rate is a multiple of 10 Hz', async () => {
    pen = await openPenHarness({ sku: Sku.PRO, seed: 12 });
    await pen.hello();
    await pen.command('SET_TELEMETRY', { rateHz: 1000 });
    await pen.advance(300);
    const atRest = pen.of('TELEMETRY').map((m) => m.payload);
    await pen.command('SET_DEPTH', { depthUm: 1200 });
    await pen.command('SET_SPEED', { strokeHz: 117 });
    await pen.command('ARM', {});
    for (let i = 0; i < 20; i++) {
      await pen.command('HEARTBEAT', {});
      await pen.advance(45);
    }
    const samples = pen.of('TELEMETRY').map((m) => m.payload);
    const held = samples.slice(-300).filter((t: Telemetry) => t.state === PenState.ARMED);
    expect(atRest.length).toBeGreaterThan(250);
    expect(held.length).toBeGreaterThan(250);
    expect(ENCODER_NOISE_MAX_UM).toBe(3);
    for (const t of [...atRest, ...held]) {
      expect(Math.abs(t.measuredDepthUm - t.commandedDepthUm)).toBeLessThanOrEqual(3);
    }
    for (const t of samples) expect(t.measuredStrokeHz % 10).toBe(0);
    expect(new Set(held.map((t) => t.measuredStrokeHz)).size).toBeLessThanOrEqual(3);
    const ticks = samples.map((t) => t.deviceTickMs);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBeGreaterThanOrEqual(1);
  });
});
