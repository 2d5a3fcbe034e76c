// The bench end to end on the simulated pen and the emulated fixture board: the library passes, faults fail, records hold.
/* eslint-disable @typescript-eslint/no-explicit-any -- these tests break parsed scenarios one field at a time */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBench, type BenchScenario } from '../../src/bench/run-bench.js';
import { notRunnableReasons } from '../../src/bench/executor/runnable.js';
import { toHtmlReport } from '../../src/bench/records/html-report.js';
import { toJUnitXml } from '../../src/bench/records/junit.js';
import { benchRecordJsonSchema, type BenchRecord } from '../../src/bench/records/record-schema.js';
import {
  libraryFiles,
  loadScenarioFile,
  parseScenario,
  resolveScenario,
  type LoadedScenario,
} from '../../src/bench/scenarios/load-scenario.js';
import type { SimBench } from '../../src/bench/sim-bench.js';
import { openControllerSimBench } from '../../src/wiring/bench-benches.js';
import { describeWithPrograms } from '../support/system-programs.js';
import { credentialClaims, namedKey, trustFileJson, type NamedKey } from '../support/trust-fixtures.js';
import { signToken } from '../../src/trust/index.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const schemaFile = join(ROOT, 'docs/bench-record.schema.json');
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
(addFormats as unknown as (ajv: Ajv) => void)(ajv);
const validateRecord = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);

function expectValidRecord(record: BenchRecord): void {
  const roundTripped = JSON.parse(JSON.stringify(record)) as unknown;
  expect(validateRecord(roundTripped), JSON.stringify(validateRecord.errors)).toBe(true);
}

/** Runs one scenario once; `onBench` sees the bench before it runs (to add a timed disturbance). */
async function runOnce(loaded: BenchScenario, onBench?: (bench: SimBench) => void, seed = 1): Promise<BenchRecord> {
  const records = await runBench({
    scenarios: [loaded],
    seed,
    openBench: async (scenario, runSeed) => {
      const bench = await openControllerSimBench(scenario, runSeed);
      onBench?.(bench);
      return bench;
    },
  });
  return records[0] as BenchRecord;
}

/** A bundled scenario with a change to its parsed form (the record then hashes its canonical JSON). */
function variant(id: string, change: (scenario: Record<string, any>) => void): BenchScenario {
  const { scenario } = resolveScenario(id);
  const copy = structuredClone(scenario) as Record<string, any>;
  change(copy);
  return { scenario: parseScenario(copy, `${id} (variant)`), file: null };
}

const measurementsOf = (record: BenchRecord) => record.phases.flatMap((p) => p.measurements);

let library: BenchRecord[] = [];
let runnable: LoadedScenario[] = [];
beforeAll(async () => {
  runnable = libraryFiles()
    .map(loadScenarioFile)
    .filter((loaded) => notRunnableReasons(loaded.scenario, { target: 'sim', controller: true }).length === 0);
  library = await runBench({ scenarios: runnable, seed: 1, openBench: openControllerSimBench });
}, 120_000);

const recordsOf = (id: string) => library.filter((r) => r.scenario.id === id);
const valueIn = (record: BenchRecord, name: string) =>
  measurementsOf(record).find((m) => m.name === name)?.value as number;

