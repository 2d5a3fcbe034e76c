// The bench scenario format (zod): phases of steps with measurements and validators, after OpenHTF and TestStand.
import { z } from 'zod';
import { RIG_FAULT_KINDS } from '../../../sim/fixture-board/index.js';
import { DEPTH_STEP_UM, MESSAGES, STROKE_RANGE_HZ } from '../../protocol/index.js';
import { depthMmToUm, parsePlan } from '../../policy/index.js';
import { HOME_MAX_DEPTH_UM, PRO_MAX_DEPTH_UM } from '../../limits/index.js';
import { SOURCES, SOURCE_NAMES, UNITS } from './sources.js';
import { hasConsistentMarginal } from './validators.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and dashes');
const measurementName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower-case letters, digits and underscores');
const positiveMs = z.int().min(1).max(3_600_000);
const finite = z.number().refine(Number.isFinite, 'a finite number');
const pair = z.tuple([finite, finite]);

const condition = z.union([
  z.strictObject({ equals: z.union([z.boolean(), finite, z.string()]) }),
  z.strictObject({ le: finite }),
  z.strictObject({ ge: finite }),
  z.strictObject({ inRange: pair }),
]);
const validator = z
  .union([
    z.strictObject({ equals: z.union([z.boolean(), finite, z.string()]) }),
    z.strictObject({ le: finite, marginal: finite.optional() }),
    z.strictObject({ ge: finite, marginal: finite.optional() }),
    z.strictObject({ inRange: pair, marginal: pair.optional() }),
  ])
  .refine(hasConsistentMarginal, 'marginal bounds must lie inside the limit');

const measurement = z
  .strictObject({
    name: measurementName,
    description: z.string().max(500).optional(),
    units: z.enum(UNITS),
    source: z.enum(SOURCE_NAMES),
    /** For controller.passes: the plan area counted. */
    area: z.string().optional(),
    /** Several readings reduced to one; default: a single reading when the measure step runs. */
    sample: z
      .strictObject({
        count: z.int().min(1).max(10_000),
        everyMs: positiveMs,
        reduce: z.enum(['mean', 'min', 'max']),
      })
      .optional(),
    /** The value is the time from the measure step until the source meets the condition (null if never within). */
    elapsedUntil: z.strictObject({ condition, withinMs: positiveMs }).optional(),
    validator,
  })
  .refine((m) => !(m.sample && m.elapsedUntil), { message: 'give sample or elapsedUntil, not both', path: ['sample'] });

const penFault = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('motor-stall') }),
  z.strictObject({ kind: z.literal('encoder-drift'), umPerSecond: finite }),
  z.strictObject({ kind: z.literal('encoder-freeze') }),
  z.strictObject({ kind: z.literal('over-depth-runaway'), umPerMs: z.number().positive().max(100) }),
  z.strictObject({ kind: z.literal('over-current') }),
  z.strictObject({ kind: z.literal('brown-out'), rebootAfterMs: z.int().min(0).max(60_000) }),
  z.strictObject({ kind: z.literal('pull-cartridge') }),
  z.strictObject({ kind: z.literal('link-garbage'), bytes: z.int().min(0).max(4096) }),
  z.strictObject({ kind: z.literal('link-drop') }),
  z.strictObject({ kind: z.literal('frame-delay'), delayMs: z.int().min(0).max(10_000) }),
]);
const rigFault = z.strictObject({ kind: z.enum(RIG_FAULT_KINDS) });

const hand = z.strictObject({
  glideMs: positiveMs,
  liftOffMs: positiveMs,
  /** Passes the arm attempts on each area (default: the plan's passes). */
  attemptPasses: z.int().min(1).max(50).optional(),
});

/** A signed document's file, relative to the scenario file (or absolute). */
const documentPath = z.string().min(1).max(1000);

/** Pens a bench-issued credential is bound to: the pen on the bench (its serial from INFO), or another one. */
export const ISSUED_CREDENTIAL_PENS = ['this-pen', 'other-pen'] as const;

/** A credential the simulated bench issues with its throwaway maker key (target sim only). */
const credentialIssue = z.strictObject({
  /** Deepest depth it unlocks, mm (default: the professional maximum). */
  maxDepthMm: z
    .number()
    .min(HOME_MAX_DEPTH_UM / 1000)
    .max(PRO_MAX_DEPTH_UM / 1000)
    .refine((mm) => Number.isInteger(depthMmToUm(mm)), 'whole um')
    .optional(),
  pens: z.enum(ISSUED_CREDENTIAL_PENS).default('this-pen'),
  /** true: its validity ended a day before the session. */
  expired: z.boolean().default(false),
});

