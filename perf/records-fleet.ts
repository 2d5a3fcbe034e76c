// `npx tsx perf/records-fleet.ts [--quick] [--json]`: pass reservations on SQLite and PostgreSQL side by side, then simulated stations on one PostgreSQL for a virtual span (violations, throughput).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { clearScreening } from '../src/policy/index.js';
import { openRecords, openStore, type Store } from '../src/store/index.js';
import { pgProgram } from '../test/support/pg-binaries.js';
import { startPgCluster, type PgCluster } from '../test/support/pg-cluster.js';
import type { StationOptions, StationResult } from './records-fleet-station.js';
import { summarizeLatencies, type LatencySummary } from './stats.js';

/** Marks the JSON line perf/main.ts reads. */
export const RECORDS_FLEET_PREFIX = 'RECORDS_FLEET ';

const PLANS = {
  quick: { reservations: 60, rounds: 1, stations: 4, virtualMs: 5 * 60_000 },
  full: { reservations: 1_000, rounds: 3, stations: 50, virtualMs: 60 * 60_000 },
} as const;

const STATION = fileURLToPath(new URL('./records-fleet-station.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const T0 = Date.parse('2026-07-01T08:00:00Z');
const HOUR_MS = 3_600_000;
const AREAS = ['forehead', 'cheeks', 'chin', 'nose'];
const PASS_LIMIT = 6;

export interface ReservationFigures {
  readonly backend: 'sqlite' | 'postgres';
  /** Median over rounds of passes opened per second by one station (reservation time only). */
  readonly passesPerSecond: number;
  /** Latency of one reservation (the event's audit row and the pass, one durable transaction), ms, all rounds. */
  readonly latencyMs: LatencySummary;
}

export interface FleetFigures {
  readonly stations: number;
  readonly virtualMinutes: number;
  readonly wallMs: number;
  readonly passesOpened: number;
  readonly treatedSessions: number;
  /** Passes opened per wall second by the whole fleet. */
  readonly passesPerSecond: number;
  readonly reservationLatencyMs: LatencySummary;
  readonly refusals: Record<string, number>;
  readonly errors: readonly string[];
  /** Counted from the database after the run; every one must be 0. */
  readonly violations: {
    readonly passesAboveLimit: number;
    readonly cartridgeReused: number;
    /** Clients treated twice within the run (a span far below any interval). */
    readonly intervalBroken: number;
  };
}

export type RecordsFleetRun =
  { readonly skipped: string } | { readonly reservations: readonly ReservationFigures[]; readonly fleet: FleetFigures };

const progress = (text: string): void => void process.stderr.write(`[records-fleet] ${text}\n`);

/** Why the benchmark cannot run here, or null when the PostgreSQL programs are present. */
function missingPostgres(): string | null {
  const probe = spawnSync(pgProgram('initdb'), ['--version'], { stdio: 'ignore', timeout: 10_000 });
  return probe.status === 0
    ? null
    : 'PostgreSQL programs not found (initdb): records-fleet skipped; install with: sudo apt-get install -y postgresql';
}

/** Clients screened an hour before T0 and patch-tested two days before, in one transaction. */
function seedClients(store: Store, count: number): void {
  store.batch(null, () => {
    for (let index = 0; index < count; index++) {
      const clientId = `client-${index}`;
      store.upsertClient({ clientId, birthYear: 1990, screening: clearScreening(1990, T0 - HOUR_MS) });
      store.recordPatchTest(clientId, T0 - 48 * HOUR_MS, 'jawline');
    }
  });
}

/** `count` reservations by one station: sessions of 4 areas x 6 passes, each reservation timed. */
function reservations(store: Store, count: number, round: number): number[] {
  const latencies: number[] = [];
  for (let session = 0; latencies.length < count; session++) {
    const clientId = `bench-${round}-${session}`;
    store.upsertClient({ clientId, birthYear: 1990 });
    const sessionId = store.beginSession({
      clientId,
      mode: 'home',
      isPatchTest: false,
      cartridgeId: 1 + round * 100_000 + session,
      areas: AREAS.map((area) => ({ area, depthUm: 200, strokeHz: 100, passLimit: PASS_LIMIT })),
    });
    for (const area of AREAS) {
      for (let pass = 0; pass < PASS_LIMIT && latencies.length < count; pass++) {
        const startedMs = performance.now();
        store.batch(null, () => {
          store.audit('event', { type: 'PASS_REQUESTED', area }, sessionId);
          store.openPass(sessionId, area);
        });
        latencies.push(performance.now() - startedMs);
      }
    }
    store.endSession(sessionId, 'completed');
    store.releaseClient(clientId);
  }
  return latencies;
}

/** SQLite and PostgreSQL alternately, `rounds` times each, on fresh records. */
function measureReservations(cluster: PgCluster, plan: (typeof PLANS)[keyof typeof PLANS]): ReservationFigures[] {
  const dir = mkdtempSync(join(tmpdir(), 'mnpen-fleet-bench-'));
  const runs = { sqlite: [] as number[][], postgres: [] as number[][] };
  try {
    for (let round = 0; round < plan.rounds; round++) {
      for (const backend of ['sqlite', 'postgres'] as const) {
        progress(`reservations on ${backend}: round ${round + 1}/${plan.rounds} (${plan.reservations})`);
        const store =
          backend === 'sqlite' ? openStore(join(dir, `round-${round}.db`)) : openRecords(cluster.createDatabase());
        try {
          runs[backend].push(reservations(store, plan.reservations, round));
        } finally {
          store.close();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return (['sqlite', 'postgres'] as const).map((backend) => {
    const perRound = runs[backend].map((latencies) => latencies.length / (latencies.reduce((a, b) => a + b, 0) / 1000));
    const sorted = [...perRound].sort((a, b) => a - b);
    return {
      backend,
      passesPerSecond: sorted[Math.floor(sorted.length / 2)] as number,
      latencyMs: summarizeLatencies(runs[backend].flat()),
    };
  });
}

/** Starts one station process; resolves once its store is open. */
function startStation(options: StationOptions) {
  const child = spawn(process.execPath, ['--import', 'tsx', STATION, JSON.stringify(options)], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  let onReady: () => void = () => {};
  let onResult: (result: StationResult) => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const result = new Promise<StationResult>((resolve, reject) => {
    onResult = resolve;
    child.on('close', (code) => reject(new Error(`station ${options.station} exited ${code}: ${stderr.trim()}`)));
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === 'READY') onReady();
    else if (line.startsWith('STATION_RESULT ')) onResult(JSON.parse(line.slice('STATION_RESULT '.length)));
  });
  return { ready, result, go: () => child.stdin.write('go\n') };
}

/** Counts from the database: one query, three numbers. */
function countViolations(cluster: PgCluster, database: string): FleetFigures['violations'] {
  const treated =
    'SELECT session_id, client_id, cartridge_id FROM sessions s WHERE is_patch_test = 0 AND EXISTS (SELECT 1 FROM passes p WHERE p.session_id = s.session_id)';
  const row = cluster.psql(
    database,
    `WITH treated AS (${treated})
     SELECT
       (SELECT count(*) FROM (SELECT p.session_id, p.area, count(*) AS n, max(p.pass_number) AS top FROM passes p GROUP BY 1, 2) x
          JOIN session_areas a ON a.session_id = x.session_id AND a.area = x.area WHERE x.n > a.pass_limit OR x.top > a.pass_limit),
       (SELECT count(*) FROM treated t WHERE t.cartridge_id IS NOT NULL AND
          (SELECT c.session_id FROM cartridges c WHERE c.cartridge_id = t.cartridge_id) IS DISTINCT FROM t.session_id),
       (SELECT count(*) FROM (SELECT client_id FROM treated GROUP BY client_id HAVING count(*) > 1) y)`,
  );
  const [passesAboveLimit, cartridgeReused, intervalBroken] = row.trim().split('|').map(Number);
  return {
    passesAboveLimit: passesAboveLimit ?? -1,
    cartridgeReused: cartridgeReused ?? -1,
    intervalBroken: intervalBroken ?? -1,
  };
}

/** `stations` processes, one PostgreSQL, a shared pool of clients, each station for `virtualMs` of sessions. */
async function measureFleet(cluster: PgCluster, stations: number, virtualMs: number): Promise<FleetFigures> {
  const url = cluster.createDatabase('fleet');
  const database = new URL(url).pathname.slice(1);
  const clients = stations * 3;
  const seeding = openRecords(url, { nowMs: () => T0, timeoutMs: 30_000 });
  seedClients(seeding, clients);
  seeding.close();
  progress(`starting ${stations} station processes`);
  const children = Array.from({ length: stations }, (_, station) =>
    startStation({ url, station, stations, clients, virtualMs, t0Ms: T0, seed: 15 }),
  );
  await Promise.all(children.map((child) => child.ready));
  progress(`${stations} stations: ${virtualMs / 60_000} virtual minutes of sessions each`);
  const startedMs = performance.now();
  for (const child of children) child.go();
  const results = await Promise.all(children.map((child) => child.result));
  const wallMs = performance.now() - startedMs;
  const refusals: Record<string, number> = {};
  for (const result of results)
    for (const [code, count] of Object.entries(result.refusals)) refusals[code] = (refusals[code] ?? 0) + count;
  const passesOpened = results.reduce((sum, result) => sum + result.passesOpened, 0);
  return {
    stations,
    virtualMinutes: virtualMs / 60_000,
    wallMs,
    passesOpened,
    treatedSessions: results.reduce((sum, result) => sum + result.sessions, 0),
    passesPerSecond: passesOpened / (wallMs / 1000),
    reservationLatencyMs: summarizeLatencies(results.flatMap((result) => result.reservationMs)),
    refusals,
    errors: results.flatMap((result) => result.errors),
    violations: countViolations(cluster, database),
  };
}

export async function runRecordsFleet(mode: keyof typeof PLANS): Promise<RecordsFleetRun> {
  const missing = missingPostgres();
  if (missing !== null) return { skipped: missing };
  const plan = PLANS[mode];
  progress('starting a PostgreSQL cluster');
  const cluster = await startPgCluster();
  try {
    const reservationFigures = measureReservations(cluster, plan);
    const fleet = await measureFleet(cluster, plan.stations, plan.virtualMs);
    return { reservations: reservationFigures, fleet };
  } finally {
    cluster.remove();
  }
}

/** Runs this benchmark in its own process (as perf/main.ts runs every benchmark) and reads its JSON line. */
export function runRecordsFleetChild(mode: keyof typeof PLANS): Promise<RecordsFleetRun> {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', self, '--json', ...(mode === 'quick' ? ['--quick'] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((candidate) => candidate.startsWith(RECORDS_FLEET_PREFIX));
      if (line === undefined) reject(new Error(`records-fleet failed (exit ${code}): ${stdout.trim()}`));
      else resolve(JSON.parse(line.slice(RECORDS_FLEET_PREFIX.length)) as RecordsFleetRun);
    });
  });
}

const ms = (value: number) => value.toFixed(2);

/** The figures as text. */
export function formatRecordsFleet(run: RecordsFleetRun): string {
  if ('skipped' in run) return `records fleet: ${run.skipped}`;
  const lines = ['records: one station reserving passes (audit row + pass, one durable transaction each)'];
  lines.push('backend     passes/s   p50 ms   p99 ms   max ms   reservations');
  for (const figure of run.reservations) {
    const l = figure.latencyMs;
    lines.push(
      `${figure.backend.padEnd(10)} ${figure.passesPerSecond.toFixed(0).padStart(9)} ${ms(l.p50).padStart(8)} ${ms(l.p99).padStart(8)} ${ms(l.max).padStart(8)} ${String(l.count).padStart(14)}`,
    );
  }
  const [sqlite, postgres] = run.reservations;
  if (sqlite !== undefined && postgres !== undefined)
    lines.push(`PostgreSQL / SQLite p50 latency: ${(postgres.latencyMs.p50 / sqlite.latencyMs.p50).toFixed(1)}x`);
  const f = run.fleet;
  const v = f.violations;
  lines.push(
    '',
    `fleet: ${f.stations} station processes, one PostgreSQL, ${f.virtualMinutes} virtual minutes each, ${(f.wallMs / 1000).toFixed(1)} s wall`,
    `  ${f.passesOpened} passes opened in ${f.treatedSessions} sessions: ${f.passesPerSecond.toFixed(1)} passes/s for the fleet; reservation p50 ${ms(f.reservationLatencyMs.p50)} ms, p99 ${ms(f.reservationLatencyMs.p99)} ms, max ${ms(f.reservationLatencyMs.max)} ms`,
    `  refusals: ${Object.entries(f.refusals)
      .sort()
      .map(([code, count]) => `${code} ${count}`)
      .join(', ')}`,
    `  violations: passes above the limit ${v.passesAboveLimit}, cartridge reused ${v.cartridgeReused}, interval broken ${v.intervalBroken}; errors ${f.errors.length}`,
  );
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  runRecordsFleet(argv.includes('--quick') ? 'quick' : 'full').then(
    (run) => {
      if (argv.includes('--json')) process.stdout.write(`${RECORDS_FLEET_PREFIX}${JSON.stringify(run)}\n`);
      else process.stdout.write(`${formatRecordsFleet(run)}\n`);
      const failed =
        'fleet' in run && (Object.values(run.fleet.violations).some((n) => n !== 0) || run.fleet.errors.length > 0);
      process.exit(failed ? 1 : 0);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
