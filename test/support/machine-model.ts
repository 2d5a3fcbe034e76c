// Model-based testing support: representative events per snapshot and the state abstraction (oracle: machine-oracle.ts; sweep, replay and coverage: machine-sweep.ts).
import type { SnapshotFrom } from 'xstate';
import { PenState, Reason, TelemetryFlag, type Payload } from '../../src/protocol/index.js';
import { MAX_AREA_ATTEMPTS } from '../../src/policy/index.js';
import {
  controllerMachine,
  type ControllerEvent,
  type ControllerEventType,
  type ControllerInput,
  type ResumedSession,
  type TelemetryEvent,
} from '../../src/machine/index.js';
import { FACTS_NOW_MS, clearFacts, proInfo, sampleInfo } from './machine-harness.js';

export type ControllerSnapshot = SnapshotFrom<typeof controllerMachine>;

/** A TELEMETRY event of an armed pen, all readings zero unless given. */
export function telemetryOf(fields: Partial<TelemetryEvent> = {}): TelemetryEvent {
  return {
    type: 'TELEMETRY',
    measuredDepthUm: 0,
    strokeCount: 0,
    flags: 0,
    faultCode: 0,
    state: PenState.ARMED,
    commandedDepthUm: 0,
    ...fields,
  };
}

/** A model's world: the session the records resume (none: a new one), the pen's INFO, event phasing. */
export interface ModelOptions {
  readonly resumed?: ResumedSession;
  /** The healthy pen's INFO; default: the pro SKU for a pro input, else the home SKU. */
  readonly info?: Payload<'INFO'>;
  /** Offer the events of the session's phase only (default true); false: every event in every state. */
  readonly phased?: boolean;
  /** Event types never sent in this model (e.g. operator inputs where no operator port is). */
  readonly without?: readonly ControllerEventType[];
}

/**
 * Representative events for a snapshot: the events the runner, the records, the pen and the
 * operator may send, with times and stroke counts following the pen readings in the context (a
 * contact-on is a new pass at +1000 ms or a bounce at +50 ms, the drive's strokes running on).
 * The current area's latest pass reservation is answered while one may be outstanding, and so is
 * another area's still unanswered one, as the records do; a NAK comes only for a command in flight, and a NAK CANCELLED_BY_STOP (a command an
 * earlier STOP discarded) may come at any time. Before the session the setup events come
 * with a sample of session events; in the session, the session events with a sample of setup
 * events (both samples are refused or ignored); once latched, or when not `phased`, every event.
 */
