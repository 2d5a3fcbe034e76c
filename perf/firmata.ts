// The same telemetry fields carried as Firmata messages (analog reports + one sysex), parsed by firmata-io.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { READ_CHUNK_BYTES } from './codec.js';
import { telemetrySamples, type TelemetrySample } from './telemetry-samples.js';

const ANALOG_MESSAGE = 0xe0;
const START_SYSEX = 0xf0;
const END_SYSEX = 0xf7;
const REPORT_VERSION = 0xf9;
/** A user-defined sysex id (Firmata reserves 0x01-0x0F for them). */
export const TELEMETRY_SYSEX_ID = 0x01;
/** measuredDepthUm is signed: an analog report carries it offset by this much (14-bit offset binary). */
const DEPTH_OFFSET = 8192;

/** The part of firmata-io's Board this benchmark uses (the package ships no types). */
interface FirmataBoard extends EventEmitter {
  sysexResponse(commandByte: number, handler: (data: number[]) => void): FirmataBoard;
  clearSysexResponse(commandByte: number): void;
}
type FirmataConstructor = new (transport: EventEmitter, options: Record<string, unknown>) => FirmataBoard;

const require = createRequire(import.meta.url);
const { Firmata } = require('firmata-io') as { Firmata: FirmataConstructor };

/** A transport with the interface firmata-io's Board expects of a serial port: events in, write out. */
class FakeTransport extends EventEmitter {
  write(_data: Buffer, callback?: () => void): boolean {
    callback?.();
    return true;
  }
}

function pushSeptets(out: number[], value: number, count: number): void {
  for (let i = 0; i < count; i++) out.push(Math.floor(value / 2 ** (7 * i)) & 0x7f);
}

function readSeptets(data: readonly number[], offset: number, count: number): number {
  let value = 0;
  for (let i = count - 1; i >= 0; i--) value = value * 128 + ((data[offset + i] as number) & 0x7f);
  return value;
}

/**
 * One sample as Firmata bytes: six analog reports (A0 commanded depth, A1 measured depth + 8192,
 * A2 commanded rate, A3 measured rate, A4 motor current, A5 battery percent), then sysex 0x01 with
 * the 32-bit and 8-bit fields as 7-bit groups, least significant first (u32: 5, u16: 3, u8: 2).
 */
export function firmataSampleBytes(sample: TelemetrySample): number[] {
  const out: number[] = [];
  const analog = [
    sample.commandedDepthUm,
    sample.measuredDepthUm + DEPTH_OFFSET,
    sample.commandedStrokeHz,
    sample.measuredStrokeHz,
    sample.motorCurrentMa,
    sample.batteryPercent,
  ];
  analog.forEach((value, pin) => {
    if (value < 0 || value > 0x3fff) throw new RangeError(`analog A${pin}: ${value} does not fit 14 bits`);
    out.push(ANALOG_MESSAGE | pin, value & 0x7f, (value >> 7) & 0x7f);
  });
  out.push(START_SYSEX, TELEMETRY_SYSEX_ID);
  pushSeptets(out, sample.deviceTickMs, 5);
  pushSeptets(out, sample.strokeCount, 5);
  pushSeptets(out, sample.cartridgeId, 5);
  pushSeptets(out, sample.batteryMv, 3);
  for (const value of [sample.state, sample.faultCode, sample.flags, sample.needleCount, sample.lastStopReason]) {
    pushSeptets(out, value, 2);
  }
  out.push(END_SYSEX);
  return out;
}

export interface FirmataRun {
  /** Complete telemetry samples (6 analog reports + 1 sysex) parsed per second. */
  readonly samplesPerSec: number;
  readonly samplesParsed: number;
  /** Bytes one sample takes on the wire as Firmata. */
  readonly bytesPerSample: number;
}

/**
 * Feeds the Firmata stream of `sampleCount` samples to a firmata-io Board over and over for at
 * least `durationMs` of wall time, counting complete samples rebuilt from its analog-read events
 * and sysex handler. Throws Error when a rebuilt sample differs from the one sent.
 */
export function measureFirmata(durationMs: number, sampleCount = 1000): FirmataRun {
  const samples = telemetrySamples(sampleCount);
  const perSample = samples.map(firmataSampleBytes);
  const stream = Buffer.from(perSample.flat());
  const transport = new FakeTransport();
  const board = new Firmata(transport, { reportVersionTimeout: 3_600_000 });
  const analog = new Int32Array(16);
  let parsed = 0;
  let mismatches = 0;
  board.on('analog-read', (report: { pin: number; value: number }) => {
    analog[report.pin] = report.value;
  });
  board.clearSysexResponse(TELEMETRY_SYSEX_ID);
  board.sysexResponse(TELEMETRY_SYSEX_ID, (data) => {
    const expected = samples[parsed % sampleCount] as TelemetrySample;
    if (
      readSeptets(data, 0, 5) !== expected.deviceTickMs ||
      readSeptets(data, 5, 5) !== expected.strokeCount ||
      readSeptets(data, 10, 5) !== expected.cartridgeId ||
      analog[1]! - DEPTH_OFFSET !== expected.measuredDepthUm ||
      analog[4] !== expected.motorCurrentMa
    ) {
      mismatches++;
    }
    parsed++;
  });
  transport.emit('data', Buffer.from([REPORT_VERSION, 2, 6]));
  const startMs = performance.now();
  let elapsedMs = 0;
  do {
    for (let offset = 0; offset < stream.length; offset += READ_CHUNK_BYTES) {
      transport.emit('data', stream.subarray(offset, Math.min(stream.length, offset + READ_CHUNK_BYTES)));
    }
    elapsedMs = performance.now() - startMs;
  } while (elapsedMs < durationMs);
  board.clearSysexResponse(TELEMETRY_SYSEX_ID);
  if (mismatches > 0 || parsed % sampleCount !== 0) {
    throw new Error(`firmata check failed: ${mismatches} mismatches in ${parsed} samples`);
  }
  return {
    samplesPerSec: (parsed * 1000) / elapsedMs,
    samplesParsed: parsed,
    bytesPerSample: stream.length / sampleCount,
  };
}
