// Heap soak: an armed controller session fed 1 kHz telemetry for virtual minutes; heap after forced GC.
import { BENCH_DEPTH_UM, HostHarness } from './host-harness.js';
import { benchTelemetry } from './bench-pen.js';
import { slope } from './stats.js';

export interface SoakOptions {
  /** Virtual minutes of telemetry before the baseline heap is taken. */
  readonly warmupMinutes: number;
  /** Virtual minutes measured after the baseline. */
  readonly soakMinutes: number;
}

export interface SoakRun {
  /** (heap at the end - heap after warm-up) scaled to one hour, MB per hour (1 MB = 2^20 bytes). */
  readonly heapGrowthMBPerHour: number;
  /** Least-squares slope of the per-minute heap samples, MB per hour (less sensitive to the two end points). */
  readonly heapSlopeMBPerHour: number;
  readonly baselineHeapMB: number;
  readonly finalHeapMB: number;
  readonly telemetryFrames: number;
  /** Heartbeats answered by the pen (commands received), to show the link stayed alive. */
  readonly penCommands: number;
  readonly virtualMinutes: number;
  readonly wallMs: number;
}

const MS_PER_MINUTE = 60_000;
const BYTES_PER_MB = 1024 * 1024;

/** Heap used after full collections, MB. Throws Error when the process was not started with --expose-gc. */
function heapAfterGcMB(): number {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('the soak needs node --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed / BYTES_PER_MB;
}

/**
 * Connects a real ControllerSession to the bench pen over a direct port, arms it (no contact, so
 * no pass ends the soak), then streams one TELEMETRY per virtual ms with heartbeats every 50 ms.
 * Throws Error when the session leaves `armed` (a fault, a dead link) during the soak.
 */
export async function runSoak(options: SoakOptions): Promise<SoakRun> {
  const startMs = performance.now();
  const harness = await HostHarness.open('direct');
  await harness.startArmed();
  let frames = 0;
  const minute = async (): Promise<void> => {
    for (let ms = 0; ms < MS_PER_MINUTE; ms++) {
      await harness.tick(harness.pen.frame('TELEMETRY', benchTelemetry(harness.virtualMs + 1, BENCH_DEPTH_UM, false)));
    }
    frames += MS_PER_MINUTE;
    if (!harness.isIn({ connected: { session: 'armed' } })) throw new Error('the soak session left armed');
  };
  for (let m = 0; m < options.warmupMinutes; m++) await minute();
  const baselineHeapMB = heapAfterGcMB();
  const minutes: number[] = [0];
  const heaps: number[] = [baselineHeapMB];
  for (let m = 1; m <= options.soakMinutes; m++) {
    await minute();
    minutes.push(m);
    heaps.push(heapAfterGcMB());
  }
  const finalHeapMB = heaps[heaps.length - 1] as number;
  const perHour = 60 / options.soakMinutes;
  const result: SoakRun = {
    heapGrowthMBPerHour: (finalHeapMB - baselineHeapMB) * perHour,
    heapSlopeMBPerHour: slope(minutes, heaps) * 60,
    baselineHeapMB,
    finalHeapMB,
    telemetryFrames: frames,
    penCommands: harness.pen.commandsReceived,
    virtualMinutes: options.warmupMinutes + options.soakMinutes,
    wallMs: performance.now() - startMs,
  };
  await harness.close();
  return result;
}
