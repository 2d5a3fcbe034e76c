// S5 S16 crash harness: SIGKILL the CLI at random points of simulated sessions, reopen the database, resume.
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../sim/random.js';
import { openStore } from '../../src/store/index.js';
import { runCli, screening, tempDir, writeJson } from '../support/cli.js';

const TRIALS = Number(process.env.MNPEN_CRASH_SESSION_TRIALS ?? 8);
const SEED = Number(process.env.MNPEN_CRASH_SESSION_SEED ?? 20261121);
const DAY_MS = 24 * 3600 * 1000;
const T0 = Date.parse('2026-05-04T09:00:00Z');
const PASS_LIMIT = 3;

interface Acknowledged {
  readonly area: string;
  readonly passNumber: number;
}

/** Passes of the client's treatment session that are durable (committed), read as another process would. */
function durablePasses(db: string, client: string): Acknowledged[] {
  const reader = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return reader
      .prepare(
        `SELECT p.area AS area, p.pass_number AS passNumber FROM passes p JOIN sessions s ON s.session_id = p.session_id
         WHERE s.client_id = ? AND s.is_patch_test = 0 ORDER BY p.pass_id`,
      )
      .all(client) as Acknowledged[];
  } finally {
    reader.close();
  }
}

/**
 * Runs the CLI session in a child process and SIGKILLs it `killAfterMs` after its `killAtPass`-th
 * durable pass. NOTE: acknowledgement is observed from outside, by reading committed passes from the
 * database (as a second station would): the CLI has no test hook.
 */
function runAndKill(
  argv: string[],
  db: string,
  client: string,
  killAtPass: number,
  killAfterMs: number,
): Promise<{ acknowledged: Acknowledged[]; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...argv], { stdio: 'ignore' });
    let acknowledged: Acknowledged[] = [];
    let armed = false;
    let exited = false;
    const poll = setInterval(() => {
      if (exited || armed) return;
      acknowledged = durablePasses(db, client);
      if (acknowledged.length >= killAtPass) {
        armed = true;
        setTimeout(() => {
          // Whatever was durable at the kill is what must survive it.
          if (!exited) acknowledged = durablePasses(db, client);
          child.kill('SIGKILL');
        }, killAfterMs);
      }
    }, 2);
    child.on('exit', (_code, signal) => {
      exited = true;
      clearInterval(poll);
      resolve({ acknowledged, killed: signal === 'SIGKILL' });
    });
  });
}

describe('crash harness', () => {
  it(`S5 S16: ${TRIALS} SIGKILLs mid-session lose no acknowledged pass, accept no corrupt row, and the limit holds on resume`, async () => {
    // The harness's own seeded choice of kill points.
    const seeded = new SeededRandom(SEED);
    const next = (): number => seeded.next();
    const dir = tempDir('mnpen-crash-');
    const db = join(dir, 'mnpen.db');
    const plan = writeJson(dir, 'plan.json', {
      mode: 'home',
      areas: [
        { area: 'cheeks', depthMm: 0.25, passes: PASS_LIMIT },
        { area: 'forehead', depthMm: 0.2, passes: PASS_LIMIT },
      ],
    });
    let killedMidSession = 0;
    let acknowledgedTotal = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const client = `crash-${trial}`;
      const atMs = T0 + trial * 30 * DAY_MS;
      const patchAnswers = writeJson(
        dir,
        `patch-screening-${trial}.json`,
        screening(new Date(atMs - 2 * DAY_MS - 3600_000).toISOString(), 1980),
      );
      const answers = writeJson(
        dir,
        `screening-${trial}.json`,
        screening(new Date(atMs - 3600_000).toISOString(), 1980),
      );
      const common = ['--sim', '--db', db, '--client', client, '--seed', String(trial + 1)];
      const cartridge = ['--cartridge', String(50_000 + trial)];
      const patch = await runCli([
        'session',
        ...common,
        '--screening',
        patchAnswers,
        '--plan',
        'examples/patch-test-jawline.json',
        '--patch-test',
        '--at',
        new Date(atMs - 2 * DAY_MS).toISOString(),
      ]);
      expect(patch.code, `trial ${trial} patch test: ${patch.stderr} ${patch.stdout}`).toBe(0);
      const sessionArgs = [
        'session',
        ...common,
        '--screening',
        answers,
        '--plan',
        plan,
        '--attempt-passes',
        '5',
        ...cartridge,
        '--at',
        new Date(atMs).toISOString(),
      ];
      // NOTE: the kill point is a random acknowledged pass (1..4 of the 6 the plan allows) plus up to 10 ms: mid-session
      // while the passes left take longer than that (seconds of virtual time: well over 10 ms in the CLI's one, cold, session).
      const killAtPass = 1 + Math.floor(next() * (2 * PASS_LIMIT - 2));
      const { acknowledged, killed } = await runAndKill(sessionArgs, db, client, killAtPass, Math.floor(next() * 10));
      acknowledgedTotal += acknowledged.length;

      let unfinished = false;
      const store = openStore(db);
      try {
        expect(store.integrityCheck(), `trial ${trial}`).toBe('ok');
        const session = store.history(client).find((record) => !record.isPatchTest);
        expect(session, `trial ${trial}: session record`).toBeDefined();
        const opened = store.passes(session!.sessionId).map((pass) => `${pass.area}#${pass.passNumber}`);
        for (const ack of acknowledged) expect(opened, `trial ${trial}`).toContain(`${ack.area}#${ack.passNumber}`);
        unfinished = session!.endedAtMs === null;
      } finally {
        store.close();
      }

      // A kill that landed after the session ended (or no kill) leaves nothing to resume.
      if (!killed || !unfinished) continue;
      killedMidSession++;
      // The operator restarts within the resume window (5 minutes later).
      const resumeArgs = sessionArgs.map((arg) =>
        arg === new Date(atMs).toISOString() ? new Date(atMs + 5 * 60_000).toISOString() : arg,
      );
      const resumed = await runCli([...resumeArgs, '--json']);
      expect(resumed.code, `trial ${trial} resume: ${resumed.stderr} ${resumed.stdout.slice(0, 600)}`).toBe(0);
      const store2 = openStore(db);
      try {
        const sessions = store2.history(client).filter((record) => !record.isPatchTest);
        expect(sessions, `trial ${trial}: resumed, not a second session`).toHaveLength(1);
        const perArea = store2.openedPassesByArea(sessions[0]!.sessionId);
        expect(perArea.cheeks, `trial ${trial}`).toBeLessThanOrEqual(PASS_LIMIT);
        expect(perArea.forehead, `trial ${trial}`).toBeLessThanOrEqual(PASS_LIMIT);
        for (const area of sessions[0]!.areas) expect(area.passes).toBeLessThanOrEqual(PASS_LIMIT);
      } finally {
        store2.close();
      }
    }
    console.log(
      `crash harness: ${TRIALS} trials (seed ${SEED}), ${killedMidSession} killed mid-session, ${acknowledgedTotal} acknowledged passes checked, 0 violations`,
    );
    expect(killedMidSession).toBeGreaterThanOrEqual(Math.ceil(TRIALS * 0.9));
  }, 600_000);
});
