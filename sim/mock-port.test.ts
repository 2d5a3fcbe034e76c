// Host-side view of a simulated pen: a SerialPortStream opened by path talks byte for byte to the firmware.
import { SerialPortStream } from '@serialport/stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Sku } from '../src/protocol/index.js';
import { PenSimulation } from './pen-simulation.js';
import {
  createStubFirmware,
  encodeStubConfigBlock,
  STUB_MOTOR_ON,
  type StubOptions,
} from '../test/support/stub-firmware.js';

const opened: { simulation: PenSimulation; port: SerialPortStream }[] = [];

async function openSimulation(stub: StubOptions = {}, maxReadBytes?: number) {
  const { createFirmware, probe } = createStubFirmware(stub);
  const simulation = PenSimulation.create({
    seed: 7,
    sku: Sku.HOME,
    createFirmware,
    encodeConfigBlock: encodeStubConfigBlock,
    ...(maxReadBytes === undefined ? {} : { maxReadBytes }),
  });
  const port = new SerialPortStream({ binding: simulation.binding, path: simulation.portPath, baudRate: 115200 });
  const received: number[] = [];
  const chunkSizes: number[] = [];
  port.on('data', (chunk: Buffer) => {
    chunkSizes.push(chunk.length);
    received.push(...chunk);
  });
  opened.push({ simulation, port });
  const isOpen = await simulation.runUntil(() => port.isOpen, 10);
  expect(isOpen).toBe(true);
  return { simulation, port, probe, received, chunkSizes };
}

afterEach(async () => {
  for (const { simulation, port } of opened.splice(0)) {
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    await simulation.close();
  }
});

describe('mock port', () => {
  it('delivers host writes to the firmware and firmware bytes to the host, in virtual time', async () => {
    const { simulation, port, probe, received } = await openSimulation();
    port.write(Buffer.from([1, 2, 3, 0xc0]));
    await simulation.advance(3);
    expect(probe.received).toEqual([1, 2, 3, 0xc0]);
    expect(received).toEqual([1, 2, 3, 0xc0]);
    expect(simulation.isHostConnected).toBe(true);
  });

  it('a host command reaches the hardware (the stub starts the motor)', async () => {
    const { simulation, port } = await openSimulation({ echo: false });
    port.write(Buffer.from([STUB_MOTOR_ON]));
    await simulation.advance(200);
    expect(simulation.pen.hardware.motor.commandHz).toBe(100);
    expect(simulation.pen.hardware.motor.strokeRateHz).toBeGreaterThan(99);
  });

  it('gives the same bytes whatever the read split (1-byte reads)', async () => {
    const { simulation, port, received, chunkSizes } = await openSimulation({}, 1);
    const bytes = Array.from({ length: 40 }, (_, i) => (i * 37) & 0xff);
    port.write(Buffer.from(bytes));
    await simulation.advance(5);
    expect(received).toEqual(bytes);
    expect(Math.max(...chunkSizes)).toBe(1);
  });

  it('emits periodic bytes at the firmware rate', async () => {
    const { simulation, received } = await openSimulation({
      echo: false,
      emitEveryMs: 10,
      emitBytes: new Uint8Array([9]),
    });
    const start = received.length;
    await simulation.advance(100);
    expect(received.length - start).toBe(10);
  });

  it('link drop stops both directions silently; restore resumes', async () => {
    const { simulation, port, probe, received } = await openSimulation();
    simulation.faults.linkDrop();
    port.write(Buffer.from([5, 6]));
    await simulation.advance(5);
    simulation.pen.deliverToPen(new Uint8Array([7]));
    await simulation.advance(5);
    expect(probe.received).toEqual([7]);
    expect(received).toEqual([]);
    expect(simulation.link.toPenCounters.lostBytes).toBe(2);
    expect(simulation.link.toHostCounters.lostBytes).toBe(1);
    simulation.faults.linkRestore();
    port.write(Buffer.from([8]));
    await simulation.advance(3);
    expect(probe.received).toEqual([7, 8]);
    expect(received).toEqual([8]);
  });

  it('garbage arrives at both ends', async () => {
    const { simulation, probe, received } = await openSimulation({ echo: false });
    simulation.faults.linkGarbage(new Uint8Array([0xde, 0xad]), 'both');
    simulation.faults.linkGarbage(5, 'toHost');
    await simulation.advance(2);
    expect(probe.received).toEqual([0xde, 0xad]);
    expect(received.slice(0, 2)).toEqual([0xde, 0xad]);
    expect(received.length).toBe(7);
  });

  it('frame delay holds bytes both ways for the delay', async () => {
    const { simulation, port, probe, received } = await openSimulation();
    simulation.faults.frameDelay(20);
    port.write(Buffer.from([1]));
    await simulation.advance(19);
    expect(probe.received).toEqual([]);
    await simulation.advance(1);
    expect(probe.received).toEqual([1]);
    await simulation.advance(19);
    expect(received).toEqual([]);
    await simulation.advance(1);
    expect(received).toEqual([1]);
  });

  it('uses a unique port path per simulation and refuses a taken path', async () => {
    const first = await openSimulation();
    const second = await openSimulation();
    expect(first.simulation.portPath).not.toBe(second.simulation.portPath);
    const { createFirmware } = createStubFirmware();
    expect(() =>
      PenSimulation.create({
        seed: 1,
        sku: Sku.HOME,
        createFirmware,
        encodeConfigBlock: encodeStubConfigBlock,
        portPath: first.simulation.portPath,
      }),
    ).toThrow(/already attached/);
  });

  it('bytes emitted while the host has the port closed are lost', async () => {
    const { simulation, port, received } = await openSimulation({
      echo: false,
      emitEveryMs: 1,
      emitBytes: new Uint8Array([4]),
    });
    await new Promise<void>((resolve) => port.close(() => resolve()));
    const before = received.length;
    await simulation.advance(10);
    expect(received.length).toBe(before);
    expect(simulation.isHostConnected).toBe(false);
  });
});
