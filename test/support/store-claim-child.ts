// Child process of the claim and station tests: opens one store and runs the parent's JSON commands (claim at a set moment, session, release, treat as a station).
import { createInterface } from 'node:readline';
import { parsePlan, type Plan } from '../../src/policy/index.js';
import { StoreError } from '../../src/store/errors.js';
import { openRecords } from '../../src/store/open-records.js';
import { StoreSessionRecords } from '../../src/wiring/store-records.js';
import { stationAdmission } from './station-rules.js';

const PASS_LIMIT = 6;
const parsed = parsePlan({ mode: 'home', areas: [{ area: 'neck', depthMm: 0.2, passes: PASS_LIMIT }] });
if (!parsed.ok) throw new Error(`station plan invalid: ${JSON.stringify(parsed.errors)}`);
const PLAN: Plan = parsed.plan;
/** How long a station keeps asking for a client another station holds, ms. */
const CLAIM_PATIENCE_MS = 120_000;

type Command =
  | { op: 'claim'; client: string; atMs: number }
  | { op: 'begin'; client: string }
  | { op: 'session'; client: string; cartridgeId: number }
  | { op: 'release'; client: string }
  | { op: 'treat'; client: string; cartridgeId: number; atMs: number }
  | { op: 'exit' };

const [dbPath] = process.argv.slice(2);
if (dbPath === undefined) throw new Error('usage: store-claim-child <db path or postgres:// URL>');
// NOTE: dozens of stations start at once on a shared test machine: opening may take longer than a request's bound.
const store = openRecords(dbPath, { timeoutMs: 30_000 });
const say = (reply: object): void => void process.stdout.write(`${JSON.stringify(reply)}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  if (waitMs > 0) await sleep(waitMs);
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

/**
 * One station's attempt: claim the client (waiting while another station holds it), read the
 * admission facts after the claim, apply the session rules; if allowed, open passes until one is
 * refused. Returns what happened, refusal codes included.
 */
async function treat(client: string, cartridgeId: number): Promise<object> {
  const records = new StoreSessionRecords(store, Date.now);
  const request = {
    clientId: client,
    mode: 'home' as const,
    isPatchTest: false,
    plan: PLAN,
    cartridgeId,
    penSerialNumber: 1,
  };
  const startedMs = Date.now();
  let waits = 0;
  let outcome = records.claim(request);
  while (!outcome.ok && outcome.reason === 'CLIENT_IN_SESSION' && Date.now() - startedMs < CLAIM_PATIENCE_MS) {
    waits++;
    await sleep(10 + Math.random() * 20);
    outcome = records.claim(request);
  }
  if (!outcome.ok) return { treated: false, refusals: [outcome.reason], waits };
  const { sessionId } = outcome.claim;
  const facts = records.admissionFacts(sessionId, cartridgeId);
  const decision = stationAdmission(facts, ['neck'], cartridgeId);
  if (!decision.allowed) {
    store.endSession(sessionId, 'refused');
    store.releaseClient(client);
    return { treated: false, refusals: decision.refusals.map((refusal) => refusal.reason).sort(), waits };
  }
  let opened = 0;
  let refusedAt: string | null = null;
  while (refusedAt === null && opened <= PASS_LIMIT + 1) {
    try {
      store.openPass(sessionId, 'neck');
      opened++;
    } catch (error) {
      refusedAt = error instanceof StoreError ? error.code : `INTERNAL ${String(error)}`;
    }
  }
  store.endSession(sessionId, opened > 0 ? 'completed' : 'refused');
  store.releaseClient(client);
  return { treated: opened > 0, opened, refusedAt, waits };
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
    case 'treat': {
      await until(command.atMs);
      const reply = await treat(command.client, command.cartridgeId).then(
        (result) => ({ ok: true, ...result }),
        (error: unknown) => ({
          ok: false,
          code: error instanceof StoreError ? error.code : 'INTERNAL',
          message: String((error as Error).stack),
        }),
      );
      return say({ op: 'treat', ...reply });
    }
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
