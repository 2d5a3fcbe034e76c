// fast-check model-based runs (fc.commands): long random event sequences against the invariants (S1, S5, S6, S9, S13).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor, type Actor } from 'xstate';
import type { ControllerEffect, ControllerEvent, ControllerInput } from './index.js';
import { controllerMachine } from './machine.js';
import { isLatched, modelEvents, type ControllerSnapshot } from '../../test/support/machine-model.js';
import { RunnerModel, checkEffects, checkInvariants } from '../../test/support/machine-oracle.js';
import { homePlan, inputOf, proInput, proPlan } from '../../test/support/machine-harness.js';

interface Model {
  /** Steps taken while the session was live (not ended, not latched), and sessions run. */
  liveSteps: number;
  sessions: number;
  readonly lockReasons: Set<string>;
  readonly outcomes: Set<string>;
}
/** The actor of the session in progress; a run is a sequence of sessions, each on a fresh actor. */
class Real {
  actor!: Actor<typeof controllerMachine>;
  runner!: RunnerModel;
  readonly effects: ControllerEffect[] = [];
  sessions = 0;

  constructor(readonly input: ControllerInput) {
    this.restart();
  }

  restart(): void {
    this.actor?.stop();
    this.actor = createActor(controllerMachine, { input: this.input });
    this.actor.on('*', (effect) => void this.effects.push(effect as ControllerEffect));
    this.actor.start();
    this.runner = new RunnerModel(null);
    this.sessions += 1;
  }
}

const ofType = (events: ControllerEvent[], type: ControllerEvent['type']) => events.filter((e) => e.type === type);

/** The next event of a plain session for the present state: keeps random runs moving deep into treating. */
function naturalEvent(
  snapshot: ControllerSnapshot,
  events: ControllerEvent[],
  choice: number,
): ControllerEvent | undefined {
  const value = JSON.stringify(snapshot.value);
  const { context } = snapshot;
  const pick = (type: ControllerEvent['type'], index = 0) => ofType(events, type)[index];
  if (value === '"disconnected"') return pick('START_SESSION');
  if (value === '"connecting"') return pick('LINK_OPENED');
  if (value.includes('handshaking')) return pick('INFO_RECEIVED', choice % 5 === 0 ? 1 : 0);
  if (value.includes('claiming')) return pick('SESSION_CLAIMED');
  if (value.includes('admitting')) return pick('ADMISSION_FACTS');
  if (value.includes('waitingForIdlePen')) return events.find((e) => e.type === 'TELEMETRY' && e.state === 5);
  if (value.includes('delaying')) return choice % 4 === 0 ? pick('CONTACT_ON') : pick('NEXT_AREA_DUE');
  if (value.includes('awaitingOperator') || value.includes('paused')) {
    const area = context.areas[choice % context.areas.length]?.area ?? 'neck';
    return value.includes('paused') && choice % 2 === 0 ? { type: 'RESUME' } : { type: 'SELECT_AREA', area };
  }
  if (value.includes('configuring')) {
    const { depthLimit, depth } = context.acks;
    const command = !depthLimit ? 'SET_DEPTH_LIMIT' : !depth ? 'SET_DEPTH' : 'SET_SPEED';
    return events.find(
      (e) => e.type === 'COMMAND_ACKED' && e.command === command && e.appliedValue <= context.commandedDepthUm,
    );
  }
  if (value.includes('reserving') || value.includes('awaitingReservation')) return pick('PASS_RESERVED');
  if (value.includes('awaitingArm')) {
    return choice % 7 === 0
      ? pick('COMMAND_NAKED')
      : events.find((e) => e.type === 'COMMAND_ACKED' && e.command === 'ARM');
  }
  if (value.includes('armed')) return pick('CONTACT_ON');
  if (value.includes('passInProgress')) return choice % 3 === 0 ? pick('TELEMETRY', 1) : pick('CONTACT_OFF');
  if (value.includes('liftOff')) return choice % 3 === 0 ? pick('CONTACT_ON', 1) : pick('PASS_DEBOUNCE_ELAPSED');
  if (value.includes('reservingNext')) return choice % 5 === 0 ? pick('CONTACT_ON') : pick('PASS_RESERVED');
  return undefined;
}

const ENDING: readonly ControllerEvent['type'][] = [
  'STOP',
  'FINISH',
  'ESTOP',
  'LINK_FAILED',
  'HANDSHAKE_TIMEOUT',
  'CONNECT_TIMEOUT',
  'PEN_IDLE_TIMEOUT',
  'CLAIM_REFUSED',
  'LINK_DEAD',
  'PEN_FAULT',
  'PEN_STOPPED',
  'CARTRIDGE_REMOVED',
  'RECORDS_UNAVAILABLE',
];

