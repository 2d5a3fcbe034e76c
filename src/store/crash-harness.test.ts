// S16 crash harness: a child records passes and is killed with SIGKILL at seeded random points; every acknowledged record must survive, the chain intact (SQLite and PostgreSQL).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from './errors.js';
import { headPathOf } from './head.js';
import { openRecords } from './open-records.js';
import { openStore } from './store.js';
import { describeBackends } from '../../test/support/store-backends.js';
import { tempDir } from '../../test/support/store-helpers.js';

const TRIALS = Number(process.env.MNPEN_CRASH_TRIALS ?? 20);
/** PostgreSQL trials start a child that connects and walks the chain: fewer in npm test, MNPEN_CRASH_TRIALS for the soak. */
const PG_TRIALS = Number(process.env.MNPEN_CRASH_PG_TRIALS ?? process.env.MNPEN_CRASH_TRIALS ?? 10);
const SEED = Number(process.env.MNPEN_CRASH_SEED ?? 16016);
const WAL_TRIALS = Number(process.env.MNPEN_CRASH_WAL_TRIALS ?? 8);
const CHILD = fileURLToPath(new URL('../../test/support/store-crash-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PASS_LIMIT = 6;

/** A kill point: after `acks` acknowledgement lines, or `delayMs` after spawn (startup, open, migration). */
type KillPoint = { kind: 'acks'; acks: number } | { kind: 'time'; delayMs: number };

interface Acknowledged {
  opened: Map<number, { sessionId: number; area: string; passNumber: number }>;
  contact: Set<number>;
  closed: Map<number, number>;
  ended: Set<number>;
}

function runChild(
  dbPath: string,
  killPoint: KillPoint,
): Promise<{ ack: Acknowledged; lines: number; signal: string | null }> {
  const ack: Acknowledged = { opened: new Map(), contact: new Set(), closed: new Map(), ended: new Set() };
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbPath], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let lines = 0;
  if (killPoint.kind === 'time') setTimeout(() => child.kill('SIGKILL'), killPoint.delayMs);
  const reader = createInterface({ input: child.stdout });
  reader.on('line', (line) => {
    const [tag, ...fields] = line.split(' ');
    const passId = Number(fields[0]);
    if (tag === 'O' && fields.length === 4) {
      ack.opened.set(passId, {
        sessionId: Number(fields[1]),
        area: fields[2] as string,
        passNumber: Number(fields[3]),
      });
    } else if (tag === 'T') ack.contact.add(passId);
    else if (tag === 'C' && fields.length === 2) ack.closed.set(passId, Number(fields[1]));
    else if (tag === 'E') ack.ended.add(passId);
    if (tag !== 'READY' && tag !== 'S') lines++;
    if (killPoint.kind === 'acks' && lines === killPoint.acks) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ ack, lines, signal }));
  });
}

/** Reopens the store as recovery would and lists every way it disagrees with what was acknowledged. */
function violations(dbPath: string, ack: Acknowledged): string[] {
  const found: string[] = [];
  const store = openRecords(dbPath);
  try {
    const integrity = store.integrityCheck();
    if (integrity !== 'ok') found.push(`integrity_check: ${integrity}`);
    const chain = store.verify();
    if (!chain.ok) found.push(`chain: ${chain.problems.map((problem) => problem.message).join('; ')}`);
    const sessions = new Map(store.history().map((session) => [session.sessionId, session]));
    const passesById = new Map(
      [...sessions.keys()].flatMap((id) => store.passes(id).map((pass) => [pass.passId, { ...pass, sessionId: id }])),
    );
    for (const [passId, expected] of ack.opened) {
      const pass = passesById.get(passId);
      if (pass === undefined) found.push(`acknowledged pass ${passId} missing`);
      else if (
        pass.sessionId !== expected.sessionId ||
        pass.area !== expected.area ||
        pass.passNumber !== expected.passNumber
      )
        found.push(`pass ${passId} differs: ${JSON.stringify(pass)}`);
    }
    for (const passId of ack.contact)
      if (passesById.get(passId)?.contactAtMs == null) found.push(`contact of pass ${passId} lost`);
    for (const [passId, strokes] of ack.closed) {
      const pass = passesById.get(passId);
      if (pass?.endedAtMs == null || pass.strokes !== strokes) found.push(`close of pass ${passId} lost or wrong`);
    }
    for (const sessionId of ack.ended)
      if (sessions.get(sessionId)?.outcome !== 'completed') found.push(`end of session ${sessionId} lost`);
    for (const session of sessions.values()) {
      for (const area of session.areas) {
        const numbers = store
          .passes(session.sessionId)
          .filter((pass) => pass.area === area.area)
          .map((pass) => pass.passNumber);
        const contiguous = numbers.every((number, index) => number === index + 1);
        if (!contiguous || numbers.length > PASS_LIMIT)
          found.push(`S5: session ${session.sessionId} ${area.area} passes ${numbers.join(',')}`);
      }
    }
  } finally {
    store.close();
  }
  return found;
}

