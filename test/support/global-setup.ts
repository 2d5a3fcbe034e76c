// Vitest global setup: after the run, names every system program a test needed but did not find, and its install command.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MISSING_PROGRAMS_DIR_ENV, isCi, missingProgramLine, type SystemProgramName } from './system-programs.js';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'mnpen-programs-'));
  // NOTE: the test workers (forks) inherit this and report each program they missed as a file here.
  process.env[MISSING_PROGRAMS_DIR_ENV] = dir;
  return () => {
    const missing = readdirSync(dir).sort() as SystemProgramName[];
    rmSync(dir, { recursive: true, force: true });
    if (missing.length === 0) return;
    const verdict = isCi() ? 'FAILED: CI must install them' : 'skipped';
    process.stderr.write(`\nSystem programs missing (their tests ${verdict}):\n`);
    for (const name of missing) process.stderr.write(`  - ${missingProgramLine(name)}\n`);
  };
}
