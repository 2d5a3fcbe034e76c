// VirtualClock: timers fire in due order, only when time is advanced, and can be cleared.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock.js';

describe('VirtualClock', () => {
  it('fires timers in due order, ties in creation order, only when advanced', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimer(20, () => fired.push('b'));
    clock.setTimer(10, () => fired.push('a'));
    clock.setTimer(20, () => fired.push('c'));
    expect(fired).toEqual([]);
    clock.advanceTo(15);
    expect(fired).toEqual(['a']);
    expect(clock.nowMs()).toBe(15);
    clock.advanceTo(20);
    expect(fired).toEqual(['a', 'b', 'c']);
  });

  it('runs timers set by a firing timer when they fall due inside the same advance', () => {
    const clock = new VirtualClock();
    const firedAt: number[] = [];
    clock.setTimer(5, () => {
      firedAt.push(clock.nowMs());
      clock.setTimer(5, () => firedAt.push(clock.nowMs()));
    });
    clock.advanceTo(100);
    expect(firedAt).toEqual([5, 10]);
    expect(clock.nowMs()).toBe(100);
  });

  it('cleared timers never fire and nextDueMs tracks the earliest', () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    const first = clock.setTimer(1, () => fired.push(1));
    clock.setTimer(3, () => fired.push(3));
    expect(clock.nextDueMs()).toBe(1);
    clock.clearTimer(first);
    expect(clock.nextDueMs()).toBe(3);
    clock.advanceTo(10);
    expect(fired).toEqual([3]);
    expect(clock.nextDueMs()).toBe(Infinity);
  });

  it('never moves backwards', () => {
    const clock = new VirtualClock();
    clock.advanceTo(50);
    clock.advanceTo(20);
    expect(clock.nowMs()).toBe(50);
  });
});
