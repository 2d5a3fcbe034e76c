// One audit channel: for every outcome, the printed summary, the JSON summary and the SQLite record agree, in causal order.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PenSimulation } from '../../sim/index.js';
import { clearScreening } from '../../src/policy/index.js';
import { openStore, type AuditEntry, type Store } from '../../src/store/index.js';
import type { SimulatedOperator } from '../../src/wiring/sim-session.js';
import { StoreSessionRecords } from '../../src/wiring/store-records.js';
import { formatSummary, type SessionSummary } from '../../src/wiring/summary.js';
import { tempDir } from '../support/cli.js';
import { afterEachPenStep, midPassOperator, plan, simulate } from '../support/session-fixtures.js';

const T0 = Date.parse('2026-06-01T10:00:00Z');
const DAY_MS = 24 * 3600 * 1000;
const PLAN = plan({
  mode: 'home',
  areas: [
    { area: 'forehead', depthMm: 0.25, passes: 2 },
    { area: 'chin', depthMm: 0.2, passes: 2 },
  ],
});

function freshStore(): Store {
  const store = openStore(join(tempDir('mnpen-agree-'), 'mnpen.db'), { nowMs: () => T0 });
  store.upsertClient({ clientId: 'c1', birthYear: 1990, screening: clearScreening(1990, T0 - 3600_000) });
  store.recordPatchTest('c1', T0 - 3 * DAY_MS, 'jawline');
  return store;
}

/** An operator that touches the skin once the drive runs, then sends `input` during the pass. */
function interrupting(input: 'STOP' | 'ESTOP'): SimulatedOperator {
  return midPassOperator('forehead', (runner) => runner.operator({ type: input }));
}

async function runWith(options: {
  seed: number;
  operator?: SimulatedOperator;
  batteryPercent?: number;
  prepare?: (simulation: PenSimulation) => void;
}): Promise<{ summary: SessionSummary; store: Store }> {
  const store = freshStore();
  let virtualMs = (): number => 0;
  const records = new StoreSessionRecords(store, () => T0 + virtualMs());
  const { summary } = await simulate(PLAN, {
    seed: options.seed,
    records,
    ...(options.operator === undefined ? {} : { operator: options.operator }),
    pen: options.batteryPercent === undefined ? {} : { batteryPercent: options.batteryPercent },
    prepare: (simulation) => {
      const base = simulation.clock.nowMs();
      virtualMs = () => simulation.clock.nowMs() - base;
      options.prepare?.(simulation);
    },
  });
  return { summary, store };
}

/** The audit rows of a session: every row names its cause, causes only move forward, nothing is recorded after the end. */
function expectCausalOrder(rows: readonly AuditEntry[]): void {
  let currentEventId = 0;
  for (const row of rows) {
    const detail = row.detail as { eventId?: number; causeEventId?: number };
    if (row.kind === 'event') {
      expect(detail.eventId).toBeGreaterThan(currentEventId);
      currentEventId = detail.eventId!;
    }
    if (detail.causeEventId !== undefined) expect(detail.causeEventId).toBe(currentEventId);
  }
  const endedAt = rows.findIndex((row) => row.kind === 'session.ended');
  expect(endedAt).toBeGreaterThan(0);
  const recordKinds = /^(pass\.|fault\.|refusal\.|area\.|session\.)/;
  expect(rows.slice(endedAt + 1).filter((row) => recordKinds.test(row.kind))).toEqual([]);
}

