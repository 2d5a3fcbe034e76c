// The fuzz part of the bad-input corpus (test/fixtures/bad-input-fuzz.json): inputs fuzz runs found something with.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TargetName } from './target.js';

/** The JSON file the fuzz runs add to; test/fixtures/bad-input-corpus.ts reads it too. */
export const FOUND_CASES_PATH = fileURLToPath(new URL('../../test/fixtures/bad-input-fuzz.json', import.meta.url));

/**
 * `crash`: the input made a target throw or break an invariant (kept after the fix, as a regression case).
 * `reason`: the first input a run saw reach a decoder reason the file had no case for.
 */
export interface FoundCase {
  readonly id: string;
  readonly kind: 'crash' | 'reason';
  readonly target: TargetName;
  /** The reason (or outcome) name the input reached; for a crash, the invariant's message. */
  readonly reason: string;
  readonly wire: Uint8Array;
}

interface FoundCaseJson {
  readonly id: string;
  readonly kind: 'crash' | 'reason';
  readonly target: TargetName;
  readonly reason: string;
  readonly wireHex: string;
}

/** The cases in the file (none when it is absent). Throws Error when the file is not the expected JSON. */
export function readFoundCases(path: string = FOUND_CASES_PATH): FoundCase[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = JSON.parse(text) as { cases?: FoundCaseJson[] };
  if (!Array.isArray(parsed.cases)) throw new Error(`${path}: no "cases" array`);
  return parsed.cases.map((c) => ({ ...c, wire: Uint8Array.from(Buffer.from(c.wireHex, 'hex')) }));
}

/** Appends `cases` whose id the file lacks; returns how many were added. */
export function addFoundCases(cases: readonly FoundCase[], path: string = FOUND_CASES_PATH): number {
  const existing = readFoundCases(path);
  const ids = new Set(existing.map((c) => c.id));
  const added = cases.filter((c) => !ids.has(c.id) && ids.add(c.id));
  if (added.length === 0) return 0;
  const all = [...existing, ...added].map(({ id, kind, target, reason, wire }) => ({
    id,
    kind,
    target,
    reason,
    wireHex: Buffer.from(wire).toString('hex'),
  }));
  const note = 'Added by npm run fuzz: inputs that reached a new decoder reason or broke an invariant. See perf/fuzz.';
  writeFileSync(path, `${JSON.stringify({ note, cases: all }, null, 2)}\n`);
  return added.length;
}
