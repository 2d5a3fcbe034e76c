// One session asked for by a front end (the CLI, the desktop page, the bench): inputs checked, the pen and records chosen, the runner run.
import { PenSimulation, type PenSimulationOptions } from '../../sim/index.js';
import type { ControllerInput } from '../machine/index.js';
import { DEFAULT_TREATMENT_CONFIG, aftercareLines, checkPatchTestPlan, parsePlan, type Plan } from '../policy/index.js';
import { Sku } from '../protocol/index.js';
import { runPortSession } from './port-session.js';
import { RequestError } from './request-error.js';
import { openSessionRecords } from './session-records.js';
import { loadSessionTrust, type SessionTrustFiles } from './session-trust.js';
import type { SessionResult, SessionRunner } from './session-runner.js';
import type { SimulationPace } from '../../sim/pace.js';
import { runSimulatedSession, type SimulatedOperator } from './sim-session.js';
import { treatedSkin, type SessionSummary } from './summary.js';

/** Needles on the simulated pen's cartridge. */
export const DEMO_NEEDLE_COUNT = 12;

/**
 * How a front end that watches and drives the simulated pen itself (the desktop page) joins a run;
 * everything else about the request is as the CLI's.
 */
export interface SimulatedDrive {
  /** Builds the simulated pen from the request's options (the desk adds its clock and watches the firmware). */
  readonly createSimulation?: (options: PenSimulationOptions) => PenSimulation;
  /** Who operates: default the scripted hand (the request's seed and attempt passes). */
  readonly operator?: SimulatedOperator;
  /** Virtual time against real time; default as fast as possible. */
  readonly pace?: SimulationPace;
  /** Called with the runner and the simulation before the session starts. */
  readonly attach?: (runner: SessionRunner, simulation: PenSimulation) => void;
}

/** The pen a request runs on: the simulated one (virtual time, scripted hand) or one at a serial port. */
export type RequestedPen =
  | {
      readonly kind: 'sim';
      readonly seed: number;
      readonly cartridgeId?: number;
      readonly batteryPercent?: number;
      /** Wall-clock start of the simulated session, ms since epoch (default now). */
      readonly atMs?: number;
      /** Pass attempts per area by the scripted hand (default: the plan's). */
      readonly attemptPasses?: number;
      readonly drive?: SimulatedDrive;
    }
  | { readonly kind: 'port'; readonly path: string };

export interface SessionRequest {
  /** The plan as parsed JSON, and where it came from (named in messages). */
  readonly plan: { readonly json: unknown; readonly source: string };
  /** Replaces the plan's mode before it is checked. */
  readonly modeOverride?: 'home' | 'pro';
  readonly patchTest: boolean;
  readonly pen: RequestedPen;
  readonly dbPath?: string;
  readonly clientId?: string;
  readonly screening?: { readonly json: unknown; readonly source: string };
  /** Signed documents: the clinician credential (professional mode), the clinic profile, the trust file, the revocation list. */
  readonly trust?: SessionTrustFiles;
  /** Progress lines for the operator (a real pen's areas). */
  readonly onProgress?: (line: string) => void;
}

/** The end of a requested session: the machine's summary (with aftercare when skin was treated) and the records' state. */
export interface SessionReport extends SessionResult {
  readonly summary: SessionSummary;
  /** The database the session was recorded in (the demo one for a demo client). */
  readonly recordsPath: string;
}

/** A cartridge id for a simulated session: new for every client, seed and start time; never 0. */
export function freshCartridgeId(clientId: string, seed: number, startedAtMs: number): number {
  let hash = Math.imul((startedAtMs % 0x7fffffff) ^ Math.imul(seed, 0x9e3779b1), 0x85ebca6b);
  for (let i = 0; i < clientId.length; i++) hash = Math.imul(hash ^ clientId.charCodeAt(i), 0x01000193);
  const id = hash >>> 0;
  return id === 0 ? 1 : id;
}

/**
 * Checks the plan (every problem named with its field, S4) and, for a patch test, that it is one.
 * Throws RequestError: nothing was sent to the pen.
 */
