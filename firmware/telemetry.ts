// Telemetry: exact-rate scheduling (accumulator) and the TELEMETRY/STATUS payload, built in a reused object.
import { DEFAULT_TELEMETRY_HZ, DEPTH_RANGE_UM, STROKE_RANGE_HZ } from '../src/limits/index.js';
import { Reason, TelemetryFlag, type Payload } from '../src/protocol/index.js';
import type { CommandHandlers } from './commands.js';
import type { DepthAxis } from './depth-axis.js';
import type { PenStateMachine } from './pen-state.js';
import type { Sensors } from './sensors.js';
import type { StrokeDrive } from './stroke-drive.js';
import { batteryPercentFromMv } from './supply.js';

const TICKS_PER_SECOND = 1000;

/** Decides on which 1 ms ticks a TELEMETRY frame is due: exactly `rateHz` frames per 1000 ticks. */
export class TelemetryScheduler {
  private rate = DEFAULT_TELEMETRY_HZ;
  private accumulator = 0;

  /** SET_TELEMETRY: frames per second (range-checked by the decoder, 0-1000). */
  readonly commands: CommandHandlers<'SET_TELEMETRY'> = {
    SET_TELEMETRY: (payload, _receivedAtTick, reply) => {
      this.setRateHz(payload.rateHz);
      reply.appliedValue = payload.rateHz;
      return Reason.NONE;
    },
  };

  /** Frames per second, 0 = off (DEFAULT_TELEMETRY_HZ, the default after boot and HELLO). */
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
  readonly pen: PenStateMachine;
  readonly sensors: Sensors;
  readonly axis: DepthAxis;
  readonly motor: StrokeDrive;
  /** True while the drive runs under a valid lease at `nowTick`. */
  isLeaseValid(nowTick: number): boolean;
}

/** TELEMETRY and STATUS share one layout. */
export type ReportPayload = Payload<'TELEMETRY'>;

/** Fills every field from `source` at device tick `nowTick`, clamped into its wire range. Allocates nothing. */
export function fillReport(report: ReportPayload, nowTick: number, source: ReportSource): void {
  const { pen, sensors, axis, motor } = source;
  report.deviceTickMs = nowTick >>> 0;
  report.state = pen.state;
  report.faultCode = pen.faultCode;
  report.flags = reportFlags(source, nowTick);
  report.commandedDepthUm = clampInt(axis.setpointUm, DEPTH_RANGE_UM.min, DEPTH_RANGE_UM.max);
  report.measuredDepthUm = clampInt(sensors.encoderUm, -32768, 32767);
  report.commandedStrokeHz = motor.running ? clampInt(motor.targetHz, 0, STROKE_RANGE_HZ.max) : 0;
  report.measuredStrokeHz = clampInt(motor.measuredHz, 0, 0xffff);
  report.strokeCount = motor.strokeCount >>> 0;
  report.motorCurrentMa = clampInt(sensors.motorCurrentMa, 0, 0xffff);
  report.batteryMv = clampInt(sensors.batteryMv, 0, 0xffff);
  report.batteryPercent = batteryPercentFromMv(sensors.batteryMv);
  report.cartridgeId = sensors.cartridgeId >>> 0;
  report.needleCount = clampInt(sensors.needleCount, 0, 0xff);
  report.lastStopReason = pen.lastStopReason;
}

function reportFlags(source: ReportSource, nowTick: number): number {
  let flags = 0;
  if (source.sensors.contact) flags |= TelemetryFlag.CONTACT;
  if (source.sensors.cartridgeId !== 0) flags |= TelemetryFlag.CARTRIDGE;
  if (source.axis.homed) flags |= TelemetryFlag.HOMED;
  if (source.isLeaseValid(nowTick)) flags |= TelemetryFlag.LEASE_VALID;
  if (source.motor.commandHz > 0) flags |= TelemetryFlag.MOTOR_ON;
  return flags;
}

/** Rounds to an integer within [min, max]; a non-finite value (NaN) gives `min`, +/-Infinity the nearer bound. */
export function clampInt(value: number, min: number, max: number): number {
  if (Number.isNaN(value)) return min;
  return Math.max(min, Math.min(max, Math.round(value)));
}
