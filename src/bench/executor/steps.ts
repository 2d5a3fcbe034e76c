// Executes one scenario step on the bench: fixture actions, the hand, waits, measurements and simulated faults.
import { fitGaugeCalibration, type CalibrationPoint } from '../fixtures/gauge-calibration.js';
import type { MeasurementRecord } from '../records/record-schema.js';
import type { ScenarioMeasurement, ScenarioPhase, ScenarioStep } from '../scenarios/scenario-schema.js';
import { describeValidator, evaluateValidator, type Validator } from '../scenarios/validators.js';
import { formatValue } from '../records/format.js';
import { executeControllerStep } from './controller-steps.js';
import { BenchSetupError, sweepErrors, type Reading, type RunState } from './run-state.js';

/** Ms to let the gauge settle on a new block before sampling: two sampling intervals. */
const settleMs = (run: RunState): number => 2 * run.ctx.fixtures.config.gauge.samplingIntervalMs;

/** Runs `step` of `phase`; resolves with a detail for the record, if any. Throws BenchSetupError for a controller step. */
export async function executeStep(
  run: RunState,
  phase: ScenarioPhase,
  step: ScenarioStep,
  onMeasured: (measurement: MeasurementRecord) => void,
): Promise<string | undefined> {
  const { fixtures, hand, faults } = run.ctx;
  switch (step.do) {
    case 'press':
      fixtures.press();
      return undefined;
    case 'lift':
      fixtures.lift();
      return undefined;
    case 'cut-power':
      run.note('power-cut');
      fixtures.cutPower();
      return undefined;
    case 'restore-power':
      run.note('power-restored');
      fixtures.restorePower();
      return undefined;
    case 'press-estop':
      await hand.pressEstop();
      return undefined;
    case 'release-estop':
      // NOTE: the teardown asks a person only for what is needed (a real bench prompts for each).
      if (run.ignoreAbort && !fixtures.isEstopPressed) return undefined;
      await hand.releaseEstop();
      return undefined;
    case 'place-block':
      run.blockOnGauge = true;
      await hand.placeBlock(step.thicknessUm);
      return undefined;
    case 'remove-block':
      if (run.ignoreAbort && !run.blockOnGauge) return undefined;
      await hand.removeBlock();
      run.blockOnGauge = false;
      return undefined;
    case 'calibrate-gauge':
      return calibrateGauge(run, step.blocksUm, step.samples, step.everyMs);
    case 'wait':
      await run.wait(step.ms);
      return undefined;
    case 'measure': {
      const declared = phase.measurements.find((m) => m.name === step.measurement) as ScenarioMeasurement;
      if (declared.elapsedUntil && !run.elapsedTimes.has(declared.name))
        await timeTogether(run, elapsedGroup(phase, step));
      const record = await measure(run, declared);
      onMeasured(record);
      return `${record.name} = ${formatValue(record.value, record.units)}: ${record.outcome}${record.marginal ? ' (marginal)' : ''}`;
    }
    case 'inject-fault':
      if (faults === null) throw new BenchSetupError('fault injection needs the simulated target');
      faults.inject(step.fault);
      run.note('fault-injected', step.fault.kind);
      return step.fault.kind;
    case 'clear-faults':
      if (faults === null) throw new BenchSetupError('fault injection needs the simulated target');
      faults.clearAll();
      run.note('faults-cleared');
      return undefined;
    default:
      return executeControllerStep(run, step);
  }
}

