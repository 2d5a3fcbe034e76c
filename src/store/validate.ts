// Input checks for store writes: a bad value is a StoreError INVALID naming its field.
import { StoreError } from './errors.js';

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

/** `value` if it is null/undefined (as null) or a string of at most `maxLength` characters; else StoreError INVALID. */
export function optionalText(value: unknown, field: string, maxLength: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > maxLength) {
    throw new StoreError('INVALID', `${field} must be a string of at most ${maxLength} characters`);
  }
  return value;
}

/** `value` if it is an integer in [min, max]; else throws StoreError INVALID naming `field`. */
export function requireInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new StoreError('INVALID', `${field} must be an integer ${min}-${max} (got ${String(value)})`);
  }
  return value;
}
