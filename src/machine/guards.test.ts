// Unit tests of the machine's named guards, each against exact contexts and events; every guard is checked here.
import { afterAll, describe, expect, it } from 'vitest';
import { Fault, PROTOCOL_VERSION, PenState, Reason, Sku, TelemetryFlag } from '../protocol/index.js';
import { MAX_AREA_ATTEMPTS, applyContactEdge, createPassCounter } from '../policy/index.js';
import { NO_PEN_READINGS, createInitialContext, type ControllerContext } from './context.js';
import type { ControllerEvent, ControllerInput } from './events.js';
import { guards, type GuardName } from './guards.js';
import { penIdentityFrom, sessionSettings, telemetryFault } from './logic.js';
import { unlockDecision } from './admission.js';
import {
  FACTS_NOW_MS,
  ack,
  clearFacts,
  homePlan,
  inputOf,
  proInput,
  proPlan,
  sampleInfo,
} from '../../test/support/machine-harness.js';
import { telemetryOf } from '../../test/support/machine-model.js';
import { presentedCredential, presentedProfile, refusedToken } from '../../test/support/presented-tokens.js';

/** The unlock a context's credential grants on the clear facts (the context must have a pen). */
function unlockOf(context: ControllerContext) {
  const decision = unlockDecision(context, clearFacts());
  if (decision === null || !decision.ok) throw new Error('fixture credential refused');
  return decision.unlock;
}

function sessionContext(patch: Partial<ControllerContext> = {}, input: ControllerInput = inputOf(homePlan(2))) {
  const base = { ...createInitialContext(input), pen: penIdentityFrom(sampleInfo()) };
  const withAreas = { ...base, areas: sessionSettings(base).areas, currentArea: 'forehead' as const };
  return { ...withAreas, ...patch };
}

/** The context with forehead in contact on pass `passes` since 1000 ms. */
function inContact(context: ControllerContext, passes: number): ControllerContext {
  const counter = applyContactEdge(
    createPassCounter(passes - 1),
    { contact: true, atMs: 1000, strokeCount: 0 },
    150,
  ).state;
  return { ...context, areas: context.areas.map((p) => (p.area === 'forehead' ? { ...p, counter, passes } : p)) };
}

const withAreas = (context: ControllerContext, patch: (area: ControllerContext['areas'][number]) => object) => ({
  ...context,
  areas: context.areas.map((p) => ({ ...p, ...patch(p) })),
});

const checked = new Set<GuardName>();
const check = (name: GuardName, context: ControllerContext, event: ControllerEvent = { type: 'START_SESSION' }) => {
  checked.add(name);
  return guards[name]({ context, event });
};
const info = (overrides: Parameters<typeof sampleInfo>[0] = {}): ControllerEvent => ({
  type: 'INFO_RECEIVED',
  info: sampleInfo(overrides),
});

afterAll(() => {
  expect(Object.keys(guards).filter((name) => !checked.has(name as GuardName))).toEqual([]);
});

describe('handshake guards', () => {
  const context = createInitialContext(proInput(proPlan()));

  it('isProtocolUnsupported: only another version', () => {
    expect(check('isProtocolUnsupported', context, info({ protocolVersion: PROTOCOL_VERSION + 1 }))).toBe(true);
    expect(check('isProtocolUnsupported', context, info())).toBe(false);
  });

  it('isPenFaultReported: fault state or fault code', () => {
    expect(check('isPenFaultReported', context, info({ state: PenState.FAULT }))).toBe(true);
    expect(check('isPenFaultReported', context, info({ faultCode: Fault.BROWN_OUT }))).toBe(true);
    expect(check('isPenFaultReported', context, info())).toBe(false);
  });

  it('S9: isProModeWithoutProSku: pro mode on a home SKU', () => {
    expect(check('isProModeWithoutProSku', context, info({ sku: Sku.HOME }))).toBe(true);
    expect(check('isProModeWithoutProSku', context, info({ sku: Sku.PRO }))).toBe(false);
    expect(check('isProModeWithoutProSku', createInitialContext(inputOf(homePlan())), info())).toBe(false);
  });

  it('hasImplausiblePenLimits: a stroke range outside 50-150 Hz', () => {
    expect(check('hasImplausiblePenLimits', context, info({ minStrokeHz: 200, maxStrokeHz: 250 }))).toBe(true);
    expect(check('hasImplausiblePenLimits', context, info())).toBe(false);
  });
});

