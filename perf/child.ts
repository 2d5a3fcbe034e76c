// Entry of one benchmark child process: runs the named benchmark and prints its result as one JSON line.
import { measureDecode } from './codec.js';
import { measureDashboard, type DashboardOptions } from './dashboard.js';
import { measureDeskController, type DeskControllerOptions } from './desk-controller.js';
import { measureFirmata } from './firmata.js';
import { measurePenSafety } from './pen-safety.js';
import { measureReaction, type ReactionOptions } from './reaction.js';
import { measureSimSpeed } from './sim-speed.js';
import { runSoak, type SoakOptions } from './soak.js';
import { RESULT_PREFIX, type BenchmarkName, type CodecOptions, type CodecRun } from './children.js';

/** Codec and Firmata in the same run, alternating, after one untimed warm-up round. */
function runCodec(options: CodecOptions): CodecRun[] {
  const warmupMs = Math.min(300, options.durationMs);
  measureDecode('codec', warmupMs);
  measureDecode('reader', warmupMs);
  measureFirmata(warmupMs);
  const runs: CodecRun[] = [];
  for (let i = 0; i < options.runs; i++) {
    const codec = measureDecode('codec', options.durationMs);
    const firmata = measureFirmata(options.durationMs);
    const reader = measureDecode('reader', options.durationMs);
    runs.push({
      decodeFramesPerSec: codec.framesPerSec,
      frameReaderFramesPerSec: reader.framesPerSec,
      firmataFramesPerSec: firmata.samplesPerSec,
      firmataBytesPerSample: firmata.bytesPerSample,
    });
  }
  return runs;
}

const BENCHMARKS: Readonly<Record<BenchmarkName, (options: never) => unknown>> = {
  codec: (options: CodecOptions) => runCodec(options),
  reaction: (options: ReactionOptions) => measureReaction(options),
  sim: (options: { warmSessions: number; seed: number }) => measureSimSpeed(options.warmSessions, options.seed),
  soak: (options: SoakOptions) => runSoak(options),
  dashboard: (options: DashboardOptions) => measureDashboard(options),
  deskController: (options: DeskControllerOptions) => measureDeskController(options),
  pen: () => measurePenSafety(),
};

async function main(): Promise<void> {
  const [name = '', optionsJson = '{}'] = process.argv.slice(2);
  if (!Object.hasOwn(BENCHMARKS, name)) throw new Error(`unknown benchmark "${name}"`);
  const benchmark = BENCHMARKS[name as BenchmarkName];
  const result = await benchmark(JSON.parse(optionsJson) as never);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
