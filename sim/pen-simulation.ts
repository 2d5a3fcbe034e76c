// Virtual-time runner: one simulated pen behind a mock serial port, host timers and the pen on one clock.
import type { BindingInterface } from '@serialport/bindings-interface';
import type { CreateFirmware, PenConfig } from '../firmware/api.js';
import { encodeConfigBlock } from '../firmware/config.js';
import { createFirmware } from '../firmware/pen-firmware.js';
import { LEASE_MS } from '../src/limits/index.js';
import type { SkuCode } from '../src/protocol/index.js';
import { VirtualClock } from '../src/clock/clock.js';
import { FaultInjector } from './faults.js';
import { SimulatedLink } from './link.js';
import { attachMockPort, simulatedPortBinding, type MockPortAttachment } from './mock-port.js';
import { drawPenDefaults, type PenDefaults } from './pen-defaults.js';
import { OperatorRunner, type OperatorIntent, type OperatorRunnerOptions, type OperatorStep } from './operator.js';
import { SeededRandom } from './random.js';
import { SimulatedPen } from './simulated-pen.js';

export { DEFAULT_NEEDLE_COUNT } from './pen-defaults.js';

export interface PenSimulationOptions {
  readonly seed: number;
  readonly sku: SkuCode;
  /** Default: derived from the seed. */
  readonly serialNumber?: number;
  /** Default LEASE_MS. */
  readonly leaseMs?: number;
  /** Default: a fresh cartridge (id derived from the seed, DEFAULT_NEEDLE_COUNT needles); null for none. */
  readonly cartridge?: { readonly id: number; readonly needleCount: number } | null;
  readonly batteryPercent?: number;
  /** Raw EEPROM image; when absent it is built from sku/serialNumber/leaseMs with encodeConfigBlock. */
  readonly configBlock?: Uint8Array;
  /** Default: the firmware's own encodeConfigBlock. */
  readonly encodeConfigBlock?: (config: PenConfig) => Uint8Array;
  /** Default: the real firmware. */
  readonly createFirmware?: CreateFirmware;
  readonly clock?: VirtualClock;
  /** Default: a unique `/dev/mnpen-sim-<n>`. */
  readonly portPath?: string;
  /** Largest chunk one host read returns, bytes (1 = every byte separately). */
  readonly maxReadBytes?: number;
}

/** Watches the pen from outside (the desktop page). NOTE: called on the 1 ms path: it must only record, never block. */
export interface SimulationObserver {
  /** Bytes the pen transmitted in the step at `nowMs` (what the pen said, before the link). */
  transmitted(bytes: Uint8Array, nowMs: number): void;
  /** Host bytes the link delivered to the pen's UART at `nowMs`. */
  received(bytes: Uint8Array, nowMs: number): void;
  /** The pen's step at `nowMs` is done. */
  stepped(nowMs: number): void;
}

/** A device stepped with the pen each 1 ms (e.g. an emulated bench fixture board). */
export interface SimulationPeripheral {
  /** Advances to `nowMs` (before the pen's step); returns true when bytes moved, so the event loop gets a turn. */
  step(nowMs: number): boolean;
}

let nextPortNumber = 1;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs a pen in virtual time. Each 1 ms step: host timers due (clock.advanceTo), operator steps,
 * peripheral steps, host-to-pen bytes due, pen.step(), pen-to-host bytes due. The event loop gets one setImmediate
 * only after a step in which bytes crossed the link, a host timer fired or an operator intent
 * was emitted (and once at the start of each advance/runUntil, so writes made just before land).
 * Only the simulation may advance the clock.
 */
export class PenSimulation {
  readonly clock: VirtualClock;
  readonly pen: SimulatedPen;
  readonly faults: FaultInjector;
  readonly link = new SimulatedLink();
  readonly portPath: string;
  readonly binding: BindingInterface = simulatedPortBinding;
  private readonly port: MockPortAttachment;
  private readonly operators: OperatorRunner[] = [];
  private readonly peripherals: SimulationPeripheral[] = [];
  private simMs = 0;
  private closed = false;
  private observer: SimulationObserver | null = null;
  private readonly receiveOnPen = (bytes: Uint8Array): boolean => {
    this.pen.deliverToPen(bytes);
    this.observer?.received(bytes, this.simMs);
    return true;
  };
  private readonly emitToHost = (bytes: Uint8Array): boolean => this.port.emitToHost(bytes);

