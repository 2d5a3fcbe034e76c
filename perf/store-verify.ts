// `npx tsx perf/store-verify.ts`: time to verify the audit chain (S16) of a record file of N sessions, and to open it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, verifyStoreFile, type Store } from '../src/store/index.js';

const USAGE = 'usage: npx tsx perf/store-verify.ts [--sessions N] [--runs N]';
const DAY_MS = 86_400_000;
const AREAS = ['forehead', 'cheeks', 'nose', 'chin'];
/** Plain audit rows per session, as the wiring writes them today (events and commands: ~140 of ~215 rows). */
const EVENTS_PER_SESSION = 140;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name}: a positive integer\n${USAGE}`);
  return value;
}

/** One session as a simulated run records it: 4 areas of 5 passes, events, finish and end. */
function recordSession(store: Store, clientId: string, index: number, clock: { now: number }): void {
  const sessionId = store.beginSession({
    clientId,
    mode: 'home',
    isPatchTest: false,
    cartridgeId: index + 1,
    areas: AREAS.map((area) => ({ area, depthUm: 250, strokeHz: 100, passLimit: 5 })),
  });
  for (const area of AREAS) {
    for (let pass = 0; pass < 5; pass++) {
      const { passId } = store.openPass(sessionId, area);
      store.markPassContact(passId);
      clock.now += 3000;
      store.closePass(passId, { strokes: 300, punctures: 3600, contactMs: 3000 });
    }
    store.finishArea(sessionId, area, { passes: 5, strokes: 1500, punctures: 18_000, maxMeasuredDepthUm: 252 });
  }
  for (let event = 0; event < EVENTS_PER_SESSION; event++)
    store.audit('event', { type: 'TELEMETRY', event }, sessionId);
  store.endSession(sessionId, 'completed');
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((first, second) => first - second);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function timed(action: () => void): number {
  const startedMs = performance.now();
  action();
  return performance.now() - startedMs;
}

const sessions = option('sessions', 1000);
const runs = option('runs', 5);
const dir = mkdtempSync(join(process.platform === 'linux' ? '/dev/shm' : tmpdir(), 'mnpen-verify-'));
const path = join(dir, 'mnpen.db');
try {
  const clock = { now: Date.parse('2025-01-01T09:00:00Z') };
  const store = openStore(path, { nowMs: () => clock.now });
  const buildMs = timed(() => {
    for (let index = 0; index < sessions; index++) {
      const clientId = `client-${index % 200}`;
      if (index < 200) store.upsertClient({ clientId, birthYear: 1990 });
      clock.now += DAY_MS / 5;
      recordSession(store, clientId, index, clock);
    }
  });
  store.close();
  const report = verifyStoreFile(path);
  if (!report.ok) throw new Error(`the built file does not verify: ${report.problems[0]?.message}`);
  const verifyMs = Array.from({ length: runs }, () => timed(() => verifyStoreFile(path)));
  const openMs = Array.from({ length: runs }, () => timed(() => openStore(path).close()));
  // What opening cost before the chain: quick_check on a read-only connection, the same file, same run.
  const quickCheckMs = Array.from({ length: runs }, () =>
    timed(() => {
      const db = new Database(path, { readonly: true });
      db.pragma('quick_check');
      db.close();
    }),
  );
  const figures = {
    sessions,
    auditRows: report.auditRows,
    coveredRows: report.coveredRows,
    fileBytes: statSync(path).size,
    buildS: Number((buildMs / 1000).toFixed(1)),
    verifyMsMedian: Number(median(verifyMs).toFixed(0)),
    verifyMsMin: Number(Math.min(...verifyMs).toFixed(0)),
    openForWritingMsMedian: Number(median(openMs).toFixed(0)),
    quickCheckOnlyMsMedian: Number(median(quickCheckMs).toFixed(0)),
    openToQuickCheckRatio: Number((median(openMs) / median(quickCheckMs)).toFixed(1)),
    verifyUsPerAuditRow: Number(((median(verifyMs) * 1000) / report.auditRows).toFixed(2)),
    runs,
  };
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
