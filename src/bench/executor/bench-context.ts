// What one bench run works with: clock, fixtures, the hand, and, for the simulated target, the pen's sensors and faults.
import type { BenchClock } from '../bench-clock.js';
import type { BenchFixtures } from '../fixtures/bench-fixtures.js';
import type { FaultStep } from '../scenarios/scenario-schema.js';
import type { BenchTarget, DeviceUnderTest } from './bench-target.js';

/**
 * What a person does at a bench: the emulated bench's back door, or prompts at a real one. Each
 * resolves once done.
 */
export interface BenchHand {
  placeBlock(thicknessUm: number): Promise<void>;
  removeBlock(): Promise<void>;
  pressEstop(): Promise<void>;
  releaseEstop(): Promise<void>;
}

/** The simulated pen's own sensors and physics (the `pen.*` sources). */
export interface PenProbe {
  skinContact(): boolean;
  strokeHz(): number;
  motorCurrentMa(): number;
  supplyMv(): number;
  bootCount(): number;
  needleUm(): number;
  homeSwitch(): boolean;
}

/** Fault injection into the simulated pen and the emulated bench (never over a wire). */
export interface SimulatedFaults {
  inject(fault: FaultStep): void;
  clearAll(): void;
}

/** The bench and its fixture board, for the record. */
export interface BenchInfo {
  readonly name: string;
  readonly fixture: 'emulated' | 'firmata';
  readonly boardPath: string;
  readonly boardFirmware: string;
  readonly firmataProtocol: string;
}

export interface BenchContext {
  readonly clock: BenchClock;
  readonly fixtures: BenchFixtures;
  readonly hand: BenchHand;
  /** Simulated target only. */
  readonly pen: PenProbe | null;
  /** Simulated target only. */
  readonly faults: SimulatedFaults | null;
  /** The controller on the session runner; null: controller steps are not runnable. */
  readonly target: BenchTarget | null;
  readonly bench: BenchInfo;
  readonly deviceUnderTest: DeviceUnderTest;
  /** The pen SKU's absolute depth maximum, um (plotted against depth series). */
  readonly depthCapUm: number;
  /** Closes everything the run opened (fixtures first: the bench is left safe). */
  close(): Promise<void>;
}
