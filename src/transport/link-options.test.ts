// Link options and sequence arithmetic: defaults, S4-style rejection of bad values, u16 wrap-around.
import { describe, expect, it } from 'vitest';
import { LEASE_MS } from '../limits/index.js';
import { seqDistance } from './command-window.js';
import { DEFAULT_LINK_OPTIONS, resolveLinkOptions } from './link-options.js';

describe('link options', () => {
  it('defaults: window 4, retransmit 40 ms, 5 attempts, dead-link timeout 150 ms below the 200 ms lease', () => {
    expect(resolveLinkOptions()).toEqual({
      windowSize: 4,
      retransmitTimeoutMs: 40,
      maxAttempts: 5,
      helloTimeoutMs: 100,
      helloMaxAttempts: 5,
      deadLinkTimeoutMs: 150,
    });
    expect(DEFAULT_LINK_OPTIONS.deadLinkTimeoutMs).toBeLessThan(LEASE_MS);
    expect(resolveLinkOptions({ windowSize: 8 }).windowSize).toBe(8);
  });

  it.each([
    ['windowSize', 0],
    ['windowSize', 9],
    ['windowSize', 2.5],
    ['retransmitTimeoutMs', Number.NaN],
    ['maxAttempts', -1],
    ['deadLinkTimeoutMs', Number.POSITIVE_INFINITY],
    ['helloTimeoutMs', Number.MAX_VALUE],
    ['deadLinkTimeoutMs', 10_001],
    ['helloMaxAttempts', '3' as unknown as number],
  ])('S4: rejects %s = %s with RangeError', (name, value) => {
    expect(() => resolveLinkOptions({ [name]: value })).toThrow(RangeError);
  });
});

describe('seqDistance', () => {
  it('measures signed distance on the u16 circle across the wrap', () => {
    expect(seqDistance(0x4100, 0x4103)).toBe(3);
    expect(seqDistance(0x4103, 0x4100)).toBe(-3);
    expect(seqDistance(0xfffe, 0x0001)).toBe(3);
    expect(seqDistance(0x0001, 0xfffe)).toBe(-3);
    expect(seqDistance(0, 0x8000)).toBe(-0x8000);
    expect(seqDistance(0, 0x7fff)).toBe(0x7fff);
  });
});
