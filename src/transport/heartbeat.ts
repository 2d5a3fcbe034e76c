// Heartbeat: renews the pen's drive lease and watches for a dead peer the port cannot report.
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { CommandSink } from './link-types.js';

export interface HeartbeatDeps {
  readonly clock: Clock;
  readonly deadLinkTimeoutMs: number;
  /** Submits one HEARTBEAT command through the reliable path. */
  readonly sendHeartbeat: (sink: CommandSink) => void;
  /** Host time of the last good frame from the pen, ms (-Infinity when none). */
  readonly lastFrameMs: () => number;
  /** Called once when the peer is judged dead. */
  readonly onTimeout: () => void;
  /**
   * Runs `recheck` once the frames already received have been read (on a real event loop: after its
   * I/O poll, `setImmediate`). Default: judge at once (virtual time).
   * NOTE: an event loop runs due timers before it reads waiting I/O: after a pause, the watchdog
   * would judge a pen silent whose answers are waiting to be read.
   */
  readonly deferVerdict?: (recheck: () => void) => void;
}

/**
 * The answer (either way) to one heartbeat: it is no longer pending. A class, not closures made per
 * beat, so a beat allocates one small object and no functions.
 */
class HeartbeatAnswer implements CommandSink {
  constructor(
    private readonly pendingIssuedMs: Map<number, number>,
    private readonly id: number,
  ) {}

  resolve(): void {
    this.pendingIssuedMs.delete(this.id);
  }

  reject(): void {
    this.pendingIssuedMs.delete(this.id);
  }
}

/**
 * Sends a HEARTBEAT every period and declares the peer dead when a heartbeat stays unanswered, or
 * no frame at all arrives, for `deadLinkTimeoutMs` (measured from when the heartbeat was issued,
 * or from the last frame, but never from before `start`).
 * NOTE: a dead pty peer raises no serial event (dependencies trap 3); this watchdog is how the
 * host learns of it, while the pen's own lease stops the needles (S10).
 * The watchdog timer is re-armed lazily, so a received frame costs one number store.
 */
export class Heartbeat {
  private readonly pendingIssuedMs = new Map<number, number>();
  private nextId = 0;
  private periodMs = 0;
  private startedMs = 0;
  private running = false;
  private beatTimer: TimerHandle | null = null;
  private watchdogTimer: TimerHandle | null = null;
  private watchdogDueMs = Infinity;
  private verdictDeferred = false;

  constructor(private readonly deps: HeartbeatDeps) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts beating at once and every `periodMs` after; restarts when already running. */
  start(periodMs: number): void {
    this.stop();
    this.running = true;
    this.periodMs = periodMs;
    this.startedMs = this.deps.clock.nowMs();
    this.beat();
  }

  /** Stops beating and watching; heartbeats in flight still complete but are not judged. */
  stop(): void {
    this.running = false;
    this.pendingIssuedMs.clear();
    if (this.beatTimer !== null) this.deps.clock.clearTimer(this.beatTimer);
    if (this.watchdogTimer !== null) this.deps.clock.clearTimer(this.watchdogTimer);
    this.beatTimer = null;
    this.watchdogTimer = null;
    this.watchdogDueMs = Infinity;
  }

  private readonly onBeatDue = (): void => this.beat();

  private beat(): void {
    this.beatTimer = this.deps.clock.setTimer(this.periodMs, this.onBeatDue);
    const id = this.nextId++;
    this.pendingIssuedMs.set(id, this.deps.clock.nowMs());
    this.deps.sendHeartbeat(new HeartbeatAnswer(this.pendingIssuedMs, id));
    this.checkWatchdog();
  }

  private deadlineMs(): number {
    let oldestIssuedMs = Math.max(this.deps.lastFrameMs(), this.startedMs);
    for (const issuedMs of this.pendingIssuedMs.values()) oldestIssuedMs = Math.min(oldestIssuedMs, issuedMs);
    return oldestIssuedMs + this.deps.deadLinkTimeoutMs;
  }

  private checkWatchdog(final = false): void {
    if (!this.running) return;
    const dueMs = this.deadlineMs();
    const nowMs = this.deps.clock.nowMs();
    if (nowMs >= dueMs) {
      const defer = this.deps.deferVerdict;
      if (!final && defer !== undefined) {
        if (this.verdictDeferred) return;
        this.verdictDeferred = true;
        defer(() => {
          this.verdictDeferred = false;
          this.checkWatchdog(true);
        });
        return;
      }
      this.stop();
      this.deps.onTimeout();
      return;
    }
    if (this.watchdogTimer !== null && this.watchdogDueMs <= dueMs) return;
    if (this.watchdogTimer !== null) this.deps.clock.clearTimer(this.watchdogTimer);
    this.watchdogDueMs = dueMs;
    this.watchdogTimer = this.deps.clock.setTimer(dueMs - nowMs, () => {
      this.watchdogTimer = null;
      this.watchdogDueMs = Infinity;
      this.checkWatchdog();
    });
  }
}
