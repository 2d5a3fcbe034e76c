// Scenario tests of the controller machine: exact side effects, reasons and states along whole sessions.
import { describe, expect, it } from 'vitest';
import { Fault, Reason } from '../protocol/index.js';
import type { ControllerEvent } from './events.js';
import {
  ack,
  armEvents,
  harness,
  homePlan,
  planOf,
  proInfo,
  proPlan,
  sampleInfo,
  toSession,
  touch,
} from '../../test/support/machine-harness.js';

const SESSION = { connected: { session: 'selectingArea' } };

describe('session flow', () => {
  it('connects, arms with depth and speed before ARM, and reserves the pass before ARM (S5)', () => {
    const h = harness({ plan: homePlan(2), mode: 'home' });
    h.send({ type: 'CONNECT' });
    expect(h.take()).toEqual(['openLink']);
    h.send({ type: 'LINK_OPENED' }, { type: 'INFO_RECEIVED', info: sampleInfo() }, { type: 'START_SESSION' });
    expect(h.take()).toEqual(['sendHello']);
    expect(h.state()).toEqual(SESSION);
    h.send({ type: 'SELECT_AREA', area: 'forehead' });
    expect(h.log.slice(-2)).toEqual([
      { type: 'sendDepth', params: { depthUm: 250 } },
      { type: 'sendSpeed', params: { strokeHz: 100 } },
    ]);
    h.take();
    h.send(ack('SET_DEPTH', 250));
    expect(h.take()).toEqual([]);
    h.send(ack('SET_SPEED', 100));
    expect(h.log.slice(-2)).toEqual([
      { type: 'reservePass', params: { area: 'forehead', passNumber: 1 } },
      { type: 'armDrive', params: undefined },
    ]);
    h.take();
    h.send(ack('ARM'));
    expect(h.state()).toEqual({ connected: { session: 'armed' } });
  });

  it('S5: counts passes, merges a bounce, stops at once on the final lift-off and locks the area', () => {
    const h = harness({ plan: homePlan(2), mode: 'home' });
    h.send(...toSession(), ...armEvents('forehead', 250));
    h.take();
    h.send(...touch(1000, 1000, 0, 100));
    expect(h.take()).toEqual(['recordPassStarted', 'startDebounceTimer']);
    h.send({ type: 'CONTACT_ON', atMs: 2100, strokeCount: 100 });
    expect(h.take()).toEqual(['cancelDebounceTimer']);
    h.send({ type: 'CONTACT_OFF', atMs: 2500, strokeCount: 150 }, { type: 'PASS_DEBOUNCE_ELAPSED' });
    expect(h.log.slice(-3)).toEqual([
      { type: 'startDebounceTimer', params: { debounceMs: 150 } },
      {
        type: 'recordPassEnded',
        params: { area: 'forehead', passNumber: 1, strokes: 150, punctures: 1800, contactMs: 1400 },
      },
      { type: 'reservePass', params: { area: 'forehead', passNumber: 2 } },
    ]);
    h.take();
    h.send({ type: 'CONTACT_ON', atMs: 4000, strokeCount: 300 });
    expect(h.take()).toEqual(['recordPassStarted']);
    h.send({ type: 'CONTACT_OFF', atMs: 5000, strokeCount: 400 });
    expect(h.take()).toEqual([
      'stopNeedles',
      'recordPassEnded',
      'recordAreaLocked',
      'recordStop',
      'cancelDebounceTimer',
    ]);
    expect(h.state()).toEqual(SESSION);
    const forehead = h.actor.getSnapshot().context.areas[0];
    expect(forehead).toMatchObject({ passes: 2, passesOpened: 2, strokes: 250, punctures: 3000, contactMs: 2400 });
    expect(forehead).toMatchObject({ locked: true, lockReason: 'PASS_LIMIT_REACHED' });
    h.send({ type: 'CONTACT_ON', atMs: 5010, strokeCount: 400 }, { type: 'CONTACT_OFF', atMs: 6000, strokeCount: 500 });
    expect(h.actor.getSnapshot().context.areas[0]?.passes).toBe(2);
    h.send({ type: 'SELECT_AREA', area: 'forehead' });
    expect(h.actor.getSnapshot().context.refusals.at(-1)).toEqual({ reason: 'AREA_LOCKED', detail: 'forehead' });
  });

  it('S5: an operator attempting more passes than allowed gets exactly the limit', () => {
    const h = harness({ plan: homePlan(3), mode: 'home' });
    h.send(...toSession(), ...armEvents('cheeks', 200));
    let atMs = 1000;
    for (let attempt = 0; attempt < 8; attempt += 1) {
      h.send(...touch(atMs, 500, attempt * 100, 50), { type: 'PASS_DEBOUNCE_ELAPSED' });
      atMs += 1000;
    }
    const cheeks = h.actor.getSnapshot().context.areas[1];
    expect(cheeks).toMatchObject({ passes: 3, passesOpened: 3, locked: true, strokes: 150 });
    expect(h.log.filter((entry) => entry.type === 'reservePass')).toHaveLength(3);
    expect(h.log.filter((entry) => entry.type === 'stopNeedles')).toHaveLength(1);
  });

  it('FINISH completes the session; an unused reservation is not a performed pass', () => {
    const h = harness({ plan: homePlan(4), mode: 'home' });
    h.send(...toSession(), ...armEvents('forehead', 250), ...touch(1000, 500, 0, 60), {
      type: 'PASS_DEBOUNCE_ELAPSED',
    });
    h.take();
    h.send({ type: 'FINISH' });
    expect(h.take()).toEqual(['stopNeedles', 'cancelDebounceTimer', 'recordStop', 'sessionEnded', 'sessionCompleted']);
    const snapshot = h.actor.getSnapshot();
    expect(snapshot.status).toBe('done');
    expect(snapshot.context.outcome).toBe('completed');
    expect(snapshot.context.areas[0]).toMatchObject({ passes: 1, passesOpened: 2, locked: false });
    expect(snapshot.output?.outcome).toBe('completed');
  });

  it('S5: resumes from prior opened passes; a prior count at the limit locks the area', () => {
    const h = harness({ plan: homePlan(3), mode: 'home', priorPassesByArea: { forehead: 2, cheeks: 3 } });
    h.send(...toSession(), ...armEvents('forehead', 250));
    expect(h.log.find((entry) => entry.type === 'reservePass')?.params).toEqual({ area: 'forehead', passNumber: 3 });
    h.send(...touch(1000, 500, 0, 60));
    expect(h.state()).toEqual(SESSION);
    expect(h.actor.getSnapshot().context.areas.map((a) => [a.passes, a.locked])).toEqual([
      [3, true],
      [3, true],
    ]);
  });

  it('S5/S4: an untrustworthy prior count locks the area with SETTING_INVALID', () => {
    const h = harness({ plan: homePlan(3), mode: 'home', priorPassesByArea: { cheeks: NaN } });
    const context = h.actor.getSnapshot().context;
    expect(context.areas[1]).toMatchObject({ locked: true, passes: 3 });
    expect(context.clamps).toEqual([
      { reason: 'SETTING_INVALID', detail: 'priorPasses=NaN: area locked', area: 'cheeks' },
    ]);
  });

  it('S5: a contact sensed before ARM starts the pass when ARM is acknowledged', () => {
    const h = harness({ plan: homePlan(2), mode: 'home' });
    h.send(...toSession(), { type: 'SELECT_AREA', area: 'forehead' }, ack('SET_DEPTH', 250), ack('SET_SPEED', 100));
    h.send({ type: 'CONTACT_ON', atMs: 900, strokeCount: 0 }, ack('ARM'));
    expect(h.state()).toEqual({ connected: { session: { treating: 'passInProgress' } } });
    expect(h.actor.getSnapshot().context.areas[0]?.passes).toBe(1);
  });

  it('S5: telemetry showing contact counts a pass when the contact edge was lost', () => {
    const h = harness({ plan: homePlan(2), mode: 'home' });
    h.send(...toSession(), ...armEvents('forehead', 250));
    h.send({
      type: 'TELEMETRY',
      measuredDepthUm: 240,
      strokeCount: 10,
      flags: 0x01,
      faultCode: 0,
      state: 6,
      commandedDepthUm: 250,
      deviceTickMs: 1000,
    });
    expect(h.state()).toEqual({ connected: { session: { treating: 'passInProgress' } } });
    expect(h.actor.getSnapshot().context.areas[0]).toMatchObject({ passes: 1, maxMeasuredDepthUm: 240 });
  });
});

