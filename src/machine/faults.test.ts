// Scenario tests of the pen's answers and of what ends the drive: NAKs, clamps, faults, stops (S1, S6, S8, S13).
import { describe, expect, it } from 'vitest';
import { Fault, PenState, Reason } from '../protocol/index.js';
import type { ControllerEvent } from './events.js';
import {
  ack,
  armEvents,
  harness,
  homePlan,
  inputOf,
  sampleInfo,
  toSession,
  touch,
} from '../../test/support/machine-harness.js';
import { telemetryOf } from '../../test/support/machine-model.js';

const AWAITING_OPERATOR = { connected: { session: { selectingArea: 'awaitingOperator' } } };
const reserved = (area: string, passNumber: number): ControllerEvent => ({
  type: 'PASS_RESERVED',
  area: area as never,
  passNumber,
});

describe('pen answers', () => {
  it('S8: a NAK during arming is kept with the pen reason and arming stops', () => {
    const h = harness(inputOf(homePlan()));
    h.send(...toSession(), ...armEvents('forehead', 250).slice(0, -1));
    expect(h.state()).toEqual({ connected: { session: { arming: 'awaitingArm' } } });
    h.take();
    h.send({ type: 'COMMAND_NAKED', command: 'ARM', reason: Reason.NO_CARTRIDGE });
    expect(h.take()).toEqual(['stopNeedles', 'recordRefusal']);
    expect(h.state()).toEqual(AWAITING_OPERATOR);
    expect(h.actor.getSnapshot().context.refusals).toEqual([
      { reason: 'PEN_NO_CARTRIDGE', detail: 'ARM refused', area: 'forehead' },
    ]);
  });

  it('S8: a clamp note from the pen is kept with its reason and recorded', () => {
    const h = harness(inputOf(homePlan()));
    h.send(
      ...toSession(),
      { type: 'SELECT_AREA', area: 'forehead' },
      ack('SET_DEPTH', 200, Reason.DEPTH_FLOORED_TO_STEP),
    );
    const clamp = { reason: 'PEN_DEPTH_FLOORED_TO_STEP', detail: 'SET_DEPTH applied 200', area: 'forehead' };
    expect(h.actor.getSnapshot().context.clamps).toEqual([clamp]);
    expect(h.effects.slice(-1)).toEqual([{ type: 'recordClamp', ...clamp }]);
  });

  it('S1: a pen applying more depth than sent is a latched fault', () => {
    const h = harness(inputOf(homePlan()));
    h.send(...toSession(), { type: 'SELECT_AREA', area: 'forehead' }, ack('SET_DEPTH', 300));
    expect(h.state()).toBe('fault');
    expect(h.actor.getSnapshot().context.faults).toEqual([
      { code: 0, reason: 'PEN_DEPTH_ABOVE_COMMAND', detail: 'SET_DEPTH applied 300 um' },
    ]);
  });

  it('S1: a pen applying a deeper depth limit than sent is a latched fault: the drive is never armed', () => {
    const h = harness(inputOf(homePlan()));
    h.send(...toSession(), { type: 'SELECT_AREA', area: 'cheeks' }, ack('SET_DEPTH', 200), ack('SET_SPEED', 100));
    h.take();
    h.send(ack('SET_DEPTH_LIMIT', 250));
    expect(h.state()).toBe('fault');
    expect(h.take()).toEqual(['stopNeedles', 'recordFault', 'cancelAllTimers', 'recordSessionEnded']);
    expect(h.actor.getSnapshot().context).toMatchObject({
      faults: [{ code: 0, reason: 'PEN_DEPTH_ABOVE_COMMAND', detail: 'SET_DEPTH_LIMIT applied 250 um' }],
      outcome: 'fault',
      outcomeReason: 'PEN_DEPTH_ABOVE_COMMAND',
    });
    h.send({ type: 'PASS_RESERVED', area: 'cheeks', passNumber: 1 }, ack('ARM'));
    expect(h.effects.some((e) => e.type === 'reservePass' || e.type === 'armDrive')).toBe(false);
  });

  it('S8: a depth limit the pen floors is kept as a clamp with its reason; the arming goes on', () => {
    const h = harness(inputOf(homePlan()));
    h.send(...toSession(), { type: 'SELECT_AREA', area: 'cheeks' });
    h.send(ack('SET_DEPTH_LIMIT', 150, Reason.DEPTH_FLOORED_TO_STEP), ack('SET_DEPTH', 150), ack('SET_SPEED', 100));
    const clamp = { reason: 'PEN_DEPTH_FLOORED_TO_STEP', detail: 'SET_DEPTH_LIMIT applied 150', area: 'cheeks' };
    expect(h.actor.getSnapshot().context.clamps).toEqual([clamp]);
    expect(h.effects).toContainEqual({ type: 'recordClamp', ...clamp });
    expect(h.state()).toEqual({ connected: { session: { arming: 'reserving' } } });
  });

  it('a NAK CANCELLED_BY_STOP (a command our own STOP discarded) is no refusal: nothing recorded, the state kept', () => {
    const cancelled = (
      command: 'SET_DEPTH_LIMIT' | 'SET_DEPTH' | 'SET_SPEED' | 'ARM' | 'HEARTBEAT',
    ): ControllerEvent => ({
      type: 'COMMAND_NAKED',
      command,
      reason: Reason.CANCELLED_BY_STOP,
    });
    // Paused (the connected level): the ARM the pause's STOP discarded.
    const paused = harness(inputOf(homePlan(3)));
    paused.send(...toSession(), ...armEvents('forehead', 250).slice(0, -1), { type: 'PAUSE' });
    paused.take();
    paused.send(cancelled('ARM'), cancelled('HEARTBEAT'));
    expect(paused.take()).toEqual([]);
    expect(paused.state()).toEqual({ connected: { session: 'paused' } });
    expect(paused.actor.getSnapshot().context.refusals).toEqual([]);
    // Arming again after PASS_NOT_RESERVED: the heartbeat the STOP discarded does not refuse the arming.
    const rearming = harness(inputOf(homePlan(3)));
    rearming.send(...toSession(), ...armEvents('forehead', 250), ...touch(100, 500, 0, 40));
    rearming.send({ type: 'PASS_DEBOUNCE_ELAPSED' }, { type: 'CONTACT_ON', atMs: 2000, strokeCount: 40 });
    rearming.take();
    /** The NAKs change nothing in the arming state `state`. */
    const ignoredIn = (state: string) => {
      rearming.send(cancelled('HEARTBEAT'), cancelled('SET_DEPTH'));
      expect(rearming.take()).toEqual([]);
      expect(rearming.state()).toEqual({ connected: { session: { arming: state } } });
    };
    ignoredIn('configuring');
    rearming.send(ack('SET_DEPTH_LIMIT', 250), ack('SET_DEPTH', 250), ack('SET_SPEED', 100));
    ignoredIn('awaitingReservation');
    rearming.send(reserved('forehead', 2));
    expect(rearming.take()).toEqual(['armDrive']);
    ignoredIn('awaitingArm');
    const { context } = rearming.actor.getSnapshot();
    expect(context.refusals).toEqual([]);
    expect(context.areas[0]).toMatchObject({ refusedArmings: 0, passesOpened: 2 });
    rearming.send(ack('ARM'));
    expect(rearming.state()).toEqual({ connected: { session: { treating: 'passInProgress' } } });
  });

  it('in plan order a NAK CANCELLED_BY_STOP while arming is not a refused arming: no retry counted, the arming goes on', () => {
    const h = harness(inputOf(homePlan(1), { areaOrder: 'plan' }));
    h.send(...toSession(), { type: 'NEXT_AREA_DUE' });
    h.take();
    h.send({ type: 'COMMAND_NAKED', command: 'SET_DEPTH_LIMIT', reason: Reason.CANCELLED_BY_STOP });
    expect(h.take()).toEqual([]);
    expect(h.state()).toEqual({ connected: { session: { arming: 'configuring' } } });
    expect(h.actor.getSnapshot().context.areas[0]?.refusedArmings).toBe(0);
    h.send(...armEvents('forehead', 250).slice(1));
    expect(h.state()).toEqual({ connected: { session: 'armed' } });
  });

  it('S1: measured depth above cap + 50 um is a latched fault', () => {
    const h = harness(inputOf(homePlan()));
    h.send(...toSession(), ...armEvents('cheeks', 200));
    h.take();
    h.send(telemetryOf({ measuredDepthUm: 251, commandedDepthUm: 200 }));
    expect(h.state()).toBe('fault');
    expect(h.take()).toEqual(['stopNeedles', 'recordFault', 'cancelAllTimers', 'recordSessionEnded']);
    expect(h.actor.getSnapshot().context.faults[0]).toEqual({
      code: Fault.OVER_DEPTH,
      reason: 'MEASURED_DEPTH_ABOVE_CAP',
      detail: 'measured 251 um > cap 200 + 50 um',
    });
  });

  it('S13: the pen stopping the drive by itself while treating is a fault; the pass is ended and counted', () => {
    const h = harness(inputOf(homePlan(3)));
    h.send(...toSession(), ...armEvents('forehead', 250), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
    h.send(telemetryOf({ measuredDepthUm: 250, strokeCount: 40, flags: 1, commandedDepthUm: 250, deviceTickMs: 500 }));
    h.take();
    h.send({ type: 'PEN_STOPPED', reason: Reason.STOP_LEASE_LAPSED });
    expect(h.take()).toEqual([
      'stopNeedles',
      'recordFault',
      'recordPassEnded',
      'cancelAllTimers',
      'recordSessionEnded',
    ]);
    expect(h.state()).toBe('fault');
    expect(h.actor.getSnapshot().context.faults).toEqual([
      { code: 0, reason: 'PEN_STOPPED', detail: 'the pen stopped the drive by itself: STOP_LEASE_LAPSED' },
    ]);
    expect(h.actor.getSnapshot().context.areas[0]).toMatchObject({ passes: 1, strokes: 40, contactMs: 400 });
  });

  it('S13: the echo of our own STOP is not a fault', () => {
    const h = harness(inputOf(homePlan(3)));
    h.send(...toSession(), ...armEvents('forehead', 250));
    h.take();
    h.send({ type: 'PEN_STOPPED', reason: Reason.STOP_HOST }, { type: 'PEN_STOPPED', reason: Reason.STOP_ESTOP });
    expect(h.state()).toEqual({ connected: { session: 'armed' } });
    expect(h.take()).toEqual([]);
  });

  it('PAUSE ends and counts the pass; RESUME re-arms only after all three setup ACKs, and reserves the next pass', () => {
    const h = harness(inputOf(homePlan(3)));
    h.send(...toSession(), ...armEvents('forehead', 250), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
    h.send(telemetryOf({ measuredDepthUm: 250, strokeCount: 40, flags: 1, commandedDepthUm: 250, deviceTickMs: 500 }));
    h.take();
    h.send({ type: 'PAUSE' });
    expect(h.take()).toEqual(['stopNeedles', 'cancelTimer', 'recordPassEnded', 'recordStop']);
    expect(h.state()).toEqual({ connected: { session: 'paused' } });
    expect(h.actor.getSnapshot().context.stops.at(-1)).toEqual({
      reason: 'OPERATOR_PAUSE',
      detail: 'operator',
      area: 'forehead',
    });
    expect(h.actor.getSnapshot().context.areas[0]).toMatchObject({ passes: 1, strokes: 40, contactMs: 400 });
    h.send({ type: 'RESUME' });
    expect(h.take()).toEqual(['sendDepthLimit', 'sendDepth', 'sendSpeed']);
    expect(h.actor.getSnapshot().context.acks).toEqual({ depthLimit: false, depth: false, speed: false });
    h.send(ack('SET_DEPTH', 250));
    expect(h.take()).toEqual([]);
    h.send(ack('SET_DEPTH_LIMIT', 250));
    expect(h.take()).toEqual([]);
    h.send(ack('SET_SPEED', 100));
    expect(h.effects.slice(-1)).toEqual([{ type: 'reservePass', area: 'forehead', passNumber: 2 }]);
  });
});

describe('faults and stops (S13)', () => {
  const treatingHarness = () => {
    const h = harness(inputOf(homePlan()));
    h.send(...toSession(), ...armEvents('forehead', 250), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
    h.take();
    return h;
  };

  it('S13: a pen fault while treating latches; nothing leaves it, RESET only resets the pen', () => {
    const h = treatingHarness();
    h.send({ type: 'PEN_FAULT', faultCode: Fault.MOTOR_STALL });
    expect(h.take()).toEqual([
      'stopNeedles',
      'recordFault',
      'recordPassEnded',
      'cancelAllTimers',
      'recordSessionEnded',
    ]);
    const nothingLeaves: ControllerEvent[] = [
      { type: 'RESUME' },
      { type: 'START_SESSION' },
      { type: 'SELECT_AREA', area: 'forehead' },
      ack('ARM'),
      { type: 'CONTACT_ON', atMs: 900, strokeCount: 0 },
      { type: 'LINK_OPENED' },
      { type: 'INFO_RECEIVED', info: sampleInfo() },
      { type: 'NEXT_AREA_DUE' },
      reserved('forehead', 2),
      { type: 'FINISH' },
      { type: 'STOP' },
      { type: 'RESET' },
      { type: 'ESTOP' },
      { type: 'RESET' },
    ];
    for (const event of nothingLeaves) {
      h.send(event);
      expect(h.state()).toBe('fault');
    }
    expect(h.actor.getSnapshot().context).toMatchObject({ outcome: 'fault', outcomeReason: 'PEN_FAULT' });
    const effects = h.take();
    expect(
      effects.filter((type) => ['sendDepthLimit', 'sendDepth', 'sendSpeed', 'armDrive', 'openLink'].includes(type)),
    ).toEqual([]);
    expect(effects.filter((type) => type === 'resetPen')).toHaveLength(2);
    expect(effects).toContain('emergencyStop');
  });

  it('S13: LINK_DEAD and CARTRIDGE_REMOVED latch a fault with their reasons', () => {
    const dead = treatingHarness();
    dead.send({ type: 'LINK_DEAD', reason: 'HEARTBEAT_TIMEOUT' });
    expect(dead.actor.getSnapshot().context.faults).toEqual([
      { code: 0, reason: 'LINK_DEAD', detail: 'HEARTBEAT_TIMEOUT' },
    ]);
    const removed = treatingHarness();
    removed.send({ type: 'CARTRIDGE_REMOVED' });
    expect(removed.actor.getSnapshot().context.faults[0]).toMatchObject({
      code: Fault.CARTRIDGE_REMOVED,
      reason: 'CARTRIDGE_REMOVED',
    });
    expect(removed.actor.getSnapshot().context.outcomeReason).toBe('CARTRIDGE_REMOVED');
  });

  it('S13: ESTOP sends the realtime emergency stop first and ends in emergencyStop', () => {
    const h = treatingHarness();
    h.send({ type: 'ESTOP' });
    expect(h.take()).toEqual([
      'emergencyStop',
      'recordPassEnded',
      'recordStop',
      'cancelAllTimers',
      'recordSessionEnded',
    ]);
    expect(h.state()).toBe('emergencyStop');
    expect(h.actor.getSnapshot().context).toMatchObject({ outcome: 'emergencyStop', outcomeReason: 'EMERGENCY_STOP' });
    h.send({ type: 'RESUME' }, { type: 'RESET' });
    expect(h.state()).toBe('emergencyStop');
    expect(h.take()).toEqual(['recordRefusal', 'resetPen']);
  });

  it('STOP aborts with the needles stopped first', () => {
    const h = treatingHarness();
    h.send({ type: 'STOP' });
    expect(h.take()).toEqual(['stopNeedles', 'recordPassEnded', 'recordStop', 'cancelAllTimers', 'recordSessionEnded']);
    expect(h.actor.getSnapshot().context).toMatchObject({ outcome: 'aborted', outcomeReason: 'OPERATOR_STOP' });
  });

  it('S6: an exposure budget reached during contact stops at once and locks the area', () => {
    const h = harness(inputOf(homePlan(), { exposureBudgets: { areaPunctures: 1200 } }));
    h.send(...toSession(), ...armEvents('forehead', 250), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
    h.take();
    h.send(telemetryOf({ measuredDepthUm: 250, strokeCount: 100, flags: 1, commandedDepthUm: 250, deviceTickMs: 600 }));
    expect(h.take()).toEqual(['stopNeedles', 'recordPassEnded', 'recordStop', 'recordAreaLocked']);
    const forehead = h.actor.getSnapshot().context.areas[0];
    expect(forehead).toMatchObject({ punctures: 1200, locked: true, lockReason: 'AREA_PUNCTURE_BUDGET_REACHED' });
    expect(h.actor.getSnapshot().context.stops.at(-1)).toEqual({
      reason: 'AREA_PUNCTURE_BUDGET_REACHED',
      detail: '1200 of 1200 punctures',
      area: 'forehead',
    });
  });

  it('S6: a session budget locks every area, and the session completes by itself', () => {
    const h = harness(inputOf(homePlan(), { exposureBudgets: { sessionContactMs: 1000 } }));
    h.send(...toSession(), ...armEvents('forehead', 250), ...touch(100, 1000, 0, 50));
    const { areas, stops, outcome, outcomeReason } = h.actor.getSnapshot().context;
    expect(areas.map((a) => a.lockReason)).toEqual([
      'SESSION_CONTACT_TIME_BUDGET_REACHED',
      'SESSION_CONTACT_TIME_BUDGET_REACHED',
    ]);
    expect(stops.at(-1)).toEqual({
      reason: 'SESSION_CONTACT_TIME_BUDGET_REACHED',
      detail: '1000 of 1000 ms',
      area: 'forehead',
    });
    expect({ outcome, outcomeReason }).toEqual({ outcome: 'completed', outcomeReason: 'PLAN_COMPLETE' });
    expect(h.effects.filter((e) => e.type === 'recordAreaLocked')).toHaveLength(2);
  });

  it('S13: a pen reporting a latched fault at INFO is a fault before anything is claimed', () => {
    const h = harness(inputOf(homePlan()));
    h.send(...toSession(sampleInfo({ state: PenState.FAULT, faultCode: Fault.BROWN_OUT })));
    expect(h.state()).toBe('fault');
    expect(h.actor.getSnapshot().context.faults).toEqual([
      { code: Fault.BROWN_OUT, reason: 'PEN_FAULT', detail: 'INFO BROWN_OUT' },
    ]);
    expect(h.effects.some((e) => e.type === 'claimSession')).toBe(false);
  });
});
