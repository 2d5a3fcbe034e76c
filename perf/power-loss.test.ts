// S16: a short power-loss run: copies of the records taken at random instants while a child writes open with every acknowledged pass.
import { describe, expect, it } from 'vitest';
import { runPowerLoss } from './power-loss.js';

describe('power loss', () => {
  it('S16: 8 copies taken while a child writes passes open cleanly, every acknowledged pass there, none invented', async () => {
    const figures = await runPowerLoss({ trials: 8, seed: 16, copiesPerWriter: 4 });
    expect(figures.violations).toEqual([]);
    expect(
      figures.openedComplete + figures.beforeFile + Object.values(figures.refused).reduce((a, b) => a + b, 0),
    ).toBe(8);
    expect(figures.openedComplete).toBeGreaterThanOrEqual(6);
    expect(figures.acknowledgedPassesChecked).toBeGreaterThan(0);
  }, 60_000);
});
