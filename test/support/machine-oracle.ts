// Model-based testing oracle: the safety invariants and effect rules judged on each step, independently of the machine's policy.
import { HOME_CAP_UM, areaCapUm, modeCapUm } from '../../src/policy/index.js';
import {
  type ControllerContext,
  type ControllerEffect,
  type ControllerEvent,
  type ControllerInput,
  type ResumedSession,
} from '../../src/machine/index.js';
import { FACTS_NOW_MS } from './machine-harness.js';
import { isLatched, type ControllerSnapshot } from './machine-model.js';

/** The professional depth boundary: anything deeper needs an accepted credential (S9). */
export const HOME_DEPTH_LIMIT_UM = HOME_CAP_UM;

/**
 * S9, judged here independently of the machine's policy: the input carries a credential that
 * unlocks professional depth on the model's pen (serial 1001) at the model's clock: verified,
 * signed by a maker naming its own key, valid at FACTS_NOW_MS, bound to no pen or to 1001, not
 * revoked (no list), with every claim the schema requires.
 */
export function isCredentialAccepted(input: ControllerInput): boolean {
  const credential = input.credential;
  if (input.mode !== 'pro' || credential === undefined || !credential.token.ok) return false;
  if (credential.revocations !== null) return false;
  const { signer, payload } = credential.token;
  const p = payload as Record<string, unknown>;
  const nowS = FACTS_NOW_MS / 1000;
  const pens = p.pens as number[] | undefined;
  return (
    signer.keyRoles.includes('maker') &&
    p.iss === signer.keyId &&
    ['sub', 'jti', 'name', 'license'].every((claim) => typeof p[claim] === 'string' && p[claim] !== '') &&
    typeof p.nbf === 'number' &&
    typeof p.exp === 'number' &&
    p.nbf <= nowS &&
    nowS < p.exp &&
    (pens === undefined || pens.includes(1001))
  );
}

/** The credential's depth limit (um) as its claims say, or the professional maximum. */
function credentialMaxUm(input: ControllerInput): number {
  const token = input.credential?.token;
  const claim = token?.ok === true ? (token.payload as { maxDepthUm?: unknown }).maxDepthUm : undefined;
  return typeof claim === 'number' ? claim : Infinity;
}

/** The clinic profile document's cap on `area` (um), when a verified profile names one. */
function profileCapOf(input: ControllerInput, area: string): number | undefined {
  const token = input.profile?.token;
  if (token?.ok !== true) return undefined;
  const document = (token.payload as { profile?: { areaCapsUm?: Record<string, number> } }).profile;
  return document?.areaCapsUm?.[area];
}

/** Highest depth the context may command now, recomputed from policy (S1, S2, S9). */
function depthBoundUm(input: ControllerInput, c: ControllerContext): number {
  let bound = modeCapUm(c.mode, c.unlock !== null);
  if (c.pen !== null) bound = Math.min(bound, c.pen.maxDepthUm);
  if (!isCredentialAccepted(input)) bound = Math.min(bound, HOME_DEPTH_LIMIT_UM);
  else bound = Math.min(bound, credentialMaxUm(input));
  const current = c.areas.find((a) => a.area === c.currentArea);
  if (current !== undefined) {
    bound = Math.min(bound, areaCapUm(c.mode, current.area), current.planDepthUm, current.capUm);
    const profileUm = profileCapOf(input, current.area);
    if (profileUm !== undefined) bound = Math.min(bound, profileUm);
  }
  return bound;
}

interface Usage {
  readonly punctures: number;
  readonly contactMs: number;
}

function usageOf(context: ControllerContext): Usage {
  let punctures = 0;
  let contactMs = 0;
  for (const area of context.areas) {
    punctures += area.punctures;
    contactMs += area.contactMs;
  }
  return { punctures, contactMs };
}

/** S6: exposure added although a budget was already reached before the step. */
function isExposureGrown(before: Usage, after: Usage, puncturesBudget: number, contactMsBudget: number): boolean {
  const reached = before.punctures >= puncturesBudget || before.contactMs >= contactMsBudget;
  return reached && (after.punctures > before.punctures || after.contactMs > before.contactMs);
}

/**
 * Invariants of one step, over the contexts before and after it: S1 commanded depth within every
 * cap, S9 no professional depth or unlock without an accepted credential, S5 passes within the
 * limit and reserved, no more confirmed than asked for, counters that only grow, an area at its limit locked, S6 no exposure added
 * to an area or a session once its budget is reached, S13 no way out of fault or emergencyStop, one
 * outcome that never changes.
 */
