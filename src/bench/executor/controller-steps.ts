// The executor's controller steps: connect, operator commands, plan sessions with the arm as the hand, direct pen commands, depth and stroke-rate sweeps.
import { dirname, resolve } from 'node:path';
import { depthMmToUm, parsePlan, type Plan } from '../../policy/index.js';
import { documentFiles, type ScenarioStep } from '../scenarios/scenario-schema.js';
import type { BenchTarget, SessionEnd, SessionHandle, SessionRequest } from './bench-target.js';
import { BenchSetupError, BenchTimeoutError, type RunState, type SweepPoint } from './run-state.js';
import { SessionHand } from './session-hand.js';

/** Longest wait for the session runner to take a session request, ms of bench time. */
const SESSION_START_MS = 5000;
/** Longest wait for the pen's answer to a direct command, ms of bench time. */
const DIRECT_ANSWER_MS = 3000;

type ControllerStep = Extract<
  ScenarioStep,
  { do: 'connect' | 'command' | 'session' | 'await-session' | 'direct' | 'depth-sweep' | 'rate-sweep' }
>;

/** The session a `session` step started, with its hand (ticked while bench time passes). */
export interface RunningSession {
  readonly handle: SessionHandle;
  readonly hand: SessionHand;
  readonly stopHand: () => void;
}

const sessions = new WeakMap<RunState, RunningSession>();

function targetOf(run: RunState): BenchTarget {
  const target = run.ctx.target;
  if (target === null) throw new BenchSetupError('this bench has no controller');
  return target;
}

/** Runs a controller step; resolves with the record's detail. */
export async function executeControllerStep(run: RunState, step: ControllerStep): Promise<string | undefined> {
  const target = targetOf(run);
  switch (step.do) {
    case 'connect': {
      const device = await run.settle(target.connect(step.timeoutMs), step.timeoutMs, 'connect');
      run.connectedDevice = device;
      run.note('controller-connected', device.description);
      return `${device.sku ?? '?'} pen, serial ${device.serialNumber ?? '?'}, firmware ${device.firmwareVersion ?? '?'}, cartridge ${device.cartridgeId ?? 'none'}`;
    }
    case 'command':
      target.command(step.command);
      run.note('controller-command', step.command);
      return step.command;
    case 'session':
      return startSession(run, target, step);
    case 'await-session':
      return awaitSession(run, step.timeoutMs);
    case 'direct': {
      const answer = await run.settle(target.sendDirect(step.message, step.fields), DIRECT_ANSWER_MS, step.message);
      run.lastDirectAnswer = answer.answer;
      const fields = Object.entries(step.fields).map(([name, value]) => `${name}=${value}`);
      return `${[step.message, ...fields].join(' ')}: ${answer.answer}${answer.appliedValue === null ? '' : ` (applied ${answer.appliedValue})`}`;
    }
    case 'depth-sweep':
      return depthSweep(run, target, step);
    case 'rate-sweep':
      return rateSweep(run, target, step);
  }
}

/** Ends the hand of a session still running (the teardown): the arm is lifted, nothing more is pressed. */
export function stopSessionHand(run: RunState): void {
  const running = sessions.get(run);
  if (running === undefined) return;
  running.stopHand();
  running.hand.lift();
  sessions.delete(run);
}

async function startSession(
  run: RunState,
  target: BenchTarget,
  step: Extract<ScenarioStep, { do: 'session' }>,
): Promise<string | undefined> {
  if (sessions.has(run)) throw new BenchSetupError('a session is running: await-session first');
  const parsed = parsePlan(step.plan);
  if (!parsed.ok) throw new BenchSetupError('the plan does not pass the plan rules');
  const handle = await run.settle(
    target.startSession(sessionRequest(run, parsed.plan, step)),
    SESSION_START_MS,
    'session start',
  );
  const hand = new SessionHand(
    target,
    handle,
    run.ctx.fixtures,
    parsed.plan.areas.map((area) => ({ area: area.area, attempts: step.hand.attemptPasses ?? area.passes })),
    step.hand,
    run.nowMs(),
  );
  const stopHand = run.addTicker((nowMs) => hand.tick(nowMs));
  sessions.set(run, { handle, hand, stopHand });
  run.note('session-started', parsed.plan.areas.map((area) => area.area).join(', '));
  if (!step.waitForEnd) return 'started; the next steps run while it goes on';
  return awaitSession(run, step.timeoutMs);
}

/** The plan with its signed documents: file paths resolved from the scenario's folder, or a credential the bench issues. */
function sessionRequest(run: RunState, plan: Plan, step: Extract<ScenarioStep, { do: 'session' }>): SessionRequest {
  const { credential } = step;
  if (typeof credential === 'object') {
    const { maxDepthMm, pens, expired } = credential.issue;
    return {
      plan,
      issueCredential: { pens, expired, ...(maxDepthMm === undefined ? {} : { maxDepthUm: depthMmToUm(maxDepthMm) }) },
    };
  }
  const files = documentFiles(step);
  if (files.length === 0) return { plan };
  const base = run.scenarioFile === null ? process.cwd() : dirname(run.scenarioFile);
  const documents: Record<string, string> = {};
  for (const { field, path } of files) documents[`${field}Path`] = resolve(base, path);
  return { plan, documents };
}

