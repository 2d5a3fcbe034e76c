// Puts the emulated bench's Firmata board behind @serialport/binding-mock, stepped with a PenSimulation in virtual time.
import { attachMockPort, simulatedPortBinding, type MockPortAttachment } from '../mock-port.js';
import type { PenSimulation } from '../pen-simulation.js';
import { BenchRig, type BenchRigOptions } from './bench-rig.js';

/** Time from the host opening the port (DTR auto-reset) to the board's version banner, ms. */
export const FIXTURE_BOOT_DELAY_MS = 50;

let nextFixturePortNumber = 1;

export interface MockFixtureBoardOptions extends Omit<BenchRigOptions, 'pen'> {
  /** Default: a unique `/dev/mnpen-fixture-<n>`. */
  readonly path?: string;
}

/** The emulated bench on a mock port. Open `path` with `binding`, as any serial port. */
export interface MockFixtureBoard {
  readonly rig: BenchRig;
  readonly path: string;
  readonly binding: typeof simulatedPortBinding;
  /** Frees the port path (the simulation stops stepping the rig when it closes). */
  detach(): void;
}

/**
 * Builds the bench around `simulation`'s pen and attaches its board at a mock port path. Opening the
 * port resets the board as an Arduino's DTR line does: it sends its banner after FIXTURE_BOOT_DELAY_MS.
 * Throws Error when the path is taken.
 */
export function attachMockFixtureBoard(simulation: PenSimulation, options: MockFixtureBoardOptions): MockFixtureBoard {
  const rig = new BenchRig({ ...options, pen: simulation.pen });
  const path = options.path ?? `/dev/mnpen-fixture-${nextFixturePortNumber++}`;
  let received = false;
  const port: MockPortAttachment = attachMockPort({
    path,
    onHostBytes: (bytes) => {
      rig.board.receive(bytes);
      received = true;
    },
  });
  let hostWasOpen = false;
  simulation.attachPeripheral({
    step(nowMs) {
      const hostOpen = port.isHostOpen;
      if (hostOpen && !hostWasOpen) rig.board.powerOn(nowMs, FIXTURE_BOOT_DELAY_MS);
      hostWasOpen = hostOpen;
      rig.step(nowMs);
      const output = rig.board.takeOutput();
      const emitted = output !== null && port.emitToHost(output);
      const moved = received || emitted;
      received = false;
      return moved;
    },
  });
  return { rig, path, binding: simulatedPortBinding, detach: () => port.detach() };
}