  private constructor(
    options: PenSimulationOptions,
    configBlock: Uint8Array,
    random: SeededRandom,
    defaults: PenDefaults,
  ) {
    this.clock = options.clock ?? new VirtualClock();
    this.simMs = Math.ceil(this.clock.nowMs());
    this.pen = new SimulatedPen({
      seed: random.integerBetween(0, 0xffffffff),
      configBlock,
      createFirmware: options.createFirmware ?? createFirmware,
      cartridge: options.cartridge === undefined ? defaults.cartridge : options.cartridge,
      ...(options.batteryPercent === undefined ? {} : { batteryPercent: options.batteryPercent }),
    });
    this.faults = new FaultInjector(this.pen, this.link, random.derive(3), () => this.simMs);
    this.portPath = options.portPath ?? `/dev/mnpen-sim-${nextPortNumber++}`;
    this.port = attachMockPort({
      path: this.portPath,
      onHostBytes: (bytes) => this.link.send('toPen', bytes, this.simMs),
      ...(options.maxReadBytes === undefined ? {} : { maxReadBytes: options.maxReadBytes }),
    });
  }

  /**
   * Builds the pen (firmware booted at once, device time 0) and attaches its port. Throws Error
   * when the port path is taken.
   */
  static create(options: PenSimulationOptions): PenSimulation {
    const random = new SeededRandom(options.seed);
    const defaults = drawPenDefaults(random);
    const serialNumber = options.serialNumber ?? defaults.serialNumber;
    let configBlock = options.configBlock;
    if (configBlock === undefined) {
      configBlock = (options.encodeConfigBlock ?? encodeConfigBlock)({
        sku: options.sku,
        serialNumber,
        leaseMs: options.leaseMs ?? LEASE_MS,
      });
    }
    return new PenSimulation(options, configBlock, random, defaults);
  }

  /** Simulation time, ms (the clock's time once advance returns). */
  get nowMs(): number {
    return this.simMs;
  }

  /** True while a host has the port open. */
  get isHostConnected(): boolean {
    return this.port.isHostOpen;
  }

  /** Adds an operator hand working this pen's skin. It acts only after `runner.start(nowMs)`. */
  attachOperator(
    script: readonly OperatorStep[],
    onIntent: (intent: OperatorIntent) => void,
    options: OperatorRunnerOptions = {},
  ): OperatorRunner {
    const runner = new OperatorRunner(script, this.pen.hardware.skin, onIntent, options);
    this.operators.push(runner);
    return runner;
  }

  /** Sets the one observer (replacing any before; null for none). */
  observe(observer: SimulationObserver | null): void {
    this.observer = observer;
  }

  /** Adds a device stepped every 1 ms before the pen, until close(). */
  attachPeripheral(peripheral: SimulationPeripheral): void {
    this.peripherals.push(peripheral);
  }

  /** Advances `ms` whole milliseconds of virtual time. Throws Error after close(). */
  async advance(ms: number): Promise<void> {
    this.assertOpen();
    await yieldToEventLoop();
    for (let i = 0; i < ms; i++) if (this.stepOnce()) await yieldToEventLoop();
  }

  /**
   * Steps until `predicate()` holds (checked before the first step and after each) or `timeoutMs`
   * elapse. Resolves true when it held, false on timeout.
   */
  async runUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    this.assertOpen();
    await yieldToEventLoop();
    if (predicate()) return true;
    for (let i = 0; i < timeoutMs; i++) {
      if (this.stepOnce()) await yieldToEventLoop();
      if (predicate()) return true;
    }
    return false;
  }

  /** Detaches the port (no more bytes either way) and stops the simulation. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.port.detach();
    this.operators.length = 0;
    this.peripherals.length = 0;
    this.observer = null;
    await yieldToEventLoop();
  }

  private stepOnce(): boolean {
    const nowMs = ++this.simMs;
    let activity = this.clock.nextDueMs() <= nowMs;
    this.clock.advanceTo(nowMs);
    for (let i = 0; i < this.operators.length; i++)
      if ((this.operators[i] as OperatorRunner).update(nowMs)) activity = true;
    for (let i = 0; i < this.peripherals.length; i++)
      if ((this.peripherals[i] as SimulationPeripheral).step(nowMs)) activity = true;
    if (this.link.deliver('toPen', nowMs, this.receiveOnPen)) activity = true;
    this.pen.step();
    const transmitted = this.pen.takeTransmitted();
    if (transmitted !== null) {
      this.link.send('toHost', transmitted, nowMs);
      this.observer?.transmitted(transmitted, nowMs);
    }
    if (this.link.deliver('toHost', nowMs, this.emitToHost)) activity = true;
    this.observer?.stepped(nowMs);
    return activity;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('PenSimulation is closed');
  }
}
