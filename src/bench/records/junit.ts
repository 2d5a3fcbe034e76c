// JUnit XML for bench runs: one test suite per run, one test case per phase (docs/junit.xsd describes what is written).
import { hostname } from 'node:os';
import { formatValue } from './format.js';
import type { BenchRecord, MeasurementRecord, PhaseRecord } from './record-schema.js';
import { xmlText } from './xml-text.js';

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

const measurementLine = (m: MeasurementRecord): string =>
  `${m.name} = ${formatValue(m.value, m.units)} [${m.limit}] ${m.outcome}${m.marginal ? ' (marginal)' : ''}`;

function testCase(record: BenchRecord, phase: PhaseRecord): string {
  const open = `    <testcase name="${xmlText(`${phase.id}: ${phase.title}`)}" classname="${xmlText(`bench.${record.scenario.id}`)}" time="${seconds(phase.endMs - phase.startMs)}">`;
  const body: string[] = [];
  const failed = phase.measurements.filter((m) => m.outcome === 'FAIL');
  if (phase.outcome === 'FAIL') {
    const message = `${failed.length} measurement(s) out of limits: ${failed.map((m) => m.name).join(', ')}`;
    body.push(
      `      <failure message="${xmlText(message)}" type="FAIL">${xmlText(failed.map(measurementLine).join('\n'))}</failure>`,
    );
  } else if (phase.outcome === 'SKIPPED') {
    body.push(`      <skipped message="${xmlText(phase.error ?? 'skipped')}"/>`);
  } else if (phase.outcome !== 'PASS') {
    body.push(
      `      <error message="${xmlText(phase.error ?? phase.outcome)}" type="${phase.outcome}">${xmlText(phase.error ?? '')}</error>`,
    );
  }
  const lines = [
    ...phase.measurements.map(measurementLine),
    ...phase.steps.flatMap((s) => (s.detail ? [`${s.do}: ${s.detail}`] : [])),
  ];
  if (lines.length > 0) body.push(`      <system-out>${xmlText(lines.join('\n'))}</system-out>`);
  return body.length === 0 ? `${open.slice(0, -1)}/>` : [open, ...body, '    </testcase>'].join('\n');
}

function testSuite(record: BenchRecord): string {
  const count = (outcome: string): number => record.phases.filter((p) => p.outcome === outcome).length;
  const errors = count('ERROR') + count('TIMEOUT') + count('ABORTED');
  const properties: [string, string][] = [
    ['outcome', record.outcome],
    ['scenario.sha256', record.scenario.sha256],
    ['scenario.file', record.scenario.file ?? ''],
    ['seed', String(record.seed)],
    ['invariants', record.scenario.verifies.invariants.join(' ')],
    ['device', record.deviceUnderTest.description],
    ['firmware', record.deviceUnderTest.firmwareVersion ?? ''],
    ['controller', record.versions.controller],
    ['bench', record.bench.name],
    ['board', `${record.bench.boardFirmware} on ${record.bench.boardPath}`],
  ];
  return [
    `  <testsuite name="${xmlText(`${record.scenario.id} (repeat ${record.repeat.index}/${record.repeat.count})`)}" id="${xmlText(record.runId)}" tests="${record.phases.length}" failures="${count('FAIL')}" errors="${errors}" skipped="${count('SKIPPED')}" time="${seconds(record.benchEndMs - record.benchStartMs)}" timestamp="${record.startedAt.slice(0, 19)}" hostname="${xmlText(hostname())}">`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property name="${xmlText(name)}" value="${xmlText(value)}"/>`),
    '    </properties>',
    ...record.phases.map((phase) => testCase(record, phase)),
    ...(record.error === null ? [] : [`    <system-err>${xmlText(record.error)}</system-err>`]),
    '  </testsuite>',
  ].join('\n');
}

/** The JUnit XML document for these runs (test time is bench time, in seconds). */
export function toJUnitXml(records: readonly BenchRecord[]): string {
  const phases = records.flatMap((r) => r.phases);
  const count = (...outcomes: string[]): number => phases.filter((p) => outcomes.includes(p.outcome)).length;
  const timeMs = records.reduce((sum, r) => sum + r.benchEndMs - r.benchStartMs, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mnpen bench" tests="${phases.length}" failures="${count('FAIL')}" errors="${count('ERROR', 'TIMEOUT', 'ABORTED')}" skipped="${count('SKIPPED')}" time="${seconds(timeMs)}">`,
    ...records.map(testSuite),
    '</testsuites>',
    '',
  ].join('\n');
}