export function modelEvents(
  input: ControllerInput,
  options: ModelOptions = {},
): (snapshot: ControllerSnapshot) => ControllerEvent[] {
  const info = options.info ?? (input.mode === 'pro' ? proInfo() : sampleInfo());
  const phased = options.phased ?? true;
  const without = options.without ?? [];
  const areas = input.plan.areas.map((entry) => entry.area);
  const claim = { sessionId: 7, resumed: options.resumed === undefined ? null : { ...options.resumed, sessionId: 7 } };
  const setup: ControllerEvent[] = [
    { type: 'START_SESSION' },
    { type: 'LINK_OPENED' },
    { type: 'LINK_FAILED', reason: 'ENOENT' },
    { type: 'CONNECT_TIMEOUT' },
    { type: 'INFO_RECEIVED', info },
    { type: 'INFO_RECEIVED', info: { ...info, state: PenState.HOMING } },
    { type: 'INFO_RECEIVED', info: { ...info, protocolVersion: 99 } },
    { type: 'INFO_RECEIVED', info: { ...info, state: PenState.FAULT, faultCode: 0x10 } },
    { type: 'INFO_RECEIVED', info: { ...info, minStrokeHz: 160, maxStrokeHz: 200 } },
    { type: 'INFO_RECEIVED', info: { ...info, cartridgeId: 0, needleCount: 0 } },
    { type: 'INFO_RECEIVED', info: { ...info, needleCount: 0 } },
    ...(input.mode === 'pro' ? [{ type: 'INFO_RECEIVED', info: sampleInfo() } as const] : []),
    { type: 'HANDSHAKE_TIMEOUT' },
    { type: 'SESSION_CLAIMED', claim },
    { type: 'CLAIM_REFUSED', reason: 'CLIENT_IN_SESSION', detail: 'client c1 is in session 3' },
    { type: 'ADMISSION_FACTS', facts: clearFacts() },
    { type: 'ADMISSION_FACTS', facts: clearFacts({ patchTest: null, cartridgeSeenBefore: true }) },
    // A wall clock set back behind the newest record (S9: no unlock, no session).
    { type: 'ADMISSION_FACTS', facts: clearFacts({ newestRecordAtMs: FACTS_NOW_MS + 3600_000 }) },
    { type: 'PEN_IDLE_TIMEOUT' },
  ];
  const setupSample = setup.filter((event) =>
    ['START_SESSION', 'CONNECT_TIMEOUT', 'PEN_IDLE_TIMEOUT'].includes(event.type),
  );
  const operator: ControllerEvent[] = [
    { type: 'PAUSE' },
    { type: 'RESUME' },
    { type: 'FINISH' },
    { type: 'STOP' },
    { type: 'ESTOP' },
    { type: 'RESET' },
  ];
  return (snapshot) => {
    const context = snapshot.context;
    const atMs = context.penReadings.lastPenTimeMs;
    const strokes = context.penReadings.lastStrokeCount;
    const depthUm = context.commandedDepthUm;
    const telemetry = (fields: Partial<TelemetryEvent>): ControllerEvent =>
      telemetryOf({ measuredDepthUm: depthUm, strokeCount: strokes, commandedDepthUm: depthUm, ...fields });
    const current = context.areas.find((area) => area.area === context.currentArea);
    const asked =
      current !== undefined && (current.passesOpened > current.passesReserved || current.passesOpened > current.passes);
    // Another area's reservation still unanswered (asked for before a pause or an area change).
    const others = context.areas.filter((area) => area !== current && area.passesOpened > area.passesReserved);
    const reservation: ControllerEvent[] = [...(asked ? [current] : []), ...others].map((area) => ({
      type: 'PASS_RESERVED',
      area: area.area,
      passNumber: area.passesOpened,
    }));
    const failures: ControllerEvent[] = [
      { type: 'RECORDS_UNAVAILABLE', detail: 'SQLITE_BUSY' },
      { type: 'PEN_FAULT', faultCode: 0x02 },
      { type: 'PEN_STOPPED', reason: Reason.STOP_LEASE_LAPSED },
      { type: 'PEN_STOPPED', reason: Reason.STOP_HOST },
      { type: 'CARTRIDGE_REMOVED' },
      { type: 'LINK_DEAD', reason: 'HEARTBEAT_TIMEOUT' },
      telemetry({ measuredDepthUm: depthUm + 51 }),
      telemetry({ faultCode: 0x11, state: PenState.FAULT }),
    ];
    const session: ControllerEvent[] = [
      ...areas.map((area): ControllerEvent => ({ type: 'SELECT_AREA', area })),
      { type: 'SELECT_AREA', area: 'elbow' },
      { type: 'NEXT_AREA_DUE' },
      { type: 'COMMAND_ACKED', command: 'SET_DEPTH_LIMIT', note: 0, appliedValue: depthUm },
      { type: 'COMMAND_ACKED', command: 'SET_DEPTH_LIMIT', note: 0, appliedValue: depthUm + 50 },
      { type: 'COMMAND_ACKED', command: 'SET_DEPTH', note: 0, appliedValue: depthUm },
      { type: 'COMMAND_ACKED', command: 'SET_DEPTH', note: 0, appliedValue: depthUm + 50 },
      { type: 'COMMAND_ACKED', command: 'SET_SPEED', note: 0, appliedValue: 100 },
      { type: 'COMMAND_ACKED', command: 'ARM', note: 0, appliedValue: 0 },
      ...naksOf(snapshot),
      { type: 'COMMAND_NAKED', command: 'SET_DEPTH', reason: Reason.CANCELLED_BY_STOP },
      ...reservation,
      { type: 'CONTACT_ON', atMs: atMs + 1000, strokeCount: strokes },
      { type: 'CONTACT_ON', atMs: atMs + 50, strokeCount: strokes + 5 },
      { type: 'CONTACT_OFF', atMs: atMs + 400, strokeCount: strokes + 40 },
      { type: 'PASS_DEBOUNCE_ELAPSED' },
      telemetry({}),
      // The readings as they are (a sample that changes nothing: taken without an update).
      telemetry({
        state: context.penReadings.penState,
        flags: context.penReadings.penContact ? TelemetryFlag.CONTACT : 0,
        measuredDepthUm: Math.min(depthUm, current?.maxMeasuredDepthUm ?? depthUm),
      }),
      telemetry({ flags: TelemetryFlag.CONTACT, strokeCount: strokes + 30 }),
      telemetry({ commandedDepthUm: depthUm + 50 }),
    ];
    const sessionSample = session.filter(
      (event) => event.type === 'CONTACT_ON' || event.type === 'NEXT_AREA_DUE' || event === session[0],
    );
    const idle = telemetry({ state: PenState.IDLE, measuredDepthUm: 0, commandedDepthUm: 0 });
    let events: ControllerEvent[];
    if (!phased || isLatched(snapshot)) events = [...setup, idle, ...session, ...failures, ...operator];
    else if (!isInSession(snapshot)) events = [...setup, idle, ...sessionSample, ...failures, ...operator];
    else events = [...setupSample, ...session, ...failures, ...operator];
    return without.length === 0 ? events : events.filter((event) => !without.includes(event.type));
  };
}

