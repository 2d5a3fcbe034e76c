// Decode throughput of the wire codec: SLIP + CRC + checked decode of TELEMETRY frames on one core.
import { MAX_FRAME_BYTES, SlipStreamDecoder, decodeFrame, encodeFrame, slipEncode } from '../src/protocol/index.js';
import { FrameReader } from '../src/transport/index.js';
import { telemetrySamples, type TelemetrySample } from './telemetry-samples.js';

/** Bytes per read handed to the decoder, as a serial read of a busy port might deliver. */
export const READ_CHUNK_BYTES = 256;

/** The SLIP byte stream of `samples` as TELEMETRY frames with consecutive seqs. */
export function telemetryStream(samples: readonly TelemetrySample[]): Uint8Array {
  const frames = samples.map((sample, index) => slipEncode(encodeFrame('TELEMETRY', index & 0xffff, sample)));
  const stream = new Uint8Array(frames.reduce((size, frame) => size + frame.length, 0));
  let offset = 0;
  for (const frame of frames) {
    stream.set(frame, offset);
    offset += frame.length;
  }
  return stream;
}

export interface DecodeRun {
  readonly framesPerSec: number;
  /** Frames decoded with ok results; equals passes x samples when nothing was dropped. */
  readonly framesDecoded: number;
  /** Sum of decoded measuredDepthUm (keeps the work observable, checks values). */
  readonly depthSum: number;
}

/**
 * Decodes the stream of `sampleCount` frames over and over for at least `durationMs` of wall time,
 * with the protocol's SlipStreamDecoder and decodeFrame (`layer: 'codec'`) or the host's
 * FrameReader, which adds the direction check and rejection counting (`layer: 'reader'`).
 * Throws Error when a frame fails to decode or a value comes back different.
 */
export function measureDecode(layer: 'codec' | 'reader', durationMs: number, sampleCount = 1000): DecodeRun {
  const samples = telemetrySamples(sampleCount);
  const stream = telemetryStream(samples);
  const expectedDepthSum = samples.reduce((sum, sample) => sum + sample.measuredDepthUm, 0);
  let decoded = 0;
  let depthSum = 0;
  let failures = 0;
  const push = createDecoder(
    layer,
    (depthUm) => {
      decoded++;
      depthSum += depthUm;
    },
    () => failures++,
  );
  let passes = 0;
  const startMs = performance.now();
  let elapsedMs = 0;
  do {
    for (let offset = 0; offset < stream.length; offset += READ_CHUNK_BYTES) {
      push(stream.subarray(offset, Math.min(stream.length, offset + READ_CHUNK_BYTES)));
    }
    passes++;
    elapsedMs = performance.now() - startMs;
  } while (elapsedMs < durationMs);
  if (failures > 0 || decoded !== passes * sampleCount || depthSum !== passes * expectedDepthSum) {
    throw new Error(`decode check failed: ${decoded} frames, ${failures} failures, after ${passes} passes`);
  }
  return { framesPerSec: (decoded * 1000) / elapsedMs, framesDecoded: decoded, depthSum };
}

function createDecoder(
  layer: 'codec' | 'reader',
  onTelemetry: (measuredDepthUm: number) => void,
  onFailure: () => void,
): (bytes: Uint8Array) => void {
  if (layer === 'reader') {
    const reader = new FrameReader((message) => {
      if (message.name === 'TELEMETRY') onTelemetry(message.payload.measuredDepthUm);
      else onFailure();
    }, onFailure);
    return (bytes) => reader.push(bytes);
  }
  const decoder = new SlipStreamDecoder(
    MAX_FRAME_BYTES,
    (frame) => {
      const result = decodeFrame(frame);
      if (result.ok && result.message.name === 'TELEMETRY') onTelemetry(result.message.payload.measuredDepthUm);
      else onFailure();
    },
    onFailure,
  );
  return (bytes) => decoder.push(bytes);
}
