// Runs each benchmark in its own Node process (fresh heap and JIT) and reads back its one-line JSON result.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Marks the result line among anything else a child prints. */
export const RESULT_PREFIX = 'BENCH_RESULT ';

export type BenchmarkName = 'codec' | 'reaction' | 'sim' | 'soak' | 'dashboard' | 'deskController' | 'pen';

export interface CodecOptions {
  readonly runs: number;
  /** Wall time of each layer's measurement in one run, ms. */
  readonly durationMs: number;
}

export interface CodecRun {
  readonly decodeFramesPerSec: number;
  readonly frameReaderFramesPerSec: number;
  readonly firmataFramesPerSec: number;
  readonly firmataBytesPerSample: number;
}

/** The repository root (children run there so `--import tsx` resolves). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD_ENTRY = fileURLToPath(new URL('./child.ts', import.meta.url));

export interface ChildFlags {
  /** Start the child with --expose-gc (the soak forces collections). */
  readonly exposeGc?: boolean;
}

/**
 * Runs benchmark `name` with `options` in a child `node --import tsx` process and resolves with its
 * parsed result. Rejects with Error (carrying the child's stderr) when it exits non-zero or prints
 * no result line.
 */
export function runChild<T>(name: BenchmarkName, options: object, flags: ChildFlags = {}): Promise<T> {
  const args = [
    ...(flags.exposeGc ? ['--expose-gc'] : []),
    '--import',
    'tsx',
    CHILD_ENTRY,
    name,
    JSON.stringify(options),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_PREFIX));
      if (code !== 0 || line === undefined) {
        reject(new Error(`benchmark ${name} failed (exit ${code}): ${stderr.trim() || stdout.trim()}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
    });
  });
}

/** Runs `count` children one after another (timing benchmarks must not share the CPU with each other). */
export async function runChildrenInSequence<T>(count: number, run: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < count; i++) results.push(await run(i));
  return results;
}

/** Builds the desk page from the current sources (as `npm run build` does) before the dashboard benchmark loads it. Throws Error on failure. */
export function buildDesktopPage(): void {
  const run = spawnSync(process.execPath, ['scripts/build-desktop-page.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`desk page build failed: ${run.stderr}`);
}
