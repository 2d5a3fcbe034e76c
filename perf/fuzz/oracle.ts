// Reference checks for the fuzz targets: an independent frame verdict, the SLIP frames of a wire, and catalog seeds.
import {
  codeName,
  crc16Ccitt,
  decodeFrame,
  encodeFrame,
  MAX_FRAME_BYTES,
  MESSAGE_BY_TYPE,
  MESSAGES,
  Reason,
  SlipStreamDecoder,
  type Message,
  type MessageName,
  type Payload,
} from '../../src/protocol/index.js';

/** The name of a reason code (e.g. FRAME_BAD_CRC), or the number when it has none. */
export function reasonName(code: number): string {
  return codeName(Reason, code);
}

/** What a receiver must conclude about one unescaped frame, from first principles (no decoder code). */
export type Verdict =
  | { readonly kind: 'dropped'; readonly reason: number }
  | { readonly kind: 'refused'; readonly reason: number; readonly seq: number; readonly type: number }
  | { readonly kind: 'accepted'; readonly message: Message };

/**
 * Judges a frame as docs/protocol.md orders the checks: size, length byte, CRC (dropped unanswered),
 * then type, payload size, field ranges (refused). An accepted message is the decoder's, checked by
 * re-encoding: it must give back the same bytes.
 */
export function judge(frame: Uint8Array): Verdict {
  const length = frame.length;
  if (length < 6) return { kind: 'dropped', reason: Reason.FRAME_TRUNCATED };
  if (length > MAX_FRAME_BYTES) return { kind: 'dropped', reason: Reason.FRAME_OVERSIZE };
  if (frame[0] !== length) return { kind: 'dropped', reason: Reason.FRAME_LENGTH_MISMATCH };
  const crc = ((frame[length - 2] as number) << 8) | (frame[length - 1] as number);
  if (crc !== crc16Ccitt(frame, 0, length - 2)) return { kind: 'dropped', reason: Reason.FRAME_BAD_CRC };
  const seq = (frame[1] as number) | ((frame[2] as number) << 8);
  const type = frame[3] as number;
  const entry = MESSAGE_BY_TYPE.get(type);
  if (entry === undefined) return { kind: 'refused', reason: Reason.UNKNOWN_TYPE, seq, type };
  const sizes = { u8: 1, u16: 2, i16: 2, u32: 4 } as const;
  const expectedBytes = 6 + entry.spec.fields.reduce((sum, field) => sum + sizes[field.type], 0);
  if (length !== expectedBytes) return { kind: 'refused', reason: Reason.PAYLOAD_LENGTH, seq, type };
  let offset = 4;
  for (const field of entry.spec.fields) {
    const size = sizes[field.type];
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = value * 256 + (frame[offset + i] as number);
    if (field.type === 'i16' && value >= 0x8000) value -= 0x10000;
    if (value < field.min || value > field.max)
      return { kind: 'refused', reason: field.outOfRange ?? Reason.VALUE_OUT_OF_RANGE, seq, type };
    offset += size;
  }
  const decoded = decodeFrame(frame);
  if (!decoded.ok) return { kind: 'refused', reason: -1, seq, type };
  return { kind: 'accepted', message: decoded.message };
}

/** The frames a SLIP receiver gets from `wire` (and the count of runs the SLIP layer dropped). */
export function slipFrames(wire: Uint8Array): { frames: Uint8Array[]; slipDrops: number } {
  const frames: Uint8Array[] = [];
  let slipDrops = 0;
  new SlipStreamDecoder(
    MAX_FRAME_BYTES,
    (frame) => frames.push(frame),
    () => slipDrops++,
  ).push(wire);
  return { frames, slipDrops };
}

/** True when `a` and `b` hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Re-encodes an accepted message: the bytes a conforming sender would put on the wire for it. */
export function reencode(message: Message): Uint8Array {
  return encodeFrame(message.name, message.seq, message.payload as Payload<typeof message.name>);
}

/** Bodies (no CRC) of every message of `direction` with its fields at their minimum and at their maximum. */
export function catalogBodies(direction: 'toPen' | 'toHost'): Uint8Array[] {
  const bodies: Uint8Array[] = [];
  for (const name of Object.keys(MESSAGES) as MessageName[]) {
    const spec = MESSAGES[name];
    if (spec.direction !== direction) continue;
    for (const pick of ['min', 'max'] as const) {
      const payload = Object.fromEntries(spec.fields.map((field) => [field.name, field[pick]]));
      const frame = encodeFrame(name, 0, payload as Payload<typeof name>);
      bodies.push(frame.slice(0, frame.length - 2));
    }
  }
  return bodies;
}
