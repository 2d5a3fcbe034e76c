// The chain head kept beside the record file (`<file>-head`): the last committed audit row's id and hash, fsynced after each commit.
import { hash } from 'node:crypto';
import { closeSync, fdatasyncSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** The last committed audit row as the head file records it. auditId 0: nothing committed on the chain yet. */
export interface ChainHead {
  readonly auditId: number;
  readonly hash: string;
}

export type HeadState =
  | { readonly state: 'absent' }
  | { readonly state: 'unreadable'; readonly reason: string }
  | { readonly state: 'present'; readonly head: ChainHead };

export const HEAD_SUFFIX = '-head';
export const EMPTY_HEAD: ChainHead = Object.freeze({ auditId: 0, hash: '0'.repeat(64) });

const SLOT_BYTES = 128;
const MAGIC = 'MNPH1';

/** Path of the head file of the record file at `dbPath`. */
export function headPathOf(dbPath: string): string {
  return dbPath + HEAD_SUFFIX;
}

function checksum(text: string): string {
  return hash('sha256', text, 'hex').slice(0, 16);
}

function encodeSlot(head: ChainHead): Buffer {
  const body = `${MAGIC} ${String(head.auditId).padStart(16, '0')} ${head.hash}`;
  return Buffer.from(`${body} ${checksum(body)}\n`.padEnd(SLOT_BYTES, ' '), 'latin1');
}

function decodeSlot(slot: Buffer): ChainHead | null {
  const match = /^(MNPH1 (\d{16}) ([0-9a-f]{64})) ([0-9a-f]{16})\n/.exec(slot.toString('latin1'));
  if (match === null || checksum(match[1] as string) !== match[4]) return null;
  return { auditId: Number(match[2]), hash: match[3] as string };
}

/**
 * Reads the head file: the valid slot with the highest audit id (two slots, written alternately,
 * so a torn write leaves the previous head). Never throws for a missing or damaged file.
 */
export function readHead(headPath: string): HeadState {
  let bytes: Buffer;
  try {
    bytes = readFileSync(headPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    return { state: 'unreadable', reason: (error as Error).message };
  }
  const heads = [0, 1]
    .map((slot) => decodeSlot(bytes.subarray(slot * SLOT_BYTES, (slot + 1) * SLOT_BYTES)))
    .filter((head): head is ChainHead => head !== null);
  if (heads.length === 0) return { state: 'unreadable', reason: `${headPath} holds no valid head` };
  return { state: 'present', head: heads.reduce((best, head) => (head.auditId > best.auditId ? head : best)) };
}

function fsyncDirectory(path: string): void {
  const fd = openSync(dirname(path), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates the head file holding EMPTY_HEAD (both slots), durably (file and directory fsynced),
 * unless it exists. Returns true when it created it. Throws the file system's error.
 */
export function createHeadFile(headPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(headPath, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    const slot = encodeSlot(EMPTY_HEAD);
    writeSync(fd, Buffer.concat([slot, slot]), 0, 2 * SLOT_BYTES, 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  fsyncDirectory(headPath);
  return true;
}

/** Keeps the head file open for writing; `write` overwrites one slot in place and fdatasyncs it. */
export class HeadWriter {
  private fd: number | null;

  constructor(readonly headPath: string) {
    this.fd = openSync(headPath, 'r+');
  }

  /** NOTE: S16: called after a commit, under the write lock, so heads never go backwards. Throws the file system's error. */
  write(head: ChainHead): void {
    if (this.fd === null) throw new Error(`head file ${this.headPath} is closed`);
    writeSync(this.fd, encodeSlot(head), 0, SLOT_BYTES, (head.auditId % 2) * SLOT_BYTES);
    fdatasyncSync(this.fd);
  }

  /** Overwrites both slots with `head` (a deliberate re-anchoring: the head may go backwards) and fsyncs. */
  reset(head: ChainHead): void {
    if (this.fd === null) throw new Error(`head file ${this.headPath} is closed`);
    const slot = encodeSlot(head);
    writeSync(this.fd, Buffer.concat([slot, slot]), 0, 2 * SLOT_BYTES, 0);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
