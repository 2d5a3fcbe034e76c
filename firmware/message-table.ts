// The pen's state x command table: what each state does with each sequenced command (source of the table in docs/protocol.md).
import { PenState, Reason, type CommandName, type PenStateCode, type ReasonCode } from '../src/protocol/index.js';
import type { PenStateName } from './pen-state.js';
import { BATTERY_ARM_MIN_MV } from './tuning.js';

/** The command's handler runs (it may still refuse for the conditions in COMMAND_CONDITIONS). */
export const ACT = 0x100;
/** Acknowledged (ACK, note 0, value 0) and nothing changes. */
export const NO_EFFECT = 0x101;
/** One cell of the table: ACT, NO_EFFECT, or the reason of the NAK. */
export type Cell = typeof ACT | typeof NO_EFFECT | ReasonCode;

type Row = Readonly<Record<PenStateName, Cell>>;

const every = (cell: Cell): Row => ({
  BOOT: cell,
  SELF_TEST: cell,
  UNHOMED: cell,
  HOMING: cell,
  IDLE: cell,
  ARMED: cell,
  FAULT: cell,
});

/**
 * NOTE: FAULT refuses every command that could lead to motion with FAULT_LATCHED (S13); while
 * ARMED nothing may change the limiter's cap or the axis' home (S1, S18).
 */
export const COMMAND_TABLE: Readonly<Record<CommandName, Row>> = {
  HEARTBEAT: { ...every(NO_EFFECT), ARMED: ACT },
  SET_DEPTH: { ...every(ACT), FAULT: Reason.FAULT_LATCHED },
  SET_SPEED: { ...every(ACT), FAULT: Reason.FAULT_LATCHED },
  ARM: {
    BOOT: Reason.SELF_TEST_PENDING,
    SELF_TEST: Reason.SELF_TEST_PENDING,
    UNHOMED: Reason.NOT_HOMED,
    HOMING: Reason.HOMING_IN_PROGRESS,
    IDLE: ACT,
    ARMED: NO_EFFECT,
    FAULT: Reason.FAULT_LATCHED,
  },
  DISARM: { ...every(NO_EFFECT), ARMED: ACT },
  HOME: {
    BOOT: Reason.SELF_TEST_PENDING,
    SELF_TEST: Reason.SELF_TEST_PENDING,
    UNHOMED: ACT,
    HOMING: NO_EFFECT,
    IDLE: ACT,
    ARMED: Reason.BUSY_ARMED,
    FAULT: Reason.FAULT_LATCHED,
  },
  RESET_FAULT: { ...every(Reason.NO_FAULT), FAULT: ACT },
  SET_TELEMETRY: every(ACT),
  SET_DEPTH_LIMIT: { ...every(ACT), ARMED: Reason.BUSY_ARMED, FAULT: Reason.FAULT_LATCHED },
};

/** What an ACT cell does, and the refusals its handler may still give (for the doc). */
export const COMMAND_EFFECTS: Readonly<Record<CommandName, string>> = {
  HEARTBEAT: 'renews the drive lease from its arrival tick',
  SET_DEPTH:
    'sets the depth target, floored to the step and clamped to the effective cap (ACK note DEPTH_FLOORED_TO_STEP, DEPTH_CLAMPED_TO_SESSION_LIMIT or DEPTH_CLAMPED_TO_SKU_MAX; appliedValue the depth)',
  SET_SPEED: 'sets the stroke rate used while armed (appliedValue the rate)',
  ARM: `starts the motor and the lease; NAK NO_CARTRIDGE without a cartridge, BATTERY_LOW below ${BATTERY_ARM_MIN_MV} mV`,
  DISARM: 'stops the motor and retracts (EVENT_STOPPED STOP_DISARM)',
  HOME: 'starts homing; latches ENCODER_IMPLAUSIBLE when the encoder reading is not a number',
  RESET_FAULT:
    'clears the fault: to UNHOMED (HOME needed before ARM), or to BOOT after a boot fault (configuration check and self-test again)',
  SET_TELEMETRY: 'sets the TELEMETRY rate (appliedValue the rate)',
  SET_DEPTH_LIMIT:
    'sets the session depth limit, floored to the step and clamped to the SKU maximum (ACK note DEPTH_FLOORED_TO_STEP or DEPTH_CLAMPED_TO_SKU_MAX; appliedValue the limit); a depth target above it is held at it',
};

/** The table by state code for the dispatcher: CELLS[name][state] (no lookups by state name per command). */
const CELLS = {} as Record<CommandName, Cell[]>;
for (const name of Object.keys(COMMAND_TABLE) as CommandName[]) {
  const cells: Cell[] = [];
  for (const [state, code] of Object.entries(PenState)) cells[code] = COMMAND_TABLE[name][state as PenStateName];
  CELLS[name] = cells;
}

/** The cell for command `name` in pen state `state`. */
export function cellFor(name: CommandName, state: PenStateCode): Cell {
  return (CELLS[name] as readonly Cell[])[state] as Cell;
}
