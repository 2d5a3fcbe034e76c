// The machine as the page sees it: state paths, and each decision reported once, in order, with its reason as the name.
import { describe, expect, it } from 'vitest';
import type { ControllerSnapshot } from '../wiring/session-runner.js';
import { MachineEvents, statePath } from './session-view.js';

type Context = ControllerSnapshot['context'];

function context(
  parts: Partial<Record<'refusals' | 'clamps' | 'stops' | 'faults' | 'areas', readonly unknown[]>>,
): Context {
  return { refusals: [], clamps: [], stops: [], faults: [], areas: [], ...parts } as unknown as Context;
}

describe('statePath', () => {
  it('joins nested state values into one path', () => {
    expect(statePath('disconnected' as ControllerSnapshot['value'])).toBe('disconnected');
    const nested = { connected: { session: { treating: 'passInProgress' } } } as unknown as ControllerSnapshot['value'];
    expect(statePath(nested)).toBe('connected.session.treating.passInProgress');
  });
});

describe('MachineEvents', () => {
  it('S8: reports each new refusal, clamp, stop, fault and area lock once, with the policy reason as the name', () => {
    const events = new MachineEvents();
    const first = context({
      refusals: [{ reason: 'AREA_LOCKED', detail: 'forehead is locked', area: 'forehead' }],
      faults: [{ code: 0x11, reason: 'OVER_CURRENT', detail: 'pen latched' }],
    });
    expect(events.take(first, 5)).toEqual([
      { atMs: 5, kind: 'refusal', code: null, name: 'AREA_LOCKED', detail: 'machine: forehead: forehead is locked' },
      { atMs: 5, kind: 'fault', code: 0x11, name: 'OVER_CURRENT', detail: 'machine: pen latched' },
    ]);
    expect(events.take(first, 6)).toEqual([]);
    const second = context({
      refusals: first.refusals,
      faults: [...first.faults, { code: 0, reason: 'LINK_DEAD', detail: 'HEARTBEAT_TIMEOUT' }],
      stops: [{ reason: 'OPERATOR_STOP', detail: 'operator' }],
      areas: [{ area: 'chin', locked: true, lockReason: 'PASS_LIMIT_REACHED' }],
    });
    expect(events.take(second, 7).map((event) => [event.kind, event.code, event.name])).toEqual([
      ['stop', null, 'OPERATOR_STOP'],
      ['fault', null, 'LINK_DEAD'],
      ['area', null, 'PASS_LIMIT_REACHED'],
    ]);
    expect(events.take(second, 8)).toEqual([]);
  });
});
