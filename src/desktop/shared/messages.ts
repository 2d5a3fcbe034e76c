// Every message between the desktop page and its server, as zod schemas both sides validate with: requests (page to server) and reports (server to page).
import * as z from 'zod';
import type { FaultSpec } from '../../../sim/faults.js';
import { SIM_SPEEDS } from '../../../sim/speeds.js';
import { FAULT_KINDS, FAULT_PARAMETERS, type FaultKind, type FaultParameter } from './fault-options.js';

/** Version of this message set; the welcome carries it and the page refuses another. */
export const DESK_PROTOCOL_VERSION = 1;
/** Largest request accepted, bytes of UTF-8 text. */
export const MAX_REQUEST_BYTES = 2048;
/** Longest sample column in one `samples` report. */
export const MAX_SAMPLE_ROWS = 4096;

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const u8 = int(0, 0xff);
const u32 = int(0, 0xffffffff);
const nonNegative = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const text = (max: number) => z.string().max(max);

// Requests: what the page may ask (what the CLI can: start, contact, stop, inject a fault).

/** Every request type; a mode accepts a subset, named in its welcome. */
export const REQUEST_TYPES = [
  'stop',
  'estop',
  'contact',
  'inject',
  'clear-faults',
  'power-cycle',
  'start',
  'finish',
  'speed',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

const requestId = int(0, 0x7fffffff).optional();
/** A plan area as the page names it (the machine checks it is in the plan). */
const areaName = z.string().min(1).max(64);

/** Who operates a controller-mode session: the page's hand (press and hold on the map) or the simulator's scripted hand. */
export const OPERATORS = ['hand', 'scripted'] as const;
export type OperatorChoice = (typeof OPERATORS)[number];

function parameterSchema(parameter: FaultParameter): z.ZodType {
  if (parameter.kind === 'choice') return z.enum(parameter.choices as [string, ...string[]]);
  const bounded = int(parameter.min, parameter.max);
  return parameter.nonZero ? bounded.refine((value) => value !== 0, `${parameter.name} must not be 0`) : bounded;
}

/** A fault as the page names it: its kind and every parameter FAULT_PARAMETERS lists for it, in bounds. */
const faultSchema = z.discriminatedUnion(
  'kind',
  FAULT_KINDS.map((kind) =>
    z.strictObject({
      kind: z.literal(kind),
      ...Object.fromEntries(FAULT_PARAMETERS[kind].map((parameter) => [parameter.name, parameterSchema(parameter)])),
    }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
) as unknown as z.ZodType<FaultSpec>;

export const requestSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('stop'), id: requestId }),
  z.strictObject({ type: z.literal('estop'), id: requestId }),
  /** In controller mode `area` names the plan area touched (the hand picks it first, as an operator does). */
  z.strictObject({ type: z.literal('contact'), id: requestId, on: z.boolean(), area: areaName.optional() }),
  z.strictObject({ type: z.literal('inject'), id: requestId, fault: faultSchema }),
  z.strictObject({ type: z.literal('clear-faults'), id: requestId }),
  z.strictObject({ type: z.literal('power-cycle'), id: requestId }),
  /** Controller mode: a plan session on the session runner, operated by the page's hand or the scripted one. */
  z.strictObject({ type: z.literal('start'), id: requestId, operator: z.enum(OPERATORS), speed: z.enum(SIM_SPEEDS) }),
  /** Controller mode: the operator is done (the session completes). */
  z.strictObject({ type: z.literal('finish'), id: requestId }),
  /** Controller mode: the virtual-time speed of the running session. */
  z.strictObject({ type: z.literal('speed'), id: requestId, speed: z.enum(SIM_SPEEDS) }),
]);
export type DeskRequest = z.infer<typeof requestSchema>;

/** Why a request was not carried out. Nothing changed in every case. */
export const ERROR_CODES = [
  'MALFORMED', // not JSON, or not an object with a string `type`
  'TOO_LARGE', // over MAX_REQUEST_BYTES
  'BINARY', // a binary websocket message
  'UNKNOWN_TYPE', // `type` is not a request
  'INVALID', // a field missing, unknown, of the wrong type or out of bounds
  'RATE_LIMITED', // too many requests: STOP and ESTOP are never limited
  'NOT_AVAILABLE', // a request this mode does not offer
  'REFUSED', // the simulator refused it (the message says why)
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type RequestParse =
  | { readonly ok: true; readonly request: DeskRequest }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly id: number | null };

