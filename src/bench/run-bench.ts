// Runs scenarios with their repeats on the simulated target and the emulated bench, a fresh bench per run.
import type { BenchContext } from './executor/bench-context.js';
import { runScenario, type BenchEvent } from './executor/run-scenario.js';
import type { BenchRecord } from './records/record-schema.js';
import type { Scenario } from './scenarios/scenario-schema.js';

/** A validated scenario and where it came from (file null and no hash: built in memory, hashed as canonical JSON). */
export interface BenchScenario {
  readonly scenario: Scenario;
  readonly file: string | null;
  readonly sha256?: string;
}
import { openSimBench } from './sim-bench.js';

export interface BenchRunOptions {
  readonly scenarios: readonly BenchScenario[];
  /** Repeats per scenario; default: each scenario's own `repeat`. */
  readonly repeat?: number;
  /** Seed of a scenario's first run when it names none (repeat k uses seed + k - 1). */
  readonly seed: number;
  readonly onEvent?: (event: BenchEvent) => void;
  /** Called with each record as soon as its run ends. */
  readonly onRecord?: (record: BenchRecord) => void;
  readonly signal?: AbortSignal;
  /** The bench for one run; default: a fresh simulated pen on the emulated bench (openSimBench). */
  readonly openBench?: (scenario: Scenario, seed: number) => Promise<BenchContext>;
}

const openDefaultBench = (scenario: Scenario, seed: number): Promise<BenchContext> =>
  openSimBench({
    seed,
    sku: scenario.setup.sku,
    ...(scenario.setup.cartridge === undefined ? {} : { cartridge: scenario.setup.cartridge }),
    ...(scenario.setup.batteryPercent === undefined ? {} : { batteryPercent: scenario.setup.batteryPercent }),
  });

/**
 * Runs every scenario `repeat` times, in order, each run on its own bench (closed after it, left
 * safe). Stops early once aborted. Resolves with the records. The caller checked runnability.
 */
export async function runBench(options: BenchRunOptions): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  const openBench = options.openBench ?? openDefaultBench;
  for (const loaded of options.scenarios) {
    const { scenario } = loaded;
    const count = options.repeat ?? scenario.repeat;
    for (let index = 1; index <= count; index++) {
      if (options.signal?.aborted) return records;
      const seed = ((scenario.setup.seed ?? options.seed) + index - 1) >>> 0;
      const bench = await openBench(scenario, seed);
      try {
        const record = await runScenario(bench, {
          scenario,
          file: loaded.file,
          ...(loaded.sha256 === undefined ? {} : { sha256: loaded.sha256 }),
          repeatIndex: index,
          repeatCount: count,
          seed,
          ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
        records.push(record);
        options.onRecord?.(record);
      } finally {
        await bench.close();
      }
    }
  }
  return records;
}
