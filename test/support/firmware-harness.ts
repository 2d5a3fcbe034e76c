// Test support: an ideal fake PenHardware and a harness that drives the firmware tick by tick over decoded frames.
import {
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  SlipStreamDecoder,
  Sku,
  decodeFrame,
  encodeFrame,
  slipEncode,
  type Message,
  type MessageName,
  type Payload,
} from '../../src/protocol/index.js';
import type { PenConfig } from '../../firmware/api.js';
import { encodeConfigBlock } from '../../firmware/config.js';
import type { CartridgeReading, DeviceClock, PenHardware } from '../../firmware/hal.js';
import { createPenFirmware, type PenFirmware } from '../../firmware/pen-firmware.js';

/** Fake actuator speed, um per ms (no lag). */
export const FAKE_ACTUATOR_UM_PER_MS = 20;
/** Fake motor time constant, ms. */
export const FAKE_MOTOR_TAU_MS = 20;
/** Fake outer hard stop, um. */
export const FAKE_TRAVEL_MAX_UM = 3000;

export type MessageOf<N extends MessageName> = Extract<Message, { name: N }>;

/**
 * An ideal pen: the actuator follows its setpoint at a fixed speed between hard stops 0 and
 * FAKE_TRAVEL_MAX_UM, the encoder reads position - offset (0 at power-on), the home switch closes
 * at 0, the motor follows its command with a first-order lag. Public fields are the test's back door.
 */
export class FakeHardware implements PenHardware {
  positionUm: number;
  encoderOffsetUm: number;
  actuatorSetpointUm = 0;
  actuatorWrites = 0;
  motorCommandHz = 0;
  motorRateHz = 0;
  strokeTotal = 0;
  batteryMv = 4000;
  contact = false;
  cartridge: CartridgeReading | null = { id: 0x1234, needleCount: 16 };
  configBlock: Uint8Array;
  /** Faults: frozen reading, fixed reading, outward runaway (um/ms while setpoint > 0), locked rotor, extra current. */
  frozenReadingUm: number | null = null;
  encoderOverrideUm: number | null = null;
  runawayUmPerMs = 0;
  motorStalled = false;
  extraCurrentMa = 0;
  homeSwitchBroken = false;
  readonly uartChunks: Uint8Array[] = [];

  constructor(powerOnPositionUm = 100, config: PenConfig = { sku: Sku.PRO, serialNumber: 42, leaseMs: 200 }) {
    this.positionUm = powerOnPositionUm;
    this.encoderOffsetUm = powerOnPositionUm;
    this.configBlock = encodeConfigBlock(config);
  }

  /** Advances the physics by 1 ms. */
  stepPhysics(): void {
    if (this.runawayUmPerMs > 0 && this.actuatorSetpointUm > 0) this.positionUm += this.runawayUmPerMs;
    else {
      const errorUm = this.actuatorSetpointUm + this.encoderOffsetUm - this.positionUm;
      this.positionUm += Math.max(-FAKE_ACTUATOR_UM_PER_MS, Math.min(FAKE_ACTUATOR_UM_PER_MS, errorUm));
    }
    this.positionUm = Math.max(0, Math.min(FAKE_TRAVEL_MAX_UM, this.positionUm));
    if (this.motorStalled) this.motorRateHz = 0;
    else this.motorRateHz += (this.motorCommandHz - this.motorRateHz) / FAKE_MOTOR_TAU_MS;
    this.strokeTotal += this.motorRateHz / 1000;
  }

  setDepthActuatorUm(targetUm: number): void {
    this.actuatorSetpointUm = targetUm;
    this.actuatorWrites++;
  }
  readDepthEncoderUm(): number {
    if (this.encoderOverrideUm !== null) return this.encoderOverrideUm;
    if (this.frozenReadingUm !== null) return this.frozenReadingUm;
    return Math.round(this.positionUm - this.encoderOffsetUm);
  }
  zeroDepthEncoder(): void {
    this.encoderOffsetUm = this.positionUm;
  }
  readHomeSwitch(): boolean {
    return !this.homeSwitchBroken && this.positionUm <= 0;
  }
  setMotorStrokeHz(strokeHz: number): void {
    this.motorCommandHz = strokeHz;
  }
  readStrokeCounter(): number {
    return Math.floor(this.strokeTotal);
  }
  readMotorCurrentMa(): number {
    return (this.motorCommandHz > 0 ? 60 + Math.round(this.motorRateHz) : 0) + this.extraCurrentMa;
  }
  readSkinContact(): boolean {
    return this.contact;
  }
  readBatteryMv(): number {
    return this.batteryMv;
  }
  readCartridge(): CartridgeReading | null {
    return this.cartridge;
  }
  readConfigBlock(): Uint8Array {
    return this.configBlock.slice();
  }
  uartWrite(bytes: Uint8Array): void {
    this.uartChunks.push(bytes.slice());
  }
}

export interface HarnessOptions {
  /** Device tick at power-on (u32; default 0): a value near 2^32 runs the firmware across the clock's wrap. */
  readonly startTick?: number;
  readonly config?: PenConfig;
  readonly configBlock?: Uint8Array;
  readonly powerOnPositionUm?: number;
  /** Changes to the fake before the firmware is created. */
  readonly prepare?: (hardware: FakeHardware) => void;
}

