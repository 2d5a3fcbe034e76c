// Startup probe: boots the simulated pen and the real controller, prints READY once the machine is connected.idle.
import { PenSimulation } from '../sim/index.js';
import { parsePlan } from '../src/policy/index.js';
import { Sku } from '../src/protocol/index.js';
import { ControllerSession } from '../src/wiring/controller-session.js';
import { openPenPort } from '../src/wiring/open-port.js';

/** Line prefix the parent waits for. */
const READY_PREFIX = 'READY ';

async function main(): Promise<void> {
  const loadedMs = performance.now();
  const parsed = parsePlan({ mode: 'home', areas: [{ area: 'forehead', depthMm: 0.25, passes: 4 }] });
  if (!parsed.ok) throw new Error('startup plan refused');
  const simulation = PenSimulation.create({ seed: 1, sku: Sku.HOME });
  const session = new ControllerSession(
    { plan: parsed.plan, mode: 'home' },
    { clock: simulation.clock, openPort: () => openPenPort({ kind: 'sim', simulation }) },
  );
  await simulation.advance(1000);
  session.start();
  const ready = await simulation.runUntil(() => session.actor.getSnapshot().matches({ connected: 'idle' }), 5000);
  if (!ready) throw new Error('the controller did not reach connected.idle');
  process.stdout.write(`${READY_PREFIX}${performance.now().toFixed(2)} loaded ${loadedMs.toFixed(2)}\n`);
  session.shutdown();
  await simulation.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