export function checkInvariants(
  input: ControllerInput,
  previous: ControllerSnapshot,
  next: ControllerSnapshot,
  event: ControllerEvent,
): string[] {
  const violations: string[] = [];
  const c = next.context;
  const boundUm = depthBoundUm(input, c);
  if (c.commandedDepthUm > boundUm) violations.push(`S1: commanded ${c.commandedDepthUm} um > cap ${boundUm} um`);
  if (c.unlock !== null && !isCredentialAccepted(input)) violations.push('S9: unlocked without an accepted credential');
  if (
    c.unlock !== null &&
    previous.context.unlock === null &&
    event.type === 'ADMISSION_FACTS' &&
    event.facts.newestRecordAtMs !== null &&
    event.facts.nowMs < event.facts.newestRecordAtMs
  ) {
    violations.push('S9: unlocked with the wall clock behind the records');
  }
  const budgets = c.settings.budgets;
  c.areas.forEach((area, index) => {
    const before = previous.context.areas[index];
    if (area.passes > area.passLimit) violations.push(`S5: ${area.area} passes ${area.passes} > ${area.passLimit}`);
    if (area.passesOpened > area.passLimit) violations.push(`S5: ${area.area} opened ${area.passesOpened} > limit`);
    if (area.passes > area.passesOpened) violations.push(`S5: ${area.area} pass with contact not reserved`);
    if (area.passesReserved > area.passesOpened) violations.push(`S5: ${area.area} confirmed more than asked for`);
    if (
      before !== undefined &&
      (area.passes < before.passes ||
        area.passesOpened < before.passesOpened ||
        area.passesReserved < before.passesReserved)
    ) {
      violations.push(`S5: ${area.area} count decreased`);
    }
    if (c.outcome === null && !area.locked && area.passes >= area.passLimit && !area.counter.passOpen) {
      violations.push(`S5: ${area.area} at its limit but not locked`);
    }
    if (before !== undefined && isExposureGrown(before, area, budgets.areaPunctures, budgets.areaContactMs)) {
      violations.push(
        `S6: ${area.area} exposure grew from ${before.punctures} punctures, ${before.contactMs} ms at its budget`,
      );
    }
  });
  if (isExposureGrown(usageOf(previous.context), usageOf(c), budgets.sessionPunctures, budgets.sessionContactMs)) {
    violations.push(`S6: session exposure grew past its budget`);
  }
  if (isLatched(previous) && !isLatched(next)) {
    violations.push(`S13: left ${String(previous.value)} by ${event.type} to ${JSON.stringify(next.value)}`);
  }
  const before = previous.context.outcome;
  if (before !== null && c.outcome !== before) violations.push(`outcome ${before} changed to ${String(c.outcome)}`);
  if ((c.outcome === null) !== (next.status === 'active' && !isLatched(next))) {
    violations.push(`outcome ${String(c.outcome)} in ${JSON.stringify(next.value)}`);
  }
  return violations;
}

const RECORD_EFFECTS = new Set<string>([
  'recordPassStarted',
  'recordPassEnded',
  'recordAreaLocked',
  'recordRefusal',
  'recordClamp',
  'recordStop',
  'recordFault',
  'recordSessionEnded',
]);
const DRIVE_EFFECTS = new Set<string>(['sendDepthLimit', 'sendDepth', 'sendSpeed', 'armDrive']);

/**
 * Rules for the effects of one step: the needles stop before anything is recorded
 * (stopNeedles/emergencyStop ahead of every record effect), S1 every SET_DEPTH_LIMIT and SET_DEPTH
 * within the caps, every SET_DEPTH after a SET_DEPTH_LIMIT of the same step that holds it (the pen's
 * limiter holds the area's commanded depth), S13 no drive command once latched, and the session end
 * recorded in the step that sets the outcome.
 */