export function checkedPlan(request: Pick<SessionRequest, 'plan' | 'modeOverride' | 'patchTest'>): Plan {
  let json = request.plan.json;
  if (request.modeOverride !== undefined && typeof json === 'object' && json !== null && !Array.isArray(json)) {
    json = { ...json, mode: request.modeOverride };
  }
  const result = parsePlan(json);
  if (!result.ok) {
    const lines = result.errors.map(
      (error) => `${request.plan.source}: ${error.field}: ${error.message} [${error.reason}]`,
    );
    throw new RequestError(`invalid plan (nothing was sent to the pen):\n  ${lines.join('\n  ')}`);
  }
  if (request.patchTest) {
    const problems = checkPatchTestPlan(result.plan, DEFAULT_TREATMENT_CONFIG);
    if (problems.length > 0) {
      throw new RequestError(
        `--patch-test: the plan is not a patch test:\n  ${problems.map((p) => `[${p.reason}] ${p.detail}`).join('\n  ')}`,
      );
    }
  }
  return result.plan;
}

/** How long after its newest record a simulated session without --at starts, when the records are ahead of the wall clock. */
export const SIM_RESTART_GAP_MS = 1000;

/**
 * Runs one requested session to its end. Throws RequestError for bad input (nothing sent to the
 * pen, nothing recorded) and PortOpenError when the pen's port cannot be opened.
 */
export async function runSessionRequest(request: SessionRequest): Promise<SessionReport> {
  const plan = checkedPlan(request);
  const trust = loadSessionTrust(request.trust ?? {});
  const pen = request.pen;
  let startedAtMs = pen.kind === 'sim' ? (pen.atMs ?? Date.now()) : Date.now();
  let virtualElapsedMs = (): number => 0;
  const records = openSessionRecords({
    dbPath: request.dbPath,
    clientId: request.clientId,
    screening: request.screening,
    simulated: pen.kind === 'sim',
    nowMs: () => (pen.kind === 'sim' ? startedAtMs + virtualElapsedMs() : Date.now()),
  });
  try {
    if (pen.kind === 'sim' && pen.atMs === undefined) {
      // NOTE: a simulated session runs ahead of the wall clock (virtual time); without --at, the simulated
      // world's clock goes on from its records, so a second run is not taken for a clock set back (S9).
      const newestMs = records.store.newestRecordAtMs();
      if (newestMs !== null && newestMs >= startedAtMs) startedAtMs = newestMs + SIM_RESTART_GAP_MS;
    }
    const input: ControllerInput = {
      plan,
      mode: plan.mode,
      areaOrder: pen.kind === 'sim' ? 'operator' : 'plan',
      clientId: records.clientId,
      isPatchTest: request.patchTest,
      ...trust,
    };
    let result: SessionResult;
    if (pen.kind === 'sim') {
      const drive = pen.drive ?? {};
      const simulation = (drive.createSimulation ?? PenSimulation.create)({
        seed: pen.seed,
        sku: plan.mode === 'pro' ? Sku.PRO : Sku.HOME,
        cartridge: {
          id: pen.cartridgeId ?? freshCartridgeId(records.clientId, pen.seed, startedAtMs),
          needleCount: DEMO_NEEDLE_COUNT,
        },
        ...(pen.batteryPercent === undefined ? {} : { batteryPercent: pen.batteryPercent }),
      });
      const baseMs = simulation.clock.nowMs();
      virtualElapsedMs = () => simulation.clock.nowMs() - baseMs;
      const attemptPasses = pen.attemptPasses ?? plan.operator?.attemptPasses;
      result = await runSimulatedSession({
        input,
        simulation,
        records: records.records,
        operator: drive.operator ?? {
          kind: 'scripted',
          seed: pen.seed,
          ...(attemptPasses === undefined ? {} : { attemptPasses }),
        },
        ...(drive.pace === undefined ? {} : { pace: drive.pace }),
        ...(drive.attach === undefined ? {} : { attach: drive.attach }),
      });
    } else {
      result = await runPortSession({
        input,
        path: pen.path,
        records: records.records,
        ...(request.onProgress === undefined ? {} : { onProgress: request.onProgress }),
      });
    }
    const summary = treatedSkin(result.summary) ? { ...result.summary, aftercare: aftercareLines() } : result.summary;
    return { ...result, summary, recordsPath: records.path };
  } finally {
    records.close();
  }
}
