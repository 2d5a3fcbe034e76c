// The pen's state x command table is what the pen does, in every state; the table in docs/protocol.md is generated from it (S8, S13).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PenState, Reason, type CommandName, type Payload } from '../src/protocol/index.js';
import { FirmwareHarness } from '../test/support/firmware-harness.js';
import { CommandDispatcher, type CommandHandlers } from './commands.js';
import type { CommandMessage } from './link.js';
import { ACT, COMMAND_TABLE, NO_EFFECT } from './message-table.js';
import { PenStateMachine, type PenEvent, type PenStateName } from './pen-state.js';
import { STATE_DOC_BEGIN, STATE_DOC_END, renderPenStateDoc } from './state-doc.js';

const doc = readFileSync(new URL('../docs/protocol.md', import.meta.url), 'utf8');

/** A valid payload for every command (accepted by each handler when the table says act). */
const PAYLOADS: { [N in CommandName]: Payload<N> } = {
  HEARTBEAT: {},
  SET_DEPTH: { depthUm: 300 },
  SET_SPEED: { strokeHz: 90 },
  ARM: {},
  DISARM: {},
  HOME: {},
  RESET_FAULT: {},
  SET_TELEMETRY: { rateHz: 10 },
  SET_DEPTH_LIMIT: { limitUm: 1000 },
};

/** A connected pen in `state` (every state but BOOT: the configuration check runs in the first tick, before any command's turn). */
function penIn(state: Exclude<PenStateName, 'BOOT'>): FirmwareHarness {
  if (state === 'SELF_TEST') {
    const harness = new FirmwareHarness();
    harness.step();
    harness.connect();
    return harness;
  }
  if (state === 'HOMING') {
    const harness = new FirmwareHarness({ powerOnPositionUm: 2500 });
    harness.stepUntil(() => harness.firmware.diagnostics().state === PenState.HOMING, 100);
    harness.connect();
    return harness;
  }
  const harness = new FirmwareHarness();
  harness.boot();
  harness.connect();
  if (state === 'ARMED') harness.command('ARM', {});
  if (state === 'FAULT' || state === 'UNHOMED') harness.sendFrame('ESTOP', 0, {});
  if (state === 'UNHOMED') harness.command('RESET_FAULT', {});
  return harness;
}

/** What a command may change: a refused or no-effect command leaves all of it as it was. */
function settings(harness: FirmwareHarness): Record<string, number | boolean> {
  const d = harness.firmware.diagnostics();
  return {
    state: d.state,
    faultCode: d.faultCode,
    lastStopReason: d.lastStopReason,
    targetDepthUm: d.targetDepthUm,
    targetStrokeHz: d.targetStrokeHz,
    telemetryRateHz: d.telemetryRateHz,
    capUm: d.capUm,
    homed: d.homed,
  };
}

const STATES = (Object.keys(PenState) as PenStateName[]).filter((state) => state !== 'BOOT') as Exclude<
  PenStateName,
  'BOOT'
>[];
const cases = (Object.keys(COMMAND_TABLE) as CommandName[]).flatMap((name) =>
  STATES.map((state) => [name, state] as const),
);

/** A dispatcher in `state` whose handlers only record that they ran. */
function dispatcherIn(state: PenStateName): { dispatcher: CommandDispatcher; ran: string[] } {
  const pen = new PenStateMachine();
  const path: Partial<Record<PenStateName, PenEvent[]>> = {
    SELF_TEST: ['CONFIG_CHECKED'],
    UNHOMED: ['CONFIG_CHECKED', 'SELF_TEST_PASSED'],
    HOMING: ['CONFIG_CHECKED', 'SELF_TEST_PASSED', 'HOME'],
    IDLE: ['CONFIG_CHECKED', 'SELF_TEST_PASSED', 'HOME', 'HOMED'],
    ARMED: ['CONFIG_CHECKED', 'SELF_TEST_PASSED', 'HOME', 'HOMED', 'ARM'],
    FAULT: ['FAULT'],
  };
  for (const event of path[state] ?? []) pen.go(event);
  const ran: string[] = [];
  const handlers = Object.fromEntries(
    Object.keys(COMMAND_TABLE).map((name) => [name, () => (ran.push(name), Reason.NONE)]),
  ) as unknown as CommandHandlers<CommandName>;
  return { dispatcher: new CommandDispatcher(pen, handlers), ran };
}

