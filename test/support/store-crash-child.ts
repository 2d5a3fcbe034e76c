// Child process of the crash harness: records passes in a loop (a SQLite path or a postgres:// URL), acknowledging each on stdout after the call returned.
import { openRecords } from '../../src/store/open-records.js';
import type { Store } from '../../src/store/types.js';

const AREAS = ['forehead', 'nose', 'perioral', 'chin', 'jawline', 'cheeks'];
const PASS_LIMIT = 6;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function nextCartridgeId(store: Store): number {
  let cartridgeId = 1;
  while (store.isCartridgeSeen(cartridgeId)) cartridgeId++;
  return cartridgeId;
}

function runSession(store: Store, clientId: string): void {
  const resumable = store.findResumableSession(clientId);
  const sessionId =
    resumable?.sessionId ??
    store.beginSession({
      clientId,
      mode: 'home',
      isPatchTest: false,
      cartridgeId: nextCartridgeId(store),
      areas: AREAS.map((area) => ({ area, depthUm: 250, strokeHz: 100, passLimit: PASS_LIMIT })),
    });
  say(`S ${sessionId}`);
  for (const pass of resumable?.unclosedPasses ?? []) {
    store.closePass(pass.passId, { strokes: 0, punctures: 0 });
    say(`C ${pass.passId} 0`);
  }
  for (const area of AREAS) {
    let opened = store.openedPassesByArea(sessionId)[area] ?? 0;
    while (opened < PASS_LIMIT) {
      const { passId, passNumber } = store.openPass(sessionId, area);
      opened = passNumber;
      say(`O ${passId} ${sessionId} ${area} ${passNumber}`);
      store.markPassContact(passId);
      say(`T ${passId}`);
      const strokes = (passId * 7) % 1000;
      store.closePass(passId, { strokes, punctures: strokes * 12 });
      say(`C ${passId} ${strokes}`);
    }
  }
  store.endSession(sessionId, 'completed');
  say(`E ${sessionId}`);
}

const [dbPath, clientId = 'crash-client', sessionsArg = '1000000'] = process.argv.slice(2);
if (dbPath === undefined) throw new Error('usage: crash-child <db path or postgres:// URL> [client id] [sessions]');
const store = openRecords(dbPath);
if (store.getClient(clientId) === null) store.upsertClient({ clientId, birthYear: 1990 });
say('READY');
for (let index = 0; index < Number(sessionsArg); index++) runSession(store, clientId);
store.close();
