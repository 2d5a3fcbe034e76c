// Test support for the controller machine: sample INFO, plans, admission facts, and an actor that records its effects.
import { createActor, type Actor } from 'xstate';
import { PROTOCOL_VERSION, PenState, SKU_MAX_DEPTH_UM, Sku, type Payload } from '../../src/protocol/index.js';
import { clearScreening, parsePlan, type Plan } from '../../src/policy/index.js';
import {
  controllerMachine,
  type AdmissionFacts,
  type ControllerEffect,
  type ControllerEffectName,
  type ControllerEvent,
  type ControllerInput,
} from '../../src/machine/index.js';
import { presentedCredential } from './presented-tokens.js';

/** Wall-clock time the sample facts are taken at. */
export const FACTS_NOW_MS = Date.parse('2026-06-01T10:00:00Z');
const DAY_MS = 24 * 3600 * 1000;

/** INFO of a healthy home pen with a 12-needle cartridge; override any field. */
export function sampleInfo(overrides: Partial<Payload<'INFO'>> = {}): Payload<'INFO'> {
  return {
    protocolVersion: PROTOCOL_VERSION,
    firmwareMajor: 1,
    firmwareMinor: 0,
    firmwarePatch: 0,
    sku: Sku.HOME,
    serialNumber: 1001,
    maxDepthUm: SKU_MAX_DEPTH_UM[Sku.HOME],
    depthStepUm: 50,
    minStrokeHz: 50,
    maxStrokeHz: 150,
    leaseMs: 200,
    cartridgeId: 77,
    needleCount: 12,
    batteryPercent: 90,
    batteryMv: 4000,
    configCrc: 0x1234,
    nextSeq: 0x4000,
    state: PenState.IDLE,
    faultCode: 0,
    ...overrides,
  };
}

/** INFO of a pro SKU pen. */
export function proInfo(overrides: Partial<Payload<'INFO'>> = {}): Payload<'INFO'> {
  return sampleInfo({ sku: Sku.PRO, maxDepthUm: SKU_MAX_DEPTH_UM[Sku.PRO], ...overrides });
}

/** A validated plan; throws with the errors if `json` is not valid. */
export function planOf(json: unknown): Plan {
  const result = parsePlan(json);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.plan;
}

export const homePlan = (passes = 2): Plan =>
  planOf({
    mode: 'home',
    areas: [
      { area: 'forehead', depthMm: 0.25, passes },
      { area: 'cheeks', depthMm: 0.2, passes },
    ],
  });

export const proPlan = (): Plan =>
  planOf({
    mode: 'pro',
    areas: [
      { area: 'cheeks', depthMm: 1.5, passes: 2 },
      { area: 'forehead', depthMm: 0.5, passes: 1 },
    ],
  });

/** A professional credential that unlocks (verified, valid 2020-2100, any pen). */
export const PRO_CREDENTIAL = presentedCredential();

/** A machine input with the operator choosing areas, for client `c1`; override any field. */
export function inputOf(plan: Plan, overrides: Partial<ControllerInput> = {}): ControllerInput {
  return { plan, mode: plan.mode, areaOrder: 'operator', clientId: 'c1', isPatchTest: false, ...overrides };
}

/** A professional input whose credential unlocks. */
export function proInput(plan: Plan = proPlan(), overrides: Partial<ControllerInput> = {}): ControllerInput {
  return inputOf(plan, { credential: PRO_CREDENTIAL, ...overrides });
}

/** Facts under which every admission rule passes: clear screening, patch test 3 days ago, no prior session. */
export function clearFacts(overrides: Partial<AdmissionFacts> = {}): AdmissionFacts {
  return {
    nowMs: FACTS_NOW_MS,
    client: { birthYear: 1990, screening: clearScreening(1990, FACTS_NOW_MS - 3600_000) },
    lastSessionByArea: {},
    patchTest: { doneAtMs: FACTS_NOW_MS - 3 * DAY_MS },
    cartridgeSeenBefore: false,
    newestRecordAtMs: null,
    ...overrides,
  };
}

export interface Harness {
  readonly actor: Actor<typeof controllerMachine>;
  /** Every effect the machine emitted, in order. */
  readonly effects: ControllerEffect[];
  send(...events: ControllerEvent[]): void;
  /** Types of the effects emitted since the last call. */
  take(): ControllerEffectName[];
  state(): unknown;
}

/** A started actor whose emitted effects are recorded. */
export function harness(input: ControllerInput): Harness {
  const actor = createActor(controllerMachine, { input });
  const effects: ControllerEffect[] = [];
  actor.on('*', (effect) => void effects.push(effect as ControllerEffect));
  actor.start();
  let read = 0;
  return {
    actor,
    effects,
    send: (...events) => events.forEach((event) => actor.send(event)),
    take: () => {
      const types = effects.slice(read).map((effect) => effect.type);
      read = effects.length;
      return types;
    },
    state: () => actor.getSnapshot().value,
  };
}

export const ack = (
  command: 'SET_DEPTH_LIMIT' | 'SET_DEPTH' | 'SET_SPEED' | 'ARM' | 'SET_TELEMETRY',
  appliedValue = 0,
  note = 0,
): ControllerEvent => ({
  type: 'COMMAND_ACKED',
  command,
  note,
  appliedValue,
});

/** Events from disconnected into the session (START_SESSION, link, INFO, claim, admission). */
export function toSession(
  info: Payload<'INFO'> = sampleInfo(),
  facts: AdmissionFacts = clearFacts(),
): ControllerEvent[] {
  return [
    { type: 'START_SESSION' },
    { type: 'LINK_OPENED' },
    { type: 'INFO_RECEIVED', info },
    { type: 'SESSION_CLAIMED', claim: { sessionId: 1, resumed: null } },
    { type: 'ADMISSION_FACTS', facts },
  ];
}

/** Events that arm `area` at depthUm/strokeHz: SELECT_AREA, the setup ACKs, the reservation and ARM's ACK. */
export function armEvents(area: string, depthUm: number, strokeHz = 100, passNumber = 1): ControllerEvent[] {
  return [
    { type: 'SELECT_AREA', area },
    ack('SET_DEPTH_LIMIT', depthUm),
    ack('SET_DEPTH', depthUm),
    ack('SET_SPEED', strokeHz),
    { type: 'PASS_RESERVED', area: area as never, passNumber },
    ack('ARM'),
  ];
}

/** A contact episode: on at `atMs`, off after `durationMs`, `strokes` strokes delivered. */
export function touch(atMs: number, durationMs: number, fromStroke: number, strokes: number): ControllerEvent[] {
  return [
    { type: 'CONTACT_ON', atMs, strokeCount: fromStroke },
    { type: 'CONTACT_OFF', atMs: atMs + durationMs, strokeCount: fromStroke + strokes },
  ];
}
