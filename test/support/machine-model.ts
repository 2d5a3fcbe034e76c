// Model-based testing support: representative events per snapshot, state abstraction, invariants, coverage.
import { createActor, type AnyStateNode, type SnapshotFrom } from 'xstate';
import { PenState, TelemetryFlag } from '../../src/protocol/index.js';
import { HOME_CAP_UM, PRO_AREA_CAP_UM, modeCapUm } from '../../src/policy/index.js';
import type { ControllerContext } from '../../src/machine/context.js';
import type { ControllerEvent, ControllerInput } from '../../src/machine/events.js';
import { controllerMachine } from '../../src/machine/machine.js';
import { proInfo, recordingMachine, sampleInfo, type RecordedAction } from './machine-harness.js';

export type ControllerSnapshot = SnapshotFrom<typeof controllerMachine>;

export const PRO_CREDENTIAL = 'clinic-key';

/**
 * Representative events for a snapshot: times and stroke counts follow the pen readings in the
 * context, so a contact-on is either a new pass (+1000 ms) or a bounce (+50 ms).
 */
export function modelEvents(input: ControllerInput): (snapshot: ControllerSnapshot) => ControllerEvent[] {
  const info = input.mode === 'pro' ? proInfo() : sampleInfo();
  const areas = input.plan.areas.map((entry) => entry.area);
  return (snapshot) => {
    const context = snapshot.context;
    const atMs = context.penReadings.lastPenTimeMs;
    const strokes = context.penReadings.lastStrokeCount;
    const depthUm = context.commandedDepthUm;
    const telemetry = (fields: Partial<ControllerEvent & { type: 'TELEMETRY' }>): ControllerEvent => ({
      type: 'TELEMETRY',
      measuredDepthUm: depthUm,
      strokeCount: strokes,
      flags: 0,
      faultCode: 0,
      state: PenState.ARMED,
      commandedDepthUm: depthUm,
      ...fields,
    });
    return [
      { type: 'CONNECT' },
      { type: 'LINK_OPENED' },
      { type: 'LINK_FAILED', reason: 'ENOENT' },
      { type: 'INFO_RECEIVED', info },
      { type: 'INFO_RECEIVED', info: { ...info, protocolVersion: 99 } },
      { type: 'INFO_RECEIVED', info: { ...info, state: PenState.FAULT, faultCode: 0x10 } },
      { type: 'INFO_RECEIVED', info: { ...info, minStrokeHz: 160, maxStrokeHz: 200 } },
      { type: 'INFO_RECEIVED', info: { ...info, cartridgeId: 0, needleCount: 0 } },
      ...(input.mode === 'pro' ? [{ type: 'INFO_RECEIVED', info: sampleInfo() } as const] : []),
      { type: 'HANDSHAKE_TIMEOUT' },
      { type: 'UNLOCK_PRO', credential: PRO_CREDENTIAL },
      { type: 'UNLOCK_PRO', credential: 'guess' },
      { type: 'START_SESSION' },
      ...areas.map((area): ControllerEvent => ({ type: 'SELECT_AREA', area })),
      { type: 'SELECT_AREA', area: 'elbow' },
      { type: 'COMMAND_ACKED', command: 'SET_DEPTH', note: 0, appliedValue: depthUm },
      { type: 'COMMAND_ACKED', command: 'SET_DEPTH', note: 0, appliedValue: depthUm + 50 },
      { type: 'COMMAND_ACKED', command: 'SET_SPEED', note: 0, appliedValue: 100 },
      { type: 'COMMAND_ACKED', command: 'ARM', note: 0, appliedValue: 0 },
      { type: 'COMMAND_NAKED', command: 'ARM', reason: 0x43 },
      { type: 'COMMAND_NAKED', command: 'DISARM', reason: 0x41 },
      { type: 'CONTACT_ON', atMs: atMs + 1000, strokeCount: strokes },
      { type: 'CONTACT_ON', atMs: atMs + 50, strokeCount: strokes },
      { type: 'CONTACT_OFF', atMs: atMs + 400, strokeCount: strokes + 40 },
      { type: 'PASS_DEBOUNCE_ELAPSED' },
      telemetry({}),
      telemetry({ flags: TelemetryFlag.CONTACT, strokeCount: strokes + 30 }),
      telemetry({ commandedDepthUm: depthUm + 50 }),
      telemetry({ measuredDepthUm: depthUm + 51 }),
      telemetry({ faultCode: 0x11, state: PenState.FAULT }),
      { type: 'PEN_FAULT', faultCode: 0x02 },
      { type: 'PEN_STOPPED', reason: 0x52 },
      { type: 'CARTRIDGE_REMOVED' },
      { type: 'LINK_DEAD', reason: 'HEARTBEAT_TIMEOUT' },
      { type: 'PAUSE' },
      { type: 'RESUME' },
      { type: 'FINISH' },
      { type: 'STOP' },
      { type: 'ESTOP' },
      { type: 'RESET' },
    ];
  };
}

