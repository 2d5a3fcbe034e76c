// The contract every fuzz target meets, and the error an invariant check throws.
import type { WireForm } from './mutator.js';

export type TargetName = 'decoder' | 'firmwareLink' | 'firmware' | 'controllerLink';

/** What one execution led to: `reason` is a reason or outcome name; `signature` also names the path taken. */
export interface Outcome {
  readonly reason: string;
  readonly signature: string;
}

/** One component under fuzz. `run` throws (InvariantBroken or anything else) only on a crash. */
export interface FuzzTarget {
  readonly name: TargetName;
  /** Frame bodies (no CRC) to start the corpus from. */
  seeds(): Uint8Array[];
  /** u16 values worth trying now (the sequence it expects, the seqs it waits answers for). */
  hints(): readonly number[];
  run(input: WireForm): Outcome;
  /** Back to a fresh, connected state (after a crash, or every so often so early states stay reachable). */
  reset(): void;
}

/** An invariant of the component broke: a crash, as much as an exception escaping it. */
export class InvariantBroken extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantBroken';
  }
}

/** Throws InvariantBroken with `message` when `condition` is false. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantBroken(message);
}
