// Frame layout: length, sequence, type, payload, CRC-16; encode and fully checked decode.
import { crc16Ccitt } from './crc16.js';
import { Reason, type ReasonCode } from './codes.js';
import { MESSAGE_BY_TYPE, type FieldSpec, type Message, type MessageName, type Payload } from './catalog.js';

/** Bytes of a frame without payload: length(1) + seq(2) + type(1) + crc(2). */
export const FRAME_OVERHEAD_BYTES = 6;
/** Largest frame before SLIP escaping. */
export const MAX_FRAME_BYTES = 64;

/** Why a received frame was rejected; `seq`/`type` present once the CRC has passed. */
export interface FrameRejection {
  readonly reason: ReasonCode;
  readonly seq?: number;
  readonly type?: number;
  /** For out-of-range values: the offending field. */
  readonly field?: string;
}

export type DecodeResult = { ok: true; message: Message } | { ok: false; rejection: FrameRejection };

interface FieldLayout {
  readonly field: FieldSpec;
  readonly name: string;
  readonly type: FieldSpec['type'];
  /** Offset of the field in the frame, bytes. */
  readonly offset: number;
}

interface MessageLayout {
  readonly name: MessageName;
  readonly type: number;
  readonly frameBytes: number;
  readonly fields: readonly FieldLayout[];
}

/** Frame layout of every message, indexed by wire type: computed once, so decoding does no per-frame catalog work. */
const LAYOUT_BY_TYPE: readonly (MessageLayout | undefined)[] = (() => {
  const table: (MessageLayout | undefined)[] = new Array<MessageLayout | undefined>(256).fill(undefined);
  for (const [type, entry] of MESSAGE_BY_TYPE) {
    let offset = 4;
    const fields = entry.spec.fields.map((field) => {
      const layout = { field, name: field.name, type: field.type, offset };
      offset += fieldSize(field);
      return layout;
    });
    table[type] = { name: entry.name, type, frameBytes: offset + 2, fields };
  }
  return table;
})();

/** The same layouts by message name, for the encoder. */
const LAYOUT_BY_NAME = Object.fromEntries(
  LAYOUT_BY_TYPE.filter((layout): layout is MessageLayout => layout !== undefined).map((layout) => [
    layout.name,
    layout,
  ]),
) as Record<MessageName, MessageLayout>;

/**
 * Encodes a message as an unescaped frame. Throws RangeError when a field is missing,
 * not an integer or outside its catalog range: a sender never emits an invalid frame.
 */
export function encodeFrame<N extends MessageName>(name: N, seq: number, payload: Payload<N>): Uint8Array {
  const layout = LAYOUT_BY_NAME[name];
  const bytes = new Uint8Array(layout.frameBytes);
  if (encodeFrameInto(bytes, name, seq, payload) === 0) throw new RangeError(describeInvalid(layout, seq, payload));
  return bytes;
}

/**
 * Encodes a message into `out` from offset 0 and returns the frame's length in bytes, or 0 (nothing
 * valid written) when the seq is not a u16, a field is missing, not an integer or out of its range,
 * or `out` is too short. Never throws and allocates nothing: the firmware's transmit path uses it.
 */
export function encodeFrameInto<N extends MessageName>(
  out: Uint8Array,
  name: N,
  seq: number,
  payload: Payload<N>,
): number {
  const layout = LAYOUT_BY_NAME[name];
  const frameBytes = layout.frameBytes;
  if (out.length < frameBytes || !isInRange(seq, 0, 0xffff)) return 0;
  out[0] = frameBytes;
  out[1] = seq & 0xff;
  out[2] = seq >>> 8;
  out[3] = layout.type;
  const values = payload as Record<string, number>;
  const fields = layout.fields;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as FieldLayout;
    const value = values[field.name];
    if (!isInRange(value, field.field.min, field.field.max)) return 0;
    writeAt(out, field.offset, field.type, value as number);
  }
  const crcOffset = frameBytes - 2;
  const crc = crc16Ccitt(out, 0, crcOffset);
  out[crcOffset] = crc >>> 8;
  out[crcOffset + 1] = crc & 0xff;
  return frameBytes;
}

