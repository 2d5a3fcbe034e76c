// Simulation speed: virtual seconds per wall second for a full professional session on the simulated pen.
import { readFileSync } from 'node:fs';
import { PenSimulation } from '../sim/index.js';
import { parsePlan, type Plan } from '../src/policy/index.js';
import { Sku } from '../src/protocol/index.js';
import { runSimulatedSession } from '../src/wiring/sim-session.js';
import { MemoryRecords } from '../test/support/memory-records.js';
import { presentedCredential } from '../test/support/presented-tokens.js';

/** The professional plan the benchmark runs: several areas, 6 passes each. */
export const PRO_PLAN_PATH = new URL('./plans/pro-six-passes.json', import.meta.url);

/** Reads and validates the bench plan. Throws Error naming the fields when it is refused. */
export function loadProPlan(): Plan {
  const parsed = parsePlan(JSON.parse(readFileSync(PRO_PLAN_PATH, 'utf8')) as unknown);
  if (!parsed.ok)
    throw new Error(`bench plan refused: ${parsed.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return parsed.plan;
}

export interface SimSessionRun {
  /** Virtual ms of the whole run (pen boot, connect, session, wind-down) per wall ms. */
  readonly simSpeedFactor: number;
  /**
   * Virtual ms per ms of this process's CPU time (process.cpuUsage, user + system) over the same
   * run: the figure that holds on a shared, loaded host, where wall time also counts other processes.
   */
  readonly simCpuSpeedFactor: number;
  readonly virtualMs: number;
  readonly wallMs: number;
  readonly passes: number;
  readonly areas: number;
}

/**
 * Runs one professional session (unlock, every plan area, 6 passes each) on the simulated pen and
 * times it. Throws Error when the session does not complete with every pass done, so a fast but
 * broken simulation cannot pass for a fast one.
 */
export async function measureSimSession(plan: Plan, seed: number): Promise<SimSessionRun> {
  const startMs = performance.now();
  const cpuStart = process.cpuUsage();
  const simulation = PenSimulation.create({ seed, sku: Sku.PRO });
  const result = await runSimulatedSession({
    input: {
      plan,
      mode: 'pro',
      areaOrder: 'operator',
      clientId: 'bench-client',
      isPatchTest: false,
      credential: presentedCredential(),
    },
    simulation,
    records: new MemoryRecords({ keepBatches: false }),
    operator: { kind: 'scripted', seed },
  });
  const wallMs = performance.now() - startMs;
  const cpu = process.cpuUsage(cpuStart);
  const { summary } = result;
  const passes = summary.areas.reduce((sum, area) => sum + area.passes, 0);
  const expected = plan.areas.reduce((sum, area) => sum + area.passes, 0);
  if (summary.outcome !== 'completed' || passes !== expected) {
    throw new Error(
      `bench session ended ${summary.outcome} (${summary.outcomeReason}) with ${passes}/${expected} passes`,
    );
  }
  return {
    simSpeedFactor: simulation.nowMs / wallMs,
    simCpuSpeedFactor: simulation.nowMs / ((cpu.user + cpu.system) / 1000),
    virtualMs: simulation.nowMs,
    wallMs,
    passes,
    areas: summary.areas.length,
  };
}

export interface SimSpeedRuns {
  /** The first session of a fresh process (cold JIT): what one `mnpen session --sim` sees. */
  readonly cold: SimSessionRun;
  /** The following sessions in the same process. */
  readonly warm: readonly SimSessionRun[];
}

/** One cold session then `warmSessions` more, seeds `seed`, `seed + 1`, ... */
export async function measureSimSpeed(warmSessions: number, seed = 1): Promise<SimSpeedRuns> {
  const plan = loadProPlan();
  const cold = await measureSimSession(plan, seed);
  const warm: SimSessionRun[] = [];
  for (let i = 1; i <= warmSessions; i++) warm.push(await measureSimSession(plan, seed + i));
  return { cold, warm };
}
