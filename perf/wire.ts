// The physical floor of the serial wire: how long one telemetry frame takes at the pen's baud rate.
import { FRAME_OVERHEAD_BYTES, MESSAGES, payloadBytes } from '../src/protocol/index.js';
import { PEN_BAUD_RATE } from '../src/wiring/open-port.js';

/** UART 8N1: start bit, 8 data bits, stop bit. */
export const BITS_PER_BYTE_8N1 = 10;

export interface WireFloor {
  readonly baudRate: number;
  /** TELEMETRY on the wire without escapes: frame (overhead + payload) + the two SLIP ENDs, bytes. */
  readonly telemetryFrameBytes: number;
  /** Time one such frame takes on the wire, us. */
  readonly wireFrameUs: number;
  /** Most telemetry frames per second the wire can carry (nothing else sent), Hz. */
  readonly maxTelemetryHz: number;
  /** Baud a 1 kHz telemetry stream alone needs, bits per second. */
  readonly baudNeededFor1kHz: number;
}

/** The floor for `baudRate` (default: the pen's 115200). Escaped bytes would only lengthen a frame. */
export function wireFloor(baudRate: number = PEN_BAUD_RATE): WireFloor {
  const telemetryFrameBytes = FRAME_OVERHEAD_BYTES + payloadBytes(MESSAGES.TELEMETRY) + 2;
  const bits = telemetryFrameBytes * BITS_PER_BYTE_8N1;
  return {
    baudRate,
    telemetryFrameBytes,
    wireFrameUs: (bits * 1e6) / baudRate,
    maxTelemetryHz: Math.floor(baudRate / bits),
    baudNeededFor1kHz: bits * 1000,
  };
}