describe('bench library on the simulated target', () => {
  it('S1 S5 S7 S9 S10 S12 S13 S17 S18: every bundled scenario, its repeats included, passes on the simulated pen and the emulated bench', () => {
    expect(runnable.map((l) => l.scenario.id).sort()).toEqual(
      libraryFiles()
        .map((f) => f.replace(/^.*\/|\.yaml$/g, ''))
        .sort(),
    );
    const invariants = new Set(runnable.flatMap((l) => l.scenario.verifies.invariants));
    for (const id of ['S1', 'S5', 'S7', 'S9', 'S10', 'S12', 'S13', 'S17', 'S18']) expect(invariants, id).toContain(id);
    expect(recordsOf('estop-time-to-safe')).toHaveLength(10);
    for (const record of library) {
      const failed = measurementsOf(record).filter((m) => m.outcome === 'FAIL');
      expect(record.outcome, `${record.scenario.id}: ${record.error ?? JSON.stringify(failed)}`).toBe('PASS');
      expect(record.phases.map((p) => p.id)).toEqual([
        'setup',
        ...resolveScenario(record.scenario.id).scenario.phases.map((p) => p.id),
        'teardown',
      ]);
    }
  });

  it('records name the bench, the device, versions, the scenario hash and seed, and validate against docs/bench-record.schema.json', () => {
    const generated = benchRecordJsonSchema();
    expect(JSON.parse(readFileSync(schemaFile, 'utf8'))).toEqual(JSON.parse(JSON.stringify(generated)));
    for (const record of library) {
      expectValidRecord(record);
      const file = resolveScenario(record.scenario.id);
      expect(record.scenario.sha256).toBe(file.sha256);
      expect(record.bench).toMatchObject({
        fixture: 'emulated',
        boardFirmware: 'StandardFirmata.ino 2.5',
        clock: 'virtual',
      });
      const sku = resolveScenario(record.scenario.id).scenario.setup.sku;
      expect(record.deviceUnderTest).toMatchObject({ target: 'sim', sku, firmwareVersion: '1.0.0' });
      expect(record.versions).toMatchObject({ johnnyFive: '2.1.0', firmataIo: '2.3.0' });
    }
    expect(validateRecord({ ...library[0], outcome: 'MAYBE' })).toBe(false);
  });

  it('the gauge calibration finds the emulated gauge (2.44 um/count, zero 21 counts) and reads a 1500 um block within 5 um', () => {
    const record = library.find((r) => r.scenario.id === 'gauge-calibration') as BenchRecord;
    const value = (name: string) => measurementsOf(record).find((m) => m.name === name)?.value as number;
    expect(value('um_per_count')).toBeCloseTo(2.44, 2);
    expect(value('zero_counts')).toBeCloseTo(21, 0);
    expect(Math.abs(value('check_block_um') - 1500)).toBeLessThanOrEqual(5);
    expect(record.bench.calibration.source).toBe('calibrated');
  });

  it('the power-cut record carries its depth series against the 250 um cap', () => {
    const record = library.find((r) => r.scenario.id === 'power-cut') as BenchRecord;
    const [series] = record.series;
    expect(series).toMatchObject({ name: 'gauge_depth', source: 'gauge.depthUm', capUm: 250, faultThresholdUm: 300 });
    expect(series!.points.length).toBeGreaterThan(150);
    const depths = series!.points.flatMap(([, v]) => (v === null ? [] : [v]));
    expect(Math.max(...depths.slice(-50))).toBeLessThan(10);
  });

  it('the same seed gives the same measurements', async () => {
    const again = await runOnce(resolveScenario('power-cut'));
    const first = library.find((r) => r.scenario.id === 'power-cut') as BenchRecord;
    expect(measurementsOf(again).map((m) => m.value)).toEqual(measurementsOf(first).map((m) => m.value));
  });

  it('the status LED is lit while a run is in progress and dark after it', async () => {
    const lit: boolean[] = [];
    let bench: SimBench | undefined;
    await runOnce(resolveScenario('bench-estop'), (b) => {
      bench = b;
      b.simulation.attachPeripheral({ step: (nowMs) => (nowMs % 10 === 0 && lit.push(b.board.rig.isLedOn), false) });
    });
    expect(lit.length).toBeGreaterThan(10);
    expect(lit.slice(1, -1).every(Boolean)).toBe(true);
    expect(bench!.board.rig.isLedOn).toBe(false);
  });

  it('a scenario that needs the controller is reported not runnable on a bench without one, never passed', () => {
    for (const id of ['pass-limit', 'estop-time-to-safe', 'limiter-bypass', 'depth-accuracy']) {
      const reasons = notRunnableReasons(resolveScenario(id).scenario, { target: 'sim', controller: false });
      expect(reasons.join(' '), id).toMatch(/needs the controller.*this bench has none/);
    }
  });

  it('S1 S3: depth accuracy: the gauge follows every 50 um step from 0 to the cap within 10 um (home to 250, pro to 2400)', () => {
    for (const [id, points] of [
      ['depth-accuracy', 6],
      ['depth-accuracy-pro', 49],
    ] as const) {
      const [record] = recordsOf(id);
      const max = measurementsOf(record!).find((m) => m.name === 'max_error_um')!;
      expect(valueIn(record!, 'depths_measured')).toBe(points);
      expect(max.samples).toHaveLength(points);
      expect(max.value as number).toBeLessThan(10);
      expect(valueIn(record!, 'mean_error_um')).toBeLessThan(5);
    }
  });

  it('S10 S13 S17: time to safe: STOP, e-stop and power cut stop the motor within 5 ms, a lapsed lease within 200 ms + 1 tick', () => {
    for (const id of ['stop-time-to-safe', 'estop-time-to-safe', 'power-cut-time-to-safe']) {
      for (const record of recordsOf(id)) expect(valueIn(record, 'time_to_motor_off_ms'), id).toBeLessThanOrEqual(5);
    }
    const lease = recordsOf('lease-lapse-time-to-safe');
    expect(lease).toHaveLength(10);
    for (const record of lease) expect(valueIn(record, 'time_to_motor_off_ms')).toBeLessThanOrEqual(201);
  });

  it('S5: the arm attempts 8 passes on an area planned for 6; the controller counts 6 and completes', () => {
    const [record] = recordsOf('pass-limit');
    expect(valueIn(record!, 'passes_counted')).toBe(6);
    const session = record!.phases.find((p) => p.id === 'session')!;
    expect(session.steps[0]!.detail).toMatch(/^completed; passes: cheeks 6; reasons: PASS_LIMIT_REACHED/);
  });

  it('S9: a pro plan with a valid bench-issued credential reaches 1.0 mm on the gauge; the record names the unlock', () => {
    const [record] = recordsOf('pro-credential-unlock');
    expect(valueIn(record!, 'gauge_max_um')).toBeGreaterThan(980);
    expect(valueIn(record!, 'unlocked_depth_um')).toBe(1500);
    const session = record!.phases.find((p) => p.id === 'session')!;
    expect(session.steps.find((s) => s.do === 'await-session')!.detail).toMatch(
      /^completed; passes: cheeks 2; .*unlocked by Bench Clinician \(bench-clinician\), credential bench-credential-1 of Bench maker \(throwaway, this run\), up to 1500 um$/,
    );
    expect(record!.events).toContainEqual(expect.objectContaining({ event: 'pro-unlocked' }));
  });

  it("S9: a pro plan without a credential, with another pen's or an expired one is refused with its reason; the gauge never past 250 um", () => {
    const [record] = recordsOf('pro-credential-refusals');
    const reasons = {
      missing: 'PRO_CREDENTIAL_MISSING',
      'wrong-pen': 'PRO_CREDENTIAL_WRONG_PEN',
      expired: 'PRO_CREDENTIAL_EXPIRED',
    };
    for (const [phaseId, reason] of Object.entries(reasons)) {
      const phase = record!.phases.find((p) => p.id === phaseId)!;
      const value = (name: string) => phase.measurements.find((m) => m.name === name)!.value;
      expect(value('refusals'), phaseId).toBe(reason);
      expect(value('gauge_max_um') as number, phaseId).toBeLessThanOrEqual(250);
    }
    const gauge = record!.series.find((entry) => entry.name === 'gauge_depth')!;
    const deepest = Math.max(...gauge.points.map(([, um]) => um ?? 0));
    expect(deepest).toBeLessThanOrEqual(250);
    expect(record!.events.filter((e) => e.event === 'session-refused').map((e) => e.detail)).toEqual(
      Object.values(reasons),
    );
  });

  it('S18: the record names the pen the controller connected to and the direct answer it got', () => {
    const [record] = recordsOf('limiter-bypass');
    expect(record!.deviceUnderTest.serialNumber).toEqual(expect.any(Number));
    expect(record!.deviceUnderTest.cartridgeId).toEqual(expect.any(Number));
    expect(measurementsOf(record!).find((m) => m.name === 'answer')!.value).toBe('ACK DEPTH_CLAMPED_TO_SKU_MAX');
  });
});

