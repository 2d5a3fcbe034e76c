// Deterministic telemetry samples shared by the codec and Firmata benchmarks (same fields, same values).
import { PenState, TelemetryFlag, type Payload } from '../src/protocol/index.js';

export type TelemetrySample = Payload<'TELEMETRY'>;

/**
 * `count` plausible telemetry samples of an armed pen at 1 kHz: time, depth and stroke count
 * move every sample, so no two frames are alike. Values stay inside the catalog's ranges and,
 * for the Firmata mapping, inside 14 bits where an analog report carries them.
 */
export function telemetrySamples(count: number): TelemetrySample[] {
  const samples: TelemetrySample[] = [];
  for (let i = 0; i < count; i++) {
    samples.push({
      deviceTickMs: 1_000_000 + i,
      state: PenState.ARMED,
      faultCode: 0,
      flags:
        TelemetryFlag.CARTRIDGE | TelemetryFlag.HOMED | TelemetryFlag.LEASE_VALID | TelemetryFlag.MOTOR_ON | (i & 1),
      commandedDepthUm: 1500,
      measuredDepthUm: 1490 + (i % 21) - 10,
      commandedStrokeHz: 120,
      measuredStrokeHz: 118 + (i % 5),
      strokeCount: 400_000 + Math.floor(i * 0.12),
      motorCurrentMa: 300 + (i % 40),
      batteryMv: 3900 - (i % 7),
      batteryPercent: 80,
      cartridgeId: 0x8a5f_c3d1,
      needleCount: 36,
      lastStopReason: 0,
    });
  }
  return samples;
}