describe('caps and modes', () => {
  it('S2/S9: home mode on a pro SKU gets the home cap; plan depth is floored to the step (S3)', () => {
    const plan = planOf({ mode: 'home', areas: [{ area: 'chin', depthMm: 0.24, passes: 1, strokeHz: 150 }] });
    const h = harness({ plan, mode: 'home' });
    h.send(...toSession(proInfo({ maxStrokeHz: 140 })), { type: 'SELECT_AREA', area: 'chin' });
    expect(h.log.filter((e) => e.type === 'sendDepth' || e.type === 'sendSpeed').map((e) => e.params)).toEqual([
      { depthUm: 200 },
      { strokeHz: 140 },
    ]);
    expect(h.actor.getSnapshot().context.clamps).toEqual([
      { reason: 'DEPTH_FLOORED_TO_STEP', detail: '240 um floored to 200 um', area: 'chin' },
      { reason: 'SPEED_CLAMPED_TO_PEN_RANGE', detail: 'plan 150 Hz, sent 140 Hz', area: 'chin' },
    ]);
  });

  it('S2: a lower SKU maximum in INFO binds and the clamp carries its reason', () => {
    const plan = planOf({ mode: 'pro', areas: [{ area: 'cheeks', depthMm: 1.5, passes: 1 }] });
    const h = harness({ plan, mode: 'pro', proCredentialExpected: 'k' });
    h.send(...toSession(proInfo({ maxDepthUm: 1000 }), 'k'), { type: 'SELECT_AREA', area: 'cheeks' });
    expect(h.log.find((e) => e.type === 'sendDepth')?.params).toEqual({ depthUm: 1000 });
    expect(h.actor.getSnapshot().context.clamps).toEqual([
      { reason: 'DEPTH_CLAMPED_TO_SKU_CAP', detail: 'plan 1500 um, sku cap 1000 um', area: 'cheeks' },
    ]);
  });

  it('S2: a clinic profile cap lowers the area cap', () => {
    const h = harness({ plan: proPlan(), mode: 'pro', proCredentialExpected: 'k', profileCapsUm: { cheeks: 1200 } });
    h.send(...toSession(proInfo(), 'k'), { type: 'SELECT_AREA', area: 'cheeks' });
    expect(h.log.find((e) => e.type === 'sendDepth')?.params).toEqual({ depthUm: 1200 });
  });

  it('S9: a professional session is refused without UNLOCK_PRO', () => {
    const h = harness({ plan: proPlan(), mode: 'pro', proCredentialExpected: 'k' });
    h.send(...toSession(proInfo()));
    const snapshot = h.actor.getSnapshot();
    expect(snapshot.value).toBe('refused');
    expect(snapshot.context).toMatchObject({ outcome: 'refused', outcomeReason: 'PRO_MODE_LOCKED' });
    expect(h.log.some((e) => e.type === 'sendDepth')).toBe(false);
  });

  it('S9: a wrong credential is refused with its reason and does not unlock', () => {
    const h = harness({ plan: proPlan(), mode: 'pro', proCredentialExpected: 'k' });
    h.send(...toSession(proInfo(), 'wrong'));
    const { context } = h.actor.getSnapshot();
    expect(context.refusals.map((r) => r.reason)).toEqual(['PRO_CREDENTIAL_INVALID', 'PRO_MODE_LOCKED']);
  });

  it('S9: professional mode on a home SKU is refused PRO_MODE_NEEDS_PRO_SKU', () => {
    const h = harness({ plan: proPlan(), mode: 'pro', proCredentialExpected: 'k' });
    h.send({ type: 'CONNECT' }, { type: 'LINK_OPENED' }, { type: 'INFO_RECEIVED', info: sampleInfo() });
    expect(h.actor.getSnapshot().context.outcomeReason).toBe('PRO_MODE_NEEDS_PRO_SKU');
  });

  it('refuses another protocol version and a plan for another mode', () => {
    const h = harness({ plan: homePlan(), mode: 'home' });
    h.send(...toSession(sampleInfo({ protocolVersion: 9 })));
    expect(h.actor.getSnapshot().context.refusals).toEqual([
      { reason: 'PROTOCOL_VERSION_UNSUPPORTED', detail: 'pen speaks 9' },
    ]);
    const mismatch = harness({ plan: homePlan(), mode: 'pro', proCredentialExpected: 'k' });
    mismatch.send(...toSession(proInfo(), 'k'));
    expect(mismatch.actor.getSnapshot().context.outcomeReason).toBe('PLAN_MODE_MISMATCH');
  });

  it('S8: an operator input the state does not take is refused with a reason, not dropped', () => {
    const h = harness({ plan: homePlan(), mode: 'home' });
    h.send({ type: 'CONNECT' }, { type: 'LINK_OPENED' }, { type: 'INFO_RECEIVED', info: sampleInfo() });
    h.send({ type: 'SELECT_AREA', area: 'forehead' }, { type: 'RESUME' });
    expect(h.state()).toEqual({ connected: 'idle' });
    expect(h.actor.getSnapshot().context.refusals).toEqual([
      { reason: 'INPUT_NOT_ACCEPTED_NOW', detail: 'SELECT_AREA' },
      { reason: 'INPUT_NOT_ACCEPTED_NOW', detail: 'RESUME' },
    ]);
  });

  it('refuses a session without a cartridge', () => {
    const h = harness({ plan: homePlan(), mode: 'home' });
    h.send(...toSession(sampleInfo({ cartridgeId: 0, needleCount: 0 })));
    expect(h.actor.getSnapshot().context.outcomeReason).toBe('NO_CARTRIDGE');
  });
});

