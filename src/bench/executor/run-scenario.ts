// Runs one scenario once on a bench: setup, its phases, teardown; produces the run's record and a stream of events.
import { createHash } from 'node:crypto';
import type {
  BenchRecord,
  MeasurementRecord,
  PhaseOutcome,
  PhaseRecord,
  RunOutcome,
} from '../records/record-schema.js';
import { RECORD_FORMAT, RECORD_FORMAT_VERSION } from '../records/record-schema.js';
import { benchVersions } from '../records/versions.js';
import type { Scenario, ScenarioPhase, ScenarioStep } from '../scenarios/scenario-schema.js';
import type { BenchContext } from './bench-context.js';
import { BenchAbortError, BenchTimeoutError, RunState } from './run-state.js';
import { stopSessionHand } from './controller-steps.js';
import { executeStep } from './steps.js';

/** One line of the JSON-lines stream a run emits while it runs. */
export type BenchEvent =
  | {
      readonly type: 'run-started';
      readonly runId: string;
      readonly scenario: string;
      readonly repeat: number;
      readonly seed: number;
    }
  | {
      readonly type: 'phase-started';
      readonly runId: string;
      readonly phase: string;
      readonly title: string;
      readonly atMs: number;
    }
  | {
      readonly type: 'step';
      readonly runId: string;
      readonly phase: string;
      readonly do: string;
      readonly atMs: number;
      readonly detail?: string;
    }
  | ({ readonly type: 'measurement'; readonly runId: string; readonly phase: string } & MeasurementRecord)
  | {
      readonly type: 'phase-ended';
      readonly runId: string;
      readonly phase: string;
      readonly outcome: PhaseOutcome;
      readonly error: string | null;
      readonly atMs: number;
    }
  | { readonly type: 'run-ended'; readonly runId: string; readonly outcome: RunOutcome; readonly error: string | null };

export interface RunScenarioOptions {
  readonly scenario: Scenario;
  /** The file it came from, null for one built in memory; and sha256 of the file's bytes. */
  readonly file: string | null;
  readonly sha256?: string;
  readonly repeatIndex: number;
  readonly repeatCount: number;
  readonly seed: number;
  readonly onEvent?: (event: BenchEvent) => void;
  /** Aborting it ends the run as ABORTED at the next moment bench time passes. */
  readonly signal?: AbortSignal;
}

/** Settling time after teardown so the last fixture bytes reach the board, ms. */
const TEARDOWN_SETTLE_MS = 20;

/**
 * Runs the scenario with the status LED lit: a setup phase (arm lifted, power on, settle), each phase
 * in order, and a teardown phase (the session's hand stopped, STOP through the controller, faults
 * cleared, arm lifted, power cut) that always runs. A measurement
 * out of its limits fails its phase and the run goes on; an error, timeout or abort ends the run and
 * skips the phases left. Outcome: ABORTED, else ERROR, else TIMEOUT, else FAIL, else PASS.
 * The caller checked runnability (notRunnableReasons) first.
 */
export async function runScenario(ctx: BenchContext, options: RunScenarioOptions): Promise<BenchRecord> {
  const { scenario } = options;
  const startedAt = new Date();
  const runId = `${scenario.id}-${startedAt.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-r${options.repeatIndex}`;
  const emit = (event: BenchEvent): void => options.onEvent?.(event);
  const run = new RunState(ctx, scenario, options.signal, options.file);
  const benchStartMs = run.nowMs();
  emit({ type: 'run-started', runId, scenario: scenario.id, repeat: options.repeatIndex, seed: options.seed });
  const unsubscribe = ctx.fixtures.onEstop((pressed) => run.onEstop(pressed));
  const phases: PhaseRecord[] = [];
  let stopReason: string | null = null;
  const runPhase = async (phase: ScenarioPhase, isTeardown = false): Promise<void> => {
    if (stopReason !== null && !isTeardown) {
      phases.push(skipped(phase, run.nowMs(), stopReason));
      return;
    }
    const record = await executePhase(run, phase, runId, emit);
    phases.push(record);
    if (record.outcome !== 'PASS' && record.outcome !== 'FAIL')
      stopReason ??= `${record.outcome} in ${phase.id}: ${record.error}`;
  };
  run.startScenarioClock(scenario.timeoutMs);
  ctx.fixtures.setLed(true);
  await runPhase(setupPhase(scenario));
  for (const phase of scenario.phases) await runPhase(phase);
  run.startScenarioClock(TEARDOWN_SETTLE_MS * 50);
  run.ignoreAbort = true;
  stopSessionHand(run);
  await runPhase(teardownPhase(ctx.faults !== null, ctx.target !== null), true);
  ctx.fixtures.setLed(false);
  unsubscribe();
  run.dispose();
  const outcome = runOutcome(phases);
  const error = phases.find((p) => p.error !== null && p.outcome !== 'SKIPPED')?.error ?? null;
  emit({ type: 'run-ended', runId, outcome, error });
  return {
    format: RECORD_FORMAT,
    formatVersion: RECORD_FORMAT_VERSION,
    runId,
    scenario: {
      id: scenario.id,
      title: scenario.title,
      file: options.file,
      sha256: options.sha256 ?? createHash('sha256').update(canonicalJson(scenario)).digest('hex'),
      verifies: { invariants: [...scenario.verifies.invariants], hazards: [...scenario.verifies.hazards] },
    },
    repeat: { index: options.repeatIndex, count: options.repeatCount },
    seed: options.seed,
    bench: { ...ctx.bench, clock: ctx.clock.kind, calibration: { ...ctx.fixtures.calibration } },
    deviceUnderTest: { ...ctx.deviceUnderTest, ...run.connectedDevice },
    versions: benchVersions(),
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    benchStartMs,
    benchEndMs: run.nowMs(),
    outcome,
    error,
    phases,
    series: run.series,
    events: run.events,
  };
}

