// SessionRecords on the embedded store: claims, admission facts and one transaction per event batch.
import type { AdmissionFacts, ClaimRequest, ControllerEffect, ResumedSession } from '../machine/index.js';
import { RESUME_WINDOW_MS, RuleReason, aftercareLines, type AreaId } from '../policy/index.js';
import { Fault, codeName } from '../protocol/index.js';
import type { ResumableSession, Store } from '../store/index.js';
import type { ClaimOutcome, RecordBatch, SessionRecords } from './records.js';
import { treatedSkin } from './summary.js';

/**
 * Records of one run in a Store. `nowMs` is the wall clock of the records and the rules (the
 * simulated session's clock in simulation). Every batch is one transaction; its audit rows name
 * the event that caused them.
 */
export class StoreSessionRecords implements SessionRecords {
  private readonly openPassIds = new Map<string, number>();
  private ownCartridgeId: number | null = null;
  private clientId = '';

  constructor(
    private readonly store: Store,
    private readonly nowMs: () => number,
  ) {}

  claim(request: ClaimRequest): ClaimOutcome {
    this.clientId = request.clientId;
    if (this.store.getClient(request.clientId) === null) {
      return { ok: false, reason: RuleReason.SCREENING_MISSING, detail: `client ${request.clientId} has no record` };
    }
    const interrupted = this.store.findResumableSession(request.clientId);
    if (interrupted !== null && isResumable(interrupted, request, this.nowMs(), this.store)) {
      this.ownCartridgeId = interrupted.cartridgeId;
      this.store.audit('session.resumed', { request: describe(request) }, interrupted.sessionId);
      return { ok: true, claim: { sessionId: interrupted.sessionId, resumed: resumedFrom(interrupted, this.store) } };
    }
    if (interrupted !== null) this.store.endSession(interrupted.sessionId, 'interrupted');
    const sessionId = this.store.beginSession({
      clientId: request.clientId,
      mode: request.mode,
      isPatchTest: request.isPatchTest,
      cartridgeId: request.cartridgeId,
      areas: request.plan.areas.map((area) => ({
        area: area.area,
        depthUm: area.depthUm,
        strokeHz: area.strokeHz,
        passLimit: area.passes,
      })),
      plan: request.plan,
    });
    this.ownCartridgeId = null;
    return { ok: true, claim: { sessionId, resumed: null } };
  }

  admissionFacts(sessionId: number, cartridgeId: number | null): AdmissionFacts {
    const clientId = this.clientId;
    const client = this.store.getClient(clientId);
    // NOTE: only a resumed session's own cartridge is not a reuse; every other cartridge seen before is.
    const ownCartridge = cartridgeId !== null && this.ownCartridgeId === cartridgeId;
    return {
      nowMs: this.nowMs(),
      client:
        client === null || client.screening === null
          ? null
          : { birthYear: client.birthYear, screening: client.screening },
      lastSessionByArea: this.store.lastSessionByArea(clientId, { excludeSessionId: sessionId }),
      patchTest: this.store.latestPatchTest(clientId),
      cartridgeSeenBefore: cartridgeId !== null && !ownCartridge && this.store.isCartridgeSeen(cartridgeId),
    };
  }

  write(batch: RecordBatch): void {
    const { sessionId } = batch;
    this.store.batch(batch.cause.eventId, () => {
      if (batch.cause.type !== 'TELEMETRY' || batch.effects.length > 0) {
        this.store.audit(
          'event',
          { type: batch.cause.type, eventId: batch.cause.eventId, event: batch.cause.detail },
          sessionId,
        );
      }
      for (const effect of batch.effects) this.apply(effect, batch);
    });
  }

