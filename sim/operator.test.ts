// Operator script properties (bounces, lift-offs, determinism) and the runner's replay and readiness wait.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Skin } from './physics/skin.js';
import { createOperatorScript, OperatorRunner, type OperatorIntent, type OperatorStep } from './operator.js';

const areasArbitrary = fc.array(
  fc.record({ area: fc.constantFrom('forehead', 'cheeks', 'chin', 'neck'), passes: fc.integer({ min: 0, max: 6 }) }),
  { minLength: 1, maxLength: 5 },
);

/** Contact gaps of a script: every lift-off with its length and whether a new pass followed. */
function gaps(script: readonly OperatorStep[]): { lengthMs: number; beforePassStart: boolean }[] {
  const result: { lengthMs: number; beforePassStart: boolean }[] = [];
  let liftedAtMs: number | null = null;
  for (const step of script) {
    if (step.kind !== 'contact') continue;
    if (!step.contact) liftedAtMs = step.atMs;
    else if (liftedAtMs !== null) {
      result.push({ lengthMs: step.atMs - liftedAtMs, beforePassStart: step.passStart === true });
      liftedAtMs = null;
    }
  }
  return result;
}

describe('operator script', () => {
  it('bounces inside a pass last 30-120 ms (< 150) and lift-offs between passes exceed 150 ms', () => {
    fc.assert(
      fc.property(fc.integer(), areasArbitrary, (seed, areas) => {
        const script = createOperatorScript({ seed, areas });
        for (const gap of gaps(script)) {
          if (gap.beforePassStart) expect(gap.lengthMs).toBeGreaterThan(150);
          else {
            expect(gap.lengthMs).toBeGreaterThanOrEqual(30);
            expect(gap.lengthMs).toBeLessThanOrEqual(120);
          }
        }
      }),
      { seed: 20240601, numRuns: 200 },
    );
  });

  it('is ordered, has one pass start per attempt, alternates contact and ends with done', () => {
    fc.assert(
      fc.property(fc.integer(), areasArbitrary, (seed, areas) => {
        const script = createOperatorScript({ seed, areas });
        for (let i = 1; i < script.length; i++) {
          expect((script[i] as OperatorStep).atMs).toBeGreaterThanOrEqual((script[i - 1] as OperatorStep).atMs);
        }
        expect(script.filter((s) => s.kind === 'contact' && s.passStart === true).length).toBe(
          areas.reduce((sum, a) => sum + a.passes, 0),
        );
        expect(
          script.filter((s) => s.kind === 'selectArea').map((s) => (s.kind === 'selectArea' ? s.area : '')),
        ).toEqual(areas.map((a) => a.area));
        let contact = false;
        for (const step of script) {
          if (step.kind === 'contact') {
            expect(step.contact).toBe(!contact);
            contact = step.contact;
          } else expect(contact).toBe(false);
        }
        expect(script.at(-1)?.kind).toBe('done');
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const areas = [
      { area: 'forehead', passes: 4 },
      { area: 'cheeks', passes: 5 },
    ];
    expect(createOperatorScript({ seed: 42, areas })).toEqual(createOperatorScript({ seed: 42, areas }));
    expect(createOperatorScript({ seed: 42, areas })).not.toEqual(createOperatorScript({ seed: 43, areas }));
  });

  it('refuses ranges that break the 150 ms debounce rule or are inverted', () => {
    const areas = [{ area: 'chin', passes: 1 }];
    expect(() => createOperatorScript({ seed: 1, areas, bounceMs: { min: 30, max: 150 } })).toThrow(RangeError);
    expect(() => createOperatorScript({ seed: 1, areas, liftOffMs: { min: 150, max: 900 } })).toThrow(RangeError);
    expect(() => createOperatorScript({ seed: 1, areas, glideMs: { min: 900, max: 100 } })).toThrow(RangeError);
    expect(() => createOperatorScript({ seed: 1, areas: [{ area: 'chin', passes: -1 }] })).toThrow(RangeError);
  });
});

describe('operator runner', () => {
  const script: OperatorStep[] = [
    { atMs: 0, kind: 'selectArea', area: 'neck' },
    { atMs: 1000, kind: 'contact', contact: true, passStart: true },
    { atMs: 2000, kind: 'contact', contact: false },
    { atMs: 3000, kind: 'done' },
  ];

  function replay(readyFromMs: number, untilMs: number) {
    const skin = new Skin();
    const intents: { atMs: number; intent: OperatorIntent }[] = [];
    const contactEdges: { atMs: number; contact: boolean }[] = [];
    let nowMs = 0;
    const isReady = (): boolean => nowMs >= readyFromMs;
    const runner = new OperatorRunner(script, skin, (intent) => intents.push({ atMs: nowMs, intent }), { isReady });
    let contact = false;
    for (nowMs = 0; nowMs <= untilMs; nowMs++) {
      if (nowMs === 500) runner.start(nowMs);
      runner.update(nowMs);
      if (skin.isInContact !== contact) contactEdges.push({ atMs: nowMs, contact: (contact = skin.isInContact) });
    }
    return { runner, intents, contactEdges };
  }

  it('does nothing before start, then replays from the start time', () => {
    const { runner, intents, contactEdges } = replay(0, 4000);
    expect(intents).toEqual([
      { atMs: 500, intent: { kind: 'selectArea', area: 'neck' } },
      { atMs: 3500, intent: { kind: 'done' } },
    ]);
    expect(contactEdges).toEqual([
      { atMs: 1500, contact: true },
      { atMs: 2500, contact: false },
    ]);
    expect(runner.isDone).toBe(true);
    expect(runner.waitedMs).toBe(0);
  });

  it('holds a pass until the host is ready, re-checking every 100 ms, and shifts the rest', () => {
    const { intents, contactEdges, runner } = replay(1730, 5000);
    expect(contactEdges).toEqual([
      { atMs: 1800, contact: true },
      { atMs: 2800, contact: false },
    ]);
    expect(intents[1]).toEqual({ atMs: 3800, intent: { kind: 'done' } });
    expect(runner.waitedMs).toBe(300);
  });

  it('refuses a second start and lifts the pen on stop', () => {
    const skin = new Skin();
    const runner = new OperatorRunner(script, skin, () => {});
    runner.start(0);
    expect(() => runner.start(5)).toThrow(/already started/);
    runner.update(1000);
    expect(skin.isInContact).toBe(true);
    runner.stop();
    expect(skin.isInContact).toBe(false);
    expect(runner.isDone).toBe(true);
  });
});
