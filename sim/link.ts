// The simulated UART wire between the host's port and the pen: ordered delivery, delay and unplugging.

/** Which way bytes travel. */
export type LinkDirection = 'toPen' | 'toHost';

interface InFlight {
  readonly dueMs: number;
  readonly bytes: Uint8Array;
}

/** Byte counters of one direction. */
export interface LinkCounters {
  sentBytes: number;
  deliveredBytes: number;
  lostBytes: number;
}

/**
 * Two FIFO byte queues in simulation time (ms). Bytes keep their order even when the delay
 * changes. While dropped (unplugged) every byte sent or due is lost silently, like a dead pty.
 * The idle path (nothing in flight) does not allocate.
 */
export class SimulatedLink {
  private readonly toPen: InFlight[] = [];
  private readonly toHost: InFlight[] = [];
  private lastDueToPenMs = 0;
  private lastDueToHostMs = 0;
  private delayMs = 0;
  private dropped = false;
  readonly toPenCounters: LinkCounters = { sentBytes: 0, deliveredBytes: 0, lostBytes: 0 };
  readonly toHostCounters: LinkCounters = { sentBytes: 0, deliveredBytes: 0, lostBytes: 0 };

  get isDropped(): boolean {
    return this.dropped;
  }

  get deliveryDelayMs(): number {
    return this.delayMs;
  }

  /** Unplugs the link: bytes stop flowing both ways, in flight ones included. */
  drop(): void {
    this.dropped = true;
  }

  /** Plugs the link back in. Bytes lost meanwhile stay lost. */
  restore(): void {
    this.dropped = false;
  }

  /** Delivery delay for bytes sent from now on, both ways, ms. Throws RangeError when negative or non-finite. */
  setDelayMs(delayMs: number): void {
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError(`delay ${delayMs} ms`);
    this.delayMs = Math.round(delayMs);
  }

  /** Queues bytes travelling `direction`, sent at simulation time `nowMs`. */
  send(direction: LinkDirection, bytes: Uint8Array, nowMs: number): void {
    const counters = direction === 'toPen' ? this.toPenCounters : this.toHostCounters;
    counters.sentBytes += bytes.length;
    if (this.dropped) {
      counters.lostBytes += bytes.length;
      return;
    }
    if (direction === 'toPen') {
      this.lastDueToPenMs = Math.max(this.lastDueToPenMs, nowMs + this.delayMs);
      this.toPen.push({ dueMs: this.lastDueToPenMs, bytes });
    } else {
      this.lastDueToHostMs = Math.max(this.lastDueToHostMs, nowMs + this.delayMs);
      this.toHost.push({ dueMs: this.lastDueToHostMs, bytes });
    }
  }

  /** True when bytes are in flight in `direction`. */
  hasInFlight(direction: LinkDirection): boolean {
    return (direction === 'toPen' ? this.toPen : this.toHost).length > 0;
  }

  /**
   * Hands every chunk due by `nowMs` to `receive`, in order; `receive` returns false when
   * nobody listens (the bytes are lost). Returns true when any byte left the queue.
   */
  deliver(direction: LinkDirection, nowMs: number, receive: (bytes: Uint8Array) => boolean): boolean {
    const queue = direction === 'toPen' ? this.toPen : this.toHost;
    if (queue.length === 0) return false;
    const counters = direction === 'toPen' ? this.toPenCounters : this.toHostCounters;
    let moved = false;
    while (queue.length > 0 && (queue[0] as InFlight).dueMs <= nowMs) {
      const chunk = queue.shift() as InFlight;
      moved = true;
      if (!this.dropped && receive(chunk.bytes)) counters.deliveredBytes += chunk.bytes.length;
      else counters.lostBytes += chunk.bytes.length;
    }
    return moved;
  }
}
