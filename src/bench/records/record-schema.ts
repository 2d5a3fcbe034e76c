// The bench record: one JSON document per run (zod), from which docs/bench-record.schema.json is generated.
import { z } from 'zod';

export const RUN_OUTCOMES = ['PASS', 'FAIL', 'ERROR', 'TIMEOUT', 'ABORTED'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];
export const PHASE_OUTCOMES = [...RUN_OUTCOMES, 'SKIPPED'] as const;
export type PhaseOutcome = (typeof PHASE_OUTCOMES)[number];

/** Record format name and version (a reader checks both). */
export const RECORD_FORMAT = 'mnpen-bench-record';
export const RECORD_FORMAT_VERSION = 1;

const value = z.union([z.number(), z.boolean(), z.string(), z.null()]);

const measurementRecord = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  units: z.string(),
  source: z.string(),
  /** The measured value; null when nothing was measured (elapsedUntil not reached, no reading). */
  value,
  /** The individual readings of a sampled measurement. */
  samples: z.array(z.number()).optional(),
  validator: z.record(z.string(), z.unknown()),
  /** The limit in words, e.g. "<= 250 um (marginal above 240)". */
  limit: z.string(),
  outcome: z.enum(['PASS', 'FAIL']),
  marginal: z.boolean(),
  /** Bench time of the measurement, ms. */
  atMs: z.number(),
});

const stepRecord = z.strictObject({
  do: z.string(),
  atMs: z.number(),
  endMs: z.number(),
  /** What the step did, in words (e.g. a calibration result). */
  detail: z.string().optional(),
});

const phaseRecord = z.strictObject({
  id: z.string(),
  title: z.string(),
  outcome: z.enum(PHASE_OUTCOMES),
  startMs: z.number(),
  endMs: z.number(),
  /** Why it ended in ERROR, TIMEOUT, ABORTED or SKIPPED; null otherwise. */
  error: z.string().nullable(),
  steps: z.array(stepRecord),
  measurements: z.array(measurementRecord),
});

const seriesRecord = z.strictObject({
  name: z.string(),
  source: z.string(),
  units: z.string(),
  everyMs: z.number(),
  /** The pen SKU's depth cap and the over-depth fault threshold, um, when plotted against the series. */
  capUm: z.number().nullable(),
  faultThresholdUm: z.number().nullable(),
  /** [bench ms, value] pairs; a null value: no reading yet. */
  points: z.array(z.tuple([z.number(), z.number().nullable()])),
});

const calibration = z.strictObject({
  umPerCount: z.number(),
  zeroCounts: z.number(),
  source: z.enum(['nominal', 'calibrated']),
  residualUm: z.number(),
});

export const benchRecordSchema = z.strictObject({
  format: z.literal(RECORD_FORMAT),
  formatVersion: z.literal(RECORD_FORMAT_VERSION),
  runId: z.string(),
  scenario: z.strictObject({
    id: z.string(),
    title: z.string(),
    file: z.string().nullable(),
    /** sha256 of the scenario file's bytes (of its canonical JSON when it came from no file), hex. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    verifies: z.strictObject({ invariants: z.array(z.string()), hazards: z.array(z.string()) }),
  }),
  repeat: z.strictObject({ index: z.int().min(1), count: z.int().min(1) }),
  seed: z.int().min(0),
  bench: z.strictObject({
    name: z.string(),
    fixture: z.enum(['emulated', 'firmata']),
    boardPath: z.string(),
    boardFirmware: z.string(),
    firmataProtocol: z.string(),
    clock: z.enum(['virtual', 'real']),
    calibration,
  }),
  deviceUnderTest: z.strictObject({
    target: z.enum(['sim', 'port']),
    description: z.string(),
    sku: z.enum(['home', 'pro']).nullable(),
    serialNumber: z.int().nullable(),
    firmwareVersion: z.string().nullable(),
    protocolVersion: z.int().nullable(),
    cartridgeId: z.int().nullable(),
  }),
  versions: z.strictObject({
    controller: z.string(),
    node: z.string(),
    johnnyFive: z.string(),
    firmataIo: z.string(),
  }),
  /** Wall-clock start and end (ISO 8601); bench-clock start and end, ms. */
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  benchStartMs: z.number(),
  benchEndMs: z.number(),
  outcome: z.enum(RUN_OUTCOMES),
  /** The first ERROR, TIMEOUT or ABORTED cause; null otherwise. */
  error: z.string().nullable(),
  phases: z.array(phaseRecord),
  series: z.array(seriesRecord),
  /** Bench events in order (faults injected, e-stop presses, power switched). */
  events: z.array(z.strictObject({ atMs: z.number(), event: z.string(), detail: z.string().optional() })),
});

export type BenchRecord = z.infer<typeof benchRecordSchema>;
export type PhaseRecord = BenchRecord['phases'][number];
export type MeasurementRecord = PhaseRecord['measurements'][number];
export type StepRecord = PhaseRecord['steps'][number];
export type SeriesRecord = BenchRecord['series'][number];

/** The record's JSON Schema (draft-07), as committed in docs/bench-record.schema.json. */
export function benchRecordJsonSchema(): Record<string, unknown> {
  return { title: 'mnpen bench record', ...z.toJSONSchema(benchRecordSchema, { target: 'draft-7' }) };
}
