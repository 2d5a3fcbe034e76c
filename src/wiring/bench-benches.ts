// The benches a bench run opens with the controller plugged in: the simulated pen on the emulated board, or a real pen on a real fixture board.
import { hostname } from 'node:os';
import type { BenchContext, BenchHand } from '../bench/executor/bench-context.js';
import { realClock } from '../bench/bench-clock.js';
import { BenchFixtures } from '../bench/fixtures/bench-fixtures.js';
import { DEFAULT_FIXTURE_CONFIG } from '../bench/fixtures/fixture-config.js';
import { createFixturePort } from '../bench/fixtures/fixture-port.js';
import type { Scenario } from '../bench/scenarios/scenario-schema.js';
import { openSimBench, type SimBench } from '../bench/sim-bench.js';
import { createSystemClock } from '../clock/clock.js';
import { HOME_MAX_DEPTH_UM, PRO_MAX_DEPTH_UM } from '../limits/index.js';
import { RunnerBenchTarget } from './bench-target.js';
import { openPenPort } from './open-port.js';

/**
 * A fresh simulated pen on the emulated bench (as openSimBench), with the controller: a
 * RunnerBenchTarget on the same PenSimulation, in its virtual time. Closing it closes the
 * controller first.
 */
export async function openControllerSimBench(scenario: Scenario, seed: number): Promise<SimBench> {
  const bench = await openSimBench({
    seed,
    sku: scenario.setup.sku,
    ...(scenario.setup.cartridge === undefined ? {} : { cartridge: scenario.setup.cartridge }),
    ...(scenario.setup.batteryPercent === undefined ? {} : { batteryPercent: scenario.setup.batteryPercent }),
  });
  const { simulation } = bench;
  const wallStartMs = Date.now();
  const virtualStartMs = simulation.nowMs;
  const target = new RunnerBenchTarget({
    target: 'sim',
    description: bench.deviceUnderTest.description,
    clock: simulation.clock,
    openPort: () => openPenPort({ kind: 'sim', simulation }),
    nowMs: () => wallStartMs + simulation.nowMs - virtualStartMs,
    issuesCredentials: true,
  });
  return {
    ...bench,
    target,
    async close() {
      await target.close();
      await bench.close();
    },
  };
}

export interface PortBenchOptions {
  /** The pen's serial port. */
  readonly penPath: string;
  /** The fixture board's serial port (StandardFirmata). */
  readonly boardPath: string;
  /** What a person at the bench does, asked for and confirmed (blocks, the e-stop button). */
  readonly hand: BenchHand;
}

/**
 * A real pen on a real bench, in real time: johnny-five on the fixture board at `boardPath`, the
 * controller on the pen at `penPath`. Rejects with FixtureConnectError or FixturePortError when the
 * board does not come up.
 */
export async function openPortBench(scenario: Scenario, options: PortBenchOptions): Promise<BenchContext> {
  const clock = realClock();
  const fixtures = await BenchFixtures.connect(
    createFixturePort({ kind: 'path', path: options.boardPath }),
    DEFAULT_FIXTURE_CONFIG,
    clock,
  );
  const description = `pen on ${options.penPath}`;
  const target = new RunnerBenchTarget({
    target: 'port',
    description,
    clock: createSystemClock(),
    openPort: () => openPenPort({ kind: 'path', path: options.penPath }),
    nowMs: Date.now,
  });
  return {
    clock,
    fixtures,
    hand: options.hand,
    pen: null,
    faults: null,
    target,
    bench: {
      name: hostname(),
      fixture: 'firmata',
      boardPath: options.boardPath,
      boardFirmware: `${fixtures.info.firmwareName} ${fixtures.info.firmwareVersion}`,
      firmataProtocol: fixtures.info.protocolVersion,
    },
    deviceUnderTest: {
      target: 'port',
      description,
      sku: null,
      serialNumber: null,
      firmwareVersion: null,
      protocolVersion: null,
      cartridgeId: null,
    },
    depthCapUm: scenario.setup.sku === 'pro' ? PRO_MAX_DEPTH_UM : HOME_MAX_DEPTH_UM,
    async close() {
      await target.close();
      await fixtures.close();
    },
  };
}
