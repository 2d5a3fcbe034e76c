// Tests of the area list and the mode and area caps.
import { describe, expect, it } from 'vitest';
import { AREA_IDS, HOME_CAP_UM, PRO_AREA_CAP_UM, areaCapUm, isAreaId, modeCapUm } from './areas.js';

describe('areas', () => {
  it('lists the twelve areas of domain.md', () => {
    expect(AREA_IDS).toHaveLength(12);
    expect(isAreaId('decollete')).toBe(true);
    expect(isAreaId('elbow')).toBe(false);
    expect(isAreaId(5)).toBe(false);
  });

  it('caps every home area at 0.25 mm and pro areas per the table', () => {
    for (const area of AREA_IDS) expect(areaCapUm('home', area)).toBe(HOME_CAP_UM);
    expect(areaCapUm('pro', 'periorbital')).toBe(250);
    expect(areaCapUm('pro', 'forehead')).toBe(500);
    expect(areaCapUm('pro', 'chin')).toBe(1000);
    expect(areaCapUm('pro', 'cheeks')).toBe(1500);
    expect(areaCapUm('pro', 'body')).toBe(2500);
    expect(Math.max(...Object.values(PRO_AREA_CAP_UM))).toBe(2500);
  });

  it('S9: a locked professional mode gets the home cap', () => {
    expect(modeCapUm('pro', false)).toBe(250);
    expect(modeCapUm('pro', true)).toBe(2500);
    expect(modeCapUm('home', true)).toBe(250);
  });
});
