// The page's rolling plot window: sorted, trimmed to its seconds, rows counted.
import { describe, expect, it } from 'vitest';
import { RollingWindow } from '../../src/desktop/page/rolling-window.js';

describe('RollingWindow', () => {
  it('keeps the last windowS seconds, drops rows older than the newest, and counts rows added', () => {
    const window = new RollingWindow(1, 1);
    expect(window.append([0, 0.3, 0.6], [[5, 6, 7]])).toBe(3);
    expect(window.append([0.5, 1.0, 1.4], [[9, 8, 4]])).toBe(2);
    expect(window.t).toEqual([0.6, 1.0, 1.4]);
    expect(window.columns[0]).toEqual([7, 8, 4]);
    expect(window.takeRowsAdded()).toBe(5);
    expect(window.takeRowsAdded()).toBe(0);
  });

  it('breaks the line over a pause in the telemetry with a row of nulls', () => {
    const window = new RollingWindow(10, 1);
    window.append([1, 1.02, 3], [[5, 6, 7]]);
    expect(window.t).toEqual([1, 1.02, 2.01, 3]);
    expect(window.columns[0]).toEqual([5, 6, null, 7]);
  });
});
