// Decision 0012 end to end: whole simulated sessions with inert telemetry folded write exactly what the machine fed every sample writes.
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { PenSimulation } from '../../sim/index.js';
import {
  controllerMachine,
  type ControllerEffect,
  type ControllerEvent,
  type ControllerInput,
} from '../../src/machine/index.js';
import { Sku } from '../../src/protocol/index.js';
import { runSimulatedSession } from '../../src/wiring/sim-session.js';
import { inputOf } from '../support/machine-harness.js';
import { MemoryRecords } from '../support/memory-records.js';
import { presentedCredential } from '../support/presented-tokens.js';
import { HOME_FULL_FACE, PRO_ACNE_SCARS } from '../support/session-fixtures.js';

interface Row {
  readonly eventId: number;
  readonly type: string;
  readonly effects: readonly ControllerEffect[];
}

/**
 * Runs the session on the runner (inert samples folded), keeping every event it took (its
 * observers see each, folded or not), then feeds the same events one by one to a bare machine.
 */
async function runBothWays(input: ControllerInput, seed: number, prepare?: (simulation: PenSimulation) => void) {
  const simulation = PenSimulation.create({ seed, sku: input.mode === 'pro' ? Sku.PRO : Sku.HOME });
  prepare?.(simulation);
  const records = new MemoryRecords();
  const taken: ControllerEvent[] = [];
  const result = await runSimulatedSession({
    input,
    simulation,
    records,
    operator: { kind: 'scripted', seed },
    attach: (runner) => void runner.onEvent((event) => taken.push(event)),
  });
  const runnerRows: Row[] = records.batches.map((batch) => ({
    eventId: batch.cause.eventId,
    type: batch.cause.type,
    effects: batch.effects,
  }));

  const bare = createActor(controllerMachine, { input });
  let effects: ControllerEffect[] = [];
  bare.on('*', (effect) => void effects.push(effect as ControllerEffect));
  bare.start();
  const bareRows: Row[] = [];
  taken.forEach((event, index) => {
    effects = [];
    bare.send(event);
    if (event.type !== 'TELEMETRY' || effects.length > 0)
      bareRows.push({ eventId: index + 1, type: event.type, effects });
  });
  const telemetry = taken.filter((event) => event.type === 'TELEMETRY').length;
  return { result, runnerRows, bareRows, bare: bare.getSnapshot(), telemetry };
}

const PRO_INPUT = inputOf(PRO_ACNE_SCARS, { credential: presentedCredential() });

describe('inert telemetry folded by the runner (decision 0012)', () => {
  it.each([
    ['home full face', inputOf(HOME_FULL_FACE), 11, undefined],
    ['pro acne scars', PRO_INPUT, 12, undefined],
    // The measured depth creeps up mid-session: deeper samples are taken, the one past the cap latches.
    [
      'home, encoder drifting from 20 s (the pen latches a fault)',
      inputOf(HOME_FULL_FACE),
      13,
      (simulation: PenSimulation): void => {
        simulation.clock.setTimer(20_000, () => simulation.faults.encoderDrift(40));
      },
    ],
    [
      'pro, over-current at 30 s',
      PRO_INPUT,
      14,
      (simulation: PenSimulation): void => {
        simulation.clock.setTimer(30_000, () => simulation.faults.overCurrent());
      },
    ],
  ] as const)(
    'S1 S5 S13: %s: every record, cause and final context as the machine fed every sample gives them',
    async (name, input, seed, prepare) => {
      const run = await runBothWays(input, seed, prepare);
      expect(run.runnerRows).toEqual(run.bareRows);
      expect(run.result.runner.context).toEqual(run.bare.context);
      expect(run.result.runner.snapshot.value).toEqual(run.bare.value);
      expect(run.result.summary.outcome).toBe(run.bare.context.outcome);
      // Not vacuous: most samples were folded.
      expect(run.result.runner.foldedSamples).toBeGreaterThan(run.telemetry / 2);
      console.log(
        `${name}: ${run.telemetry} samples, ${run.result.runner.foldedSamples} folded, ${run.runnerRows.length} record batches, ended ${run.result.summary.outcome} (${run.result.summary.outcomeReason})`,
      );
    },
  );
});