describe('admission and start guards', () => {
  it('S19: isAdmissionRefused on any refusing fact; isPenIdle only for IDLE', () => {
    const context = sessionContext();
    expect(check('isAdmissionRefused', context, { type: 'ADMISSION_FACTS', facts: clearFacts() })).toBe(false);
    const reused = clearFacts({ cartridgeSeenBefore: true });
    expect(check('isAdmissionRefused', context, { type: 'ADMISSION_FACTS', facts: reused })).toBe(true);
    expect(check('isAdmissionRefused', context, { type: 'ADMISSION_FACTS', facts: clearFacts({ client: null }) })).toBe(
      true,
    );
    expect(check('isAdmissionRefused', context, ack('ARM'))).toBe(false);
    const idle = { ...NO_PEN_READINGS, penState: PenState.IDLE };
    expect(check('isPenIdle', sessionContext({ penReadings: idle }))).toBe(true);
    expect(check('isPenIdle', sessionContext({ penReadings: { ...idle, penState: PenState.HOMING } }))).toBe(false);
  });

  it('S9: isProModeLocked: a professional session with no unlock granted; isProUnlockGranted on valid facts only', () => {
    const locked = createInitialContext(proInput(proPlan()));
    expect(check('isProModeLocked', locked)).toBe(true);
    expect(check('isProModeLocked', createInitialContext(inputOf(homePlan())))).toBe(false);
    const pen = {
      sku: Sku.PRO,
      serialNumber: 1001,
      maxDepthUm: 2500,
      strokeRange: { minHz: 50, maxHz: 150 },
      cartridgeId: 7,
      needleCount: 12,
      batteryPercent: 90,
    };
    const withPen = { ...locked, pen };
    const facts = { type: 'ADMISSION_FACTS', facts: clearFacts() } as const;
    expect(check('isProUnlockGranted', withPen, facts)).toBe(true);
    expect(check('isProUnlockGranted', withPen, ack('ARM'))).toBe(false);
    const behind = { type: 'ADMISSION_FACTS', facts: clearFacts({ newestRecordAtMs: FACTS_NOW_MS + 1 }) } as const;
    expect(check('isProUnlockGranted', withPen, behind)).toBe(false);
    const other = { ...withPen, pen: { ...pen, serialNumber: 2 } };
    const bound = createInitialContext(proInput(proPlan(), { credential: presentedCredential({ pens: [1001] }) }));
    expect(check('isProUnlockGranted', { ...bound, pen: other.pen }, facts)).toBe(false);
    expect(check('isProUnlockGranted', { ...createInitialContext(inputOf(proPlan())), pen }, facts)).toBe(false);
    expect(check('isProUnlockGranted', { ...createInitialContext(inputOf(homePlan())), pen }, facts)).toBe(false);
    expect(check('isProModeLocked', { ...withPen, unlock: unlockOf(withPen) })).toBe(false);
  });

  it('S2: isProfileRefused for a refused profile only', () => {
    expect(check('isProfileRefused', createInitialContext(inputOf(homePlan())))).toBe(false);
    const tight = presentedProfile({ name: 'tight', areaCapsUm: { forehead: 200 } });
    expect(check('isProfileRefused', createInitialContext(inputOf(homePlan(), { profile: tight })))).toBe(false);
    const loose = presentedProfile({ name: 'loose', areaPassLimits: { forehead: 7 } });
    expect(check('isProfileRefused', createInitialContext(inputOf(homePlan(), { profile: loose })))).toBe(true);
    const forged = refusedToken('profile', 'BAD_SIGNATURE');
    expect(check('isProfileRefused', createInitialContext(inputOf(homePlan(), { profile: forged })))).toBe(true);
  });

  it('isPlanModeMismatch and hasNoCartridge (no pen, no cartridge id, no needles)', () => {
    const mismatch = createInitialContext(inputOf(homePlan(), { mode: 'pro' }));
    expect(check('isPlanModeMismatch', mismatch)).toBe(true);
    expect(check('isPlanModeMismatch', sessionContext())).toBe(false);
    const context = createInitialContext(inputOf(homePlan()));
    expect(check('hasNoCartridge', context)).toBe(true);
    expect(check('hasNoCartridge', { ...context, pen: penIdentityFrom(sampleInfo({ cartridgeId: 0 })) })).toBe(true);
    expect(check('hasNoCartridge', { ...context, pen: penIdentityFrom(sampleInfo({ needleCount: 0 })) })).toBe(true);
    expect(check('hasNoCartridge', { ...context, pen: penIdentityFrom(sampleInfo()) })).toBe(false);
  });
});

