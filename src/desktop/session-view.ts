// Controller mode: the machine's snapshot as the page sees it (state, areas) and its reasons as events, read at the screen's rate.
import type { ControllerSnapshot } from '../wiring/session-runner.js';
import type { EventMessage, SessionMessage } from './shared/messages.js';

type SessionEvent = Omit<EventMessage, 'type'>;
type Context = ControllerSnapshot['context'];

/** The machine's state value as one path, e.g. "connected.session.treating.passInProgress". */
export function statePath(value: ControllerSnapshot['value']): string {
  if (typeof value === 'string') return value;
  const [key, inner] = Object.entries(value)[0] ?? ['?', undefined];
  return inner === undefined ? key : `${key}.${statePath(inner as ControllerSnapshot['value'])}`;
}

/** The areas of the map: passes used of the limit, punctures of the budget, locked with the reason. */
export function sessionAreas(context: Context): SessionMessage['areas'] {
  const budget = context.settings.budgets.areaPunctures;
  return context.areas.map((area) => ({
    area: area.area,
    depthUm: area.depthUm,
    capUm: area.capUm,
    capBinding: area.capBinding,
    passes: area.passes,
    passLimit: area.passLimit,
    punctures: area.punctures,
    punctureBudget: budget,
    locked: area.locked,
    lockReason: area.lockReason,
  }));
}

/**
 * Turns what the machine decided since the last read into events, in order: its refusals, clamps,
 * stops and faults (the policy reason as the name, `code` the wire fault code or null), and area
 * locks. NOTE: reads the context's append-only lists by length: nothing runs on the machine's path.
 */
export class MachineEvents {
  private seen = { refusals: 0, clamps: 0, stops: 0, faults: 0 };
  private readonly locked = new Set<string>();

  take(context: Context, atMs: number): SessionEvent[] {
    const events: SessionEvent[] = [];
    const lists = [
      ['refusals', 'refusal'],
      ['clamps', 'clamp'],
      ['stops', 'stop'],
    ] as const;
    for (const [list, kind] of lists) {
      const entries = context[list];
      for (let i = this.seen[list]; i < entries.length; i++) {
        const entry = entries[i]!;
        events.push({ atMs, kind, code: null, name: entry.reason.slice(0, 64), detail: machineDetail(entry) });
      }
      this.seen[list] = entries.length;
    }
    for (let i = this.seen.faults; i < context.faults.length; i++) {
      const fault = context.faults[i]!;
      const code = fault.code > 0 && fault.code <= 0xff ? fault.code : null;
      events.push({ atMs, kind: 'fault', code, name: fault.reason.slice(0, 64), detail: machineDetail(fault) });
    }
    this.seen.faults = context.faults.length;
    for (const area of context.areas) {
      if (!area.locked || this.locked.has(area.area)) continue;
      this.locked.add(area.area);
      const name = (area.lockReason ?? 'LOCKED').slice(0, 64);
      events.push({ atMs, kind: 'area', code: null, name, detail: `machine: ${area.area} locked` });
    }
    return events;
  }
}

function machineDetail(entry: { readonly detail: string; readonly area?: string }): string {
  return `machine: ${entry.area === undefined ? '' : `${entry.area}: `}${entry.detail}`.slice(0, 200);
}
