// The virtual-time pace on a fake real clock: 1x and 10x follow real time, max never waits, a speed change never jumps, a backlog is dropped.
import { describe, expect, it } from 'vitest';
import { SimulationPace, type RealTime } from './pace.js';

/** A real clock that moves only when the pace sleeps. */
function fakeRealTime(): RealTime & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    nowMs: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** Steps everything the pace hands out until `realMs` of fake real time passed; returns the virtual ms. */
async function run(pace: SimulationPace, real: RealTime, realMs: number): Promise<number> {
  const startMs = pace.steppedMs;
  const endRealMs = real.nowMs() + realMs;
  while (real.nowMs() < endRealMs) pace.stepped(await pace.next());
  return pace.steppedMs - startMs;
}

describe('simulation pace', () => {
  it('1x steps one virtual ms per real ms, 10x ten', async () => {
    const real = fakeRealTime();
    const pace = new SimulationPace('1x', real);
    expect(await run(pace, real, 500)).toBeGreaterThanOrEqual(496);
    expect(pace.steppedMs).toBeLessThanOrEqual(502);
    pace.speed = '10x';
    const virtualMs = await run(pace, real, 500);
    expect(virtualMs).toBeGreaterThanOrEqual(4960);
    expect(virtualMs).toBeLessThanOrEqual(5020);
  });

  it('max hands out chunks without waiting for real time (one event-loop turn each)', async () => {
    const real = fakeRealTime();
    const pace = new SimulationPace('max', real);
    for (let i = 0; i < 10; i++) pace.stepped(await pace.next());
    expect(pace.steppedMs).toBe(200);
    expect(real.sleeps.every((ms) => ms === 0)).toBe(true);
  });

  it('a backlog over 1 s of real time (a machine that cannot keep up) is dropped, not raced through', async () => {
    const real = fakeRealTime();
    const pace = new SimulationPace('1x', real);
    await real.sleep(5000);
    const first = await pace.next();
    expect(first).toBeLessThanOrEqual(20);
  });
});
