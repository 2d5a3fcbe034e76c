// Who holds a session claim (process, host, boot) and whether that holder can still be running.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** The process holding a claim: enough to tell, later and from another process, whether it is gone. */
export interface ClaimHolder {
  /** One per open store: tells two stores of one process apart. */
  readonly token: string;
  readonly pid: number;
  readonly host: string;
  /** Linux boot id, null where unknown: a claim from an earlier boot is stale. */
  readonly bootId: string | null;
  /** The process's start time in clock ticks since boot (Linux), null where unknown: guards against pid reuse. */
  readonly startTicks: number | null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Field 22 of /proc/PID/stat (after the parenthesised command name, which may hold spaces). */
function startTicksOf(pid: number): number | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  return Number.isSafeInteger(ticks) ? ticks : null;
}

const BOOT_ID = readText('/proc/sys/kernel/random/boot_id');
const HOST = hostname();
const OWN_START_TICKS = startTicksOf(process.pid);

/** Tokens of the stores open in this process. */
const liveTokens = new Set<string>();

/** A new holder identity for a store opened by this process; live until `retireHolder`. */
export function newHolder(): ClaimHolder {
  const holder = { token: randomUUID(), pid: process.pid, host: HOST, bootId: BOOT_ID, startTicks: OWN_START_TICKS };
  liveTokens.add(holder.token);
  return holder;
}

/** The store that used `holder` is closed: its claims are stale from now on. */
export function retireHolder(holder: ClaimHolder): void {
  liveTokens.delete(holder.token);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Why the holder is certainly gone (its claim is stale), or null when it may still be running.
 * NOTE: S19: doubt keeps the claim: a holder on another host of the same boot (a container
 * sharing the file) cannot be checked from here, so it counts as running.
 */
export function goneReason(holder: ClaimHolder): string | null {
  if (liveTokens.has(holder.token)) return null;
  if (holder.bootId !== null && BOOT_ID !== null && holder.bootId !== BOOT_ID) return 'its machine restarted since';
  if (holder.host !== HOST || !Number.isSafeInteger(holder.pid) || holder.pid <= 0) return null;
  if (holder.pid === process.pid && holder.startTicks === OWN_START_TICKS)
    return 'its store in this process was closed';
  if (!isRunning(holder.pid)) return `process ${holder.pid} is no longer running`;
  if (holder.startTicks !== null && startTicksOf(holder.pid) !== holder.startTicks) {
    return `process ${holder.pid} ended (its pid now belongs to another process)`;
  }
  return null;
}

/** Parses a stored holder; a malformed one (never written by mnpen) is kept as running. */
export function parseHolder(json: string): ClaimHolder {
  let value: Partial<ClaimHolder> = {};
  try {
    value = JSON.parse(json) as Partial<ClaimHolder>;
  } catch {
    value = {};
  }
  return {
    token: String(value.token),
    pid: Number(value.pid),
    host: String(value.host),
    bootId: typeof value.bootId === 'string' ? value.bootId : null,
    startTicks: typeof value.startTicks === 'number' ? value.startTicks : null,
  };
}