describe('signed documents named by a scenario', () => {
  /** pro-credential-unlock with its credential and trust file given as files beside the scenario. */
  function withDocuments(trustKeys: readonly NamedKey[], signer: NamedKey, trustText?: string): BenchScenario {
    const dir = mkdtempSync(join(tmpdir(), 'mnpen-bench-docs-'));
    mkdirSync(join(dir, 'documents'));
    const nowS = Math.floor(Date.now() / 1000);
    const claims = credentialClaims(signer.key, { iat: nowS - 86_400, nbf: nowS - 86_400, exp: nowS + 30 * 86_400 });
    writeFileSync(
      join(dir, 'documents', 'ada.jwt'),
      signToken('credential', { ...claims, maxDepthUm: 1500 }, signer.key),
    );
    writeFileSync(join(dir, 'documents', 'trust.json'), trustText ?? JSON.stringify(trustFileJson(trustKeys)));
    const scenario = structuredClone(resolveScenario('pro-credential-unlock').scenario) as Record<string, any>;
    const step = scenario.phases[1].steps[0];
    delete step.credential;
    Object.assign(step, { credential: 'documents/ada.jwt', trust: 'documents/trust.json' });
    const file = join(dir, 'pro-files.json');
    writeFileSync(file, JSON.stringify(scenario));
    return loadScenarioFile(file);
  }

  it('S9: a credential and trust file beside the scenario, read through the session loader, unlock the pro plan', async () => {
    const maker = namedKey('Acme Pens', ['maker']);
    const record = await runOnce(withDocuments([maker], maker));
    expectValidRecord(record);
    expect(record.outcome, record.error ?? '').toBe('PASS');
    const awaited = record.phases[2]!.steps.find((s) => s.do === 'await-session')!;
    expect(awaited.detail).toMatch(
      /unlocked by Dr\. Ada Lovelace \(clin-042\), credential .* of Acme Pens, up to 1500 um$/,
    );
  });

  it('S9: a credential signed by a maker the trust file does not hold is refused (PRO_CREDENTIAL_UNKNOWN_KEY): FAIL, never deeper than 250 um', async () => {
    const record = await runOnce(withDocuments([namedKey('Acme Pens', ['maker'])], namedKey('Rogue', ['maker'])));
    expect(record.outcome).toBe('FAIL');
    const failed = measurementsOf(record)
      .filter((m) => m.outcome === 'FAIL')
      .map((m) => m.name);
    expect(failed).toEqual(['gauge_max_um', 'outcome', 'unlocked', 'unlocked_depth_um', 'passes']);
    expect(valueIn(record, 'gauge_max_um')).toBeLessThanOrEqual(250);
    expect(record.phases[2]!.steps.find((s) => s.do === 'await-session')!.detail).toContain(
      'PRO_CREDENTIAL_UNKNOWN_KEY',
    );
  });

  it('a trust file that is not one is a bench ERROR naming it; nothing is treated', async () => {
    const maker = namedKey('Acme Pens', ['maker']);
    const record = await runOnce(withDocuments([maker], maker, '{"version": 1, "keys": "none"}'));
    expect(record.outcome).toBe('ERROR');
    expect(record.error).toMatch(/--trust: .*trust\.json/);
  });
});

