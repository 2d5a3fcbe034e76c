// Bounded JSON for stored details and plans: depth, size and value kinds checked before anything is written.
import { StoreError } from './errors.js';

/** A stored JSON document (plan, screening, audit detail) is at most this many UTF-8 bytes. */
export const MAX_JSON_BYTES = 65_536;
/** ... and nested at most this deep (objects and arrays). */
export const MAX_JSON_DEPTH = 32;
/** ... with at most this many values in all (checked before serialising, so a huge object costs little). */
const MAX_JSON_VALUES = 20_000;

/**
 * Serialises `value` for storage. Walks it iteratively first (no recursion, so no stack overflow
 * on a hostile object): deeper than MAX_JSON_DEPTH, more than MAX_JSON_VALUES values, a cycle,
 * or a value JSON cannot hold faithfully (function, symbol, bigint, non-finite number) is refused;
 * then the text must fit MAX_JSON_BYTES. `undefined` is stored as null. Throws StoreError INVALID
 * naming `field`; returns the JSON text.
 */
export function encodeJson(value: unknown, field: string): string {
  const stack: { value: unknown; depth: number; path: readonly object[] }[] = [{ value, depth: 0, path: [] }];
  let values = 0;
  while (stack.length > 0) {
    const { value: item, depth, path } = stack.pop() as (typeof stack)[number];
    if (++values > MAX_JSON_VALUES) throw new StoreError('INVALID', `${field}: more than ${MAX_JSON_VALUES} values`);
    if (typeof item === 'bigint' || typeof item === 'function' || typeof item === 'symbol') {
      throw new StoreError('INVALID', `${field}: a ${typeof item} cannot be stored`);
    }
    if (typeof item === 'number' && !Number.isFinite(item)) {
      throw new StoreError('INVALID', `${field}: ${String(item)} cannot be stored`);
    }
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= MAX_JSON_DEPTH)
      throw new StoreError('INVALID', `${field}: nested deeper than ${MAX_JSON_DEPTH} levels`);
    if (path.includes(item)) throw new StoreError('INVALID', `${field}: refers to itself (a cycle)`);
    if (typeof (item as { toJSON?: unknown }).toJSON === 'function') continue;
    const children = Array.isArray(item) ? item : Object.values(item);
    const childPath = [...path, item];
    for (const child of children) {
      if (child !== undefined) stack.push({ value: child, depth: depth + 1, path: childPath });
    }
  }
  const text = JSON.stringify(value ?? null);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_JSON_BYTES) throw new StoreError('INVALID', `${field}: ${bytes} bytes, at most ${MAX_JSON_BYTES}`);
  return text;
}