describe('area choice guards', () => {
  it('isAreaNotInPlan / isAreaLocked / isCurrentAreaSelected / isCurrentAreaOpen', () => {
    const context = sessionContext();
    expect(check('isAreaNotInPlan', context, { type: 'SELECT_AREA', area: 'neck' })).toBe(true);
    expect(check('isAreaNotInPlan', context, { type: 'SELECT_AREA', area: 'forehead' })).toBe(false);
    const locked = withAreas(context, (p) => ({ locked: p.area === 'cheeks' }));
    expect(check('isAreaLocked', locked, { type: 'SELECT_AREA', area: 'cheeks' })).toBe(true);
    expect(check('isAreaLocked', locked, { type: 'SELECT_AREA', area: 'forehead' })).toBe(false);
    expect(check('isCurrentAreaSelected', context, { type: 'SELECT_AREA', area: 'forehead' })).toBe(true);
    expect(check('isCurrentAreaSelected', context, { type: 'SELECT_AREA', area: 'cheeks' })).toBe(false);
    expect(check('isCurrentAreaOpen', context)).toBe(true);
    expect(
      check(
        'isCurrentAreaOpen',
        withAreas(context, () => ({ locked: true })),
      ),
    ).toBe(false);
    expect(check('isCurrentAreaOpen', { ...context, currentArea: null })).toBe(false);
  });

  it('isEveryAreaDone when every area is locked; isOperatorOrder by the input', () => {
    expect(check('isEveryAreaDone', sessionContext())).toBe(false);
    expect(
      check(
        'isEveryAreaDone',
        withAreas(sessionContext(), () => ({ locked: true })),
      ),
    ).toBe(true);
    expect(check('isOperatorOrder', sessionContext())).toBe(true);
    expect(check('isOperatorOrder', sessionContext({}, inputOf(homePlan(), { areaOrder: 'plan' })))).toBe(false);
  });

  it(`hasNoAreaToTry once every open area was refused ${MAX_AREA_ATTEMPTS} times`, () => {
    const refused = (times: number) =>
      withAreas(sessionContext(), (p) => ({ refusedArmings: p.area === 'forehead' ? times : 0 }));
    expect(check('hasNoAreaToTry', refused(MAX_AREA_ATTEMPTS))).toBe(false);
    const cheeksLocked = withAreas(refused(MAX_AREA_ATTEMPTS), (p) => ({ locked: p.area === 'cheeks' }));
    expect(check('hasNoAreaToTry', cheeksLocked)).toBe(true);
    const lower = withAreas(refused(MAX_AREA_ATTEMPTS - 1), (p) => ({ locked: p.area === 'cheeks' }));
    expect(check('hasNoAreaToTry', lower)).toBe(false);
  });

  it('S6: isSessionBudgetReached only while some area is still open', () => {
    const settings = {
      ...sessionContext().settings,
      budgets: { ...sessionContext().settings.budgets, sessionPunctures: 1000 },
    };
    const used = withAreas(sessionContext({ settings }), (p) => ({ punctures: p.area === 'forehead' ? 1000 : 0 }));
    expect(check('isSessionBudgetReached', used)).toBe(true);
    expect(
      check(
        'isSessionBudgetReached',
        withAreas(used, () => ({ locked: true })),
      ),
    ).toBe(false);
    expect(
      check(
        'isSessionBudgetReached',
        withAreas(used, () => ({ punctures: 499 })),
      ),
    ).toBe(false);
  });

  it('isPenInContact from the contact sense', () => {
    expect(check('isPenInContact', sessionContext({ penReadings: { ...NO_PEN_READINGS, penContact: true } }))).toBe(
      true,
    );
    expect(check('isPenInContact', sessionContext())).toBe(false);
  });
});