/** The session step's record detail: outcome, passes, reasons, and the unlock when one was granted. */
function endDetail(end: SessionEnd): string {
  const passes = Object.entries(end.passesByArea).map(([area, n]) => `${area} ${n}`);
  const unlock =
    end.unlock === null
      ? ''
      : `; unlocked by ${end.unlock.clinicianName} (${end.unlock.clinicianId}), credential ${end.unlock.credentialId} of ${end.unlock.keyName}, up to ${end.unlock.maxDepthUm} um`;
  return `${end.outcome}; passes: ${passes.join(', ') || 'none'}${end.reasons.length === 0 ? '' : `; reasons: ${end.reasons.join(', ')}`}${unlock}`;
}

async function awaitSession(run: RunState, timeoutMs: number): Promise<string> {
  const running = sessions.get(run);
  if (running === undefined)
    throw new BenchSetupError('no session is running (a session step with waitForEnd: false first)');
  const { handle, hand } = running;
  const held = await run.pass(() => handle.end !== null && hand.isDone, timeoutMs);
  if (!held) throw new BenchTimeoutError(`the session did not end within ${timeoutMs} ms`);
  stopSessionHand(run);
  const end = handle.end!;
  if (end.unlock !== null)
    run.note(
      'pro-unlocked',
      `${end.unlock.clinicianId}, credential ${end.unlock.credentialId}, ${end.unlock.maxDepthUm} um`,
    );
  if (end.refusals.length > 0) run.note('session-refused', end.refusals.join(', '));
  run.note('session-ended', end.outcome);
  return endDetail(end);
}

/** A direct command that must be ACKed (a sweep's set-up), else the sweep is a bench ERROR. */
async function directOk(run: RunState, target: BenchTarget, message: string, fields: Record<string, number> = {}) {
  const answer = await run.settle(target.sendDirect(message, fields), DIRECT_ANSWER_MS, message);
  if (!answer.answer.startsWith('ACK')) throw new Error(`${message}: the pen answered ${answer.answer}`);
  return answer;
}

async function meanOf(run: RunState, read: () => number | null, samples: number, everyMs: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < samples; i++) {
    if (i > 0) await run.wait(everyMs);
    const value = read();
    if (value === null) throw new Error('the instrument gives no reading');
    sum += value;
  }
  return sum / samples;
}

/**
 * Depth accuracy: arms the drive on the bench's own link (its heartbeat holds the lease), commands
 * every step from 0 to `toUm` (default the SKU maximum) with SET_DEPTH, lets it settle and
 * averages the gauge; then disarms. Each point's error is gauge minus the depth the pen applied.
 */
async function depthSweep(
  run: RunState,
  target: BenchTarget,
  step: Extract<ScenarioStep, { do: 'depth-sweep' }>,
): Promise<string> {
  const toUm = step.toUm ?? run.ctx.depthCapUm;
  const points: SweepPoint[] = [];
  await directOk(run, target, 'SET_DEPTH', { depthUm: 0 });
  await directOk(run, target, 'ARM');
  try {
    for (let depthUm = 0; depthUm <= toUm; depthUm += step.stepUm) {
      const { appliedValue } = await directOk(run, target, 'SET_DEPTH', { depthUm });
      const commanded = appliedValue ?? depthUm;
      await run.wait(step.settleMs);
      const measured = await meanOf(run, () => run.ctx.fixtures.gaugeDepthUm, step.samples, step.everyMs);
      points.push({ commanded, measured, error: measured - commanded });
    }
  } finally {
    target.command('stop');
  }
  run.depthSweep = points;
  run.note('depth-sweep', `${points.length} depths`);
  return points.map((p) => `${p.commanded} um: ${p.measured.toFixed(1)}`).join(', ');
}

/**
 * Stroke-rate accuracy: arms the drive (depth 0: the needles stay retracted) and commands every
 * rate from `fromHz` to `toHz` with SET_SPEED; after `settleMs` averages the instrument (the pen's
 * telemetry, or the simulated drive's true rate). Error: measured minus commanded.
 */
async function rateSweep(
  run: RunState,
  target: BenchTarget,
  step: Extract<ScenarioStep, { do: 'rate-sweep' }>,
): Promise<string> {
  const read = (): number | null => {
    const value = run.read(step.instrument);
    return typeof value === 'number' ? value : null;
  };
  const points: SweepPoint[] = [];
  await directOk(run, target, 'SET_DEPTH', { depthUm: 0 });
  await directOk(run, target, 'SET_SPEED', { strokeHz: step.fromHz });
  await directOk(run, target, 'ARM');
  try {
    for (let hz = step.fromHz; hz <= step.toHz; hz += step.stepHz) {
      const { appliedValue } = await directOk(run, target, 'SET_SPEED', { strokeHz: hz });
      const commanded = appliedValue ?? hz;
      await run.wait(step.settleMs);
      const measured = await meanOf(run, read, step.samples, step.everyMs);
      points.push({ commanded, measured, error: measured - commanded });
    }
  } finally {
    target.command('stop');
  }
  run.rateSweep = points;
  run.note('rate-sweep', `${points.length} rates`);
  return points.map((p) => `${p.commanded} Hz: ${p.measured.toFixed(1)}`).join(', ');
}
