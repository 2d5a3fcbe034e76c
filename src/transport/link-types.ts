// Shared vocabulary of the host link: port contract, options, command results and link errors.
import type { CommandName, RealtimeName } from '../protocol/index.js';

/** Sequenced commands (sent through the reliable window, answered by ACK or NAK) and realtime frames, from the catalog. */
export type { CommandName, RealtimeName };
/**
 * The part of a serialport `SerialPortStream` the link uses, so tests can pass a fake.
 * NOTE: `write` on a closed SerialPortStream is queued until a reopen and its callback never
 * fires (dependencies trap 2), so the link checks `isOpen` before every write and never waits
 * for a write callback.
 */
export interface PortLike {
  readonly isOpen: boolean;
  write(data: Buffer): unknown;
  on(event: 'data' | 'close' | 'error', listener: (...args: never[]) => void): unknown;
  removeListener(event: 'data' | 'close' | 'error', listener: (...args: never[]) => void): unknown;
}

/** Answer of the pen to one command: ACK (with its clamp note and applied value) or NAK (reason). */
export type CommandResult = { ok: true; note: number; appliedValue: number } | { ok: false; reason: number };

/** Why a link stopped working. */
export type LinkDeadReason =
  | 'HEARTBEAT_TIMEOUT' // a heartbeat unanswered, or no frame from the pen, for deadLinkTimeoutMs
  | 'PORT_CLOSED' // the port closed, errored, or was found closed at a write
  | 'RETRIES_EXHAUSTED' // a command unanswered after maxAttempts transmissions
  | 'HELLO_TIMEOUT' // no INFO after helloMaxAttempts HELLOs
  | 'SEQUENCE_LOST' // the pen expects a sequence number the host never sent
  | 'SESSION_LOST' // the pen answered NOT_CONNECTED after the handshake (rebooted, or refused HELLO)
  | 'HOST_STALLED' // the controller's machine did not prove it is alive within HOST_STALL_BOUND_MS: heartbeats stopped
  | 'LINK_THREAD_FAILED' // the thread that runs the link ended unexpectedly
  | 'CLOSED'; // close() was called

/** Why a command or handshake was refused by the host side. */
export type LinkErrorCode =
  | 'LINK_DEAD' // the link is or became dead; `deadReason` says why
  | 'PORT_CLOSED' // the port closed (deadReason PORT_CLOSED) or the link was closed (CLOSED)
  | 'NOT_CONNECTED' // a command before hello() resolved
  | 'LINK_RESET'; // a new hello() superseded the command before it was answered

/** Error with which command() and hello() reject. Never thrown for a pen's NAK: that is a result. */
export class LinkError extends Error {
  constructor(
    readonly code: LinkErrorCode,
    readonly deadReason: LinkDeadReason | null = null,
  ) {
    super(deadReason === null ? code : `${code}: ${deadReason}`);
    this.name = 'LinkError';
  }
}

/** The error for a link that died for `reason`. */
export function deadLinkError(reason: LinkDeadReason): LinkError {
  return new LinkError(reason === 'PORT_CLOSED' || reason === 'CLOSED' ? 'PORT_CLOSED' : 'LINK_DEAD', reason);
}

/** Where the outcome of one command goes: exactly one of the two is called, once. */
export interface CommandSink {
  resolve(result: CommandResult): void;
  reject(error: Error): void;
}

/** Counters for diagnostics and benchmarks. Only ever grow. */
export interface LinkStats {
  framesSent: number;
  framesReceived: number;
  commandsSent: number; // first transmissions
  retransmissions: number; // timer and go-back resends
  goBacks: number; // NAK SEQUENCE_UNEXPECTED acted on
  duplicateAnswers: number; // ACK/NAK for a command already answered
  unmatchedAnswers: number; // ACK/NAK/INFO matching nothing the host waits for (also a seq answered with another type)
  penFramesLost: number; // gaps in the pen's transmit counter
}

export function createLinkStats(): LinkStats {
  return {
    framesSent: 0,
    framesReceived: 0,
    commandsSent: 0,
    retransmissions: 0,
    goBacks: 0,
    duplicateAnswers: 0,
    unmatchedAnswers: 0,
    penFramesLost: 0,
  };
}
