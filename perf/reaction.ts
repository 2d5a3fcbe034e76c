// Host reaction time: a pen fault frame handed to the host's serial stream -> the host's STOP frame handed to the port.
import { PerformanceObserver } from 'node:perf_hooks';
import { Fault, MAX_FRAME_BYTES, SlipStreamDecoder, decodeFrame } from '../src/protocol/index.js';
import { BENCH_DEPTH_UM, HostHarness } from './host-harness.js';
import type { BenchPortKind } from './bench-port.js';
import { summarizeLatencies, type LatencySummary } from './stats.js';

/** What the timed interval covers, per port kind (printed with the figures). */
export const REACTION_BOUNDARIES: Readonly<Record<BenchPortKind, string>> = {
  direct:
    "starts when the EVENT_FAULT bytes are emitted as a 'data' chunk on the port the PenLink listens to " +
    '(where the serial stream hands data to the link); ends when the STOP frame is passed to port.write. ' +
    'Covers SLIP + CRC + decode, the report dispatch, the XState transition to fault and the realtime STOP encode. ' +
    'The fault arrives in its own read, after the telemetry read before it was handled.',
  stream:
    'starts when the EVENT_FAULT bytes are handed to the mock binding (where an OS read would land); ends when ' +
    'the STOP frame is passed to SerialPortStream.write. Adds the binding read and Node stream delivery.',
};

export interface ReactionOptions {
  readonly kind: BenchPortKind;
  /** Faults timed in this run (one controller session per fault: a fault latches). */
  readonly faults: number;
  /** Untimed faults first, so the timed ones run on optimised code. */
  readonly warmupFaults: number;
  /**
   * Mean virtual ms of 1 kHz telemetry (and 20 Hz heartbeats) flowing before each fault; each fault
   * gets this +-20 ms so faults land at every phase of the heartbeat cycle.
   */
  readonly telemetryMsPerFault: number;
  /**
   * Sessions connected ahead, then faulted one by one, so a fault meets a session that has lived a
   * while (its objects promoted out of the young generation), as in a host mid-treatment. Default 100.
   */
  readonly sessionsPerBatch?: number;
}

export interface ReactionRun extends LatencySummary {
  readonly telemetryFrames: number;
  /** Timed windows that overlapped a garbage collection reported by V8. */
  readonly windowsWithGc: number;
  /** Timed windows during which the process was involuntarily descheduled (getrusage; any thread). */
  readonly windowsPreempted: number;
  /** p99 and largest sample among windows with neither: what the host code itself costs, us. */
  readonly p99UndisturbedUs: number;
  readonly maxUndisturbedUs: number;
  readonly wallMs: number;
}

export interface FaultSample {
  readonly us: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly preempted: boolean;
}

function isStopFrame(bytes: Uint8Array): boolean {
  let isStop = false;
  new SlipStreamDecoder(MAX_FRAME_BYTES, (frame) => {
    const result = decodeFrame(frame);
    isStop = result.ok && result.message.name === 'STOP';
  }).push(bytes);
  return isStop;
}

const turnEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Times one injected fault on a session that is treating. Throws Error when the host's first write
 * is not a STOP, none comes within 100 event-loop turns, or the machine is not in `fault` after.
 */
export async function timeOneFault(harness: HostHarness): Promise<FaultSample> {
  const faultBytes = harness.pen.frame('EVENT_FAULT', {
    deviceTickMs: harness.virtualMs,
    faultCode: Fault.MOTOR_STALL,
    measuredDepthUm: BENCH_DEPTH_UM - 10,
    commandedDepthUm: BENCH_DEPTH_UM,
  });
  let endMs = 0;
  let firstWrite: Uint8Array | null = null;
  let switchesAfter = 0;
  harness.bench.onHostWrite = (bytes) => {
    if (endMs !== 0) return;
    endMs = performance.now();
    switchesAfter = process.resourceUsage().involuntaryContextSwitches;
    firstWrite = bytes;
  };
  const switchesBefore = process.resourceUsage().involuntaryContextSwitches;
  const startMs = performance.now();
  harness.bench.deliverToHost(faultBytes);
  for (let turns = 0; endMs === 0 && turns < 100; turns++) await turnEventLoop();
  harness.bench.onHostWrite = null;
  if (firstWrite === null || !isStopFrame(firstWrite))
    throw new Error('the host did not answer the fault with STOP first');
  if (!harness.isIn('fault')) throw new Error('the machine did not latch the fault');
  return { us: (endMs - startMs) * 1000, startMs, endMs, preempted: switchesAfter !== switchesBefore };
}

/**
 * One run: `warmupFaults + faults` sessions in batches; each connected, treating, fed about
 * `telemetryMsPerFault` ms of 1 kHz telemetry, then one EVENT_FAULT, timed (setup is not).
 * Throws Error when any fault is not answered as timeOneFault requires.
 */
export async function measureReaction(options: ReactionOptions): Promise<ReactionRun> {
  const gcSpansMs: [number, number][] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcSpansMs.push([entry.startTime, entry.startTime + entry.duration]);
  });
  observer.observe({ entryTypes: ['gc'] });
  const batchSize = options.sessionsPerBatch ?? 100;
  const samples: FaultSample[] = [];
  let telemetryFrames = 0;
  const startMs = performance.now();
  for (let index = -options.warmupFaults; index < options.faults;) {
    const batch: HostHarness[] = [];
    for (let k = 0; k < batchSize && index + k < options.faults; k++) {
      const harness = await HostHarness.open(options.kind);
      await harness.startTreating();
      batch.push(harness);
    }
    for (const harness of batch) {
      const telemetryMs = Math.max(1, options.telemetryMsPerFault + ((((index * 7) % 41) + 41) % 41) - 20);
      for (let ms = 0; ms < telemetryMs; ms++) await harness.telemetryTick();
      telemetryFrames += telemetryMs;
      const sample = await timeOneFault(harness);
      if (index >= 0) samples.push(sample);
      await harness.close();
      index++;
    }
  }
  // V8's gc entries reach observers only on a later event-loop iteration with timers.
  await new Promise((resolve) => setTimeout(resolve, 20));
  observer.disconnect();
  const hitByGc = (sample: FaultSample): boolean =>
    gcSpansMs.some(([gcStart, gcEnd]) => gcStart < sample.endMs && gcEnd > sample.startMs);
  const undisturbed = samples.filter((sample) => !sample.preempted && !hitByGc(sample));
  const undisturbedSummary = summarizeLatencies(undisturbed.length > 0 ? undisturbed.map((sample) => sample.us) : [0]);
  return {
    ...summarizeLatencies(samples.map((sample) => sample.us)),
    telemetryFrames,
    windowsWithGc: samples.filter(hitByGc).length,
    windowsPreempted: samples.filter((sample) => sample.preempted).length,
    p99UndisturbedUs: undisturbedSummary.p99,
    maxUndisturbedUs: undisturbedSummary.max,
    wallMs: performance.now() - startMs,
  };
}
