// Admission (S19) as the machine decides it: the treatment rules over the records' facts and the pen's INFO.
import {
  RuleReason,
  checkSessionAllowed,
  estimateSessionDurationS,
  type Refusal,
  type SessionDecision,
} from '../policy/index.js';
import type { ControllerContext } from './context.js';
import type { AdmissionFacts } from './events.js';

/**
 * Every reason the session must be refused, from the facts the records gave (read after this
 * session's claim) and what the pen reported (cartridge, battery). Pure; never throws.
 */
export function admissionDecision(context: ControllerContext, facts: AdmissionFacts): SessionDecision {
  const { settings, pen } = context;
  if (facts.client === null) {
    const refusal: Refusal = {
      reason: RuleReason.SCREENING_MISSING,
      detail: `client ${settings.clientId} has no screening answers on record`,
    };
    return { allowed: false, refusals: [refusal] };
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
  });
}