describe('arming guards', () => {
  it('S1: isDepthAckAboveCommand: SET_DEPTH or SET_DEPTH_LIMIT applied deeper than sent', () => {
    const context = sessionContext({ commandedDepthUm: 250 });
    for (const command of ['SET_DEPTH', 'SET_DEPTH_LIMIT'] as const) {
      expect(check('isDepthAckAboveCommand', context, ack(command, 300))).toBe(true);
      expect(check('isDepthAckAboveCommand', context, ack(command, 251))).toBe(true);
      expect(check('isDepthAckAboveCommand', context, ack(command, 250))).toBe(false);
      expect(check('isDepthAckAboveCommand', context, ack(command, 200))).toBe(false);
    }
    expect(check('isDepthAckAboveCommand', context, ack('SET_SPEED', 300))).toBe(false);
    expect(check('isDepthAckAboveCommand', context, ack('SET_TELEMETRY', 300))).toBe(false);
  });

  it('S1: isLastSetupAck needs SET_DEPTH_LIMIT, SET_DEPTH and SET_SPEED, in any order; isSetupAck for each of them', () => {
    const acked = (depthLimit: boolean, depth: boolean, speed: boolean) =>
      sessionContext({ acks: { depthLimit, depth, speed } });
    expect(check('isLastSetupAck', sessionContext(), ack('SET_SPEED', 100))).toBe(false);
    expect(check('isLastSetupAck', acked(true, true, false), ack('SET_SPEED', 100))).toBe(true);
    expect(check('isLastSetupAck', acked(true, false, true), ack('SET_DEPTH', 250))).toBe(true);
    expect(check('isLastSetupAck', acked(false, true, true), ack('SET_DEPTH_LIMIT', 250))).toBe(true);
    // Two of the three are not enough, whichever two (S1: the limiter holds the depth before ARM).
    expect(check('isLastSetupAck', acked(false, true, false), ack('SET_SPEED', 100))).toBe(false);
    expect(check('isLastSetupAck', acked(false, false, true), ack('SET_DEPTH', 250))).toBe(false);
    expect(check('isLastSetupAck', acked(true, false, false), ack('SET_SPEED', 100))).toBe(false);
    expect(check('isLastSetupAck', acked(false, true, false), ack('SET_DEPTH', 250))).toBe(false);
    expect(check('isLastSetupAck', acked(true, true, true), ack('ARM'))).toBe(false);
    expect(check('isLastSetupAck', acked(true, true, true), ack('SET_TELEMETRY', 50))).toBe(false);
    for (const command of ['SET_DEPTH_LIMIT', 'SET_DEPTH', 'SET_SPEED'] as const) {
      expect(check('isSetupAck', sessionContext(), ack(command, 100))).toBe(true);
    }
    expect(check('isSetupAck', sessionContext(), ack('ARM'))).toBe(false);
    expect(check('isSetupAck', sessionContext(), ack('SET_TELEMETRY', 50))).toBe(false);
  });

  it('isCancelledByOwnStop only for a NAK CANCELLED_BY_STOP, whatever the command', () => {
    const nak = (command: 'SET_DEPTH_LIMIT' | 'SET_DEPTH' | 'ARM', reason: number): ControllerEvent => ({
      type: 'COMMAND_NAKED',
      command,
      reason,
    });
    for (const command of ['SET_DEPTH_LIMIT', 'SET_DEPTH', 'ARM'] as const) {
      expect(check('isCancelledByOwnStop', sessionContext(), nak(command, Reason.CANCELLED_BY_STOP))).toBe(true);
    }
    expect(check('isCancelledByOwnStop', sessionContext(), nak('ARM', Reason.NO_CARTRIDGE))).toBe(false);
    expect(check('isCancelledByOwnStop', sessionContext(), nak('SET_DEPTH_LIMIT', Reason.BUSY_ARMED))).toBe(false);
    expect(check('isCancelledByOwnStop', sessionContext(), { type: 'PEN_STOPPED', reason: Reason.STOP_HOST })).toBe(
      false,
    );
  });

  it('S5: isReservationPending while the current area has a pass asked for and not confirmed; hasUnusedReservation when more are confirmed than used', () => {
    const counts = (passesOpened: number, passesReserved: number, passes: number) =>
      withAreas(sessionContext(), (p) =>
        p.area === 'forehead' ? { passesOpened, passesReserved, passes } : { passesOpened: 3, passesReserved: 1 },
      );
    expect(check('isReservationPending', counts(1, 0, 0))).toBe(true);
    expect(check('isReservationPending', counts(2, 1, 1))).toBe(true);
    expect(check('isReservationPending', counts(1, 1, 0))).toBe(false);
    expect(check('isReservationPending', sessionContext())).toBe(false);
    // Another area's outstanding reservation is not the current area's.
    expect(check('isReservationPending', { ...counts(1, 1, 1), currentArea: 'forehead' })).toBe(false);
    expect(check('isReservationPending', { ...counts(1, 1, 1), currentArea: 'cheeks' })).toBe(true);
    expect(check('isReservationPending', { ...counts(1, 0, 0), currentArea: null })).toBe(false);
    expect(check('hasUnusedReservation', counts(1, 1, 0))).toBe(true);
    // Asked for but not confirmed is not a reservation the drive may use (S5).
    expect(check('hasUnusedReservation', counts(1, 0, 0))).toBe(false);
    expect(check('hasUnusedReservation', counts(2, 1, 1))).toBe(false);
    expect(check('hasUnusedReservation', counts(1, 1, 1))).toBe(false);
    expect(check('hasUnusedReservation', { ...counts(1, 1, 0), currentArea: null })).toBe(false);
  });

  it("S5: isReservationAnswer only for the current area's latest reservation", () => {
    const reserved = (area: string, passNumber: number): ControllerEvent => ({
      type: 'PASS_RESERVED',
      area: area as never,
      passNumber,
    });
    const asked = withAreas(sessionContext(), (p) =>
      p.area === 'forehead' ? { passesOpened: 2, passesReserved: 1, passes: 1 } : { passesOpened: 2 },
    );
    expect(check('isReservationAnswer', asked, reserved('forehead', 2))).toBe(true);
    expect(check('isReservationAnswer', asked, reserved('forehead', 1))).toBe(false);
    expect(check('isReservationAnswer', asked, reserved('forehead', 3))).toBe(false);
    expect(check('isReservationAnswer', asked, reserved('cheeks', 2))).toBe(false);
    expect(check('isReservationAnswer', { ...asked, currentArea: null }, reserved('forehead', 2))).toBe(false);
    expect(check('isReservationAnswer', asked, ack('ARM'))).toBe(false);
  });

  it('isArmAck and isArmAckInContact (contact sensed)', () => {
    const inContactNow = sessionContext({ penReadings: { ...NO_PEN_READINGS, penContact: true } });
    expect(check('isArmAckInContact', inContactNow, ack('ARM'))).toBe(true);
    expect(check('isArmAckInContact', sessionContext(), ack('ARM'))).toBe(false);
    expect(check('isArmAckInContact', inContactNow, ack('SET_DEPTH', 250))).toBe(false);
    expect(check('isArmAck', sessionContext(), ack('ARM'))).toBe(true);
    expect(check('isArmAck', sessionContext(), ack('SET_SPEED', 100))).toBe(false);
  });

  it('S13: isOwnStopEcho for the host STOP and ESTOP only', () => {
    expect(check('isOwnStopEcho', sessionContext(), { type: 'PEN_STOPPED', reason: Reason.STOP_HOST })).toBe(true);
    expect(check('isOwnStopEcho', sessionContext(), { type: 'PEN_STOPPED', reason: Reason.STOP_ESTOP })).toBe(true);
    expect(check('isOwnStopEcho', sessionContext(), { type: 'PEN_STOPPED', reason: Reason.STOP_LEASE_LAPSED })).toBe(
      false,
    );
  });
});

