// SessionRecords on the embedded store: claims, admission facts and one transaction per event batch.
import type { AdmissionFacts, ClaimRequest, ControllerEffect, ResumedSession } from '../machine/index.js';
import { PolicyReason, RESUME_WINDOW_MS, RuleReason, aftercareLines, type AreaId } from '../policy/index.js';
import { Fault, codeName } from '../protocol/index.js';
import { StoreError, type ResumableSession, type Store } from '../store/index.js';
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
  private newestBeforeClaimMs: number | null = null;

  constructor(
    private readonly store: Store,
    private readonly nowMs: () => number,
  ) {}

  claim(request: ClaimRequest): ClaimOutcome {
    this.clientId = request.clientId;
    if (this.store.getClient(request.clientId) === null) {
      return { ok: false, reason: RuleReason.SCREENING_MISSING, detail: `client ${request.clientId} has no record` };
    }
    // NOTE: read before this run writes anything: the clock is judged against the records as they were (S9).
    this.newestBeforeClaimMs = this.store.newestRecordAtMs();
    try {
      // NOTE: S19: one session per client at a time; the claim is durable before the rules read anything.
      this.store.claimClient(request.clientId);
    } catch (error) {
      if (error instanceof StoreError && error.code === 'CLIENT_IN_SESSION') {
        return { ok: false, reason: PolicyReason.CLIENT_IN_SESSION, detail: error.message };
      }
      throw error;
    }
    const interrupted = this.store.findResumableSession(request.clientId);
    if (interrupted !== null && isResumable(interrupted, request, this.nowMs())) {
      this.ownCartridgeId = interrupted.cartridgeId;
      this.store.resumeSession(interrupted.sessionId, { cartridgeId: request.cartridgeId });
      return { ok: true, claim: { sessionId: interrupted.sessionId, resumed: resumedFrom(interrupted) } };
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
      // NOTE: patch tests count as treatments of their area (flagged): the interval rule decides what they bar.
      lastSessionByArea: this.store.lastTreatmentsByArea(clientId, { excludeSessionId: sessionId }),
      patchTest: this.store.latestPatchTest(clientId),
      cartridgeSeenBefore: cartridgeId !== null && !ownCartridge && this.store.isCartridgeSeen(cartridgeId),
      newestRecordAtMs: this.newestBeforeClaimMs,
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
        this.store.closePass(passId, {
          strokes: effect.strokes,
          punctures: effect.punctures,
          contactMs: effect.contactMs,
        });
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

/**
 * A resume continues the interrupted session: same client, mode, kind, areas and cartridge, and
 * within RESUME_WINDOW_MS of its last record. Anything else is a new session under every rule.
 * NOTE: a new cartridge cannot continue a session: the session belongs to its cartridge (domain.md).
 */
function isResumable(session: ResumableSession, request: ClaimRequest, nowMs: number): boolean {
  if (session.mode !== request.mode || session.isPatchTest !== request.isPatchTest) return false;
  if (session.currentCartridgeId !== request.cartridgeId) return false;
  const planned = session.areas.map((area) => area.area).sort();
  const requested = request.plan.areas.map((area) => area.area).sort();
  if (planned.length !== requested.length || planned.some((area, index) => area !== requested[index])) return false;
  const idleMs = nowMs - session.lastRecordAtMs;
  return idleMs >= 0 && idleMs <= RESUME_WINDOW_MS;
}

/** What the machine takes from a resumed session: opened passes (S5) and the budgets used (S6). */
function resumedFrom(session: ResumableSession): ResumedSession {
  const usedByArea: Partial<Record<AreaId, { punctures: number; contactMs: number }>> = {};
  for (const [area, used] of Object.entries(session.usage.byArea)) {
    usedByArea[area as AreaId] = { punctures: used.punctures, contactMs: used.contactMs };
  }
  return {
    sessionId: session.sessionId,
    openedPassesByArea: session.openedPassesByArea as Partial<Record<AreaId, number>>,
    usedByArea,
  };
}
