// Message catalog: the single source of message ids, field layouts, units and ranges for both sides.
import { DEPTH_RANGE_UM, PRO_MAX_DEPTH_UM, STROKE_RANGE_HZ, TELEMETRY_RATE_RANGE_HZ } from '../limits/index.js';
import { Reason, type ReasonCode } from './codes.js';

export type FieldType = 'u8' | 'u16' | 'i16' | 'u32';

export const FIELD_BYTES: Readonly<Record<FieldType, number>> = { u8: 1, u16: 2, i16: 2, u32: 4 };

/** Protocol-wide ranges come from the limits table (the pro SKU's maximum bounds every depth on the wire). */
export { DEPTH_RANGE_UM, DEPTH_STEP_UM, STROKE_RANGE_HZ, TELEMETRY_RATE_RANGE_HZ } from '../limits/index.js';
const DEPTH_MAX = PRO_MAX_DEPTH_UM;

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly unit: string;
  readonly min: number;
  readonly max: number;
  /** Reason given when a received value is outside [min, max]. */
  readonly outOfRange?: ReasonCode;
  readonly doc: string;
}

export type MessageKind = 'link' | 'command' | 'realtime' | 'report';

export interface MessageSpec {
  readonly type: number;
  readonly kind: MessageKind;
  /** toPen: sent by the host; toHost: sent by the pen. */
  readonly direction: 'toPen' | 'toHost';
  readonly doc: string;
  readonly fields: readonly FieldSpec[];
}

const f = <N extends string>(
  name: N,
  type: FieldType,
  unit: string,
  min: number,
  max: number,
  doc: string,
  outOfRange?: ReasonCode,
): FieldSpec & { readonly name: N } => ({ name, type, unit, min, max, doc, ...(outOfRange ? { outOfRange } : {}) });

const U8 = 0xff;
const U16 = 0xffff;
const U32 = 0xffffffff;

const tick = f('deviceTickMs', 'u32', 'ms', 0, U32, 'pen control ticks since boot (1 tick = 1 ms)');

const telemetryFields = [
  tick,
  f('state', 'u8', 'PenState', 1, 7, 'pen state'),
  f('faultCode', 'u8', 'Fault', 0, U8, 'latched fault, 0 when none'),
  f('flags', 'u8', 'TelemetryFlag bits', 0, 0x1f, 'contact, cartridge, homed, lease valid, motor on'),
  f(
    'commandedDepthUm',
    'u16',
    'um',
    0,
    DEPTH_MAX,
    'depth actuator setpoint now: slews toward the applied SET_DEPTH while armed, 0 when retracted',
  ),
  f('measuredDepthUm', 'i16', 'um', -32768, 32767, 'depth encoder reading'),
  f('commandedStrokeHz', 'u16', 'Hz', 0, STROKE_RANGE_HZ.max, 'stroke rate setpoint (0 when disarmed)'),
  f('measuredStrokeHz', 'u16', 'Hz', 0, U16, 'measured stroke rate'),
  f('strokeCount', 'u32', 'strokes', 0, U32, 'strokes since boot'),
  f('motorCurrentMa', 'u16', 'mA', 0, U16, 'motor current'),
  f('batteryMv', 'u16', 'mV', 0, U16, 'battery voltage'),
  f('batteryPercent', 'u8', '%', 0, 100, 'battery state of charge'),
  f('cartridgeId', 'u32', 'id', 0, U32, 'inserted cartridge id, 0 when none'),
  f('needleCount', 'u8', 'needles', 0, U8, 'needles on the inserted cartridge, 0 when none'),
  f('lastStopReason', 'u8', 'Reason', 0, U8, 'why the drive last stopped, 0 when never'),
] as const;

