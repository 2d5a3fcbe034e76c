// S19/S5 concurrency: 2, 4 and 8 processes claim one client on one file at the same moment; exactly one wins, the others get a typed refusal.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from './store.js';
import { claimTrial, JsonChild, type ClaimTally } from '../../test/support/store-children.js';
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

describe('S19 S5: concurrent claims on one client, one file', () => {
  it.each([2, 4, 8])(
    `%i processes claiming at the same moment, ${TRIALS} trials: one wins each trial, the rest CLIENT_IN_SESSION, no internal error`,
    async (processes) => {
      const children = await Promise.all(
        Array.from({ length: processes }, () => JsonChild.start('store-claim-child.ts', [path])),
      );
      const tally: ClaimTally = { won: 0, refused: {}, internal: [] };
      const client = `client-${processes}`;
      try {
        for (let index = 0; index < TRIALS; index++)
          await claimTrial(children, client, processes * 1000 + index + 1, tally);
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