  private apply(effect: ControllerEffect, batch: RecordBatch): void {
    const { sessionId } = batch;
    switch (effect.type) {
      case 'reservePass': {
        if (sessionId === null) throw new Error('reservePass before the session record exists');
        // NOTE: inside this batch's commit: the pass counts before the needles may run on it (S5, S16).
        const opened = this.store.openPass(sessionId, effect.area);
        this.openPassIds.set(passKey(effect.area, opened.passNumber), opened.passId);
        return;
      }
      case 'recordPassStarted': {
        const passId = this.openPassIds.get(passKey(effect.area, effect.passNumber));
        if (passId !== undefined) this.store.markPassContact(passId);
        return;
      }
      case 'recordPassEnded': {
        const key = passKey(effect.area, effect.passNumber);
        const passId = this.openPassIds.get(key);
        if (passId === undefined) return;
        this.store.closePass(passId, { strokes: effect.strokes, punctures: effect.punctures });
        this.openPassIds.delete(key);
        return;
      }
      case 'recordRefusal':
        this.store.recordRefusal({ ...effect, sessionId, clientId: this.clientId || null });
        return;
      case 'recordFault': {
        const code = effect.code === Fault.NONE ? effect.reason : codeName(Fault, effect.code);
        this.store.recordFault(sessionId, { code, detail: `${effect.reason}: ${effect.detail}` });
        return;
      }
      case 'recordSessionEnded':
        return this.endSession(batch, effect.outcome);
      default: {
        const { type, ...detail } = effect;
        this.store.audit(type, detail, sessionId);
      }
    }
  }

  private endSession(batch: RecordBatch, outcome: NonNullable<RecordBatch['summary']>['outcome']): void {
    const { sessionId, summary } = batch;
    if (sessionId === null) {
      this.store.audit('sessionEnded', { outcome, reason: summary?.outcomeReason ?? null }, null);
      return;
    }
    for (const area of summary?.areas ?? []) {
      this.store.finishArea(sessionId, area.area, {
        passes: area.passes,
        strokes: area.strokes,
        punctures: area.punctures,
        maxMeasuredDepthUm: area.maxMeasuredDepthUm,
        lockReason: area.lockReason,
      });
    }
    this.store.audit('sessionEnded', { outcome, reason: summary?.outcomeReason ?? null }, sessionId);
    // NOTE: aftercare is shown after every session that treated skin, aborted or faulted ones too; the record says so.
    if (summary !== undefined && treatedSkin(summary))
      this.store.audit('aftercare', { lines: aftercareLines() }, sessionId);
    this.store.endSession(sessionId, outcome);
  }
}

function passKey(area: string, passNumber: number): string {
  return `${area}#${passNumber}`;
}

function describe(request: ClaimRequest): unknown {
  const { plan: _plan, ...rest } = request;
  return rest;
}

/** Time of the interrupted session's last record: its start or its latest pass, ms since epoch. */
function lastActivityMs(session: ResumableSession, store: Store): number {
  let latest = session.startedAtMs;
  for (const pass of store.passes(session.sessionId)) {
    latest = Math.max(latest, pass.openedAtMs, pass.contactAtMs ?? 0, pass.endedAtMs ?? 0);
  }
  return latest;
}

/**
 * A resume continues the interrupted session: same client, mode, kind, areas and cartridge, and
 * within RESUME_WINDOW_MS of its last record. Anything else is a new session under every rule.
 * NOTE: a new cartridge cannot continue a session: the session belongs to its cartridge (domain.md).
 */
function isResumable(session: ResumableSession, request: ClaimRequest, nowMs: number, store: Store): boolean {
  if (session.mode !== request.mode || session.isPatchTest !== request.isPatchTest) return false;
  if (session.cartridgeId !== request.cartridgeId) return false;
  const planned = session.areas.map((area) => area.area).sort();
  const requested = request.plan.areas.map((area) => area.area).sort();
  if (planned.length !== requested.length || planned.some((area, index) => area !== requested[index])) return false;
  const idleMs = nowMs - lastActivityMs(session, store);
  return idleMs >= 0 && idleMs <= RESUME_WINDOW_MS;
}

function resumedFrom(session: ResumableSession, store: Store): ResumedSession {
  const usedByArea: Partial<Record<AreaId, { punctures: number; contactMs: number }>> = {};
  for (const pass of store.passes(session.sessionId)) {
    const used = (usedByArea[pass.area as AreaId] ??= { punctures: 0, contactMs: 0 });
    used.punctures += pass.punctures ?? 0;
    if (pass.contactAtMs !== null)
      used.contactMs += Math.max(0, (pass.endedAtMs ?? pass.contactAtMs) - pass.contactAtMs);
  }
  return {
    sessionId: session.sessionId,
    openedPassesByArea: session.openedPassesByArea as Partial<Record<AreaId, number>>,
    usedByArea,
  };
}
