// Simulated wire: in-order delivery, delay both ways, unplugging loses bytes silently, counters.
import { describe, expect, it } from 'vitest';
import { SimulatedLink } from './link.js';

function collect(link: SimulatedLink, direction: 'toPen' | 'toHost', nowMs: number, accept = true): number[] {
  const out: number[] = [];
  link.deliver(direction, nowMs, (bytes) => {
    out.push(...bytes);
    return accept;
  });
  return out;
}

describe('simulated link', () => {
  it('delivers bytes due by now, in order, each direction separately', () => {
    const link = new SimulatedLink();
    link.send('toPen', new Uint8Array([1, 2]), 0);
    link.send('toHost', new Uint8Array([9]), 0);
    link.send('toPen', new Uint8Array([3]), 0);
    expect(link.hasInFlight('toPen')).toBe(true);
    expect(collect(link, 'toPen', 0)).toEqual([1, 2, 3]);
    expect(collect(link, 'toHost', 0)).toEqual([9]);
    expect(link.hasInFlight('toPen')).toBe(false);
    expect(link.deliver('toPen', 1, () => true)).toBe(false);
  });

  it('delays by the configured time and never reorders when the delay shrinks', () => {
    const link = new SimulatedLink();
    link.setDelayMs(50);
    link.send('toHost', new Uint8Array([1]), 10);
    link.setDelayMs(0);
    link.send('toHost', new Uint8Array([2]), 20);
    expect(collect(link, 'toHost', 59)).toEqual([]);
    expect(collect(link, 'toHost', 60)).toEqual([1, 2]);
    expect(() => link.setDelayMs(-1)).toThrow(RangeError);
    expect(() => link.setDelayMs(Number.NaN)).toThrow(RangeError);
  });

  it('while dropped, loses bytes sent and bytes falling due, and counts them', () => {
    const link = new SimulatedLink();
    link.setDelayMs(10);
    link.send('toPen', new Uint8Array([1, 2, 3]), 0);
    link.drop();
    link.send('toPen', new Uint8Array([4]), 1);
    expect(collect(link, 'toPen', 20)).toEqual([]);
    link.restore();
    link.send('toPen', new Uint8Array([5]), 20);
    expect(collect(link, 'toPen', 30)).toEqual([5]);
    expect(link.toPenCounters).toEqual({ sentBytes: 5, deliveredBytes: 1, lostBytes: 4 });
  });

  it('counts bytes nobody listened to as lost', () => {
    const link = new SimulatedLink();
    link.send('toHost', new Uint8Array([1, 2]), 0);
    expect(collect(link, 'toHost', 0, false)).toEqual([1, 2]);
    expect(link.toHostCounters).toEqual({ sentBytes: 2, deliveredBytes: 0, lostBytes: 2 });
  });
});
