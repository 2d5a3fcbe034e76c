// Sensor snapshot: every peripheral read once per tick into reused fields, with non-finite readings made fail-safe.
import type { PenHardware } from './hal.js';

/**
 * The readings one tick works from. A non-finite reading is replaced by the value that trips its
 * check: current -> Infinity (over-current), battery -> 0 (brown-out); the encoder is kept as read
 * (the limiter refuses non-finite readings); a non-finite stroke counter keeps the previous value.
 */
export class Sensors {
  encoderUm = 0;
  motorCurrentMa = 0;
  batteryMv = 0;
  contact = false;
  cartridgeId = 0;
  needleCount = 0;
  strokeCounter: number;

  constructor(private readonly hardware: PenHardware) {
    const counter = hardware.readStrokeCounter();
    this.strokeCounter = Number.isFinite(counter) ? counter : 0;
  }

  /** Reads every sensor once. Allocates nothing. */
  sample(): void {
    const hardware = this.hardware;
    this.encoderUm = hardware.readDepthEncoderUm();
    const currentMa = hardware.readMotorCurrentMa();
    this.motorCurrentMa = Number.isFinite(currentMa) ? currentMa : Infinity;
    const batteryMv = hardware.readBatteryMv();
    this.batteryMv = Number.isFinite(batteryMv) ? batteryMv : 0;
    this.contact = hardware.readSkinContact();
    const cartridge = hardware.readCartridge();
    this.cartridgeId = cartridge === null ? 0 : cartridge.id >>> 0;
    this.needleCount = cartridge === null ? 0 : cartridge.needleCount;
    const counter = hardware.readStrokeCounter();
    if (Number.isFinite(counter)) this.strokeCounter = counter;
  }

  /** Reads the depth encoder again (after zeroing it). */
  sampleEncoder(): void {
    this.encoderUm = this.hardware.readDepthEncoderUm();
  }
}
