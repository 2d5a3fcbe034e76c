// Memory of the last answered commands with their whole frames: a duplicate gets its stored answer, a reused seq is told apart (S15).
import { MAX_FRAME_BYTES } from '../src/protocol/index.js';

/** What `match` found for a received frame. */
export const Recall = {
  NONE: 0, // seq not among the remembered ones
  DUPLICATE: 1, // same seq, byte-identical frame: re-send the stored answer
  REUSED: 2, // same seq, different frame (type or payload): refuse SEQUENCE_REUSED
} as const;
export type RecallCode = (typeof Recall)[keyof typeof Recall];

/**
 * Ring of the last `size` consumed seqs: each with its frame bytes and its answer (ACK note and
 * value, or NAK reason). Storage is allocated once; `remember` and `match` allocate nothing.
 */
export class AnswerMemory {
  private readonly seqs: Int32Array;
  private readonly frames: Uint8Array;
  private readonly frameLengths: Uint8Array;
  private readonly acks: Uint8Array;
  private readonly codes: Uint8Array;
  private readonly values: Uint16Array;
  private next = 0;
  /** Slot of the last `match` that found the seq. */
  private found = 0;

  constructor(readonly size: number) {
    this.seqs = new Int32Array(size).fill(-1);
    this.frames = new Uint8Array(size * MAX_FRAME_BYTES);
    this.frameLengths = new Uint8Array(size);
    this.acks = new Uint8Array(size);
    this.codes = new Uint8Array(size);
    this.values = new Uint16Array(size);
  }

  /**
   * Stores the answer given to the frame `bytes[offset, offset + length)` with `seq`, evicting the
   * oldest entry. `ack`: ACK with note `code` and `value`, else NAK with reason `code`.
   */
  remember(
    seq: number,
    bytes: Uint8Array,
    offset: number,
    length: number,
    ack: boolean,
    code: number,
    value: number,
  ): void {
    const slot = this.next;
    this.seqs[slot] = seq;
    const base = slot * MAX_FRAME_BYTES;
    for (let i = 0; i < length; i++) this.frames[base + i] = bytes[offset + i] as number;
    this.frameLengths[slot] = length;
    this.acks[slot] = ack ? 1 : 0;
    this.codes[slot] = code;
    this.values[slot] = value;
    this.next = (slot + 1) % this.size;
  }

  /**
   * Looks `seq` up and compares the whole frame `bytes[offset, offset + length)`; after DUPLICATE
   * the `stored...` getters describe the answer.
   */
  match(seq: number, bytes: Uint8Array, offset: number, length: number): RecallCode {
    for (let slot = 0; slot < this.size; slot++) {
      if (this.seqs[slot] !== seq) continue;
      this.found = slot;
      return this.sameFrame(slot, bytes, offset, length) ? Recall.DUPLICATE : Recall.REUSED;
    }
    return Recall.NONE;
  }

  get storedAck(): boolean {
    return this.acks[this.found] === 1;
  }

  /** ACK note or NAK reason of the last matched entry. */
  get storedCode(): number {
    return this.codes[this.found] as number;
  }

  get storedValue(): number {
    return this.values[this.found] as number;
  }

  /** Forgets everything (a new link session). */
  clear(): void {
    this.seqs.fill(-1);
    this.next = 0;
  }

  private sameFrame(slot: number, bytes: Uint8Array, offset: number, length: number): boolean {
    if (this.frameLengths[slot] !== length) return false;
    const base = slot * MAX_FRAME_BYTES;
    for (let i = 0; i < length; i++) if (this.frames[base + i] !== bytes[offset + i]) return false;
    return true;
  }
}
