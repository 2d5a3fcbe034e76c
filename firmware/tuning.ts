// Tuning figures of the pen firmware: every threshold, rate and time the issue left open, with its unit (product limits: src/limits).

// Link
/** Sequenced frames (HELLO and commands) waiting for the control loop. */
export const COMMAND_QUEUE_CAPACITY = 8;
/** Queued frames the control loop handles per tick. */
export const COMMANDS_PER_TICK = 1;
/** Answered commands remembered for duplicate detection. */
export const ANSWER_MEMORY_SIZE = 8;
/** Move of the expected command sequence number on every HELLO. */
export const HELLO_SEQ_STRIDE = 0x4000;
/** Low bits of device time (ticks) added to the HELLO move, so replays across boots rarely match. */
export const HELLO_SEQ_MIX_MASK = 0x03ff;
/** A STOP whose seq is 1..this ahead of the expected one moves the expected seq there (the host's window is at most 8). */
export const STOP_SEQ_MAX_AHEAD = 8;

// Configuration block
/** Shortest and longest drive lease a valid configuration block may hold, ms. */
export const LEASE_MIN_MS = 20;
export const LEASE_MAX_MS = 2000;

// Depth axis
/** Physical travel of the depth axis from the home stop outward, um. */
export const AXIS_TRAVEL_UM = 3000;
/** Setpoint slew while extending under ARMED, um per ms (0 to 2500 um in 500 ms). */
export const DEPTH_SLEW_UM_PER_MS = 5;
/** Setpoint slew while homing (retracting towards the home switch), um per ms. */
export const HOMING_SLEW_UM_PER_MS = 5;
/** Retract distance beyond the full travel before homing gives up, um. */
export const HOMING_MARGIN_UM = 500;
/** Wait after the full homing retract for a lagging axis to reach the switch, ms. */
export const HOMING_SETTLE_MS = 100;

// Limiter
/** Allowed |measured - setpoint| before tracking counts as lost, um. */
export const TRACKING_TOLERANCE_UM = 100;
/** Consecutive out-of-tolerance ticks that latch DEPTH_TRACKING. */
export const TRACKING_CONFIRM_TICKS = 30;
/** How fast the allowed upper bound follows a setpoint drop (a retract), um per ms. */
export const RETRACT_ENVELOPE_UM_PER_MS = 10;
/** Consecutive identical readings while the axis must move that latch ENCODER_FROZEN. */
export const ENCODER_FROZEN_CONFIRM_TICKS = 20;
/** Setpoint distance beyond which the axis must be moving, um. */
export const ENCODER_MOTION_EXPECTED_UM = 20;
/** Readings below -margin or above travel + margin cannot be physical, um. */
export const ENCODER_PLAUSIBLE_MARGIN_UM = 200;

// Stroke drive
/** Motor command ramp during spin-up, Hz per ms. */
export const MOTOR_RAMP_HZ_PER_MS = 1;
/** Time after the ramp reaches its target before stall checks start, ms. */
export const SPIN_UP_GRACE_MS = 200;
/** Window of the stroke counter used to measure the rate, ms (resolution 1000 / window Hz). */
export const STROKE_RATE_WINDOW_MS = 100;
/** Measured rate below this percent of the commanded rate counts as a stall. */
export const STALL_RATE_PERCENT = 50;
/** Consecutive stalled ms that latch MOTOR_STALL. */
export const STALL_CONFIRM_MS = 50;
/** Motor current limit, mA (normal draw stays below ~350 mA, a locked rotor ~450 mA). */
export const OVER_CURRENT_LIMIT_MA = 1000;
/** Consecutive ms above the limit that latch OVER_CURRENT. */
export const OVER_CURRENT_CONFIRM_MS = 5;

// Supply
/** Cell voltage at 0 % and 100 % charge, for batteryPercent (linear), mV. */
export const BATTERY_EMPTY_MV = 3300;
export const BATTERY_FULL_MV = 4200;
/** ARM refused with BATTERY_LOW below this, mV (about 17 %). */
export const BATTERY_ARM_MIN_MV = 3450;
/** Boot self-test fails below this, mV (about 5 %). */
export const BATTERY_SELF_TEST_MIN_MV = 3350;
/** Supply below this latches BROWN_OUT, mV. */
export const BROWN_OUT_MV = 3000;
/** Consecutive ms below BROWN_OUT_MV that latch BROWN_OUT. */
export const BROWN_OUT_CONFIRM_MS = 3;

// Self-test
/** Duration of the boot self-test sampling, ms. */
export const SELF_TEST_DURATION_MS = 20;
/** Largest motor current accepted with the motor off, mA. */
export const SELF_TEST_MAX_IDLE_CURRENT_MA = 30;
/** Largest |encoder reading| accepted at self-test, um. */
export const SELF_TEST_ENCODER_LIMIT_UM = AXIS_TRAVEL_UM + ENCODER_PLAUSIBLE_MARGIN_UM;
/** Largest encoder spread over the self-test with the axis still, um. */
export const SELF_TEST_ENCODER_SPREAD_UM = 30;
