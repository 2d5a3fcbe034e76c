// Bounded FIFO of sequenced frames (HELLO, commands, refused command frames) between UART receive and the control tick.
import { MAX_FRAME_BYTES, type Message, type ReasonCode } from '../src/protocol/index.js';

/**
 * Fixed-capacity ring of received sequenced frames. An entry is a decoded message (reason 0) or a
 * good-CRC command frame the decoder refused (message null, reason set), with its seq, type, raw
 * frame bytes (for duplicate detection) and receive tick. Storage is allocated once; push and
 * shift allocate nothing.
 */
export class CommandQueue {
  private readonly messages: (Message | null)[];
  private readonly seqs: Uint16Array;
  private readonly types: Uint8Array;
  private readonly reasons: Uint8Array;
  private readonly receivedAtTicks: Uint32Array;
  private readonly frames: Uint8Array;
  private readonly frameLengths: Uint8Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.messages = new Array<Message | null>(capacity).fill(null);
    this.seqs = new Uint16Array(capacity);
    this.types = new Uint8Array(capacity);
    this.reasons = new Uint8Array(capacity);
    this.receivedAtTicks = new Uint32Array(capacity);
    this.frames = new Uint8Array(capacity * MAX_FRAME_BYTES);
    this.frameLengths = new Uint8Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends an entry (copying `frame`); returns false (nothing stored) when the queue is full. */
  push(message: Message | null, frame: Uint8Array, reason: ReasonCode, receivedAtTick: number): boolean {
    if (this.count >= this.capacity) return false;
    const slot = (this.head + this.count) % this.capacity;
    this.messages[slot] = message;
    this.seqs[slot] = (frame[1] as number) | ((frame[2] as number) << 8);
    this.types[slot] = frame[3] as number;
    this.reasons[slot] = reason;
    this.receivedAtTicks[slot] = receivedAtTick;
    const base = slot * MAX_FRAME_BYTES;
    const length = Math.min(frame.length, MAX_FRAME_BYTES);
    for (let i = 0; i < length; i++) this.frames[base + i] = frame[i] as number;
    this.frameLengths[slot] = length;
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

  get frontType(): number {
    return this.types[this.head] as number;
  }

  get frontReason(): ReasonCode {
    return this.reasons[this.head] as ReasonCode;
  }

  get frontReceivedAtTick(): number {
    return this.receivedAtTicks[this.head] as number;
  }

  /** The oldest entry's frame bytes: valid until the next push. Read with `frontFrameLength`. */
  get frontFrameStorage(): Uint8Array {
    return this.frames;
  }

  /** Offset of the oldest entry's frame in `frontFrameStorage`. */
  get frontFrameOffset(): number {
    return this.head * MAX_FRAME_BYTES;
  }

  get frontFrameLength(): number {
    return this.frameLengths[this.head] as number;
  }
}
