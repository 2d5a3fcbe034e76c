// Pen side of the link: SLIP receive, frame checks, sequencing with duplicate memory, realtime bypass, bounded queue, transmit.
import {
  MAX_FRAME_BYTES,
  MESSAGES,
  PROTOCOL_VERSION,
  Reason,
  SlipStreamDecoder,
  decodeFrame,
  encodeFrame,
  slipEncode,
  type Message,
  type MessageName,
  type Payload,
  type ReasonCode,
  type SlipDropReason,
} from '../src/protocol/index.js';
import { AnswerMemory, type CommandAnswer } from './answer-memory.js';
import { CommandQueue } from './command-queue.js';
import * as tuning from './tuning.js';

// Module-local copies: under tsx and vitest an imported binding is a getter, too slow for the 1 kHz path.
const { ANSWER_MEMORY_SIZE, COMMAND_QUEUE_CAPACITY, COMMANDS_PER_TICK, HELLO_SEQ_MIX_MASK, HELLO_SEQ_STRIDE } = tuning;

type RealtimeName = 'STOP' | 'ESTOP' | 'STATUS_REQUEST';
type CommandName =
  'HEARTBEAT' | 'SET_DEPTH' | 'SET_SPEED' | 'ARM' | 'DISARM' | 'HOME' | 'RESET_FAULT' | 'SET_TELEMETRY';
export type RealtimeMessage = Extract<Message, { name: RealtimeName }>;
export type CommandMessage = Extract<Message, { name: CommandName }>;

/** What the program decides for an in-sequence command: ACK with its note and value, or NAK with a reason. */
export type CommandVerdict =
  | { readonly ack: true; readonly note: number; readonly appliedValue: number }
  | { readonly ack: false; readonly reason: number };

/** The program behind the link. Called synchronously from `receive` (realtime) or `processQueue` (the rest). */
export interface LinkHandler {
  /** A realtime frame: act at once (it bypasses the queue and the sequence). */
  onRealtime(message: RealtimeMessage, seq: number): void;
  /** A HELLO was taken (its version matched when `connected`); a running drive must stop. */
  onHello(connected: boolean): void;
  /** INFO as of now, answering a HELLO. */
  infoPayload(nextSeq: number): Payload<'INFO'>;
  /** An in-sequence command from a connected host. `receivedAtMs` is its UART arrival time. */
  onCommand(message: CommandMessage, receivedAtMs: number): CommandVerdict;
}

/** Wire ids 0x10-0x1F are sequenced commands, also when unknown to this catalog. */
function isCommandType(type: number): boolean {
  return type >= 0x10 && type <= 0x1f;
}

function isCommandMessage(message: Message): message is CommandMessage {
  return MESSAGES[message.name].kind === 'command';
}

/**
 * The link as decision 0001 specifies it. Frames failing SLIP, length or CRC are counted, never
 * answered. Good-CRC frames are answered: refused ones by NAK with the decoder's reason.
 */
export class Link {
  private readonly slip: SlipStreamDecoder;
  private readonly queue = new CommandQueue(COMMAND_QUEUE_CAPACITY);
  private readonly answers = new AnswerMemory(ANSWER_MEMORY_SIZE);
  private readonly dropCounts = new Uint32Array(16);
  private expected = 0;
  private txSeq = 0;
  private connectedFlag = false;
  private receiveMs = 0;
  private refused = 0;
  private encodeErrors = 0;

  constructor(
    private readonly uartWrite: (bytes: Uint8Array) => void,
    private readonly handler: LinkHandler,
  ) {
    this.slip = new SlipStreamDecoder(
      MAX_FRAME_BYTES,
      (frame) => this.onFrame(frame),
      (reason) => this.onSlipDrop(reason),
    );
  }

  /** True after a HELLO carrying PROTOCOL_VERSION. */
  get connected(): boolean {
    return this.connectedFlag;
  }

