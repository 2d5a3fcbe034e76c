// Unit tests of the machine's named guards, each against exact contexts and events.
import { describe, expect, it } from 'vitest';
import { Fault, PenState, PROTOCOL_VERSION, Sku, TelemetryFlag } from '../protocol/index.js';
import { applyContactEdge, createPassCounter } from '../policy/index.js';
import { NO_PEN_READINGS, createInitialContext, type ControllerContext } from './context.js';
import type { ControllerEvent, TelemetryEvent } from './events.js';
import { guards } from './guards.js';
import { penIdentityFrom, sessionSettings } from './logic.js';
import { homePlan, proPlan, sampleInfo } from '../../test/support/machine-harness.js';

function sessionContext(patch: Partial<ControllerContext> = {}): ControllerContext {
  const base = { ...createInitialContext({ plan: homePlan(2), mode: 'home' }), pen: penIdentityFrom(sampleInfo()) };
  const withAreas = { ...base, areas: sessionSettings(base).areas, currentArea: 'forehead' as const };
  return { ...withAreas, ...patch };
}

function inContact(context: ControllerContext, passes: number): ControllerContext {
  const counter = applyContactEdge(
    createPassCounter(passes - 1),
    { contact: true, atMs: 1000, strokeCount: 0 },
    150,
  ).state;
  return { ...context, areas: context.areas.map((p) => (p.area === 'forehead' ? { ...p, counter, passes } : p)) };
}

const telemetry = (fields: Partial<TelemetryEvent> = {}): TelemetryEvent => ({
  type: 'TELEMETRY',
  measuredDepthUm: 0,
  strokeCount: 0,
  flags: 0,
  faultCode: 0,
  state: PenState.ARMED,
  commandedDepthUm: 250,
  ...fields,
});

const check = (name: keyof typeof guards, context: ControllerContext, event: ControllerEvent) =>
  guards[name]({ context, event });

describe('handshake guards', () => {
  const context = createInitialContext({ plan: proPlan(), mode: 'pro', proCredentialExpected: 'clinic-42' });

  it('isProtocolUnsupported: only another version', () => {
    expect(
      check('isProtocolUnsupported', context, {
        type: 'INFO_RECEIVED',
        info: sampleInfo({ protocolVersion: PROTOCOL_VERSION + 1 }),
      }),
    ).toBe(true);
    expect(check('isProtocolUnsupported', context, { type: 'INFO_RECEIVED', info: sampleInfo() })).toBe(false);
  });

  it('isPenFaultReported: fault state or fault code', () => {
    expect(
      check('isPenFaultReported', context, { type: 'INFO_RECEIVED', info: sampleInfo({ state: PenState.FAULT }) }),
    ).toBe(true);
    expect(
      check('isPenFaultReported', context, { type: 'INFO_RECEIVED', info: sampleInfo({ faultCode: Fault.BROWN_OUT }) }),
    ).toBe(true);
    expect(check('isPenFaultReported', context, { type: 'INFO_RECEIVED', info: sampleInfo() })).toBe(false);
  });

  it('S9: isProModeWithoutProSku: pro mode on a home SKU', () => {
    expect(
      check('isProModeWithoutProSku', context, { type: 'INFO_RECEIVED', info: sampleInfo({ sku: Sku.HOME }) }),
    ).toBe(true);
    expect(
      check('isProModeWithoutProSku', context, { type: 'INFO_RECEIVED', info: sampleInfo({ sku: Sku.PRO }) }),
    ).toBe(false);
  });

  it('hasImplausiblePenLimits: a stroke range outside 50-150 Hz', () => {
    const info = sampleInfo({ minStrokeHz: 200, maxStrokeHz: 250 });
    expect(check('hasImplausiblePenLimits', context, { type: 'INFO_RECEIVED', info })).toBe(true);
  });

  it('S9: isProCredentialValid: exact match only; no expected credential never unlocks', () => {
    expect(check('isProCredentialValid', context, { type: 'UNLOCK_PRO', credential: 'clinic-42' })).toBe(true);
    expect(check('isProCredentialValid', context, { type: 'UNLOCK_PRO', credential: 'clinic-4' })).toBe(false);
    expect(check('isProCredentialValid', context, { type: 'UNLOCK_PRO', credential: '' })).toBe(false);
    const noExpected = createInitialContext({ plan: proPlan(), mode: 'pro', proCredentialExpected: '' });
    expect(check('isProCredentialValid', noExpected, { type: 'UNLOCK_PRO', credential: '' })).toBe(false);
  });

  it('S9: isProModeLocked until unlocked', () => {
    expect(check('isProModeLocked', context, { type: 'START_SESSION' })).toBe(true);
    expect(check('isProModeLocked', { ...context, proUnlocked: true }, { type: 'START_SESSION' })).toBe(false);
  });

  it('isPlanModeMismatch and hasNoCartridge', () => {
    const mismatch = createInitialContext({ plan: homePlan(), mode: 'pro' });
    expect(check('isPlanModeMismatch', mismatch, { type: 'START_SESSION' })).toBe(true);
    expect(check('hasNoCartridge', context, { type: 'START_SESSION' })).toBe(true);
    const withPen = { ...context, pen: penIdentityFrom(sampleInfo({ cartridgeId: 0 })) };
    expect(check('hasNoCartridge', withPen, { type: 'START_SESSION' })).toBe(true);
    expect(check('hasNoCartridge', { ...context, pen: penIdentityFrom(sampleInfo()) }, { type: 'START_SESSION' })).toBe(
      false,
    );
  });
});

