// A scripted operator hand: seeded glide/bounce/lift-off timelines per area, replayed in virtual time.
import { SeededRandom } from './random.js';

/** Host pass debounce this script is built around: bounces are shorter, lift-offs longer, ms. */
export const OPERATOR_DEBOUNCE_MS = 150;
/** How long the operator waits before re-checking readiness, ms. */
export const DEFAULT_READY_POLL_MS = 100;

/** Inclusive integer range, ms or a count. */
export interface IntegerRange {
  readonly min: number;
  readonly max: number;
}

export interface OperatorArea {
  readonly area: string;
  /** Pass attempts on this area (0 selects it and moves on). */
  readonly passes: number;
}

export interface OperatorScriptOptions {
  readonly seed: number;
  readonly areas: readonly OperatorArea[];
  /** Total contact time of one pass, ms. Default 1500-3500. */
  readonly glideMs?: IntegerRange;
  /** Bounces (short lift-offs) inside one pass. Default 0-2. */
  readonly bouncesPerPass?: IntegerRange;
  /** Length of a bounce, ms; max must be < OPERATOR_DEBOUNCE_MS. Default 30-120. */
  readonly bounceMs?: IntegerRange;
  /** Real lift-off between passes, ms; min must be > OPERATOR_DEBOUNCE_MS. Default 600-1500. */
  readonly liftOffMs?: IntegerRange;
  /** From selecting an area to the first touch, and from the last lift-off to the next area, ms. Default 1500-3000. */
  readonly areaChangeMs?: IntegerRange;
}

export type OperatorStep =
  | { readonly atMs: number; readonly kind: 'contact'; readonly contact: boolean; readonly passStart?: true }
  | { readonly atMs: number; readonly kind: 'selectArea'; readonly area: string }
  | { readonly atMs: number; readonly kind: 'done' };

/** What the operator tells the host (e.g. picks an area on the UI). */
export type OperatorIntent = { readonly kind: 'selectArea'; readonly area: string } | { readonly kind: 'done' };

/**
 * Builds the operator's timeline (times relative to the start, integer ms, non-decreasing).
 * Pure and deterministic for the options. Each area: selectArea, then per pass a touch-down
 * (`passStart`), contact glides broken by bounces, a lift-off; finally `done`.
 * Throws RangeError when a range is inverted, negative, or breaks the bounce/lift-off debounce rule.
 */
export function createOperatorScript(options: OperatorScriptOptions): OperatorStep[] {
  const glideMs = checkRange('glideMs', options.glideMs ?? { min: 1500, max: 3500 });
  const bounces = checkRange('bouncesPerPass', options.bouncesPerPass ?? { min: 0, max: 2 });
  const bounceMs = checkRange('bounceMs', options.bounceMs ?? { min: 30, max: 120 });
  const liftOffMs = checkRange('liftOffMs', options.liftOffMs ?? { min: 600, max: 1500 });
  const areaChangeMs = checkRange('areaChangeMs', options.areaChangeMs ?? { min: 1500, max: 3000 });
  if (bounceMs.min < 1 || bounceMs.max >= OPERATOR_DEBOUNCE_MS) throw new RangeError('bounceMs must lie in [1, 150)');
  if (liftOffMs.min <= OPERATOR_DEBOUNCE_MS || areaChangeMs.min <= OPERATOR_DEBOUNCE_MS) {
    throw new RangeError('liftOffMs and areaChangeMs must exceed 150 ms');
  }
  if (glideMs.min < 1) throw new RangeError('glideMs must be at least 1 ms');
  const random = new SeededRandom(options.seed);
  const steps: OperatorStep[] = [];
  let atMs = 0;
  for (const { area, passes } of options.areas) {
    if (!Number.isInteger(passes) || passes < 0) throw new RangeError(`passes ${passes} for ${area}`);
    steps.push({ atMs, kind: 'selectArea', area });
    atMs += random.integerBetween(areaChangeMs.min, areaChangeMs.max);
    for (let pass = 0; pass < passes; pass++) {
      if (pass > 0) atMs += random.integerBetween(liftOffMs.min, liftOffMs.max);
      steps.push({ atMs, kind: 'contact', contact: true, passStart: true });
      const contactMs = random.integerBetween(glideMs.min, glideMs.max);
      const bounceCount = Math.min(random.integerBetween(bounces.min, bounces.max), contactMs - 1);
      let contactLeftMs = contactMs;
      for (let bounce = 0; bounce < bounceCount; bounce++) {
        const segmentMs = Math.max(1, Math.floor(contactLeftMs / (bounceCount - bounce + 1)));
        atMs += segmentMs;
        contactLeftMs -= segmentMs;
        steps.push({ atMs, kind: 'contact', contact: false });
        atMs += random.integerBetween(bounceMs.min, bounceMs.max);
        steps.push({ atMs, kind: 'contact', contact: true });
      }
      atMs += Math.max(1, contactLeftMs);
      steps.push({ atMs, kind: 'contact', contact: false });
    }
    atMs += random.integerBetween(areaChangeMs.min, areaChangeMs.max);
  }
  steps.push({ atMs, kind: 'done' });
  return steps;
}