describe('pen answers', () => {
  it('S8: a NAK during arming is kept with the pen reason and arming stops', () => {
    const h = harness({ plan: homePlan(), mode: 'home' });
    h.send(...toSession(), { type: 'SELECT_AREA', area: 'forehead' }, ack('SET_DEPTH', 250), ack('SET_SPEED', 100));
    h.take();
    h.send({ type: 'COMMAND_NAKED', command: 'ARM', reason: Reason.NO_CARTRIDGE });
    expect(h.take()).toEqual(['stopNeedles', 'recordRefusal']);
    expect(h.state()).toEqual(SESSION);
    expect(h.actor.getSnapshot().context.refusals).toEqual([
      { reason: 'PEN_NO_CARTRIDGE', detail: 'ARM refused', area: 'forehead' },
    ]);
  });

  it('S8: a clamp note from the pen is kept with its reason', () => {
    const h = harness({ plan: homePlan(), mode: 'home' });
    h.send(
      ...toSession(),
      { type: 'SELECT_AREA', area: 'forehead' },
      ack('SET_DEPTH', 200, Reason.DEPTH_FLOORED_TO_STEP),
    );
    expect(h.actor.getSnapshot().context.clamps).toEqual([
      { reason: 'PEN_DEPTH_FLOORED_TO_STEP', detail: 'SET_DEPTH applied 200', area: 'forehead' },
    ]);
  });

  it('S1: a pen applying more depth than sent is a latched fault', () => {
    const h = harness({ plan: homePlan(), mode: 'home' });
    h.send(...toSession(), { type: 'SELECT_AREA', area: 'forehead' }, ack('SET_DEPTH', 300));
    expect(h.state()).toBe('fault');
    expect(h.actor.getSnapshot().context.faults).toEqual([
      { code: 0, reason: 'PEN_DEPTH_ABOVE_COMMAND', detail: 'SET_DEPTH applied 300 um' },
    ]);
  });

  it('S1: measured depth above cap + 50 um is a latched fault', () => {
    const h = harness({ plan: homePlan(), mode: 'home' });
    h.send(...toSession(), ...armEvents('cheeks', 200));
    h.take();
    h.send({
      type: 'TELEMETRY',
      measuredDepthUm: 251,
      strokeCount: 0,
      flags: 0,
      faultCode: 0,
      state: 6,
      commandedDepthUm: 200,
    });
    expect(h.state()).toBe('fault');
    expect(h.take()).toEqual(['stopNeedles', 'recordFault', 'cancelDebounceTimer', 'sessionEnded']);
    expect(h.actor.getSnapshot().context.faults[0]).toEqual({
      code: Fault.OVER_DEPTH,
      reason: 'MEASURED_DEPTH_ABOVE_CAP',
      detail: 'measured 251 um > cap 200 + 50 um',
    });
  });

  it('a pen stop while treating pauses; the pass is ended and counted; RESUME re-arms', () => {
    const h = harness({ plan: homePlan(3), mode: 'home' });
    h.send(...toSession(), ...armEvents('forehead', 250), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
    h.send({
      type: 'TELEMETRY',
      measuredDepthUm: 250,
      strokeCount: 40,
      flags: 1,
      faultCode: 0,
      state: 6,
      commandedDepthUm: 250,
      deviceTickMs: 500,
    });
    h.take();
    h.send({ type: 'PEN_STOPPED', reason: Reason.STOP_LEASE_LAPSED });
    expect(h.take()).toEqual(['recordPassEnded', 'cancelDebounceTimer', 'recordStop']);
    expect(h.state()).toEqual({ connected: { session: 'paused' } });
    expect(h.actor.getSnapshot().context.stops.at(-1)).toEqual({
      reason: 'PEN_STOPPED',
      detail: 'STOP_LEASE_LAPSED',
      area: 'forehead',
    });
    expect(h.actor.getSnapshot().context.areas[0]).toMatchObject({ passes: 1, strokes: 40, contactMs: 400 });
    h.send({ type: 'RESUME' });
    expect(h.take()).toEqual(['sendDepth', 'sendSpeed']);
    h.send(ack('SET_DEPTH', 250), ack('SET_SPEED', 100));
    expect(
      h.log.find((e) => e.type === 'reservePass' && (e.params as { passNumber: number }).passNumber === 2),
    ).toBeDefined();
  });
});

describe('faults and stops (S13)', () => {
  const armedHarness = () => {
    const h = harness({ plan: homePlan(), mode: 'home' });
    h.send(...toSession(), ...armEvents('forehead', 250), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
    h.take();
    return h;
  };

  it('S13: a pen fault while treating latches; only RESET leaves, to disconnected', () => {
    const h = armedHarness();
    h.send({ type: 'PEN_FAULT', faultCode: Fault.MOTOR_STALL });
    expect(h.take()).toEqual(['stopNeedles', 'recordFault', 'recordPassEnded', 'cancelDebounceTimer', 'sessionEnded']);
    const nothingLeaves: ControllerEvent[] = [
      { type: 'RESUME' },
      { type: 'START_SESSION' },
      { type: 'SELECT_AREA', area: 'forehead' },
      ack('ARM'),
      { type: 'CONTACT_ON', atMs: 900, strokeCount: 0 },
      { type: 'CONNECT' },
      { type: 'FINISH' },
      { type: 'STOP' },
    ];
    for (const event of nothingLeaves) {
      h.send(event);
      expect(h.state()).toBe('fault');
    }
    expect(h.actor.getSnapshot().context).toMatchObject({ outcome: 'fault', outcomeReason: 'PEN_FAULT' });
    h.send({ type: 'RESET' });
    expect(h.state()).toBe('disconnected');
    expect(h.actor.getSnapshot().context).toMatchObject({ outcome: null, proUnlocked: false, currentArea: null });
  });

  it('S13: LINK_DEAD and CARTRIDGE_REMOVED latch a fault with their reasons', () => {
    const dead = armedHarness();
    dead.send({ type: 'LINK_DEAD', reason: 'HEARTBEAT_TIMEOUT' });
    expect(dead.actor.getSnapshot().context.faults).toEqual([
      { code: 0, reason: 'LINK_DEAD', detail: 'HEARTBEAT_TIMEOUT' },
    ]);
    const removed = armedHarness();
    removed.send({ type: 'CARTRIDGE_REMOVED' });
    expect(removed.actor.getSnapshot().context.faults[0]).toMatchObject({
      code: Fault.CARTRIDGE_REMOVED,
      reason: 'CARTRIDGE_REMOVED',
    });
  });

  it('ESTOP sends the realtime emergency stop first and ends in emergencyStop', () => {
    const h = armedHarness();
    h.send({ type: 'ESTOP' });
    expect(h.take()[0]).toBe('emergencyStop');
    expect(h.state()).toBe('emergencyStop');
    expect(h.actor.getSnapshot().context.outcome).toBe('emergencyStop');
    h.send({ type: 'RESUME' });
    expect(h.state()).toBe('emergencyStop');
  });

  it('STOP aborts with the needles stopped first', () => {
    const h = armedHarness();
    h.send({ type: 'STOP' });
    expect(h.take()[0]).toBe('stopNeedles');
    expect(h.actor.getSnapshot().context).toMatchObject({ outcome: 'aborted', outcomeReason: 'OPERATOR_STOP' });
  });

  it('S6: an exposure budget reached during contact stops at once and locks the area', () => {
    const h = harness({
      plan: homePlan(),
      mode: 'home',
      exposureBudgets: { areaPunctures: 1200 },
    });
    h.send(...toSession(), ...armEvents('forehead', 250), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
    h.take();
    h.send({
      type: 'TELEMETRY',
      measuredDepthUm: 250,
      strokeCount: 100,
      flags: 1,
      faultCode: 0,
      state: 6,
      commandedDepthUm: 250,
      deviceTickMs: 600,
    });
    expect(h.take()).toEqual([
      'stopNeedles',
      'recordPassEnded',
      'recordAreaLocked',
      'recordStop',
      'cancelDebounceTimer',
    ]);
    const forehead = h.actor.getSnapshot().context.areas[0];
    expect(forehead).toMatchObject({ punctures: 1200, locked: true, lockReason: 'AREA_PUNCTURE_BUDGET_REACHED' });
  });

  it('S6: a session budget locks every area', () => {
    const h = harness({ plan: homePlan(), mode: 'home', exposureBudgets: { sessionContactMs: 1000 } });
    h.send(...toSession(), ...armEvents('forehead', 250), ...touch(100, 1000, 0, 50));
    const { areas, stops } = h.actor.getSnapshot().context;
    expect(areas.map((a) => a.lockReason)).toEqual([
      'SESSION_CONTACT_TIME_BUDGET_REACHED',
      'SESSION_CONTACT_TIME_BUDGET_REACHED',
    ]);
    expect(stops.at(-1)).toEqual({
      reason: 'SESSION_CONTACT_TIME_BUDGET_REACHED',
      detail: '1000 of 1000 ms',
      area: 'forehead',
    });
  });
});
