// Runs a session against a pen at a serial port (USB pen or pty) in real time: areas in plan order, Ctrl-C stops the needles.
import { createSystemClock } from '../clock/clock.js';
import type { ControllerInput, ReasonEntry } from '../machine/events.js';
import type { Payload } from '../protocol/index.js';
import { ControllerSession } from './controller-session.js';
import { openPenPort } from './open-port.js';
import type { SessionRecorder } from './recorder.js';
import { summarize, type SessionSummary } from './summary.js';

/** Longest wait for the port and the handshake, ms. */
export const PORT_CONNECT_TIMEOUT_MS = 5000;

export interface PortSessionOptions {
  readonly input: ControllerInput;
  readonly path: string;
  readonly unlockCredential?: string;
  readonly recorder?: SessionRecorder;
  readonly beforeStart?: (info: Payload<'INFO'>) => readonly ReasonEntry[];
  /** Progress lines for the operator (area changes). */
  readonly onProgress?: (line: string) => void;
}

/**
 * Connects to the pen at `path`, runs the plan's areas in order (the next area is selected when
 * the current one locks at its pass limit; the session finishes after the last), and resolves
 * with the summary. SIGINT sends STOP: the needles stop at once and the session is aborted.
 */
export async function runPortSession(options: PortSessionOptions): Promise<{ summary: SessionSummary }> {
  const { input } = options;
  const session = new ControllerSession(input, {
    clock: createSystemClock(),
    openPort: () => openPenPort({ kind: 'path', path: options.path }),
    ...(options.recorder ? { recorder: options.recorder } : {}),
  });
  const onSigint = (): void => session.send({ type: 'STOP' });
  process.on('SIGINT', onSigint);
  const selected = new Set<string>();
  let preRefusals: readonly ReasonEntry[] = [];
  let started = false;
  const subscription = session.actor.subscribe((snapshot) => {
    if (!started && snapshot.matches({ connected: 'idle' }) && session.penInfo !== null) {
      started = true;
      preRefusals = options.beforeStart?.(session.penInfo) ?? [];
      if (preRefusals.length > 0) return void queueMicrotask(() => session.send({ type: 'STOP' }));
      queueMicrotask(() => {
        if (options.unlockCredential !== undefined)
          session.send({ type: 'UNLOCK_PRO', credential: options.unlockCredential });
        session.send({ type: 'START_SESSION' });
      });
      return;
    }
    if (snapshot.matches({ connected: { session: 'selectingArea' } })) {
      const next = input.plan.areas.find((area) => !selected.has(area.area));
      queueMicrotask(() => {
        if (next === undefined) return session.send({ type: 'FINISH' });
        selected.add(next.area);
        options.onProgress?.(`area ${next.area}: ready, up to ${next.passes} passes`);
        session.send({ type: 'SELECT_AREA', area: next.area });
      });
    }
  });
  const timeout = setTimeout(() => {
    if (!started) session.send({ type: 'STOP' });
  }, PORT_CONNECT_TIMEOUT_MS);
  session.start();
  await session.whenEnded();
  clearTimeout(timeout);
  await new Promise((resolve) => setTimeout(resolve, 100));
  subscription.unsubscribe();
  process.off('SIGINT', onSigint);
  const machineSummary = summarize(session.actor.getSnapshot().context, session.penInfo);
  session.shutdown();
  const summary: SessionSummary =
    preRefusals.length > 0
      ? {
          ...machineSummary,
          outcome: 'refused',
          outcomeReason: preRefusals[0]!.reason,
          refusals: [...preRefusals, ...machineSummary.refusals],
        }
      : machineSummary;
  return { summary };
}
