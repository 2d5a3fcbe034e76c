// The pen's peripherals as the firmware sees them (PenHardware), implemented over the physics models.
import type { CartridgeReading, PenHardware } from '../firmware/hal.js';
import { Battery } from './physics/battery.js';
import { CartridgeSlot } from './physics/cartridge.js';
import { DepthActuator } from './physics/depth-actuator.js';
import { StrokeMotor } from './physics/motor.js';
import { Skin } from './physics/skin.js';
import type { SeededRandom } from './random.js';

export interface SimulatedHardwareOptions {
  /** Source of every physical random quantity (power-on position, noise). */
  readonly random: SeededRandom;
  /** EEPROM image as stored: normally from encodeConfigBlock, or any bytes (a corrupt block). */
  readonly configBlock: Uint8Array;
  /** Initial state of charge, percent. */
  readonly batteryPercent: number;
  /** Cartridge inserted at power-on, or null. */
  readonly cartridge: { readonly id: number; readonly needleCount: number } | null;
}

/** Receives each UART transmission from the firmware (already copied). */
export type UartSink = (bytes: Uint8Array) => void;

/**
 * Physics-backed PenHardware. Faults are states of the physics models (see faults.ts); this
 * class only maps register-level calls to them. Allocation-free except uartWrite and readConfigBlock.
 */
export class SimulatedHardware implements PenHardware {
  readonly actuator: DepthActuator;
  readonly motor: StrokeMotor;
  readonly battery: Battery;
  readonly cartridge = new CartridgeSlot();
  readonly skin = new Skin();
  private configBlock: Uint8Array;
  private uartSink: UartSink = () => {};
  private supplyConnected = true;

  constructor(options: SimulatedHardwareOptions) {
    this.actuator = new DepthActuator(options.random.derive(1));
    this.motor = new StrokeMotor(options.random.derive(2));
    this.battery = new Battery(options.batteryPercent);
    this.configBlock = options.configBlock.slice();
    if (options.cartridge !== null) this.cartridge.insert(options.cartridge.id, options.cartridge.needleCount);
  }

  /** Where uartWrite sends its bytes (the simulated link). */
  setUartSink(sink: UartSink): void {
    this.uartSink = sink;
  }

  /** Replaces the EEPROM image (e.g. a corrupted block before a power cycle). */
  writeConfigBlock(bytes: Uint8Array): void {
    this.configBlock = bytes.slice();
  }

  /** Advances every physical model by 1 ms. Unsupplied, the depth drive holds (self-locking) and nothing draws current. */
  stepPhysics(): void {
    if (this.supplyConnected) this.actuator.step();
    this.motor.step(this.skin.isInContact);
    if (this.supplyConnected) this.battery.step(this.motor.currentDrawMa);
  }

  /** Power-on reset of the peripherals' volatile state; positions, charge and cartridge are kept. */
  powerCycle(): void {
    this.actuator.powerCycle();
    this.motor.powerCycle();
  }

  /** Supply collapse (brown-out) or recovery: the motor loses its drive while collapsed. */
  setSupplyCollapsed(collapsed: boolean): void {
    this.battery.setCollapsed(collapsed);
    this.motor.setPowered(!collapsed && this.supplyConnected);
  }

  /** The pen's supply switched (a bench relay in the battery line): disconnected, the motor loses its drive and coasts. */
  setSupplyConnected(connected: boolean): void {
    this.supplyConnected = connected;
    this.motor.setPowered(connected && !this.battery.isCollapsed);
  }

  /** Voltage on the pen's supply rail, mV: the battery's terminal voltage, 0 while disconnected. */
  get supplyRailMv(): number {
    return this.supplyConnected ? this.battery.terminalMv : 0;
  }

  setDepthActuatorUm(targetUm: number): void {
    this.actuator.setSetpointUm(targetUm);
  }

  readDepthEncoderUm(): number {
    return this.actuator.readEncoderUm();
  }

  zeroDepthEncoder(): void {
    this.actuator.zeroEncoder();
  }

  readHomeSwitch(): boolean {
    return this.actuator.isHomeSwitchClosed();
  }

  setMotorStrokeHz(strokeHz: number): void {
    this.motor.setCommandHz(strokeHz);
  }

  readStrokeCounter(): number {
    return this.motor.strokeCount;
  }

  readMotorCurrentMa(): number {
    return this.motor.currentDrawMa;
  }

  readSkinContact(): boolean {
    return this.skin.isInContact;
  }

  readBatteryMv(): number {
    return this.battery.terminalMv;
  }

  readCartridge(): CartridgeReading | null {
    return this.cartridge.read();
  }

  /** A copy of the stored block: the firmware cannot alter the EEPROM image by writing to it. */
  readConfigBlock(): Uint8Array {
    return this.configBlock.slice();
  }

  uartWrite(bytes: Uint8Array): void {
    if (bytes.length > 0) this.uartSink(bytes.slice());
  }
}
