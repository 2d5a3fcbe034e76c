// Input checks and error mapping for store writes: every failure becomes a StoreError.
import { StoreError } from './open.js';

/** `value` if it is a non-negative safe integer; else throws StoreError INVALID naming `field`. */
export function requireCount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new StoreError('INVALID', `${field} must be a non-negative integer (got ${String(value)})`);
  }
  return value;
}

/** `value` if it is a string of 1..`maxLength` characters; else throws StoreError INVALID naming `field`. */
export function requireText(value: unknown, field: string, maxLength = 200): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new StoreError('INVALID', `${field} must be a string of 1-${maxLength} characters`);
  }
  return value;
}

/** `value` if it is a valid u32 cartridge id (1..2^32-1, 0 means none); else throws StoreError INVALID. */
export function requireCartridgeId(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 0xffffffff) {
    throw new StoreError('INVALID', `cartridge id must be an integer 1-4294967295 (got ${String(value)})`);
  }
  return value;
}

/**
 * Maps a failure inside a write to StoreError: constraint and type failures are INVALID (the
 * record was refused); anything else (disk full, I/O, busy) is IO. Nothing was written either way.
 */
export function asStoreError(error: unknown, kind: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message;
  if (typeof code === 'string' && !code.startsWith('SQLITE_CONSTRAINT') && code !== 'SQLITE_MISMATCH') {
    return new StoreError('IO', `${kind} not recorded: ${message}`);
  }
  return new StoreError('INVALID', `${kind} refused by the record file: ${message}`);
}
