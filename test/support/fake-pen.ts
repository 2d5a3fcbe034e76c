// Scripted fake pen for link tests: the firmware's link rules (0001) with knobs to lose, repeat and delay frames.
import {
  MAX_FRAME_BYTES,
  MESSAGES,
  PROTOCOL_VERSION,
  PenState,
  SKU_MAX_DEPTH_UM,
  Reason,
  SlipStreamDecoder,
  Sku,
  decodeFrame,
  encodeFrame,
  slipEncode,
  type Message,
  type MessageName,
  type Payload,
} from '../../src/protocol/index.js';
import type { Clock } from '../../src/clock/clock.js';

/** How the fake pen answers an executed command. */
export type FakeAnswer = { ack: { note: number; appliedValue: number } } | { nak: number };

export interface FakePenOptions {
  readonly clock: Clock;
  /** Delivers pen bytes to the host (e.g. MemoryPort.emitData). */
  readonly toHost: (bytes: Uint8Array) => void;
  /** One-way delivery delay of pen frames, virtual ms (order is kept). Default 1. */
  readonly latencyMs?: number;
  /** Expected seq before the first HELLO. Default 0x0100. */
  readonly initialExpectedSeq?: number;
  readonly info?: Partial<Payload<'INFO'>>;
}

const ANSWER_MEMORY = 8;

/** Decodes SLIP bytes into every frame they hold, whatever its direction (for wire assertions). */
export function decodeWire(bytes: Uint8Array): Message[] {
  const messages: Message[] = [];
  const decoder = new SlipStreamDecoder(MAX_FRAME_BYTES, (frame) => {
    const result = decodeFrame(frame);
    if (result.ok) messages.push(result.message);
  });
  decoder.push(bytes);
  return messages;
}

/** A valid TELEMETRY payload with `overrides`. */
export function telemetryPayload(overrides: Partial<Payload<'TELEMETRY'>> = {}): Payload<'TELEMETRY'> {
  return {
    deviceTickMs: 1000,
    state: PenState.IDLE,
    faultCode: 0,
    flags: 0x06,
    commandedDepthUm: 0,
    measuredDepthUm: 0,
    commandedStrokeHz: 0,
    measuredStrokeHz: 0,
    strokeCount: 0,
    motorCurrentMa: 0,
    batteryMv: 3900,
    batteryPercent: 80,
    cartridgeId: 0x1234,
    needleCount: 12,
    lastStopReason: 0,
    ...overrides,
  };
}

/**
 * Pen side of the link rules: HELLO (any seq) moves the expected seq by 0x4000 and answers INFO;
 * the expected seq is executed and answered; one of the last 8 answered seqs gets its stored answer
 * again (not executed); any other seq gets NAK SEQUENCE_UNEXPECTED; realtime frames act on receipt.
 */
export class FakePen {
  /** Every decoded frame that reached the pen, in order. */
  readonly received: Message[] = [];
  /** Commands executed (first receipt of the expected seq), in order. */
  readonly executed: Message[] = [];
  /** Frames to the host that were lost or sent, by name, for assertions. */
  readonly sent: Message[] = [];
  answer: (command: Message) => FakeAnswer = defaultAnswer;
  /** Return true to lose a host frame before the pen sees it. */
  dropFromHost: (message: Message) => boolean = () => false;
  /** Return true to lose a pen frame on its way to the host. */
  dropToHost: (message: Message) => boolean = () => false;
  /** Return true to refuse a command with NAK QUEUE_FULL (not executed, expected seq kept). */
  queueFull: (command: Message) => boolean = () => false;
  duplicateToHost = false;
  silent = false;
  latencyMs: number;
  connected = false;
  expectedSeq: number;
  private txSeq = 0;
  private readonly answered: { seq: number; answer: FakeAnswer }[] = [];
  private readonly decoder = new SlipStreamDecoder(MAX_FRAME_BYTES, (frame) => this.handleFrame(frame));

  constructor(private readonly options: FakePenOptions) {
    this.latencyMs = options.latencyMs ?? 1;
    this.expectedSeq = options.initialExpectedSeq ?? 0x0100;
  }

  /** Host-to-pen bytes (any split). */
  receive(bytes: Uint8Array): void {
    this.decoder.push(bytes);
  }

  /** Power cycle: the link session and answer memory are lost. */
  reboot(): void {
    this.connected = false;
    this.answered.length = 0;
  }

