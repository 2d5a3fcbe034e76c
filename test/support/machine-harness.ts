// Test support for the controller machine: sample INFO, plans, and an actor that records its side effects.
import { createActor, type Actor } from 'xstate';
import { PROTOCOL_VERSION, PenState, SKU_MAX_DEPTH_UM, Sku, type Payload } from '../../src/protocol/index.js';
import { parsePlan, type Plan } from '../../src/policy/index.js';
import type { ControllerActionName, ControllerEvent, ControllerInput } from '../../src/machine/events.js';
import { controllerMachine } from '../../src/machine/machine.js';

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

export interface RecordedAction {
  readonly type: ControllerActionName;
  readonly params: unknown;
}

const SIDE_EFFECTS: readonly ControllerActionName[] = [
  'openLink',
  'sendHello',
  'sendDepth',
  'sendSpeed',
  'armDrive',
  'disarmDrive',
  'stopNeedles',
  'emergencyStop',
  'resetPen',
  'startDebounceTimer',
  'cancelDebounceTimer',
  'reservePass',
  'recordPassStarted',
  'recordPassEnded',
  'recordAreaLocked',
  'recordRefusal',
  'recordClamp',
  'recordStop',
  'recordFault',
  'sessionEnded',
  'sessionCompleted',
];

/** The machine with every side effect replaced by a recorder. */
export function recordingMachine(log: RecordedAction[]) {
  const actions = Object.fromEntries(
    SIDE_EFFECTS.map((type) => [type, (_: unknown, params: unknown) => void log.push({ type, params })]),
  );
  return controllerMachine.provide({ actions } as Parameters<typeof controllerMachine.provide>[0]);
}

export interface Harness {
  readonly actor: Actor<typeof controllerMachine>;
  readonly log: RecordedAction[];
  send(...events: ControllerEvent[]): void;
  /** Types of the actions recorded since the last call. */
  take(): ControllerActionName[];
  state(): unknown;
}

/** A started actor with recorded side effects. */
export function harness(input: ControllerInput): Harness {
  const log: RecordedAction[] = [];
  const actor = createActor(recordingMachine(log), { input }).start();
  let read = 0;
  return {
    actor,
    log,
    send: (...events) => events.forEach((event) => actor.send(event)),
    take: () => {
      const types = log.slice(read).map((entry) => entry.type);
      read = log.length;
      return types;
    },
    state: () => actor.getSnapshot().value,
  };
}

export const ack = (
  command: 'SET_DEPTH' | 'SET_SPEED' | 'ARM' | 'DISARM',
  appliedValue = 0,
  note = 0,
): ControllerEvent => ({
  type: 'COMMAND_ACKED',
  command,
  note,
  appliedValue,
});

/** Events from disconnected to an open session (idle -> START_SESSION). */
export function toSession(info: Payload<'INFO'> = sampleInfo(), unlock?: string): ControllerEvent[] {
  const events: ControllerEvent[] = [{ type: 'CONNECT' }, { type: 'LINK_OPENED' }, { type: 'INFO_RECEIVED', info }];
  if (unlock !== undefined) events.push({ type: 'UNLOCK_PRO', credential: unlock });
  events.push({ type: 'START_SESSION' });
  return events;
}

/** Events that arm `area` at depthUm/strokeHz (SELECT_AREA and the three ACKs). */
export function armEvents(area: string, depthUm: number, strokeHz = 100): ControllerEvent[] {
  return [{ type: 'SELECT_AREA', area }, ack('SET_DEPTH', depthUm), ack('SET_SPEED', strokeHz), ack('ARM')];
}

/** A contact episode: on at `atMs`, off after `durationMs`, `strokes` strokes delivered. */
export function touch(atMs: number, durationMs: number, fromStroke: number, strokes: number): ControllerEvent[] {
  return [
    { type: 'CONTACT_ON', atMs, strokeCount: fromStroke },
    { type: 'CONTACT_OFF', atMs: atMs + durationMs, strokeCount: fromStroke + strokes },
  ];
}
