// Diagnostic view of a running firmware: what tests, the simulator and bench reports may inspect.
import type { PenStateCode, ReasonCode } from '../src/protocol/index.js';
import type { Firmware } from './api.js';
import type { SelfTestCheckCode } from './self-test.js';

/** A snapshot of the firmware's internals for tests, the simulator and bench reports. */
export interface FirmwareDiagnostics {
  readonly state: PenStateCode;
  readonly faultCode: number;
  readonly lastStopReason: number;
  /** Transitions the state machine refused (a firmware bug; tests assert 0). */
  readonly refusedTransitions: number;
  readonly connected: boolean;
  readonly expectedSeq: number;
  readonly queueLength: number;
  readonly droppedFrames: number;
  readonly refusedFrames: number;
  readonly transmitEncodeErrors: number;
  readonly configValid: boolean;
  /** The limiter's effective cap: the session depth limit, at most the SKU maximum, um. */
  readonly capUm: number;
  /** The SKU's absolute maximum from the checked configuration, um. */
  readonly skuMaxUm: number;
  readonly leaseMs: number;
  readonly homed: boolean;
  readonly setpointUm: number;
  readonly targetDepthUm: number;
  readonly targetStrokeHz: number;
  readonly motorCommandHz: number;
  readonly measuredStrokeHz: number;
  readonly telemetryRateHz: number;
  readonly selfTestFailedCheck: SelfTestCheckCode;
}

/** The firmware with a diagnostic view; `createFirmware` returns this same object typed as `Firmware`. */
export interface PenFirmware extends Firmware {
  diagnostics(): FirmwareDiagnostics;
  /** Frames dropped unanswered for one frame-layer reason (FRAME_TRUNCATED .. FRAME_BAD_ESCAPE). */
  dropCount(reason: ReasonCode): number;
}
