// Every injectable fault kind changes what the hardware reports; clearAll restores a healthy pen.
import { afterEach, describe, expect, it } from 'vitest';
import { Sku } from '../src/protocol/index.js';
import { FAULT_KINDS, type FaultKind } from './faults.js';
import { ENCODER_NOISE_MAX_UM } from './physics/depth-actuator.js';
import { MOTOR_CURRENT_NOISE_MA, MOTOR_SHORT_CURRENT_MA, MOTOR_STALL_CURRENT_MA } from './physics/motor.js';
import { BROWN_OUT_SUPPLY_MV } from './physics/battery.js';
import { PenSimulation } from './pen-simulation.js';
import { createStubFirmware, encodeStubConfigBlock, type StubProbe } from '../test/support/stub-firmware.js';

const simulations: PenSimulation[] = [];

function simulate(): { simulation: PenSimulation; probe: StubProbe } {
  const { createFirmware, probe } = createStubFirmware({ echo: false });
  const simulation = PenSimulation.create({
    seed: 11,
    sku: Sku.PRO,
    createFirmware,
    encodeConfigBlock: encodeStubConfigBlock,
  });
  simulations.push(simulation);
  return { simulation, probe };
}

afterEach(async () => {
  for (const simulation of simulations.splice(0)) await simulation.close();
});

async function strokesIn(simulation: PenSimulation, ms: number): Promise<number> {
  const before = simulation.pen.hardware.readStrokeCounter();
  await simulation.advance(ms);
  return simulation.pen.hardware.readStrokeCounter() - before;
}

type Scenario = (simulation: PenSimulation, probe: StubProbe) => Promise<void>;

/** One scenario per kind: a healthy reading, the injection (by its stable id), the changed reading. */
const scenarios: Record<FaultKind, Scenario> = {
  'motor-stall': async (simulation) => {
    const hardware = simulation.pen.hardware;
    hardware.setMotorStrokeHz(100);
    await simulation.advance(300);
    expect(await strokesIn(simulation, 100)).toBe(10);
    simulation.faults.inject({ kind: 'motor-stall' });
    await simulation.advance(50);
    expect(await strokesIn(simulation, 100)).toBe(0);
    expect(Math.abs(hardware.readMotorCurrentMa() - MOTOR_STALL_CURRENT_MA)).toBeLessThanOrEqual(
      MOTOR_CURRENT_NOISE_MA,
    );
  },
  'encoder-drift': async (simulation) => {
    const hardware = simulation.pen.hardware;
    expect(Math.abs(hardware.readDepthEncoderUm())).toBeLessThanOrEqual(ENCODER_NOISE_MAX_UM);
    simulation.faults.inject({ kind: 'encoder-drift', umPerSecond: -500 });
    await simulation.advance(200);
    expect(Math.abs(hardware.readDepthEncoderUm() + 100)).toBeLessThanOrEqual(ENCODER_NOISE_MAX_UM);
  },
  'encoder-freeze': async (simulation) => {
    const hardware = simulation.pen.hardware;
    simulation.faults.inject({ kind: 'encoder-freeze' });
    const frozenUm = hardware.readDepthEncoderUm();
    const startUm = hardware.actuator.physicalUm;
    hardware.setDepthActuatorUm(300);
    await simulation.advance(30);
    expect(hardware.actuator.physicalUm - startUm).toBe(300);
    for (let i = 0; i < 5; i++) expect(hardware.readDepthEncoderUm()).toBe(frozenUm);
  },
  'over-depth-runaway': async (simulation) => {
    const hardware = simulation.pen.hardware;
    hardware.setDepthActuatorUm(200);
    await simulation.advance(30);
    expect(Math.abs(hardware.readDepthEncoderUm() - 200)).toBeLessThanOrEqual(ENCODER_NOISE_MAX_UM);
    simulation.faults.inject({ kind: 'over-depth-runaway', umPerMs: 5 });
    await simulation.advance(40);
    expect(Math.abs(hardware.readDepthEncoderUm() - 400)).toBeLessThanOrEqual(ENCODER_NOISE_MAX_UM);
  },
  'over-current': async (simulation) => {
    const hardware = simulation.pen.hardware;
    hardware.setMotorStrokeHz(100);
    await simulation.advance(300);
    expect(hardware.readMotorCurrentMa()).toBeLessThan(200);
    simulation.faults.inject({ kind: 'over-current' });
    await simulation.advance(1);
    expect(Math.abs(hardware.readMotorCurrentMa() - MOTOR_SHORT_CURRENT_MA)).toBeLessThanOrEqual(
      MOTOR_CURRENT_NOISE_MA,
    );
  },
  'brown-out': async (simulation, probe) => {
    const hardware = simulation.pen.hardware;
    hardware.setMotorStrokeHz(100);
    await simulation.advance(20);
    simulation.faults.inject({ kind: 'brown-out', rebootAfterMs: 50 });
    expect(hardware.readBatteryMv()).toBe(BROWN_OUT_SUPPLY_MV);
    expect(simulation.faults.active).toEqual(['brown-out']);
    await simulation.advance(50);
    expect(probe.boots).toBe(1);
    expect(hardware.readMotorCurrentMa()).toBe(0);
    await simulation.advance(1);
    expect(probe.boots).toBe(2);
    expect(probe.lastUptimeMs).toBe(1);
    expect(hardware.readBatteryMv()).toBeGreaterThan(3900);
    expect(simulation.faults.active).toEqual([]);
  },
  'pull-cartridge': async (simulation) => {
    expect(simulation.pen.hardware.readCartridge()?.needleCount).toBe(12);
    simulation.faults.inject({ kind: 'pull-cartridge' });
    expect(simulation.pen.hardware.readCartridge()).toBeNull();
  },
  'link-garbage': async (simulation, probe) => {
    simulation.faults.inject({ kind: 'link-garbage', bytes: 64, direction: 'toPen' });
    await simulation.advance(1);
    expect(probe.received.length).toBe(64);
    expect(new Set(probe.received).size).toBeGreaterThan(20);
  },
  'link-drop': async (simulation, probe) => {
    simulation.faults.inject({ kind: 'link-drop' });
    simulation.faults.linkGarbage(8, 'toPen');
    await simulation.advance(5);
    expect(probe.received).toEqual([]);
    expect(simulation.link.toPenCounters.lostBytes).toBe(8);
  },
  'frame-delay': async (simulation, probe) => {
    simulation.faults.inject({ kind: 'frame-delay', delayMs: 30 });
    simulation.faults.linkGarbage(new Uint8Array([1, 2]), 'toPen');
    await simulation.advance(29);
    expect(probe.received).toEqual([]);
    await simulation.advance(1);
    expect(probe.received).toEqual([1, 2]);
  },
};

