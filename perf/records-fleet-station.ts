// One simulated station of perf/records-fleet.ts: sessions for a virtual span on a shared PostgreSQL, as the controller records them; prints its tallies as one JSON line.
import { createInterface } from 'node:readline';
import { DEFAULT_TREATMENT_CONFIG, parsePlan } from '../src/policy/index.js';
import { openRecords, StoreError } from '../src/store/index.js';
import { StoreSessionRecords } from '../src/wiring/store-records.js';
import { stationAdmission } from '../test/support/station-rules.js';
import { SeededRandom } from '../sim/random.js';

/** What the parent passes as argv[2] (JSON). */
export interface StationOptions {
  readonly url: string;
  readonly station: number;
  readonly stations: number;
  readonly clients: number;
  readonly virtualMs: number;
  readonly t0Ms: number;
  readonly seed: number;
}

/** The station's tallies, printed as `STATION_RESULT {...}`. */
export interface StationResult {
  readonly station: number;
  readonly reservationMs: number[];
  readonly sessions: number;
  readonly passesOpened: number;
  readonly refusals: Record<string, number>;
  readonly errors: string[];
  readonly wallMs: number;
}

const AREAS = ['forehead', 'cheeks', 'chin', 'nose'] as const;
const PASS_LIMIT = 6;
/** Virtual time of one pass (the treatment config's estimate), and of a refused or skipped attempt. */
const PASS_MS = DEFAULT_TREATMENT_CONFIG.secondsPerPassEstimate * 1000;
const REFUSED_MS = 60_000;
/** Share of sessions started with a cartridge another station used (or will use) first. */
const REUSE_SHARE = 0.1;

const parsed = parsePlan({ mode: 'home', areas: AREAS.map((area) => ({ area, depthMm: 0.2, passes: PASS_LIMIT })) });
if (!parsed.ok) throw new Error(`station plan invalid: ${JSON.stringify(parsed.errors)}`);
const PLAN = parsed.plan;

const options = JSON.parse(process.argv[2] ?? '{}') as StationOptions;
// The station's own seeded choices (client, cartridge).
const seeded = new SeededRandom(options.seed * 7919 + options.station);
const random = (): number => seeded.next();
let virtualMs = 0;
const nowMs = () => options.t0Ms + virtualMs;
const store = openRecords(options.url, { nowMs, timeoutMs: 30_000 });
const result: { -readonly [K in keyof StationResult]: StationResult[K] } = {
  station: options.station,
  reservationMs: [],
  sessions: 0,
  passesOpened: 0,
  refusals: {},
  errors: [],
  wallMs: 0,
};
const refuse = (code: string) => void (result.refusals[code] = (result.refusals[code] ?? 0) + 1);

/** A fresh cartridge of this station, or (REUSE_SHARE of the time) the first cartridge of another station. */
function cartridgeFor(session: number): number {
  const fresh = 1_000_000 + options.station * 10_000 + session;
  if (random() >= REUSE_SHARE || options.stations < 2) return fresh;
  const other = (options.station + 1 + Math.floor(random() * (options.stations - 1))) % options.stations;
  return 1_000_000 + other * 10_000;
}

/** One session attempt on a random client: claim, rules, passes (one attempt past the limit per area), end. */
function attempt(session: number): void {
  const clientId = `client-${Math.floor(random() * options.clients)}`;
  const cartridgeId = cartridgeFor(session);
  const records = new StoreSessionRecords(store, nowMs);
  const request = { clientId, mode: 'home' as const, isPatchTest: false, plan: PLAN, cartridgeId, penSerialNumber: 1 };
  const outcome = records.claim(request);
  if (!outcome.ok) {
    refuse(outcome.reason);
    virtualMs += REFUSED_MS;
    return;
  }
  const { sessionId } = outcome.claim;
  const facts = records.admissionFacts(sessionId, cartridgeId);
  const decision = stationAdmission(facts, AREAS, cartridgeId);
  if (!decision.allowed) {
    for (const code of new Set(decision.refusals.map((refusal) => refusal.reason))) refuse(code);
    store.endSession(sessionId, 'refused');
    store.releaseClient(clientId);
    virtualMs += REFUSED_MS;
    return;
  }
  let opened = 0;
  areas: for (const area of AREAS) {
    for (let pass = 1; pass <= PASS_LIMIT + 1; pass++) {
      const startedMs = performance.now();
      try {
        // NOTE: as the wiring reserves a pass: the event's audit row and the pass in one transaction.
        store.batch(null, () => {
          store.audit('event', { type: 'PASS_REQUESTED', area }, sessionId);
          store.openPass(sessionId, area);
        });
        result.reservationMs.push(performance.now() - startedMs);
        opened++;
        virtualMs += PASS_MS;
      } catch (error) {
        if (!(error instanceof StoreError)) throw error;
        refuse(error.code);
        virtualMs += 1000;
        if (error.code === 'CARTRIDGE_REUSED') break areas;
        break;
      }
    }
  }
  store.endSession(sessionId, opened > 0 ? 'completed' : 'refused');
  store.releaseClient(clientId);
  if (opened > 0) result.sessions++;
  result.passesOpened += opened;
}

function run(): void {
  const startedMs = performance.now();
  for (let session = 0; virtualMs < options.virtualMs; session++) {
    try {
      attempt(session);
    } catch (error) {
      result.errors.push(String(error instanceof Error ? error.message : error));
      virtualMs += REFUSED_MS;
    }
  }
  result.wallMs = performance.now() - startedMs;
  store.close();
  process.stdout.write(`STATION_RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

// NOTE: the station is ready once its store is open; the parent says go to all stations at once.
process.stdout.write('READY\n');
createInterface({ input: process.stdin }).once('line', run);