/** Takes one measurement as its declaration says; the verdict is the validator's. */
export async function measure(run: RunState, m: ScenarioMeasurement): Promise<MeasurementRecord> {
  let value: Reading;
  let samples: number[] | undefined;
  if (m.elapsedUntil && run.elapsedTimes.has(m.name)) {
    value = run.elapsedTimes.get(m.name) as number | null;
    run.elapsedTimes.delete(m.name);
  } else if (m.elapsedUntil) {
    const startMs = run.nowMs();
    const condition = m.elapsedUntil.condition as Validator;
    const held = await run.pass(
      () => evaluateValidator(condition, run.read(m.source, m.area)).outcome === 'PASS',
      m.elapsedUntil.withinMs,
    );
    value = held ? run.nowMs() - startMs : null;
  } else if (m.sample) {
    samples = [];
    for (let i = 0; i < m.sample.count; i++) {
      if (i > 0) await run.wait(m.sample.everyMs);
      const reading = run.read(m.source, m.area);
      if (typeof reading === 'number') samples.push(reading);
    }
    value = samples.length < m.sample.count ? null : reduce(samples, m.sample.reduce);
  } else {
    value = run.read(m.source, m.area);
    samples = sweepErrors(run, m.source);
  }
  const verdict = evaluateValidator(m.validator as Validator, value);
  return {
    name: m.name,
    ...(m.description === undefined ? {} : { description: m.description }),
    units: m.units,
    source: m.source,
    value,
    ...(samples === undefined ? {} : { samples }),
    validator: m.validator as Record<string, unknown>,
    limit: describeValidator(m.validator as Validator, m.units),
    outcome: verdict.outcome,
    marginal: verdict.marginal,
    atMs: run.nowMs(),
  };
}

/** The elapsedUntil measurements of the measure steps that directly follow one another from `step` on. */
function elapsedGroup(phase: ScenarioPhase, step: ScenarioStep): ScenarioMeasurement[] {
  const group: ScenarioMeasurement[] = [];
  for (const next of phase.steps.slice(phase.steps.indexOf(step))) {
    if (next.do !== 'measure') break;
    const declared = phase.measurements.find((m) => m.name === next.measurement) as ScenarioMeasurement;
    if (!declared.elapsedUntil) break;
    group.push(declared);
  }
  return group;
}

/**
 * Times a group of elapsedUntil measurements from one start (the moment the first is taken), each
 * until its own condition holds or its withinMs passes; the values wait in run.elapsedTimes for
 * their measure steps. NOTE: consecutive measure steps time the same stimulus, not one another.
 */
async function timeTogether(run: RunState, group: readonly ScenarioMeasurement[]): Promise<void> {
  if (group.length < 2) return;
  const startMs = run.nowMs();
  const pending = new Set(group);
  const check = (): boolean => {
    for (const m of pending) {
      const spec = m.elapsedUntil!;
      const held = evaluateValidator(spec.condition as Validator, run.read(m.source, m.area)).outcome === 'PASS';
      if (held || run.nowMs() - startMs >= spec.withinMs) {
        run.elapsedTimes.set(m.name, held ? run.nowMs() - startMs : null);
        pending.delete(m);
      }
    }
    return pending.size === 0;
  };
  await run.pass(check, Math.max(...group.map((m) => m.elapsedUntil!.withinMs)) + 1);
  for (const m of pending) run.elapsedTimes.set(m.name, null);
}

function reduce(values: readonly number[], how: 'mean' | 'min' | 'max'): number {
  if (how === 'min') return Math.min(...values);
  if (how === 'max') return Math.max(...values);
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/**
 * Places each reference block (by hand), averages `samples` gauge readings on it, fits the line
 * and puts it in force. Throws Error when the gauge gives no reading or does not follow the blocks.
 */
async function calibrateGauge(
  run: RunState,
  blocksUm: readonly number[],
  samples: number,
  everyMs: number,
): Promise<string> {
  const { fixtures, hand } = run.ctx;
  const points: CalibrationPoint[] = [];
  run.blockOnGauge = true;
  for (const blockUm of blocksUm) {
    await hand.placeBlock(blockUm);
    await run.wait(settleMs(run));
    let sum = 0;
    for (let i = 0; i < samples; i++) {
      if (i > 0) await run.wait(everyMs);
      const counts = fixtures.gaugeCounts;
      if (counts === null) throw new Error('the depth gauge gives no reading');
      sum += counts;
    }
    points.push({ blockUm, meanCounts: sum / samples });
  }
  await hand.removeBlock();
  run.blockOnGauge = false;
  const calibration = fitGaugeCalibration(points);
  fixtures.setCalibration(calibration);
  run.note('gauge-calibrated');
  const blocks = points.map((p) => `${p.blockUm} um: ${p.meanCounts.toFixed(2)} counts`).join(', ');
  return `${calibration.umPerCount.toFixed(4)} um/count, zero ${calibration.zeroCounts.toFixed(2)} counts, residual ${calibration.residualUm.toFixed(2)} um (${blocks})`;
}
