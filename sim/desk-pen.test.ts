// The desk pen: desk STOP/ESTOP through the firmware, link faults on the port path, injection outcomes, punctures, a closed port.
import { afterEach, describe, expect, it } from 'vitest';
import { LEASE_MS } from '../src/limits/index.js';
import { Fault, PenState, Reason, encodeFrame, slipEncode } from '../src/protocol/index.js';
import { createDeskHarness, type DeskHarness } from '../test/support/desk-harness.js';
import type { InjectionOutcome } from './injection-watch.js';

let harness: DeskHarness | undefined;
afterEach(() => harness?.close());

function watchOutcomes(h: DeskHarness): Map<number, InjectionOutcome> {
  const outcomes = new Map<number, InjectionOutcome>();
  h.desk.observe({ transmitted: () => {}, received: () => {}, injection: (o) => void outcomes.set(o.id, o) });
  return outcomes;
}

describe('desk STOP and ESTOP', () => {
  it('the desk STOP stops an armed pen with STOP_HOST; the host link sees no answer it did not ask for', async () => {
    const h = (harness = createDeskHarness());
    await h.arm();
    const stops: number[] = [];
    h.link.on('stopped', (payload) => stops.push(payload.reason));
    expect(h.desk.requestRealtime('STOP')).toBe(true);
    await h.advance(50);
    expect(h.desk.diagnostics().state).toBe(PenState.IDLE);
    expect(h.desk.diagnostics().lastStopReason).toBe(Reason.STOP_HOST);
    expect(stops).toEqual([Reason.STOP_HOST]);
    expect(h.link.stats.unmatchedAnswers).toBe(0);
    expect(h.link.isConnected).toBe(true);
  });

  it('S13: the desk ESTOP latches FAULT ESTOP; the host is told by EVENT_FAULT', async () => {
    const h = (harness = createDeskHarness());
    await h.arm();
    const faults: number[] = [];
    h.link.on('fault', (payload) => faults.push(payload.faultCode));
    h.desk.requestRealtime('ESTOP');
    await h.advance(30);
    expect(h.desk.diagnostics().faultCode).toBe(Fault.ESTOP);
    expect(faults).toEqual([Fault.ESTOP]);
    expect(h.desk.pen.hardware.motor.commandHz).toBe(0);
  });

  it('a desk frame waits for the end of a host frame split across reads: the host frame is not cut', async () => {
    const h = (harness = createDeskHarness());
    await h.arm();
    const heartbeat = slipEncode(encodeFrame('HEARTBEAT', 1, {}));
    h.link.stopHeartbeat();
    const droppedBefore = h.desk.diagnostics().droppedFrames;
    h.ports.host.write(Buffer.from(heartbeat.subarray(0, 4)));
    await h.advance(1);
    h.desk.requestRealtime('STOP');
    await h.advance(1);
    expect(h.desk.diagnostics().state).toBe(PenState.ARMED);
    h.ports.host.write(Buffer.from(heartbeat.subarray(4)));
    await h.advance(2);
    expect(h.desk.diagnostics().state).toBe(PenState.IDLE);
    expect(h.desk.diagnostics().droppedFrames).toBe(droppedBefore);
  });
});