const temp = tempDir('mnpen-crash-');
afterAll(() => temp.remove());

/** The kill points of a run: mostly after an acknowledgement, some at a moment of startup or opening. */
function killPoints(seed: number, trials: number): KillPoint[] {
  return fc.sample(
    fc.oneof(
      {
        weight: 17,
        arbitrary: fc.record({ kind: fc.constant('acks' as const), acks: fc.integer({ min: 1, max: 150 }) }),
      },
      {
        weight: 3,
        arbitrary: fc.record({ kind: fc.constant('time' as const), delayMs: fc.integer({ min: 0, max: 400 }) }),
      },
    ),
    { seed, numRuns: trials },
  );
}

/** A copy of the file as the kill left it, its -wal deleted (as a person "cleaning up" might). */
function copyWithoutWal(dbPath: string, name: string): string {
  const copy = join(temp.dir, name);
  for (const suffix of ['', '-shm', '-head'])
    if (existsSync(dbPath + suffix)) copyFileSync(dbPath + suffix, copy + suffix);
  rmSync(`${copy}-wal`, { force: true });
  return copy;
}

describeBackends('crash harness', (backend) => {
  const trials = backend.name === 'sqlite' ? TRIALS : PG_TRIALS;
  it(
    `S16/S5: every acknowledged pass survives SIGKILL at random points (${trials} trials, seed ${SEED})`,
    async () => {
      const dbPath = backend.name === 'sqlite' ? join(temp.dir, 'crash.db') : backend.target();
      const all: string[] = [];
      let acknowledgedPasses = 0;
      let killedBySignal = 0;
      for (const [trial, killPoint] of killPoints(SEED, trials).entries()) {
        const { ack, signal } = await runChild(dbPath, killPoint);
        if (signal === 'SIGKILL') killedBySignal++;
        acknowledgedPasses += ack.opened.size;
        all.push(
          ...violations(dbPath, ack).map((violation) => `trial ${trial} ${JSON.stringify(killPoint)}: ${violation}`),
        );
      }
      const store = openRecords(dbPath);
      const totals = store.history().reduce(
        (sum, session) => ({
          sessions: sum.sessions + 1,
          passes: sum.passes + store.passes(session.sessionId).length,
        }),
        { sessions: 0, passes: 0 },
      );
      const chain = store.verify();
      store.close();
      console.log(
        `crash harness: [${backend.name}] ${trials} trials (seed ${SEED}), ${killedBySignal} killed by SIGKILL, ${acknowledgedPasses} acknowledged passes checked, ` +
          `${totals.passes} passes in ${totals.sessions} sessions on disk, chain ${chain.ok ? 'intact' : 'BROKEN'} over ${chain.auditRows} audit rows, ${all.length} violations`,
      );
      expect(all).toEqual([]);
      expect(chain.ok).toBe(true);
      expect(killedBySignal).toBeGreaterThanOrEqual(Math.floor(trials * 0.8));
      expect(acknowledgedPasses).toBeGreaterThan(0);
    },
    30_000 + trials * 6_000,
  );
});

describe('crash harness [sqlite]', () => {
  it(
    `S16: a -wal deleted after a kill never passes silently: refused RECORDS_LOST whenever acknowledged records went with it (${WAL_TRIALS} trials)`,
    async () => {
      const dbPath = join(temp.dir, 'wal.db');
      const outcomes = { refusedLost: 0, openedComplete: 0 };
      const all: string[] = [];
      for (const [trial, killPoint] of killPoints(SEED + 1, WAL_TRIALS).entries()) {
        const { ack } = await runChild(dbPath, killPoint);
        const copy = copyWithoutWal(dbPath, `wal-${trial}.db`);
        try {
          const store = openStore(copy);
          const kept = new Set(
            store.history().flatMap((session) => store.passes(session.sessionId).map((pass) => pass.passId)),
          );
          store.close();
          const lost = [...ack.opened.keys()].filter((passId) => !kept.has(passId));
          if (lost.length > 0)
            all.push(`trial ${trial}: the file opened without acknowledged passes ${lost.join(',')}`);
          outcomes.openedComplete++;
        } catch (error) {
          if (!(error instanceof StoreError) || error.code !== 'RECORDS_LOST')
            all.push(`trial ${trial}: ${String(error)}`);
          else outcomes.refusedLost++;
        }
        all.push(...violations(dbPath, ack).map((violation) => `trial ${trial} (original file): ${violation}`));
        for (const suffix of ['', '-shm', '-head']) rmSync(copy + suffix, { force: true });
      }
      console.log(
        `-wal deleted after a kill: ${WAL_TRIALS} trials, ${outcomes.refusedLost} refused RECORDS_LOST, ${outcomes.openedComplete} opened with every acknowledged pass`,
      );
      expect(all).toEqual([]);
      expect(outcomes.refusedLost).toBeGreaterThan(0);
      expect(existsSync(headPathOf(dbPath))).toBe(true);
    },
    30_000 + WAL_TRIALS * 4_000,
  );
});
