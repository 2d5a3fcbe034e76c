// S19/S5 concurrency: 2, 4 and 8 processes claim one client on one file at the same moment; exactly one wins, the others get a typed refusal.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from './store.js';
import { JsonChild, type Reply } from '../../test/support/store-children.js';
import { tempDir } from '../../test/support/store-helpers.js';

const TRIALS = Number(process.env.MNPEN_CLAIM_TRIALS ?? 50);
const temp = tempDir('mnpen-claims-');
const path = join(temp.dir, 'records.db');

beforeAll(() => {
  const store = openStore(path);
  for (const processes of [2, 4, 8]) store.upsertClient({ clientId: `client-${processes}`, birthYear: 1990 });
  store.close();
});
afterAll(() => temp.remove());

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

describe('S19 S5: concurrent claims on one client, one file', () => {
  it.each([2, 4, 8])(
    `%i processes claiming at the same moment, ${TRIALS} trials: one wins each trial, the rest CLIENT_IN_SESSION, no internal error`,
    async (processes) => {
      const children = await Promise.all(
        Array.from({ length: processes }, () => JsonChild.start('store-claim-child.ts', [path])),
      );
      const tally: Tally = { won: 0, refused: {}, internal: [] };
      const client = `client-${processes}`;
      try {
        for (let index = 0; index < TRIALS; index++) await trial(children, client, processes * 1000 + index + 1, tally);
      } finally {
        await Promise.all(children.map((child) => child.stop()));
      }
      const store = openStore(path, { access: 'read' });
      const sessions = store.history(client);
      const maxPasses = Math.max(...sessions.map((session) => store.passes(session.sessionId).length));
      store.close();
      console.log(
        `claims: ${processes} processes x ${TRIALS} trials: ${tally.won} won, refused ${JSON.stringify(tally.refused)}, ` +
          `${tally.internal.length} internal errors, ${sessions.length} sessions, at most ${maxPasses} passes per session`,
      );
      expect(tally.internal).toEqual([]);
      expect(tally.won).toBe(TRIALS);
      expect(tally.refused).toEqual({ CLIENT_IN_SESSION: TRIALS * (processes - 1) });
      expect(sessions).toHaveLength(TRIALS);
      expect(maxPasses).toBe(6);
    },
    120_000,
  );
});
