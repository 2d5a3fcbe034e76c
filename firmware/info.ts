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
 * Fills INFO from the active configuration (the fallback one when the stored block is corrupt),
 * its CRC, the last sensor readings and the pen state; the link sets nextSeq. Every field is within
 * its wire range. Allocates nothing.
 */
export function fillInfoPayload(
  info: Payload<'INFO'>,
  config: PenConfig,
  configCrc: number,
  sensors: Sensors,
  state: number,
  faultCode: number,
): void {
  info.protocolVersion = PROTOCOL_VERSION;
  info.firmwareMajor = FIRMWARE_VERSION.major;
  info.firmwareMinor = FIRMWARE_VERSION.minor;
  info.firmwarePatch = FIRMWARE_VERSION.patch;
  info.sku = config.sku;
  info.serialNumber = config.serialNumber >>> 0;
  info.maxDepthUm = SKU_MAX_DEPTH_UM[config.sku];
  info.depthStepUm = DEPTH_STEP_UM;
  info.minStrokeHz = STROKE_RANGE_HZ.min;
  info.maxStrokeHz = STROKE_RANGE_HZ.max;
  info.leaseMs = config.leaseMs;
  info.cartridgeId = sensors.cartridgeId >>> 0;
  info.needleCount = clampInt(sensors.needleCount, 0, 0xff);
  info.batteryPercent = batteryPercentFromMv(sensors.batteryMv);
  info.batteryMv = clampInt(sensors.batteryMv, 0, 0xffff);
  info.configCrc = configCrc;
  info.state = state;
  info.faultCode = faultCode;
}