/** Every message. Ids grouped: 0x01 link, 0x10 commands, 0x20 realtime, 0x30 reports. */
export const MESSAGES = {
  HELLO: {
    type: 0x01,
    kind: 'link',
    direction: 'toPen',
    doc: 'opens a link session; answered by INFO. Disarms a running drive.',
    fields: [f('protocolVersion', 'u8', 'version', 0, U8, 'protocol the host speaks')],
  },
  INFO: {
    type: 0x02,
    kind: 'link',
    direction: 'toHost',
    doc: 'answer to HELLO: identity, limits, consumables, and the next command sequence number',
    fields: [
      f('protocolVersion', 'u8', 'version', 0, U8, 'protocol the pen speaks'),
      f('firmwareMajor', 'u8', 'version', 0, U8, 'firmware major version'),
      f('firmwareMinor', 'u8', 'version', 0, U8, 'firmware minor version'),
      f('firmwarePatch', 'u8', 'version', 0, U8, 'firmware patch version'),
      f('sku', 'u8', 'Sku', 1, 2, '1 home, 2 pro'),
      f('serialNumber', 'u32', 'id', 0, U32, 'pen serial number'),
      f('maxDepthUm', 'u16', 'um', 0, DEPTH_MAX, "SKU's absolute maximum depth"),
      f('depthStepUm', 'u16', 'um', 1, DEPTH_MAX, 'depth actuator step'),
      f('minStrokeHz', 'u8', 'Hz', 0, U8, 'lowest stroke rate'),
      f('maxStrokeHz', 'u8', 'Hz', 0, U8, 'highest stroke rate'),
      f('leaseMs', 'u16', 'ms', 1, U16, 'drive lease renewed by HEARTBEAT'),
      f('cartridgeId', 'u32', 'id', 0, U32, 'inserted cartridge id, 0 when none'),
      f('needleCount', 'u8', 'needles', 0, U8, 'needles on the cartridge, 0 when none'),
      f('batteryPercent', 'u8', '%', 0, 100, 'battery state of charge'),
      f('batteryMv', 'u16', 'mV', 0, U16, 'battery voltage'),
      f('configCrc', 'u16', 'crc16', 0, U16, 'CRC-16 of the active configuration'),
      f('nextSeq', 'u16', 'seq', 0, U16, 'sequence number the next command must carry'),
      f('state', 'u8', 'PenState', 1, 7, 'pen state'),
      f('faultCode', 'u8', 'Fault', 0, U8, 'latched fault, 0 when none'),
    ],
  },
  ACK: {
    type: 0x03,
    kind: 'link',
    direction: 'toHost',
    doc: 'command (or STOP, ESTOP) accepted and applied; note says how a value was floored or clamped',
    fields: [
      f('ackedSeq', 'u16', 'seq', 0, U16, 'sequence number of the answered frame'),
      f('ackedType', 'u8', 'message type', 0, U8, 'message type of the answered frame'),
      f('note', 'u8', 'Reason', 0, U8, 'clamp note, 0 when applied as sent'),
      f(
        'appliedValue',
        'u16',
        'unit of the command',
        0,
        U16,
        'value applied, 0 for commands without one; for STOP and ESTOP the number of queued frames discarded',
      ),
      f('expectedSeq', 'u16', 'seq', 0, U16, 'sequence number the pen expects next'),
    ],
  },
  NAK: {
    type: 0x04,
    kind: 'link',
    direction: 'toHost',
    doc: 'command refused, nothing changed',
    fields: [
      f('refusedSeq', 'u16', 'seq', 0, U16, 'sequence number of the refused frame'),
      f('refusedType', 'u8', 'message type', 0, U8, 'message type of the refused frame (also an unknown one)'),
      f('reason', 'u8', 'Reason', 1, U8, 'why'),
      f('expectedSeq', 'u16', 'seq', 0, U16, 'sequence number the pen expects next'),
    ],
  },
  HEARTBEAT: {
    type: 0x10,
    kind: 'command',
    direction: 'toPen',
    doc: 'renews the drive lease while armed (the only frame that does)',
    fields: [],
  },
  SET_DEPTH: {
    type: 0x11,
    kind: 'command',
    direction: 'toPen',
    doc: 'sets the needle depth; floored to the step, clamped to the session limit and the SKU maximum (ACK notes which)',
    fields: [
      f('depthUm', 'u16', 'um', DEPTH_RANGE_UM.min, DEPTH_RANGE_UM.max, 'needle depth', Reason.DEPTH_OUT_OF_RANGE),
    ],
  },
  SET_SPEED: {
    type: 0x12,
    kind: 'command',
    direction: 'toPen',
    doc: 'sets the stroke rate',
    fields: [
      f('strokeHz', 'u16', 'Hz', STROKE_RANGE_HZ.min, STROKE_RANGE_HZ.max, 'stroke rate', Reason.SPEED_OUT_OF_RANGE),
    ],
  },
  ARM: {
    type: 0x13,
    kind: 'command',
    direction: 'toPen',
    doc: 'starts the drive under the lease (acknowledged without effect while armed)',
    fields: [],
  },
  DISARM: { type: 0x14, kind: 'command', direction: 'toPen', doc: 'stops the motor and retracts', fields: [] },
  HOME: { type: 0x15, kind: 'command', direction: 'toPen', doc: 'homes the depth axis', fields: [] },
  RESET_FAULT: {
    type: 0x16,
    kind: 'command',
    direction: 'toPen',
    doc: 'clears a latched fault; the axis must home again before motion',
    fields: [],
  },
  SET_TELEMETRY: {
    type: 0x17,
    kind: 'command',
    direction: 'toPen',
    doc: 'sets the telemetry rate (0 stops it)',
    fields: [
      f(
        'rateHz',
        'u16',
        'Hz',
        TELEMETRY_RATE_RANGE_HZ.min,
        TELEMETRY_RATE_RANGE_HZ.max,
        'telemetry frames per second',
        Reason.TELEMETRY_RATE_OUT_OF_RANGE,
      ),
    ],
  },
  SET_DEPTH_LIMIT: {
    type: 0x18,
    kind: 'command',
    direction: 'toPen',
    doc: "sets the session depth limit the limiter enforces (the area's effective cap); floored to the step, clamped to the SKU maximum; refused while armed; HELLO resets it to the SKU maximum",
    fields: [
      f(
        'limitUm',
        'u16',
        'um',
        DEPTH_RANGE_UM.min,
        DEPTH_RANGE_UM.max,
        'session depth limit',
        Reason.DEPTH_OUT_OF_RANGE,
      ),
    ],
  },
  STOP: {
    type: 0x20,
    kind: 'realtime',
    direction: 'toPen',
    doc: 'stops the motor and retracts at once, discards every queued frame; seq: the next command seq the host will use',
    fields: [],
  },
  ESTOP: {
    type: 0x21,
    kind: 'realtime',
    direction: 'toPen',
    doc: 'as STOP, and latches FAULT ESTOP',
    fields: [],
  },
  STATUS_REQUEST: {
    type: 0x22,
    kind: 'realtime',
    direction: 'toPen',
    doc: 'asks for one STATUS frame, sent at the next control tick',
    fields: [],
  },
  TELEMETRY: {
    type: 0x30,
    kind: 'report',
    direction: 'toHost',
    doc: 'periodic sample at the configured rate; may be lost',
    fields: telemetryFields,
  },
  STATUS: {
    type: 0x31,
    kind: 'report',
    direction: 'toHost',
    doc: 'answer to the STATUS_REQUESTs received since the previous tick, laid out as TELEMETRY',
    fields: telemetryFields,
  },
  EVENT_CONTACT: {
    type: 0x32,
    kind: 'report',
    direction: 'toHost',
    doc: 'skin contact began or ended',
    fields: [
      tick,
      f('contact', 'u8', 'bool', 0, 1, '1 contact began, 0 ended'),
      f('strokeCount', 'u32', 'strokes', 0, U32, 'strokes since boot at the edge'),
    ],
  },
  EVENT_FAULT: {
    type: 0x33,
    kind: 'report',
    direction: 'toHost',
    doc: 'a fault latched',
    fields: [
      tick,
      f('faultCode', 'u8', 'Fault', 1, U8, 'the fault'),
      f('measuredDepthUm', 'i16', 'um', -32768, 32767, 'depth reading when it latched'),
      f('commandedDepthUm', 'u16', 'um', 0, DEPTH_MAX, 'depth setpoint when it latched'),
    ],
  },
  EVENT_STOPPED: {
    type: 0x34,
    kind: 'report',
    direction: 'toHost',
    doc: 'the drive stopped: motor off, retracting',
    fields: [tick, f('reason', 'u8', 'Reason', 1, U8, 'why')],
  },
  EVENT_CARTRIDGE: {
    type: 0x35,
    kind: 'report',
    direction: 'toHost',
    doc: 'a cartridge was inserted or removed',
    fields: [
      tick,
      f('present', 'u8', 'bool', 0, 1, '1 inserted, 0 removed'),
      f('cartridgeId', 'u32', 'id', 0, U32, 'cartridge id, 0 when removed'),
      f('needleCount', 'u8', 'needles', 0, U8, 'needles, 0 when removed'),
    ],
  },
} as const satisfies Record<string, MessageSpec>;

