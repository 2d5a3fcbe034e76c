// Loads and validates a plan file for the CLI: every problem names its field; nothing reaches the pen.
import { parsePlan, type Plan } from '../policy/index.js';
import { UsageError } from './command.js';
import { readJsonInput } from './input-file.js';

/**
 * Reads, parses and validates a plan. `modeOverride` replaces the plan's mode before validation,
 * so the caps of the mode actually used are checked. Throws UsageError (exit 2) listing every
 * problem as `FILE: field: message [REASON]`.
 */
export function loadPlan(path: string, modeOverride: 'home' | 'pro' | undefined): Plan {
  let json = readJsonInput('--plan', path);
  if (modeOverride !== undefined && typeof json === 'object' && json !== null && !Array.isArray(json)) {
    json = { ...json, mode: modeOverride };
  }
  const result = parsePlan(json);
  if (!result.ok) {
    const lines = result.errors.map((error) => `${path}: ${error.field}: ${error.message} [${error.reason}]`);
    throw new UsageError(`invalid plan (nothing was sent to the pen):\n  ${lines.join('\n  ')}`);
  }
  return result.plan;
}
