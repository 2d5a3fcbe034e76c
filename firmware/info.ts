// INFO, the answer to HELLO: identity, limits, consumables, state and the next command sequence number.
import {
  DEPTH_STEP_UM,
  PROTOCOL_VERSION,
  SKU_MAX_DEPTH_UM,
  STROKE_RANGE_HZ,
  type Payload,
} from '../src/protocol/index.js';
import { FIRMWARE_VERSION, type PenConfig } from './api.js';
import type { Sensors } from './sensors.js';
import { batteryPercentFromMv } from './supply.js';
import { clampInt } from './telemetry.js';

/**
 * Builds INFO from the active configuration (the fallback one when the stored block is corrupt),
 * its CRC, the last sensor readings, the pen state and the sequence number the next command must carry.
 * Every field is within its wire range.
 */
export function buildInfoPayload(
  config: PenConfig,
  configCrc: number,
  sensors: Sensors,
  state: number,
  faultCode: number,
  nextSeq: number,
): Payload<'INFO'> {
  return {
    protocolVersion: PROTOCOL_VERSION,
    firmwareMajor: FIRMWARE_VERSION.major,
    firmwareMinor: FIRMWARE_VERSION.minor,
    firmwarePatch: FIRMWARE_VERSION.patch,
    sku: config.sku,
    serialNumber: config.serialNumber >>> 0,
    maxDepthUm: SKU_MAX_DEPTH_UM[config.sku],
    depthStepUm: DEPTH_STEP_UM,
    minStrokeHz: STROKE_RANGE_HZ.min,
    maxStrokeHz: STROKE_RANGE_HZ.max,
    leaseMs: config.leaseMs,
    cartridgeId: sensors.cartridgeId >>> 0,
    needleCount: clampInt(sensors.needleCount, 0, 0xff),
    batteryPercent: batteryPercentFromMv(sensors.batteryMv),
    batteryMv: clampInt(sensors.batteryMv, 0, 0xffff),
    configCrc,
    nextSeq,
    state,
    faultCode,
  };
}