describe('bench runs that do not pass', () => {
  it('S7 S12: a jammed motor (a simulated pen fault) fails stroke-rate-in-session on the rates it measures and the outcome, FAIL not ERROR', async () => {
    const loaded = variant('stroke-rate-in-session', (s) =>
      s.phases[1].steps.splice(2, 0, { do: 'inject-fault', fault: { kind: 'motor-stall' } }),
    );
    const record = await runOnce(loaded);
    expectValidRecord(record);
    expect(record.outcome).toBe('FAIL');
    expect(record.error).toBeNull();
    const session = record.phases.find((p) => p.id === 'session')!;
    expect(session.outcome).toBe('FAIL');
    const failed = session.measurements.filter((m) => m.outcome === 'FAIL');
    expect(failed.map((m) => m.name)).toEqual(['stroke_mean_hz', 'telemetry_stroke_hz', 'outcome']);
    expect(failed[0]).toMatchObject({ limit: 'in 148..151 Hz' });
    expect(failed[0]!.value as number).toBeLessThan(50);
    expect(failed[2]!.value).toBe('fault');
    expect(record.phases.find((p) => p.id === 'teardown')!.outcome).toBe('PASS');
    expect(toJUnitXml([record])).toContain(
      '<failure message="3 measurement(s) out of limits: stroke_mean_hz, telemetry_stroke_hz, outcome" type="FAIL">',
    );
  });

  it('S17: a welded relay (simulated bench fault) fails power-cut on the measurements it breaks, FAIL not ERROR', async () => {
    const loaded = variant('power-cut', (s) =>
      s.phases[1].steps.unshift({ do: 'inject-fault', fault: { kind: 'relay-welded' } }),
    );
    const record = await runOnce(loaded);
    expectValidRecord(record);
    expect(record.outcome).toBe('FAIL');
    expect(record.error).toBeNull();
    const cut = record.phases.find((p) => p.id === 'cut')!;
    expect(cut.outcome).toBe('FAIL');
    const failed = cut.measurements.filter((m) => m.outcome === 'FAIL');
    expect(failed.map((m) => m.name)).toEqual(['time_to_unpowered_ms', 'supply_after_cut_mv']);
    expect(failed[0]).toMatchObject({ value: null, limit: '<= 10 ms (marginal above 5)' });
    expect(failed[1]!.value).toBeGreaterThan(3300);
    expect(record.phases.find((p) => p.id === 'restore')!.outcome).toBe('PASS');
    expect(record.events.map((e) => e.event)).toContain('fault-injected');
    const junit = toJUnitXml([record]);
    expect(junit).toContain(
      '<failure message="2 measurement(s) out of limits: time_to_unpowered_ms, supply_after_cut_mv" type="FAIL">',
    );
  });

  it('a stuck arm servo fails contact-arm on press_to_contact_ms (the pen never senses skin)', async () => {
    const loaded = variant('contact-arm', (s) =>
      s.phases[0].steps.unshift({ do: 'inject-fault', fault: { kind: 'servo-stuck' } }),
    );
    const record = await runOnce(loaded);
    expect(record.outcome).toBe('FAIL');
    const failed = measurementsOf(record)
      .filter((m) => m.outcome === 'FAIL')
      .map((m) => m.name);
    expect(failed).toEqual(['press_to_contact_ms', 'contact_held']);
  });

  it('an e-stop press no step expects aborts the run: ABORTED, the rest skipped, the bench left safe', async () => {
    let bench: SimBench | undefined;
    const record = await runOnce(resolveScenario('contact-arm'), (b) => {
      bench = b;
      b.simulation.attachPeripheral({
        step: (nowMs) => (nowMs === 700 && b.board.rig.setEstopPressed(true), false),
      });
    });
    expectValidRecord(record);
    expect(record.outcome).toBe('ABORTED');
    expect(record.error).toMatch(/bench e-stop pressed/);
    expect(record.phases.map((p) => p.outcome)).toEqual(['PASS', 'ABORTED', 'SKIPPED', 'PASS']);
    expect(bench!.board.rig.isRelayDriven).toBe(false);
    expect(toJUnitXml([record])).toContain('<skipped message="skipped: ABORTED in press: bench e-stop pressed"/>');
  });

  it('a phase past its timeout is TIMEOUT; a calibration on a dead reference is ERROR', async () => {
    const slow = await runOnce(
      variant('bench-estop', (s) => ((s.phases[0].timeoutMs = 50), s.phases[0].steps.unshift({ do: 'wait', ms: 500 }))),
    );
    expect(slow.outcome).toBe('TIMEOUT');
    expect(slow.phases[1]).toMatchObject({
      id: 'press',
      outcome: 'TIMEOUT',
      error: 'phase press ran past its timeout',
    });
    expect(slow.phases[1]!.endMs - slow.phases[1]!.startMs).toBe(50);
    const broken = await runOnce(variant('gauge-calibration', (s) => (s.phases[0].steps[0].blocksUm = [1000, 1000])));
    expect(broken.outcome).toBe('ERROR');
    expect(broken.error).toMatch(/two different reference blocks/);
    for (const record of [slow, broken]) expectValidRecord(record);
  });
});

