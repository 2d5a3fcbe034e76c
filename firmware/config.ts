// Non-volatile configuration block: fixed layout with a CRC-16 trailer, encoded and integrity-checked.
import { Sku, crc16Ccitt } from '../src/protocol/index.js';
import type { PenConfig } from './api.js';
import { LEASE_MAX_MS, LEASE_MIN_MS } from './tuning.js';

/**
 * Layout (12 bytes): magic "MP" (0x4D 0x50), layout version u8, sku u8, serialNumber u32 LE,
 * leaseMs u16 LE, CRC-16/CCITT-FALSE of bytes 0-9, big-endian (as in frames).
 */
export const CONFIG_BLOCK_BYTES = 12;
export const CONFIG_LAYOUT_VERSION = 1;
const MAGIC_0 = 0x4d;
const MAGIC_1 = 0x50;
const CRC_OFFSET = 10;

/**
 * Encodes a configuration block. Throws RangeError when sku is not a Sku code, serialNumber is
 * not a u32 or leaseMs is outside [LEASE_MIN_MS, LEASE_MAX_MS]: a valid block is never refused.
 */
export function encodeConfigBlock(config: PenConfig): Uint8Array {
  if (config.sku !== Sku.HOME && config.sku !== Sku.PRO) throw new RangeError(`sku ${String(config.sku)} unknown`);
  if (!isInteger(config.serialNumber, 0, 0xffffffff))
    throw new RangeError(`serialNumber ${config.serialNumber} not u32`);
  if (!isInteger(config.leaseMs, LEASE_MIN_MS, LEASE_MAX_MS)) {
    throw new RangeError(`leaseMs ${config.leaseMs} outside [${LEASE_MIN_MS}, ${LEASE_MAX_MS}]`);
  }
  const bytes = new Uint8Array(CONFIG_BLOCK_BYTES);
  const view = new DataView(bytes.buffer);
  bytes[0] = MAGIC_0;
  bytes[1] = MAGIC_1;
  bytes[2] = CONFIG_LAYOUT_VERSION;
  bytes[3] = config.sku;
  view.setUint32(4, config.serialNumber, true);
  view.setUint16(8, config.leaseMs, true);
  view.setUint16(CRC_OFFSET, crc16Ccitt(bytes, 0, CRC_OFFSET), false);
  return bytes;
}

/**
 * Decodes and checks a stored block. Returns null (never throws) when the size, CRC, magic,
 * layout version, sku or lease are wrong: the caller latches CONFIG_CORRUPT (S17).
 */
export function decodeConfigBlock(bytes: Uint8Array): PenConfig | null {
  if (bytes.length !== CONFIG_BLOCK_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(CRC_OFFSET, false) !== crc16Ccitt(bytes, 0, CRC_OFFSET)) return null;
  if (bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1 || bytes[2] !== CONFIG_LAYOUT_VERSION) return null;
  const sku = bytes[3];
  if (sku !== Sku.HOME && sku !== Sku.PRO) return null;
  const leaseMs = view.getUint16(8, true);
  if (leaseMs < LEASE_MIN_MS || leaseMs > LEASE_MAX_MS) return null;
  return { sku, serialNumber: view.getUint32(4, true), leaseMs };
}

/** CRC-16 of a block's checked bytes (what INFO.configCrc reports); 0 for a block too short to hold one. */
export function configBlockCrc(bytes: Uint8Array): number {
  return bytes.length < CRC_OFFSET ? 0 : crc16Ccitt(bytes, 0, CRC_OFFSET);
}

function isInteger(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}