describe('fault injection', () => {
  it.each(FAULT_KINDS)('%s observably changes the hardware readings', async (kind) => {
    const { simulation, probe } = simulate();
    await scenarios[kind](simulation, probe);
    expect(simulation.faults.history.map((record) => record.kind)).toContain(kind);
  });

  it('lists ten stable kind ids', () => {
    expect(FAULT_KINDS).toEqual([
      'motor-stall',
      'encoder-drift',
      'encoder-freeze',
      'over-depth-runaway',
      'over-current',
      'brown-out',
      'pull-cartridge',
      'link-garbage',
      'link-drop',
      'frame-delay',
    ]);
  });

  it('clearAll restores a healthy motor, encoder, supply and link', async () => {
    const { simulation, probe } = simulate();
    const hardware = simulation.pen.hardware;
    hardware.setMotorStrokeHz(100);
    simulation.faults.motorStall();
    simulation.faults.overCurrent();
    simulation.faults.encoderDrift(2000);
    simulation.faults.encoderFreeze();
    simulation.faults.brownOut(1000);
    simulation.faults.linkDrop();
    simulation.faults.frameDelay(500);
    expect([...simulation.faults.active].sort()).toEqual([
      'brown-out',
      'encoder-drift',
      'encoder-freeze',
      'frame-delay',
      'link-drop',
      'motor-stall',
      'over-current',
    ]);
    await simulation.advance(100);
    simulation.faults.clearAll();
    expect(simulation.faults.active).toEqual([]);
    await simulation.advance(400);
    expect(await strokesIn(simulation, 100)).toBe(10);
    expect(hardware.readMotorCurrentMa()).toBeLessThan(200);
    expect(Math.abs(hardware.readDepthEncoderUm())).toBeLessThanOrEqual(ENCODER_NOISE_MAX_UM);
    expect(hardware.readBatteryMv()).toBeGreaterThan(3900);
    expect(probe.boots).toBe(1);
    simulation.faults.linkGarbage(new Uint8Array([9]), 'toPen');
    await simulation.advance(1);
    expect(probe.received).toEqual([9]);
  });

  it('refuses meaningless parameters', () => {
    const { simulation } = simulate();
    expect(() => simulation.faults.encoderDrift(Number.NaN)).toThrow(RangeError);
    expect(() => simulation.faults.overDepthRunaway(0)).toThrow(RangeError);
    expect(() => simulation.faults.brownOut(-1)).toThrow(RangeError);
    expect(() => simulation.faults.linkGarbage(-2)).toThrow(RangeError);
    expect(() => simulation.faults.frameDelay(-1)).toThrow(RangeError);
    expect(simulation.faults.history).toEqual([]);
  });
});
