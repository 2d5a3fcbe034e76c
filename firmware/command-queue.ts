// Bounded FIFO of sequenced frames (HELLO, commands, refused command frames) between UART receive and the control tick.
import type { Message, ReasonCode } from '../src/protocol/index.js';

/**
 * Fixed-capacity ring of received sequenced frames. An entry is either a decoded message
 * (reason 0) or a good-CRC command frame the decoder refused (message null, reason set).
 * Storage is allocated once; push and shift allocate nothing.
 */
export class CommandQueue {
  private readonly messages: (Message | null)[];
  private readonly seqs: Uint16Array;
  private readonly reasons: Uint8Array;
  private readonly receivedAtMs: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.messages = new Array<Message | null>(capacity).fill(null);
    this.seqs = new Uint16Array(capacity);
    this.reasons = new Uint8Array(capacity);
    this.receivedAtMs = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends an entry; returns false (nothing stored) when the queue is full. */
  push(message: Message | null, seq: number, reason: ReasonCode, receivedAtMs: number): boolean {
    if (this.count >= this.capacity) return false;
    const slot = (this.head + this.count) % this.capacity;
    this.messages[slot] = message;
    this.seqs[slot] = seq;
    this.reasons[slot] = reason;
    this.receivedAtMs[slot] = receivedAtMs;
    this.count++;
    return true;
  }

  /** Drops the oldest entry, after reading it with the `front...` getters. No-op when empty. */
  shift(): void {
    if (this.count === 0) return;
    this.messages[this.head] = null;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
  }

  /** Oldest entry's decoded message, or null for a refused frame (or an empty queue). */
  get frontMessage(): Message | null {
    return this.count === 0 ? null : (this.messages[this.head] ?? null);
  }

  get frontSeq(): number {
    return this.seqs[this.head] as number;
  }

  get frontReason(): ReasonCode {
    return this.reasons[this.head] as ReasonCode;
  }

  get frontReceivedAtMs(): number {
    return this.receivedAtMs[this.head] as number;
  }
}
