// fast-check model-based runs (fc.commands): long random event sequences against the invariants (S1, S5, S6, S9, S13).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor, type Actor } from 'xstate';
import type { ControllerEvent, ControllerInput } from './events.js';
import { controllerMachine } from './machine.js';
import {
  PRO_CREDENTIAL,
  checkInvariants,
  isLatched,
  modelEvents,
  type ControllerSnapshot,
} from '../../test/support/machine-model.js';
import { homePlan, proPlan } from '../../test/support/machine-harness.js';

interface Model {
  unlockedSinceReset: boolean;
  steps: number;
  readonly lockReasons: Set<string>;
}
interface Real {
  readonly actor: Actor<typeof controllerMachine>;
  readonly input: ControllerInput;
}

/** The next event of a plain session for the present state: keeps random runs moving deep into treating. */
function naturalEvent(
  snapshot: ControllerSnapshot,
  events: ControllerEvent[],
  choice: number,
): ControllerEvent | undefined {
  const find = (predicate: (event: ControllerEvent) => boolean) => events.find(predicate);
  const value = JSON.stringify(snapshot.value);
  const { context } = snapshot;
  if (value === '"disconnected"') return find((e) => e.type === 'CONNECT');
  if (value === '"connecting"') return find((e) => e.type === 'LINK_OPENED');
  if (value.includes('handshaking')) return events.find((e) => e.type === 'INFO_RECEIVED');
  if (value.includes('idle')) {
    return context.mode === 'pro' && !context.proUnlocked && choice % 4 !== 0
      ? { type: 'UNLOCK_PRO', credential: PRO_CREDENTIAL }
      : { type: 'START_SESSION' };
  }
  if (value.includes('selectingArea') || value.includes('paused')) {
    const area = context.areas[choice % context.areas.length]?.area ?? 'neck';
    return value.includes('paused') && choice % 2 === 0 ? { type: 'RESUME' } : { type: 'SELECT_AREA', area };
  }
  if (value.includes('configuring')) {
    const command = context.depthAcked ? 'SET_SPEED' : 'SET_DEPTH';
    return find(
      (e) => e.type === 'COMMAND_ACKED' && e.command === command && e.appliedValue <= context.commandedDepthUm + 100,
    );
  }
  if (value.includes('awaitingArm')) return find((e) => e.type === 'COMMAND_ACKED' && e.command === 'ARM');
  if (value.includes('armed') || value.includes('betweenPasses')) return find((e) => e.type === 'CONTACT_ON');
  if (value.includes('passInProgress')) return find((e) => e.type === 'CONTACT_OFF');
  if (value.includes('liftOff'))
    return choice % 3 === 0 ? events.filter((e) => e.type === 'CONTACT_ON')[1] : { type: 'PASS_DEBOUNCE_ELAPSED' };
  if (value === '"fault"' || value === '"emergencyStop"') return { type: 'RESET' };
  return undefined;
}

const ENDING: readonly ControllerEvent['type'][] = ['STOP', 'FINISH', 'LINK_FAILED', 'HANDSHAKE_TIMEOUT'];

/** Any representative event; the session-ending ones only one time in ten, so runs go deep. */
function anyEvent(events: ControllerEvent[], choice: number): ControllerEvent | undefined {
  const pool = choice % 10 === 0 ? events : events.filter((event) => !ENDING.includes(event.type));
  return pool[choice % pool.length];
}

class SendEvent implements fc.Command<Model, Real> {
  constructor(
    readonly natural: boolean,
    readonly choice: number,
  ) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const before = real.actor.getSnapshot();
    if (before.status !== 'active') return;
    const events = modelEvents(real.input)(before);
    const event =
      (this.natural ? naturalEvent(before, events, this.choice) : undefined) ?? anyEvent(events, this.choice);
    if (event === undefined) return;
    if (event.type === 'RESET' && isLatched(before)) model.unlockedSinceReset = false;
    if (event.type === 'UNLOCK_PRO' && event.credential === real.input.proCredentialExpected)
      model.unlockedSinceReset = true;
    real.actor.send(event);
    const after = real.actor.getSnapshot();
    expect(checkInvariants(before.context, after, event, model.unlockedSinceReset)).toEqual([]);
    checkExposureBound(real.input, after);
    for (const area of after.context.areas) if (area.lockReason !== null) model.lockReasons.add(area.lockReason);
    model.steps += 1;
  }
  toString(): string {
    return `${this.natural ? 'natural' : 'any'}(${this.choice})`;
  }
}

const PUNCTURES_PER_STEP = 40 * 12;

/** S6: usage never exceeds a budget by more than one step's increment. */
function checkExposureBound(input: ControllerInput, snapshot: ControllerSnapshot): void {
  const budgets = snapshot.context.settings.budgets;
  let session = 0;
  for (const area of snapshot.context.areas) {
    expect(area.punctures).toBeLessThan(budgets.areaPunctures + PUNCTURES_PER_STEP);
    session += area.punctures;
  }
  expect(session).toBeLessThan(budgets.sessionPunctures + PUNCTURES_PER_STEP);
  expect(input.plan.areas.length).toBe(snapshot.context.areas.length);
}

const commands = fc.commands(
  [
    fc.integer({ min: 0, max: 1000 }).map((choice) => new SendEvent(true, choice)),
    fc.integer({ min: 0, max: 1000 }).map((choice) => new SendEvent(true, choice)),
    fc.integer({ min: 0, max: 1000 }).map((choice) => new SendEvent(false, choice)),
  ],
  { maxCommands: 300, size: 'large' },
);

function runModel(input: ControllerInput, seed: number): { steps: number; lockReasons: Set<string> } {
  const total = { steps: 0, lockReasons: new Set<string>() };
  fc.assert(
    fc.property(commands, (list) => {
      const model: Model = { unlockedSinceReset: false, steps: 0, lockReasons: total.lockReasons };
      fc.modelRun(() => ({ model, real: { actor: createActor(controllerMachine, { input }).start(), input } }), list);
      total.steps += model.steps;
    }),
    { seed, numRuns: 60 },
  );
  return total;
}

describe('fc.commands model-based runs', () => {
  it('S1 S5 S6 S13: home sessions with small exposure budgets keep the invariants', () => {
    const input: ControllerInput = {
      plan: homePlan(4),
      mode: 'home',
      exposureBudgets: { areaPunctures: 2000, sessionPunctures: 3500 },
    };
    const { steps, lockReasons } = runModel(input, 42);
    console.log(`home: ${steps} steps, locks seen: ${[...lockReasons].join(', ')}`);
    expect(steps).toBeGreaterThan(5000);
    expect(lockReasons).toEqual(
      new Set(['AREA_PUNCTURE_BUDGET_REACHED', 'SESSION_PUNCTURE_BUDGET_REACHED', 'PASS_LIMIT_REACHED']),
    );
  });

  it('S1 S5 S9 S13: professional sessions keep the invariants', () => {
    const { steps, lockReasons } = runModel(
      { plan: proPlan(), mode: 'pro', proCredentialExpected: PRO_CREDENTIAL },
      43,
    );
    console.log(`pro: ${steps} steps, locks seen: ${[...lockReasons].join(', ')}`);
    expect(steps).toBeGreaterThan(2000);
    expect(lockReasons.has('PASS_LIMIT_REACHED')).toBe(true);
  });
});
