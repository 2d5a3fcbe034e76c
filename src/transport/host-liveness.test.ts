// HostLiveness: stalls below the bound pass, a stall at the bound latches (the pen's lease lapses), S10.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VirtualClock } from '../clock/clock.js';
import { HostLiveness } from './host-liveness.js';

const BOUND_MS = 200;

function setup() {
  const clock = new VirtualClock();
  let stampedMs = 0;
  const liveness = new HostLiveness({ clock, boundMs: BOUND_MS, stampAgeMs: () => clock.nowMs() - stampedMs });
  return { clock, liveness, stamp: () => (stampedMs = clock.nowMs()) };
}

describe('HostLiveness', () => {
  it('S10: a machine that stamps and a link thread that checks every 10 ms stay alive', () => {
    const { clock, liveness, stamp } = setup();
    liveness.start();
    for (let ms = 10; ms <= 2000; ms += 10) {
      clock.advanceTo(ms);
      stamp();
      expect(liveness.check()).toBe(true);
    }
    expect(liveness.stall).toBeNull();
  });

  it('S10: any machine stall below the bound passes; one at or above it latches for good', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), (stallMs) => {
        const { clock, liveness, stamp } = setup();
        liveness.start();
        stamp();
        let alive = true;
        for (let ms = 10; ms <= stallMs; ms += 10) {
          clock.advanceTo(ms);
          alive &&= liveness.check();
        }
        clock.advanceTo(stallMs);
        alive &&= liveness.check();
        stamp();
        clock.advanceTo(stallMs + 10);
        const after = liveness.check();
        expect(alive && after).toBe(stallMs < BOUND_MS);
        if (stallMs >= BOUND_MS) expect(liveness.stall).toMatchObject({ kind: 'machineStalled' });
      }),
    );
  });

  it('S10: a link thread held past the bound (the whole host froze) latches even when the machine stamped first', () => {
    const { clock, liveness, stamp } = setup();
    liveness.start();
    clock.advanceTo(10);
    expect(liveness.check()).toBe(true);
    clock.advanceTo(10 + BOUND_MS);
    stamp();
    expect(liveness.check()).toBe(false);
    expect(liveness.stall).toEqual({ kind: 'linkThreadHeld', ms: BOUND_MS });
    clock.advanceTo(300);
    stamp();
    expect(liveness.check()).toBe(false);
  });

  it('judges nothing before start (the first ARM): a slow start-up is not counted; a second start changes nothing', () => {
    const { clock, liveness, stamp } = setup();
    clock.advanceTo(5000);
    expect(liveness.check()).toBe(true);
    stamp();
    liveness.start();
    clock.advanceTo(5010);
    expect(liveness.check()).toBe(true);
    clock.advanceTo(5300);
    liveness.start();
    expect(liveness.check()).toBe(false);
  });
});
