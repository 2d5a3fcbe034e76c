// S16 S5 S8: PostgreSQL stopped (pg_ctl stop -m immediate) mid-session on the simulated pen: no new pass, needles stopped RECORDS_UNAVAILABLE, nothing acknowledged lost, the session resumes.
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import type { PenSimulation } from '../../sim/index.js';
import { clearScreening } from '../../src/policy/index.js';
import { decodeFrame, MAX_FRAME_BYTES, SlipStreamDecoder } from '../../src/protocol/index.js';
import { openRecords, StoreError, type Store } from '../../src/store/index.js';
import type { RecordBatch, SessionRecords } from '../../src/wiring/records.js';
import { StoreSessionRecords } from '../../src/wiring/store-records.js';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.js';
import { afterEachPenStep, midPassOperator, plan, simulate } from '../support/session-fixtures.js';
import { describeWithPrograms } from '../support/system-programs.js';

const T0 = Date.parse('2026-06-01T10:00:00Z');
const DAY_MS = 24 * 3600 * 1000;
/** The bound of one request to the server, ms: the product's default (a shorter one times out spuriously on a loaded test machine). */
const TIMEOUT_MS = 2000;
const PASS_LIMIT = 3;
const CARTRIDGE = { id: 4242, needleCount: 12 };
const PLAN = plan({
  mode: 'home',
  areas: [
    { area: 'forehead', depthMm: 0.25, passes: PASS_LIMIT },
    { area: 'chin', depthMm: 0.2, passes: PASS_LIMIT },
  ],
});

/** What happened, in real time (performance.now()): store writes, frames to the pen, the server stop. */
type Step =
  | { what: 'write'; cause: string; startMs: number; endMs: number; ok: boolean; passes: string[]; code?: string }
  | { what: 'frame'; name: string; atMs: number }
  | { what: 'serverStopped'; atMs: number };

/** SessionRecords on a store, timing every write; `afterWrite` runs once a batch is durable. */
class TimedRecords implements SessionRecords {
  readonly steps: Step[] = [];
  readonly acknowledged: string[] = [];
  private readonly inner: StoreSessionRecords;

  constructor(
    store: Store,
    nowMs: () => number,
    private readonly afterWrite: (records: TimedRecords) => void = () => {},
  ) {
    this.inner = new StoreSessionRecords(store, nowMs);
  }

  claim(request: Parameters<SessionRecords['claim']>[0]) {
    return this.inner.claim(request);
  }

  admissionFacts(sessionId: number, cartridgeId: number | null) {
    return this.inner.admissionFacts(sessionId, cartridgeId);
  }

  write(batch: RecordBatch): void {
    const passes = batch.effects.flatMap((effect) =>
      effect.type === 'reservePass' ? [`${effect.area}#${effect.passNumber}`] : [],
    );
    const startMs = performance.now();
    try {
      this.inner.write(batch);
    } catch (error) {
      const code = error instanceof StoreError ? error.code : String(error);
      this.steps.push({
        what: 'write',
        cause: batch.cause.type,
        startMs,
        endMs: performance.now(),
        ok: false,
        passes,
        code,
      });
      throw error;
    }
    this.steps.push({ what: 'write', cause: batch.cause.type, startMs, endMs: performance.now(), ok: true, passes });
    // NOTE: the batch is durable: its passes are acknowledged (the runner answers PASS_RESERVED only now).
    this.acknowledged.push(...passes);
    this.afterWrite(this);
  }
}

/** Logs every frame the controller sends to the pen, with the real time it went on the wire. */
function tapFrames(simulation: PenSimulation, steps: Step[]): void {
  const decoder = new SlipStreamDecoder(MAX_FRAME_BYTES, (frame) => {
    const decoded = decodeFrame(frame);
    if (decoded.ok) steps.push({ what: 'frame', name: decoded.message.name, atMs: performance.now() });
  });
  const send = simulation.link.send.bind(simulation.link);
  simulation.link.send = (direction, bytes, nowMs) => {
    if (direction === 'toPen') decoder.push(bytes);
    send(direction, bytes, nowMs);
  };
}