export function checkEffects(
  input: ControllerInput,
  previous: ControllerSnapshot,
  next: ControllerSnapshot,
  effects: readonly ControllerEffect[],
): string[] {
  const violations: string[] = [];
  const types = effects.map((effect) => effect.type);
  const firstRecord = types.findIndex((type) => RECORD_EFFECTS.has(type));
  const stop = types.findIndex((type) => type === 'stopNeedles' || type === 'emergencyStop');
  if (stop >= 0 && firstRecord >= 0 && stop > firstRecord) violations.push(`order: ${types.join(' ')}`);
  if (isLatched(previous) && types.some((type) => DRIVE_EFFECTS.has(type))) {
    violations.push(`S13: ${types.join(' ')} from ${String(previous.value)}`);
  }
  let limitUm: number | null = null;
  for (const effect of effects) {
    if (effect.type !== 'sendDepth' && effect.type !== 'sendDepthLimit') continue;
    const boundUm = depthBoundUm(input, next.context);
    if (effect.type === 'sendDepthLimit') {
      limitUm = effect.limitUm;
      if (effect.limitUm > boundUm) violations.push(`S1: SET_DEPTH_LIMIT ${effect.limitUm} um > cap ${boundUm} um`);
      continue;
    }
    if (effect.depthUm > boundUm) violations.push(`S1: SET_DEPTH ${effect.depthUm} um > cap ${boundUm} um`);
    if (limitUm === null) violations.push(`S1: SET_DEPTH ${effect.depthUm} um without SET_DEPTH_LIMIT before it`);
    else if (effect.depthUm > limitUm) violations.push(`S1: SET_DEPTH ${effect.depthUm} um > limit ${limitUm} um`);
  }
  const ends = types.filter((type) => type === 'recordSessionEnded').length;
  const ended = previous.context.outcome === null && next.context.outcome !== null ? 1 : 0;
  if (ends !== ended) violations.push(`recordSessionEnded ${ends} times when the outcome is set ${ended} times`);
  return violations;
}

/**
 * What a runner sees across a replay: setup commands not yet acknowledged and pass reservations
 * asked for and confirmed. Rules: ARM only once the three setup commands of this arming
 * (SET_DEPTH_LIMIT, SET_DEPTH, SET_SPEED) are acknowledged (S1: the limiter holds the area's depth
 * before the drive runs); S5 a pass touches skin only once PASS_RESERVED confirmed its reservation
 * (recordPassStarted, the area's pass count and its confirmed count never ahead of the confirmations).
 */
export class RunnerModel {
  private readonly unackedSetup = new Set<string>();
  private readonly requested = new Set<string>();
  private readonly confirmed = new Map<string, number>();

  constructor(resumed: ResumedSession | null) {
    for (const [area, count] of Object.entries(resumed?.openedPassesByArea ?? {}))
      if (typeof count === 'number' && Number.isFinite(count) && count >= 0) this.confirmed.set(area, count);
  }

  /** The event about to be sent: ACKs and reservation answers (an answer to no request is ignored). */
  onEvent(event: ControllerEvent): void {
    if (event.type === 'COMMAND_ACKED') this.unackedSetup.delete(event.command);
    if (event.type === 'PASS_RESERVED' && this.requested.delete(`${event.area}#${event.passNumber}`)) {
      this.confirmed.set(event.area, Math.max(this.confirmed.get(event.area) ?? 0, event.passNumber));
    }
  }

  /** The effects of the step and the snapshot after it. */
  onEffects(effects: readonly ControllerEffect[], next: ControllerSnapshot): string[] {
    const violations: string[] = [];
    for (const effect of effects) {
      if (effect.type === 'sendDepthLimit') this.unackedSetup.add('SET_DEPTH_LIMIT');
      if (effect.type === 'sendDepth') this.unackedSetup.add('SET_DEPTH');
      if (effect.type === 'sendSpeed') this.unackedSetup.add('SET_SPEED');
      if (effect.type === 'armDrive' && this.unackedSetup.size > 0) {
        violations.push(`ARM before ${[...this.unackedSetup].join(', ')} acknowledged`);
      }
      if (effect.type === 'reservePass') this.requested.add(`${effect.area}#${effect.passNumber}`);
      if (effect.type === 'recordPassStarted' && (this.confirmed.get(effect.area) ?? 0) < effect.passNumber) {
        violations.push(`S5: ${effect.area} pass ${effect.passNumber} started before PASS_RESERVED`);
      }
    }
    for (const area of next.context.areas) {
      const confirmed = this.confirmed.get(area.area) ?? 0;
      if (area.passes > confirmed) {
        violations.push(`S5: ${area.area} pass ${area.passes} has contact before PASS_RESERVED`);
      }
      if (area.passesReserved > confirmed) {
        violations.push(
          `S5: ${area.area} holds ${area.passesReserved} reservations, the records confirmed ${confirmed}`,
        );
      }
    }
    return violations;
  }
}
