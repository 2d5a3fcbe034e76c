// Frame layout: length, sequence, type, payload, CRC-16; encode and fully checked decode.
import { crc16Ccitt } from './crc16.js';
import { Reason, type ReasonCode } from './codes.js';
import {
  MESSAGES,
  MESSAGE_BY_TYPE,
  payloadBytes,
  type FieldSpec,
  type Message,
  type MessageName,
  type MessageSpec,
  type Payload,
} from './catalog.js';

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

/**
 * Encodes a message as an unescaped frame. Throws RangeError when a field is missing,
 * not an integer or outside its catalog range: a sender never emits an invalid frame.
 */
export function encodeFrame<N extends MessageName>(name: N, seq: number, payload: Payload<N>): Uint8Array {
  const spec: MessageSpec = MESSAGES[name];
  const size = FRAME_OVERHEAD_BYTES + payloadBytes(spec);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  if (!Number.isInteger(seq) || seq < 0 || seq > 0xffff) throw new RangeError(`${name}: seq ${seq} not u16`);
  bytes[0] = size;
  view.setUint16(1, seq, true);
  bytes[3] = spec.type;
  let offset = 4;
  const values = payload as Record<string, number>;
  for (const field of spec.fields) {
    const value = values[field.name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < field.min || value > field.max) {
      throw new RangeError(`${name}.${field.name}: ${String(value)} outside [${field.min}, ${field.max}]`);
    }
    offset = writeField(view, offset, field, value);
  }
  view.setUint16(offset, crc16Ccitt(bytes, 0, offset), false);
  return bytes;
}

/**
 * Decodes one unescaped frame, checking in order: size, length byte, CRC, type, payload size,
 * field ranges. Never throws; any failure comes back as a rejection with its reason.
 */
export function decodeFrame(bytes: Uint8Array): DecodeResult {
  if (bytes.length < FRAME_OVERHEAD_BYTES) return reject(Reason.FRAME_TRUNCATED);
  if (bytes.length > MAX_FRAME_BYTES) return reject(Reason.FRAME_OVERSIZE);
  if (bytes[0] !== bytes.length) return reject(Reason.FRAME_LENGTH_MISMATCH);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const crcOffset = bytes.length - 2;
  if (view.getUint16(crcOffset, false) !== crc16Ccitt(bytes, 0, crcOffset)) return reject(Reason.FRAME_BAD_CRC);
  const seq = view.getUint16(1, true);
  const type = bytes[3] as number;
  const entry = MESSAGE_BY_TYPE.get(type);
  if (entry === undefined) return reject(Reason.UNKNOWN_TYPE, seq, type);
  if (crcOffset - 4 !== payloadBytes(entry.spec)) return reject(Reason.PAYLOAD_LENGTH, seq, type);
  const payload: Record<string, number> = {};
  let offset = 4;
  for (const field of entry.spec.fields) {
    const value = readField(view, offset, field);
    if (value < field.min || value > field.max) {
      return {
        ok: false,
        rejection: { reason: field.outOfRange ?? Reason.VALUE_OUT_OF_RANGE, seq, type, field: field.name },
      };
    }
    payload[field.name] = value;
    offset += fieldSize(field);
  }
  return { ok: true, message: { name: entry.name, seq, payload } as Message };
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

function writeField(view: DataView, offset: number, field: FieldSpec, value: number): number {
  switch (field.type) {
    case 'u8':
      view.setUint8(offset, value);
      return offset + 1;
    case 'u16':
      view.setUint16(offset, value, true);
      return offset + 2;
    case 'i16':
      view.setInt16(offset, value, true);
      return offset + 2;
    case 'u32':
      view.setUint32(offset, value, true);
      return offset + 4;
  }
}

function readField(view: DataView, offset: number, field: FieldSpec): number {
  switch (field.type) {
    case 'u8':
      return view.getUint8(offset);
    case 'u16':
      return view.getUint16(offset, true);
    case 'i16':
      return view.getInt16(offset, true);
    case 'u32':
      return view.getUint32(offset, true);
  }
}