/** Parses one request text. Never throws: any failure comes back with its error code and the request id when readable. */
export function parseRequest(textIn: string): RequestParse {
  if (textIn.length > MAX_REQUEST_BYTES) return failure('TOO_LARGE', `request over ${MAX_REQUEST_BYTES} bytes`, null);
  let value: unknown;
  try {
    value = JSON.parse(textIn);
  } catch {
    return failure('MALFORMED', 'not JSON', null);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failure('MALFORMED', 'a request is a JSON object', null);
  }
  const record = value as Record<string, unknown>;
  const id = typeof record.id === 'number' && Number.isSafeInteger(record.id) ? record.id : null;
  if (typeof record.type !== 'string') return failure('MALFORMED', 'a request has a string "type"', id);
  if (!(REQUEST_TYPES as readonly string[]).includes(record.type)) {
    return failure('UNKNOWN_TYPE', `unknown request type "${record.type.slice(0, 40)}"`, id);
  }
  const parsed = requestSchema.safeParse(value);
  if (!parsed.success) return failure('INVALID', describeIssue(parsed.error), id);
  return { ok: true, request: parsed.data };
}

function failure(code: ErrorCode, message: string, id: number | null): RequestParse {
  return { ok: false, code, message, id };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  const path = issue.path.length > 0 ? issue.path.join('.') : 'request';
  return `${path}: ${issue.message}`;
}

// Reports: what the server tells the page.

const codeName = z.strictObject({ code: u8, name: text(64) });

/** Modes of the desk: pen-only puts the simulated pen on a serial port for an external controller. */
export const DESK_MODES = ['pen-only', 'controller'] as const;

const numberParameterSchema = z.strictObject({
  name: text(64),
  kind: z.literal('integer'),
  unit: text(32),
  min: z.number().int(),
  max: z.number().int(),
  default: z.number().int(),
  nonZero: z.literal(true).optional(),
  doc: text(200),
});
const choiceParameterSchema = z.strictObject({
  name: text(64),
  kind: z.literal('choice'),
  choices: z.array(text(32)).min(1).max(16).readonly(),
  default: text(32),
  doc: text(200),
});

const welcomeSchema = z.strictObject({
  type: z.literal('welcome'),
  protocol: z.literal(DESK_PROTOCOL_VERSION),
  mode: z.enum(DESK_MODES),
  accepts: z.array(z.enum(REQUEST_TYPES)),
  /** The serial port the pen is on, as given on the command line. */
  portPath: text(4096),
  pen: z.strictObject({
    sku: z.enum(['home', 'pro']),
    serialNumber: u32,
    /** The pen's own cap (its SKU's absolute maximum) and the limiter's trip line above it, um. */
    capUm: nonNegative,
    tripUm: nonNegative,
  }),
  faults: z.array(
    z.strictObject({
      kind: z.enum(FAULT_KINDS),
      doc: text(200),
      parameters: z.array(z.discriminatedUnion('kind', [numberParameterSchema, choiceParameterSchema])),
    }),
  ),
  feed: z.strictObject({ flushHz: nonNegative, bucketMs: nonNegative }),
  /** Controller mode: the plan and how a session may be operated. */
  controller: z
    .strictObject({
      planSource: text(4096),
      mode: z.enum(['home', 'pro']),
      clientId: text(64).nullable(),
      areas: z.array(z.strictObject({ area: text(64), depthUm: nonNegative, passes: nonNegative })).max(64),
      operators: z.array(z.enum(OPERATORS)),
      speeds: z.array(z.enum(SIM_SPEEDS)),
    })
    .optional(),
});

const statusSchema = z.strictObject({
  type: z.literal('status'),
  /** Desk time, pen ms since the desk started (monotonic across pen reboots). */
  atMs: nonNegative,
  state: codeName,
  fault: codeName.nullable(),
  lastStop: codeName.nullable(),
  contact: z.boolean(),
  motorOn: z.boolean(),
  strokes: nonNegative,
  /** Strokes delivered while in skin contact, times the needles of the cartridge, since the desk started. */
  punctures: nonNegative,
  batteryPercent: int(0, 100),
  batteryMv: nonNegative,
  cartridge: z.strictObject({ id: u32, needles: u8 }).nullable(),
  telemetryRateHz: int(0, 1000),
  hostConnected: z.boolean(),
  portOpen: z.boolean(),
  bootCount: nonNegative,
  link: z.strictObject({
    dropped: z.boolean(),
    delayMs: nonNegative,
    lostToPenBytes: nonNegative,
    lostToHostBytes: nonNegative,
  }),
  frames: z.strictObject({ dropped: nonNegative, refused: nonNegative }),
  activeFaults: z.array(z.enum(FAULT_KINDS)),
  feed: z.strictObject({
    /** Telemetry frames per second decoded for the screen over the last second. */
    samplesPerSecond: nonNegative,
    /** Rows sent to the page per second after decimation. */
    rowsPerSecond: nonNegative,
    /** Pen transmissions the screen feed dropped because it fell behind (records are not affected). */
    droppedChunks: nonNegative,
  }),
});

const column = z.array(z.number()).max(MAX_SAMPLE_ROWS);

/** The plot columns of a `samples` report besides `t`, in the order the plots draw them. */
export const PLOT_COLUMNS = [
  'commandedDepthUm',
  'measuredDepthUm',
  'capUm',
  'tripUm',
  'commandedStrokeHz',
  'measuredStrokeHz',
] as const;
export type PlotColumn = (typeof PLOT_COLUMNS)[number];

