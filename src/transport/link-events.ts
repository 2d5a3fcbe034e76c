// Typed listener registry for what the pen reports and for link health; allocation-free dispatch.
import type { FrameRejection, Payload } from '../protocol/index.js';
import type { LinkDeadReason } from './link-types.js';

/** Pen reports by event name; listeners get the payload and the pen's transmit counter (seq). */
export interface ReportPayloads {
  telemetry: Payload<'TELEMETRY'>;
  status: Payload<'STATUS'>;
  contact: Payload<'EVENT_CONTACT'>;
  fault: Payload<'EVENT_FAULT'>;
  stopped: Payload<'EVENT_STOPPED'>;
  cartridge: Payload<'EVENT_CARTRIDGE'>;
}
export type ReportEventName = keyof ReportPayloads;

/** Listener signature of every event. */
export interface LinkListeners {
  telemetry: (telemetry: Payload<'TELEMETRY'>, penSeq: number) => void;
  status: (status: Payload<'STATUS'>, penSeq: number) => void;
  contact: (contact: Payload<'EVENT_CONTACT'>, penSeq: number) => void;
  fault: (fault: Payload<'EVENT_FAULT'>, penSeq: number) => void;
  stopped: (stopped: Payload<'EVENT_STOPPED'>, penSeq: number) => void;
  cartridge: (cartridge: Payload<'EVENT_CARTRIDGE'>, penSeq: number) => void;
  /** The link died (told once per link, never for close()). */
  linkDead: (reason: LinkDeadReason) => void;
  /** A received frame failed a check and was dropped (S14); for diagnostics. */
  rejected: (rejection: FrameRejection) => void;
}
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
  return { telemetry: [], status: [], contact: [], fault: [], stopped: [], cartridge: [], linkDead: [], rejected: [] };
}

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