function checkRange(name: string, range: IntegerRange): IntegerRange {
  if (!Number.isInteger(range.min) || !Number.isInteger(range.max) || range.min < 0 || range.max < range.min) {
    throw new RangeError(`${name}: [${range.min}, ${range.max}] is not a valid integer range`);
  }
  return range;
}

/** Where the operator's hand acts: the skin under the tip. */
export interface ContactTarget {
  setContact(contact: boolean): void;
}

export interface OperatorRunnerOptions {
  /** Re-checked before each pass; while false the operator waits DEFAULT_READY_POLL_MS and asks again. */
  readonly isReady?: () => boolean;
  readonly readyPollMs?: number;
}

/**
 * Replays a script in virtual time from `start(nowMs)`: contact steps set the skin, intents go to
 * the listener. Waiting for readiness shifts the rest of the script later.
 */
export class OperatorRunner {
  private nextIndex = 0;
  private offsetMs = 0;
  private started = false;
  private waitedMsTotal = 0;

  constructor(
    private readonly script: readonly OperatorStep[],
    private readonly target: ContactTarget,
    private readonly onIntent: (intent: OperatorIntent) => void,
    private readonly options: OperatorRunnerOptions = {},
  ) {}

  get isStarted(): boolean {
    return this.started;
  }

  /** True once every step (including `done`) has been applied, or after stop(). */
  get isDone(): boolean {
    return this.nextIndex >= this.script.length;
  }

  /** Total time spent waiting for readiness, ms. */
  get waitedMs(): number {
    return this.waitedMsTotal;
  }

  /** Starts the script now (its atMs 0 = `nowMs`). Throws Error when already started. */
  start(nowMs: number): void {
    if (this.started) throw new Error('operator already started');
    this.started = true;
    this.offsetMs = nowMs;
  }

  /** Lifts the pen and abandons the rest of the script. */
  stop(): void {
    this.target.setContact(false);
    this.nextIndex = this.script.length;
  }

  /** Applies every step due by `nowMs`. Returns true when an intent was emitted. Allocation-free when nothing is due. */
  update(nowMs: number): boolean {
    if (!this.started) return false;
    let emitted = false;
    while (this.nextIndex < this.script.length) {
      const step = this.script[this.nextIndex] as OperatorStep;
      const dueMs = step.atMs + this.offsetMs;
      if (dueMs > nowMs) break;
      if (step.kind === 'contact' && step.passStart === true && this.options.isReady?.() === false) {
        const resumeMs = nowMs + (this.options.readyPollMs ?? DEFAULT_READY_POLL_MS);
        this.waitedMsTotal += resumeMs - dueMs;
        this.offsetMs = resumeMs - step.atMs;
        break;
      }
      this.nextIndex++;
      if (step.kind === 'contact') this.target.setContact(step.contact);
      else {
        this.onIntent(step.kind === 'done' ? { kind: 'done' } : { kind: 'selectArea', area: step.area });
        emitted = true;
      }
    }
    return emitted;
  }
}
