// Reliable command path: sequence numbers, a bounded window, retransmit and go-back-N.
import { Reason, slipEncode } from '../protocol/index.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { LinkOptions } from './link-options.js';
import type { CommandResult, CommandSink, LinkError, LinkStats } from './link-types.js';

/** Signed distance from `from` to `to` on the u16 sequence circle, in [-32768, 32767]. */
export function seqDistance(from: number, to: number): number {
  return ((((to - from) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
}

interface PendingCommand {
  /** Wire type of the command: an answer must name it (protocol v2). */
  readonly type: number;
  /** Encodes the unescaped frame for a sequence number (validated before queueing). */
  readonly encode: (seq: number) => Uint8Array;
  readonly sink: CommandSink;
  /** Sent before a STOP: never transmitted again; the pen's answer, or the STOP's ACK, settles it. */
  beforeStop: boolean;
  seq: number;
  wire: Uint8Array | null;
  attempts: number;
  lastSentMs: number;
  answered: boolean;
}

export interface CommandWindowDeps {
  readonly clock: Clock;
  readonly options: LinkOptions;
  readonly stats: LinkStats;
  /** Hands bytes to the port; false when the link is (now) dead. */
  readonly write: (bytes: Uint8Array) => boolean;
  /** The window cannot go on; the owner declares the link dead (and calls failAll). */
  readonly onFailure: (reason: 'RETRIES_EXHAUSTED' | 'SEQUENCE_LOST') => void;
}

/** The result of a command issued before a STOP that the pen never acted on. */
const CANCELLED: CommandResult = Object.freeze({ ok: false, reason: Reason.CANCELLED_BY_STOP });

/**
 * Sender window of the sequenced commands. Commands take consecutive seqs when they enter the
 * window; at most `windowSize` seqs are outstanding from the oldest unanswered one. Unanswered
 * commands are resent `retransmitTimeoutMs` after their last transmission (all of them, in order);
 * a NAK SEQUENCE_UNEXPECTED resends from the pen's expectedSeq at once. The pen answers a
 * duplicate from its memory without acting again, so resending is always safe (S15). An answer
 * settles a command only when it names the command's seq and type.
 * NOTE: nothing issued before a STOP is sent after it (`cancelForStop`), so a STOP cancels everything before it.
 */
export class CommandWindow {
  private readonly inFlight: PendingCommand[] = [];
  private readonly queue: PendingCommand[] = [];
  /** Seqs of the last answered commands, to tell a duplicate answer from a stray one. */
  private readonly recentAnswered = new Int32Array(8).fill(-1);
  private recentIndex = 0;
  private nextSeq = 0;
  private goBackSeq = -1;
  private timer: TimerHandle | null = null;
  private timerDueMs = Infinity;
  private stopped = false;

  constructor(private readonly deps: CommandWindowDeps) {}

  /** Sequence number the next command entering the window will carry. */
  get nextSequence(): number {
    return this.nextSeq;
  }

  /** Commands sent and not yet answered. */
  get unansweredCount(): number {
    let count = 0;
    for (const entry of this.inFlight) if (!entry.answered) count++;
    return count;
  }

  /** Commands waiting for room in the window. */
  get queuedCount(): number {
    return this.queue.length;
  }

  /** Starts (or restarts) sequencing at `nextSeq` (INFO.nextSeq). Call on an empty window. */
  start(nextSeq: number): void {
    this.nextSeq = nextSeq & 0xffff;
    this.goBackSeq = -1;
    this.recentAnswered.fill(-1);
    this.stopped = false;
  }

  /** Queues a command of wire type `type`; its outcome goes to `sink`. */
  submit(type: number, encode: (seq: number) => Uint8Array, sink: CommandSink): void {
    this.queue.push({
      type,
      encode,
      sink,
      beforeStop: false,
      seq: 0,
      wire: null,
      attempts: 0,
      lastSentMs: 0,
      answered: false,
    });
    this.pump();
  }

  /**
   * A STOP is being sent: commands still waiting for the window resolve CANCELLED_BY_STOP now and
   * are never sent; commands in flight are never sent again (the pen answers them, or discards
   * them). Returns the seq the STOP carries: the next command's, where the pen will continue.
   */
  cancelForStop(): number {
    for (const entry of this.queue.splice(0)) entry.sink.resolve(CANCELLED);
    for (const entry of this.inFlight) entry.beforeStop = true;
    return this.nextSeq;
  }

  /**
   * The pen acknowledged a STOP carrying `stopSeq`: it answered every queued command before that
   * ACK, so a command sent before the STOP still unanswered never reached it: CANCELLED_BY_STOP.
   */
  handleStopAck(stopSeq: number): void {
    for (const entry of [...this.inFlight]) {
      if (!entry.answered && entry.beforeStop && seqDistance(entry.seq, stopSeq) > 0) this.settle(entry, CANCELLED);
    }
  }

  /**
   * A later INFO moved the pen's sequence (a retried HELLO reached it after the first INFO): the
   * pen acted on none of the commands in flight, so they take new seqs from `nextSeq` and go again.
   */
  renumber(nextSeq: number): void {
    const unanswered = this.inFlight.filter((entry) => !entry.answered);
    const pending = unanswered.filter((entry) => !entry.beforeStop);
    this.inFlight.length = 0;
    for (const entry of unanswered) {
      if (!entry.beforeStop) continue;
      entry.answered = true;
      entry.sink.resolve(CANCELLED);
    }
    this.nextSeq = nextSeq & 0xffff;
    this.goBackSeq = -1;
    for (const entry of pending) {
      entry.seq = this.takeSeq();
      entry.wire = slipEncode(entry.encode(entry.seq));
      entry.attempts = 0;
      this.inFlight.push(entry);
    }
    for (const entry of pending) {
      this.deps.stats.retransmissions++;
      if (!this.transmit(entry)) return;
    }
    this.pump();
  }

  /** An ACK arrived. True when it answered a command in flight (same seq and type). */
  handleAck(ackedSeq: number, ackedType: number, note: number, appliedValue: number): boolean {
    const entry = this.find(ackedSeq, ackedType);
    if (entry === undefined) return false;
    this.settle(entry, { ok: true, note, appliedValue });
    return true;
  }

  /**
   * A NAK arrived. SEQUENCE_UNEXPECTED and QUEUE_FULL are not answers: the first resends from
   * `expectedSeq` at once, the second leaves the resend to the timer. Any other reason answers the
   * command. True when it concerned a command in flight (same seq and type).
   */
  handleNak(refusedSeq: number, refusedType: number, reason: number, expectedSeq: number): boolean {
    const entry = this.find(refusedSeq, refusedType);
    if (entry === undefined) return false;
    if (reason === Reason.QUEUE_FULL) return true;
    if (reason === Reason.SEQUENCE_UNEXPECTED) {
      this.goBack(expectedSeq);
      return true;
    }
    this.settle(entry, { ok: false, reason });
    return true;
  }

  /** Stops the window: every command in flight or queued gets `error`; nothing is sent after. */
  failAll(error: LinkError): void {
    this.stopped = true;
    this.clearTimer();
    const doomed = [...this.inFlight.filter((entry) => !entry.answered), ...this.queue];
    this.inFlight.length = 0;
    this.queue.length = 0;
    for (const entry of doomed) entry.sink.reject(error);
  }

  private find(seq: number, type: number): PendingCommand | undefined {
    for (const entry of this.inFlight) if (entry.seq === seq && entry.type === type && !entry.answered) return entry;
    if (this.recentAnswered.includes(seq)) this.deps.stats.duplicateAnswers++;
    else this.deps.stats.unmatchedAnswers++;
    return undefined;
  }

  private settle(entry: PendingCommand, result: CommandResult): void {
    entry.answered = true;
    this.recentAnswered[this.recentIndex] = entry.seq;
    this.recentIndex = (this.recentIndex + 1) % this.recentAnswered.length;
    if (entry.seq === this.goBackSeq) this.goBackSeq = -1;
    while (this.inFlight[0]?.answered === true) this.inFlight.shift();
    // NOTE: nothing left to resend: the timer would only find that out when it fires (one per command).
    if (this.inFlight.length === 0) this.clearTimer();
    entry.sink.resolve(result);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.inFlight.length < this.deps.options.windowSize) {
      const entry = this.queue.shift();
      if (entry === undefined) break;
      entry.seq = this.takeSeq();
      entry.wire = slipEncode(entry.encode(entry.seq));
      this.inFlight.push(entry);
      this.deps.stats.commandsSent++;
      if (!this.transmit(entry)) return;
    }
    this.armTimer();
  }

  private takeSeq(): number {
    const seq = this.nextSeq;
    this.nextSeq = (seq + 1) & 0xffff;
    return seq;
  }

  /** Resends unanswered commands from `expectedSeq` in order, once per expectedSeq until progress. */
  private goBack(expectedSeq: number): void {
    const base = this.inFlight[0];
    if (base === undefined || expectedSeq === this.goBackSeq) return;
    const offset = seqDistance(base.seq, expectedSeq);
    if (offset < 0 || offset === this.inFlight.length) return; // stale, or answers still on their way
    if (offset > this.inFlight.length) {
      this.deps.onFailure('SEQUENCE_LOST');
      return;
    }
    this.goBackSeq = expectedSeq;
    this.deps.stats.goBacks++;
    this.resendFrom(offset);
  }

  private resendFrom(offset: number): void {
    const resend = this.inFlight.slice(offset).filter((entry) => !entry.answered && !entry.beforeStop);
    for (const entry of resend) {
      if (entry.attempts >= this.deps.options.maxAttempts) {
        this.deps.onFailure('RETRIES_EXHAUSTED');
        return;
      }
    }
    for (const entry of resend) {
      this.deps.stats.retransmissions++;
      if (!this.transmit(entry)) return;
    }
    this.armTimer();
  }

  private transmit(entry: PendingCommand): boolean {
    entry.attempts++;
    entry.lastSentMs = this.deps.clock.nowMs();
    return this.deps.write(entry.wire as Uint8Array) && !this.stopped;
  }

  /** Keeps one timer at (or before) the earliest resend due; it re-checks lazily when it fires. */
  private armTimer(): void {
    if (this.stopped) return;
    const dueMs = this.earliestDueMs();
    if (dueMs === Infinity || (this.timer !== null && this.timerDueMs <= dueMs)) return;
    this.clearTimer();
    this.timerDueMs = dueMs;
    this.timer = this.deps.clock.setTimer(dueMs - this.deps.clock.nowMs(), () => this.onTimer());
  }

  private onTimer(): void {
    this.timer = null;
    this.timerDueMs = Infinity;
    if (this.stopped) return;
    if (this.earliestDueMs() > this.deps.clock.nowMs()) {
      this.armTimer();
      return;
    }
    this.goBackSeq = -1;
    this.abandonStopped();
    this.resendFrom(0);
  }

  /** Commands sent before a STOP and unanswered a retransmit timeout later were discarded or lost: CANCELLED_BY_STOP. */
  private abandonStopped(): void {
    const dueMs = this.deps.clock.nowMs() - this.deps.options.retransmitTimeoutMs;
    for (const entry of [...this.inFlight]) {
      if (!entry.answered && entry.beforeStop && entry.lastSentMs <= dueMs) this.settle(entry, CANCELLED);
    }
  }

  private earliestDueMs(): number {
    let earliest = Infinity;
    for (const entry of this.inFlight) {
      if (!entry.answered) earliest = Math.min(earliest, entry.lastSentMs + this.deps.options.retransmitTimeoutMs);
    }
    return earliest;
  }

  private clearTimer(): void {
    if (this.timer !== null) this.deps.clock.clearTimer(this.timer);
    this.timer = null;
    this.timerDueMs = Infinity;
  }
}
