// Runs a whole session against the simulated pen with a scripted operator, in virtual time.
import type { CreateFirmware } from '../../firmware/api.js';
import { createOperatorScript, PenSimulation, type OperatorIntent } from '../../sim/index.js';
import type { ControllerInput, ReasonEntry } from '../machine/events.js';
import { Sku, type Payload, type SkuCode } from '../protocol/index.js';
import { ControllerSession } from './controller-session.js';
import { openPenPort } from './open-port.js';
import type { SessionRecorder } from './recorder.js';
import { summarize, type SessionSummary } from './summary.js';

/** Longest simulated session before the runner stops it, ms of virtual time. */
export const MAX_SIMULATED_SESSION_MS = 60 * 60 * 1000;
/** Longest wait for the handshake, ms of virtual time. */
export const CONNECT_TIMEOUT_MS = 5000;

export interface SimulatedSessionOptions {
  readonly input: ControllerInput;
  readonly seed: number;
  /** Pen SKU; default: pro for a pro session, home otherwise. */
  readonly sku?: SkuCode;
  /** Pass attempts per area by the scripted operator; default: the plan's passes. */
  readonly attemptPasses?: number;
  /** Credential sent with UNLOCK_PRO before the session starts. */
  readonly unlockCredential?: string;
  readonly cartridge?: { readonly id: number; readonly needleCount: number };
  /** Firmware to run on the simulated pen (default: the real one); tests substitute a misbehaving pen. */
  readonly createFirmware?: CreateFirmware;
  /** Battery charge of the simulated pen, %. */
  readonly batteryPercent?: number;
  readonly recorder?: SessionRecorder;
  /**
   * Called after the handshake, before START_SESSION, with what the pen reported (cartridge, battery).
   * Refusals returned here stop the session before any treatment command: outcome 'refused'.
   */
  readonly beforeStart?: (info: Payload<'INFO'>) => readonly ReasonEntry[];
  /** Called once the simulation exists, before connecting: tests inject faults or observe through it. */
  readonly onSimulation?: (simulation: PenSimulation, session: ControllerSession) => void;
}

export interface SimulatedSessionResult {
  readonly summary: SessionSummary;
  readonly session: ControllerSession;
  readonly simulation: PenSimulation;
  /** Highest physical needle protrusion seen in the simulator over the session, um. */
  readonly maxPhysicalDepthUm: number;
}

/**
 * Connects, optionally unlocks, starts the session, lets the scripted operator work every plan
 * area, and returns the summary once the machine ends the session (or after the virtual time limit).
 */
export async function runSimulatedSession(options: SimulatedSessionOptions): Promise<SimulatedSessionResult> {
  const { input } = options;
  const simulation = PenSimulation.create({
    seed: options.seed,
    sku: options.sku ?? (input.mode === 'pro' ? Sku.PRO : Sku.HOME),
    ...(options.cartridge ? { cartridge: options.cartridge } : {}),
    ...(options.batteryPercent === undefined ? {} : { batteryPercent: options.batteryPercent }),
    ...(options.createFirmware === undefined ? {} : { createFirmware: options.createFirmware }),
  });
  const session = new ControllerSession(input, {
    clock: simulation.clock,
    openPort: () => openPenPort({ kind: 'sim', simulation }),
    ...(options.recorder ? { recorder: options.recorder } : {}),
  });
  let maxPhysicalDepthUm = 0;
  const observe = (): boolean => {
    maxPhysicalDepthUm = Math.max(maxPhysicalDepthUm, simulation.pen.hardware.actuator.physicalUm);
    return session.hasEnded;
  };
  options.onSimulation?.(simulation, session);
  await simulation.advance(1000);
  session.start();
  await simulation.runUntil(
    () => observe() || session.actor.getSnapshot().matches({ connected: 'idle' }),
    CONNECT_TIMEOUT_MS,
  );
  const info = session.penInfo;
  const preRefusals = !session.hasEnded && info !== null ? (options.beforeStart?.(info) ?? []) : [];
  if (preRefusals.length === 0 && !session.hasEnded && session.actor.getSnapshot().matches({ connected: 'idle' })) {
    if (options.unlockCredential !== undefined)
      session.send({ type: 'UNLOCK_PRO', credential: options.unlockCredential });
    session.send({ type: 'START_SESSION' });
    const script = createOperatorScript({
      seed: options.seed,
      areas: input.plan.areas.map((area) => ({ area: area.area, passes: options.attemptPasses ?? area.passes })),
    });
    const onIntent = (intent: OperatorIntent): void =>
      session.send(intent.kind === 'selectArea' ? { type: 'SELECT_AREA', area: intent.area } : { type: 'FINISH' });
    const isReady = (): boolean => !session.actor.getSnapshot().matches({ connected: { session: 'arming' } });
    simulation.attachOperator(script, onIntent, { isReady }).start(simulation.nowMs);
  }
  if (preRefusals.length > 0) session.send({ type: 'STOP' });
  const startedAtMs = simulation.nowMs;
  await simulation.runUntil(observe, MAX_SIMULATED_SESSION_MS);
  if (!session.hasEnded) session.send({ type: 'STOP' });
  await simulation.runUntil(() => {
    observe();
    return false;
  }, 300);
  const summary: SessionSummary = {
    ...summarize(session.actor.getSnapshot().context, session.penInfo, session.end, preRefusals),
    virtualDurationMs: simulation.nowMs - startedAtMs,
  };
  session.shutdown();
  await simulation.close();
  return { summary, session, simulation, maxPhysicalDepthUm };
}