const samplesSchema = z
  .strictObject({
    type: z.literal('samples'),
    /** Desk time of each row, seconds. */
    t: column,
    ...(Object.fromEntries(PLOT_COLUMNS.map((name) => [name, column])) as Record<PlotColumn, typeof column>),
    /** Telemetry frames these rows stand for (each bucket sends its minimum and maximum). */
    frames: nonNegative,
  })
  .refine(
    (samples) => PLOT_COLUMNS.every((name) => samples[name].length === samples.t.length),
    'every sample column has the length of t',
  );

/** What an event is about. */
export const EVENT_KINDS = [
  'fault',
  'stop',
  'refusal',
  'clamp',
  'contact',
  'cartridge',
  'link',
  'desk',
  'area',
  'session',
] as const;

const eventSchema = z.strictObject({
  type: z.literal('event'),
  atMs: nonNegative,
  kind: z.enum(EVENT_KINDS),
  /** The wire code (Reason or Fault), null for events without one. */
  code: u8.nullable(),
  name: text(64),
  detail: text(200),
});

const afterCode = z.strictObject({ code: u8, name: text(64), afterMs: nonNegative });

const injectionSchema = z.strictObject({
  type: z.literal('injection'),
  id: nonNegative,
  kind: z.enum(FAULT_KINDS),
  atMs: nonNegative,
  wasSafe: z.boolean(),
  safeAfterMs: nonNegative.nullable(),
  alreadyLatched: codeName.nullable(),
  latched: afterCode.nullable(),
  stop: afterCode.nullable(),
  rebooted: z.boolean(),
  done: z.boolean(),
});

const ackSchema = z.strictObject({
  type: z.literal('ack'),
  id: int(0, 0x7fffffff).nullable(),
  request: z.enum(REQUEST_TYPES),
  detail: text(200),
});

const errorSchema = z.strictObject({
  type: z.literal('error'),
  id: int(0, 0x7fffffff).nullable(),
  code: z.enum(ERROR_CODES),
  message: text(300),
});

const areaSchema = z.strictObject({
  area: text(64),
  depthUm: nonNegative,
  capUm: nonNegative,
  capBinding: text(64).nullable(),
  passes: nonNegative,
  passLimit: nonNegative,
  punctures: nonNegative,
  /** The area's puncture budget for this session (the exposure budget). */
  punctureBudget: nonNegative,
  locked: z.boolean(),
  lockReason: text(64).nullable(),
});

/** Controller mode: the machine's state and the plan's areas, at the screen's rate and on every change of state. */
const sessionSchema = z.strictObject({
  type: z.literal('session'),
  atMs: nonNegative,
  /** 1, 2, ...: the desk's sessions in order. */
  number: nonNegative,
  running: z.boolean(),
  operator: z.enum(OPERATORS),
  speed: z.enum(SIM_SPEEDS),
  /** The machine's state value as a path, e.g. "connected.session.treating.passInProgress". */
  state: text(200),
  currentArea: text(64).nullable(),
  outcome: text(32).nullable(),
  outcomeReason: text(64).nullable(),
  areas: z.array(areaSchema).max(64),
});

/** Controller mode: the end of a session, as the CLI prints it. */
const endSchema = z.strictObject({
  type: z.literal('end'),
  number: nonNegative,
  outcome: text(32),
  outcomeReason: text(64).nullable(),
  /** The summary table and lists, exactly as `mnpen session` prints them. */
  summaryText: text(20_000),
  aftercare: z.array(text(500)).max(50),
  /** The client's sessions from the records, as `mnpen history` prints them. */
  historyText: text(50_000),
  recordsFailed: text(500).nullable(),
});

export const serverMessageSchema = z.discriminatedUnion('type', [
  sessionSchema,
  endSchema,
  welcomeSchema,
  statusSchema,
  samplesSchema,
  eventSchema,
  injectionSchema,
  ackSchema,
  errorSchema,
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type WelcomeMessage = z.infer<typeof welcomeSchema>;
export type StatusMessage = z.infer<typeof statusSchema>;
export type SamplesMessage = z.infer<typeof samplesSchema>;
export type EventMessage = z.infer<typeof eventSchema>;
export type InjectionMessage = z.infer<typeof injectionSchema>;
export type SessionMessage = z.infer<typeof sessionSchema>;
export type EndMessage = z.infer<typeof endSchema>;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Parses one server message (the page's side). Never throws. */
export function parseServerMessage(
  textIn: string,
): { readonly ok: true; readonly message: ServerMessage } | { readonly ok: false; readonly error: string } {
  let value: unknown;
  try {
    value = JSON.parse(textIn);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const parsed = serverMessageSchema.safeParse(value);
  return parsed.success ? { ok: true, message: parsed.data } : { ok: false, error: describeIssue(parsed.error) };
}

export type { FaultKind };
/** A fault as a request names it (the simulator's FaultSpec). */
export type FaultRequest = FaultSpec;
