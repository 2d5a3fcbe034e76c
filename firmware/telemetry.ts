// Telemetry: exact-rate scheduling (accumulator) and the TELEMETRY/STATUS payload, built in a reused object.
import { DEPTH_RANGE_UM, STROKE_RANGE_HZ } from '../src/limits/index.js';
import { TelemetryFlag, type Payload } from '../src/protocol/index.js';
import type { DepthAxis } from './depth-axis.js';
import type { Sensors } from './sensors.js';
import type { StrokeDrive } from './stroke-drive.js';
import { batteryPercentFromMv } from './supply.js';

const TICKS_PER_SECOND = 1000;

/** Decides on which 1 ms ticks a TELEMETRY frame is due: exactly `rateHz` frames per 1000 ticks. */
export class TelemetryScheduler {
  private rate = 0;
  private accumulator = 0;

  /** Frames per second, 0 = off (the boot default). */
  get rateHz(): number {
    return this.rate;
  }

  /** Sets the rate, Hz (0-1000, range-checked by the decoder); the first frame follows 1000/rate ticks later. */
  setRateHz(rateHz: number): void {
    this.rate = rateHz;
    this.accumulator = 0;
  }

  /** One tick; true when a frame is due. Integer accumulator: no drift, no rounded period. */
  tick(): boolean {
    if (this.rate === 0) return false;
    this.accumulator += this.rate;
    if (this.accumulator < TICKS_PER_SECOND) return false;
    this.accumulator -= TICKS_PER_SECOND;
    return true;
  }
}

/** What a report is built from. */
export interface ReportSource {
  readonly state: number;
  readonly faultCode: number;
  readonly lastStopReason: number;
  readonly isLeaseValid: boolean;
  readonly sensors: Sensors;
  readonly axis: DepthAxis;
  readonly drive: StrokeDrive;
}

export type ReportPayload = { -readonly [K in keyof Payload<'TELEMETRY'>]: Payload<'TELEMETRY'>[K] };

/** A zeroed report object, to be reused by `fillReport`. */
export function createReportPayload(): ReportPayload {
  return {
    deviceTickMs: 0,
    state: 1,
    faultCode: 0,
    flags: 0,
    commandedDepthUm: 0,
    measuredDepthUm: 0,
    commandedStrokeHz: 0,
    measuredStrokeHz: 0,
    strokeCount: 0,
    motorCurrentMa: 0,
    batteryMv: 0,
    batteryPercent: 0,
    cartridgeId: 0,
    needleCount: 0,
    lastStopReason: 0,
  };
}

/** Fills every field from `source` at device time `nowMs`, clamped into its wire range. Allocates nothing. */
export function fillReport(report: ReportPayload, nowMs: number, source: ReportSource): void {
  const { sensors, axis, drive } = source;
  report.deviceTickMs = nowMs >>> 0;
  report.state = source.state;
  report.faultCode = source.faultCode;
  report.flags = reportFlags(source);
  report.commandedDepthUm = clampInt(axis.setpointUm, DEPTH_RANGE_UM.min, DEPTH_RANGE_UM.max);
  report.measuredDepthUm = clampInt(sensors.encoderUm, -32768, 32767);
  report.commandedStrokeHz = drive.running ? clampInt(drive.targetHz, 0, STROKE_RANGE_HZ.max) : 0;
  report.measuredStrokeHz = clampInt(drive.measuredHz, 0, 0xffff);
  report.strokeCount = drive.strokeCount >>> 0;
  report.motorCurrentMa = clampInt(sensors.motorCurrentMa, 0, 0xffff);
  report.batteryMv = clampInt(sensors.batteryMv, 0, 0xffff);
  report.batteryPercent = batteryPercentFromMv(sensors.batteryMv);
  report.cartridgeId = sensors.cartridgeId >>> 0;
  report.needleCount = clampInt(sensors.needleCount, 0, 0xff);
  report.lastStopReason = source.lastStopReason;
}

function reportFlags(source: ReportSource): number {
  let flags = 0;
  if (source.sensors.contact) flags |= TelemetryFlag.CONTACT;
  if (source.sensors.cartridgeId !== 0) flags |= TelemetryFlag.CARTRIDGE;
  if (source.axis.homed) flags |= TelemetryFlag.HOMED;
  if (source.isLeaseValid) flags |= TelemetryFlag.LEASE_VALID;
  if (source.drive.commandHz > 0) flags |= TelemetryFlag.MOTOR_ON;
  return flags;
}

/** Rounds to an integer within [min, max]; a non-finite value (NaN) gives `min`, +/-Infinity the nearer bound. */
export function clampInt(value: number, min: number, max: number): number {
  if (Number.isNaN(value)) return min;
  return Math.max(min, Math.min(max, Math.round(value)));
}
