// A whole session on the simulated pen in virtual time: the one runner, with the simulator's scripted hand as operator.
import { createOperatorScript, type OperatorIntent, type PenSimulation } from '../../sim/index.js';
import type { ControllerInput } from '../machine/index.js';
import { openPenPort } from './open-port.js';
import type { SessionRecords } from './records.js';
import { SessionRunner, type SessionResult } from './session-runner.js';
import type { SimulationPace } from '../../sim/pace.js';
import type { SessionSummary } from './summary.js';

/** Longest simulated session before the scripted operator stops it, ms of virtual time. */
export const MAX_SIMULATED_SESSION_MS = 60 * 60 * 1000;
/** Virtual time the pen keeps running after the end, so its safe state is observed, ms. */
const SETTLE_MS = 300;

/**
 * Who operates the simulated pen: the simulator's scripted hand (glides over the skin, picks the
 * plan's areas in order, finishes when its script ends), an interactive operator (the desktop page,
 * the bench: it gets the runner to send inputs to and the simulation to touch the skin), or none.
 */
export type SimulatedOperator =
  | { readonly kind: 'scripted'; readonly seed: number; readonly attemptPasses?: number }
  | { readonly kind: 'interactive'; readonly attach: (runner: SessionRunner, simulation: PenSimulation) => void }
  | { readonly kind: 'none' };

export interface SimulatedSessionOptions {
  readonly input: ControllerInput;
  /** The simulated pen (the caller creates it, and may observe it or inject faults through it). */
  readonly simulation: PenSimulation;
  readonly records: SessionRecords;
  readonly operator: SimulatedOperator;
  /** Paces virtual time against real time (the desktop page); default as fast as possible. */
  readonly pace?: SimulationPace;
  /** Called with the runner and the simulation before the session starts, whoever operates (the desktop page watches them). */
  readonly attach?: (runner: SessionRunner, simulation: PenSimulation) => void;
}

export interface SimulatedSessionResult extends SessionResult {
  readonly summary: SessionSummary;
  readonly runner: SessionRunner;
  /** Highest physical needle protrusion seen in the simulator over the session, um. */
  readonly maxPhysicalDepthUm: number;
}

/**
 * Runs the session to its end in virtual time: the machine connects, admits and works the plan;
 * the scripted hand (if any) glides over the skin, picks areas and finishes when its script ends.
 */
export async function runSimulatedSession(options: SimulatedSessionOptions): Promise<SimulatedSessionResult> {
  const { simulation, input } = options;
  const runner = new SessionRunner(input, {
    clock: simulation.clock,
    openPort: () => openPenPort({ kind: 'sim', simulation }),
    records: options.records,
  });
  let maxPhysicalDepthUm = 0;
  let ended = false;
  void runner.whenEnded().then(() => (ended = true));
  const observe = (): boolean => {
    maxPhysicalDepthUm = Math.max(maxPhysicalDepthUm, simulation.pen.hardware.actuator.physicalUm);
    return ended;
  };
  const { operator } = options;
  let handStarted = operator.kind !== 'scripted';
  options.attach?.(runner, simulation);
  if (operator.kind === 'interactive') operator.attach(runner, simulation);
  const startHand = (): void => {
    if (operator.kind !== 'scripted') return;
    const script = createOperatorScript({
      seed: operator.seed,
      areas: input.plan.areas.map((area) => ({ area: area.area, passes: operator.attemptPasses ?? area.passes })),
    });
    const onIntent = (intent: OperatorIntent): void =>
      runner.operator(intent.kind === 'selectArea' ? { type: 'SELECT_AREA', area: intent.area } : { type: 'FINISH' });
    const isReady = (): boolean => !runner.snapshot.matches({ connected: { session: 'arming' } });
    simulation.attachOperator(script, onIntent, { isReady }).start(simulation.nowMs);
  };
  await simulation.advance(1000);
  const startedAtMs = simulation.nowMs;
  runner.start();
  await runPaced(
    simulation,
    () => {
      if (!handStarted && runner.context.sessionStarted) {
        handStarted = true;
        startHand();
      }
      return observe();
    },
    MAX_SIMULATED_SESSION_MS,
    options.pace,
  );
  if (!ended) runner.operator({ type: 'STOP' });
  await runPaced(
    simulation,
    () => {
      observe();
      return false;
    },
    SETTLE_MS,
    options.pace,
  );
  const result = await runner.whenEnded();
  await runner.shutdown();
  await simulation.close();
  return {
    ...result,
    summary: { ...result.summary, virtualDurationMs: simulation.nowMs - startedAtMs - SETTLE_MS },
    runner,
    maxPhysicalDepthUm,
  };
}

/** Steps until `predicate` holds or `timeoutMs` of virtual time pass, as fast as possible or at the pace's speed. */
async function runPaced(
  simulation: PenSimulation,
  predicate: () => boolean,
  timeoutMs: number,
  pace: SimulationPace | undefined,
): Promise<boolean> {
  if (pace === undefined) return simulation.runUntil(predicate, timeoutMs);
  const endMs = simulation.nowMs + timeoutMs;
  while (simulation.nowMs < endMs) {
    const chunkMs = Math.min(await pace.next(), endMs - simulation.nowMs);
    const startMs = simulation.nowMs;
    const held = await simulation.runUntil(predicate, chunkMs);
    pace.stepped(simulation.nowMs - startMs);
    if (held) return true;
  }
  return predicate();
}
