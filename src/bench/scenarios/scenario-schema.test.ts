// The scenario format: the bundled library is valid, and every kind of bad file is refused naming its field.
/* eslint-disable @typescript-eslint/no-explicit-any -- these tests break parsed scenarios one field at a time */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../../sim/index.js';
import { RIG_FAULT_KINDS } from '../../../sim/fixture-board/index.js';
import { libraryFiles, loadScenarioFile, parseScenario, resolveScenario, ScenarioError } from './load-scenario.js';

/** A small valid scenario to break one field at a time. */
const base = (): Record<string, unknown> => ({
  id: 'probe',
  title: 'probe',
  verifies: { invariants: ['S17'], hazards: [] },
  targets: ['sim'],
  phases: [
    {
      id: 'one',
      title: 'one',
      steps: [{ do: 'cut-power' }, { do: 'measure', measurement: 'supply_mv' }],
      measurements: [{ name: 'supply_mv', units: 'mV', source: 'pen.supplyMv', validator: { le: 0 } }],
    },
  ],
});

/** A phase with one pro-plan session step, `extra` added to the step. */
const proSession = (extra: Record<string, unknown>) => ({
  id: 'one',
  title: 'one',
  steps: [
    {
      do: 'session',
      plan: { mode: 'pro', areas: [{ area: 'cheeks', depthMm: 1, passes: 1 }] },
      hand: { glideMs: 500, liftOffMs: 300 },
      ...extra,
    },
  ],
});

