// The PostgreSQL programs are found where Debian keeps them (/usr/lib/postgresql/<version>/bin), with no initdb on PATH, as on a fresh CI machine.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { expect, it } from 'vitest';
import { pgBinDir, pgProgram } from '../support/pg-binaries.js';
import { describeWithPrograms } from '../support/system-programs.js';

describeWithPrograms(['postgres'], 'PostgreSQL programs off PATH', () => {
  it('initdb, pg_ctl and psql resolve to one folder and run with every PATH entry holding an initdb removed', () => {
    const dir = pgBinDir();
    const pathWithoutInitdb = (process.env.PATH ?? '')
      .split(delimiter)
      .filter((entry) => entry !== '' && !existsSync(join(entry, 'initdb')))
      .join(delimiter);
    // NOTE: the programs are on PATH only (not the Debian layout, MNPEN_PG_BIN unset): nothing off PATH to check.
    if (dir === undefined) {
      expect(pgProgram('initdb')).toBe('initdb');
      return;
    }
    for (const name of ['initdb', 'pg_ctl', 'psql'] as const) {
      const program = pgProgram(name);
      expect(program).toBe(join(dir, name));
      const run = spawnSync(program, ['--version'], {
        encoding: 'utf8',
        env: { ...process.env, PATH: pathWithoutInitdb },
      });
      expect(run.status, `${program}: ${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/PostgreSQL\) \d+/);
    }
  });

  it('MNPEN_PG_BIN names the folder; without it the newest version folder wins', () => {
    expect(pgBinDir({ MNPEN_PG_BIN: '/opt/pg/bin' })).toBe('/opt/pg/bin');
    const found = pgBinDir({});
    if (found !== undefined) expect(found).toMatch(/^\/usr\/lib\/postgresql\/[\d.]+\/bin$/);
  });
});
