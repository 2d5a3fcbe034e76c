// S19/S5 across stations: 2, 8 and 32 controller processes on one PostgreSQL at the same moment: one claim wins, passes never exceed the limit, interval and cartridge reuse refused exactly.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Screening } from '../../src/policy/index.js';
import { openRecords } from '../../src/store/index.js';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.js';
import { screening } from '../support/cli.js';
import { claimTrial, JsonChild, type ClaimTally } from '../support/store-children.js';
import { describeWithPrograms } from '../support/system-programs.js';

const TRIALS = Number(process.env.MNPEN_STATION_TRIALS ?? 5);
const STATIONS = [2, 8, 32];
const HOUR_MS = 3_600_000;

describeWithPrograms(['postgres'], 'S19 S5: stations on one PostgreSQL', () => {
  let cluster: PgCluster;
  let url: string;
  beforeAll(async () => {
    cluster = await startPgCluster();
    url = cluster.createDatabase();
    const store = openRecords(url);
    for (const stations of STATIONS) store.upsertClient({ clientId: `client-${stations}`, birthYear: 1990 });
    store.close();
  });
  /** Station processes, started once per count (starting 32 tsx processes costs more than the trials). */
  const pools = new Map<number, Promise<JsonChild[]>>();
  const stationsOf = (stations: number): Promise<JsonChild[]> => {
    let pool = pools.get(stations);
    if (pool === undefined) {
      pool = Promise.all(Array.from({ length: stations }, () => JsonChild.start('store-claim-child.ts', [url])));
      pools.set(stations, pool);
    }
    return pool;
  };
  afterAll(async () => {
    for (const pool of pools.values()) await Promise.all((await pool).map((child) => child.stop()));
    cluster.remove();
  });

  it.each(STATIONS)(
    `%i stations claiming one client at the same moment, ${TRIALS} trials: one wins, the rest CLIENT_IN_SESSION, 6 passes at most`,
    async (stations) => {
      const children = await stationsOf(stations);
      const tally: ClaimTally = { won: 0, refused: {}, internal: [] };
      const client = `client-${stations}`;
      const startedMs = performance.now();
      for (let index = 0; index < TRIALS; index++)
        await claimTrial(children, client, stations * 1000 + index + 1, tally);
      const elapsedMs = performance.now() - startedMs;
      const store = openRecords(url, { access: 'read' });
      const sessions = store.history(client);
      const maxPasses = Math.max(...sessions.map((session) => store.passes(session.sessionId).length));
      store.close();
      console.log(
        `stations: ${stations} x ${TRIALS} trials on PostgreSQL: ${tally.won} won, refused ${JSON.stringify(tally.refused)}, ` +
          `${tally.internal.length} internal errors, ${sessions.length} sessions, at most ${maxPasses} passes per session, ${Math.round(elapsedMs)} ms`,
      );
      expect(tally.internal).toEqual([]);
      expect(tally.won).toBe(TRIALS);
      expect(tally.refused).toEqual({ CLIENT_IN_SESSION: TRIALS * (stations - 1) });
      expect(sessions).toHaveLength(TRIALS);
      expect(maxPasses).toBe(6);
    },
    300_000,
  );

  /** Fresh clients with screening answered an hour ago and a patch test two days ago: only interval and cartridge can refuse. */
  function seedClients(clients: readonly string[]): void {
    const store = openRecords(url, { timeoutMs: 30_000 });
    const nowMs = Date.now();
    store.batch(null, () => {
      for (const clientId of clients) {
        store.upsertClient({
          clientId,
          birthYear: 1990,
          screening: screening(new Date(nowMs - HOUR_MS).toISOString(), 1990) as Screening,
        });
        store.recordPatchTest(clientId, nowMs - 48 * HOUR_MS, 'jawline');
      }
    });
    store.close();
  }

  it.each(STATIONS)(
    `%i stations treating one client with one cartridge at the same moment, ${TRIALS} trials: one treats (6 passes, the 7th PASS_LIMIT_REACHED); every other station INTERVAL_TOO_SHORT and CARTRIDGE_REUSED`,
    async (stations) => {
      const children = await stationsOf(stations);
      const clients = Array.from({ length: TRIALS }, (_, trial) => `interval-${stations}-${trial}`);
      seedClients(clients);
      const problems: string[] = [];
      const tally = { treated: 0, refusedBoth: 0, waits: 0, passesOpened: 0 };
      const startedMs = performance.now();
      for (const [trial, client] of clients.entries()) {
        const atMs = Date.now() + 30;
        const cartridgeId = 500_000 + stations * 1000 + trial;
        const replies = await Promise.all(
          children.map((child) => child.request({ op: 'treat', client, cartridgeId, atMs })),
        );
        for (const reply of replies) {
          tally.waits += Number(reply.waits ?? 0);
          if (reply.ok !== true) problems.push(`trial ${trial}: ${String(reply.code)} ${String(reply.message)}`);
          else if (reply.treated === true) {
            tally.treated++;
            tally.passesOpened += Number(reply.opened);
            if (reply.opened !== 6 || reply.refusedAt !== 'PASS_LIMIT_REACHED')
              problems.push(`trial ${trial}: treated ${JSON.stringify(reply)}`);
          } else if (JSON.stringify(reply.refusals) === JSON.stringify(['CARTRIDGE_REUSED', 'INTERVAL_TOO_SHORT']))
            tally.refusedBoth++;
          else problems.push(`trial ${trial}: refused ${JSON.stringify(reply)}`);
        }
      }
      const elapsedMs = performance.now() - startedMs;
      const store = openRecords(url, { access: 'read' });
      const passes = clients.map((client) =>
        store.history(client).reduce((sum, session) => sum + store.passes(session.sessionId).length, 0),
      );
      store.close();
      console.log(
        `stations: ${stations} x ${TRIALS} trials, one client and one cartridge, on PostgreSQL: ${tally.treated} treated (${tally.passesOpened} passes), ` +
          `${tally.refusedBoth} refused INTERVAL_TOO_SHORT + CARTRIDGE_REUSED, ${tally.waits} claim waits, ${problems.length} problems, ` +
          `passes per client max ${Math.max(...passes)}, ${Math.round(elapsedMs)} ms`,
      );
      expect(problems).toEqual([]);
      expect(tally.treated).toBe(TRIALS);
      expect(tally.refusedBoth).toBe(TRIALS * (stations - 1));
      expect(passes).toEqual(clients.map(() => 6));
    },
    600_000,
  );

  it.each(STATIONS)(
    `%i stations, each with its own client, inserting one cartridge at the same moment, ${TRIALS} trials: one session uses it, every other CARTRIDGE_REUSED before any pass`,
    async (stations) => {
      const children = await stationsOf(stations);
      const clientsOf = (trial: number) => children.map((_, station) => `cartridge-${stations}-${trial}-${station}`);
      seedClients(Array.from({ length: TRIALS }, (_, trial) => clientsOf(trial)).flat());
      const problems: string[] = [];
      const tally = { treated: 0, reused: 0 };
      const startedMs = performance.now();
      for (let trial = 0; trial < TRIALS; trial++) {
        const atMs = Date.now() + 30;
        const cartridgeId = 700_000 + stations * 1000 + trial;
        const clients = clientsOf(trial);
        const replies = await Promise.all(
          children.map((child, station) => child.request({ op: 'treat', client: clients[station], cartridgeId, atMs })),
        );
        for (const reply of replies) {
          if (reply.ok !== true) problems.push(`trial ${trial}: ${String(reply.code)} ${String(reply.message)}`);
          else if (reply.treated === true) {
            tally.treated++;
            if (reply.opened !== 6 || reply.refusedAt !== 'PASS_LIMIT_REACHED')
              problems.push(`trial ${trial}: treated ${JSON.stringify(reply)}`);
          } else if (
            reply.refusedAt === 'CARTRIDGE_REUSED' ||
            JSON.stringify(reply.refusals) === '["CARTRIDGE_REUSED"]'
          )
            tally.reused++;
          else problems.push(`trial ${trial}: refused ${JSON.stringify(reply)}`);
        }
      }
      const elapsedMs = performance.now() - startedMs;
      console.log(
        `stations: ${stations} x ${TRIALS} trials, one cartridge, one client each, on PostgreSQL: ${tally.treated} used it, ` +
          `${tally.reused} refused CARTRIDGE_REUSED, ${problems.length} problems, ${Math.round(elapsedMs)} ms`,
      );
      expect(problems).toEqual([]);
      expect(tally.treated).toBe(TRIALS);
      expect(tally.reused).toBe(TRIALS * (stations - 1));
    },
    600_000,
  );
});
