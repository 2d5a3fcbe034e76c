// Scenario tests of the controller machine: whole sessions, caps and modes, with exact effects, reasons and states.
import { describe, expect, it } from 'vitest';
import { TelemetryFlag } from '../protocol/index.js';
import type { ControllerEvent } from './events.js';
import {
  ack,
  armEvents,
  clearFacts,
  harness,
  homePlan,
  inputOf,
  planOf,
  proInfo,
  proInput,
  proPlan,
  sampleInfo,
  toSession,
  touch,
} from '../../test/support/machine-harness.js';
import { presentedProfile } from '../../test/support/presented-tokens.js';
import { telemetryOf } from '../../test/support/machine-model.js';

const AWAITING_OPERATOR = { connected: { session: { selectingArea: 'awaitingOperator' } } };
const reserved = (area: string, passNumber: number): ControllerEvent => ({
  type: 'PASS_RESERVED',
  area: area as never,
  passNumber,
});
const claimed = (resumed: { openedPassesByArea: object; usedByArea?: object } | null): ControllerEvent => ({
  type: 'SESSION_CLAIMED',
  claim: { sessionId: 9, resumed: resumed === null ? null : { sessionId: 9, usedByArea: {}, ...resumed } },
});
/** toSession with the claim replaced (a resume). */
const resumedSession = (resumed: Parameters<typeof claimed>[0]) =>
  toSession().map((event) => (event.type === 'SESSION_CLAIMED' ? claimed(resumed) : event));

