// Runs the mnpen CLI in-process with captured output, and makes temporary data directories.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { QUESTION_IDS } from '../../src/policy/index.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = Record<string, unknown>>(): T;
}

/** Runs `mnpen ...argv` in this process. */
export async function runCli(argv: readonly string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
  const stdout = out.join('\n');
  return { code, stdout, stderr: err.join('\n'), json: <T>() => JSON.parse(stdout) as T };
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'mnpen-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a JSON file into `dir` and returns its path. */
export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** Screening answers: every question answered no unless listed in `yes`. */
export function screening(answeredAt: string, birthYear: number, yes: readonly string[] = []): unknown {
  return { answeredAt, birthYear, answers: Object.fromEntries(QUESTION_IDS.map((id) => [id, yes.includes(id)])) };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A temporary database and plan for CLI sessions of named clients at chosen times. */
export interface Fixture {
  readonly dir: string;
  readonly db: string;
  readonly plan: string;
  session(
    clientId: string,
    atMs: number,
    extra?: string[],
    options?: { yes?: string[]; birthYear?: number; plan?: string },
  ): ReturnType<typeof runCli>;
}

/** A fixture whose default plan is two passes on the cheeks at 0.25 mm; each session gets fresh screening answers. */
export function fixture(
  planJson: unknown = { mode: 'home', areas: [{ area: 'cheeks', depthMm: 0.25, passes: 2 }] },
): Fixture {
  const dir = tempDir();
  const db = join(dir, 'mnpen.db');
  const plan = writeJson(dir, 'plan.json', planJson);
  let runs = 0;
  return {
    dir,
    db,
    plan,
    session(clientId, atMs, extra = [], options = {}) {
      const answers = writeJson(
        dir,
        `screening-${runs++}.json`,
        screening(iso(atMs - 3600_000), options.birthYear ?? 1985, options.yes ?? []),
      );
      return runCli([
        'session',
        '--sim',
        '--json',
        '--db',
        db,
        '--client',
        clientId,
        '--screening',
        answers,
        '--at',
        iso(atMs),
        '--plan',
        options.plan ?? plan,
        ...extra,
      ]);
    },
  };
}

/** The refusal reasons of a `--json` session run. */
export const reasons = async (run: ReturnType<typeof runCli>): Promise<string[]> =>
  (await run).json<{ refusals: { reason: string }[] }>().refusals.map((refusal) => refusal.reason);