/** Operator commands a scenario may give through the controller. */
export const CONTROLLER_COMMANDS = ['stop', 'estop', 'pause', 'resume', 'finish', 'reset'] as const;

const step = z.discriminatedUnion('do', [
  z.strictObject({ do: z.literal('press') }),
  z.strictObject({ do: z.literal('lift') }),
  z.strictObject({ do: z.literal('cut-power') }),
  z.strictObject({ do: z.literal('restore-power') }),
  z.strictObject({ do: z.literal('press-estop') }),
  z.strictObject({ do: z.literal('release-estop') }),
  z.strictObject({ do: z.literal('place-block'), thicknessUm: z.number().min(0).max(10_000) }),
  z.strictObject({ do: z.literal('remove-block') }),
  z.strictObject({
    do: z.literal('calibrate-gauge'),
    blocksUm: z.array(z.number().min(0).max(10_000)).min(2).max(20),
    samples: z.int().min(1).max(1000).default(16),
    everyMs: positiveMs.default(10),
  }),
  z.strictObject({ do: z.literal('wait'), ms: positiveMs }),
  z.strictObject({ do: z.literal('measure'), measurement: measurementName }),
  z.strictObject({ do: z.literal('inject-fault'), fault: z.union([penFault, rigFault]) }),
  z.strictObject({ do: z.literal('clear-faults') }),
  z.strictObject({ do: z.literal('connect'), timeoutMs: positiveMs.default(5000) }),
  z.strictObject({ do: z.literal('command'), command: z.enum(CONTROLLER_COMMANDS) }),
  z.strictObject({
    do: z.literal('session'),
    plan: z.unknown(),
    hand,
    /** The clinician credential (S9): a token file, or one the simulated bench issues for this run. */
    credential: z.union([documentPath, z.strictObject({ issue: credentialIssue })]).optional(),
    /** A signed clinic profile file (S2). */
    profile: documentPath.optional(),
    /** The trust file the documents are verified against (default: as `mnpen session --trust`). */
    trust: documentPath.optional(),
    /** A signed revocation list file (default: as `mnpen session --revocations`). */
    revocations: documentPath.optional(),
    /** false: the next steps run while the session goes on (then `await-session`). */
    waitForEnd: z.boolean().default(true),
    timeoutMs: positiveMs.default(600_000),
  }),
  z.strictObject({ do: z.literal('await-session'), timeoutMs: positiveMs.default(600_000) }),
  z.strictObject({
    do: z.literal('depth-sweep'),
    /** Deepest depth commanded, um (default: the pen's SKU maximum); every step from 0 to it. */
    toUm: z.int().min(DEPTH_STEP_UM).max(2500).optional(),
    stepUm: z.int().min(DEPTH_STEP_UM).max(2500).multipleOf(DEPTH_STEP_UM).default(DEPTH_STEP_UM),
    settleMs: positiveMs.default(200),
    samples: z.int().min(1).max(1000).default(8),
    everyMs: positiveMs.default(10),
  }),
  z.strictObject({
    do: z.literal('rate-sweep'),
    fromHz: z.int().min(STROKE_RANGE_HZ.min).max(STROKE_RANGE_HZ.max).default(STROKE_RANGE_HZ.min),
    toHz: z.int().min(STROKE_RANGE_HZ.min).max(STROKE_RANGE_HZ.max).default(STROKE_RANGE_HZ.max),
    stepHz: z.int().min(1).max(100).default(10),
    settleMs: positiveMs.default(300),
    samples: z.int().min(1).max(1000).default(10),
    everyMs: positiveMs.default(10),
    /** What measures the rate: the pen's own telemetry, or (target sim) the simulated drive's true rate. */
    instrument: z.enum(['controller.measuredStrokeHz', 'pen.strokeHz']).default('controller.measuredStrokeHz'),
  }),
  z.strictObject({
    do: z.literal('direct'),
    message: z.string(),
    fields: z.record(z.string(), z.int()).default({}),
  }),
]);

/** Step kinds that need the controller (executed through a BenchTarget). */
export const CONTROLLER_STEPS = [
  'connect',
  'command',
  'session',
  'await-session',
  'direct',
  'depth-sweep',
  'rate-sweep',
] as const;
/** Step kinds done by a hand: the emulated bench's back door, or a person at a real bench. */
export const HAND_STEPS = ['press-estop', 'release-estop', 'place-block', 'remove-block', 'calibrate-gauge'] as const;

const phase = z.strictObject({
  id,
  title: z.string().min(1).max(200),
  timeoutMs: positiveMs.default(30_000),
  steps: z.array(step).min(1).max(1000),
  measurements: z.array(measurement).max(200).default([]),
});

