// Battery physics: drain by time and load, voltage curve and sag, brown-out, input clamping.
import { describe, expect, it } from 'vitest';
import { Battery, BROWN_OUT_SUPPLY_MV } from './battery.js';

describe('battery', () => {
  it('reads open-circuit voltage minus the electronics sag: 80 % -> 4017 mV', () => {
    const battery = new Battery(80);
    expect(battery.terminalMv).toBe(4017);
    battery.step(0);
    expect(battery.terminalMv).toBe(4017);
  });

  it('sags 0.15 mV per mA of motor load', () => {
    const battery = new Battery(80);
    battery.step(300);
    expect(battery.terminalMv).toBe(4020 - 48);
  });

  it('drains with time: 1 h at the 20 mA electronics draw costs 4 % of 500 mAh', () => {
    const battery = new Battery(50);
    for (let i = 0; i < 3_600_000; i++) battery.step(0);
    expect(battery.percent).toBeCloseTo(46, 6);
  });

  it('drains faster under motor load: 60 s at 300 mA costs about 1.07 %', () => {
    const battery = new Battery(80);
    for (let i = 0; i < 60_000; i++) battery.step(300);
    expect(battery.percent).toBeCloseTo(80 - (320 * 60) / 3600 / 5, 6);
  });

  it('never drains below 0 %', () => {
    const battery = new Battery(0.001);
    for (let i = 0; i < 10_000; i++) battery.step(1000);
    expect(battery.percent).toBe(0);
    expect(battery.terminalMv).toBe(3300 - 153);
  });

  it('collapses to the brown-out supply voltage and recovers', () => {
    const battery = new Battery(90);
    battery.setCollapsed(true);
    expect(battery.terminalMv).toBe(BROWN_OUT_SUPPLY_MV);
    expect(battery.isCollapsed).toBe(true);
    battery.setCollapsed(false);
    expect(battery.terminalMv).toBe(4110 - 3);
  });

  it('clamps the initial charge into 0-100 % (NaN is empty)', () => {
    expect(new Battery(150).percent).toBe(100);
    expect(new Battery(-3).percent).toBe(0);
    expect(new Battery(Number.NaN).percent).toBe(0);
  });
});
