// One simulated pen: physics-backed hardware plus the firmware running on it, stepped 1 ms at a time.
import type { CreateFirmware, Firmware } from '../firmware/api.js';
import type { DeviceClock } from '../firmware/hal.js';
import { SeededRandom } from './random.js';
import { SimulatedHardware } from './simulated-hardware.js';

/** Default state of charge of a simulated pen, percent. */
export const DEFAULT_BATTERY_PERCENT = 80;

export interface SimulatedPenOptions {
  readonly seed: number;
  /** EEPROM image (from encodeConfigBlock, or raw bytes for a corrupt block). */
  readonly configBlock: Uint8Array;
  readonly createFirmware: CreateFirmware;
  /** Cartridge inserted at power-on; null (the default) for none. */
  readonly cartridge?: { readonly id: number; readonly needleCount: number } | null;
  readonly batteryPercent?: number;
}

/**
 * Owns the hardware and the firmware. `step()` advances exactly 1 ms: physics, then one
 * firmware tick. Bytes the firmware transmits are collected until `takeTransmitted()`.
 */
export class SimulatedPen {
  readonly hardware: SimulatedHardware;
  private readonly createFirmware: CreateFirmware;
  private firmware: Firmware;
  private uptimeMsValue = 0;
  private bootCountValue = 1;
  private rebootInMs = -1;
  private supplied = true;
  private outbox: Uint8Array[] = [];
  private readonly deviceClock: DeviceClock = { nowTick: () => this.uptimeMsValue >>> 0 };

  constructor(options: SimulatedPenOptions) {
    this.hardware = new SimulatedHardware({
      random: new SeededRandom(options.seed),
      configBlock: options.configBlock,
      batteryPercent: options.batteryPercent ?? DEFAULT_BATTERY_PERCENT,
      cartridge: options.cartridge ?? null,
    });
    this.hardware.setUartSink((bytes) => this.outbox.push(bytes));
    this.createFirmware = options.createFirmware;
    this.firmware = this.createFirmware(this.hardware, this.deviceClock);
  }

  /** Device time: ms since the last power-on (what the firmware's DeviceClock reads). */
  get uptimeMs(): number {
    return this.uptimeMsValue;
  }

  /** Number of firmware boots (1 after construction; +1 per power cycle). */
  get bootCount(): number {
    return this.bootCountValue;
  }

  /** True while a brown-out is pending its reboot. */
  get isBrownedOut(): boolean {
    return this.rebootInMs >= 0;
  }

  /** True while the pen's supply is connected (see setSupplyConnected). */
  get isSupplied(): boolean {
    return this.supplied;
  }

  /**
   * Connects or disconnects the pen's supply (a bench power relay). Disconnected, the firmware is not
   * running: no ticks, no UART either way, device time stands still, the motor coasts. Reconnected, the
   * pen power-on resets (a fresh firmware boots: self-test and homing). A pending brown-out is cancelled.
   */
  setSupplyConnected(connected: boolean): void {
    if (connected === this.supplied) return;
    this.supplied = connected;
    this.rebootInMs = -1;
    this.hardware.setSupplyCollapsed(false);
    this.hardware.setSupplyConnected(connected);
    if (connected) this.powerCycle();
  }

  /** Advances exactly 1 ms: a due brown-out reboot, then physics, then one firmware tick (none while unsupplied). Allocation-free. */
  step(): void {
    if (!this.supplied) {
      this.hardware.stepPhysics();
      return;
    }
    if (this.rebootInMs === 0) {
      this.rebootInMs = -1;
      this.hardware.setSupplyCollapsed(false);
      this.powerCycle();
    }
    this.hardware.stepPhysics();
    this.uptimeMsValue++;
    this.firmware.tick();
    if (this.rebootInMs > 0) this.rebootInMs--;
  }

  /** UART receive: hands host bytes to the firmware's receive interrupt at once. */
  deliverToPen(bytes: Uint8Array): void {
    if (bytes.length > 0 && this.supplied) this.firmware.onUartReceive(bytes);
  }

  /** True when the firmware transmitted bytes not yet taken. */
  hasTransmitted(): boolean {
    return this.outbox.length > 0;
  }

  /** Pen-to-host bytes transmitted since the last call, concatenated in order; null when none. */
  takeTransmitted(): Uint8Array | null {
    if (this.outbox.length === 0) return null;
    const chunks = this.outbox;
    this.outbox = [];
    if (chunks.length === 1) return chunks[0] as Uint8Array;
    let size = 0;
    for (const chunk of chunks) size += chunk.length;
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  }

  /**
   * Power-on reset: RAM state is lost (a fresh firmware from createFirmware), device time
   * restarts at 0, volatile peripherals reset; the physical world (depth, charge, cartridge) is kept.
   */
  powerCycle(): void {
    this.hardware.powerCycle();
    this.uptimeMsValue = 0;
    this.bootCountValue++;
    this.firmware = this.createFirmware(this.hardware, this.deviceClock);
  }

  /**
   * Brown-out: the supply collapses now and the firmware keeps ticking on it for
   * `rebootAfterMs` ms (it may detect the collapse), then the pen power-cycles and the supply recovers.
   * Throws RangeError for a negative or non-integer delay.
   */
  brownOut(rebootAfterMs: number): void {
    if (!Number.isInteger(rebootAfterMs) || rebootAfterMs < 0) throw new RangeError(`rebootAfterMs ${rebootAfterMs}`);
    this.hardware.setSupplyCollapsed(true);
    this.rebootInMs = rebootAfterMs;
  }

  /** Cancels a pending brown-out reboot and restores the supply (fault cleared). */
  cancelBrownOut(): void {
    this.rebootInMs = -1;
    this.hardware.setSupplyCollapsed(false);
  }
}