describe('pass guards (S5)', () => {
  const offAt = (atMs: number): ControllerEvent => ({ type: 'CONTACT_OFF', atMs, strokeCount: 100 });
  const onAt = (atMs: number): ControllerEvent => ({ type: 'CONTACT_ON', atMs, strokeCount: 100 });

  it('isFinalPassLiftOff only on the lift-off of the last allowed pass; isAtPassLimit there', () => {
    expect(check('isFinalPassLiftOff', inContact(sessionContext(), 2), offAt(2000))).toBe(true);
    expect(check('isFinalPassLiftOff', inContact(sessionContext(), 1), offAt(2000))).toBe(false);
    expect(check('isLiftOff', inContact(sessionContext(), 1), offAt(2000))).toBe(true);
    expect(check('isLiftOff', sessionContext(), offAt(2000))).toBe(false);
    expect(check('isAtPassLimit', inContact(sessionContext(), 2))).toBe(true);
    expect(check('isAtPassLimit', inContact(sessionContext(), 1))).toBe(false);
  });

  it('isNewPassOverLimit on a lost lift-off during the final pass', () => {
    expect(check('isNewPassOverLimit', inContact(sessionContext(), 2), onAt(1200))).toBe(true);
    expect(check('isNewPassOverLimit', inContact(sessionContext(), 2), onAt(1100))).toBe(false);
    expect(check('isNewPassOverLimit', inContact(sessionContext(), 1), onAt(1200))).toBe(false);
    expect(check('isNewPassEdge', inContact(sessionContext(), 1), onAt(1200))).toBe(true);
  });

  it('isSamePassEdge within the debounce after a lift-off', () => {
    const context = inContact(sessionContext(), 1);
    const lifted = withAreas(context, (p) => ({
      counter:
        p.area === 'forehead'
          ? applyContactEdge(p.counter, { contact: false, atMs: 2000, strokeCount: 9 }, 150).state
          : p.counter,
    }));
    expect(check('isSamePassEdge', lifted, onAt(2149))).toBe(true);
    expect(check('isSamePassEdge', lifted, onAt(2150))).toBe(false);
    expect(check('isNewPassEdge', lifted, onAt(2150))).toBe(true);
  });

  it('S6: 12 needles x 100 strokes reach a 1200-puncture budget, at lift-off, live, at a lost lift-off and now', () => {
    const budgets = { areaPunctures: 1200, areaContactMs: 1e9, sessionPunctures: 1e9, sessionContactMs: 1e9 };
    const base = inContact(sessionContext({ settings: { ...sessionContext().settings, budgets } }), 1);
    const off = (strokeCount: number): ControllerEvent => ({ type: 'CONTACT_OFF', atMs: 2000, strokeCount });
    expect(check('isExposureReachedAtLiftOff', base, off(100))).toBe(true);
    expect(check('isExposureReachedAtLiftOff', base, off(99))).toBe(false);
    expect(check('isExposureReachedLive', base, telemetryOf({ strokeCount: 100, deviceTickMs: 1500 }))).toBe(true);
    expect(check('isExposureReachedLive', base, telemetryOf({ strokeCount: 99, deviceTickMs: 1500 }))).toBe(false);
    const on = (strokeCount: number): ControllerEvent => ({ type: 'CONTACT_ON', atMs: 2000, strokeCount });
    expect(check('isExposureReachedAtNewPass', base, on(100))).toBe(true);
    expect(check('isExposureReachedAtNewPass', base, on(99))).toBe(false);
    const now = (lastStrokeCount: number) => ({
      ...base,
      penReadings: { ...base.penReadings, lastStrokeCount, lastPenTimeMs: 1500 },
    });
    expect(check('isExposureReachedNow', now(100))).toBe(true);
    expect(check('isExposureReachedNow', now(99))).toBe(false);
  });

  it('hasTelemetryContact when no edge reported the contact; isTelemetryInContact on the flag alone', () => {
    const context = sessionContext();
    const contact = telemetryOf({ flags: TelemetryFlag.CONTACT, deviceTickMs: 5 });
    expect(check('hasTelemetryContact', context, contact)).toBe(true);
    expect(check('hasTelemetryContact', inContact(context, 1), contact)).toBe(false);
    expect(check('hasTelemetryContact', context, telemetryOf({ flags: TelemetryFlag.CARTRIDGE }))).toBe(false);
    expect(check('isTelemetryInContact', inContact(context, 1), contact)).toBe(true);
    expect(check('isTelemetryInContact', context, telemetryOf())).toBe(false);
  });

  it('isTelemetryContactChange when the contact flag differs from the last contact sense', () => {
    const context = sessionContext();
    const contact = telemetryOf({ flags: TelemetryFlag.CONTACT });
    expect(check('isTelemetryContactChange', context, contact)).toBe(true);
    expect(check('isTelemetryContactChange', context, telemetryOf())).toBe(false);
    const touching = { ...context, penReadings: { ...context.penReadings, penContact: true } };
    expect(check('isTelemetryContactChange', touching, contact)).toBe(false);
    expect(check('isTelemetryContactChange', touching, telemetryOf())).toBe(true);
  });
});

