// How values appear in progress lines and reports: with their units, a few significant digits, "none" for no value.

/** A value with its units for progress lines and reports ("none" when nothing was measured). */
export function formatValue(value: number | boolean | string | null, units: string): string {
  if (value === null) return 'none';
  if (typeof value !== 'number') return String(value);
  const text = Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 10 ? 3 : 1);
  return units === 'bool' || units === 'text' || units === 'count' ? text : `${text} ${units}`;
}
