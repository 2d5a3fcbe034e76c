// A whole emulated bench in real time on two open ports (socat pty ends): the simulated pen's serial link on one, the fixture board on the other, one pen physics under both.
import type { Duplex } from 'node:stream';
import { BenchRig } from '../../sim/fixture-board/index.js';
import { PenSimulation, SeededRandom } from '../../sim/index.js';
import { DEFAULT_FIXTURE_CONFIG } from '../../src/bench/fixtures/fixture-config.js';
import { SIM_PAD_POSITION } from '../../src/bench/sim-bench.js';
import type { SkuCode } from '../../src/protocol/index.js';

/** Scheduler period: pen and rig catch up every this many ms, one 1 ms step at a time. */
const PERIOD_MS = 2;

export interface RealtimeBenchOptions {
  /** Open port whose other end the controller uses as the pen's serial port (`--port`). */
  readonly penPort: Duplex;
  /** Open port whose other end johnny-five uses as the fixture board (`--fixture firmata:`). */
  readonly boardPort: Duplex;
  readonly sku: SkuCode;
  readonly seed: number;
  /** The pen's serial number (INFO); default: the simulation's draw for the seed. */
  readonly serialNumber?: number;
}

export interface RealtimeBench {
  readonly simulation: PenSimulation;
  readonly rig: BenchRig;
  /** Milliseconds stepped so far, and the longest catch-up (ms of pen time run in one timer callback). */
  readonly stats: { readonly steppedMs: number; readonly longestCatchUpMs: number };
  /** The board's reset button (its banner again, for a client that missed it). */
  resetBoard(): void;
  /** Stops the clock and detaches both ports (the caller closes them); closes the simulation. */
  stop(): Promise<void>;
}

/**
 * One simulated pen (as the simulated target builds it, with its defaults: cartridge, battery,
 * serial) and the emulated fixture board wired to it as `openSimBench` wires it, stepped together
 * in real time: every 1 ms step runs the rig (servo, relay, gauge, e-stop) then the pen; the pen's
 * transmissions go to `penPort`, the board's to `boardPort`. The pen starts unpowered (the relay
 * is open until the bench closes it).
 */
export function startRealtimeBench(options: RealtimeBenchOptions): RealtimeBench {
  const simulation = PenSimulation.create({
    seed: options.seed,
    sku: options.sku,
    ...(options.serialNumber === undefined ? {} : { serialNumber: options.serialNumber }),
  });
  const { pen } = simulation;
  const { arm, pins } = DEFAULT_FIXTURE_CONFIG;
  const rig = new BenchRig({
    pen,
    pins,
    random: new SeededRandom(options.seed).derive(0xb3c4),
    contactDeg: arm.liftDeg + (arm.pressDeg - arm.liftDeg) * SIM_PAD_POSITION,
  });
  const { penPort, boardPort } = options;
  const toPen = (chunk: Buffer): void => pen.deliverToPen(chunk);
  const toBoard = (chunk: Buffer): void => rig.board.receive(chunk);
  penPort.on('data', toPen);
  boardPort.on('data', toBoard);
  rig.board.powerOn(0);
  const stats = { steppedMs: 0, longestCatchUpMs: 0 };
  const startedAt = performance.now();
  const timer = setInterval(() => {
    const dueMs = Math.floor(performance.now() - startedAt);
    stats.longestCatchUpMs = Math.max(stats.longestCatchUpMs, dueMs - stats.steppedMs);
    while (stats.steppedMs < dueMs) {
      stats.steppedMs++;
      rig.step(stats.steppedMs);
      pen.step();
      const transmitted = pen.takeTransmitted();
      if (transmitted !== null && penPort.writable) penPort.write(Buffer.from(transmitted));
      const output = rig.board.takeOutput();
      if (output !== null && boardPort.writable) boardPort.write(Buffer.from(output));
    }
  }, PERIOD_MS);
  return {
    simulation,
    rig,
    stats,
    resetBoard: () => rig.board.powerOn(stats.steppedMs),
    async stop() {
      clearInterval(timer);
      penPort.off('data', toPen);
      boardPort.off('data', toBoard);
      await simulation.close();
    },
  };
}