/** Drives one firmware over a FakeHardware in virtual time; decodes everything it transmits. */
export class FirmwareHarness implements DeviceClock {
  readonly hardware: FakeHardware;
  readonly firmware: PenFirmware;
  /** Every frame the pen sent, decoded, in order; `received` is drained by `take()`. */
  readonly log: Message[] = [];
  received: Message[] = [];
  nextSeq = 0;
  private ticks = 0;
  private readonly startTick: number;
  private decodedChunks = 0;
  private readonly decoder = new SlipStreamDecoder(MAX_FRAME_BYTES, (frame) => {
    const result = decodeFrame(frame);
    if (!result.ok) throw new Error(`pen sent an invalid frame: reason ${result.rejection.reason}`);
    this.log.push(result.message);
    this.received.push(result.message);
  });

  constructor(options: HarnessOptions = {}) {
    this.startTick = options.startTick ?? 0;
    this.hardware = new FakeHardware(options.powerOnPositionUm, options.config);
    if (options.configBlock) this.hardware.configBlock = options.configBlock;
    options.prepare?.(this.hardware);
    this.firmware = createPenFirmware(this.hardware, this);
  }

  /** The device tick (u32), as the firmware's DeviceClock reads it. */
  nowTick(): number {
    return (this.startTick + this.ticks) >>> 0;
  }

  /** The device tick, for comparisons with deviceTickMs fields. */
  nowMs(): number {
    return this.nowTick();
  }

  /** Ticks stepped since power-on. */
  get elapsedTicks(): number {
    return this.ticks;
  }

  /** Advances `ms` ticks: time, physics, then firmware.tick(), as a board (or the simulator) does. */
  step(ms = 1): void {
    for (let i = 0; i < ms; i++) {
      this.ticks++;
      this.hardware.stepPhysics();
      this.firmware.tick();
    }
    this.decodeUart();
  }

  /** Advances `ms` ticks, sending a HEARTBEAT (next seq) every `periodMs`, first at once. */
  stepWithHeartbeats(ms: number, periodMs = 50): void {
    for (let elapsed = 0; elapsed < ms; elapsed++) {
      if (elapsed % periodMs === 0) {
        this.sendFrame('HEARTBEAT', this.nextSeq, {});
        this.nextSeq = (this.nextSeq + 1) & 0xffff;
      }
      this.step();
    }
  }

  /** Steps until `predicate` holds (checked after each tick); throws after `limitMs`. Returns ticks taken. */
  stepUntil(predicate: () => boolean, limitMs: number): number {
    for (let ms = 1; ms <= limitMs; ms++) {
      this.step();
      if (predicate()) return ms;
    }
    throw new Error(`condition not met within ${limitMs} ms`);
  }

  /** Steps through boot, self-test and homing to IDLE. */
  boot(): void {
    this.stepUntil(() => this.firmware.diagnostics().state === 5, 2000);
  }

  /** Delivers raw bytes to the UART receive interrupt. */
  sendBytes(bytes: Uint8Array): void {
    this.firmware.onUartReceive(bytes);
    this.decodeUart();
  }

  /** Sends one encoded frame. */
  sendFrame<N extends MessageName>(name: N, seq: number, payload: Payload<N>): void {
    this.sendBytes(slipEncode(encodeFrame(name, seq, payload)));
  }

  /** HELLO (any seq), one tick; adopts INFO.nextSeq; returns INFO. */
  connect(protocolVersion = PROTOCOL_VERSION): Payload<'INFO'> {
    this.take();
    this.sendFrame('HELLO', 0x7777, { protocolVersion });
    this.step();
    const info = this.take().find((m): m is MessageOf<'INFO'> => m.name === 'INFO');
    if (!info) throw new Error('no INFO');
    this.nextSeq = info.payload.nextSeq;
    return info.payload;
  }

  /** Sends a command with the next seq, steps one tick, returns its ACK or NAK. */
  command<N extends MessageName>(name: N, payload: Payload<N>): MessageOf<'ACK'> | MessageOf<'NAK'> {
    const seq = this.nextSeq;
    this.nextSeq = (this.nextSeq + 1) & 0xffff;
    this.sendFrame(name, seq, payload);
    this.step();
    const answer = this.answerFor(seq);
    if (!answer) throw new Error(`no answer to ${name} seq ${seq}`);
    return answer;
  }

  /** The latest ACK/NAK answering `seq` among the undrained frames. */
  answerFor(seq: number): MessageOf<'ACK'> | MessageOf<'NAK'> | undefined {
    for (let i = this.received.length - 1; i >= 0; i--) {
      const m = this.received[i] as Message;
      if (m.name === 'ACK' && m.payload.ackedSeq === seq) return m;
      if (m.name === 'NAK' && m.payload.refusedSeq === seq) return m;
    }
    return undefined;
  }

  /** Drains and returns the frames received since the last take. */
  take(): Message[] {
    this.decodeUart();
    const out = this.received;
    this.received = [];
    return out;
  }

  /** Undrained frames of one kind. */
  framesNamed<N extends MessageName>(name: N): MessageOf<N>[] {
    this.decodeUart();
    return this.received.filter((m): m is MessageOf<N> => m.name === name);
  }

  /** Connects and arms with a depth and rate; returns after the ARM's ACK. */
  arm(depthUm: number, strokeHz = 100): void {
    if (!this.firmware.diagnostics().connected) this.connect();
    this.command('SET_DEPTH', { depthUm });
    this.command('SET_SPEED', { strokeHz });
    const answer = this.command('ARM', {});
    if (answer.name !== 'ACK') throw new Error(`ARM refused: ${answer.payload.reason}`);
  }

  private decodeUart(): void {
    const chunks = this.hardware.uartChunks;
    for (; this.decodedChunks < chunks.length; this.decodedChunks++) {
      this.decoder.push(chunks[this.decodedChunks] as Uint8Array);
    }
  }
}