function expectAgreement(summary: SessionSummary, store: Store): AuditEntry[] {
  const printed = formatSummary(summary);
  const json = JSON.parse(JSON.stringify(summary)) as SessionSummary;
  expect(printed).toContain(`mnpen session: ${summary.outcome.toUpperCase()}`);
  if (summary.outcomeReason !== null) expect(printed).toContain(`(${summary.outcomeReason})`);
  const record = store.history('c1').find((session) => session.sessionId === summary.sessionId)!;
  expect(record.outcome).toBe(json.outcome);
  expect(record.areas.map((area) => [area.area, area.passes, area.strokes, area.punctures, area.lockReason])).toEqual(
    json.areas.map((area) => [area.area, area.passes, area.strokes, area.punctures, area.lockReason]),
  );
  expect(record.refusals.map((refusal) => refusal.reason)).toEqual(json.refusals.map((refusal) => refusal.reason));
  expect(record.faults.length).toBe(json.faults.length);
  for (const refusal of json.refusals) expect(printed).toContain(`[${refusal.reason}]`);
  for (const fault of json.faults) expect(printed).toContain(`[${fault.reason}]`);
  const rows = store.auditLog({ sessionId: summary.sessionId! });
  expectCausalOrder(rows);
  const ended = rows.find((row) => row.kind === 'sessionEnded')!.detail as { outcome: string; reason: string | null };
  expect(ended).toMatchObject({ outcome: summary.outcome, reason: summary.outcomeReason });
  return rows;
}

describe('one audit channel, every outcome (SQLite records)', () => {
  it('S5 S8 S16: completed: the summary, the JSON and the record agree in causal order', async () => {
    const { summary, store } = await runWith({ seed: 61 });
    expect(summary).toMatchObject({ outcome: 'completed', outcomeReason: 'PLAN_COMPLETE' });
    const rows = expectAgreement(summary, store);
    expect(rows.filter((row) => row.kind === 'pass.opened').length).toBeGreaterThanOrEqual(4);
  });

  it('S19 S8: refused: the admission refusal is the recorded outcome, with the same reasons as printed', async () => {
    const { summary, store } = await runWith({ seed: 62, batteryPercent: 10 });
    expect(summary).toMatchObject({ outcome: 'refused', outcomeReason: 'BATTERY_TOO_LOW' });
    const rows = expectAgreement(summary, store);
    expect(
      rows.some((row) => row.kind === 'stopNeedles' || row.kind === 'pass.opened' || row.kind === 'aftercare'),
    ).toBe(false);
  });

  it('S13 S8: fault: the pen fault is recorded after its event, with the STOP it caused before any record row', async () => {
    const { summary, store } = await runWith({
      seed: 63,
      prepare: (simulation) => {
        let injected = false;
        afterEachPenStep(simulation, () => {
          const hardware = simulation.pen.hardware;
          if (!injected && hardware.motor.commandHz > 0 && hardware.skin.isInContact) {
            injected = true;
            simulation.faults.overCurrent();
          }
        });
      },
    });
    expect(summary.outcome).toBe('fault');
    const rows = expectAgreement(summary, store);
    // Skin was treated before the fault: the aftercare is recorded (and shown) all the same.
    expect(rows.some((row) => row.kind === 'aftercare')).toBe(true);
    const faultEvent = rows.findIndex(
      (row) => row.kind === 'event' && ['PEN_FAULT', 'TELEMETRY'].includes((row.detail as { type: string }).type),
    );
    expect(rows[faultEvent + 1]!.kind).toBe('stopNeedles');
    expect(rows.slice(faultEvent).some((row) => row.kind === 'fault.recorded')).toBe(true);
  });

  it('S8: aborted: an operator STOP mid-pass is the recorded outcome, the open pass closed', async () => {
    const { summary, store } = await runWith({ seed: 64, operator: interrupting('STOP') });
    expect(summary).toMatchObject({ outcome: 'aborted', outcomeReason: 'OPERATOR_STOP' });
    const rows = expectAgreement(summary, store);
    expect(rows.filter((row) => row.kind === 'pass.closed').length).toBeGreaterThanOrEqual(1);
  });

  it('S13 S8: emergency stop: ESTOP mid-pass is the recorded outcome', async () => {
    const { summary, store } = await runWith({ seed: 65, operator: interrupting('ESTOP') });
    expect(summary).toMatchObject({ outcome: 'emergencyStop', outcomeReason: 'EMERGENCY_STOP' });
    const rows = expectAgreement(summary, store);
    expect(rows.some((row) => row.kind === 'emergencyStop')).toBe(true);
  });
});
