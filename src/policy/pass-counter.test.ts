// Tests of the pass counter: debounce, lost and duplicated edges, strokes per pass (S5).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyContactEdge,
  createPassCounter,
  forceEndPass,
  liveContactMs,
  liveContactStrokes,
  strokesBetween,
  type ContactEdge,
  type PassCounterState,
} from './pass-counter.js';

const DEBOUNCE_MS = 150;
const on = (atMs: number, strokeCount: number): ContactEdge => ({ contact: true, atMs, strokeCount });
const off = (atMs: number, strokeCount: number): ContactEdge => ({ contact: false, atMs, strokeCount });

function run(edges: ContactEdge[], state = createPassCounter()): { state: PassCounterState; outcomes: string[] } {
  const outcomes: string[] = [];
  for (const edge of edges) {
    const result = applyContactEdge(state, edge, DEBOUNCE_MS);
    state = result.state;
    outcomes.push(result.outcome);
  }
  return { state, outcomes };
}

describe('pass counter', () => {
  it('S5: counts a pass at contact-on (a started pass counts)', () => {
    const { state, outcomes } = run([on(1000, 0)]);
    expect(outcomes).toEqual(['passStarted']);
    expect(state.passes).toBe(1);
  });

  it('S5: a lift-off shorter than 150 ms then contact again is the same pass', () => {
    const { state, outcomes } = run([on(1000, 0), off(2000, 100), on(2149, 100), off(3000, 185)]);
    expect(outcomes).toEqual(['passStarted', 'liftedOff', 'passResumed', 'liftedOff']);
    expect(state.passes).toBe(1);
    expect(state.passStrokes).toBe(185);
    expect(state.passContactMs).toBe(1000 + 851);
  });

  it('S5: a lift-off of exactly 150 ms starts a new pass', () => {
    const { state, outcomes } = run([on(1000, 0), off(2000, 100), on(2150, 110)]);
    expect(outcomes).toEqual(['passStarted', 'liftedOff', 'passStarted']);
    expect(state.passes).toBe(2);
    expect(state.totalStrokes).toBe(100);
  });

  it('S5: after forceEndPass (debounce elapsed) any contact is a new pass', () => {
    let { state } = run([on(1000, 0), off(2000, 100)]);
    state = forceEndPass(state, 2150, 100);
    const next = applyContactEdge(state, on(2010, 100), DEBOUNCE_MS);
    expect(next.outcome).toBe('passStarted');
    expect(next.state.passes).toBe(2);
  });

  it('ignores duplicated edges', () => {
    const { state, outcomes } = run([on(1000, 0), on(1000, 0), off(2000, 50), off(2000, 50)]);
    expect(outcomes).toEqual(['passStarted', 'ignored', 'liftedOff', 'ignored']);
    expect(state.passes).toBe(1);
    expect(state.totalStrokes).toBe(50);
  });

  it('S5: a lost lift-off: a second contact-on 150 ms or more later is a new pass', () => {
    const { state, outcomes } = run([on(1000, 0), on(1100, 10), on(1500, 60)]);
    expect(outcomes).toEqual(['passStarted', 'ignored', 'passStarted']);
    expect(state.passes).toBe(2);
    expect(state.totalStrokes).toBe(60);
  });

  it('S5: pen time going backwards (a reboot) starts a new pass', () => {
    const { state } = run([on(5000, 0), off(6000, 100), on(10, 0)]);
    expect(state.passes).toBe(2);
  });

  it('resumes from prior passes and only grows', () => {
    expect(createPassCounter(4).passes).toBe(4);
    expect(createPassCounter(-2).passes).toBe(0);
    expect(createPassCounter(NaN).passes).toBe(0);
    expect(run([on(0, 0)], createPassCounter(4)).state.passes).toBe(5);
  });

  it('counts strokes only in contact; a counter reset counts everything since', () => {
    expect(strokesBetween(100, 250)).toBe(150);
    expect(strokesBetween(1000, 30)).toBe(30);
    expect(strokesBetween(NaN, 30)).toBe(0);
  });

  it('ends an open pass at the latest readings', () => {
    const { state } = run([on(1000, 0)]);
    expect(liveContactStrokes(state, 40)).toBe(40);
    expect(liveContactMs(state, 1300)).toBe(300);
    const ended = forceEndPass(state, 1500, 80);
    expect(ended).toMatchObject({ inContact: false, passOpen: false, passes: 1, passStrokes: 80, passContactMs: 500 });
  });

  const touches = fc.array(
    fc.record({
      gapMs: fc.oneof(fc.integer({ min: 0, max: 149 }), fc.integer({ min: 150, max: 5000 })),
      durationMs: fc.integer({ min: 0, max: 3000 }),
      strokes: fc.integer({ min: 0, max: 400 }),
      duplicate: fc.boolean(),
      timerFires: fc.boolean(),
    }),
    { maxLength: 60 },
  );

  /** Episodes: touches merged when the lift-off before them is shorter than the debounce. */
  function episodes(list: { gapMs: number }[]): number {
    return list.filter((touch, index) => index === 0 || touch.gapMs >= DEBOUNCE_MS).length;
  }

  it('S5: property: passes equal the episodes separated by >= 150 ms, and never decrease', () => {
    fc.assert(
      fc.property(touches, (list) => {
        let state = createPassCounter();
        let atMs = 1000;
        let strokeCount = 0;
        for (const touch of list) {
          atMs += touch.gapMs;
          const before = state.passes;
          state = applyContactEdge(state, on(atMs, strokeCount), DEBOUNCE_MS).state;
          expect(state.passes).toBeGreaterThanOrEqual(before);
          atMs += touch.durationMs;
          strokeCount += touch.strokes;
          state = applyContactEdge(state, off(atMs, strokeCount), DEBOUNCE_MS).state;
        }
        expect(state.passes).toBe(episodes(list));
        expect(state.totalStrokes).toBe(strokeCount);
      }),
      { seed: 150, numRuns: 400 },
    );
  });

  it('S5: property: duplicated edges and timer closes never lower the count below the episodes', () => {
    fc.assert(
      fc.property(touches, (list) => {
        let state = createPassCounter();
        let atMs = 1000;
        let strokeCount = 0;
        const apply = (edge: ContactEdge) => {
          const before = state.passes;
          state = applyContactEdge(state, edge, DEBOUNCE_MS).state;
          expect(state.passes).toBeGreaterThanOrEqual(before);
        };
        for (const touch of list) {
          if (touch.timerFires && touch.gapMs >= DEBOUNCE_MS)
            state = forceEndPass(state, atMs + DEBOUNCE_MS, strokeCount);
          atMs += touch.gapMs;
          apply(on(atMs, strokeCount));
          if (touch.duplicate) apply(on(atMs, strokeCount));
          atMs += touch.durationMs;
          strokeCount += touch.strokes;
          apply(off(atMs, strokeCount));
          if (touch.duplicate) apply(off(atMs, strokeCount));
        }
        expect(state.passes).toBeGreaterThanOrEqual(episodes(list));
      }),
      { seed: 151, numRuns: 400 },
    );
  });
});
