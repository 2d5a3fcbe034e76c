// The fuzz loop: picks a corpus entry, mutates it, runs it on each target in turn; new outcomes grow the corpus.
import { ControllerLinkTarget } from './controller-target.js';
import { DecoderTarget } from './decoder-target.js';
import { FirmwareLinkTarget } from './firmware-link-target.js';
import { FirmwareTarget } from './firmware-target.js';
import type { FoundCase } from './found-cases.js';
import { Mutator } from './mutator.js';
import type { FuzzTarget, TargetName } from './target.js';

export interface FuzzOptions {
  /** Executions to run in total (all targets); ignored when `seconds` is given. */
  readonly executions?: number;
  /** Wall seconds to run instead of a count. */
  readonly seconds?: number;
  readonly seed: number;
  /** Called about once a second with the executions so far. */
  readonly onProgress?: (executions: number) => void;
}

export interface TargetFigures {
  executions: number;
  crashes: number;
  readonly reasons: Set<string>;
  readonly corpusSeeds: number;
  corpusGrown: number;
}

export interface Crash {
  readonly target: TargetName;
  readonly error: string;
  readonly wire: Uint8Array;
  readonly execution: number;
}

export interface FuzzReport {
  readonly seed: number;
  readonly executions: number;
  readonly wallMs: number;
  readonly targets: Record<TargetName, TargetFigures>;
  readonly crashes: readonly Crash[];
  /** Every reason seen, over all targets, as target:reason. */
  readonly reasons: readonly string[];
  /** Inputs worth keeping: the crashes, and the first input to reach each decoder reason. */
  readonly found: readonly FoundCase[];
}

/** Corpus entries kept per target at most (the oldest new entries are replaced beyond it). */
const CORPUS_CAP = 4_000;
/** Crashes kept per target (the count goes on). */
const CRASHES_KEPT = 20;
const BATCH = 2_048;

interface Lane {
  readonly target: FuzzTarget;
  readonly corpus: Uint8Array[];
  readonly signatures: Set<string>;
  readonly figures: TargetFigures;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** The four targets, fresh. */
export function createTargets(): FuzzTarget[] {
  return [new DecoderTarget(), new FirmwareLinkTarget(), new FirmwareTarget(), new ControllerLinkTarget()];
}

/**
 * Runs the targets round-robin until `executions` (default 10 M) or `seconds` are spent. An
 * execution that gives a target an outcome signature it has not had before adds its input to that
 * target's corpus (coverage-guided, with outcomes standing for coverage). Deterministic for a seed
 * and a count.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const mutator = new Mutator(options.seed);
  const lanes: Lane[] = createTargets().map((target) => {
    const corpus = target.seeds();
    return {
      target,
      corpus,
      signatures: new Set<string>(),
      figures: { executions: 0, crashes: 0, reasons: new Set<string>(), corpusSeeds: corpus.length, corpusGrown: 0 },
    };
  });
  const crashes: Crash[] = [];
  const found: FoundCase[] = [];
  const startMs = performance.now();
  const limit = options.seconds === undefined ? (options.executions ?? 10_000_000) : Infinity;
  const deadlineMs = options.seconds === undefined ? Infinity : startMs + options.seconds * 1000;
  let executions = 0;
  let lastProgressMs = startMs;
  while (executions < limit && performance.now() < deadlineMs) {
    const batchEnd = Math.min(limit, executions + BATCH);
    for (; executions < batchEnd; executions++) {
      const lane = lanes[executions % lanes.length] as Lane;
      runOne(lane, mutator, executions, crashes, found);
    }
    const nowMs = performance.now();
    if (options.onProgress !== undefined && nowMs - lastProgressMs > 1000) {
      lastProgressMs = nowMs;
      options.onProgress(executions);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  const targets = Object.fromEntries(lanes.map((lane) => [lane.target.name, lane.figures])) as Record<
    TargetName,
    TargetFigures
  >;
  const reasons = lanes.flatMap((lane) => [...lane.figures.reasons].sort().map((r) => `${lane.target.name}:${r}`));
  return { seed: options.seed, executions, wallMs: performance.now() - startMs, targets, crashes, reasons, found };
}

function runOne(lane: Lane, mutator: Mutator, execution: number, crashes: Crash[], found: FoundCase[]): void {
  const { target, corpus, figures } = lane;
  const parent = mutator.pick(corpus);
  const other = mutator.random.next() < 0.2 ? mutator.pick(corpus) : undefined;
  const body = mutator.mutate(parent, target.hints(), other);
  const input = mutator.toWire(body);
  figures.executions++;
  let outcome;
  try {
    outcome = target.run(input);
  } catch (error) {
    figures.crashes++;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (figures.crashes <= CRASHES_KEPT) {
      crashes.push({ target: target.name, error: message, wire: input.wire, execution });
      found.push({
        id: `crash-${target.name}-${hex(input.wire)}`,
        kind: 'crash',
        target: target.name,
        reason: message,
        wire: input.wire,
      });
    }
    target.reset();
    return;
  }
  if (!figures.reasons.has(outcome.reason)) {
    figures.reasons.add(outcome.reason);
    if (target.name === 'decoder')
      found.push({
        id: `decoder-${outcome.reason}`,
        kind: 'reason',
        target: 'decoder',
        reason: outcome.reason,
        wire: input.wire,
      });
  }
  if (!lane.signatures.has(outcome.signature)) {
    lane.signatures.add(outcome.signature);
    figures.corpusGrown++;
    if (corpus.length < CORPUS_CAP) corpus.push(body);
    else corpus[figures.corpusSeeds + (execution % (CORPUS_CAP - figures.corpusSeeds))] = body;
  }
}
