// Stable wire codes: pen states, reason codes and fault codes. Grouped, never renumbered, 0 reserved.
import { HOME_MAX_DEPTH_UM, PRO_MAX_DEPTH_UM } from '../limits/index.js';

/**
 * Protocol version spoken by this codec. A peer speaking another version is refused (decision 0006:
 * version 2 adds the answered message type and the pen's expected seq to ACK and NAK).
 */
export const PROTOCOL_VERSION = 2;

/** Pen SKU: decides the absolute maximum depth the firmware's limiter enforces. */
export const Sku = {
  HOME: 1, // lay-user pen, absolute maximum 250 um
  PRO: 2, // clinic pen, absolute maximum 2500 um
} as const;
export type SkuCode = (typeof Sku)[keyof typeof Sku];

/** Absolute maximum depth per SKU, micrometres. */
export const SKU_MAX_DEPTH_UM: Readonly<Record<SkuCode, number>> = {
  [Sku.HOME]: HOME_MAX_DEPTH_UM,
  [Sku.PRO]: PRO_MAX_DEPTH_UM,
};

/** Pen state as reported in TELEMETRY, STATUS and INFO. */
export const PenState = {
  BOOT: 1, // power-on, nothing initialised
  SELF_TEST: 2, // boot self-test running; drive cannot be armed
  UNHOMED: 3, // self-test passed, depth axis position unknown; motion refused
  HOMING: 4, // depth axis seeking its home switch
  IDLE: 5, // homed, drive disarmed: motor off, needles retracted
  ARMED: 6, // drive running under a lease: motor at commanded rate, needles at commanded depth
  FAULT: 7, // latched fault: motor off, needles retracted until RESET_FAULT then HOME
} as const;
export type PenStateCode = (typeof PenState)[keyof typeof PenState];

/**
 * Reason codes carried by NAK (refusals), ACK notes (clamps), EVENT_STOPPED and frame drops.
 * Groups: 0x01 frame, 0x10 link, 0x20 value, 0x30 clamp note, 0x40 state, 0x50 stop.
 */
export const Reason = {
  NONE: 0x00,
  // frame layer (0x01-0x0F): the frame is never acted on
  FRAME_TRUNCATED: 0x01, // shorter than the 6-byte minimum
  FRAME_LENGTH_MISMATCH: 0x02, // length byte disagrees with the received size
  FRAME_OVERSIZE: 0x03, // more than MAX_FRAME_BYTES before an END
  FRAME_BAD_CRC: 0x04, // CRC-16 check failed
  FRAME_BAD_ESCAPE: 0x05, // SLIP escape followed by an invalid byte
  UNKNOWN_TYPE: 0x06, // message type not in the catalog
  PAYLOAD_LENGTH: 0x07, // payload size differs from the catalog's
  WRONG_DIRECTION: 0x08, // a pen-to-host message sent to the pen, or the reverse
  // link layer (0x10-0x1F)
  SEQUENCE_UNEXPECTED: 0x10, // not the next expected sequence number (gap or stale replay)
  NOT_CONNECTED: 0x11, // a command before a successful HELLO
  QUEUE_FULL: 0x12, // command queue full; retransmit later
  PROTOCOL_UNSUPPORTED: 0x13, // a command after a HELLO whose protocol version this pen does not speak
  SEQUENCE_REUSED: 0x14, // a recently answered seq carried by a different frame (type or payload)
  CANCELLED_BY_STOP: 0x15, // discarded from the queue by a STOP or ESTOP received after it
  // values (0x20-0x2F): refused, nothing changed
  DEPTH_OUT_OF_RANGE: 0x20, // depth outside the protocol range 0-2500 um
  SPEED_OUT_OF_RANGE: 0x21, // stroke rate outside 50-150 Hz
  TELEMETRY_RATE_OUT_OF_RANGE: 0x22, // telemetry rate outside 0-1000 Hz
  VALUE_OUT_OF_RANGE: 0x23, // any other field outside its range
  // clamp notes (0x30-0x3F): carried by ACK, the command was applied as the ACK's value says
  DEPTH_FLOORED_TO_STEP: 0x30, // floored to the 50 um step
  DEPTH_CLAMPED_TO_SKU_MAX: 0x31, // clamped to the SKU's absolute maximum
  DEPTH_CLAMPED_TO_SESSION_LIMIT: 0x32, // clamped to the session depth limit (SET_DEPTH_LIMIT)
  // state refusals (0x40-0x4F)
  NOT_HOMED: 0x40, // depth axis not homed
  FAULT_LATCHED: 0x41, // a fault is latched; RESET_FAULT first
  SELF_TEST_PENDING: 0x42, // boot self-test has not passed
  NO_CARTRIDGE: 0x43, // no cartridge inserted
  BATTERY_LOW: 0x44, // battery below the arming threshold
  HOMING_IN_PROGRESS: 0x45, // homing not finished
  NO_FAULT: 0x46, // RESET_FAULT with no latched fault
  BUSY_ARMED: 0x47, // HOME or SET_DEPTH_LIMIT while the drive is armed
  // stop reasons (0x50-0x5F): carried by EVENT_STOPPED and TELEMETRY.lastStopReason
  STOP_HOST: 0x50, // realtime STOP from the host
  STOP_ESTOP: 0x51, // realtime ESTOP (also latches FAULT_ESTOP)
  STOP_LEASE_LAPSED: 0x52, // no HEARTBEAT within the lease
  STOP_FAULT: 0x53, // a fault latched
  STOP_LINK_RESET: 0x54, // a new HELLO while armed
  STOP_DISARM: 0x55, // DISARM command
} as const;
export type ReasonCode = (typeof Reason)[keyof typeof Reason];

/** Fault codes. Groups: 0x01 depth axis, 0x10 drive, 0x20 power and system, 0x30 operator. */
export const Fault = {
  NONE: 0x00,
  OVER_DEPTH: 0x01, // limiter: measured depth above the effective cap (session limit or SKU maximum) + 50 um
  DEPTH_TRACKING: 0x02, // |measured - setpoint| beyond tolerance for too long (drift)
  ENCODER_FROZEN: 0x03, // depth reading unchanged while the axis is commanded to move
  ENCODER_IMPLAUSIBLE: 0x04, // reading outside the physical travel
  HOMING_FAILED: 0x05, // home switch not found within the travel
  MOTOR_STALL: 0x10, // measured stroke rate far below commanded after spin-up
  OVER_CURRENT: 0x11, // motor current above its limit
  BROWN_OUT: 0x20, // supply voltage collapsed
  SELF_TEST_FAILED: 0x21, // boot self-test failed
  CONFIG_CORRUPT: 0x22, // configuration checksum mismatch
  ESTOP: 0x30, // emergency stop from the host
  CARTRIDGE_REMOVED: 0x31, // cartridge pulled while the drive was armed
} as const;
export type FaultCode = (typeof Fault)[keyof typeof Fault];

/** Bits of TELEMETRY.flags. */
export const TelemetryFlag = {
  CONTACT: 0x01, // skin contact sensed
  CARTRIDGE: 0x02, // cartridge present
  HOMED: 0x04, // depth axis homed
  LEASE_VALID: 0x08, // drive lease currently valid
  MOTOR_ON: 0x10, // motor driven
} as const;

/** Name of a code, for logs and docs; `UNKNOWN(0xNN)` when absent. */
export function codeName(table: Readonly<Record<string, number>>, code: number): string {
  for (const [name, value] of Object.entries(table)) if (value === code) return name;
  return typeof code === 'number' ? `UNKNOWN(0x${code.toString(16).padStart(2, '0')})` : `UNKNOWN(${String(code)})`;
}
