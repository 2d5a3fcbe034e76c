// Typed listener registry for what the pen reports and for link health; allocation-free dispatch.
import type { FrameRejection, Payload, ReportName } from '../protocol/index.js';
import type { LinkDeadReason } from './link-types.js';

/** The listener event each pen report goes to: every report of the catalog has one (the compiler checks). */
export const REPORT_EVENTS = {
  TELEMETRY: 'telemetry',
  STATUS: 'status',
  EVENT_CONTACT: 'contact',
  EVENT_FAULT: 'fault',
  EVENT_STOPPED: 'stopped',
  EVENT_CARTRIDGE: 'cartridge',
} as const satisfies Record<ReportName, string>;

type ReportEvents = typeof REPORT_EVENTS;
export type ReportEventName = ReportEvents[ReportName];

/** Pen reports by event name; listeners get the payload and the pen's transmit counter (seq). */
export type ReportPayloads = { [N in ReportName as ReportEvents[N]]: Payload<N> };

/** Listener signature of every event. */
export type LinkListeners = {
  [E in ReportEventName]: (payload: ReportPayloads[E], penSeq: number) => void;
} & {
  /** The link died (told once per link, never for close()). */
  linkDead: (reason: LinkDeadReason) => void;
  /** A received frame failed a check and was dropped (S14); for diagnostics. */
  rejected: (rejection: FrameRejection) => void;
};
export type LinkEventName = keyof LinkListeners;

type ListenerLists = { [E in LinkEventName]: readonly LinkListeners[E][] };

/**
 * Listener lists are replaced (copy on write) when subscribing or unsubscribing, so a dispatch
 * iterates a stable array and allocates nothing. A throwing listener does not disturb the link:
 * its error is rethrown from a microtask, after the link's state is consistent.
 */
export class LinkEvents {
  private lists: ListenerLists = emptyLists();

  /** Adds a listener; returns the function that removes it. */
  on<E extends LinkEventName>(event: E, listener: LinkListeners[E]): () => void {
    this.lists = { ...this.lists, [event]: [...this.lists[event], listener] };
    return () => {
      this.lists = { ...this.lists, [event]: this.lists[event].filter((other) => other !== listener) };
    };
  }

  /** Removes every listener. */
  clear(): void {
    this.lists = emptyLists();
  }

  emitReport<E extends ReportEventName>(event: E, payload: ReportPayloads[E], penSeq: number): void {
    const listeners = this.lists[event] as readonly ((payload: ReportPayloads[E], penSeq: number) => void)[];
    for (let i = 0; i < listeners.length; i++) {
      try {
        (listeners[i] as (payload: ReportPayloads[E], penSeq: number) => void)(payload, penSeq);
      } catch (error) {
        rethrowLater(error);
      }
    }
  }

  emitLinkDead(reason: LinkDeadReason): void {
    for (const listener of this.lists.linkDead) {
      try {
        listener(reason);
      } catch (error) {
        rethrowLater(error);
      }
    }
  }

  emitRejected(rejection: FrameRejection): void {
    for (const listener of this.lists.rejected) {
      try {
        listener(rejection);
      } catch (error) {
        rethrowLater(error);
      }
    }
  }
}

function emptyLists(): ListenerLists {
  const lists: Record<string, never[]> = { linkDead: [], rejected: [] };
  for (const event of Object.values(REPORT_EVENTS)) lists[event] = [];
  return lists as unknown as ListenerLists;
}

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