const series = z.strictObject({
  name: measurementName,
  source: z.enum(SOURCE_NAMES),
  everyMs: positiveMs,
  /** Plot the depth cap of the pen's SKU (and the over-depth fault threshold) against this series. */
  showDepthCap: z.boolean().default(false),
});

const scenarioObject = z.strictObject({
  id,
  title: z.string().min(1).max(200),
  description: z.string().max(4000).optional(),
  verifies: z.strictObject({
    invariants: z.array(z.string().regex(/^S(1[0-9]|[1-9])$/, 'an invariant id S1..S19')).default([]),
    hazards: z.array(z.string().min(1)).default([]),
  }),
  targets: z.array(z.enum(['sim', 'port'])).min(1),
  setup: z
    .strictObject({
      sku: z.enum(['home', 'pro']).default('home'),
      seed: z.int().min(0).max(0xffffffff).optional(),
      cartridge: z
        .strictObject({ id: z.int().min(1).max(0xffffffff), needleCount: z.int().min(1).max(255) })
        .nullable()
        .optional(),
      batteryPercent: z.number().min(0).max(100).optional(),
      /** Time the pen gets after the bench powers it, before the first phase, ms. */
      settleMs: z.int().min(0).max(60_000).default(1000),
    })
    .prefault({}),
  timeoutMs: positiveMs.default(300_000),
  repeat: z.int().min(1).max(1000).default(1),
  series: z.array(series).max(20).default([]),
  phases: z.array(phase).min(1).max(200),
});

/** A scenario file's contents: the object, then the cross-field rules of checkScenario. */
export const scenarioSchema = scenarioObject.superRefine(checkScenario);

export type Scenario = z.output<typeof scenarioObject>;
export type ScenarioPhase = Scenario['phases'][number];
export type ScenarioStep = ScenarioPhase['steps'][number];
export type ScenarioMeasurement = ScenarioPhase['measurements'][number];
export type ScenarioSeries = Scenario['series'][number];
export type FaultStep = Extract<ScenarioStep, { do: 'inject-fault' }>['fault'];

type Ctx = z.RefinementCtx;

/** Cross-field rules: references, units, value types, simulated-only steps and sources, plans, direct commands. */
function checkScenario(s: Scenario, ctx: Ctx): void {
  const simOnly = s.targets.length !== 1 || s.targets[0] !== 'sim';
  const phaseIds = new Set<string>();
  s.phases.forEach((p, pi) => {
    if (phaseIds.has(p.id))
      ctx.addIssue({ code: 'custom', path: ['phases', pi, 'id'], message: `duplicate phase id "${p.id}"` });
    phaseIds.add(p.id);
    const declared = new Map<string, number>();
    p.measurements.forEach((m, mi) => {
      const path = ['phases', pi, 'measurements', mi];
      if (declared.has(m.name))
        ctx.addIssue({ code: 'custom', path: [...path, 'name'], message: `duplicate measurement "${m.name}"` });
      declared.set(m.name, 0);
      checkMeasurement(m, path, simOnly, ctx);
    });
    p.steps.forEach((st, si) => {
      const path = ['phases', pi, 'steps', si];
      if (st.do === 'measure') {
        const count = declared.get(st.measurement);
        if (count === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'measurement'],
            message: `no measurement "${st.measurement}" in this phase`,
          });
        } else declared.set(st.measurement, count + 1);
      }
      if (st.do === 'inject-fault' && simOnly) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'fault'],
          message: 'fault injection needs a simulated target: targets must be [sim]',
        });
      }
      if (st.do === 'session') {
        checkPlan(st.plan, [...path, 'plan'], ctx);
        checkDocuments(st, path, simOnly, ctx);
      }
      if (st.do === 'rate-sweep' && st.fromHz > st.toHz)
        ctx.addIssue({ code: 'custom', path: [...path, 'toHz'], message: 'toHz must not be below fromHz' });
      if (st.do === 'rate-sweep' && st.instrument === 'pen.strokeHz' && simOnly)
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'instrument'],
          message: 'pen.strokeHz needs a simulated target: targets must be [sim]',
        });
      if (st.do === 'direct') checkDirect(st.message, st.fields, path, ctx);
    });
    for (const [name, count] of declared) {
      if (count !== 1) {
        const mi = p.measurements.findIndex((m) => m.name === name);
        ctx.addIssue({
          code: 'custom',
          path: ['phases', pi, 'measurements', mi, 'name'],
          message: `"${name}" is measured by ${count} measure steps (needs exactly 1)`,
        });
      }
    }
  });
  s.series.forEach((entry, i) => {
    if (SOURCES[entry.source].type !== 'number')
      ctx.addIssue({ code: 'custom', path: ['series', i, 'source'], message: 'a series needs a numeric source' });
    if (SOURCES[entry.source].needs === 'simulated-pen' && simOnly)
      ctx.addIssue({
        code: 'custom',
        path: ['series', i, 'source'],
        message: `${entry.source} needs a simulated target: targets must be [sim]`,
      });
  });
}

