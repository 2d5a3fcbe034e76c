// Host liveness: the link keeps the pen's lease only while the controller's machine proves it is alive (S10).
import type { Clock } from '../clock/clock.js';

export interface HostLivenessDeps {
  readonly clock: Clock;
  /** A stamp this old, or a check this late after the previous one, ends the lease for good, host ms. */
  readonly boundMs: number;
  /** Age of the machine thread's last liveness stamp, host ms. */
  readonly stampAgeMs: () => number;
}

/** Why the lease was given up: the machine's stamp was stale, or the link's own thread was held (the whole host froze). */
export type HostStall = { readonly kind: 'machineStalled' | 'linkThreadHeld'; readonly ms: number };

/**
 * Judges whether the machine is alive before each heartbeat. Latches: once a stall reached the
 * bound it stays stalled, so a machine that wakes up late never renews a lease it should have
 * lost; the pen's own lease then stops the drive.
 * NOTE: nothing is judged before `start` (the first ARM: from then on the pen may hold a lease); a
 * stall before the drive was ever armed cannot leave it running, and a cold start-up is slow.
 */
export class HostLiveness {
  private lastCheckMs = -Infinity;
  private started = false;
  private stallValue: HostStall | null = null;

  constructor(private readonly deps: HostLivenessDeps) {}

  /** The stall that ended the lease, or null while the machine is alive. */
  get stall(): HostStall | null {
    return this.stallValue;
  }

  /** True once judging started. */
  get isJudging(): boolean {
    return this.started;
  }

  /** Starts judging from now (the first ARM); later calls change nothing. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.lastCheckMs = this.deps.clock.nowMs();
  }

  /** True while the machine is alive (always before start); false from the first stall at or above the bound on. */
  check(): boolean {
    if (!this.started) return true;
    if (this.stallValue !== null) return false;
    const nowMs = this.deps.clock.nowMs();
    const heldMs = nowMs - this.lastCheckMs;
    this.lastCheckMs = nowMs;
    const ageMs = this.deps.stampAgeMs();
    if (heldMs >= this.deps.boundMs) this.stallValue = { kind: 'linkThreadHeld', ms: heldMs };
    else if (!(ageMs < this.deps.boundMs)) this.stallValue = { kind: 'machineStalled', ms: ageMs };
    return this.stallValue === null;
  }
}
