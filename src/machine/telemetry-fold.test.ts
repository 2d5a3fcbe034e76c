// Unit tests of the inert-telemetry test: which samples the runner may fold, in which states, and that a folded run leaves the machine where taking each sample would.
import { describe, expect, it } from 'vitest';
import { PenState, TelemetryFlag } from '../protocol/index.js';
import type { ControllerEvent, TelemetryEvent } from './events.js';
import { isInertTelemetry } from './telemetry-fold.js';
import { armEvents, harness, homePlan, inputOf, toSession, type Harness } from '../../test/support/machine-harness.js';
import { telemetryOf } from '../../test/support/machine-model.js';

const DEPTH_UM = 250;

/** A pass in progress on the forehead at 250 um: contact at 100 ms, stroke 0, one deep sample taken. */
function treating(): Harness {
  const h = harness(inputOf(homePlan(6)));
  h.send(...toSession(), ...armEvents('forehead', DEPTH_UM), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
  h.send(sample(120, 2));
  h.take();
  return h;
}

/** A driving in-contact sample at `atMs` with `strokes` strokes, at the commanded depth unless given. */
function sample(atMs: number, strokes: number, fields: Partial<TelemetryEvent> = {}): TelemetryEvent {
  return telemetryOf({
    deviceTickMs: atMs,
    strokeCount: strokes,
    flags: TelemetryFlag.CONTACT,
    state: PenState.ARMED,
    measuredDepthUm: DEPTH_UM,
    commandedDepthUm: DEPTH_UM,
    ...fields,
  });
}

const inert = (h: Harness, event: TelemetryEvent, folded: TelemetryEvent | null = null): boolean =>
  isInertTelemetry(h.actor.getSnapshot(), event, folded);

describe('inert telemetry (decision 0012)', () => {
  it('S13: a sample of the pass in progress that only moves pen time and strokes is inert; a fault, a deep or a faulted sample never is', () => {
    const h = treating();
    expect(h.state()).toEqual({ connected: { session: { treating: 'passInProgress' } } });
    expect(inert(h, sample(140, 4))).toBe(true);
    expect(inert(h, sample(140, 4, { measuredDepthUm: DEPTH_UM - 30 }))).toBe(true);
    // Deeper than the deepest so far: the machine keeps the new depth.
    expect(inert(h, sample(140, 4, { measuredDepthUm: DEPTH_UM + 1 }))).toBe(false);
    // The pen's own fault, a faulted state, over the cap, a commanded depth above the machine's.
    expect(inert(h, sample(140, 4, { faultCode: 0x11 }))).toBe(false);
    expect(inert(h, sample(140, 4, { state: PenState.FAULT }))).toBe(false);
    expect(inert(h, sample(140, 4, { measuredDepthUm: DEPTH_UM + 60 }))).toBe(false);
    expect(inert(h, sample(140, 4, { commandedDepthUm: DEPTH_UM + 50 }))).toBe(false);
  });

  it('a change of contact or pen state, a missing or backward pen time is never inert', () => {
    const h = treating();
    expect(inert(h, sample(140, 4, { flags: 0 }))).toBe(false);
    expect(inert(h, sample(140, 4, { state: PenState.IDLE }))).toBe(false);
    const { deviceTickMs: _dropped, ...untimed } = sample(140, 4);
    expect(inert(h, untimed)).toBe(false);
    expect(inert(h, sample(110, 4))).toBe(false);
    expect(inert(h, sample(140, 4), sample(160, 6))).toBe(false);
    expect(inert(h, sample(160, 6), sample(140, 4))).toBe(true);
  });

  it('S6: a sample with which the contact in progress reaches the exposure budget is never inert', () => {
    const budgets = {
      areaPunctures: 1_000_000,
      areaContactMs: 1000,
      sessionPunctures: 1_000_000,
      sessionContactMs: 60_000,
    };
    const h = harness(inputOf(homePlan(6), { exposureBudgets: budgets }));
    h.send(...toSession(), ...armEvents('forehead', DEPTH_UM), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
    h.send(sample(120, 2));
    expect(h.actor.getSnapshot().context.settings.budgets.areaContactMs).toBe(1000);
    expect(inert(h, sample(1080, 40))).toBe(true);
    expect(inert(h, sample(1120, 42))).toBe(false);
  });

  it('outside the tagged states (arming, reserving, delaying, before the session) nothing is inert', () => {
    const h = harness(inputOf(homePlan(6)));
    const idle = (atMs: number): TelemetryEvent =>
      telemetryOf({ deviceTickMs: atMs, state: PenState.IDLE, measuredDepthUm: 0, commandedDepthUm: 0 });
    h.send(...toSession());
    const events: ControllerEvent[] = [{ type: 'SELECT_AREA', area: 'forehead' }];
    expect(h.actor.getSnapshot().hasTag('telemetry.fold.outOfContact.idle')).toBe(true);
    h.send(idle(10));
    expect(inert(h, idle(30))).toBe(true);
    h.send(...events);
    expect(JSON.stringify(h.state())).toContain('arming');
    expect(inert(h, idle(50))).toBe(false);
  });

  it('S1 S13: a folded run then any event leaves the machine exactly where taking every sample would', () => {
    const each = treating();
    const folding = treating();
    let folded: TelemetryEvent | null = null;
    for (let i = 1; i <= 40; i++) {
      const event = sample(120 + 20 * i, 2 + 2 * i, { measuredDepthUm: DEPTH_UM - (i % 7) });
      each.send(event);
      expect(inert(folding, event, folded)).toBe(true);
      folded = event;
    }
    folding.send(folded as TelemetryEvent);
    const pause: ControllerEvent = { type: 'PAUSE' };
    each.send(pause);
    folding.send(pause);
    expect(folding.actor.getSnapshot().value).toEqual(each.actor.getSnapshot().value);
    expect(folding.actor.getSnapshot().context).toEqual(each.actor.getSnapshot().context);
    expect(folding.effects).toEqual(each.effects);
  });
});
