// Scripted fake pen for link tests: the firmware's own Link with scripted answers and a back door that loses, repeats and delays frames.
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
  slipEncode,
  type Message,
  type MessageName,
  type Payload,
} from '../../src/protocol/index.js';
import type { Clock } from '../../src/clock/clock.js';
import { Link } from '../../firmware/link.js';

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
 * The pen side of the link is the firmware's `Link` (firmware/link.ts): HELLO, sequencing, the
 * whole-frame duplicate memory, the queue and the STOP flush are the real ones, its tick run as
 * soon as frames arrive. What the fake adds is scripted answers (`answer`) and a back door on the
 * wire: lose a frame either way, repeat or delay the pen's frames, refuse with QUEUE_FULL, inject
 * frames from another host, go silent, reboot.
 */
export class FakePen {
  /** Every decoded frame that reached the pen, in order. */
  readonly received: Message[] = [];
  /** Commands executed (the link handed them to the program), in order. */
  readonly executed: Message[] = [];
  /** Frames the pen transmitted (lost or delivered), for assertions. */
  readonly sent: Message[] = [];
  answer: (command: Message) => FakeAnswer = defaultAnswer;
  /** Return true to lose a host frame before the pen sees it. */
  dropFromHost: (message: Message) => boolean = () => false;
  /** Return true to lose a pen frame on its way to the host. */
  dropToHost: (message: Message) => boolean = () => false;
  /** Return true to refuse a command with NAK QUEUE_FULL (not queued: the link never sees it). */
  queueFull: (command: Message) => boolean = () => false;
  duplicateToHost = false;
  silent = false;
  latencyMs: number;
  private link: Link;
  private readonly decoder = new SlipStreamDecoder(MAX_FRAME_BYTES, (frame) => this.fromHost(frame));

  constructor(private readonly options: FakePenOptions) {
    this.latencyMs = options.latencyMs ?? 1;
    this.link = this.createLink(options.initialExpectedSeq ?? 0x0100);
  }

  get connected(): boolean {
    return this.link.connected;
  }

  /** Sequence number the link expects next. */
  get expectedSeq(): number {
    return this.link.expectedSeq;
  }

  /** Host-to-pen bytes (any split). */
  receive(bytes: Uint8Array): void {
    this.decoder.push(bytes);
  }

  /** Back door: frames from another host, straight into the link (not recorded, never dropped). */
  injectFromHost(bytes: Uint8Array): void {
    this.link.receive(bytes, this.nowTick());
    this.runTicks();
  }

  /** Power cycle: the link session and answer memory are lost (the expected seq is kept). */
  reboot(): void {
    this.link = this.createLink(this.link.expectedSeq);
  }

  /** Sends one frame to the host with the pen's transmit counter as seq. */
  send<N extends MessageName>(name: N, payload: Payload<N>): void {
    this.link.send(name, payload);
  }

  sendTelemetry(overrides: Partial<Payload<'TELEMETRY'>> = {}): void {
    this.send('TELEMETRY', telemetryPayload(overrides));
  }

  private createLink(initialExpectedSeq: number): Link {
    return new Link(
      (bytes) => this.deliver(bytes.slice()),
      {
        onStop: () => {},
        onHello: (_connected, info) => Object.assign(info, defaultInfo(), this.options.info),
        onCommand: (message, _receivedAtTick, reply) => {
          this.executed.push(message);
          const answer = this.answer(message);
          if ('nak' in answer) return answer.nak;
          reply.note = answer.ack.note;
          reply.appliedValue = answer.ack.appliedValue;
          return Reason.NONE;
        },
      },
      initialExpectedSeq,
    );
  }

  private nowTick(): number {
    return Math.floor(this.options.clock.nowMs()) >>> 0;
  }

  private fromHost(frame: Uint8Array): void {
    const result = decodeFrame(frame);
    if (result.ok) {
      const message = result.message;
      if (this.dropFromHost(message)) return;
      this.received.push(message);
      if (MESSAGES[message.name].kind === 'command' && this.queueFull(message)) {
        this.link.send('NAK', {
          refusedSeq: message.seq,
          refusedType: MESSAGES[message.name].type,
          reason: Reason.QUEUE_FULL,
          expectedSeq: this.link.expectedSeq,
        });
        return;
      }
    }
    this.link.receive(slipEncode(frame), this.nowTick());
    this.runTicks();
  }

  /** The pen's control ticks, run at once: every queued frame, then one STATUS if one was asked for. */
  private runTicks(): void {
    while (this.link.queueLength > 0) this.link.tick(this.nowTick());
    if (this.link.takeStatusRequest()) this.send<'STATUS'>('STATUS', telemetryPayload());
  }

  private deliver(bytes: Uint8Array): void {
    const message = decodeWire(bytes)[0] as Message;
    this.sent.push(message);
    if (this.silent || this.dropToHost(message)) return;
    const copies = this.duplicateToHost ? 2 : 1;
    for (let i = 0; i < copies; i++) this.options.clock.setTimer(this.latencyMs, () => this.options.toHost(bytes));
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
