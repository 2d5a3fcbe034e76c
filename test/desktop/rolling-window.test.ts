// The page's rolling plot window: sorted, trimmed to its seconds, rows counted.
import { describe, expect, it } from 'vitest';
import { RollingWindow } from '../../src/desktop/page/rolling-window.js';

describe('RollingWindow', () => {
  it('keeps the last windowS seconds, drops rows older than the newest, and counts rows added', () => {
    const window = new RollingWindow(10, 1);
    expect(window.append([0, 1, 2], [[5, 6, 7]])).toBe(3);
    expect(window.append([1.5, 12], [[9, 8]])).toBe(1);
    expect(window.t).toEqual([2, 12]);
    expect(window.columns[0]).toEqual([7, 8]);
    expect(window.takeRowsAdded()).toBe(4);
    expect(window.takeRowsAdded()).toBe(0);
  });
});