async function executePhase(
  run: RunState,
  phase: ScenarioPhase,
  runId: string,
  emit: (event: BenchEvent) => void,
): Promise<PhaseRecord> {
  const record: PhaseRecord = {
    id: phase.id,
    title: phase.title,
    outcome: 'PASS',
    startMs: run.nowMs(),
    endMs: run.nowMs(),
    error: null,
    steps: [],
    measurements: [],
  };
  emit({ type: 'phase-started', runId, phase: phase.id, title: phase.title, atMs: record.startMs });
  run.setPhaseDeadline(`phase ${phase.id}`, phase.timeoutMs);
  run.estopExpected = phase.steps.some((step) => step.do === 'press-estop');
  try {
    for (const step of phase.steps) {
      const atMs = run.nowMs();
      const detail = await executeStep(run, phase, step, (m) => {
        record.measurements.push(m);
        emit({ type: 'measurement', runId, phase: phase.id, ...m });
      });
      record.steps.push({ do: step.do, atMs, endMs: run.nowMs(), ...(detail === undefined ? {} : { detail }) });
      emit({ type: 'step', runId, phase: phase.id, do: step.do, atMs, ...(detail === undefined ? {} : { detail }) });
    }
    if (record.measurements.some((m) => m.outcome === 'FAIL')) record.outcome = 'FAIL';
  } catch (error) {
    record.outcome =
      error instanceof BenchAbortError ? 'ABORTED' : error instanceof BenchTimeoutError ? 'TIMEOUT' : 'ERROR';
    record.error = (error as Error).message;
  }
  run.estopExpected = false;
  record.endMs = run.nowMs();
  emit({
    type: 'phase-ended',
    runId,
    phase: phase.id,
    outcome: record.outcome,
    error: record.error,
    atMs: record.endMs,
  });
  return record;
}

function setupPhase(scenario: Scenario): ScenarioPhase {
  const steps: ScenarioStep[] = [{ do: 'lift' }, { do: 'restore-power' }];
  if (scenario.setup.settleMs > 0) steps.push({ do: 'wait', ms: scenario.setup.settleMs });
  return {
    id: 'setup',
    title: 'Bench setup: arm lifted, pen powered, settled',
    timeoutMs: scenario.setup.settleMs + 10_000,
    steps,
    measurements: [],
  };
}

function teardownPhase(simulated: boolean, controller: boolean): ScenarioPhase {
  const steps: ScenarioStep[] = [
    ...(controller ? [{ do: 'command', command: 'stop' } as const] : []),
    ...(simulated ? [{ do: 'clear-faults' } as const] : []),
    { do: 'release-estop' },
    { do: 'remove-block' },
    { do: 'lift' },
    { do: 'cut-power' },
    { do: 'wait', ms: TEARDOWN_SETTLE_MS },
  ];
  return {
    id: 'teardown',
    title: 'Bench teardown: arm lifted, pen unpowered',
    timeoutMs: 10_000,
    steps,
    measurements: [],
  };
}

function skipped(phase: ScenarioPhase, atMs: number, reason: string): PhaseRecord {
  return {
    id: phase.id,
    title: phase.title,
    outcome: 'SKIPPED',
    startMs: atMs,
    endMs: atMs,
    error: `skipped: ${reason}`,
    steps: [],
    measurements: [],
  };
}

/** The run's outcome from its phases (the worst wins: ABORTED, ERROR, TIMEOUT, FAIL, PASS). */
export function runOutcome(phases: readonly PhaseRecord[]): RunOutcome {
  for (const outcome of ['ABORTED', 'ERROR', 'TIMEOUT', 'FAIL'] as const) {
    if (phases.some((phase) => phase.outcome === outcome)) return outcome;
  }
  return 'PASS';
}

/** JSON with object keys sorted, for hashing a scenario that came from no file. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
