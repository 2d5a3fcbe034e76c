// Injected time for the host side: a Clock interface, the system clock and a virtual clock.

export type TimerHandle = number;

/** Host time source. All host timers (heartbeat, retransmit, timeouts) go through one of these. */
export interface Clock {
  /** Milliseconds; monotonic. May be fractional on the system clock. */
  nowMs(): number;
  /** Calls `callback` once after `delayMs`. */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** Real time: performance.now() and setTimeout. */
export function createSystemClock(): Clock {
  const timers = new Map<TimerHandle, NodeJS.Timeout>();
  let nextHandle = 1;
  return {
    nowMs: () => performance.now(),
    setTimer(delayMs, callback) {
      const handle = nextHandle++;
      timers.set(
        handle,
        setTimeout(() => {
          timers.delete(handle);
          callback();
        }, delayMs),
      );
      return handle;
    },
    clearTimer(handle) {
      clearTimeout(timers.get(handle));
      timers.delete(handle);
    },
  };
}

interface PendingTimer {
  readonly handle: TimerHandle;
  readonly dueMs: number;
  readonly callback: () => void;
}

/**
 * Virtual time: advances only when told. Timers fire in due order (ties in creation order)
 * during `advanceTo`. Deterministic; no real waiting.
 */
export class VirtualClock implements Clock {
  private now = 0;
  private nextHandle = 1;
  private pending: PendingTimer[] = [];

  nowMs(): number {
    return this.now;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const handle = this.nextHandle++;
    const dueMs = this.now + Math.max(0, delayMs);
    let index = this.pending.length;
    while (index > 0 && (this.pending[index - 1] as PendingTimer).dueMs > dueMs) index--;
    this.pending.splice(index, 0, { handle, dueMs, callback });
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    const index = this.pending.findIndex((timer) => timer.handle === handle);
    if (index >= 0) this.pending.splice(index, 1);
  }

  /** Due time of the earliest pending timer, or Infinity. */
  nextDueMs(): number {
    return this.pending[0]?.dueMs ?? Infinity;
  }

  /** Moves time forward to `targetMs`, firing every timer due on the way (timers set meanwhile included). */
  advanceTo(targetMs: number): void {
    for (;;) {
      const first = this.pending[0];
      if (first === undefined || first.dueMs > targetMs) break;
      this.pending.shift();
      this.now = Math.max(this.now, first.dueMs);
      first.callback();
    }
    this.now = Math.max(this.now, targetMs);
  }
}