describe('S8 S13: the state x command table', () => {
  it.each(cases)('S8: %s in %s is answered as the table says, and a refusal changes nothing', (name, state) => {
    const harness = penIn(state);
    expect(harness.firmware.diagnostics().state).toBe(PenState[state]);
    const before = settings(harness);
    const answer = harness.command(name, PAYLOADS[name] as never);
    const cell = COMMAND_TABLE[name][state];
    if (cell === ACT || cell === NO_EFFECT) expect(answer.name).toBe('ACK');
    else expect(answer).toMatchObject({ name: 'NAK', payload: { reason: cell } });
    if (cell !== ACT) expect(settings(harness)).toEqual(before);
    expect(harness.firmware.diagnostics().refusedTransitions).toBe(0);
  });

  it('S8: the dispatcher runs a handler exactly for the act cells, in every state (BOOT included)', () => {
    for (const state of Object.keys(PenState) as PenStateName[]) {
      const { dispatcher, ran } = dispatcherIn(state);
      for (const name of Object.keys(COMMAND_TABLE) as CommandName[]) {
        const reply = { note: 0, appliedValue: 0 };
        const message = { name, seq: 0, payload: PAYLOADS[name] } as CommandMessage;
        const cell = COMMAND_TABLE[name][state];
        const code = dispatcher.dispatch(message, 0, reply);
        expect(code, `${name} in ${state}`).toBe(cell === ACT || cell === NO_EFFECT ? Reason.NONE : cell);
        expect(ran.at(-1) === name, `${name} in ${state}`).toBe(cell === ACT);
        if (ran.at(-1) === name) ran.pop();
      }
    }
  });

  it('S13: random commands, stops and faults never ask the state machine for a transition it does not have', () => {
    const step = fc.oneof(
      fc.constantFrom(...(Object.keys(PAYLOADS) as CommandName[])).map((name) => ({ kind: 'command' as const, name })),
      fc.constantFrom('STOP' as const, 'ESTOP' as const, 'HELLO' as const).map((kind) => ({ kind })),
      fc.constant({ kind: 'overCurrent' as const }),
      fc.integer({ min: 1, max: 300 }).map((ms) => ({ kind: 'wait' as const, ms })),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const harness = new FirmwareHarness({ powerOnPositionUm: 300 });
        harness.connect();
        for (const action of steps) {
          if (action.kind === 'command') harness.command(action.name, PAYLOADS[action.name] as never);
          else if (action.kind === 'HELLO') harness.connect();
          else if (action.kind === 'STOP' || action.kind === 'ESTOP') harness.sendFrame(action.kind, 0, {});
          else if (action.kind === 'overCurrent') {
            harness.hardware.extraCurrentMa = 5000;
            harness.step(6);
            harness.hardware.extraCurrentMa = 0;
          } else if (action.kind === 'wait') harness.step(action.ms);
        }
        expect(harness.firmware.diagnostics().refusedTransitions).toBe(0);
      }),
      { seed: 1313, numRuns: 150 },
    );
  });

  it('NAK reasons in the table are state refusals', () => {
    const reasons = new Set<number>();
    for (const row of Object.values(COMMAND_TABLE)) {
      for (const cell of Object.values(row)) if (cell !== ACT && cell !== NO_EFFECT) reasons.add(cell);
    }
    for (const reason of reasons) expect(reason >= 0x40 && reason <= 0x4f, `0x${reason.toString(16)}`).toBe(true);
    expect(reasons.has(Reason.FAULT_LATCHED)).toBe(true);
  });

  it('docs/protocol.md holds the generated tables as they are now (run npm run docs:protocol)', () => {
    const start = doc.indexOf(STATE_DOC_BEGIN);
    const end = doc.indexOf(STATE_DOC_END);
    expect(start).toBeGreaterThan(0);
    expect(doc.slice(start, end + STATE_DOC_END.length)).toBe(renderPenStateDoc());
  });
});
