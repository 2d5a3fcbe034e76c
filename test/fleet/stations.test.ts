// S19/S5 across stations: 2, 8 and 32 controller processes claim one client on one PostgreSQL at the same moment; one wins, passes never exceed the limit.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openRecords } from '../../src/store/index.js';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.js';
import { JsonChild, type Reply } from '../support/store-children.js';
import { describeWithPrograms } from '../support/system-programs.js';

const TRIALS = Number(process.env.MNPEN_STATION_TRIALS ?? 5);
const STATIONS = [2, 8, 32];

interface Tally {
  won: number;
  refused: Record<string, number>;
  internal: string[];
}

/** One trial: every child claims at the same wall-clock moment; the losers then try to begin a session; the winner runs one. */
async function trial(children: readonly JsonChild[], client: string, cartridgeId: number, tally: Tally): Promise<void> {
  const atMs = Date.now() + 30;
  const replies = await Promise.all(children.map((child) => child.request({ op: 'claim', client, atMs })));
  const count = (reply: Reply) => {
    if (reply.ok === true) return;
    if (reply.code === 'INTERNAL' || reply.code === undefined) tally.internal.push(String(reply.message));
    else tally.refused[reply.code] = (tally.refused[reply.code] ?? 0) + 1;
  };
  replies.forEach(count);
  const winners = children.filter((_, index) => replies[index]?.ok === true);
  tally.won += winners.length;
  const losers = children.filter((_, index) => replies[index]?.ok !== true);
  const begins = await Promise.all(losers.map((child) => child.request({ op: 'begin', client })));
  for (const reply of begins) {
    if (reply.ok === true) tally.internal.push(`a loser began session ${String(reply.sessionId)}`);
    else if (reply.code !== 'CLIENT_IN_SESSION')
      tally.internal.push(`a loser's begin: ${reply.code}: ${reply.message}`);
  }
  for (const winner of winners) {
    const session = await winner.request({ op: 'session', client, cartridgeId });
    if (session.opened !== 6 || session.refusedAt !== 'PASS_LIMIT_REACHED')
      tally.internal.push(`session: ${JSON.stringify(session)}`);
  }
}

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
  afterAll(() => cluster.remove());

  it.each(STATIONS)(
    `%i stations claiming one client at the same moment, ${TRIALS} trials: one wins, the rest CLIENT_IN_SESSION, 6 passes at most`,
    async (stations) => {
      const children = await Promise.all(
        Array.from({ length: stations }, () => JsonChild.start('store-claim-child.ts', [url])),
      );
      const tally: Tally = { won: 0, refused: {}, internal: [] };
      const client = `client-${stations}`;
      const startedMs = performance.now();
      try {
        for (let index = 0; index < TRIALS; index++) await trial(children, client, stations * 1000 + index + 1, tally);
      } finally {
        await Promise.all(children.map((child) => child.stop()));
      }
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
});
