// Controller mode's cost: a whole scripted home session as fast as possible, with the desk and a page attached versus the same session path without (same run, alternating).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { SimulationPace } from '../sim/pace.js';
import type { PenSimulation } from '../sim/index.js';
import { ControllerDesk } from '../src/desktop/controller-desk.js';
import { packageRoot } from '../src/desktop/page-assets.js';
import { checkedPlan, runSessionRequest, type SessionRequest } from '../src/wiring/session-request.js';
import { tempDir } from '../test/support/cli.js';
import { TEST_ASSETS } from '../test/support/desk-server.js';

export interface DeskControllerOptions {
  /** Attached and detached sessions, alternating (detached first). */
  readonly pairs: number;
}

export interface DeskControllerRun {
  /** Virtual ms per wall ms of each session with the desk attached (its feed, flushes, a websocket page receiving every report). */
  readonly attachedSpeedFactors: readonly number[];
  /** The same through `runSessionRequest` at the same pace (`max`), no desk. */
  readonly detachedSpeedFactors: readonly number[];
  /** Reports the page received per attached session, and per virtual second. */
  readonly reportsPerSession: readonly number[];
  readonly reportsPerVirtualSecond: readonly number[];
}

const PLAN_PATH = 'examples/home-full-face.json';

function request(dbPath: string): Omit<SessionRequest, 'pen'> {
  const json = JSON.parse(readFileSync(join(packageRoot(), PLAN_PATH), 'utf8')) as unknown;
  return { plan: { json, source: PLAN_PATH }, patchTest: false, dbPath };
}

/** The session path alone: the CLI's request with the scripted hand at the desk's fastest pace. */
async function detached(seed: number, dbPath: string): Promise<number> {
  const seen: { simulation: PenSimulation | null; startMs: number } = { simulation: null, startMs: 0 };
  const startedAt = performance.now();
  const report = await runSessionRequest({
    ...request(dbPath),
    pen: {
      kind: 'sim',
      seed,
      drive: {
        pace: new SimulationPace('max'),
        attach: (_runner, created) => {
          seen.simulation = created;
          seen.startMs = created.nowMs;
        },
      },
    },
  });
  const wallMs = performance.now() - startedAt;
  if (report.summary.outcome !== 'completed') throw new Error(`detached session ended ${report.summary.outcome}`);
  return ((seen.simulation?.nowMs ?? 0) - seen.startMs) / wallMs;
}

/** The same session started by a websocket page on a fresh controller desk; timed from the request to the page's end report. */
async function attached(seed: number, dbPath: string): Promise<{ factor: number; reports: number; virtualMs: number }> {
  const base = request(dbPath);
  const desk = await ControllerDesk.start({ request: base, plan: checkedPlan(base), seed, assets: TEST_ASSETS });
  try {
    const server = desk.deskServer;
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    let reports = 0;
    let startedAt = 0;
    const ended = new Promise<number>((resolve, reject) => {
      socket.on('message', (data) => {
        reports++;
        const message = JSON.parse(String(data)) as { type: string; outcome?: string };
        if (message.type === 'welcome') {
          startedAt = performance.now();
          socket.send(JSON.stringify({ type: 'start', operator: 'scripted', speed: 'max' }));
        }
        if (message.type !== 'end') return;
        if (message.outcome !== 'completed') reject(new Error(`attached session ended ${message.outcome}`));
        else resolve(performance.now() - startedAt);
      });
      socket.on('error', reject);
    });
    const wallMs = await ended;
    socket.close();
    // The desk's pen clock starts 1 s after desk time 0 (its first session).
    const virtualMs = (desk.current.pen?.nowMs ?? 0) - 1000;
    return { factor: virtualMs / wallMs, reports, virtualMs };
  } finally {
    await desk.stop();
  }
}

/** Alternates detached and attached sessions with the same seed (the same scripted work); one untimed pair first. */
export async function measureDeskController(options: DeskControllerOptions): Promise<DeskControllerRun> {
  // NOTE: a database per session: a fast session's records run ahead of the wall clock (the next one would be refused).
  const dir = tempDir('mnpen-perf-desk-');
  let sessions = 0;
  const freshDb = (): string => join(dir, `session-${++sessions}`, 'mnpen.db');
  await detached(1, freshDb());
  await attached(1, freshDb());
  const run = {
    attachedSpeedFactors: [] as number[],
    detachedSpeedFactors: [] as number[],
    reportsPerSession: [] as number[],
    reportsPerVirtualSecond: [] as number[],
  };
  for (let pair = 0; pair < options.pairs; pair++) {
    const seed = 11 + pair;
    run.detachedSpeedFactors.push(await detached(seed, freshDb()));
    const measured = await attached(seed, freshDb());
    run.attachedSpeedFactors.push(measured.factor);
    run.reportsPerSession.push(measured.reports);
    run.reportsPerVirtualSecond.push(measured.reports / (measured.virtualMs / 1000));
  }
  return run;
}