function errorOf(contents: unknown): string {
  try {
    parseScenario(contents, 'probe.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be refused');
}

const edit = (change: (s: Record<string, any>) => void): Record<string, unknown> => {
  const scenario = base() as Record<string, any>;
  change(scenario);
  return scenario;
};

describe('bench scenario format', () => {
  it('accepts every bundled scenario, with defaults filled in', () => {
    const files = libraryFiles();
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const file of files) expect(() => loadScenarioFile(file), file).not.toThrow();
    const { scenario, sha256 } = resolveScenario('power-cut');
    expect(scenario.setup.sku).toBe('home');
    expect(scenario.repeat).toBe(1);
    expect(scenario.phases[0]?.timeoutMs).toBe(30_000);
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts a minimal scenario and the same scenario as JSON', () => {
    expect(parseScenario(base(), 'x').id).toBe('probe');
    const dir = mkdtempSync(join(tmpdir(), 'mnpen-scenario-'));
    writeFileSync(join(dir, 'probe.json'), JSON.stringify(base()));
    expect(loadScenarioFile(join(dir, 'probe.json')).scenario.phases).toHaveLength(1);
  });

  it.each([
    ['an unknown key', (s: any) => (s.phases[0].steps[0].speed = 3), 'phases[0].steps[0]: Unrecognized key: "speed"'],
    ['an unknown step', (s: any) => (s.phases[0].steps[0] = { do: 'jump' }), 'phases[0].steps[0].do'],
    ['an id with capitals', (s: any) => (s.id = 'Power Cut'), 'probe.yaml: id:'],
    ['no phases', (s: any) => (s.phases = []), 'phases:'],
    [
      'a wrong unit',
      (s: any) => (s.phases[0].measurements[0].units = 'mA'),
      'phases[0].measurements[0].units: pen.supplyMv is measured in mV, not mA',
    ],
    [
      'an unknown source',
      (s: any) => (s.phases[0].measurements[0].source = 'pen.temperature'),
      'phases[0].measurements[0].source',
    ],
    [
      'a measure of nothing declared',
      (s: any) => (s.phases[0].steps[1].measurement = 'other'),
      'phases[0].steps[1].measurement: no measurement "other" in this phase',
    ],
    [
      'a declared measurement never measured',
      (s: any) => s.phases[0].steps.pop(),
      'phases[0].measurements[0].name: "supply_mv" is measured by 0 measure steps',
    ],
    [
      'a boolean validator on a number',
      (s: any) => (s.phases[0].measurements[0].validator = { equals: true }),
      'phases[0].measurements[0].validator: does not fit a number value',
    ],
    [
      'marginal outside the limit',
      (s: any) => (s.phases[0].measurements[0].validator = { le: 0, marginal: 5 }),
      'marginal bounds must lie inside the limit',
    ],
    ['a negative timeout', (s: any) => (s.phases[0].timeoutMs = -1), 'phases[0].timeoutMs'],
    [
      'a bad invariant id',
      (s: any) => (s.verifies.invariants = ['S20']),
      'verifies.invariants[0]: an invariant id S1..S19',
    ],
    [
      'fault injection on a real pen',
      (s: any) => (
        (s.targets = ['sim', 'port']),
        s.phases[0].steps.unshift({ do: 'inject-fault', fault: { kind: 'motor-stall' } })
      ),
      'fault injection needs a simulated target',
    ],
    [
      'a simulated-pen source on a real pen',
      (s: any) => (s.targets = ['port']),
      'pen.supplyMv needs a simulated target',
    ],
    [
      'an unknown fault',
      (s: any) => s.phases[0].steps.unshift({ do: 'inject-fault', fault: { kind: 'meteor' } }),
      'phases[0].steps[0].fault',
    ],
    [
      'an invalid plan',
      (s: any) =>
        s.phases[0].steps.unshift({
          do: 'session',
          plan: { mode: 'home', areas: [{ area: 'cheeks', depthMm: 0.5, passes: 6 }] },
          hand: { glideMs: 500, liftOffMs: 300 },
        }),
      'phases[0].steps[0].plan.areas[0].depthMm',
    ],
    [
      'a direct command not in the catalog',
      (s: any) => s.phases[0].steps.unshift({ do: 'direct', message: 'SELF_DESTRUCT' }),
      'phases[0].steps[0].message: "SELF_DESTRUCT" is not a pen command',
    ],
    [
      'a direct value off the wire range',
      (s: any) => s.phases[0].steps.unshift({ do: 'direct', message: 'SET_DEPTH', fields: { depthUm: 9000 } }),
      'phases[0].steps[0].fields.depthUm: outside the wire range 0..2500',
    ],
    [
      'a sampled boolean',
      (s: any) =>
        (s.phases[0].measurements[0] = {
          name: 'supply_mv',
          units: 'bool',
          source: 'pen.skinContact',
          sample: { count: 2, everyMs: 5, reduce: 'mean' },
          validator: { equals: true },
        }),
      'is not numeric: it cannot be averaged',
    ],
    [
      'a bench-issued credential on a real pen',
      (s: any) => ((s.targets = ['port']), (s.phases[0] = proSession({ credential: { issue: { pens: 'this-pen' } } }))),
      'phases[0].steps[0].credential.issue: a bench-issued credential needs a simulated target',
    ],
    [
      'a trust file with a bench-issued credential',
      (s: any) => (s.phases[0] = proSession({ credential: { issue: {} }, trust: 'trust.json' })),
      "phases[0].steps[0].trust: a bench-issued credential is judged by the run's own trust file",
    ],
    [
      'a trust file with nothing to judge',
      (s: any) => (s.phases[0] = proSession({ trust: 'trust.json' })),
      'phases[0].steps[0].trust: trust judges a credential or a profile',
    ],
    [
      'an issued credential deeper than 2.5 mm',
      (s: any) => (s.phases[0] = proSession({ credential: { issue: { maxDepthMm: 3 } } })),
      'phases[0].steps[0].credential',
    ],
    [
      'an issued credential for an unknown pen',
      (s: any) => (s.phases[0] = proSession({ credential: { issue: { pens: 'any-pen' } } })),
      'phases[0].steps[0].credential',
    ],
    [
      'the removed environment-variable unlock',
      (s: any) => (s.phases[0] = proSession({ unlockCredentialEnv: 'MNPEN_CREDENTIAL' })),
      'phases[0].steps[0]: Unrecognized key: "unlockCredentialEnv"',
    ],
  ])('refuses %s, naming the field', (_title, change, expected) => {
    expect(errorOf(edit(change))).toContain(expected);
  });

  it('names every problem at once', () => {
    const message = errorOf(edit((s) => ((s.id = 'X'), (s.phases[0].timeoutMs = 0))));
    expect(message).toContain('probe.yaml: id:');
    expect(message).toContain('probe.yaml: phases[0].timeoutMs:');
  });

  it('accepts every fault kind of the simulator and of the emulated bench', () => {
    const extra: Record<string, Record<string, number>> = {
      'encoder-drift': { umPerSecond: 50 },
      'over-depth-runaway': { umPerMs: 5 },
      'brown-out': { rebootAfterMs: 10 },
      'link-garbage': { bytes: 16 },
      'frame-delay': { delayMs: 20 },
    };
    for (const kind of [...FAULT_KINDS, ...RIG_FAULT_KINDS]) {
      const scenario = edit((s) => s.phases[0].steps.unshift({ do: 'inject-fault', fault: { kind, ...extra[kind] } }));
      expect(() => parseScenario(scenario, 'x'), kind).not.toThrow();
    }
  });

  it('refuses unreadable files, bad YAML, duplicate keys and unknown ids', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnpen-scenario-'));
    const write = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    expect(() => loadScenarioFile(join(dir, 'missing.yaml'))).toThrow(/cannot read the file \(ENOENT\)/);
    expect(() => loadScenarioFile(write('bad.yaml', 'id: [unclosed'))).toThrow(/not valid YAML/);
    expect(() => loadScenarioFile(write('dup.yaml', 'id: a\nid: b\n'))).toThrow(/not valid YAML.*[Uu]nique/s);
    expect(() => loadScenarioFile(write('bad.json', '{"id":'))).toThrow(/not valid JSON/);
    expect(() => resolveScenario('no-such-scenario')).toThrow(/no bundled scenario "no-such-scenario"/);
  });

  it('S9: the signed documents a session names are files beside the scenario (a missing one is refused at load, named)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnpen-scenario-docs-'));
    const scenario = edit((s) => (s.phases[0] = proSession({ credential: 'ada.jwt', trust: 'keys/trust.json' })));
    const file = join(dir, 'probe.json');
    writeFileSync(file, JSON.stringify(scenario));
    expect(() => loadScenarioFile(file)).toThrow(
      new RegExp(
        `phases\\[0\\]\\.steps\\[0\\]\\.credential: no such file ${join(dir, 'ada.jwt')}[^]*steps\\[0\\]\\.trust: no such file`,
      ),
    );
    writeFileSync(join(dir, 'ada.jwt'), 'token\n');
    mkdirSync(join(dir, 'keys'));
    writeFileSync(join(dir, 'keys', 'trust.json'), '{}\n');
    const step = loadScenarioFile(file).scenario.phases[0]!.steps[0] as any;
    expect(step).toMatchObject({ credential: 'ada.jwt', trust: 'keys/trust.json' });
  });

  it('every hazard a bundled scenario names is a row of docs/hazards.md', () => {
    const hazards = readFileSync(new URL('../../../docs/hazards.md', import.meta.url), 'utf8');
    const rows = new Set([...hazards.matchAll(/^\| ([A-Za-z][^|]*?) +\|/gm)].map((match) => match[1]));
    for (const file of libraryFiles()) {
      for (const hazard of loadScenarioFile(file).scenario.verifies.hazards)
        expect(rows, `${file}: ${hazard}`).toContain(hazard);
    }
  });
});
