// Model-based testing support: representative events per snapshot, state abstraction, invariants, replay, coverage.
import { createActor, createEmptyActor, type AnyStateNode, type SnapshotFrom } from 'xstate';
import { PenState, Reason, TelemetryFlag, type Payload } from '../../src/protocol/index.js';
import { HOME_CAP_UM, MAX_AREA_ATTEMPTS, areaCapUm, modeCapUm } from '../../src/policy/index.js';
import {
  controllerMachine,
  type ControllerContext,
  type ControllerEffect,
  type ControllerEvent,
  type ControllerEventType,
  type ControllerInput,
  type ResumedSession,
  type TelemetryEvent,
} from '../../src/machine/index.js';
import { checkInertReaction, inertProbes } from './fold-check.js';
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

/** A transition of the machine definition: `source#EVENT#index`, eventless ones as `source#always#index`. */
export interface TransitionRef {
  readonly id: string;
  /** The guard's name (`a & b` for `and`), or `otherwise`. */
  readonly guard: string;
}

function guardLabel(guard: unknown): string {
  if (guard === undefined) return 'otherwise';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function' && 'guards' in guard && Array.isArray(guard.guards)) {
    return (guard.guards as unknown[]).map(guardLabel).join(' & ');
  }
  return String((guard as { type?: unknown }).type);
}

/**
 * Every state node id (root excluded) and every transition of the definition: each event
 * transition and each eventless (`always`) transition, with its guard.
 */