describe('session flow', () => {
  it('connects, claims, is admitted, sends the depth limit, depth and speed, and reserves the pass before ARM (S1 S5)', () => {
    const h = harness(inputOf(homePlan(2)));
    h.send({ type: 'START_SESSION' });
    expect(h.take()).toEqual(['openLink', 'startTimer']);
    h.send({ type: 'LINK_OPENED' });
    expect(h.take()).toEqual(['cancelTimer', 'sendHello']);
    h.send({ type: 'INFO_RECEIVED', info: sampleInfo() });
    expect(h.take()).toEqual(['sendTelemetryRate', 'claimSession']);
    h.send(claimed(null));
    expect(h.effects.slice(-1)).toEqual([{ type: 'requestAdmissionFacts', sessionId: 9, cartridgeId: 77 }]);
    h.take();
    h.send({ type: 'ADMISSION_FACTS', facts: clearFacts() });
    expect(h.take()).toEqual(['startTimer', 'cancelTimer']);
    expect(h.state()).toEqual(AWAITING_OPERATOR);
    h.send({ type: 'SELECT_AREA', area: 'forehead' });
    expect(h.effects.slice(-3)).toEqual([
      { type: 'sendDepthLimit', limitUm: 250 },
      { type: 'sendDepth', depthUm: 250 },
      { type: 'sendSpeed', strokeHz: 100 },
    ]);
    h.take();
    h.send(ack('SET_DEPTH_LIMIT', 250));
    expect(h.take()).toEqual([]);
    h.send(ack('SET_DEPTH', 250));
    expect(h.take()).toEqual([]);
    h.send(ack('SET_SPEED', 100));
    expect(h.effects.slice(-1)).toEqual([{ type: 'reservePass', area: 'forehead', passNumber: 1 }]);
    expect(h.take()).toEqual(['reservePass']);
    h.send(reserved('forehead', 1));
    expect(h.take()).toEqual(['armDrive']);
    h.send(ack('ARM'));
    expect(h.state()).toEqual({ connected: { session: 'armed' } });
  });

  it('S1: SET_DEPTH_LIMIT goes first, with the commanded depth; ARM waits for all three setup ACKs, in any order', () => {
    const setupAcks = [ack('SET_DEPTH_LIMIT', 200), ack('SET_DEPTH', 200), ack('SET_SPEED', 100)];
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    for (const order of orders) {
      const h = harness(inputOf(homePlan(2)));
      h.send(...toSession());
      h.take();
      h.send({ type: 'SELECT_AREA', area: 'cheeks' });
      expect(h.effects.slice(-3)).toEqual([
        { type: 'sendDepthLimit', limitUm: 200 },
        { type: 'sendDepth', depthUm: 200 },
        { type: 'sendSpeed', strokeHz: 100 },
      ]);
      expect(h.actor.getSnapshot().context.commandedDepthUm).toBe(200);
      h.take();
      h.send(setupAcks[order[0]!]!, setupAcks[order[1]!]!);
      expect(h.take()).toEqual([]);
      // The reservation answered early (a late answer of an earlier request) does not arm either.
      h.send(reserved('cheeks', 1));
      expect(h.take()).toEqual([]);
      expect(h.state()).toEqual({ connected: { session: { arming: 'configuring' } } });
      h.send(setupAcks[order[2]!]!);
      expect(h.take()).toEqual(['reservePass']);
      h.send(reserved('cheeks', 1));
      expect(h.take()).toEqual(['armDrive']);
    }
  });

  it('S1: without the SET_DEPTH_LIMIT ACK the drive is never armed', () => {
    const h = harness(inputOf(homePlan(2)));
    h.send(
      ...toSession(),
      ...armEvents('forehead', 250).filter((e) => !('command' in e && e.command === 'SET_DEPTH_LIMIT')),
    );
    expect(h.state()).toEqual({ connected: { session: { arming: 'configuring' } } });
    expect(h.effects.some((e) => e.type === 'reservePass' || e.type === 'armDrive')).toBe(false);
    h.send(ack('SET_DEPTH', 250), ack('SET_SPEED', 100));
    expect(h.effects.some((e) => e.type === 'armDrive')).toBe(false);
  });

  it('S5: counts passes, merges a bounce, stops at once on the final lift-off and locks the area', () => {
    const h = harness(inputOf(homePlan(2)));
    h.send(...toSession(), ...armEvents('forehead', 250));
    h.take();
    h.send(...touch(1000, 1000, 0, 100));
    expect(h.take()).toEqual(['recordPassStarted', 'startTimer']);
    h.send({ type: 'CONTACT_ON', atMs: 2100, strokeCount: 100 });
    expect(h.effects.slice(-1)).toEqual([{ type: 'cancelTimer', timer: 'passDebounce' }]);
    h.take();
    h.send({ type: 'CONTACT_OFF', atMs: 2500, strokeCount: 150 }, { type: 'PASS_DEBOUNCE_ELAPSED' });
    expect(h.effects.slice(-3)).toEqual([
      { type: 'startTimer', timer: 'passDebounce', delayMs: 150 },
      { type: 'recordPassEnded', area: 'forehead', passNumber: 1, strokes: 150, punctures: 1800, contactMs: 1400 },
      { type: 'reservePass', area: 'forehead', passNumber: 2 },
    ]);
    expect(h.state()).toEqual({ connected: { session: 'reservingNext' } });
    h.send(reserved('forehead', 2));
    h.take();
    h.send({ type: 'CONTACT_ON', atMs: 4000, strokeCount: 300 });
    expect(h.take()).toEqual(['recordPassStarted']);
    h.send({ type: 'CONTACT_OFF', atMs: 5000, strokeCount: 400 });
    expect(h.take()).toEqual(['stopNeedles', 'recordPassEnded', 'recordAreaLocked', 'recordStop']);
    expect(h.state()).toEqual(AWAITING_OPERATOR);
    const forehead = h.actor.getSnapshot().context.areas[0];
    expect(forehead).toMatchObject({ passes: 2, passesOpened: 2, strokes: 250, punctures: 3000, contactMs: 2400 });
    expect(forehead).toMatchObject({ locked: true, lockReason: 'PASS_LIMIT_REACHED' });
    h.send({ type: 'CONTACT_ON', atMs: 5010, strokeCount: 400 }, { type: 'CONTACT_OFF', atMs: 6000, strokeCount: 500 });
    expect(h.actor.getSnapshot().context.areas[0]?.passes).toBe(2);
    h.send({ type: 'SELECT_AREA', area: 'forehead' });
    expect(h.actor.getSnapshot().context.refusals.at(-1)).toEqual({ reason: 'AREA_LOCKED', detail: 'forehead' });
  });

  it('S5: an operator attempting more passes than allowed gets exactly the limit', () => {
    const h = harness(inputOf(homePlan(3)));
    h.send(...toSession(), ...armEvents('cheeks', 200));
    let atMs = 1000;
    for (let attempt = 0; attempt < 8; attempt += 1) {
      h.send(
        ...touch(atMs, 500, attempt * 100, 50),
        { type: 'PASS_DEBOUNCE_ELAPSED' },
        reserved('cheeks', attempt + 2),
      );
      atMs += 1000;
    }
    const cheeks = h.actor.getSnapshot().context.areas[1];
    expect(cheeks).toMatchObject({ passes: 3, passesOpened: 3, locked: true, strokes: 150 });
    expect(h.effects.filter((effect) => effect.type === 'reservePass')).toHaveLength(3);
    expect(h.effects.filter((effect) => effect.type === 'stopNeedles')).toHaveLength(1);
  });

  it('FINISH completes the session; an unused reservation is not a performed pass', () => {
    const h = harness(inputOf(homePlan(4)));
    h.send(...toSession(), ...armEvents('forehead', 250), ...touch(1000, 500, 0, 60), {
      type: 'PASS_DEBOUNCE_ELAPSED',
    });
    h.send(reserved('forehead', 2));
    h.take();
    h.send({ type: 'FINISH' });
    expect(h.take()).toEqual(['stopNeedles', 'recordStop', 'cancelAllTimers', 'recordSessionEnded']);
    expect(h.effects.slice(-1)).toEqual([
      { type: 'recordSessionEnded', outcome: 'completed', reason: 'OPERATOR_FINISH' },
    ]);
    const snapshot = h.actor.getSnapshot();
    expect(snapshot.status).toBe('done');
    expect(snapshot.context.outcome).toBe('completed');
    expect(snapshot.context.areas[0]).toMatchObject({ passes: 1, passesOpened: 2, locked: false });
    expect(snapshot.output?.outcome).toBe('completed');
  });

  it('S5: resumes from the passes opened before; a resumed count at the limit locks the area, and the session completes itself', () => {
    const h = harness(inputOf(homePlan(3)));
    const session = resumedSession({ openedPassesByArea: { forehead: 2, cheeks: 3 } });
    h.send(...session.slice(0, 3));
    h.take();
    h.send(session[3]!);
    // The lock the resume brings is recorded at the claim, before the admission is asked for (S8).
    expect(h.effects.slice(-2)).toEqual([
      { type: 'recordAreaLocked', area: 'cheeks', reason: 'PASS_LIMIT_REACHED' },
      { type: 'requestAdmissionFacts', sessionId: 9, cartridgeId: 77 },
    ]);
    h.send(...session.slice(4), ...armEvents('forehead', 250, 100, 3));
    expect(h.effects.find((effect) => effect.type === 'reservePass')).toEqual({
      type: 'reservePass',
      area: 'forehead',
      passNumber: 3,
    });
    h.send(...touch(1000, 500, 0, 60));
    expect(h.actor.getSnapshot().context.areas.map((a) => [a.passes, a.locked])).toEqual([
      [3, true],
      [3, true],
    ]);
    expect(h.state()).toBe('completed');
    expect(h.actor.getSnapshot().context).toMatchObject({ outcome: 'completed', outcomeReason: 'PLAN_COMPLETE' });
    expect(h.effects.filter((e) => e.type === 'recordAreaLocked')).toEqual([
      { type: 'recordAreaLocked', area: 'cheeks', reason: 'PASS_LIMIT_REACHED' },
      { type: 'recordAreaLocked', area: 'forehead', reason: 'PASS_LIMIT_REACHED' },
    ]);
  });

  it('S5 S4: an untrustworthy resumed count locks the area with SETTING_INVALID', () => {
    const h = harness(inputOf(homePlan(3)));
    h.send(...resumedSession({ openedPassesByArea: { cheeks: NaN, forehead: 1 } }).slice(0, 4));
    expect(h.effects.filter((e) => e.type === 'recordAreaLocked')).toEqual([
      { type: 'recordAreaLocked', area: 'cheeks', reason: 'PASS_LIMIT_REACHED' },
    ]);
    const context = h.actor.getSnapshot().context;
    expect(context.areas[1]).toMatchObject({ locked: true, passes: 3, lockReason: 'PASS_LIMIT_REACHED' });
    expect(context.areas[0]).toMatchObject({ locked: false, passes: 1, passesOpened: 1 });
    expect(context.clamps).toEqual([
      { reason: 'SETTING_INVALID', detail: 'priorPasses=NaN: area locked', area: 'cheeks' },
    ]);
  });

  it('S5: a contact sensed before ARM starts the pass when ARM is acknowledged', () => {
    const h = harness(inputOf(homePlan(2)));
    h.send(...toSession(), ...armEvents('forehead', 250).slice(0, -1));
    expect(h.state()).toEqual({ connected: { session: { arming: 'awaitingArm' } } });
    h.send({ type: 'CONTACT_ON', atMs: 900, strokeCount: 0 }, ack('ARM'));
    expect(h.state()).toEqual({ connected: { session: { treating: 'passInProgress' } } });
    expect(h.actor.getSnapshot().context.areas[0]?.passes).toBe(1);
    expect(h.effects.slice(-1)).toEqual([{ type: 'recordPassStarted', area: 'forehead', passNumber: 1, atMs: 900 }]);
  });

  it('S5: telemetry showing contact counts a pass when the contact edge was lost', () => {
    const h = harness(inputOf(homePlan(2)));
    h.send(...toSession(), ...armEvents('forehead', 250));
    h.send(
      telemetryOf({
        measuredDepthUm: 240,
        strokeCount: 10,
        flags: TelemetryFlag.CONTACT,
        commandedDepthUm: 250,
        deviceTickMs: 1000,
      }),
    );
    expect(h.state()).toEqual({ connected: { session: { treating: 'passInProgress' } } });
    expect(h.actor.getSnapshot().context.areas[0]).toMatchObject({ passes: 1, maxMeasuredDepthUm: 240 });
  });
});

