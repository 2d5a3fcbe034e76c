// PenSimulation: shared virtual clock with host timers, operator hand, determinism, closing and speed.
import { SerialPortStream } from '@serialport/stream';
import { decodeConfigBlock } from '../firmware/config.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Sku } from '../src/protocol/index.js';
import { VirtualClock } from '../src/clock/clock.js';
import { createOperatorScript, type OperatorIntent } from './operator.js';
import { PenSimulation, type PenSimulationOptions } from './pen-simulation.js';
import { createStubFirmware, encodeStubConfigBlock, STUB_MOTOR_ON } from '../test/support/stub-firmware.js';

const simulations: PenSimulation[] = [];

function simulate(overrides: Partial<PenSimulationOptions> = {}) {
  const { createFirmware, probe } = createStubFirmware({ echo: false });
  const simulation = PenSimulation.create({
    seed: 5,
    sku: Sku.HOME,
    createFirmware,
    encodeConfigBlock: encodeStubConfigBlock,
    ...overrides,
  });
  simulations.push(simulation);
  return { simulation, probe };
}

afterEach(async () => {
  for (const simulation of simulations.splice(0)) await simulation.close();
});

describe('pen simulation', () => {
  it('builds the config block from sku, serial number and lease (or takes raw bytes)', () => {
    const { simulation } = simulate({ serialNumber: 0x01020304, leaseMs: 300 });
    expect([...simulation.pen.hardware.readConfigBlock()]).toEqual([Sku.HOME, 4, 3, 2, 1, 44, 1]);
    const raw = simulate({ configBlock: new Uint8Array([0xee]) }).simulation;
    expect([...raw.pen.hardware.readConfigBlock()]).toEqual([0xee]);
    const { createFirmware } = createStubFirmware();
    const defaulted = PenSimulation.create({ seed: 1, sku: Sku.HOME, createFirmware, serialNumber: 7 });
    expect(decodeConfigBlock(defaulted.pen.hardware.readConfigBlock())).toEqual({
      sku: Sku.HOME,
      serialNumber: 7,
      leaseMs: 200,
    });
  });

  it('inserts a seeded 12-needle cartridge by default, none when null, and sets the battery', () => {
    const a = simulate().simulation.pen.hardware.readCartridge();
    const b = simulate().simulation.pen.hardware.readCartridge();
    expect(a?.needleCount).toBe(12);
    expect(a?.id).toBe(b?.id);
    expect(simulate({ cartridge: null }).simulation.pen.hardware.readCartridge()).toBeNull();
    expect(simulate({ batteryPercent: 10 }).simulation.pen.hardware.battery.percent).toBe(10);
  });

  it('fires host timers at their virtual time and a write made in one reaches the pen the next ms', async () => {
    const clock = new VirtualClock();
    const { simulation } = simulate({ clock });
    const port = new SerialPortStream({ binding: simulation.binding, path: simulation.portPath, baudRate: 115200 });
    await simulation.runUntil(() => port.isOpen, 5);
    const startMs = clock.nowMs();
    let firedAtMs = -1;
    clock.setTimer(25, () => {
      firedAtMs = clock.nowMs();
      port.write(Buffer.from([STUB_MOTOR_ON]));
    });
    await simulation.advance(25);
    expect(firedAtMs).toBe(startMs + 25);
    expect(simulation.pen.hardware.motor.commandHz).toBe(0);
    await simulation.advance(1);
    expect(simulation.pen.hardware.motor.commandHz).toBe(100);
    expect(clock.nowMs()).toBe(startMs + 26);
    await new Promise<void>((resolve) => port.close(() => resolve()));
  });

  it('runUntil stops as soon as the predicate holds, or after the timeout', async () => {
    const { simulation } = simulate();
    expect(await simulation.runUntil(() => true, 100)).toBe(true);
    expect(simulation.nowMs).toBe(0);
    expect(await simulation.runUntil(() => simulation.pen.uptimeMs >= 40, 100)).toBe(true);
    expect(simulation.nowMs).toBe(40);
    expect(await simulation.runUntil(() => false, 60)).toBe(false);
    expect(simulation.nowMs).toBe(100);
  });

  it('drives the skin from an operator script started on demand and waits for readiness', async () => {
    const { simulation } = simulate();
    const script = createOperatorScript({ seed: 3, areas: [{ area: 'forehead', passes: 2 }] });
    const intents: OperatorIntent[] = [];
    let ready = false;
    const runner = simulation.attachOperator(script, (intent) => intents.push(intent), { isReady: () => ready });
    await simulation.advance(100);
    expect(intents).toEqual([]);
    runner.start(simulation.nowMs);
    await simulation.advance(1);
    expect(intents).toEqual([{ kind: 'selectArea', area: 'forehead' }]);
    await simulation.advance(5000);
    expect(simulation.pen.hardware.skin.edgeCount).toBe(0);
    ready = true;
    expect(await simulation.runUntil(() => runner.isDone, 60_000)).toBe(true);
    expect(intents.at(-1)).toEqual({ kind: 'done' });
    expect(simulation.pen.hardware.skin.isInContact).toBe(false);
    const contactSteps = script.filter((step) => step.kind === 'contact').length;
    expect(simulation.pen.hardware.skin.edgeCount).toBe(contactSteps);
  });

  it('is deterministic for a seed: same physics after the same inputs', async () => {
    const run = async (seed: number) => {
      const { simulation } = simulate({ seed });
      simulation.pen.deliverToPen(new Uint8Array([STUB_MOTOR_ON]));
      simulation.faults.linkGarbage(16, 'toPen');
      await simulation.advance(300);
      const hardware = simulation.pen.hardware;
      return [
        hardware.actuator.physicalUm,
        hardware.readStrokeCounter(),
        hardware.readMotorCurrentMa(),
        hardware.readCartridge()?.id,
      ];
    };
    expect(await run(21)).toEqual(await run(21));
    expect(await run(21)).not.toEqual(await run(22));
  });

  it('refuses to advance after close and frees the port path', async () => {
    const { simulation } = simulate({ portPath: '/dev/mnpen-sim-closing' });
    await simulation.close();
    await expect(simulation.advance(1)).rejects.toThrow(/closed/);
    simulate({ portPath: '/dev/mnpen-sim-closing' });
  });
});
