// A `mnpen session --port` child against the simulated pen in this process over a socat pty pair, with the pen's side observed in its own ticks.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { constants, openSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import type { OperatorScriptOptions } from '../../sim/operator.js';
import { startRealtimePen, type RealtimePen } from '../../sim/realtime-pen.js';
import { Sku } from '../../src/protocol/index.js';
import { openStore } from '../../src/store/index.js';
import { packageRoot } from '../../src/desktop/page-assets.js';
import { screening, tempDir, writeJson } from './cli.js';
import { openPtyPair, type PtyPair } from './pty-pair.js';
import { HOST_NICE, RIG_NICE, trySetNice } from './rig-priority.js';

/** What the pen saw, in its own ticks (device ms): when host bytes arrived, when it made itself safe. */
export interface PenWatch {
  /** Device ms of every chunk of host bytes (heartbeats among them). */
  readonly hostBytesAtMs: number[];
  /** Device ms at which the motor went from running to off (each time). */
  readonly motorOffAtMs: number[];
  /** Device ms at which the needles reached 0 um after a motor-off (each time). */
  readonly retractedAtMs: number[];
  /** Largest gap between host byte chunks while the motor ran, ms. */
  maxHostGapWhileDrivingMs(): number;
}

export interface PtySession {
  readonly dir: string;
  readonly db: string;
  readonly pair: PtyPair;
  readonly pen: RealtimePen;
  /** The pen's end of the pty (raw, as socat made it). */
  readonly penPort: ReadStream;
  readonly watch: PenWatch;
  readonly child: ChildProcess;
  readonly output: { stdout: string; stderr: string };
  readonly exited: Promise<number | null>;
  /** Whether the rig (this process's pen, socat) runs above the host's priority. */
  readonly rigPrioritized: boolean;
  /** Stops the pen, closes its port and the pty pair (idempotent). */
  close(): Promise<void>;
}

export interface PtySessionOptions {
  readonly clientId: string;
  readonly seed: number;
  readonly plan: unknown;
  readonly operatorPasses: number;
  readonly operatorTiming: Omit<OperatorScriptOptions, 'seed' | 'areas'>;
  /** Extra environment of the child (MNPEN_TEST_STALL). */
  readonly env?: Record<string, string>;
}

function watchPen(pen: RealtimePen, port: ReadStream): PenWatch {
  const sim = pen.pen;
  const hostBytesAtMs: number[] = [];
  const motorOffAtMs: number[] = [];
  const retractedAtMs: number[] = [];
  const drivingSpans: [number, number][] = [];
  port.on('data', () => hostBytesAtMs.push(sim.uptimeMs));
  let running = false;
  let waitingRetract = false;
  let drivingFromMs = 0;
  const step = sim.step.bind(sim);
  // NOTE: judged after every 1 ms step, so the ticks are exact, whatever this process's event loop does.
  sim.step = () => {
    step();
    const nowRunning = sim.hardware.motor.commandHz > 0;
    if (nowRunning && !running) drivingFromMs = sim.uptimeMs;
    if (!nowRunning && running) {
      motorOffAtMs.push(sim.uptimeMs);
      drivingSpans.push([drivingFromMs, sim.uptimeMs]);
      waitingRetract = true;
    }
    running = nowRunning;
    if (waitingRetract && sim.hardware.actuator.physicalUm <= 0) {
      retractedAtMs.push(sim.uptimeMs);
      waitingRetract = false;
    }
  };
  return {
    hostBytesAtMs,
    motorOffAtMs,
    retractedAtMs,
    maxHostGapWhileDrivingMs() {
      let max = 0;
      for (let i = 1; i < hostBytesAtMs.length; i++) {
        const at = hostBytesAtMs[i] as number;
        const before = hostBytesAtMs[i - 1] as number;
        if (drivingSpans.some(([from, to]) => before >= from && at <= to)) max = Math.max(max, at - before);
      }
      return max;
    },
  };
}

/** Starts the pen on a fresh pty pair and `mnpen session --port` (TypeScript through tsx, with the stall preload) on the other end. */
export async function startPtySession(options: PtySessionOptions): Promise<PtySession> {
  const dir = tempDir('mnpen-host-');
  const pair = await openPtyPair(dir);
  // NOTE: the rig stands for hardware: raised when allowed; the controller child and the load stay at HOST_NICE.
  const rigPrioritized = trySetNice(0, RIG_NICE) && trySetNice(pair.socat.pid ?? 0, RIG_NICE);
  // NOTE: the pen stands for a microcontroller's UART: its bytes move on this thread's loop (node:tty), not
  // through serialport's thread-pool writes, which a loaded host delays by up to 150 ms (decision 0008).
  const penPort = new ReadStream(openSync(pair.penPath, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK));
  penPort.on('error', () => {});
  const pen = startRealtimePen({
    port: penPort,
    sku: Sku.HOME,
    seed: options.seed,
    cartridge: { id: 9200 + options.seed, needleCount: 16 },
    operatorAreas: [{ area: 'cheeks', passes: options.operatorPasses }],
    operatorTiming: options.operatorTiming,
  });
  const watch = watchPen(pen, penPort);
  const db = join(dir, 'mnpen.db');
  const store = openStore(db);
  store.upsertClient({ clientId: options.clientId, birthYear: 1985 });
  store.recordPatchTest(options.clientId, Date.now() - 3 * 24 * 3600_000, 'jawline');
  store.close();
  const answers = writeJson(dir, 'screening.json', screening(new Date(Date.now() - 3600_000).toISOString(), 1985));
  const plan = writeJson(dir, 'plan.json', options.plan);
  const root = packageRoot();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      join(root, 'test/support/main-thread-stall.mjs'),
      'src/cli/main.ts',
      'session',
      '--port',
      pair.hostPath,
      '--plan',
      plan,
      '--client',
      options.clientId,
      '--screening',
      answers,
      '--db',
      db,
      '--json',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  if (rigPrioritized) trySetNice(child.pid ?? 0, HOST_NICE);
  const output = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (output.stdout += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (output.stderr += text));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let closed = false;
  return {
    dir,
    db,
    pair,
    pen,
    penPort,
    watch,
    child,
    output,
    exited,
    rigPrioritized,
    close: async () => {
      if (closed) return;
      closed = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      pen.stop();
      penPort.destroy();
      await pair.kill();
      trySetNice(0, HOST_NICE);
    },
  };
}
