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