describe('fault injection on the real-port path', () => {
  it('S10: link-drop while armed: the lease lapses, the drive stops and the needles retract; the outcome says so', async () => {
    const h = (harness = createDeskHarness());
    const outcomes = watchOutcomes(h);
    await h.arm();
    const injected = h.desk.inject({ kind: 'link-drop' });
    expect(injected.wasSafe).toBe(false);
    await h.until(() => outcomes.get(injected.id)?.done === true, 3000, 'outcome done');
    const outcome = outcomes.get(injected.id) as InjectionOutcome;
    expect(outcome.stopReason).toBe(Reason.STOP_LEASE_LAPSED);
    expect(outcome.stoppedAfterMs).toBeLessThanOrEqual(LEASE_MS + 1);
    expect(outcome.safeAfterMs).toBeGreaterThanOrEqual(outcome.stoppedAfterMs as number);
    expect(outcome.safeAfterMs).toBeLessThan(LEASE_MS + 100);
    expect(h.desk.pen.hardware.actuator.physicalUm).toBe(0);
  });

  it('S13: over-current while armed latches OVER_CURRENT and the pen is safe within ms', async () => {
    const h = (harness = createDeskHarness());
    const outcomes = watchOutcomes(h);
    await h.arm();
    const injected = h.desk.inject({ kind: 'over-current' });
    await h.until(() => outcomes.get(injected.id)?.done === true, 3000, 'outcome done');
    const outcome = outcomes.get(injected.id) as InjectionOutcome;
    expect(outcome.latchedFault).toBe(Fault.OVER_CURRENT);
    expect(outcome.stopReason).toBe(Reason.STOP_FAULT);
    expect(outcome.safeAfterMs).not.toBeNull();
    expect(outcome.safeAfterMs as number).toBeLessThan(100);
  });

  it('S13: brown-out while armed: the firmware latches BROWN_OUT on the collapsed supply before its reboot', async () => {
    const h = (harness = createDeskHarness());
    const outcomes = watchOutcomes(h);
    await h.arm();
    const injected = h.desk.inject({ kind: 'brown-out', rebootAfterMs: 50 });
    await h.until(() => outcomes.get(injected.id)?.done === true, 3100, 'outcome done');
    expect(outcomes.get(injected.id)).toMatchObject({ latchedFault: Fault.BROWN_OUT, stopReason: Reason.STOP_FAULT });
    expect(outcomes.get(injected.id)?.safeAfterMs).not.toBeNull();
  });

  it('S17: an instant brown-out reboots the pen: the drive stops with the power, the pen homes and ends retracted', async () => {
    const h = (harness = createDeskHarness());
    const outcomes = watchOutcomes(h);
    await h.arm();
    const injected = h.desk.inject({ kind: 'brown-out', rebootAfterMs: 0 });
    await h.until(() => outcomes.get(injected.id)?.done === true, 3100, 'outcome done');
    const outcome = outcomes.get(injected.id) as InjectionOutcome;
    expect(outcome).toMatchObject({ rebooted: true, stopReason: 0, latchedFault: null });
    expect(outcome.safeAfterMs).not.toBeNull();
    expect(h.desk.pen.bootCount).toBe(2);
    expect(h.desk.pen.hardware.actuator.physicalUm).toBe(0);
  });

  it('a fault injected on an idle pen reports it was already safe and that nothing latched', async () => {
    const h = (harness = createDeskHarness());
    const outcomes = watchOutcomes(h);
    await h.until(() => h.desk.diagnostics().state === PenState.IDLE, 3000, 'IDLE');
    const injected = h.desk.inject({ kind: 'motor-stall' });
    expect(injected).toMatchObject({ wasSafe: true, safeAfterMs: 0 });
    await h.until(() => outcomes.get(injected.id)?.done === true, 3100, 'outcome done');
    expect(outcomes.get(injected.id)).toMatchObject({ latchedFault: null, stopReason: null, done: true });
  });

  it('S4: a fault the injector refuses throws RangeError and watches nothing', () => {
    const h = (harness = createDeskHarness());
    expect(() => h.desk.inject({ kind: 'frame-delay', delayMs: -1 })).toThrow(RangeError);
  });
});

describe('the pen on its port', () => {
  it('counts punctures only while the tip is on the skin', async () => {
    const h = (harness = createDeskHarness({ cartridge: { id: 42, needleCount: 16 } }));
    await h.arm();
    await h.advance(300);
    expect(h.desk.punctures).toBe(0);
    h.desk.setContact(true);
    const strokesAtContact = h.desk.pen.hardware.motor.strokeCount;
    await h.advance(500);
    h.desk.setContact(false);
    const strokesInContact = h.desk.pen.hardware.motor.strokeCount - strokesAtContact;
    await h.advance(200);
    expect(strokesInContact).toBeGreaterThan(30);
    expect(h.desk.punctures).toBe(strokesInContact * 16);
  });

  it('keeps running when the host end closes: nothing is written, nothing throws', async () => {
    const h = (harness = createDeskHarness());
    await h.arm();
    h.ports.pen.close();
    await h.advance(400);
    expect(h.desk.isPortWritable).toBe(false);
    expect(h.desk.diagnostics().lastStopReason).toBe(Reason.STOP_LEASE_LAPSED);
  });
});
