// The records around one CLI session: client and screening, the treatment rules, begin or resume the session record.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReasonEntry } from '../machine/events.js';
import type { AreaId, Plan } from '../policy/index.js';
import { demoClient, parseScreening, type Screening } from '../policy/screening.js';
import { checkSessionAllowed, estimateSessionDurationS } from '../policy/session-rules.js';
import { DEFAULT_TREATMENT_CONFIG } from '../policy/treatment-config.js';
import type { Payload } from '../protocol/index.js';
import { openStore, resolveDataDir, StoreError, type Store } from '../store/index.js';
import { StoreRecorder } from '../wiring/store-recorder.js';
import type { SessionSummary } from '../wiring/summary.js';
import { UsageError } from './command.js';

export interface RecordsOptions {
  readonly dbPath: string | undefined;
  readonly clientId: string | undefined;
  readonly screeningPath: string | undefined;
  readonly patchTest: boolean;
  /** The simulated pen may use the demo client. */
  readonly allowDemoClient: boolean;
  /** Wall-clock source for records and rules, ms since epoch. */
  readonly nowMs: () => number;
}

export interface SessionRecords {
  readonly store: Store;
  readonly clientId: string;
  readonly recorder: StoreRecorder;
  /** Passes already opened in an interrupted session of this client that this run resumes. */
  readonly priorPassesByArea: Record<string, number>;
  /** After the handshake: the rules with the pen's cartridge and battery; empty means the session record is open. */
  beforeStart(info: Payload<'INFO'>): ReasonEntry[];
  /** Records the areas and the outcome. */
  finish(summary: SessionSummary): void;
  close(): void;
}

/** Opens the database (StoreError -> UsageError, exit 2: the file is left untouched). */
export function openRecordsStore(dbPath: string | undefined, nowMs: () => number): Store {
  const path = dbPath ?? join(resolveDataDir(process.env), 'mnpen.db');
  try {
    return openStore(path, { nowMs });
  } catch (error) {
    if (error instanceof StoreError) throw new UsageError(`database ${path}: ${error.message} (file left untouched)`);
    throw error;
  }
}

function readScreening(path: string): Screening {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--screening ${path}: cannot read it as JSON (${(error as Error).message})`);
  }
  const result = parseScreening(json);
  if (!result.ok) {
    throw new UsageError(
      `--screening ${path}: refused:\n  ${result.errors.map((error) => `${error.field}: ${error.message}`).join('\n  ')}`,
    );
  }
  return result.screening;
}

/** Resolves the client and screening, and prepares the session record. Throws UsageError for bad input. */
export function prepareSessionRecords(plan: Plan, options: RecordsOptions): SessionRecords {
  const store = openRecordsStore(options.dbPath, options.nowMs);
  try {
    return prepare(store, plan, options);
  } catch (error) {
    store.close();
    throw error;
  }
}

function prepare(store: Store, plan: Plan, options: RecordsOptions): SessionRecords {
  if (options.clientId === undefined && !options.allowDemoClient) {
    throw new UsageError('--client ID is required for a session on a real pen');
  }
  const demo = demoClient(options.nowMs());
  // NOTE: a fresh demo client per run, so `npm start` is never refused by the interval rule of an earlier demo.
  const clientId = options.clientId ?? `${demo.clientId}-${options.nowMs().toString(36)}`;
  if (options.clientId === undefined) {
    store.upsertClient({ clientId, birthYear: demo.birthYear, screening: demo.screening });
    if (store.latestPatchTest(clientId) === null) store.recordPatchTest(clientId, demo.patchTestDoneAtMs, 'jawline');
  } else if (options.screeningPath !== undefined) {
    const screening = readScreening(options.screeningPath);
    store.upsertClient({ clientId, birthYear: screening.birthYear, screening });
  }
  const client = store.getClient(clientId);
  if (client === null || client.screening === null) {
    throw new UsageError(`--screening FILE is required: client ${clientId} has no screening answers on record`);
  }
  const resumable = store.findResumableSession(clientId);
  const resuming = resumable !== null && resumable.mode === plan.mode && resumable.isPatchTest === options.patchTest;
  const priorPassesByArea = resuming ? { ...resumable.openedPassesByArea } : {};
  const recorder = new StoreRecorder(store, clientId);

  return {
    store,
    clientId,
    recorder,
    priorPassesByArea,
    beforeStart(info) {
      const cartridgeId = info.cartridgeId === 0 ? null : info.cartridgeId;
      const ownCartridge = resuming && resumable.cartridgeId === cartridgeId;
      const decision = checkSessionAllowed({
        mode: plan.mode,
        nowMs: options.nowMs(),
        client: { birthYear: client.birthYear, screening: client.screening },
        areas: plan.areas.map((area) => area.area),
        lastSessionByArea: store.lastSessionByArea(clientId, resuming ? { excludeSessionId: resumable.sessionId } : {}),
        patchTest: store.latestPatchTest(clientId),
        isPatchTestSession: options.patchTest,
        cartridgeId,
        cartridgeSeenBefore: cartridgeId !== null && !ownCartridge && store.isCartridgeSeen(cartridgeId),
        batteryPercent: info.batteryPercent,
        plannedDurationS: estimateSessionDurationS(plan.areas, DEFAULT_TREATMENT_CONFIG),
        config: DEFAULT_TREATMENT_CONFIG,
      });
      if (!decision.allowed) {
        for (const refusal of decision.refusals) store.recordRefusal({ ...refusal, clientId: clientId });
        return decision.refusals.map((refusal): ReasonEntry =>
          refusal.area === undefined
            ? { reason: refusal.reason, detail: refusal.detail }
            : { reason: refusal.reason, detail: refusal.detail, area: refusal.area as AreaId },
        );
      }
      recorder.sessionId = resuming
        ? resumable.sessionId
        : store.beginSession({
            clientId: clientId,
            mode: plan.mode,
            isPatchTest: options.patchTest,
            cartridgeId,
            areas: plan.areas.map((area) => ({
              area: area.area,
              depthUm: area.depthUm,
              strokeHz: area.strokeHz,
              passLimit: area.passes,
            })),
            plan,
          });
      store.audit(resuming ? 'sessionResumed' : 'sessionBegun', { priorPassesByArea }, recorder.sessionId);
      return [];
    },
    finish(summary) {
      const sessionId = recorder.sessionId;
      if (sessionId === null) return;
      for (const area of summary.areas) {
        store.finishArea(sessionId, area.area, {
          passes: area.passes,
          strokes: area.strokes,
          punctures: area.punctures,
          maxMeasuredDepthUm: area.maxMeasuredDepthUm,
          lockReason: area.lockReason,
        });
      }
      store.endSession(sessionId, summary.outcome);
    },
    close: () => store.close(),
  };
}