/**
 * The NAKs the pen may send now, for the command in flight: SET_DEPTH_LIMIT (BUSY_ARMED) or
 * SET_DEPTH while the setup is unacknowledged, ARM while it is awaited, none while a reservation is
 * awaited, else SET_TELEMETRY.
 */
function naksOf(snapshot: ControllerSnapshot): ControllerEvent[] {
  const value = JSON.stringify(snapshot.value);
  const nak = (command: 'SET_DEPTH' | 'ARM' | 'SET_TELEMETRY'): ControllerEvent[] => [
    { type: 'COMMAND_NAKED', command, reason: Reason.NO_CARTRIDGE },
  ];
  if (value.includes('configuring')) {
    return [{ type: 'COMMAND_NAKED', command: 'SET_DEPTH_LIMIT', reason: Reason.BUSY_ARMED }, ...nak('SET_DEPTH')];
  }
  if (value.includes('awaitingArm')) return nak('ARM');
  return value.includes('arming') ? [] : nak('SET_TELEMETRY');
}

/** In `connected.session` (any of its states). */
export function isInSession(snapshot: ControllerSnapshot): boolean {
  return typeof snapshot.value === 'object' && JSON.stringify(snapshot.value).includes('"session"');
}

const BEFORE_SESSION = ['handshaking', 'claiming', 'admitting', 'waitingForIdlePen'];

/**
 * The decision-relevant abstraction of a snapshot (pen times, stroke counts and exposure left out,
 * so the graph is finite): state, pen identity, unlock, current area, setup ACKs while arming,
 * contact where a guard reads it, and per area the pass counts (with, contact, opened, confirmed
 * by the records), lock, counter state and (plan order) refused armings. An ended or latched session is its state alone:
 * nothing it does afterwards depends on the rest (every edge into it is still checked).
 */
export function serializeAbstract(snapshot: ControllerSnapshot): string {
  const c = snapshot.context;
  const value = JSON.stringify(snapshot.value);
  if (snapshot.status !== 'active' || isLatched(snapshot)) return value;
  const pen = c.pen === null ? null : [c.pen.sku, c.pen.cartridgeId > 0, c.pen.needleCount > 0];
  const idle = BEFORE_SESSION.some((state) => value.includes(state)) && c.penReadings.penState === PenState.IDLE;
  const order = c.settings.areaOrder;
  const arming = value.includes('arming');
  return JSON.stringify([
    value,
    pen,
    idle,
    c.unlock !== null,
    c.currentArea,
    arming ? [c.acks.depthLimit, c.acks.depth, c.acks.speed] : null,
    value.includes('awaitingArm') || value.includes('selectingArea') ? c.penReadings.penContact : null,
    c.areas.map((a) => [
      a.passes,
      a.passesOpened,
      a.passesReserved,
      a.locked,
      a.counter.inContact,
      a.counter.passOpen,
      order === 'plan' ? Math.min(a.refusedArmings, MAX_AREA_ATTEMPTS) : 0,
    ]),
  ]);
}

/** Ids of the active state nodes of a snapshot (root excluded). */
export function activeStateIds(snapshot: ControllerSnapshot): string[] {
  return snapshot._nodes.filter((node) => node.parent !== undefined).map((node) => node.id);
}

/** In fault or emergencyStop: the session is over; RESET only resets the pen. */
export function isLatched(snapshot: ControllerSnapshot): boolean {
  return snapshot.value === 'fault' || snapshot.value === 'emergencyStop';
}