  /** Sends one frame to the host with the pen's transmit counter as seq. */
  send<N extends MessageName>(name: N, payload: Payload<N>): void {
    const seq = this.txSeq;
    this.txSeq = (seq + 1) & 0xffff;
    this.deliver(slipEncode(encodeFrame(name, seq, payload)));
  }

  sendTelemetry(overrides: Partial<Payload<'TELEMETRY'>> = {}): void {
    this.send('TELEMETRY', telemetryPayload(overrides));
  }

  private deliver(bytes: Uint8Array): void {
    const message = decodeWire(bytes)[0] as Message;
    this.sent.push(message);
    if (this.silent || this.dropToHost(message)) return;
    const copies = this.duplicateToHost ? 2 : 1;
    for (let i = 0; i < copies; i++) this.options.clock.setTimer(this.latencyMs, () => this.options.toHost(bytes));
  }

  private handleFrame(frame: Uint8Array): void {
    const result = decodeFrame(frame);
    if (!result.ok) return;
    const message = result.message;
    if (this.dropFromHost(message)) return;
    this.received.push(message);
    if (message.name === 'HELLO') return this.handleHello(message.payload.protocolVersion);
    const kind = MESSAGES[message.name].kind;
    if (kind === 'realtime') return this.handleRealtime(message);
    if (kind === 'command') this.handleCommand(message);
  }

  private handleHello(protocolVersion: number): void {
    this.expectedSeq = (this.expectedSeq + 0x4000) & 0xffff;
    this.connected = protocolVersion === PROTOCOL_VERSION;
    this.answered.length = 0;
    this.send('INFO', { ...defaultInfo(), ...this.options.info, nextSeq: this.expectedSeq });
  }

  private handleRealtime(message: Message): void {
    if (message.name === 'STATUS_REQUEST') this.send<'STATUS'>('STATUS', telemetryPayload());
    else this.send('ACK', { ackedSeq: message.seq, note: 0, appliedValue: 0 });
  }

  private handleCommand(message: Message): void {
    if (!this.connected) {
      this.send('NAK', { refusedSeq: message.seq, reason: Reason.NOT_CONNECTED, expectedSeq: this.expectedSeq });
      return;
    }
    const stored = this.answered.find((entry) => entry.seq === message.seq);
    if (stored !== undefined) {
      this.sendAnswer(message.seq, stored.answer);
      return;
    }
    if (message.seq !== this.expectedSeq) {
      this.send('NAK', { refusedSeq: message.seq, reason: Reason.SEQUENCE_UNEXPECTED, expectedSeq: this.expectedSeq });
      return;
    }
    if (this.queueFull(message)) {
      this.send('NAK', { refusedSeq: message.seq, reason: Reason.QUEUE_FULL, expectedSeq: this.expectedSeq });
      return;
    }
    this.executed.push(message);
    this.expectedSeq = (this.expectedSeq + 1) & 0xffff;
    const answer = this.answer(message);
    this.answered.push({ seq: message.seq, answer });
    if (this.answered.length > ANSWER_MEMORY) this.answered.shift();
    this.sendAnswer(message.seq, answer);
  }

  private sendAnswer(commandSeq: number, answer: FakeAnswer): void {
    if ('ack' in answer) this.send('ACK', { ackedSeq: commandSeq, ...answer.ack });
    else this.send('NAK', { refusedSeq: commandSeq, reason: answer.nak, expectedSeq: (commandSeq + 1) & 0xffff });
  }
}

/** ACK with note NONE and the command's value (0 for commands without one). */
export function defaultAnswer(command: Message): FakeAnswer {
  const values = Object.values(command.payload as Record<string, number>);
  return { ack: { note: Reason.NONE, appliedValue: values[0] ?? 0 } };
}

function defaultInfo(): Payload<'INFO'> {
  return {
    protocolVersion: PROTOCOL_VERSION,
    firmwareMajor: 1,
    firmwareMinor: 0,
    firmwarePatch: 0,
    sku: Sku.HOME,
    serialNumber: 0xabcdef,
    maxDepthUm: SKU_MAX_DEPTH_UM[Sku.HOME],
    depthStepUm: 50,
    minStrokeHz: 50,
    maxStrokeHz: 150,
    leaseMs: 200,
    cartridgeId: 0x1234,
    needleCount: 12,
    batteryPercent: 80,
    batteryMv: 3900,
    configCrc: 0x5a5a,
    nextSeq: 0,
    state: PenState.IDLE,
    faultCode: 0,
  };
}
