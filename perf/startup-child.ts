// Startup probe: boots the simulated pen and the real controller, prints READY once the machine has started the session.
import { PenSimulation } from '../sim/index.js';
import { parsePlan } from '../src/policy/index.js';
import { Sku } from '../src/protocol/index.js';
import { openPenPort } from '../src/wiring/open-port.js';
import { SessionRunner } from '../src/wiring/session-runner.js';
import { MemoryRecords } from '../test/support/memory-records.js';

/** Line prefix the parent waits for. */
const READY_PREFIX = 'READY ';

async function main(): Promise<void> {
  const loadedMs = performance.now();
  const parsed = parsePlan({ mode: 'home', areas: [{ area: 'forehead', depthMm: 0.25, passes: 4 }] });
  if (!parsed.ok) throw new Error('startup plan refused');
  const simulation = PenSimulation.create({ seed: 1, sku: Sku.HOME });
  const session = new SessionRunner(
    { plan: parsed.plan, mode: 'home', areaOrder: 'operator', clientId: 'startup-client', isPatchTest: false },
    { clock: simulation.clock, openPort: () => openPenPort({ kind: 'sim', simulation }), records: new MemoryRecords() },
  );
  await simulation.advance(1000);
  session.start();
  const ready = await simulation.runUntil(() => session.snapshot.matches({ connected: 'session' }), 5000);
  if (!ready) throw new Error('the controller did not reach connected.session');
  process.stdout.write(`${READY_PREFIX}${performance.now().toFixed(2)} loaded ${loadedMs.toFixed(2)}\n`);
  await session.shutdown();
  await simulation.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
