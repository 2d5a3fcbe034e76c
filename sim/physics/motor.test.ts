// Stroke motor physics: spin-up with inertia, stroke counting, current model, stall, short and power loss.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.js';
import {
  MOTOR_BASE_CURRENT_MA,
  MOTOR_CURRENT_NOISE_MA,
  MOTOR_SHORT_CURRENT_MA,
  MOTOR_SKIN_LOAD_CURRENT_MA,
  MOTOR_STALL_CURRENT_MA,
  StrokeMotor,
} from './motor.js';

function run(motor: StrokeMotor, ms: number, contact = false): void {
  for (let i = 0; i < ms; i++) motor.step(contact);
}

describe('stroke motor', () => {
  it('spins up with a 25 ms time constant and settles at the command', () => {
    const motor = new StrokeMotor(new SeededRandom(1));
    motor.setCommandHz(100);
    run(motor, 25);
    expect(motor.strokeRateHz).toBeGreaterThan(62);
    expect(motor.strokeRateHz).toBeLessThan(65);
    run(motor, 375);
    expect(motor.strokeRateHz).toBeCloseTo(100, 2);
  });

  it('counts whole strokes monotonically: 100 per second at 100 Hz', () => {
    const motor = new StrokeMotor(new SeededRandom(1));
    motor.setCommandHz(100);
    run(motor, 300);
    const before = motor.strokeCount;
    let last = before;
    for (let i = 0; i < 1000; i++) {
      motor.step(false);
      expect(motor.strokeCount).toBeGreaterThanOrEqual(last);
      last = motor.strokeCount;
    }
    expect(last - before).toBe(100);
  });

  it('draws nothing when off and base + rate + skin load when running', () => {
    const motor = new StrokeMotor(new SeededRandom(2));
    run(motor, 10);
    expect(motor.currentDrawMa).toBe(0);
    motor.setCommandHz(100);
    run(motor, 400);
    expect(Math.abs(motor.currentDrawMa - (MOTOR_BASE_CURRENT_MA + 100))).toBeLessThanOrEqual(MOTOR_CURRENT_NOISE_MA);
    run(motor, 1, true);
    const loadedMa = MOTOR_BASE_CURRENT_MA + 100 + MOTOR_SKIN_LOAD_CURRENT_MA;
    expect(Math.abs(motor.currentDrawMa - loadedMa)).toBeLessThanOrEqual(MOTOR_CURRENT_NOISE_MA);
  });

  it('a stall stops the rotor and the counter and draws the locked-rotor current', () => {
    const motor = new StrokeMotor(new SeededRandom(3));
    motor.setCommandHz(120);
    run(motor, 300);
    motor.setStalled(true);
    run(motor, 50);
    expect(motor.strokeRateHz).toBe(0);
    const count = motor.strokeCount;
    run(motor, 500);
    expect(motor.strokeCount).toBe(count);
    expect(Math.abs(motor.currentDrawMa - MOTOR_STALL_CURRENT_MA)).toBeLessThanOrEqual(MOTOR_CURRENT_NOISE_MA);
    motor.setStalled(false);
    run(motor, 300);
    expect(motor.strokeRateHz).toBeCloseTo(120, 1);
  });

  it('a shorted winding draws the short-circuit current while driven, nothing when off', () => {
    const motor = new StrokeMotor(new SeededRandom(4));
    motor.setShorted(true);
    motor.setCommandHz(80);
    run(motor, 5);
    expect(Math.abs(motor.currentDrawMa - MOTOR_SHORT_CURRENT_MA)).toBeLessThanOrEqual(MOTOR_CURRENT_NOISE_MA);
    motor.setCommandHz(0);
    run(motor, 1);
    expect(motor.currentDrawMa).toBe(0);
  });

  it('coasts down without supply and draws nothing', () => {
    const motor = new StrokeMotor(new SeededRandom(5));
    motor.setCommandHz(150);
    run(motor, 300);
    motor.setPowered(false);
    run(motor, 40);
    expect(motor.strokeRateHz).toBeLessThan(150 * 0.4);
    expect(motor.currentDrawMa).toBe(0);
    run(motor, 1000);
    expect(motor.strokeRateHz).toBe(0);
  });

  it('treats negative and non-finite commands as off and clamps above the physical maximum', () => {
    const motor = new StrokeMotor(new SeededRandom(6));
    for (const hz of [-5, Number.NaN, -Infinity]) {
      motor.setCommandHz(hz);
      expect(motor.commandHz).toBe(0);
    }
    motor.setCommandHz(Infinity);
    expect(motor.commandHz).toBe(0);
    motor.setCommandHz(10_000);
    expect(motor.commandHz).toBe(200);
  });

  it('a power cycle restarts the stroke counter at 0 and drops the command', () => {
    const motor = new StrokeMotor(new SeededRandom(7));
    motor.setCommandHz(100);
    run(motor, 500);
    expect(motor.strokeCount).toBeGreaterThan(30);
    motor.powerCycle();
    expect(motor.strokeCount).toBe(0);
    expect(motor.commandHz).toBe(0);
  });
});
