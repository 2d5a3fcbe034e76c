// Cartridge slot and skin contact: insert, read, remove, and rejected ids.
import { describe, expect, it } from 'vitest';
import { CartridgeSlot } from './cartridge.js';
import { Skin } from './skin.js';

describe('cartridge slot', () => {
  it('reads the inserted cartridge (the same object each time) and null after removal', () => {
    const slot = new CartridgeSlot();
    expect(slot.read()).toBeNull();
    slot.insert(0xdeadbeef, 36);
    expect(slot.read()).toEqual({ id: 0xdeadbeef, needleCount: 36 });
    expect(slot.read()).toBe(slot.read());
    expect(slot.remove()).toBe(true);
    expect(slot.read()).toBeNull();
    expect(slot.remove()).toBe(false);
  });

  it('refuses id 0, ids beyond u32, bad needle counts and a second cartridge', () => {
    const slot = new CartridgeSlot();
    expect(() => slot.insert(0, 12)).toThrow(RangeError);
    expect(() => slot.insert(2 ** 32, 12)).toThrow(RangeError);
    expect(() => slot.insert(1.5, 12)).toThrow(RangeError);
    expect(() => slot.insert(1, 0)).toThrow(RangeError);
    expect(() => slot.insert(1, 256)).toThrow(RangeError);
    expect(() => slot.insert(1, Number.NaN)).toThrow(RangeError);
    slot.insert(1, 12);
    expect(() => slot.insert(2, 12)).toThrow(/already inserted/);
    expect(slot.read()?.id).toBe(1);
  });
});

describe('skin', () => {
  it('holds the contact state and counts edges', () => {
    const skin = new Skin();
    expect(skin.isInContact).toBe(false);
    skin.setContact(true);
    skin.setContact(true);
    skin.setContact(false);
    expect(skin.isInContact).toBe(false);
    expect(skin.edgeCount).toBe(2);
  });
});