describe('bench reports', () => {
  it('the HTML report is one offline file: inline CSS and SVG (depth against the cap), no script, nothing fetched', () => {
    const html = toHtmlReport(library);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\bsrc=/i);
    expect(new Set([...html.matchAll(/https?:\/\/[^"' )]+/g)].map((m) => m[0]))).toEqual(
      new Set(['http://www.w3.org/2000/svg']),
    );
    expect(html).toContain('<polyline points=');
    expect(html).toContain('cap 250 um');
    for (const record of library) expect(html).toContain(`id="${record.runId}"`);
  });

  it('escapes what a record may carry (markup, control characters, ANSI codes) in HTML and JUnit', () => {
    const record = structuredClone(library[0]) as BenchRecord;
    record.phases[1]!.outcome = 'ERROR';
    record.phases[1]!.error = '<b>boom</b> ]]> \u001b[31mred\u001b[0m \u0000\u0007 & done';
    const html = toHtmlReport([record]);
    expect(html).toContain('&lt;b&gt;boom&lt;/b&gt; ]]&gt; red \\x00\\x07 &amp; done');
    expect(toJUnitXml([record])).toContain('message="&lt;b&gt;boom&lt;/b&gt; ]]&gt; red \\x00\\x07 &amp; done"');
  });
});

describeWithPrograms(['xmllint'], 'bench JUnit XML (xmllint)', () => {
  it('is well-formed and valid against docs/junit.xsd, hostile text included', async () => {
    const hostile = structuredClone(library[0]) as BenchRecord;
    hostile.phases[1]!.outcome = 'ERROR';
    hostile.phases[1]!.error = 'x ]]> <y> \u001b[1m\u0001\u001f\uffff\ud800 "q" \'a\'';
    const welded = await runOnce(
      variant('power-cut', (s) => s.phases[1].steps.unshift({ do: 'inject-fault', fault: { kind: 'relay-welded' } })),
    );
    const dir = mkdtempSync(join(tmpdir(), 'mnpen-junit-'));
    const file = join(dir, 'bench.xml');
    writeFileSync(file, toJUnitXml([...library, hostile, welded]));
    execFileSync('xmllint', ['--noout', file]);
    execFileSync('xmllint', ['--noout', '--schema', join(ROOT, 'docs/junit.xsd'), file], { stdio: 'pipe' });
    const tests = library.reduce((n, r) => n + r.phases.length, 0) + hostile.phases.length + welded.phases.length;
    expect(readFileSync(file, 'utf8')).toMatch(
      new RegExp(`<testsuites name="mnpen bench" tests="${tests}" failures="1" errors="1"`),
    );
  });
});
