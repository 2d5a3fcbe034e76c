// Child process of the claim tests: opens one store and runs the parent's JSON commands (claim at a set moment, session, release).
import { createInterface } from 'node:readline';
import { StoreError } from '../../src/store/errors.js';
import { openRecords } from '../../src/store/open-records.js';

type Command =
  | { op: 'claim'; client: string; atMs: number }
  | { op: 'begin'; client: string }
  | { op: 'session'; client: string; cartridgeId: number }
  | { op: 'release'; client: string }
  | { op: 'exit' };

const [dbPath] = process.argv.slice(2);
if (dbPath === undefined) throw new Error('usage: store-claim-child <db path or postgres:// URL>');
// NOTE: dozens of stations start at once on a shared test machine: opening may take longer than a request's bound.
const store = openRecords(dbPath, { timeoutMs: 30_000 });
const say = (reply: object): void => void process.stdout.write(`${JSON.stringify(reply)}\n`);

/** Runs `action`; a StoreError is a typed refusal, anything else an internal error. */
function attempt(op: string, action: () => object): void {
  try {
    say({ op, ok: true, ...action() });
  } catch (error) {
    if (error instanceof StoreError) say({ op, ok: false, code: error.code, message: error.message });
    else say({ op, ok: false, code: 'INTERNAL', message: String((error as Error).stack) });
  }
}

/** Sleeps until `atMs` (wall clock), the last millisecond spinning, so every child starts the claim together. */
async function until(atMs: number): Promise<void> {
  const waitMs = atMs - Date.now() - 2;
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  while (Date.now() < atMs) {
    // spin
  }
}

function runSession(client: string, cartridgeId: number): object {
  const sessionId = store.beginSession({
    clientId: client,
    mode: 'home',
    isPatchTest: false,
    cartridgeId,
    areas: [{ area: 'neck', depthUm: 200, strokeHz: 100, passLimit: 6 }],
  });
  let opened = 0;
  let refusedAt: string | null = null;
  for (let attemptNumber = 0; attemptNumber < 8 && refusedAt === null; attemptNumber++) {
    try {
      store.openPass(sessionId, 'neck');
      opened++;
    } catch (error) {
      refusedAt = error instanceof StoreError ? error.code : 'INTERNAL';
    }
  }
  store.endSession(sessionId, 'completed');
  return { sessionId, opened, refusedAt };
}

async function handle(command: Command): Promise<void> {
  switch (command.op) {
    case 'claim':
      await until(command.atMs);
      return attempt('claim', () => ({ claimId: store.claimClient(command.client).claimId }));
    case 'begin':
      return attempt('begin', () => ({
        sessionId: store.beginSession({
          clientId: command.client,
          mode: 'home',
          isPatchTest: false,
          cartridgeId: null,
          areas: [{ area: 'neck', depthUm: 200, strokeHz: 100, passLimit: 6 }],
        }),
      }));
    case 'session':
      return attempt('session', () => runSession(command.client, command.cartridgeId));
    case 'release':
      return attempt('release', () => ({ released: store.releaseClient(command.client) }));
    case 'exit':
      store.close();
      process.exit(0);
  }
}

let queue = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  queue = queue.then(() => handle(JSON.parse(line) as Command));
});
say({ op: 'ready', pid: process.pid });
