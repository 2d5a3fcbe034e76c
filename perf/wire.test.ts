// The wire floor: TELEMETRY's size on the wire and what a 115200-baud UART can carry.
import { describe, expect, it } from 'vitest';
import { encodeFrame, slipEncode } from '../src/protocol/index.js';
import { telemetrySamples } from './telemetry-samples.js';
import { wireFloor } from './wire.js';

describe('wireFloor', () => {
  it('prices one TELEMETRY frame at 38 bytes of 10 bits on 115200 baud', () => {
    const floor = wireFloor();
    expect(floor.telemetryFrameBytes).toBe(38);
    expect(floor.wireFrameUs).toBeCloseTo(3298.611, 3);
    expect(floor.maxTelemetryHz).toBe(303);
    expect(floor.baudNeededFor1kHz).toBe(380_000);
  });

  it('is a floor: no encoded telemetry frame is shorter', () => {
    const floor = wireFloor();
    for (const sample of telemetrySamples(200)) {
      expect(slipEncode(encodeFrame('TELEMETRY', 7, sample)).length).toBeGreaterThanOrEqual(floor.telemetryFrameBytes);
    }
  });

  it('scales with the baud rate', () => {
    expect(wireFloor(921_600).maxTelemetryHz).toBe(2425);
  });
});
