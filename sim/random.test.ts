// Seeded PRNG: reproducible streams, ranges, and a standard normal with the right moments.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from './random.js';

describe('seeded random', () => {
  it('repeats its stream for a seed and differs between seeds', () => {
    const a = new SeededRandom(123);
    const b = new SeededRandom(123);
    const c = new SeededRandom(124);
    const streamA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(streamA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(streamA);
  });

  it('keeps next() in [0, 1), between() in [min, max) and integerBetween() in [min, max]', () => {
    const random = new SeededRandom(1);
    const integers = new Set<number>();
    for (let i = 0; i < 20_000; i++) {
      const unit = random.next();
      expect(unit >= 0 && unit < 1).toBe(true);
      const value = random.between(-3, 3);
      expect(value >= -3 && value < 3).toBe(true);
      integers.add(random.integerBetween(30, 35));
    }
    expect([...integers].sort()).toEqual([30, 31, 32, 33, 34, 35]);
    expect(random.between(5, 5)).toBe(5);
    expect(random.integerBetween(9, 2)).toBe(9);
  });

  it('normal() has mean about 0 and standard deviation about 1', () => {
    const random = new SeededRandom(99);
    let sum = 0;
    let sumOfSquares = 0;
    const count = 50_000;
    for (let i = 0; i < count; i++) {
      const sample = random.normal();
      sum += sample;
      sumOfSquares += sample * sample;
    }
    const mean = sum / count;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(sumOfSquares / count - mean * mean) - 1)).toBeLessThan(0.02);
  });

  it('derive() gives independent, reproducible child streams', () => {
    const childA = new SeededRandom(5).derive(1);
    const childB = new SeededRandom(5).derive(1);
    const sibling = new SeededRandom(5).derive(2);
    const first = childA.next();
    expect(childB.next()).toBe(first);
    expect(sibling.next()).not.toBe(first);
  });
});
