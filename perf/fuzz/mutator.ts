// Fuzz mutator: seeded byte-level mutations of frame bodies, a dictionary of interesting values, CRC recomputed.
import { crc16Ccitt, MESSAGE_BY_TYPE, slipEncode, SLIP_END, SLIP_ESC } from '../../src/protocol/index.js';
import { SeededRandom } from '../../sim/random.js';

/** Values that sit on the edges of the catalog's ranges and the u16 sequence space. */
const INTERESTING_U16: readonly number[] = [
  0, 1, 2, 49, 50, 51, 99, 100, 101, 149, 150, 151, 249, 250, 251, 999, 1000, 1001, 2499, 2500, 2501, 0x7f, 0x80, 0xff,
  0x100, 0x7fff, 0x8000, 0xfffe, 0xffff,
];
/** Wire types of the catalog. */
const KNOWN_TYPES: readonly number[] = [...MESSAGE_BY_TYPE.keys()];
const INTERESTING_U8: readonly number[] = [0, 1, 2, 7, 8, 0x0f, 0x10, 0x1f, 0x20, 0x7f, 0x80, 0xc0, 0xdb, 0xfe, 0xff];

/** Largest body the mutator builds (the frame layer's limit is 64 bytes; a few more reach OVERSIZE). */
export const MAX_BODY_BYTES = 72;

/** How one mutated body goes on the wire. */
export interface WireForm {
  /** The body with its CRC: what the frame layer sees after SLIP. */
  readonly frame: Uint8Array;
  /** The bytes delivered to the receiver. */
  readonly wire: Uint8Array;
  /** False when the CRC was left as the mutation made it (a minority of executions). */
  readonly validCrc: boolean;
  /** True when `wire` is exactly slipEncode(frame) (no damage to the SLIP layer). */
  readonly clean: boolean;
}

/**
 * Mutates frame bodies (length, seq, type, payload; no CRC). Deterministic from its seed.
 * `hints` are values the target wants tried (its expected sequence, the seqs it waits answers for).
 */
export class Mutator {
  readonly random: SeededRandom;

  constructor(seed: number) {
    this.random = new SeededRandom(seed);
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.random.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }

  /** One to four stacked mutations of `body`, the length byte fixed up most of the time. */
  mutate(body: Uint8Array, hints: readonly number[], other: Uint8Array | undefined): Uint8Array {
    let out = Array.from(body);
    const rounds = 1 + this.below(4);
    for (let r = 0; r < rounds; r++) out = this.once(out, hints, other);
    if (out.length > MAX_BODY_BYTES) out.length = MAX_BODY_BYTES;
    if (out.length > 0 && this.random.next() < 0.85) out[0] = (out.length + 2) & 0xff;
    return Uint8Array.from(out);
  }

  private once(bytes: number[], hints: readonly number[], other: Uint8Array | undefined): number[] {
    const at = bytes.length === 0 ? 0 : this.below(bytes.length);
    switch (this.below(11)) {
      case 0: // flip one bit
        if (bytes.length > 0) bytes[at] = (bytes[at] as number) ^ (1 << this.below(8));
        return bytes;
      case 1: // random byte
        if (bytes.length > 0) bytes[at] = this.below(256);
        return bytes;
      case 2: // interesting byte
        if (bytes.length > 0) bytes[at] = this.pick(INTERESTING_U8);
        return bytes;
      case 3: // interesting u16 (little-endian, as fields are)
      case 4: {
        const value = this.random.next() < 0.5 && hints.length > 0 ? this.pick(hints) : this.pick(INTERESTING_U16);
        const offset = this.random.next() < 0.5 ? 1 : Math.max(1, at); // the seq, or any field
        return writeU16(bytes, offset, value);
      }
      case 5: // a hint into the sequence field
        return hints.length > 0 ? writeU16(bytes, 1, this.pick(hints)) : bytes;
      case 6: // insert bytes
        bytes.splice(at, 0, ...Array.from({ length: 1 + this.below(4) }, () => this.below(256)));
        return bytes;
      case 7: // delete bytes
        bytes.splice(at, 1 + this.below(4));
        return bytes;
      case 8: // another message type
        if (bytes.length > 3) bytes[3] = this.random.next() < 0.7 ? this.pick(KNOWN_TYPES) : this.below(256);
        return bytes;
      case 9: // splice with another corpus entry
        if (other === undefined) return bytes;
        return [...bytes.slice(0, at), ...Array.from(other.subarray(Math.min(at, other.length)))];
      default: // grow the end by up to 32 random bytes (towards OVERSIZE), or cut it
        if (this.random.next() < 0.5) bytes.push(...Array.from({ length: 1 + this.below(32) }, () => this.below(256)));
        else bytes.length = Math.max(0, bytes.length - 1 - this.below(4));
        return bytes;
    }
  }

  /**
   * The body as received: CRC recomputed (90 %), or left broken; SLIP-framed, sometimes with a
   * damaged escape, a missing END or line noise in front.
   */
  toWire(body: Uint8Array): WireForm {
    const validCrc = this.random.next() < 0.9;
    const frame = new Uint8Array(body.length + 2);
    frame.set(body);
    const crc = crc16Ccitt(frame, 0, body.length) ^ (validCrc ? 0 : 1 + this.below(0xffff));
    frame[body.length] = crc >> 8;
    frame[body.length + 1] = crc & 0xff;
    const encoded = slipEncode(frame);
    const roll = this.random.next();
    if (roll < 0.9) return { frame, wire: encoded, validCrc, clean: true };
    const wire = Array.from(encoded);
    if (roll < 0.94) wire.splice(1 + this.below(wire.length - 1), 0, SLIP_ESC, this.below(256));
    else if (roll < 0.97) wire.unshift(...Array.from({ length: 1 + this.below(8) }, () => this.below(256)));
    else wire.splice(this.below(wire.length), 1, SLIP_END);
    return { frame, wire: Uint8Array.from(wire), validCrc, clean: false };
  }
}

function writeU16(bytes: number[], offset: number, value: number): number[] {
  while (bytes.length < offset + 2) bytes.push(0);
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >> 8) & 0xff;
  return bytes;
}
