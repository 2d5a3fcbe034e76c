// The treatment rules a simulated station applies to its admission facts (a home session, full battery, 60 s planned): one place for the store children and the fleet benchmark.
import type { AdmissionFacts } from '../../src/machine/index.js';
import {
  checkSessionAllowed,
  DEFAULT_TREATMENT_CONFIG,
  type AreaId,
  type SessionDecision,
} from '../../src/policy/index.js';

/** The rules' decision for a home session on `areas` with `cartridgeId`, from the records' facts. */
export function stationAdmission(
  facts: AdmissionFacts,
  areas: readonly AreaId[],
  cartridgeId: number,
): SessionDecision {
  return checkSessionAllowed({
    mode: 'home',
    nowMs: facts.nowMs,
    client: facts.client ?? { birthYear: Number.NaN, screening: null },
    areas: [...areas],
    lastSessionByArea: facts.lastSessionByArea,
    patchTest: facts.patchTest,
    isPatchTestSession: false,
    cartridgeId,
    cartridgeSeenBefore: facts.cartridgeSeenBefore,
    batteryPercent: 100,
    plannedDurationS: 60,
    config: DEFAULT_TREATMENT_CONFIG,
  });
}
