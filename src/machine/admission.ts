// Admission (S9, S19) as the machine decides it: the clock against the records, the professional unlock, the treatment rules.
import {
  PolicyReason,
  checkSessionAllowed,
  clockBehindRecordsRefusal,
  decideUnlock,
  estimateSessionDurationS,
  RuleReason,
  type AreaId,
  type CredentialDecision,
  type TrustRefusal,
} from '../policy/index.js';
import type { ControllerContext } from './context.js';
import type { AdmissionFacts, ReasonEntry } from './events.js';

/** May the session start: every reason it may not, in the order they are recorded. */
export interface AdmissionDecision {
  readonly allowed: boolean;
  readonly refusals: readonly ReasonEntry[];
}

const asRefusal = (refusal: TrustRefusal): ReasonEntry => ({
  reason: refusal.reason,
  detail: refusal.field === undefined ? refusal.detail : `${refusal.field}: ${refusal.detail}`,
});

/**
 * The professional unlock on the records' clock and the pen's INFO (S9): `decideUnlock` over the
 * presented credential; null for a home session. Without a credential: PRO_CREDENTIAL_MISSING.
 */
export function unlockDecision(context: ControllerContext, facts: AdmissionFacts): CredentialDecision | null {
  if (context.mode !== 'pro') return null;
  const { credential } = context.settings;
  if (credential === null) {
    const refusal = { reason: PolicyReason.PRO_CREDENTIAL_MISSING, detail: 'no professional credential presented' };
    return { ok: false, refusals: [refusal] };
  }
  return decideUnlock({
    token: credential.token,
    revocations: credential.revocations,
    nowMs: facts.nowMs,
    newestRecordAtMs: facts.newestRecordAtMs,
    pen: { serialNumber: context.pen?.serialNumber ?? 0, sku: context.pen?.sku ?? 0 },
  });
}

/**
 * Every reason the session must be refused, from the facts the records gave (read after this
 * session's claim) and what the pen reported (cartridge, battery, serial number): a wall clock
 * behind the records first (CLOCK_BEHIND_RECORDS), then the unlock's refusals, then the
 * treatment rules'. Pure; never throws.
 */
export function admissionDecision(context: ControllerContext, facts: AdmissionFacts): AdmissionDecision {
  const refusals: ReasonEntry[] = [];
  const clock = clockBehindRecordsRefusal(facts.nowMs, facts.newestRecordAtMs);
  if (clock !== null) refusals.push(asRefusal(clock));
  const unlock = unlockDecision(context, facts);
  if (unlock !== null && !unlock.ok) {
    for (const refusal of unlock.refusals) {
      if (refusal.reason !== PolicyReason.CLOCK_BEHIND_RECORDS) refusals.push(asRefusal(refusal));
    }
  }
  refusals.push(...ruleRefusals(context, facts));
  return { allowed: refusals.length === 0, refusals };
}

function ruleRefusals(context: ControllerContext, facts: AdmissionFacts): readonly ReasonEntry[] {
  const { settings, pen } = context;
  if (facts.client === null) {
    return [
      {
        reason: RuleReason.SCREENING_MISSING,
        detail: `client ${settings.clientId} has no screening answers on record`,
      },
    ];
  }
  const cartridgeId = pen === null || pen.cartridgeId === 0 ? null : pen.cartridgeId;
  return checkSessionAllowed({
    mode: context.mode,
    nowMs: facts.nowMs,
    client: facts.client,
    areas: settings.plan.areas.map((area) => area.area),
    lastSessionByArea: facts.lastSessionByArea,
    patchTest: facts.patchTest,
    isPatchTestSession: settings.isPatchTest,
    cartridgeId,
    cartridgeSeenBefore: facts.cartridgeSeenBefore,
    batteryPercent: pen?.batteryPercent ?? Number.NaN,
    plannedDurationS: estimateSessionDurationS(settings.plan.areas, settings.config),
    config: settings.config,
  }).refusals.map((refusal) =>
    refusal.area === undefined
      ? { reason: refusal.reason, detail: refusal.detail }
      : { reason: refusal.reason, detail: refusal.detail, area: refusal.area as AreaId },
  );
}