export type MessageName = keyof typeof MESSAGES;

/** Names of the messages of one kind, derived from the catalog. */
export type MessageNameOfKind<K extends MessageKind> = {
  [N in MessageName]: (typeof MESSAGES)[N]['kind'] extends K ? N : never;
}[MessageName];
/** Sequenced host-to-pen commands (0x10-0x1F): answered by ACK or NAK. */
export type CommandName = MessageNameOfKind<'command'>;
/** Host-to-pen realtime frames (0x20-0x2F): acted on at receipt, outside the sequence. */
export type RealtimeName = MessageNameOfKind<'realtime'>;
/** Pen-to-host reports (0x30-0x3F): unacknowledged, may be lost. */
export type ReportName = MessageNameOfKind<'report'>;

/** Wire id ranges of the message classes; an unknown id is still classed by its range. */
export const TYPE_RANGES: Readonly<Record<Exclude<MessageKind, 'link'>, { min: number; max: number }>> = {
  command: { min: 0x10, max: 0x1f },
  realtime: { min: 0x20, max: 0x2f },
  report: { min: 0x30, max: 0x3f },
};

/** True for a wire id in the sequenced command range (0x10-0x1F), known to the catalog or not. */
export function isCommandType(type: number): boolean {
  return type >= TYPE_RANGES.command.min && type <= TYPE_RANGES.command.max;
}

