// A session on a pen at a serial port (USB pen or pty) in real time: the one runner; the hand on the pen is real.
import { createSystemClock } from '../clock/clock.js';
import type { ControllerInput } from '../machine/index.js';
import { ThreadLink } from './thread-link.js';
import type { SessionRecords } from './records.js';
import { SessionRunner, type SessionResult } from './session-runner.js';

/** Signals that stop the needles at once and end the session, as Ctrl-C does. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface PortSessionOptions {
  readonly input: ControllerInput;
  readonly path: string;
  readonly records: SessionRecords;
  /** Progress lines for the operator (area changes, stops). */
  readonly onProgress?: (line: string) => void;
}

/**
 * Connects to the pen at `path` and runs the plan in the machine's plan order until the machine
 * ends the session. SIGINT, SIGTERM and SIGHUP send STOP: the needles stop at once and the
 * session is recorded as aborted.
 */
export async function runPortSession(options: PortSessionOptions): Promise<SessionResult> {
  const runner = new SessionRunner(options.input, {
    clock: createSystemClock(),
    // NOTE: the port's I/O and heartbeat run on the link thread, away from this thread's pauses (decision 0008).
    openLink: () => ThreadLink.open(options.path),
    records: options.records,
  });
  const onSignal = (): void => runner.operator({ type: 'STOP' });
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  let lastArea: string | null = null;
  const unsubscribe = runner.onSnapshot((snapshot) => {
    const area = snapshot.context.currentArea;
    if (area === lastArea) return;
    lastArea = area;
    const progress = snapshot.context.areas.find((entry) => entry.area === area);
    if (progress !== undefined) options.onProgress?.(`area ${area}: ready, up to ${progress.passLimit} passes`);
  });
  try {
    runner.start();
    return await runner.whenEnded();
  } finally {
    unsubscribe();
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    await runner.shutdown();
  }
}
