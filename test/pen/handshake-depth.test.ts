// End-to-end through the mock port: handshake, depth floored and clamped, speed range, telemetry.
import { afterEach, describe, expect, it } from 'vitest';
import { configBlockCrc, encodeConfigBlock } from '../../firmware/config.js';
import {
  Fault,
  MESSAGES,
  PenState,
  PROTOCOL_VERSION,
  Reason,
  Sku,
  slipEncode,
  TelemetryFlag,
} from '../../src/protocol/index.js';
import { withCrc } from '../fixtures/bad-input-corpus.js';
import { openPenHarness, physical, type PenHarness } from '../support/pen-harness.js';

let pen: PenHarness | undefined;
afterEach(async () => pen?.close());

describe('pen over the mock port', () => {
  it('handshake: HELLO is answered by INFO with identity, limits, consumables and config checksum', async () => {
    const configBlock = encodeConfigBlock({ sku: Sku.HOME, serialNumber: 4242, leaseMs: 200 });
    pen = await openPenHarness({
      sku: Sku.HOME,
      configBlock,
      cartridge: { id: 777, needleCount: 16 },
      batteryPercent: 80,
    });
    const info = await pen.hello();
    expect(info).toMatchObject({
      protocolVersion: PROTOCOL_VERSION,
      firmwareMajor: 1,
      sku: Sku.HOME,
      serialNumber: 4242,
      maxDepthUm: 250,
      depthStepUm: 50,
      minStrokeHz: 50,
      maxStrokeHz: 150,
      leaseMs: 200,
      cartridgeId: 777,
      needleCount: 16,
      configCrc: configBlockCrc(configBlock),
      state: PenState.IDLE,
      faultCode: Fault.NONE,
    });
    expect(info.batteryPercent).toBeGreaterThanOrEqual(75);
    expect(info.batteryPercent).toBeLessThanOrEqual(80);
  });

  it('S3: depth is floored to the 50 um step and the ACK says so', async () => {
    pen = await openPenHarness({ sku: Sku.PRO });
    await pen.hello();
    const ack = await pen.command('SET_DEPTH', { depthUm: 237 });
    expect(ack).toMatchObject({ name: 'ACK', payload: { note: Reason.DEPTH_FLOORED_TO_STEP, appliedValue: 200 } });
    const exact = await pen.command('SET_DEPTH', { depthUm: 1500 });
    expect(exact).toMatchObject({ name: 'ACK', payload: { note: Reason.NONE, appliedValue: 1500 } });
  });

  it('S1: a home pen clamps depth to 250 um with a reason, and refuses out-of-range values outright', async () => {
    pen = await openPenHarness({ sku: Sku.HOME });
    await pen.hello();
    const clamped = await pen.command('SET_DEPTH', { depthUm: 1000 });
    expect(clamped).toMatchObject({
      name: 'ACK',
      payload: { note: Reason.DEPTH_CLAMPED_TO_SKU_MAX, appliedValue: 250 },
    });
    pen.send('SET_DEPTH', pen.seq, { depthUm: 0 });
    pen.seq += 1;
    await pen.advance(5);
    expect(pen.of('ACK').at(-1)?.payload.appliedValue).toBe(0);
  });

  it('S7: stroke speed outside 50-150 Hz is refused with SPEED_OUT_OF_RANGE, inside is applied', async () => {
    pen = await openPenHarness({ sku: Sku.HOME });
    await pen.hello();
    for (const strokeHz of [49, 151, 0, 0xffff]) {
      const seq = pen.seq;
      pen.writeRaw(
        slipEncode(withCrc([8, seq & 0xff, seq >> 8, MESSAGES.SET_SPEED.type, strokeHz & 0xff, strokeHz >> 8])),
      );
      await pen.advance(5);
      expect(pen.received.at(-1)).toMatchObject({
        name: 'NAK',
        payload: { refusedSeq: seq, reason: Reason.SPEED_OUT_OF_RANGE },
      });
      pen.seq += 1;
    }
    expect(await pen.command('SET_SPEED', { strokeHz: 150 })).toMatchObject({
      name: 'ACK',
      payload: { appliedValue: 150 },
    });
    expect(await pen.command('SET_SPEED', { strokeHz: 50 })).toMatchObject({
      name: 'ACK',
      payload: { appliedValue: 50 },
    });
  });

  it('S1: armed at 200 um, measured depth settles within 5 um of it and telemetry reports it', async () => {
    pen = await openPenHarness({ sku: Sku.HOME });
    await pen.hello();
    await pen.command('SET_TELEMETRY', { rateHz: 100 });
    await pen.command('SET_DEPTH', { depthUm: 200 });
    await pen.command('SET_SPEED', { strokeHz: 100 });
    expect(await pen.command('ARM', {})).toMatchObject({ name: 'ACK' });
    for (let i = 0; i < 10; i++) {
      await pen.command('HEARTBEAT', {});
      await pen.advance(40);
    }
    const last = pen.of('TELEMETRY').at(-1)!.payload;
    expect(last.state).toBe(PenState.ARMED);
    expect(last.commandedDepthUm).toBe(200);
    expect(Math.abs(last.measuredDepthUm - 200)).toBeLessThanOrEqual(5);
    expect(last.flags & TelemetryFlag.MOTOR_ON).toBe(TelemetryFlag.MOTOR_ON);
    expect(Math.abs(last.measuredStrokeHz - 100)).toBeLessThanOrEqual(10);
    expect(physical(pen.sim).depthUm).toBeLessThanOrEqual(200);
  });
});
