// Command dispatch: preconditions and answers for each sequenced command; effects go through CommandTarget.
import { PenState, Reason, type PenStateCode, type ReasonCode } from '../src/protocol/index.js';
import { applyDepthCommand } from './depth-command.js';
import type { CommandMessage, CommandVerdict } from './link.js';
import { BATTERY_ARM_MIN_MV } from './tuning.js';

/** What command handling may read and do. Implemented by the main program. */
export interface CommandTarget {
  readonly state: PenStateCode;
  /** The SKU's absolute maximum depth from the checked configuration, um. */
  readonly capUm: number;
  readonly isCartridgePresent: boolean;
  readonly batteryMv: number;
  renewLease(receivedAtMs: number): void;
  setDepthTarget(depthUm: number): void;
  setStrokeTarget(strokeHz: number): void;
  setTelemetryRate(rateHz: number): void;
  arm(receivedAtMs: number): void;
  stopDrive(reason: ReasonCode): void;
  startHoming(): void;
  resetFault(): void;
}

const ACK_PLAIN: CommandVerdict = { ack: true, note: Reason.NONE, appliedValue: 0 };

function ack(appliedValue: number, note: number = Reason.NONE): CommandVerdict {
  return { ack: true, note, appliedValue };
}

function nak(reason: ReasonCode): CommandVerdict {
  return { ack: false, reason };
}

/**
 * Acts on one in-sequence command and says how to answer it. A NAK changes nothing.
 * In FAULT, SET_DEPTH, SET_SPEED, ARM and HOME are refused with FAULT_LATCHED (S13).
 */
export function executeCommand(pen: CommandTarget, message: CommandMessage, receivedAtMs: number): CommandVerdict {
  const isFaulted = pen.state === PenState.FAULT;
  switch (message.name) {
    case 'HEARTBEAT':
      pen.renewLease(receivedAtMs);
      return ACK_PLAIN;
    case 'SET_DEPTH': {
      if (isFaulted) return nak(Reason.FAULT_LATCHED);
      const applied = applyDepthCommand(message.payload.depthUm, pen.capUm);
      pen.setDepthTarget(applied.depthUm);
      return ack(applied.depthUm, applied.note);
    }
    case 'SET_SPEED':
      if (isFaulted) return nak(Reason.FAULT_LATCHED);
      pen.setStrokeTarget(message.payload.strokeHz);
      return ack(message.payload.strokeHz);
    case 'ARM':
      return arm(pen, receivedAtMs);
    case 'DISARM':
      pen.stopDrive(Reason.STOP_DISARM);
      return ACK_PLAIN;
    case 'HOME':
      return home(pen);
    case 'RESET_FAULT':
      if (!isFaulted) return nak(Reason.NO_FAULT);
      pen.resetFault();
      return ACK_PLAIN;
    case 'SET_TELEMETRY':
      pen.setTelemetryRate(message.payload.rateHz);
      return ack(message.payload.rateHz);
  }
}

/** Why ARM must be refused in the present state, or null when it may proceed. */
export function armRefusal(pen: CommandTarget): ReasonCode | null {
  switch (pen.state) {
    case PenState.FAULT:
      return Reason.FAULT_LATCHED;
    case PenState.BOOT:
    case PenState.SELF_TEST:
      return Reason.SELF_TEST_PENDING;
    case PenState.HOMING:
      return Reason.HOMING_IN_PROGRESS;
    case PenState.UNHOMED:
      return Reason.NOT_HOMED;
    case PenState.ARMED:
      return null;
  }
  if (!pen.isCartridgePresent) return Reason.NO_CARTRIDGE;
  if (pen.batteryMv < BATTERY_ARM_MIN_MV) return Reason.BATTERY_LOW;
  return null;
}

function arm(pen: CommandTarget, receivedAtMs: number): CommandVerdict {
  const refusal = armRefusal(pen);
  if (refusal !== null) return nak(refusal);
  if (pen.state === PenState.ARMED) pen.renewLease(receivedAtMs);
  else pen.arm(receivedAtMs);
  return ACK_PLAIN;
}

function home(pen: CommandTarget): CommandVerdict {
  switch (pen.state) {
    case PenState.FAULT:
      return nak(Reason.FAULT_LATCHED);
    case PenState.ARMED:
      return nak(Reason.BUSY_ARMED);
    case PenState.BOOT:
    case PenState.SELF_TEST:
      return nak(Reason.SELF_TEST_PENDING);
    case PenState.HOMING:
      return ACK_PLAIN;
  }
  pen.startHoming();
  return ACK_PLAIN;
}
