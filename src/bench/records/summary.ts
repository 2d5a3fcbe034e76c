// Figures over repeats of one scenario: median, p99 and max of each numeric measurement, and the results table.
import type { BenchRecord } from './record-schema.js';
import { formatValue } from './format.js';

export interface MeasurementFigures {
  readonly scenario: string;
  readonly phase: string;
  readonly name: string;
  readonly units: string;
  readonly count: number;
  readonly median: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

/** Median, p99 and max of every numeric measurement over the runs of each scenario (runs with a value only). */
export function measurementFigures(records: readonly BenchRecord[]): MeasurementFigures[] {
  const groups = new Map<string, { scenario: string; phase: string; name: string; units: string; values: number[] }>();
  for (const record of records) {
    for (const phase of record.phases) {
      for (const m of phase.measurements) {
        if (typeof m.value !== 'number') continue;
        const key = `${record.scenario.id}\u0000${phase.id}\u0000${m.name}`;
        const group = groups.get(key) ?? {
          scenario: record.scenario.id,
          phase: phase.id,
          name: m.name,
          units: m.units,
          values: [],
        };
        group.values.push(m.value);
        groups.set(key, group);
      }
    }
  }
  return [...groups.values()].map(({ values, ...rest }) => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      ...rest,
      count: sorted.length,
      median: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] as number,
    };
  });
}

/** A plain-text table (no colour: CI reads it). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The results table of an invocation: one row per run. */
export function resultsTable(records: readonly BenchRecord[]): string {
  return textTable(
    ['scenario', 'repeat', 'outcome', 'bench s', 'measurements', 'failed or error'],
    records.map((r) => {
      const measurements = r.phases.flatMap((p) => p.measurements);
      const passed = measurements.filter((m) => m.outcome === 'PASS').length;
      const failed = measurements
        .filter((m) => m.outcome === 'FAIL')
        .map((m) => `${m.name}=${formatValue(m.value, m.units)}`);
      return [
        r.scenario.id,
        `${r.repeat.index}/${r.repeat.count}`,
        r.outcome,
        ((r.benchEndMs - r.benchStartMs) / 1000).toFixed(3),
        `${passed}/${measurements.length} passed`,
        failed.join(', ') || (r.error ?? ''),
      ];
    }),
  );
}
