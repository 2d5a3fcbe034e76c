// Measurement validators (OpenHTF's validators, TestStand's numeric limits): equals, <=, >=, in range, with marginal bounds. Pure.

/** A limit on one value. `marginal` is a tighter bound inside the limit: passing but close to it is flagged. */
export type Validator =
  | { readonly equals: boolean | number | string }
  | { readonly le: number; readonly marginal?: number }
  | { readonly ge: number; readonly marginal?: number }
  | {
      readonly inRange: readonly [number, number];
      readonly marginal?: readonly [number, number];
    };

export type MeasurementOutcome = 'PASS' | 'FAIL';

export interface Verdict {
  readonly outcome: MeasurementOutcome;
  /** True when it passed outside the marginal bounds (closer to the limit than wanted). */
  readonly marginal: boolean;
}

/** The limit in words with its units, e.g. "<= 250 um (marginal above 240)". */
export function describeValidator(validator: Validator, units: string): string {
  const unit = units === 'bool' || units === 'text' ? '' : ` ${units}`;
  if ('equals' in validator) return `== ${String(validator.equals)}${unit}`;
  if ('le' in validator) {
    const margin = validator.marginal === undefined ? '' : ` (marginal above ${validator.marginal})`;
    return `<= ${validator.le}${unit}${margin}`;
  }
  if ('ge' in validator) {
    const margin = validator.marginal === undefined ? '' : ` (marginal below ${validator.marginal})`;
    return `>= ${validator.ge}${unit}${margin}`;
  }
  const [min, max] = validator.inRange;
  const margin =
    validator.marginal === undefined ? '' : ` (marginal outside ${validator.marginal[0]}..${validator.marginal[1]})`;
  return `in ${min}..${max}${unit}${margin}`;
}

/** Checks `value` (null: nothing was measured, which always fails). Numbers must be finite to pass a numeric limit. */
export function evaluateValidator(validator: Validator, value: number | boolean | string | null): Verdict {
  const fail: Verdict = { outcome: 'FAIL', marginal: false };
  if (value === null) return fail;
  if ('equals' in validator) return value === validator.equals ? { outcome: 'PASS', marginal: false } : fail;
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail;
  if ('le' in validator) {
    if (value > validator.le) return fail;
    return { outcome: 'PASS', marginal: validator.marginal !== undefined && value > validator.marginal };
  }
  if ('ge' in validator) {
    if (value < validator.ge) return fail;
    return { outcome: 'PASS', marginal: validator.marginal !== undefined && value < validator.marginal };
  }
  const [min, max] = validator.inRange;
  if (value < min || value > max) return fail;
  const bounds = validator.marginal;
  return { outcome: 'PASS', marginal: bounds !== undefined && (value < bounds[0] || value > bounds[1]) };
}

/** True when the validator's marginal bounds lie inside its limit (a load-time check). */
export function hasConsistentMarginal(validator: Validator): boolean {
  if ('equals' in validator || validator.marginal === undefined) return true;
  if ('le' in validator) return validator.marginal <= validator.le;
  if ('ge' in validator) return validator.marginal >= validator.ge;
  const [min, max] = validator.inRange;
  const [marginMin, marginMax] = validator.marginal;
  return min <= marginMin && marginMin <= marginMax && marginMax <= max;
}
