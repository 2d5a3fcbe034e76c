// Tests of the context's layout (few top-level keys, per issue 5) and of the pen readings kept in it.
import { describe, expect, it } from 'vitest';
import { PenState, TelemetryFlag } from '../protocol/index.js';
import { NO_PEN_READINGS, createInitialContext } from './context.js';
import type { TelemetryEvent } from './events.js';
import { ack, armEvents, harness, homePlan, toSession } from '../../test/support/machine-harness.js';

/** V8 keeps an object with more keys than this in dictionary mode when XState's assign copies it. */
const MAX_CONTEXT_KEYS = 19;

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

describe('context layout', () => {
  it('has at most 19 top-level keys, with the ones the summary reads at the top', () => {
    const keys = Object.keys(createInitialContext({ plan: homePlan(2), mode: 'home' }));
    expect(keys.length).toBeLessThanOrEqual(MAX_CONTEXT_KEYS);
    for (const key of ['mode', 'areas', 'faults', 'refusals', 'clamps', 'stops', 'outcome', 'outcomeReason']) {
      expect(keys).toContain(key);
    }
  });

  it('keeps the same top-level keys through a session, a fault and RESET', () => {
    const h = harness({ plan: homePlan(2), mode: 'home' });
    const keys = Object.keys(h.actor.getSnapshot().context).sort();
    h.send(...toSession(), ...armEvents('forehead', 250), { type: 'CONTACT_ON', atMs: 100, strokeCount: 0 });
    h.send(telemetry({ deviceTickMs: 120, strokeCount: 2, flags: TelemetryFlag.CONTACT, measuredDepthUm: 240 }));
    h.send({ type: 'PEN_FAULT', faultCode: 0x02 }, { type: 'RESET' });
    expect(h.state()).toBe('disconnected');
    expect(Object.keys(h.actor.getSnapshot().context).sort()).toEqual(keys);
  });

  it('an action with nothing to change leaves the context object as it was (no copy)', () => {
    const h = harness({ plan: homePlan(2), mode: 'home' });
    h.send({ type: 'CONNECT' }, { type: 'LINK_OPENED' });
    const before = h.actor.getSnapshot().context;
    h.send(ack('SET_DEPTH', 250));
    expect(h.actor.getSnapshot().context).toBe(before);
  });
});

describe('pen readings', () => {
  it('telemetry updates time and strokes; a contact first seen in telemetry starts at that sample', () => {
    const h = harness({ plan: homePlan(2), mode: 'home' });
    h.send(...toSession());
    h.send(telemetry({ deviceTickMs: 500, strokeCount: 7 }));
    expect(h.actor.getSnapshot().context.penReadings).toEqual({
      ...NO_PEN_READINGS,
      lastPenTimeMs: 500,
      lastStrokeCount: 7,
    });
    h.send(telemetry({ deviceTickMs: 520, strokeCount: 9, flags: TelemetryFlag.CONTACT }));
    h.send(telemetry({ deviceTickMs: 540, strokeCount: 11, flags: TelemetryFlag.CONTACT }));
    expect(h.actor.getSnapshot().context.penReadings).toEqual({
      penContact: true,
      lastContactAtMs: 520,
      lastContactStrokeCount: 9,
      lastPenTimeMs: 540,
      lastStrokeCount: 11,
    });
  });

  it('pen time never goes back; a contact edge sets the contact readings', () => {
    const h = harness({ plan: homePlan(2), mode: 'home' });
    h.send(...toSession(), telemetry({ deviceTickMs: 900, strokeCount: 3 }));
    h.send({ type: 'CONTACT_ON', atMs: 800, strokeCount: 4 });
    expect(h.actor.getSnapshot().context.penReadings).toEqual({
      penContact: true,
      lastContactAtMs: 800,
      lastContactStrokeCount: 4,
      lastPenTimeMs: 900,
      lastStrokeCount: 4,
    });
  });

  it('RESET forgets the contact sense only; the other readings stay', () => {
    const h = harness({ plan: homePlan(2), mode: 'home' });
    h.send(...toSession(), { type: 'CONTACT_ON', atMs: 300, strokeCount: 5 });
    h.send({ type: 'PEN_FAULT', faultCode: 0x02 }, { type: 'RESET' });
    expect(h.actor.getSnapshot().context.penReadings).toEqual({
      penContact: false,
      lastContactAtMs: 300,
      lastContactStrokeCount: 5,
      lastPenTimeMs: 300,
      lastStrokeCount: 5,
    });
  });
});