/** Events that end a session from most states: the operator's ends, timeouts, failures, faulty readings. */
function isEnding(event: ControllerEvent, snapshot: ControllerSnapshot): boolean {
  const depthUm = snapshot.context.commandedDepthUm;
  if (event.type === 'TELEMETRY')
    return event.faultCode !== 0 || event.measuredDepthUm > depthUm || event.commandedDepthUm > depthUm;
  if (event.type === 'COMMAND_ACKED') {
    return event.appliedValue > depthUm && (event.command === 'SET_DEPTH' || event.command === 'SET_DEPTH_LIMIT');
  }
  return ENDING.includes(event.type);
}

/** Any representative event of any phase; the session-ending ones only one time in twenty, so runs go deep. */
function anyEvent(
  events: ControllerEvent[],
  snapshot: ControllerSnapshot,
  choice: number,
): ControllerEvent | undefined {
  const pool = choice % 20 === 0 ? events : events.filter((event) => !isEnding(event, snapshot));
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
    const ended = real.actor.getSnapshot();
    if (ended.status !== 'active' || (isLatched(ended) && this.choice % 3 === 0)) real.restart();
    const before = real.actor.getSnapshot();
    const events = modelEvents(real.input, { phased: false })(before);
    const event =
      (this.natural ? naturalEvent(before, events, this.choice) : undefined) ?? anyEvent(events, before, this.choice);
    if (event === undefined) return;
    real.effects.length = 0;
    real.runner.onEvent(event);
    real.actor.send(event);
    const after = real.actor.getSnapshot();
    expect([
      ...checkInvariants(real.input, before, after, event),
      ...checkEffects(real.input, before, after, real.effects),
      ...real.runner.onEffects(real.effects, after),
    ]).toEqual([]);
    for (const area of after.context.areas) if (area.lockReason !== null) model.lockReasons.add(area.lockReason);
    if (after.context.outcomeReason !== null) model.outcomes.add(after.context.outcomeReason);
    if (!isLatched(before)) model.liveSteps += 1;
  }
  toString(): string {
    return `${this.natural ? 'natural' : 'any'}(${this.choice})`;
  }
}

const commands = fc.commands(
  [
    fc.integer({ min: 0, max: 1000 }).map((choice) => new SendEvent(true, choice)),
    fc.integer({ min: 0, max: 1000 }).map((choice) => new SendEvent(true, choice)),
    fc.integer({ min: 0, max: 1000 }).map((choice) => new SendEvent(true, choice)),
    fc.integer({ min: 0, max: 1000 }).map((choice) => new SendEvent(false, choice)),
  ],
  { maxCommands: 300, size: 'large' },
);

function runModel(input: ControllerInput, seed: number): Model {
  const total: Model = { liveSteps: 0, sessions: 0, lockReasons: new Set(), outcomes: new Set() };
  fc.assert(
    fc.property(commands, (list) => {
      const real = new Real(input);
      fc.modelRun(() => ({ model: total, real }), list);
      real.actor.stop();
      total.sessions += real.sessions;
    }),
    { seed, numRuns: 60 },
  );
  return total;
}

describe('fc.commands model-based runs', () => {
  it('S1 S5 S6 S13: home sessions with small exposure budgets keep the invariants', () => {
    const input = inputOf(homePlan(4), { exposureBudgets: { areaPunctures: 2000, sessionPunctures: 3500 } });
    const { liveSteps, sessions, lockReasons, outcomes } = runModel(input, 42);
    console.log(
      `home: ${sessions} sessions, ${liveSteps} live steps, locks seen: ${[...lockReasons].join(', ')}; ` +
        `ends: ${[...outcomes].join(', ')}`,
    );
    expect(liveSteps).toBeGreaterThan(6000);
    expect(lockReasons).toEqual(
      new Set(['AREA_PUNCTURE_BUDGET_REACHED', 'SESSION_PUNCTURE_BUDGET_REACHED', 'PASS_LIMIT_REACHED']),
    );
  });

  it('S1 S5 S9 S13: professional sessions keep the invariants', () => {
    const { liveSteps, sessions, lockReasons } = runModel(proInput(proPlan()), 43);
    console.log(`pro: ${sessions} sessions, ${liveSteps} live steps, locks seen: ${[...lockReasons].join(', ')}`);
    expect(liveSteps).toBeGreaterThan(6000);
    expect(lockReasons.has('PASS_LIMIT_REACHED')).toBe(true);
  });

  it('S5 S13: plan-order sessions keep the invariants and end by themselves', () => {
    const { liveSteps, sessions, outcomes } = runModel(inputOf(homePlan(2), { areaOrder: 'plan' }), 44);
    console.log(`plan order: ${sessions} sessions, ${liveSteps} live steps, ends: ${[...outcomes].join(', ')}`);
    expect(liveSteps).toBeGreaterThan(6000);
    expect(outcomes.has('PLAN_COMPLETE')).toBe(true);
  });
});