  /** Sequence number the next command must carry. */
  get expectedSeq(): number {
    return this.expected;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  /** Frames dropped unanswered (SLIP, length, CRC), in total. */
  get droppedFrames(): number {
    let total = 0;
    for (const count of this.dropCounts) total += count;
    return total;
  }

  /** Frames dropped unanswered for one frame-layer reason (0x01-0x05). */
  dropCount(reason: ReasonCode): number {
    return this.dropCounts[reason] ?? 0;
  }

  /** Good-CRC frames refused at receipt or in sequence by a decoder reason. */
  get refusedFrames(): number {
    return this.refused;
  }

  /** Frames the firmware failed to encode (a firmware bug; tests assert 0). */
  get transmitEncodeErrors(): number {
    return this.encodeErrors;
  }

  /** UART receive: decodes frames; realtime ones act now, sequenced ones are queued. `nowMs` stamps them. */
  receive(bytes: Uint8Array, nowMs: number): void {
    this.receiveMs = nowMs;
    this.slip.push(bytes);
  }

  /** Control tick: handles up to COMMANDS_PER_TICK queued frames in arrival order. */
  processQueue(nowMs: number): void {
    for (let i = 0; i < COMMANDS_PER_TICK && this.queue.length > 0; i++) this.processFront(nowMs);
  }

  /** Encodes and transmits a pen-to-host frame carrying the pen's transmit counter as seq. */
  send<N extends MessageName>(name: N, payload: Payload<N>): void {
    let frame: Uint8Array;
    try {
      frame = encodeFrame(name, this.txSeq, payload);
    } catch {
      this.encodeErrors++;
      return;
    }
    this.txSeq = (this.txSeq + 1) & 0xffff;
    this.uartWrite(slipEncode(frame));
  }

  private onSlipDrop(reason: SlipDropReason): void {
    this.countDrop(reason === 'oversize' ? Reason.FRAME_OVERSIZE : Reason.FRAME_BAD_ESCAPE);
  }

  private countDrop(reason: ReasonCode): void {
    this.dropCounts[reason] = (this.dropCounts[reason] ?? 0) + 1;
  }

  private onFrame(frame: Uint8Array): void {
    const result = decodeFrame(frame);
    if (!result.ok) {
      const { reason, seq, type } = result.rejection;
      if (seq === undefined) return this.countDrop(reason);
      this.refused++;
      if (type !== undefined && isCommandType(type)) this.enqueue(null, seq, reason);
      else this.sendNak(seq, reason);
      return;
    }
    const message = result.message;
    const spec = MESSAGES[message.name];
    if (spec.direction !== 'toPen') {
      this.refused++;
      this.sendNak(message.seq, Reason.WRONG_DIRECTION);
    } else if (message.name === 'STOP' || message.name === 'ESTOP' || message.name === 'STATUS_REQUEST') {
      this.handler.onRealtime(message, message.seq);
    } else {
      this.enqueue(message, message.seq, Reason.NONE);
    }
  }

  private enqueue(message: Message | null, seq: number, reason: ReasonCode): void {
    if (!this.queue.push(message, seq, reason, this.receiveMs)) this.sendNak(seq, Reason.QUEUE_FULL);
  }

  private processFront(nowMs: number): void {
    const message = this.queue.frontMessage;
    const seq = this.queue.frontSeq;
    const reason = this.queue.frontReason;
    const receivedAtMs = this.queue.frontReceivedAtMs;
    this.queue.shift();
    if (message !== null && message.name === 'HELLO') {
      this.acceptHello(message.payload.protocolVersion, nowMs);
      return;
    }
    if (!this.connectedFlag) return this.sendNak(seq, Reason.NOT_CONNECTED);
    const stored = this.answers.find(seq);
    if (stored !== null) return this.sendAnswer(seq, stored);
    if (seq !== this.expected) return this.sendNak(seq, Reason.SEQUENCE_UNEXPECTED);
    this.expected = (this.expected + 1) & 0xffff;
    let answer: CommandAnswer;
    if (message === null || !isCommandMessage(message)) {
      answer = { ack: false, reason: message === null ? reason : Reason.UNKNOWN_TYPE, expectedSeq: this.expected };
    } else {
      const verdict = this.handler.onCommand(message, receivedAtMs);
      answer = verdict.ack ? verdict : { ack: false, reason: verdict.reason, expectedSeq: this.expected };
    }
    this.answers.remember(seq, answer);
    this.sendAnswer(seq, answer);
  }

  private acceptHello(protocolVersion: number, nowMs: number): void {
    // NOTE: moving the expected sequence far away makes frames replayed from an earlier session miss (S15).
    this.expected = (this.expected + HELLO_SEQ_STRIDE + (nowMs & HELLO_SEQ_MIX_MASK)) & 0xffff;
    this.answers.clear();
    this.connectedFlag = protocolVersion === PROTOCOL_VERSION;
    this.handler.onHello(this.connectedFlag);
    this.send('INFO', this.handler.infoPayload(this.expected));
  }

  private sendAnswer(seq: number, answer: CommandAnswer): void {
    if (answer.ack) this.send('ACK', { ackedSeq: seq, note: answer.note, appliedValue: answer.appliedValue });
    else this.send('NAK', { refusedSeq: seq, reason: answer.reason, expectedSeq: answer.expectedSeq });
  }

  private sendNak(seq: number, reason: number): void {
    this.send('NAK', { refusedSeq: seq, reason, expectedSeq: this.expected });
  }
}