describe('telemetry guards (S1)', () => {
  it('S1: hasDriveTelemetryFault beyond the area cap + 50 um', () => {
    const context = sessionContext();
    expect(check('hasDriveTelemetryFault', context, telemetryOf({ measuredDepthUm: 300 }))).toBe(false);
    expect(check('hasDriveTelemetryFault', context, telemetryOf({ measuredDepthUm: 301 }))).toBe(true);
    const cheeks = { ...context, currentArea: 'cheeks' as const };
    expect(check('hasDriveTelemetryFault', cheeks, telemetryOf({ measuredDepthUm: 251 }))).toBe(true);
  });

  it('S1: hasTelemetryFault uses the session cap (home: 250)', () => {
    expect(check('hasTelemetryFault', sessionContext(), telemetryOf({ measuredDepthUm: 301 }))).toBe(true);
    expect(check('hasTelemetryFault', sessionContext(), telemetryOf({ measuredDepthUm: 290 }))).toBe(false);
  });

  it('S1: a setpoint above the commanded depth is a fault only with the drive on the area', () => {
    expect(check('hasDriveTelemetryFault', sessionContext(), telemetryOf({ commandedDepthUm: 300 }))).toBe(true);
    expect(check('hasDriveTelemetryFault', sessionContext(), telemetryOf({ commandedDepthUm: 250 }))).toBe(false);
    expect(check('hasTelemetryFault', sessionContext(), telemetryOf({ commandedDepthUm: 300 }))).toBe(false);
  });

  it('S13: a fault the pen reports in telemetry, on an area or not', () => {
    for (const name of ['hasTelemetryFault', 'hasDriveTelemetryFault'] as const) {
      expect(check(name, sessionContext(), telemetryOf({ faultCode: Fault.MOTOR_STALL }))).toBe(true);
      expect(check(name, sessionContext(), telemetryOf({ state: PenState.FAULT }))).toBe(true);
      expect(check(name, sessionContext(), telemetryOf())).toBe(false);
    }
  });

  it('a sample that changes no reading is unchanged; a deeper depth is a change only with the drive on the area', () => {
    const context = sessionContext();
    const same = telemetryOf({ state: context.penReadings.penState });
    expect(check('isTelemetryUnchanged', context, same)).toBe(true);
    expect(check('isDriveTelemetryUnchanged', context, same)).toBe(true);
    expect(check('isTelemetryUnchanged', context, { ...same, deviceTickMs: 20 })).toBe(false);
    expect(check('isTelemetryUnchanged', context, { ...same, strokeCount: 1 })).toBe(false);
    expect(check('isTelemetryUnchanged', context, { ...same, flags: TelemetryFlag.CONTACT })).toBe(false);
    expect(check('isTelemetryUnchanged', context, { ...same, state: PenState.FAULT })).toBe(false);
    expect(check('isTelemetryUnchanged', context, { ...same, measuredDepthUm: 200 })).toBe(true);
    expect(check('isDriveTelemetryUnchanged', context, { ...same, measuredDepthUm: 200 })).toBe(false);
  });

  it("S1, S13: telemetryFault names the first fault: the pen's, then the depth, then the setpoint", () => {
    const all = telemetryOf({ faultCode: Fault.MOTOR_STALL, measuredDepthUm: 400, commandedDepthUm: 300 });
    expect(telemetryFault(sessionContext(), all, true)).toBe('penFault');
    const deep = telemetryOf({ measuredDepthUm: 400, commandedDepthUm: 300 });
    expect(telemetryFault(sessionContext(), deep, true)).toBe('overDepth');
    const setpoint = telemetryOf({ commandedDepthUm: 300 });
    expect(telemetryFault(sessionContext(), setpoint, true)).toBe('depthAboveCommand');
    expect(telemetryFault(sessionContext(), telemetryOf(), true)).toBeNull();
  });
});