function isInRange(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function describeInvalid(layout: MessageLayout, seq: number, payload: object): string {
  if (!isInRange(seq, 0, 0xffff)) return `${layout.name}: seq ${seq} not u16`;
  const values = payload as Record<string, unknown>;
  for (const field of layout.fields) {
    const value = values[field.name];
    if (!isInRange(value, field.field.min, field.field.max)) {
      return `${layout.name}.${field.name}: ${String(value)} outside [${field.field.min}, ${field.field.max}]`;
    }
  }
  return `${layout.name}: invalid frame`;
}

/** Frame length in bytes of a message (fixed per type). */
export function frameBytesOf(name: MessageName): number {
  return LAYOUT_BY_NAME[name].frameBytes;
}

function writeAt(bytes: Uint8Array, offset: number, type: FieldSpec['type'], value: number): void {
  bytes[offset] = value & 0xff;
  if (type === 'u8') return;
  bytes[offset + 1] = (value >> 8) & 0xff;
  if (type !== 'u32') return;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = (value >>> 24) & 0xff;
}

function readAt(bytes: Uint8Array, offset: number, type: FieldSpec['type']): number {
  switch (type) {
    case 'u8':
      return bytes[offset] as number;
    case 'u16':
      return (bytes[offset] as number) | ((bytes[offset + 1] as number) << 8);
    case 'i16':
      return (((bytes[offset] as number) | ((bytes[offset + 1] as number) << 8)) << 16) >> 16;
    case 'u32':
      return (
        ((bytes[offset] as number) |
          ((bytes[offset + 1] as number) << 8) |
          ((bytes[offset + 2] as number) << 16) |
          ((bytes[offset + 3] as number) << 24)) >>>
        0
      );
  }
}

/**
 * Decodes one unescaped frame, checking in order: size, length byte, CRC, type, payload size,
 * field ranges. Never throws; any failure comes back as a rejection with its reason.
 */
export function decodeFrame(bytes: Uint8Array): DecodeResult {
  const length = bytes.length;
  if (length < FRAME_OVERHEAD_BYTES) return reject(Reason.FRAME_TRUNCATED);
  if (length > MAX_FRAME_BYTES) return reject(Reason.FRAME_OVERSIZE);
  if (bytes[0] !== length) return reject(Reason.FRAME_LENGTH_MISMATCH);
  const crcOffset = length - 2;
  const receivedCrc = ((bytes[crcOffset] as number) << 8) | (bytes[crcOffset + 1] as number);
  if (receivedCrc !== crc16Ccitt(bytes, 0, crcOffset)) return reject(Reason.FRAME_BAD_CRC);
  const seq = (bytes[1] as number) | ((bytes[2] as number) << 8);
  const type = bytes[3] as number;
  const layout = LAYOUT_BY_TYPE[type];
  if (layout === undefined) return reject(Reason.UNKNOWN_TYPE, seq, type);
  if (length !== layout.frameBytes) return reject(Reason.PAYLOAD_LENGTH, seq, type);
  const payload: Record<string, number> = {};
  const fields = layout.fields;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as FieldLayout;
    const value = readAt(bytes, field.offset, field.type);
    if (value < field.field.min || value > field.field.max) {
      return {
        ok: false,
        rejection: { reason: field.field.outOfRange ?? Reason.VALUE_OUT_OF_RANGE, seq, type, field: field.name },
      };
    }
    payload[field.name] = value;
  }
  return { ok: true, message: { name: layout.name, seq, payload } as Message };
}

function reject(reason: ReasonCode, seq?: number, type?: number): DecodeResult {
  return {
    ok: false,
    rejection: { reason, ...(seq === undefined ? {} : { seq }), ...(type === undefined ? {} : { type }) },
  };
}

function fieldSize(field: FieldSpec): number {
  return field.type === 'u8' ? 1 : field.type === 'u32' ? 4 : 2;
}
