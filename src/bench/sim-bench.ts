// The simulated target on the emulated bench: a PenSimulation, its fixture board behind binding-mock, johnny-five fixtures on it.
import { hostname } from 'node:os';
import { PenSimulation, SeededRandom, SIMULATED_FIRMWARE_VERSION, type FaultSpec } from '../../sim/index.js';
import {
  attachMockFixtureBoard,
  RIG_FAULT_KINDS,
  type MockFixtureBoard,
  type RigFaultKind,
} from '../../sim/fixture-board/index.js';
import { HOME_MAX_DEPTH_UM, PRO_MAX_DEPTH_UM } from '../limits/index.js';
import { PROTOCOL_VERSION, Sku } from '../protocol/index.js';
import { simulationClock } from './bench-clock.js';
import type { BenchContext } from './executor/bench-context.js';
import { BenchFixtures } from './fixtures/bench-fixtures.js';
import { DEFAULT_FIXTURE_CONFIG, type FixtureConfig } from './fixtures/fixture-config.js';
import { createFixturePort } from './fixtures/fixture-port.js';

/** Where the emulated pad sits between the arm's lift and press angles (0 = lift, 1 = press). */
export const SIM_PAD_POSITION = 0.7;

export interface SimBenchOptions {
  readonly seed: number;
  readonly sku: 'home' | 'pro';
  readonly cartridge?: { readonly id: number; readonly needleCount: number } | null;
  readonly batteryPercent?: number;
  readonly config?: FixtureConfig;
}

/** A bench run's context on the simulated target, with the simulation and the emulated board exposed. */
export interface SimBench extends BenchContext {
  readonly simulation: PenSimulation;
  readonly board: MockFixtureBoard;
}

/**
 * Builds the simulated pen and the emulated bench around it (wired as `config` says), connects
 * johnny-five to the board in virtual time, and returns the run's context: the bench is safe (arm
 * lifted, pen unpowered). Rejects with FixtureConnectError when the board does not come up.
 */
export async function openSimBench(options: SimBenchOptions): Promise<SimBench> {
  const config = options.config ?? DEFAULT_FIXTURE_CONFIG;
  const simulation = PenSimulation.create({
    seed: options.seed,
    sku: options.sku === 'pro' ? Sku.PRO : Sku.HOME,
    ...(options.cartridge === undefined ? {} : { cartridge: options.cartridge }),
    ...(options.batteryPercent === undefined ? {} : { batteryPercent: options.batteryPercent }),
  });
  const { liftDeg, pressDeg } = config.arm;
  const board = attachMockFixtureBoard(simulation, {
    pins: config.pins,
    random: new SeededRandom(options.seed).derive(0xb3c4),
    contactDeg: liftDeg + (pressDeg - liftDeg) * SIM_PAD_POSITION,
  });
  const clock = simulationClock(simulation);
  let fixtures: BenchFixtures;
  try {
    const port = createFixturePort({ kind: 'mock', path: board.path, binding: board.binding });
    fixtures = await BenchFixtures.connect(port, config, clock);
  } catch (error) {
    board.detach();
    await simulation.close();
    throw error;
  }
  const { pen } = simulation;
  const { rig } = board;
  const hw = pen.hardware;
  return {
    simulation,
    board,
    clock,
    fixtures,
    hand: {
      placeBlock: async (thicknessUm) => rig.placeBlock(thicknessUm),
      removeBlock: async () => rig.removeBlock(),
      pressEstop: async () => rig.setEstopPressed(true),
      releaseEstop: async () => rig.setEstopPressed(false),
    },
    pen: {
      skinContact: () => hw.readSkinContact(),
      strokeHz: () => hw.motor.strokeRateHz,
      motorCurrentMa: () => hw.motor.currentDrawMa,
      supplyMv: () => hw.supplyRailMv,
      bootCount: () => pen.bootCount,
      needleUm: () => hw.actuator.physicalUm,
      homeSwitch: () => hw.readHomeSwitch(),
    },
    faults: {
      inject(fault) {
        if ((RIG_FAULT_KINDS as readonly string[]).includes(fault.kind)) rig.injectFault(fault.kind as RigFaultKind);
        else simulation.faults.inject(fault as FaultSpec);
      },
      clearAll() {
        rig.clearFaults();
        simulation.faults.clearAll();
      },
    },
    target: null,
    bench: {
      name: `${hostname()} (emulated bench)`,
      fixture: 'emulated',
      boardPath: board.path,
      boardFirmware: `${fixtures.info.firmwareName} ${fixtures.info.firmwareVersion}`,
      firmataProtocol: fixtures.info.protocolVersion,
    },
    deviceUnderTest: {
      target: 'sim',
      description: `simulated ${options.sku} pen (seed ${options.seed})`,
      sku: options.sku,
      serialNumber: null,
      firmwareVersion: `${SIMULATED_FIRMWARE_VERSION.major}.${SIMULATED_FIRMWARE_VERSION.minor}.${SIMULATED_FIRMWARE_VERSION.patch}`,
      protocolVersion: PROTOCOL_VERSION,
      cartridgeId: hw.readCartridge()?.id ?? null,
    },
    depthCapUm: options.sku === 'pro' ? PRO_MAX_DEPTH_UM : HOME_MAX_DEPTH_UM,
    async close() {
      await fixtures.close();
      await simulation.advance(5);
      board.detach();
      await simulation.close();
    },
  };
}
