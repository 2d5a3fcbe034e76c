// System programs some tests need (socat, chromium, PostgreSQL): probed once; skipped with the install command outside CI, a failure under CI.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { pgProgram } from './pg-binaries.js';

export interface SystemProgram {
  /** Command and arguments that exit 0 when the program is usable. */
  readonly probe: readonly [string, ...string[]];
  /** The command that installs it on this machine's kind (Debian). */
  readonly install: string;
  /** What it unlocks, for the run's summary and the README. */
  readonly unlocks: string;
}

/** Every system program a test may need. The README's table lists the same. */
export const SYSTEM_PROGRAMS = {
  socat: {
    probe: ['socat', '-V'],
    install: 'sudo apt-get install -y socat',
    unlocks: 'real serial ports over a pty pair (test/pty)',
  },
  'python3-serial': {
    probe: ['/usr/bin/python3', '-c', 'import serial'],
    install: 'sudo apt-get install -y python3-serial',
    unlocks: 'the independent Python client of docs/protocol.md (test/pty)',
  },
  chromium: {
    probe: ['chromium', '--version'],
    install: 'sudo apt-get install -y chromium',
    unlocks: 'browser tests of the desktop simulator (test/desktop)',
  },
  postgres: {
    // NOTE: Debian puts initdb in /usr/lib/postgresql/<version>/bin, not on PATH (pg-binaries.ts finds it).
    probe: [pgProgram('initdb'), '--version'],
    install: 'sudo apt-get install -y postgresql',
    unlocks: 'the PostgreSQL record store (test/fleet)',
  },
  xmllint: {
    probe: ['xmllint', '--version'],
    install: 'sudo apt-get install -y libxml2-utils',
    unlocks: 'JUnit XML validation of bench reports (test/bench)',
  },
} as const satisfies Record<string, SystemProgram>;
export type SystemProgramName = keyof typeof SYSTEM_PROGRAMS;

const probed = new Map<SystemProgramName, boolean>();

/** True when the program runs here (probed once per process). */
export function hasProgram(name: SystemProgramName): boolean {
  let found = probed.get(name);
  if (found === undefined) {
    const [command, ...args] = SYSTEM_PROGRAMS[name].probe;
    found = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
    probed.set(name, found);
  }
  return found;
}

/** True under CI (`CI=true` or `CI=1`), where a missing program is a failure. */
export function isCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

/** Environment variable naming the folder where test workers report missing programs to the global setup. */
export const MISSING_PROGRAMS_DIR_ENV = 'MNPEN_MISSING_PROGRAMS_DIR';

function reportMissing(name: SystemProgramName): void {
  const dir = process.env[MISSING_PROGRAMS_DIR_ENV];
  if (dir !== undefined) writeFileSync(join(dir, name), '');
}

/** The line the run's summary prints for a missing program. */
export function missingProgramLine(name: SystemProgramName): string {
  const program = SYSTEM_PROGRAMS[name];
  return `${name} not found: ${program.unlocks} skipped; install with: ${program.install}`;
}

/**
 * A describe block that needs `programs`. When one is missing: under CI a single failing test
 * says which and how to install it; elsewhere the block is skipped, its title naming the install
 * command (the global setup prints the same lines in the run's summary).
 */
export function describeWithPrograms(programs: readonly SystemProgramName[], title: string, body: () => void): void {
  const missing = programs.filter((name) => !hasProgram(name));
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  for (const name of missing) reportMissing(name);
  const lines = missing.map(missingProgramLine);
  if (isCi()) {
    describe(title, () => {
      it(`needs ${missing.join(', ')}`, () => {
        throw new Error(`under CI every system program must be installed (.ci/run does it):\n${lines.join('\n')}`);
      });
    });
    return;
  }
  describe.skip(`${title} [skipped: ${lines.join('; ')}]`, body);
}