describe('caps and modes', () => {
  it('S2 S9: home mode on a pro SKU gets the home cap; plan depth is floored to the step (S3), speed clamped (S7)', () => {
    const plan = planOf({ mode: 'home', areas: [{ area: 'chin', depthMm: 0.24, passes: 1, strokeHz: 150 }] });
    const h = harness(inputOf(plan));
    h.send(...toSession(proInfo({ maxStrokeHz: 140 })), { type: 'SELECT_AREA', area: 'chin' });
    expect(
      h.effects.filter((e) => e.type === 'sendDepthLimit' || e.type === 'sendDepth' || e.type === 'sendSpeed'),
    ).toEqual([
      { type: 'sendDepthLimit', limitUm: 200 },
      { type: 'sendDepth', depthUm: 200 },
      { type: 'sendSpeed', strokeHz: 140 },
    ]);
    const clamps = [
      { reason: 'DEPTH_FLOORED_TO_STEP', detail: '240 um floored to 200 um', area: 'chin' },
      { reason: 'SPEED_CLAMPED_TO_PEN_RANGE', detail: 'plan 150 Hz, sent 140 Hz', area: 'chin' },
    ];
    expect(h.actor.getSnapshot().context.clamps).toEqual(clamps);
    expect(h.effects.filter((e) => e.type === 'recordClamp')).toEqual(
      clamps.map((c) => ({ type: 'recordClamp', ...c })),
    );
  });

  it('S2: a lower SKU maximum in INFO binds and the clamp carries its reason', () => {
    const plan = planOf({ mode: 'pro', areas: [{ area: 'cheeks', depthMm: 1.5, passes: 1 }] });
    const h = harness(proInput(plan));
    h.send(...toSession(proInfo({ maxDepthUm: 1000 })), { type: 'SELECT_AREA', area: 'cheeks' });
    expect(h.effects.find((e) => e.type === 'sendDepth')).toEqual({ type: 'sendDepth', depthUm: 1000 });
    expect(h.effects.find((e) => e.type === 'sendDepthLimit')).toEqual({ type: 'sendDepthLimit', limitUm: 1000 });
    expect(h.actor.getSnapshot().context.clamps).toEqual([
      { reason: 'DEPTH_CLAMPED_TO_SKU_CAP', detail: 'plan 1500 um, sku cap 1000 um', area: 'cheeks' },
    ]);
  });

  it('S2: a clinic profile cap lowers the area cap, with its reason', () => {
    const profile = presentedProfile({ name: 'Clinic', areaCapsUm: { cheeks: 1200 } });
    const h = harness(proInput(proPlan(), { profile }));
    h.send(...toSession(proInfo()), { type: 'SELECT_AREA', area: 'cheeks' });
    expect(h.effects.find((e) => e.type === 'sendDepth')).toEqual({ type: 'sendDepth', depthUm: 1200 });
    expect(h.effects.find((e) => e.type === 'sendDepthLimit')).toEqual({ type: 'sendDepthLimit', limitUm: 1200 });
    expect(h.actor.getSnapshot().context.clamps).toContainEqual({
      reason: 'DEPTH_CLAMPED_TO_PROFILE_CAP',
      detail: 'plan 1500 um, profile cap 1200 um',
      area: 'cheeks',
    });
  });

  it('S9: a professional session without a credential is refused PRO_CREDENTIAL_MISSING before any depth is sent', () => {
    const h = harness(inputOf(proPlan()));
    h.send(...toSession(proInfo()));
    const snapshot = h.actor.getSnapshot();
    expect(snapshot.value).toBe('refused');
    expect(snapshot.context).toMatchObject({
      outcome: 'refused',
      outcomeReason: 'PRO_CREDENTIAL_MISSING',
      unlock: null,
    });
    expect(h.effects.some((e) => e.type === 'sendDepth' || e.type === 'sendDepthLimit')).toBe(false);
    expect(snapshot.context.refusals).toEqual([
      { reason: 'PRO_CREDENTIAL_MISSING', detail: 'no professional credential presented' },
    ]);
  });

  it('S9: professional mode on a home SKU is refused PRO_MODE_NEEDS_PRO_SKU', () => {
    const h = harness(proInput());
    h.send({ type: 'START_SESSION' }, { type: 'LINK_OPENED' }, { type: 'INFO_RECEIVED', info: sampleInfo() });
    expect(h.actor.getSnapshot().context).toMatchObject({
      outcome: 'refused',
      outcomeReason: 'PRO_MODE_NEEDS_PRO_SKU',
    });
    expect(h.effects.some((e) => e.type === 'claimSession')).toBe(false);
  });

  it('refuses another protocol version and a plan for another mode', () => {
    const h = harness(inputOf(homePlan()));
    h.send(...toSession(sampleInfo({ protocolVersion: 9 })).slice(0, 3));
    expect(h.actor.getSnapshot().context.refusals).toEqual([
      { reason: 'PROTOCOL_VERSION_UNSUPPORTED', detail: 'pen speaks protocol 9, SKU 1' },
    ]);
    const mismatch = harness(proInput(homePlan(), { mode: 'pro' }));
    mismatch.send(...toSession(proInfo()));
    expect(mismatch.actor.getSnapshot().context).toMatchObject({
      outcomeReason: 'PLAN_MODE_MISMATCH',
      unlock: null,
      refusals: [{ reason: 'PLAN_MODE_MISMATCH', detail: 'the plan is written for the other mode' }],
    });
  });

  it('S8: an operator input the state does not take is refused with a reason, not dropped', () => {
    const h = harness(inputOf(homePlan()));
    h.send({ type: 'START_SESSION' }, { type: 'LINK_OPENED' }, { type: 'INFO_RECEIVED', info: sampleInfo() });
    h.take();
    h.send({ type: 'SELECT_AREA', area: 'forehead' }, { type: 'RESUME' }, { type: 'START_SESSION' });
    expect(h.state()).toEqual({ connected: 'claiming' });
    expect(h.actor.getSnapshot().context.refusals).toEqual([
      { reason: 'INPUT_NOT_ACCEPTED_NOW', detail: 'forehead' },
      { reason: 'INPUT_NOT_ACCEPTED_NOW', detail: 'RESUME' },
      { reason: 'INPUT_NOT_ACCEPTED_NOW', detail: 'START_SESSION' },
    ]);
    expect(h.take()).toEqual(['recordRefusal', 'recordRefusal', 'recordRefusal']);
  });

  it('S19: a session without a cartridge is refused by the admission rules; one without needles at the start', () => {
    const none = harness(inputOf(homePlan()));
    none.send(...toSession(sampleInfo({ cartridgeId: 0, needleCount: 0 })));
    expect(none.actor.getSnapshot().context).toMatchObject({ outcome: 'refused', outcomeReason: 'CARTRIDGE_MISSING' });
    const empty = harness(inputOf(homePlan()));
    empty.send(...toSession(sampleInfo({ needleCount: 0 })));
    expect(empty.actor.getSnapshot().context).toMatchObject({
      outcome: 'refused',
      outcomeReason: 'NO_CARTRIDGE',
      refusals: [{ reason: 'NO_CARTRIDGE', detail: 'no cartridge with needles in the pen' }],
    });
  });
});