function checkMeasurement(m: ScenarioMeasurement, path: (string | number)[], simOnly: boolean, ctx: Ctx): void {
  const spec = SOURCES[m.source];
  const expectedUnits = m.elapsedUntil ? 'ms' : spec.units;
  if (m.units !== expectedUnits)
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'units'],
      message: `${m.source}${m.elapsedUntil ? ' elapsedUntil' : ''} is measured in ${expectedUnits}, not ${m.units}`,
    });
  if (spec.needs === 'simulated-pen' && simOnly)
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'source'],
      message: `${m.source} needs a simulated target: targets must be [sim]`,
    });
  if (m.sample && spec.type !== 'number')
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'sample'],
      message: `${m.source} is not numeric: it cannot be averaged`,
    });
  if ((m.source === 'controller.passes') !== (m.area !== undefined))
    ctx.addIssue({ code: 'custom', path: [...path, 'area'], message: 'area is given exactly for controller.passes' });
  const valueType = m.elapsedUntil ? 'number' : spec.type;
  if (!validatorFits(m.validator, valueType))
    ctx.addIssue({ code: 'custom', path: [...path, 'validator'], message: `does not fit a ${valueType} value` });
  if (m.elapsedUntil && !validatorFits(m.elapsedUntil.condition, spec.type))
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'elapsedUntil', 'condition'],
      message: `does not fit ${m.source} (${spec.type})`,
    });
}

function validatorFits(v: object, type: 'number' | 'boolean' | 'text'): boolean {
  if ('equals' in v) return typeof v.equals === (type === 'text' ? 'string' : type);
  return type === 'number';
}

function checkPlan(plan: unknown, path: (string | number)[], ctx: Ctx): void {
  const result = parsePlan(plan);
  if (result.ok) return;
  for (const error of result.errors) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, ...error.field.split('.')],
      message: `${error.message} [${error.reason}]`,
    });
  }
}

/** An issued credential needs the simulated bench and its own trust file; trust and revocations need a document to judge. */
function checkDocuments(
  st: Extract<ScenarioStep, { do: 'session' }>,
  path: (string | number)[],
  simOnly: boolean,
  ctx: Ctx,
): void {
  const issued = typeof st.credential === 'object';
  if (issued && simOnly)
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'credential', 'issue'],
      message: 'a bench-issued credential needs a simulated target: targets must be [sim]',
    });
  for (const field of ['trust', 'revocations', 'profile'] as const) {
    if (issued && st[field] !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: [...path, field],
        message: `a bench-issued credential is judged by the run's own trust file: give no ${field} with it`,
      });
  }
  for (const field of ['trust', 'revocations'] as const) {
    if (st[field] !== undefined && st.credential === undefined && st.profile === undefined)
      ctx.addIssue({
        code: 'custom',
        path: [...path, field],
        message: `${field} judges a credential or a profile: give one`,
      });
  }
}

/** The document files a session step names (credential, profile, trust, revocations), with their fields. */
export function documentFiles(st: Extract<ScenarioStep, { do: 'session' }>): { field: string; path: string }[] {
  const files: { field: string; path: string }[] = [];
  if (typeof st.credential === 'string') files.push({ field: 'credential', path: st.credential });
  for (const field of ['profile', 'trust', 'revocations'] as const) {
    const path = st[field];
    if (path !== undefined) files.push({ field, path });
  }
  return files;
}

function checkDirect(message: string, fields: Record<string, number>, path: (string | number)[], ctx: Ctx): void {
  const spec = (
    MESSAGES as Record<string, { kind: string; fields: readonly { name: string; min: number; max: number }[] }>
  )[message];
  if (spec === undefined || spec.kind !== 'command') {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'message'],
      message: `"${message}" is not a pen command of the protocol catalog`,
    });
    return;
  }
  for (const field of spec.fields) {
    const value = fields[field.name];
    if (value === undefined)
      ctx.addIssue({ code: 'custom', path: [...path, 'fields', field.name], message: 'missing' });
    else if (value < field.min || value > field.max)
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'fields', field.name],
        message: `outside the wire range ${field.min}..${field.max}`,
      });
  }
  for (const name of Object.keys(fields)) {
    if (!spec.fields.some((field) => field.name === name))
      ctx.addIssue({ code: 'custom', path: [...path, 'fields', name], message: `${message} has no field ${name}` });
  }
}
