// Decode benchmarks check what they count: every frame decoded by both layers and by firmata-io, values intact.
import { describe, expect, it } from 'vitest';
import { measureDecode, telemetryStream } from './codec.js';
import { firmataSampleBytes, measureFirmata } from './firmata.js';
import { telemetrySamples } from './telemetry-samples.js';

describe('codec benchmark', () => {
  it('decodes every frame of one pass with the codec and with the FrameReader', () => {
    const expectedDepthSum = telemetrySamples(1000).reduce((sum, sample) => sum + sample.measuredDepthUm, 0);
    for (const layer of ['codec', 'reader'] as const) {
      const run = measureDecode(layer, 0);
      expect(run.framesDecoded).toBe(1000);
      expect(run.depthSum).toBe(expectedDepthSum);
    }
  });

  it('streams distinct frames back to back', () => {
    const stream = telemetryStream(telemetrySamples(3));
    expect(stream[0]).toBe(0xc0);
    expect(stream[stream.length - 1]).toBe(0xc0);
    expect(stream.length).toBeGreaterThanOrEqual(3 * 38);
  });
});

describe('Firmata benchmark', () => {
  it('lays a sample out as six analog reports then one sysex of 31 bytes', () => {
    const bytes = firmataSampleBytes(telemetrySamples(1)[0]!);
    expect(bytes.length).toBe(49);
    expect(bytes.slice(0, 3)).toEqual([0xe0, 1500 & 0x7f, 1500 >> 7]);
    expect(bytes[18]).toBe(0xf0);
    expect(bytes[19]).toBe(0x01);
    expect(bytes[48]).toBe(0xf7);
  });

  it('refuses a value an analog report cannot carry', () => {
    const sample = { ...telemetrySamples(1)[0]!, motorCurrentMa: 0x4000 };
    expect(() => firmataSampleBytes(sample)).toThrow(RangeError);
  });

  it('rebuilds every sample of one pass through firmata-io with its values intact', () => {
    const run = measureFirmata(0);
    expect(run.samplesParsed).toBe(1000);
    expect(run.bytesPerSample).toBe(49);
  });
});
