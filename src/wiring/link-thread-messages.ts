// Messages between the machine's thread and the link thread (structured clone): requests one way, answers and reports the other.
import type { CommandName, CommandResult, LinkDeadReason, LinkErrorCode, RealtimeName } from '../transport/index.js';
import type { Payload } from '../protocol/index.js';

/** What the link thread is started with (workerData). */
export interface LinkThreadData {
  readonly path: string;
  /** One BigInt64 slot: process.hrtime of the machine thread's last liveness stamp, ns. */
  readonly stamp: SharedArrayBuffer;
}

export type ToLinkThread =
  | { readonly op: 'hello'; readonly id: number }
  | { readonly op: 'command'; readonly id: number; readonly name: CommandName; readonly payload: unknown }
  | { readonly op: 'realtime'; readonly name: RealtimeName }
  | { readonly op: 'startHeartbeat'; readonly periodMs: number }
  | { readonly op: 'quiet' }
  | { readonly op: 'close' };

/** A failure crossing the thread boundary: a LinkError (code and dead reason) or a RangeError. */
export type ThreadFailure =
  | { readonly kind: 'link'; readonly code: LinkErrorCode; readonly deadReason: LinkDeadReason | null }
  | { readonly kind: 'range' | 'other'; readonly message: string };

export type FromLinkThread =
  | { readonly op: 'opened' }
  | { readonly op: 'openFailed'; readonly message: string }
  | { readonly op: 'info'; readonly id: number; readonly info: Payload<'INFO'> }
  | { readonly op: 'result'; readonly id: number; readonly result: CommandResult }
  | { readonly op: 'failed'; readonly id: number; readonly failure: ThreadFailure }
  | { readonly op: 'report'; readonly event: string; readonly payload: unknown; readonly penSeq: number }
  | { readonly op: 'linkDead'; readonly reason: LinkDeadReason; readonly detail: string }
  | { readonly op: 'closed' };
