// Plans, simulated sessions and observers shared by the controller end-to-end tests.
import { PenSimulation, type PenSimulationOptions } from '../../sim/index.js';
import { parsePlan, type AreaId, type Plan } from '../../src/policy/index.js';
import { Sku } from '../../src/protocol/index.js';
import type { ControllerInput } from '../../src/machine/index.js';
import type { SessionRecords } from '../../src/wiring/records.js';
import type { SessionRunner } from '../../src/wiring/session-runner.js';
import {
  runSimulatedSession,
  type SimulatedOperator,
  type SimulatedSessionResult,
} from '../../src/wiring/sim-session.js';
import { inputOf } from './machine-harness.js';
import { MemoryRecords } from './memory-records.js';

/** Parses a plan literal; throws if it is invalid (a fixture bug). */
export function plan(json: unknown): Plan {
  const result = parsePlan(json);
  if (!result.ok) throw new Error(`fixture plan invalid: ${JSON.stringify(result.errors)}`);
  return result.plan;
}

export const HOME_FULL_FACE = plan({
  mode: 'home',
  areas: [
    { area: 'forehead', depthMm: 0.25, passes: 4 },
    { area: 'cheeks', depthMm: 0.25, passes: 6, strokeHz: 120 },
    { area: 'nose', depthMm: 0.2, passes: 4 },
    { area: 'chin', depthMm: 0.25, passes: 5 },
  ],
});

export const PRO_ACNE_SCARS = plan({
  mode: 'pro',
  areas: [
    { area: 'cheeks', depthMm: 1.5, passes: 6, strokeHz: 120 },
    { area: 'jawline', depthMm: 1.0, passes: 5 },
  ],
});

export interface SimulateOptions {
  readonly seed: number;
  readonly input?: Partial<ControllerInput>;
  readonly records?: SessionRecords;
  /** Pen options beyond the seed (SKU default: pro for a pro plan). */
  readonly pen?: Partial<PenSimulationOptions>;
  /** Pass attempts per area by the scripted hand (default: the plan's passes). */
  readonly attemptPasses?: number;
  /** Instead of the scripted hand: another operator (interactive, or none). */
  readonly operator?: SimulatedOperator;
  /** Called with the simulation before the session starts (observers, fault injection). */
  readonly prepare?: (simulation: PenSimulation) => void;
}

/** Runs `thePlan` on a fresh simulated pen with in-memory records (unless given) and the scripted hand. */
export async function simulate(
  thePlan: Plan,
  options: SimulateOptions,
): Promise<SimulatedSessionResult & { simulation: PenSimulation; records: SessionRecords }> {
  const simulation = PenSimulation.create({
    seed: options.seed,
    sku: thePlan.mode === 'pro' ? Sku.PRO : Sku.HOME,
    ...options.pen,
  });
  options.prepare?.(simulation);
  const records = options.records ?? new MemoryRecords();
  const result = await runSimulatedSession({
    input: inputOf(thePlan, options.input),
    simulation,
    records,
    operator: options.operator ?? {
      kind: 'scripted',
      seed: options.seed,
      ...(options.attemptPasses === undefined ? {} : { attemptPasses: options.attemptPasses }),
    },
  });
  return { ...result, simulation, records };
}

export interface ContactObservation {
  readonly atMs: number;
  readonly motorCommandHz: number;
  /** The hand was off the skin for longer than the pass debounce before this touch: a new pass attempt. */
  readonly isPassAttempt: boolean;
}

/** Records, for every touch-down of the operator's hand, the pen's motor command at that moment. */
export function observeTouchDowns(simulation: PenSimulation): ContactObservation[] {
  const touches: ContactObservation[] = [];
  const skin = simulation.pen.hardware.skin;
  const setContact = skin.setContact.bind(skin);
  let liftedAtMs = -Infinity;
  skin.setContact = (contact: boolean) => {
    if (contact && !skin.isInContact) {
      const isPassAttempt = simulation.nowMs - liftedAtMs > 150;
      touches.push({ atMs: simulation.nowMs, motorCommandHz: simulation.pen.hardware.motor.commandHz, isPassAttempt });
    }
    if (!contact && skin.isInContact) liftedAtMs = simulation.nowMs;
    setContact(contact);
  };
  return touches;
}

/** Calls `check` after every 1 ms pen step (to time how long the pen takes to become safe). */
export function afterEachPenStep(simulation: PenSimulation, check: () => void): void {
  const step = simulation.pen.step.bind(simulation.pen);
  simulation.pen.step = () => {
    step();
    check();
  };
}

/**
 * An interactive operator that selects `area` when the machine waits for one, touches the skin once
 * the drive is armed, and calls `duringPass` once, in a timer turn of its own, after the pass
 * started (to send an input, inject a failure, stop a server mid-pass).
 */
export function midPassOperator(
  area: AreaId,
  duringPass: (runner: SessionRunner, simulation: PenSimulation) => void,
): SimulatedOperator {
  return {
    kind: 'interactive',
    attach: (runner, simulation) => {
      let done = false;
      runner.onSnapshot((snapshot) => {
        if (snapshot.matches({ connected: { session: { selectingArea: 'awaitingOperator' } } }))
          queueMicrotask(() => runner.operator({ type: 'SELECT_AREA', area }));
        if (snapshot.matches({ connected: { session: 'armed' } })) simulation.pen.hardware.skin.setContact(true);
        if (!done && snapshot.matches({ connected: { session: 'treating' } })) {
          done = true;
          setTimeout(() => duringPass(runner, simulation), 0);
        }
      });
    },
  };
}
