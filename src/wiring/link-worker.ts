// The link thread (worker entry): the pen's serial port, retries and heartbeat, away from the machine thread's pauses.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createSystemClock } from '../clock/clock.js';
import { HOST_ALIVE_PERIOD_MS, HOST_STALL_BOUND_MS } from '../limits/index.js';
import type { Payload } from '../protocol/index.js';
import {
  HostLiveness,
  LinkError,
  PenLink,
  type CommandName,
  type ReportEventName,
  type ReportPayloads,
} from '../transport/index.js';
import type { FromLinkThread, LinkThreadData, ThreadFailure, ToLinkThread } from './link-thread-messages.js';
import { openThreadPort, type ThreadPort } from './thread-port.js';

/**
 * Nice value this thread asks for: above the desktop's ordinary processes, as real-time audio and
 * printer hosts do. NOTE: only the link thread; the machine thread keeps the ordinary priority, so a
 * starved machine still loses the lease. Without the right (not root, no CAP_SYS_NICE) it stays at 0.
 */
export const LINK_THREAD_NICE = -10;

const REPORTS: readonly ReportEventName[] = ['telemetry', 'status', 'contact', 'fault', 'stopped', 'cartridge'];

function failureOf(error: unknown): ThreadFailure {
  if (error instanceof LinkError) return { kind: 'link', code: error.code, deadReason: error.deadReason };
  if (error instanceof RangeError) return { kind: 'range', message: error.message };
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

/**
 * Opens the port and runs one PenLink on it. Nothing here decides: requests come from the machine
 * thread and answers and reports go back. The one judgement it makes is S10's: a heartbeat is sent
 * only while the machine thread's stamp is younger than HOST_STALL_BOUND_MS (and this thread was not
 * itself held that long); past it, heartbeats stop for good and the pen's lease lapses.
 */
async function run(port: NonNullable<typeof parentPort>, data: LinkThreadData): Promise<void> {
  const post = (message: FromLinkThread): void => port.postMessage(message);
  try {
    setPriority(LINK_THREAD_NICE); // pid 0: on Linux this thread only
  } catch {
    // not allowed here: the link thread runs at the ordinary priority
  }
  let serial: ThreadPort;
  try {
    serial = await openThreadPort(data.path);
  } catch (error) {
    post({ op: 'openFailed', message: (error as Error).message });
    port.close();
    return;
  }
  const stamp = new BigInt64Array(data.stamp);
  const clock = createSystemClock();
  const liveness = new HostLiveness({
    clock,
    boundMs: HOST_STALL_BOUND_MS,
    stampAgeMs: () => Number(process.hrtime.bigint() - Atomics.load(stamp, 0)) / 1e6,
  });
  const link = new PenLink({
    port: serial,
    clock,
    heartbeatGate: () => liveness.check(),
    deferVerdict: (recheck) => void setImmediate(recheck),
  });
  let tick: NodeJS.Timeout | null = null;
  for (const event of REPORTS) {
    link.on(event, (payload: ReportPayloads[typeof event], penSeq: number) =>
      post({ op: 'report', event, payload, penSeq }),
    );
  }
  link.onLinkDead((reason) => {
    if (tick !== null) clearInterval(tick);
    const stall = liveness.stall;
    const detail =
      stall === null
        ? reason
        : `${reason}: ${stall.kind === 'machineStalled' ? 'the machine thread' : 'the host process'} stalled ${Math.round(stall.ms)} ms (bound ${HOST_STALL_BOUND_MS} ms)`;
    post({ op: 'linkDead', reason, detail });
  });
  const startJudging = (): void => {
    if (liveness.isJudging) return;
    liveness.start();
    // NOTE: checked between heartbeats too, so a stall is latched as soon as it reaches the bound.
    tick = setInterval(() => {
      if (!liveness.check()) link.hostStalled();
    }, HOST_ALIVE_PERIOD_MS);
  };
  const close = async (): Promise<void> => {
    if (tick !== null) clearInterval(tick);
    link.close();
    await serial.close();
    post({ op: 'closed' });
    port.close();
  };
  port.on('message', (message: ToLinkThread) => {
    switch (message.op) {
      case 'hello':
        return void link.hello().then(
          (info: Payload<'INFO'>) => post({ op: 'info', id: message.id, info }),
          (error: unknown) => post({ op: 'failed', id: message.id, failure: failureOf(error) }),
        );
      case 'command':
        // NOTE: from the first ARM the pen may hold a lease: from then on every stall counts (S10).
        if (message.name === 'ARM') startJudging();
        return void link.command(message.name, message.payload as Payload<CommandName>).then(
          (result) => post({ op: 'result', id: message.id, result }),
          (error: unknown) => post({ op: 'failed', id: message.id, failure: failureOf(error) }),
        );
      case 'realtime':
        return void link.realtime(message.name);
      case 'startHeartbeat':
        try {
          link.startHeartbeat(message.periodMs);
        } catch {
          return; // the link died meanwhile: already reported through linkDead
        }
        return;
      case 'quiet':
        if (tick !== null) clearInterval(tick);
        return link.close();
      case 'close':
        return void close();
    }
  });
  post({ op: 'opened' });
}

if (parentPort !== null) void run(parentPort, workerData as LinkThreadData);