export function machineInventory(): { states: string[]; transitions: TransitionRef[] } {
  const states: string[] = [];
  const transitions: TransitionRef[] = [];
  const visit = (node: AnyStateNode): void => {
    for (const [eventType, list] of node.transitions)
      list.forEach((t, index) =>
        transitions.push({ id: `${node.id}#${eventType}#${index}`, guard: guardLabel(t.guard) }),
      );
    (node.always ?? []).forEach((t, index) =>
      transitions.push({ id: `${node.id}#always#${index}`, guard: guardLabel(t.guard) }),
    );
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
  const { source, eventType } = transition;
  if (eventType === '') return `${source.id}#always#${(source.always ?? []).indexOf(transition as never)}`;
  const list = source.transitions.get(eventType) ?? [];
  return `${source.id}#${eventType}#${list.indexOf(transition as never)}`;
}

/** The professional depth boundary: anything deeper needs an accepted credential (S9). */
export const HOME_DEPTH_LIMIT_UM = HOME_CAP_UM;

/**
 * S9, judged here independently of the machine's policy: the input carries a credential that
 * unlocks professional depth on the model's pen (serial 1001) at the model's clock: verified,
 * signed by a maker naming its own key, valid at FACTS_NOW_MS, bound to no pen or to 1001, not
 * revoked (no list), with every claim the schema requires.
 */
export function isCredentialAccepted(input: ControllerInput): boolean {
  const credential = input.credential;
  if (input.mode !== 'pro' || credential === undefined || !credential.token.ok) return false;
  if (credential.revocations !== null) return false;
  const { signer, payload } = credential.token;
  const p = payload as Record<string, unknown>;
  const nowS = FACTS_NOW_MS / 1000;
  const pens = p.pens as number[] | undefined;
  return (
    signer.keyRoles.includes('maker') &&
    p.iss === signer.keyId &&
    ['sub', 'jti', 'name', 'license'].every((claim) => typeof p[claim] === 'string' && p[claim] !== '') &&
    typeof p.nbf === 'number' &&
    typeof p.exp === 'number' &&
    p.nbf <= nowS &&
    nowS < p.exp &&
    (pens === undefined || pens.includes(1001))
  );
}

/** The credential's depth limit (um) as its claims say, or the professional maximum. */
function credentialMaxUm(input: ControllerInput): number {
  const token = input.credential?.token;
  const claim = token?.ok === true ? (token.payload as { maxDepthUm?: unknown }).maxDepthUm : undefined;
  return typeof claim === 'number' ? claim : Infinity;
}

/** The clinic profile document's cap on `area` (um), when a verified profile names one. */
function profileCapOf(input: ControllerInput, area: string): number | undefined {
  const token = input.profile?.token;
  if (token?.ok !== true) return undefined;
  const document = (token.payload as { profile?: { areaCapsUm?: Record<string, number> } }).profile;
  return document?.areaCapsUm?.[area];
}

/** In fault or emergencyStop: the session is over; RESET only resets the pen. */
export function isLatched(snapshot: ControllerSnapshot): boolean {
  return snapshot.value === 'fault' || snapshot.value === 'emergencyStop';
}

/** Highest depth the context may command now, recomputed from policy (S1, S2, S9). */
function depthBoundUm(input: ControllerInput, c: ControllerContext): number {
  let bound = modeCapUm(c.mode, c.unlock !== null);
  if (c.pen !== null) bound = Math.min(bound, c.pen.maxDepthUm);
  if (!isCredentialAccepted(input)) bound = Math.min(bound, HOME_DEPTH_LIMIT_UM);
  else bound = Math.min(bound, credentialMaxUm(input));
  const current = c.areas.find((a) => a.area === c.currentArea);
  if (current !== undefined) {
    bound = Math.min(bound, areaCapUm(c.mode, current.area), current.planDepthUm, current.capUm);
    const profileUm = profileCapOf(input, current.area);
    if (profileUm !== undefined) bound = Math.min(bound, profileUm);
  }
  return bound;
}

interface Usage {
  readonly punctures: number;
  readonly contactMs: number;
}

function usageOf(context: ControllerContext): Usage {
  let punctures = 0;
  let contactMs = 0;
  for (const area of context.areas) {
    punctures += area.punctures;
    contactMs += area.contactMs;
  }
  return { punctures, contactMs };
}

/** S6: exposure added although a budget was already reached before the step. */
function isExposureGrown(before: Usage, after: Usage, puncturesBudget: number, contactMsBudget: number): boolean {
  const reached = before.punctures >= puncturesBudget || before.contactMs >= contactMsBudget;
  return reached && (after.punctures > before.punctures || after.contactMs > before.contactMs);
}

/**
 * Invariants of one step, over the contexts before and after it: S1 commanded depth within every
 * cap, S9 no professional depth or unlock without an accepted credential, S5 passes within the
 * limit and reserved, no more confirmed than asked for, counters that only grow, an area at its limit locked, S6 no exposure added
 * to an area or a session once its budget is reached, S13 no way out of fault or emergencyStop, one
 * outcome that never changes.
 */
export function checkInvariants(
  input: ControllerInput,
  previous: ControllerSnapshot,
  next: ControllerSnapshot,
  event: ControllerEvent,
): string[] {
  const violations: string[] = [];
  const c = next.context;
  const boundUm = depthBoundUm(input, c);
  if (c.commandedDepthUm > boundUm) violations.push(`S1: commanded ${c.commandedDepthUm} um > cap ${boundUm} um`);
  if (c.unlock !== null && !isCredentialAccepted(input)) violations.push('S9: unlocked without an accepted credential');
  if (
    c.unlock !== null &&
    previous.context.unlock === null &&
    event.type === 'ADMISSION_FACTS' &&
    event.facts.newestRecordAtMs !== null &&
    event.facts.nowMs < event.facts.newestRecordAtMs
  ) {
    violations.push('S9: unlocked with the wall clock behind the records');
  }
  const budgets = c.settings.budgets;
  c.areas.forEach((area, index) => {
    const before = previous.context.areas[index];
    if (area.passes > area.passLimit) violations.push(`S5: ${area.area} passes ${area.passes} > ${area.passLimit}`);
    if (area.passesOpened > area.passLimit) violations.push(`S5: ${area.area} opened ${area.passesOpened} > limit`);
    if (area.passes > area.passesOpened) violations.push(`S5: ${area.area} pass with contact not reserved`);
    if (area.passesReserved > area.passesOpened) violations.push(`S5: ${area.area} confirmed more than asked for`);
    if (
      before !== undefined &&
      (area.passes < before.passes ||
        area.passesOpened < before.passesOpened ||
        area.passesReserved < before.passesReserved)
    ) {
      violations.push(`S5: ${area.area} count decreased`);
    }
    if (c.outcome === null && !area.locked && area.passes >= area.passLimit && !area.counter.passOpen) {
      violations.push(`S5: ${area.area} at its limit but not locked`);
    }
    if (before !== undefined && isExposureGrown(before, area, budgets.areaPunctures, budgets.areaContactMs)) {
      violations.push(
        `S6: ${area.area} exposure grew from ${before.punctures} punctures, ${before.contactMs} ms at its budget`,
      );
    }
  });
  if (isExposureGrown(usageOf(previous.context), usageOf(c), budgets.sessionPunctures, budgets.sessionContactMs)) {
    violations.push(`S6: session exposure grew past its budget`);
  }
  if (isLatched(previous) && !isLatched(next)) {
    violations.push(`S13: left ${String(previous.value)} by ${event.type} to ${JSON.stringify(next.value)}`);
  }
  const before = previous.context.outcome;
  if (before !== null && c.outcome !== before) violations.push(`outcome ${before} changed to ${String(c.outcome)}`);
  if ((c.outcome === null) !== (next.status === 'active' && !isLatched(next))) {
    violations.push(`outcome ${String(c.outcome)} in ${JSON.stringify(next.value)}`);
  }
  return violations;
}

const RECORD_EFFECTS = new Set<string>([
  'recordPassStarted',
  'recordPassEnded',
  'recordAreaLocked',
  'recordRefusal',
  'recordClamp',
  'recordStop',
  'recordFault',
  'recordSessionEnded',
]);
const DRIVE_EFFECTS = new Set<string>(['sendDepthLimit', 'sendDepth', 'sendSpeed', 'armDrive']);

/**
 * Rules for the effects of one step: the needles stop before anything is recorded
 * (stopNeedles/emergencyStop ahead of every record effect), S1 every SET_DEPTH_LIMIT and SET_DEPTH
 * within the caps, every SET_DEPTH after a SET_DEPTH_LIMIT of the same step that holds it (the pen's
 * limiter holds the area's commanded depth), S13 no drive command once latched, and the session end
 * recorded in the step that sets the outcome.
 */
export function checkEffects(
  input: ControllerInput,
  previous: ControllerSnapshot,
  next: ControllerSnapshot,
  effects: readonly ControllerEffect[],
): string[] {
  const violations: string[] = [];
  const types = effects.map((effect) => effect.type);
  const firstRecord = types.findIndex((type) => RECORD_EFFECTS.has(type));
  const stop = types.findIndex((type) => type === 'stopNeedles' || type === 'emergencyStop');
  if (stop >= 0 && firstRecord >= 0 && stop > firstRecord) violations.push(`order: ${types.join(' ')}`);
  if (isLatched(previous) && types.some((type) => DRIVE_EFFECTS.has(type))) {
    violations.push(`S13: ${types.join(' ')} from ${String(previous.value)}`);
  }
  let limitUm: number | null = null;
  for (const effect of effects) {
    if (effect.type !== 'sendDepth' && effect.type !== 'sendDepthLimit') continue;
    const boundUm = depthBoundUm(input, next.context);
    if (effect.type === 'sendDepthLimit') {
      limitUm = effect.limitUm;
      if (effect.limitUm > boundUm) violations.push(`S1: SET_DEPTH_LIMIT ${effect.limitUm} um > cap ${boundUm} um`);
      continue;
    }
    if (effect.depthUm > boundUm) violations.push(`S1: SET_DEPTH ${effect.depthUm} um > cap ${boundUm} um`);
    if (limitUm === null) violations.push(`S1: SET_DEPTH ${effect.depthUm} um without SET_DEPTH_LIMIT before it`);
    else if (effect.depthUm > limitUm) violations.push(`S1: SET_DEPTH ${effect.depthUm} um > limit ${limitUm} um`);
  }
  const ends = types.filter((type) => type === 'recordSessionEnded').length;
  const ended = previous.context.outcome === null && next.context.outcome !== null ? 1 : 0;
  if (ends !== ended) violations.push(`recordSessionEnded ${ends} times when the outcome is set ${ended} times`);
  return violations;
}

/**
 * What a runner sees across a replay: setup commands not yet acknowledged and pass reservations
 * asked for and confirmed. Rules: ARM only once the three setup commands of this arming
 * (SET_DEPTH_LIMIT, SET_DEPTH, SET_SPEED) are acknowledged (S1: the limiter holds the area's depth
 * before the drive runs); S5 a pass touches skin only once PASS_RESERVED confirmed its reservation
 * (recordPassStarted, the area's pass count and its confirmed count never ahead of the confirmations).
 */
export class RunnerModel {
  private readonly unackedSetup = new Set<string>();
  private readonly requested = new Set<string>();
  private readonly confirmed = new Map<string, number>();

  constructor(resumed: ResumedSession | null) {
    for (const [area, count] of Object.entries(resumed?.openedPassesByArea ?? {}))
      if (typeof count === 'number' && Number.isFinite(count) && count >= 0) this.confirmed.set(area, count);
  }

  /** The event about to be sent: ACKs and reservation answers (an answer to no request is ignored). */
  onEvent(event: ControllerEvent): void {
    if (event.type === 'COMMAND_ACKED') this.unackedSetup.delete(event.command);
    if (event.type === 'PASS_RESERVED' && this.requested.delete(`${event.area}#${event.passNumber}`)) {
      this.confirmed.set(event.area, Math.max(this.confirmed.get(event.area) ?? 0, event.passNumber));
    }
  }

  /** The effects of the step and the snapshot after it. */
  onEffects(effects: readonly ControllerEffect[], next: ControllerSnapshot): string[] {
    const violations: string[] = [];
    for (const effect of effects) {
      if (effect.type === 'sendDepthLimit') this.unackedSetup.add('SET_DEPTH_LIMIT');
      if (effect.type === 'sendDepth') this.unackedSetup.add('SET_DEPTH');
      if (effect.type === 'sendSpeed') this.unackedSetup.add('SET_SPEED');
      if (effect.type === 'armDrive' && this.unackedSetup.size > 0) {
        violations.push(`ARM before ${[...this.unackedSetup].join(', ')} acknowledged`);
      }
      if (effect.type === 'reservePass') this.requested.add(`${effect.area}#${effect.passNumber}`);
      if (effect.type === 'recordPassStarted' && (this.confirmed.get(effect.area) ?? 0) < effect.passNumber) {
        violations.push(`S5: ${effect.area} pass ${effect.passNumber} started before PASS_RESERVED`);
      }
    }
    for (const area of next.context.areas) {
      const confirmed = this.confirmed.get(area.area) ?? 0;
      if (area.passes > confirmed) {
        violations.push(`S5: ${area.area} pass ${area.passes} has contact before PASS_RESERVED`);
      }
      if (area.passesReserved > confirmed) {
        violations.push(
          `S5: ${area.area} holds ${area.passesReserved} reservations, the records confirmed ${confirmed}`,
        );
      }
    }
    return violations;
  }
}

/** Coverage: state ids entered (transient ones included) and transition ids taken, on real actors and in sweeps. */
export interface Coverage {
  readonly states: Set<string>;
  readonly replayed: Set<string>;
  readonly swept: Set<string>;
}

export function createCoverage(): Coverage {
  return { states: new Set(), replayed: new Set(), swept: new Set() };
}

interface MicrostepInspection {
  readonly type: string;
  readonly snapshot?: unknown;
  readonly _transitions?: readonly { source: AnyStateNode; eventType: string }[];
}

/** Notes the states and transitions of a `@xstate.microstep` inspection event. */
function noteMicrostep(inspection: MicrostepInspection, states: Set<string>, transitions: Set<string>): void {
  if (inspection.type !== '@xstate.microstep') return;
  for (const id of activeStateIds(inspection.snapshot as ControllerSnapshot)) states.add(id);
  for (const transition of inspection._transitions ?? []) transitions.add(transitionId(transition));
}

/**
 * The controller machine as logic for xstate/graph, with every edge the traversal explores swept:
 * each transition runs once in an actor scope that collects its effects and its microsteps, and
 * the step invariants and effect rules are checked on it. Returns the logic and the violations.
 */
export function sweptMachine(input: ControllerInput, coverage: Coverage) {
  const violations: string[] = [];
  let edges = 0;
  let folds = 0;
  let probing = false;
  let effects: ControllerEffect[] = [];
  const empty = createEmptyActor();
  const system = Object.create(empty.system, {
    _sendInspectionEvent: {
      // NOTE: fold probes are not edges of the graph: their transitions are not coverage.
      value: (inspection: MicrostepInspection) =>
        probing ? undefined : noteMicrostep(inspection, coverage.states, coverage.swept),
    },
  });
  const scope = {
    self: empty,
    system,
    id: '',
    sessionId: 'model',
    logger: () => {},
    defer: () => {},
    stopChild: () => {},
    emit: () => {},
    actionExecutor: (action: { type: string; params?: unknown }) => {
      if (action.type === 'xstate.emit') effects.push((action.params as { event: ControllerEffect }).event);
    },
  } as unknown as Parameters<typeof controllerMachine.transition>[2];
  const logic = Object.create(controllerMachine) as typeof controllerMachine;
  logic.transition = (previous, event) => {
    effects = [];
    const next = controllerMachine.transition(previous, event, scope);
    edges += 1;
    const found = [...checkInvariants(input, previous, next, event), ...checkEffects(input, previous, next, effects)];
    for (const violation of found)
      violations.push(`${violation} on ${event.type} in ${JSON.stringify(previous.value)}`);
    for (const probe of inertProbes(previous, event)) {
      effects = [];
      probing = true;
      const probed = controllerMachine.transition(previous, probe, scope);
      probing = false;
      folds += 1;
      violations.push(...checkInertReaction(previous, probe, probed, effects));
    }
    return next;
  };
  return { logic, violations, edges: () => edges, folds: () => folds };
}

/** A path of xstate/graph: its first step is `xstate.init`, each step holds the state after its event. */
export interface GraphPath {
  readonly state: ControllerSnapshot;
  readonly steps: readonly { readonly state: ControllerSnapshot; readonly event: ControllerEvent }[];
}

/** The events of a path, without `xstate.init`. */
export const eventsOf = (path: GraphPath): ControllerEvent[] =>
  path.steps.map((step) => step.event).filter((event) => (event.type as string) !== 'xstate.init');

/**
 * The shortest paths that are no other path's prefix: a shortest path is its parent's path plus
 * one edge, so replaying these replays every shortest path.
 */
export function maximalPaths(paths: readonly GraphPath[]): GraphPath[] {
  const parents = new Set<string>();
  for (const path of paths) {
    const parent = path.steps[path.steps.length - 2];
    if (parent !== undefined) parents.add(serializeAbstract(parent.state));
  }
  return paths.filter((path) => !parents.has(serializeAbstract(path.state)));
}

/**
 * Replays `events` on a real actor, its emitted effects collected, checking after every event
 * the step invariants, the effect rules and the runner's rules. Returns the violations found,
 * each with its path (none expected).
 */
export function replay(
  input: ControllerInput,
  events: readonly ControllerEvent[],
  coverage: Coverage,
  options: ModelOptions = {},
): string[] {
  const actor = createActor(controllerMachine, {
    input,
    inspect: (inspection) => noteMicrostep(inspection, coverage.states, coverage.replayed),
  });
  let effects: ControllerEffect[] = [];
  actor.on('*', (effect) => void effects.push(effect as ControllerEffect));
  actor.start();
  const runner = new RunnerModel(options.resumed ?? null);
  const violations: string[] = [];
  for (const state of activeStateIds(actor.getSnapshot())) coverage.states.add(state);
  events.forEach((event, step) => {
    const before = actor.getSnapshot();
    runner.onEvent(event);
    effects = [];
    actor.send(event);
    const after = actor.getSnapshot();
    const found = [
      ...checkInvariants(input, before, after, event),
      ...checkEffects(input, before, after, effects),
      ...runner.onEffects(effects, after),
    ];
    if (found.length > 0) {
      const path = events.slice(0, step + 1).map((e) => e.type);
      violations.push(...found.map((violation) => `${violation} after ${path.join(' ')}`));
    }
  });
  actor.stop();
  return violations;
}

/** The first violation of each kind (its text before ` on ` or ` after `, digits aside), at most `count`. */
export function firstOfEachKind(violations: readonly string[], count = 6): string[] {
  const kinds = new Map<string, string>();
  for (const violation of violations) {
    const kind = violation.split(/ on | after /)[0]!.replace(/\d+/g, '#');
    if (!kinds.has(kind)) kinds.set(kind, violation);
  }
  return [...kinds.values()].slice(0, count);
}

/** Coverage figures: states and transitions covered of total, and what was never covered. */
export function coverageReport(coverage: Coverage) {
  const inventory = machineInventory();
  const missingStates = inventory.states.filter((id) => !coverage.states.has(id));
  const replayed = inventory.transitions.filter((t) => coverage.replayed.has(t.id)).length;
  const missing = inventory.transitions.filter((t) => !coverage.replayed.has(t.id) && !coverage.swept.has(t.id));
  return {
    states: { covered: inventory.states.length - missingStates.length, total: inventory.states.length },
    missingStates,
    replayed,
    transitions: { covered: inventory.transitions.length - missing.length, total: inventory.transitions.length },
    missing,
  };
}
