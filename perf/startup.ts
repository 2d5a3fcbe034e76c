// Startup time: spawn a process that boots the simulated pen and the controller; time until it says READY.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { REPO_ROOT } from './children.js';

const PROBE_SOURCE = fileURLToPath(new URL('./startup-child.ts', import.meta.url));
/** Where the precompiled probe goes (perf/results/ is git-ignored). */
export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const PROBE_BUNDLE = `${RESULTS_DIR}startup-child.mjs`;

/** How the probe is started: through tsx as bin/mnpen.js does, or precompiled to one ESM file by esbuild. */
export type StartupVariant = 'tsx' | 'bundle';

export interface StartupRun {
  /** From spawn() in the parent to the READY line on its stdout, ms. */
  readonly spawnToReadyMs: number;
  /** The child's own performance.now() at READY (ms since its time origin, near process start). */
  readonly childReportedMs: number;
  /** The child's performance.now() once every module was loaded and evaluated, ms. */
  readonly modulesLoadedMs: number;
}

/**
 * Compiles the probe and everything it imports from this repository into one ESM file
 * (node_modules stay external, loaded as in production). Resolves with its path.
 */
export async function buildStartupBundle(): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  await build({
    entryPoints: [PROBE_SOURCE],
    outfile: PROBE_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return PROBE_BUNDLE;
}

function argsFor(variant: StartupVariant): string[] {
  return variant === 'tsx' ? ['--import', 'tsx', PROBE_SOURCE] : [PROBE_BUNDLE];
}

/** Spawns the probe once. Rejects with Error when it exits without READY. */
export function spawnUntilReady(variant: StartupVariant): Promise<StartupRun> {
  return new Promise((resolve, reject) => {
    const startNs = process.hrtime.bigint();
    const child = spawn(process.execPath, argsFor(variant), { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let result: StartupRun | null = null;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const match = /READY (\d+(?:\.\d+)?) loaded (\d+(?:\.\d+)?)/.exec(stdout);
      if (result === null && match !== null) {
        result = {
          spawnToReadyMs: Number(process.hrtime.bigint() - startNs) / 1e6,
          childReportedMs: Number(match[1]),
          modulesLoadedMs: Number(match[2]),
        };
      }
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => {
      if (result !== null && code === 0) resolve(result);
      else reject(new Error(`startup probe (${variant}) exit ${code}: ${stderr.trim()}`));
    });
  });
}

/** `warmups` untimed spawns (they fill tsx's compile cache and the OS file cache), then `runs` timed ones. */
export async function measureStartup(variant: StartupVariant, runs: number, warmups = 1): Promise<StartupRun[]> {
  for (let i = 0; i < warmups; i++) await spawnUntilReady(variant);
  const results: StartupRun[] = [];
  for (let i = 0; i < runs; i++) results.push(await spawnUntilReady(variant));
  return results;
}
