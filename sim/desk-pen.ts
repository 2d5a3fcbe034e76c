// The desktop simulator's pen: the simulated pen in real time on an open port, through the simulated link, with fault injection and the desk's STOP/ESTOP.
import type { Duplex } from 'node:stream';
import { encodeConfigBlock } from '../firmware/config.js';
import type { FirmwareDiagnostics, PenFirmware } from '../firmware/diagnostics.js';
import { createPenFirmware } from '../firmware/pen-firmware.js';
import { LEASE_MS } from '../src/limits/index.js';
import type { SkuCode } from '../src/protocol/index.js';
import { DeskPanel, withoutDeskAck, type DeskRealtime } from './desk-panel.js';
import { DeskWatch } from './desk-watch.js';
import { FaultInjector, type FaultSpec } from './faults.js';
import type { InjectionOutcome } from './injection-watch.js';
import { SimulatedLink } from './link.js';
import { DEFAULT_NEEDLE_COUNT } from './pen-simulation.js';
import { SeededRandom } from './random.js';
import { SimulatedPen } from './simulated-pen.js';

/** Real-time scheduler period: the pen catches up every this many ms, one 1 ms step at a time. */
export const DESK_PERIOD_MS = 2;

export interface DeskPenOptions {
  /** An open port whose other end the host uses (a pty end, a USB gadget, an in-memory pair). */
  readonly port: Duplex;
  readonly sku: SkuCode;
  readonly seed: number;
  /** Default: derived from the seed. */
  readonly serialNumber?: number;
  /** Default: a fresh cartridge, id derived from the seed, DEFAULT_NEEDLE_COUNT needles; null for none. */
  readonly cartridge?: { readonly id: number; readonly needleCount: number } | null;
  readonly batteryPercent?: number;
}

/** Observes the pen from the desk. NOTE: called on the pen's 1 ms path: it must only record, never block. */
export interface DeskPenObserver {
  /** Bytes the pen transmitted in the step at desk time `nowMs` (what the pen said, before the link). */
  transmitted(bytes: Uint8Array, nowMs: number): void;
  /** Host bytes the link delivered to the pen's UART at desk time `nowMs`. */
  received(bytes: Uint8Array, nowMs: number): void;
  /** An injection's outcome changed. */
  injection(outcome: InjectionOutcome): void;
}

const NO_OBSERVER: DeskPenObserver = { transmitted: () => {}, received: () => {}, injection: () => {} };

/**
 * Steps the pen in real time (every DESK_PERIOD_MS it runs the 1 ms steps that are due). Each
 * step: host bytes due on the link reach the pen's UART, the pen steps, its transmission goes on
 * the link, bytes due reach the port. Desk time (`nowMs`) is monotonic across pen reboots.
 */
export class DeskPen {
  readonly pen: SimulatedPen;
  readonly link = new SimulatedLink();
  readonly faults: FaultInjector;
  readonly serialNumber: number;
  private firmware: PenFirmware | null = null;
  private readonly port: Duplex;
  private readonly panel = new DeskPanel();
  private readonly watch: DeskWatch;
  private observer: DeskPenObserver = NO_OBSERVER;
  private simMs = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private portWriteErrors = 0;
  private readonly onData = (chunk: Buffer): void => this.link.send('toPen', new Uint8Array(chunk), this.simMs);
  private readonly onPortError = (): void => void this.portWriteErrors++;
  private readonly receiveOnPen = (bytes: Uint8Array): boolean => {
    this.panel.noteHostBytes(bytes, this.simMs);
    this.pen.deliverToPen(bytes);
    this.observer.received(bytes, this.simMs);
    return true;
  };
  private readonly writeToPort = (bytes: Uint8Array): boolean => {
    if (!this.isPortWritable) return false;
    try {
      this.port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return true;
    } catch {
      this.portWriteErrors++;
      return false;
    }
  };