/** Names of every message of one kind, in catalog order. */
export function messageNamesOfKind<K extends MessageKind>(kind: K): MessageNameOfKind<K>[] {
  return (Object.keys(MESSAGES) as MessageName[]).filter(
    (name) => MESSAGES[name].kind === kind,
  ) as MessageNameOfKind<K>[];
}

type FieldsOf<N extends MessageName> = (typeof MESSAGES)[N]['fields'][number];

/** Decoded payload of message N: one number per field. */
export type Payload<N extends MessageName> = { [F in FieldsOf<N> as F['name']]: number };

/** A decoded frame as a discriminated union on `name`. */
export type Message = { [N in MessageName]: { name: N; seq: number; payload: Payload<N> } }[MessageName];

/** Lookup by wire id; undefined for ids not in the catalog. */
export const MESSAGE_BY_TYPE: ReadonlyMap<number, { name: MessageName; spec: MessageSpec }> = new Map(
  (Object.entries(MESSAGES) as [MessageName, MessageSpec][]).map(([name, spec]) => [spec.type, { name, spec }]),
);

/** Payload size in bytes of a message. */
export function payloadBytes(spec: MessageSpec): number {
  let size = 0;
  for (const field of spec.fields) size += FIELD_BYTES[field.type];
  return size;
}
