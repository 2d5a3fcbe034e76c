// Depth actuator physics: slew and lag, hard stops, home switch, encoder noise, zeroing and faults.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.js';
import {
  ACTUATOR_TRAVEL_MAX_UM,
  DepthActuator,
  ENCODER_NOISE_MAX_UM,
  POWER_ON_POSITION_MAX_UM,
} from './depth-actuator.js';

function steps(actuator: DepthActuator, count: number): void {
  for (let i = 0; i < count; i++) actuator.step();
}

/** An actuator retracted onto its home switch with the encoder zeroed there. */
function homed(seed = 1): DepthActuator {
  const actuator = new DepthActuator(new SeededRandom(seed));
  actuator.setSetpointUm(-1000);
  steps(actuator, 20);
  actuator.zeroEncoder();
  actuator.setSetpointUm(0);
  steps(actuator, 5);
  return actuator;
}

describe('depth actuator', () => {
  it('powers on at a seeded position within 0-150 um and the encoder reads about 0 there', () => {
    const positions = new Set<number>();
    for (let seed = 0; seed < 50; seed++) {
      const actuator = new DepthActuator(new SeededRandom(seed));
      expect(actuator.physicalUm).toBeGreaterThanOrEqual(0);
      expect(actuator.physicalUm).toBeLessThanOrEqual(POWER_ON_POSITION_MAX_UM);
      expect(Math.abs(actuator.readEncoderUm())).toBeLessThanOrEqual(ENCODER_NOISE_MAX_UM);
      positions.add(actuator.physicalUm);
    }
    expect(positions.size).toBeGreaterThan(30);
    expect(new DepthActuator(new SeededRandom(9)).physicalUm).toBe(new DepthActuator(new SeededRandom(9)).physicalUm);
  });

  it('follows a setpoint after a 2 ms lag at 20 um/ms, without overshoot', () => {
    const actuator = homed();
    expect(actuator.physicalUm).toBe(0);
    actuator.setSetpointUm(1000);
    steps(actuator, 2);
    expect(actuator.physicalUm).toBe(0);
    actuator.step();
    expect(actuator.physicalUm).toBe(20);
    steps(actuator, 9);
    expect(actuator.physicalUm).toBe(200);
    steps(actuator, 40);
    expect(actuator.physicalUm).toBe(1000);
    steps(actuator, 50);
    expect(actuator.physicalUm).toBe(1000);
    actuator.setSetpointUm(990);
    steps(actuator, 3);
    expect(actuator.physicalUm).toBe(990);
  });

  it('stops hard at 0, where the home switch closes, and at the outer travel limit', () => {
    const actuator = homed();
    actuator.setSetpointUm(100);
    steps(actuator, 10);
    expect(actuator.isHomeSwitchClosed()).toBe(false);
    actuator.setSetpointUm(-5000);
    let lowestUm = Infinity;
    for (let i = 0; i < 100; i++) {
      actuator.step();
      lowestUm = Math.min(lowestUm, actuator.physicalUm);
    }
    expect(lowestUm).toBe(0);
    expect(actuator.isHomeSwitchClosed()).toBe(true);
    actuator.setSetpointUm(10_000);
    steps(actuator, 400);
    expect(actuator.physicalUm).toBe(ACTUATOR_TRAVEL_MAX_UM);
  });

  it('finds home from any power-on position and zeroes there', () => {
    const actuator = new DepthActuator(new SeededRandom(3));
    expect(actuator.physicalUm).toBeGreaterThan(0);
    actuator.setSetpointUm(-200);
    steps(actuator, 20);
    expect(actuator.isHomeSwitchClosed()).toBe(true);
    actuator.zeroEncoder();
    actuator.setSetpointUm(250);
    steps(actuator, 30);
    expect(actuator.physicalUm).toBe(250);
    expect(Math.abs(actuator.readEncoderUm() - 250)).toBeLessThanOrEqual(ENCODER_NOISE_MAX_UM);
  });

  it('encoder noise stays within +/-3 um of the truth and is not constant', () => {
    const actuator = homed(5);
    actuator.setSetpointUm(500);
    steps(actuator, 40);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const readingUm = actuator.readEncoderUm();
      expect(Math.abs(readingUm - 500)).toBeLessThanOrEqual(ENCODER_NOISE_MAX_UM);
      expect(Number.isInteger(readingUm)).toBe(true);
      seen.add(readingUm);
    }
    expect(seen.size).toBeGreaterThanOrEqual(5);
  });

  it('encoder drift moves the reading away from the truth at the given rate', () => {
    const actuator = homed();
    actuator.startDrift(1000);
    steps(actuator, 100);
    expect(actuator.physicalUm).toBe(0);
    expect(Math.abs(actuator.readEncoderUm() - 100)).toBeLessThanOrEqual(ENCODER_NOISE_MAX_UM);
    actuator.clearFaults();
    expect(Math.abs(actuator.readEncoderUm())).toBeLessThanOrEqual(ENCODER_NOISE_MAX_UM);
  });

  it('a frozen encoder repeats one value while the axis moves', () => {
    const actuator = homed();
    actuator.freezeEncoder();
    const frozenUm = actuator.readEncoderUm();
    actuator.setSetpointUm(400);
    steps(actuator, 30);
    expect(actuator.physicalUm).toBe(400);
    for (let i = 0; i < 10; i++) expect(actuator.readEncoderUm()).toBe(frozenUm);
    actuator.clearFaults();
    expect(Math.abs(actuator.readEncoderUm() - 400)).toBeLessThanOrEqual(ENCODER_NOISE_MAX_UM);
  });

  it('a runaway drives outward past the setpoint; a retract command still retracts', () => {
    const actuator = homed();
    actuator.setSetpointUm(200);
    steps(actuator, 20);
    actuator.startRunaway(5);
    steps(actuator, 40);
    expect(actuator.physicalUm).toBe(400);
    actuator.setSetpointUm(0);
    steps(actuator, 30);
    expect(actuator.physicalUm).toBe(0);
  });

  it('a power cycle keeps the position and restarts the encoder at 0', () => {
    const actuator = homed();
    actuator.setSetpointUm(300);
    steps(actuator, 30);
    actuator.powerCycle();
    steps(actuator, 10);
    expect(actuator.physicalUm).toBe(300);
    expect(Math.abs(actuator.readEncoderUm())).toBeLessThanOrEqual(ENCODER_NOISE_MAX_UM);
  });

  it('ignores a non-finite setpoint (holds position)', () => {
    const actuator = homed();
    actuator.setSetpointUm(100);
    steps(actuator, 10);
    actuator.setSetpointUm(Number.NaN);
    actuator.setSetpointUm(Infinity);
    steps(actuator, 10);
    expect(actuator.physicalUm).toBe(100);
  });
});