  constructor(options: DeskPenOptions) {
    // Derivations as PenSimulation's: the same seed gives the same serial number and cartridge.
    const random = new SeededRandom(options.seed);
    const derivedSerialNumber = random.integerBetween(1, 99_999_999);
    const defaultCartridgeId = random.integerBetween(1, 0xffffffff);
    this.serialNumber = options.serialNumber ?? derivedSerialNumber;
    this.pen = new SimulatedPen({
      seed: random.integerBetween(0, 0xffffffff),
      configBlock: encodeConfigBlock({ sku: options.sku, serialNumber: this.serialNumber, leaseMs: LEASE_MS }),
      createFirmware: (hardware, clock) => (this.firmware = createPenFirmware(hardware, clock)),
      cartridge:
        options.cartridge === undefined
          ? { id: defaultCartridgeId, needleCount: DEFAULT_NEEDLE_COUNT }
          : options.cartridge,
      ...(options.batteryPercent === undefined ? {} : { batteryPercent: options.batteryPercent }),
    });
    this.faults = new FaultInjector(this.pen, this.link, random.derive(3), () => this.simMs);
    this.watch = new DeskWatch(
      this.pen,
      this.faults,
      () => this.diagnostics(),
      (outcome) => this.observer.injection(outcome),
    );
    this.port = options.port;
    this.port.on('data', this.onData);
    this.port.on('error', this.onPortError);
  }

  /** Desk time: pen ms stepped since the desk started (monotonic across reboots). */
  get nowMs(): number {
    return this.simMs;
  }

  /** The running firmware's diagnostic view. */
  diagnostics(): FirmwareDiagnostics {
    return (this.firmware as PenFirmware).diagnostics();
  }

  /** True while bytes can still be written to the port (false once it closed or failed). */
  get isPortWritable(): boolean {
    const port = this.port as Duplex & { isOpen?: boolean };
    return port.writable && !port.destroyed && port.isOpen !== false;
  }

  /** Port writes that threw or errored so far (a closed host end). */
  get portErrors(): number {
    return this.portWriteErrors;
  }

  /** Strokes the motor made while the tip touched skin, times the cartridge's needles, since the desk started (physics). */
  get punctures(): number {
    return this.watch.punctures;
  }

  /** Sets the one observer (replacing any before). */
  observe(observer: DeskPenObserver | null): void {
    this.observer = observer ?? NO_OBSERVER;
  }

  /** Starts the real-time clock. Idempotent. */
  start(): void {
    if (this.timer !== null) return;
    const startedAtMs = performance.now() - this.simMs;
    this.timer = setInterval(() => this.advanceTo(Math.floor(performance.now() - startedAtMs)), DESK_PERIOD_MS);
  }

  /** Stops the clock and stops listening to the port; the caller closes the port. Idempotent. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.port.off('data', this.onData);
  }

  /** Runs every 1 ms step up to desk time `nowMs` (the real-time clock calls it; tests may too). */
  advanceTo(nowMs: number): void {
    while (this.simMs < nowMs) this.stepOnce();
  }

  /** Skin contact at the tip: the operator's hand touches (true) or lifts off (false). */
  setContact(contact: boolean): void {
    this.pen.hardware.skin.setContact(contact);
  }

  /**
   * The desk's STOP or ESTOP: a realtime frame to the pen's UART, between two host frames, acted on
   * by the firmware as a host's would be (it reports STOP_HOST, or latches ESTOP). Returns false
   * when 8 are already waiting.
   */
  requestRealtime(name: DeskRealtime): boolean {
    if (!this.panel.request(name)) return false;
    this.deliverDeskFrames();
    return true;
  }

  /** Injects a fault now and starts watching it. Throws RangeError for a spec the injector refuses. */
  inject(spec: FaultSpec): InjectionOutcome {
    return this.watch.inject(spec, this.simMs);
  }

  /** Switches the pen off and on: RAM lost, self-test and homing again; the physical world is kept. */
  powerCycle(): void {
    this.pen.powerCycle();
  }

  private stepOnce(): void {
    const nowMs = ++this.simMs;
    this.link.deliver('toPen', nowMs, this.receiveOnPen);
    this.deliverDeskFrames();
    this.pen.step();
    const transmitted = this.pen.takeTransmitted();
    if (transmitted !== null) this.transmit(transmitted, nowMs);
    this.link.deliver('toHost', nowMs, this.writeToPort);
    this.watch.step(nowMs);
  }

  private transmit(bytes: Uint8Array, nowMs: number): void {
    this.link.send('toHost', bytes, nowMs);
    this.observer.transmitted(bytes, nowMs);
  }

  private deliverDeskFrames(): void {
    for (let frame = this.panel.takeDue(this.simMs); frame !== null; frame = this.panel.takeDue(this.simMs)) {
      const before = this.pen.takeTransmitted();
      if (before !== null) this.transmit(before, this.simMs);
      this.pen.deliverToPen(frame.bytes);
      const answer = this.pen.takeTransmitted();
      const forHost = answer === null ? null : withoutDeskAck(answer, frame.seq);
      if (forHost !== null) this.transmit(forHost, this.simMs);
    }
  }
}