/**
 * The decision-relevant abstraction of a snapshot (pen times and stroke counts left out, so the
 * graph is finite): state, unlock, current area, setup ACKs, contact, and per-area pass counts.
 */
export function serializeAbstract(snapshot: ControllerSnapshot): string {
  const c = snapshot.context;
  return JSON.stringify([
    snapshot.value,
    c.proUnlocked,
    c.currentArea,
    c.depthAcked,
    c.speedAcked,
    c.penReadings.penContact,
    c.areas.map((a) => [a.passes, a.passesOpened, a.locked, a.counter.inContact, a.counter.passOpen]),
  ]);
}

/** Ids of the active state nodes of a snapshot (root excluded). */
export function activeStateIds(snapshot: ControllerSnapshot): string[] {
  return snapshot._nodes.filter((node) => node.parent !== undefined).map((node) => node.id);
}

/** Every state node id (root excluded) and every transition id `source#EVENT#index`. */
export function machineInventory(): { states: string[]; transitions: string[] } {
  const states: string[] = [];
  const transitions: string[] = [];
  const visit = (node: AnyStateNode): void => {
    for (const [eventType, list] of node.transitions)
      list.forEach((_, index) => transitions.push(`${node.id}#${eventType}#${index}`));
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      states.push(child.id);
      visit(child);
    }
  };
  visit(controllerMachine.root);
  return { states, transitions };
}

/** Id of a transition definition as in `machineInventory`. */
export function transitionId(transition: { source: AnyStateNode; eventType: string }): string {
  const list = transition.source.transitions.get(transition.eventType) ?? [];
  return `${transition.source.id}#${transition.eventType}#${list.indexOf(transition as never)}`;
}

/** The professional depth boundary: anything deeper needs a valid unlock (S9). */
export const HOME_DEPTH_LIMIT_UM = HOME_CAP_UM;

/**
 * Invariants checked after every step of a replay. `previous` is the context before the step;
 * `unlockedSinceReset` says whether a valid UNLOCK_PRO was sent since the start or the last RESET.
 */