describe('area and arming guards', () => {
  it('isAreaNotInPlan / isAreaLocked', () => {
    const context = sessionContext();
    expect(check('isAreaNotInPlan', context, { type: 'SELECT_AREA', area: 'neck' })).toBe(true);
    expect(check('isAreaNotInPlan', context, { type: 'SELECT_AREA', area: 'forehead' })).toBe(false);
    const locked = { ...context, areas: context.areas.map((p) => ({ ...p, locked: p.area === 'cheeks' })) };
    expect(check('isAreaLocked', locked, { type: 'SELECT_AREA', area: 'cheeks' })).toBe(true);
    expect(check('isAreaLocked', locked, { type: 'SELECT_AREA', area: 'forehead' })).toBe(false);
  });

  it('S1: isDepthAckAboveCommand: applied deeper than sent', () => {
    const context = sessionContext({ commandedDepthUm: 250 });
    const ackDepth = (appliedValue: number): ControllerEvent => ({
      type: 'COMMAND_ACKED',
      command: 'SET_DEPTH',
      note: 0,
      appliedValue,
    });
    expect(check('isDepthAckAboveCommand', context, ackDepth(300))).toBe(true);
    expect(check('isDepthAckAboveCommand', context, ackDepth(250))).toBe(false);
    expect(check('isDepthAckAboveCommand', context, ackDepth(200))).toBe(false);
  });

  it('isLastSetupAck needs both SET_DEPTH and SET_SPEED', () => {
    const speedAck: ControllerEvent = { type: 'COMMAND_ACKED', command: 'SET_SPEED', note: 0, appliedValue: 100 };
    expect(check('isLastSetupAck', sessionContext(), speedAck)).toBe(false);
    expect(check('isLastSetupAck', sessionContext({ depthAcked: true }), speedAck)).toBe(true);
    expect(check('isSetupAck', sessionContext(), speedAck)).toBe(true);
  });

  it('isArmAckInContact needs contact sensed', () => {
    const armAck: ControllerEvent = { type: 'COMMAND_ACKED', command: 'ARM', note: 0, appliedValue: 0 };
    expect(
      check('isArmAckInContact', sessionContext({ penReadings: { ...NO_PEN_READINGS, penContact: true } }), armAck),
    ).toBe(true);
    expect(check('isArmAckInContact', sessionContext(), armAck)).toBe(false);
    expect(check('isArmAck', sessionContext(), armAck)).toBe(true);
  });
});