describeWithPrograms(['postgres'], 'PostgreSQL stopped mid-session', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(() => cluster.remove());

  /** A database with client c1 screened an hour before T0 and patch-tested three days before. */
  function freshDatabase(): string {
    const url = cluster.createDatabase();
    const store = openRecords(url, { nowMs: () => T0 });
    store.upsertClient({ clientId: 'c1', birthYear: 1990, screening: clearScreening(1990, T0 - 3600_000) });
    store.recordPatchTest('c1', T0 - 3 * DAY_MS, 'jawline');
    store.close();
    return url;
  }

  it('S16 S5 S8: stopped after the 2nd acknowledged pass: RECORDS_UNAVAILABLE stops the needles, no pass opens after it, every acknowledged pass is on the restarted server, and the next run resumes the session', async () => {
    const url = freshDatabase();
    let virtualMs = (): number => 0;
    const store = openRecords(url, { nowMs: () => T0 + virtualMs(), timeoutMs: TIMEOUT_MS });
    let stoppedAtMs = Number.POSITIVE_INFINITY;
    let driveAfterStop = 0;
    const records = new TimedRecords(
      store,
      () => T0 + virtualMs(),
      (self) => {
        if (self.acknowledged.length === 2 && stoppedAtMs === Number.POSITIVE_INFINITY) {
          cluster.stopServer('immediate');
          stoppedAtMs = performance.now();
          self.steps.push({ what: 'serverStopped', atMs: stoppedAtMs });
        }
      },
    );
    let simulation: PenSimulation | undefined;
    onTestFinished(() => cluster.ensureRunning());
    const { summary } = await simulate(PLAN, {
      seed: 71,
      records,
      pen: { cartridge: CARTRIDGE },
      prepare: (sim) => {
        simulation = sim;
        const base = sim.clock.nowMs();
        virtualMs = () => sim.clock.nowMs() - base;
        tapFrames(sim, records.steps);
        let stopSeen = false;
        afterEachPenStep(sim, () => {
          stopSeen ||= records.steps.some((step) => step.what === 'frame' && step.name === 'STOP');
          if (stopSeen && sim.pen.hardware.motor.commandHz > 0) driveAfterStop++;
        });
      },
    });
    // NOTE: the server is down: the claim's release cannot be written; closing retires it (stale from now on).
    store.close();
    expect(simulation).toBeDefined();
    const steps = records.steps;
    const failed = steps.findIndex((step) => step.what === 'write' && !step.ok);
    const stopFrame = steps.findIndex((step, index) => index > failed && step.what === 'frame' && step.name === 'STOP');
    const failure = steps[failed] as Extract<Step, { what: 'write' }>;
    console.log(
      `server stopped after ${records.acknowledged.join(', ')} acknowledged; the next write (${failure.cause}) failed ${String(failure.code)} after ${Math.round(failure.endMs - failure.startMs)} ms; ` +
        `STOP on the wire ${(((steps[stopFrame] as { atMs: number }).atMs ?? 0) - failure.endMs).toFixed(1)} ms after the failure; outcome ${summary.outcome} (${String(summary.outcomeReason)})`,
    );
    expect(summary).toMatchObject({ outcome: 'fault', outcomeReason: 'RECORDS_UNAVAILABLE' });
    expect(failed).toBeGreaterThan(0);
    // NOTE: a stopped server refuses the connection: the store knows at once, within the bound.
    expect(failure.code).toBe('RECORDS_UNAVAILABLE');
    expect(failure.endMs - failure.startMs).toBeLessThan(TIMEOUT_MS * 1.5);
    // The needles are stopped: a STOP follows the failure, with no other store call between them.
    expect(stopFrame).toBeGreaterThan(failed);
    expect(steps.slice(failed + 1, stopFrame).filter((step) => step.what === 'write')).toEqual([]);
    expect(driveAfterStop).toBe(0);
    // No new pass: nothing written after the stop succeeded, and no pass beyond the acknowledged two was answered.
    expect(steps.filter((step) => step.what === 'write' && step.ok && step.endMs > stoppedAtMs)).toEqual([]);
    expect(records.acknowledged).toHaveLength(2);
    expect(summary.areas.reduce((sum, area) => sum + area.passes, 0)).toBeLessThanOrEqual(3);

    cluster.startServer();
    const after = openRecords(url, { nowMs: () => T0 + 10 * 60_000 });
    const session = after.history('c1').find((record) => !record.isPatchTest)!;
    const onServer = after.passes(session.sessionId).map((pass) => `${pass.area}#${pass.passNumber}`);
    expect(onServer).toEqual(expect.arrayContaining(records.acknowledged));
    // The pass whose reservation failed is not on the server either: only the acknowledged ones are.
    expect(onServer).toHaveLength(records.acknowledged.length);
    expect(session.endedAtMs).toBeNull();
    expect(after.verify().ok).toBe(true);

    // A new run 10 minutes later, same pen and cartridge: the existing resume rules continue the session.
    let resumedVirtualMs = (): number => 0;
    const resumedRecords = new StoreSessionRecords(after, () => T0 + 10 * 60_000 + resumedVirtualMs());
    const resumed = await simulate(PLAN, {
      seed: 72,
      records: resumedRecords,
      pen: { cartridge: CARTRIDGE },
      prepare: (sim) => {
        const base = sim.clock.nowMs();
        resumedVirtualMs = () => sim.clock.nowMs() - base;
      },
    });
    const sessions = after.history('c1').filter((record) => !record.isPatchTest);
    const perArea = after.openedPassesByArea(session.sessionId);
    console.log(
      `resumed: outcome ${resumed.summary.outcome}, ${sessions.length} treatment session(s), passes per area ${JSON.stringify(perArea)} (limit ${PASS_LIMIT}), ` +
        `chain ${after.verify().ok ? 'intact' : 'BROKEN'}`,
    );
    expect(resumed.summary.refusals).toEqual([]);
    expect(resumed.summary.outcome).toBe('completed');
    expect(resumed.summary.sessionId).toBe(session.sessionId);
    expect(sessions).toHaveLength(1);
    expect(perArea).toEqual({ forehead: PASS_LIMIT, chin: PASS_LIMIT });
    expect(after.verify().ok).toBe(true);
    after.close();
  }, 60_000);

  it.each(['stopped', 'hung'] as const)(
    'S8 S13: the STOP path never waits on the database: an operator STOP with the server %s is on the wire before the store call that fails',
    async (fault) => {
      const url = freshDatabase();
      let virtualMs = (): number => 0;
      const store = openRecords(url, { nowMs: () => T0 + virtualMs(), timeoutMs: TIMEOUT_MS });
      const records = new TimedRecords(store, () => T0 + virtualMs());
      let thaw = null as (() => void) | null;
      onTestFinished(() => {
        thaw?.();
        cluster.ensureRunning();
      });
      let stopAtVirtualMs = Number.NaN;
      let safeAtVirtualMs = Number.NaN;
      const operator = midPassOperator('forehead', (runner, simulation) => {
        if (fault === 'stopped') cluster.stopServer('immediate');
        else thaw = cluster.freeze();
        records.steps.push({ what: 'serverStopped', atMs: performance.now() });
        stopAtVirtualMs = simulation.clock.nowMs();
        runner.operator({ type: 'STOP' });
      });
      const { summary } = await simulate(PLAN, {
        seed: 73,
        records,
        operator,
        pen: { cartridge: CARTRIDGE },
        prepare: (sim) => {
          const base = sim.clock.nowMs();
          virtualMs = () => sim.clock.nowMs() - base;
          tapFrames(sim, records.steps);
          afterEachPenStep(sim, () => {
            if (
              !Number.isNaN(stopAtVirtualMs) &&
              Number.isNaN(safeAtVirtualMs) &&
              sim.pen.hardware.motor.commandHz === 0
            )
              safeAtVirtualMs = sim.clock.nowMs();
          });
        },
      });
      thaw?.();
      thaw = null;
      try {
        store.close();
      } catch {
        // NOTE: the server is down.
      }
      cluster.ensureRunning();
      const steps = records.steps;
      const stopped = steps.findIndex((step) => step.what === 'serverStopped');
      const stopFrame = steps.findIndex(
        (step, index) => index > stopped && step.what === 'frame' && step.name === 'STOP',
      );
      const failed = steps.findIndex((step) => step.what === 'write' && !step.ok);
      const frame = steps[stopFrame] as Extract<Step, { what: 'frame' }>;
      const failure = steps[failed] as Extract<Step, { what: 'write' }>;
      console.log(
        `operator STOP with the server ${fault}: STOP on the wire ${(failure.startMs - frame.atMs).toFixed(2)} ms before the store call began, ` +
          `which failed ${Math.round(failure.endMs - failure.startMs)} ms later; drive off ${safeAtVirtualMs - stopAtVirtualMs} ms (virtual) after the STOP; ` +
          `outcome ${summary.outcome} (${String(summary.outcomeReason)})`,
      );
      expect(stopFrame).toBeGreaterThan(stopped);
      expect(failed).toBeGreaterThan(stopFrame);
      expect(frame.atMs).toBeLessThanOrEqual(failure.startMs);
      expect(failure.code).toBe('RECORDS_UNAVAILABLE');
      if (fault === 'hung') expect(failure.endMs - failure.startMs).toBeGreaterThanOrEqual(TIMEOUT_MS * 0.9);
      expect(safeAtVirtualMs - stopAtVirtualMs).toBeGreaterThanOrEqual(0);
      expect(['aborted', 'fault']).toContain(summary.outcome);
    },
    60_000,
  );
});
