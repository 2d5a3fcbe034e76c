// Runs a session against a pen at a serial port (USB pen or pty) in real time: areas in plan order, Ctrl-C stops the needles.
import { createSystemClock } from '../clock/clock.js';
import type { ControllerInput, ReasonEntry } from '../machine/events.js';
import { PenState, type Payload } from '../protocol/index.js';
import { ControllerSession } from './controller-session.js';
import { openPenPort } from './open-port.js';
import type { SessionRecorder } from './recorder.js';
import { summarize, type SessionSummary } from './summary.js';

/** An area whose arming was refused is tried this many times before the session stops. */
export const MAX_AREA_ATTEMPTS = 3;
/** Pause before selecting the next area, ms. */
export const AREA_RETRY_DELAY_MS = 300;
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
 * Connects to the pen at `path`, waits until it reports IDLE, runs the plan's areas in order (the
 * next area is selected when the current one locks at its pass limit; an area whose arming was
 * refused is retried, then the session stops; it finishes after the last area), and resolves
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
  const attempts = new Map<string, number>();
  let preRefusals: readonly ReasonEntry[] = [];
  let started = false;
  let wasSelecting = false;
  const subscription = session.actor.subscribe((snapshot) => {
    // NOTE: start only once the pen reports IDLE: a pen still homing refuses ARM.
    if (
      !started &&
      snapshot.matches({ connected: 'idle' }) &&
      session.penInfo !== null &&
      session.penState === PenState.IDLE
    ) {
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
    const selecting = snapshot.matches({ connected: { session: 'selectingArea' } });
    // NOTE: act once per entry into selectingArea: telemetry keeps producing snapshots while the choice is in flight.
    const entered = selecting && !wasSelecting;
    wasSelecting = selecting;
    if (!entered) return;
    const open = snapshot.context.areas.find(
      (area) => !area.locked && (attempts.get(area.area) ?? 0) < MAX_AREA_ATTEMPTS,
    );
    setTimeout(
      () => {
        if (open === undefined) {
          const unfinished = snapshot.context.areas.some((area) => !area.locked);
          return session.send({ type: unfinished ? 'STOP' : 'FINISH' });
        }
        const attempt = (attempts.get(open.area) ?? 0) + 1;
        attempts.set(open.area, attempt);
        options.onProgress?.(
          `area ${open.area}: ready, up to ${open.passLimit} passes${attempt > 1 ? ` (attempt ${attempt})` : ''}`,
        );
        session.send({ type: 'SELECT_AREA', area: open.area });
      },
      attempts.size === 0 ? 0 : AREA_RETRY_DELAY_MS,
    );
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
  const summary = summarize(session.actor.getSnapshot().context, session.penInfo, session.end, preRefusals);
  session.shutdown();
  return { summary };
}