export function checkInvariants(
  previous: ControllerContext,
  next: ControllerSnapshot,
  event: ControllerEvent,
  unlockedSinceReset: boolean,
): string[] {
  const violations: string[] = [];
  const c = next.context;
  const capUm = modeCapUm(c.mode, c.proUnlocked);
  if (c.commandedDepthUm > capUm) violations.push(`S1: commanded ${c.commandedDepthUm} > mode cap ${capUm}`);
  const current = c.areas.find((a) => a.area === c.currentArea);
  if (current !== undefined && c.commandedDepthUm > Math.min(current.capUm, PRO_AREA_CAP_UM[current.area])) {
    violations.push(`S1: commanded ${c.commandedDepthUm} > ${current.area} cap ${current.capUm}`);
  }
  if (!unlockedSinceReset && c.commandedDepthUm > HOME_DEPTH_LIMIT_UM) {
    violations.push(`S9: pro depth ${c.commandedDepthUm} without UNLOCK_PRO`);
  }
  c.areas.forEach((area, index) => {
    const before = previous.areas[index];
    if (area.passes > area.passLimit) violations.push(`S5: ${area.area} passes ${area.passes} > ${area.passLimit}`);
    if (area.passesOpened > area.passLimit) violations.push(`S5: ${area.area} opened ${area.passesOpened} > limit`);
    if (area.passes > area.passesOpened) violations.push(`S5: ${area.area} pass with contact not reserved`);
    if (before !== undefined && (area.passes < before.passes || area.passesOpened < before.passesOpened)) {
      violations.push(`S5: ${area.area} count decreased`);
    }
    if (!area.locked && area.passes >= area.passLimit && !area.counter.passOpen) {
      violations.push(`S5: ${area.area} at its limit but not locked`);
    }
  });
  const wasFault = previous.outcome === 'fault';
  const stillLatched = next.value === 'fault' || next.value === 'emergencyStop';
  if (wasFault && !stillLatched && !(event.type === 'RESET' && next.value === 'disconnected')) {
    violations.push(`S13: left fault by ${event.type} to ${JSON.stringify(next.value)}`);
  }
  return violations;
}

/** In fault or emergencyStop: the states RESET leaves. */
export function isLatched(snapshot: ControllerSnapshot): boolean {
  return snapshot.value === 'fault' || snapshot.value === 'emergencyStop';
}

/** Coverage: active state ids and transition ids taken in replays, and transitions of swept graph edges. */
export interface Coverage {
  readonly states: Set<string>;
  readonly transitions: Set<string>;
  readonly edgeTransitions: Set<string>;
}

export function createCoverage(): Coverage {
  return { states: new Set(), transitions: new Set(), edgeTransitions: new Set() };
}

/**
 * Replays `events` on a real actor (side effects recorded), checking the invariants after every
 * step and every SET_DEPTH asked for. Returns the violations found (none expected).
 */
export function replay(input: ControllerInput, events: readonly ControllerEvent[], coverage: Coverage): string[] {
  const log: RecordedAction[] = [];
  const actor = createActor(recordingMachine(log), {
    input,
    inspect: (inspection) => {
      if (inspection.type !== '@xstate.microstep') return;
      for (const transition of inspection._transitions) coverage.transitions.add(transitionId(transition));
    },
  }).start();
  const violations: string[] = [];
  let unlockedSinceReset = false;
  let seenActions = 0;
  for (const state of activeStateIds(actor.getSnapshot())) coverage.states.add(state);
  for (const event of events) {
    const before = actor.getSnapshot().context;
    if (event.type === 'RESET' && isLatched(actor.getSnapshot())) unlockedSinceReset = false;
    if (event.type === 'UNLOCK_PRO' && event.credential === input.proCredentialExpected) unlockedSinceReset = true;
    actor.send(event);
    const after = actor.getSnapshot();
    for (const state of activeStateIds(after)) coverage.states.add(state);
    violations.push(...checkInvariants(before, after, event, unlockedSinceReset));
    for (const action of log.slice(seenActions)) {
      if (action.type !== 'sendDepth') continue;
      const { depthUm } = action.params as { depthUm: number };
      if (!unlockedSinceReset && depthUm > HOME_DEPTH_LIMIT_UM)
        violations.push(`S9: SET_DEPTH ${depthUm} without unlock`);
      if (depthUm > modeCapUm(after.context.mode, after.context.proUnlocked))
        violations.push(`S1: SET_DEPTH ${depthUm}`);
    }
    seenActions = log.length;
  }
  actor.stop();
  return violations.map((violation) => `${violation} after ${events.map((e) => e.type).join(' ')}`);
}