describe('pass guards (S5)', () => {
  const offAt = (atMs: number): ControllerEvent => ({ type: 'CONTACT_OFF', atMs, strokeCount: 100 });
  const onAt = (atMs: number): ControllerEvent => ({ type: 'CONTACT_ON', atMs, strokeCount: 100 });

  it('isFinalPassLiftOff only on the lift-off of the last allowed pass', () => {
    expect(check('isFinalPassLiftOff', inContact(sessionContext(), 2), offAt(2000))).toBe(true);
    expect(check('isFinalPassLiftOff', inContact(sessionContext(), 1), offAt(2000))).toBe(false);
    expect(check('isLiftOff', inContact(sessionContext(), 1), offAt(2000))).toBe(true);
  });

  it('isNewPassOverLimit on a lost lift-off during the final pass', () => {
    expect(check('isNewPassOverLimit', inContact(sessionContext(), 2), onAt(1200))).toBe(true);
    expect(check('isNewPassOverLimit', inContact(sessionContext(), 2), onAt(1100))).toBe(false);
    expect(check('isNewPassOverLimit', inContact(sessionContext(), 1), onAt(1200))).toBe(false);
    expect(check('isNewPassEdge', inContact(sessionContext(), 1), onAt(1200))).toBe(true);
  });

  it('isSamePassEdge within the debounce after a lift-off', () => {
    const context = inContact(sessionContext(), 1);
    const lifted = {
      ...context,
      areas: context.areas.map((p) =>
        p.area === 'forehead'
          ? { ...p, counter: applyContactEdge(p.counter, { contact: false, atMs: 2000, strokeCount: 9 }, 150).state }
          : p,
      ),
    };
    expect(check('isSamePassEdge', lifted, onAt(2149))).toBe(true);
    expect(check('isSamePassEdge', lifted, onAt(2150))).toBe(false);
    expect(check('isNewPassEdge', lifted, onAt(2150))).toBe(true);
  });

  it('S6: 12 needles x 100 strokes reach a 1200-puncture budget: isExposureReachedAtLiftOff and isExposureReachedLive against the budget', () => {
    const context = inContact(
      sessionContext({
        settings: {
          ...sessionContext().settings,
          budgets: { areaPunctures: 1200, areaContactMs: 1e9, sessionPunctures: 1e9, sessionContactMs: 1e9 },
        },
      }),
      1,
    );
    expect(check('isExposureReachedAtLiftOff', context, { type: 'CONTACT_OFF', atMs: 2000, strokeCount: 100 })).toBe(
      true,
    );
    expect(check('isExposureReachedAtLiftOff', context, { type: 'CONTACT_OFF', atMs: 2000, strokeCount: 99 })).toBe(
      false,
    );
    expect(check('isExposureReachedLive', context, telemetry({ strokeCount: 100, deviceTickMs: 1500 }))).toBe(true);
    expect(check('isExposureReachedLive', context, telemetry({ strokeCount: 99, deviceTickMs: 1500 }))).toBe(false);
  });

  it('hasTelemetryContact when no edge reported the contact', () => {
    const context = sessionContext();
    expect(check('hasTelemetryContact', context, telemetry({ flags: TelemetryFlag.CONTACT, deviceTickMs: 5 }))).toBe(
      true,
    );
    expect(check('hasTelemetryContact', context, telemetry({ flags: TelemetryFlag.CARTRIDGE }))).toBe(false);
  });
});

describe('telemetry guards (S1)', () => {
  it('isMeasuredDepthAboveAreaCap beyond cap + 50 um', () => {
    const context = sessionContext();
    expect(check('isMeasuredDepthAboveAreaCap', context, telemetry({ measuredDepthUm: 300 }))).toBe(false);
    expect(check('isMeasuredDepthAboveAreaCap', context, telemetry({ measuredDepthUm: 301 }))).toBe(true);
  });

  it('isMeasuredDepthAboveSessionCap uses the session cap (home: 250)', () => {
    expect(check('isMeasuredDepthAboveSessionCap', sessionContext(), telemetry({ measuredDepthUm: 301 }))).toBe(true);
    expect(check('isMeasuredDepthAboveSessionCap', sessionContext(), telemetry({ measuredDepthUm: 290 }))).toBe(false);
  });

  it('isPenDepthAboveCommand and isTelemetryFaulted', () => {
    expect(check('isPenDepthAboveCommand', sessionContext(), telemetry({ commandedDepthUm: 300 }))).toBe(true);
    expect(check('isPenDepthAboveCommand', sessionContext(), telemetry({ commandedDepthUm: 250 }))).toBe(false);
    expect(check('isTelemetryFaulted', sessionContext(), telemetry({ faultCode: Fault.MOTOR_STALL }))).toBe(true);
    expect(check('isTelemetryFaulted', sessionContext(), telemetry({ state: PenState.FAULT }))).toBe(true);
    expect(check('isTelemetryFaulted', sessionContext(), telemetry())).toBe(false);
  });
});
