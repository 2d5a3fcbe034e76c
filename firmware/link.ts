// Pen side of the link: SLIP receive, frame checks, sequencing with whole-frame duplicate memory, realtime bypass, bounded queue, STOP flush.
import {
  MAX_FRAME_BYTES,
  MESSAGES,
  PROTOCOL_VERSION,
  Reason,
  SlipStreamDecoder,
  decodeFrame,
  isCommandType,
  type CommandName,
  type Message,
  type MessageName,
  type Payload,
  type ReasonCode,
  type SlipDropReason,
} from '../src/protocol/index.js';
import { AnswerMemory, Recall } from './answer-memory.js';
import { CommandQueue } from './command-queue.js';
import { Transmitter, type UartWrite } from './transmit.js';
import {
  ANSWER_MEMORY_SIZE,
  COMMAND_QUEUE_CAPACITY,
  COMMANDS_PER_TICK,
  HELLO_SEQ_MIX_MASK,
  HELLO_SEQ_STRIDE,
  STOP_SEQ_MAX_AHEAD,
} from './tuning.js';

export type CommandMessage = Extract<Message, { name: CommandName }>;

/** Filled by a command handler that ACKs: the ACK's clamp note and applied value (both 0 by default). */
export interface CommandReply {
  note: number;
  appliedValue: number;
}

/** The program behind the link. Called synchronously from `receive` (STOP, ESTOP) or `tick` (the rest). */
export interface LinkHandler {
  /** STOP or ESTOP arrived: act now, before the queue is flushed. */
  onStop(name: 'STOP' | 'ESTOP'): void;
  /** A HELLO was taken (`connected` false when its version is not spoken): start a clean session and fill `info` (the link sets nextSeq). */
  onHello(connected: boolean, info: Payload<'INFO'>): void;
  /** An in-sequence command from a connected host: Reason.NONE to ACK (with `reply`), else the NAK reason. */
  onCommand(message: CommandMessage, receivedAtTick: number, reply: CommandReply): number;
}

const Session = { NONE: 0, CONNECTED: 1, WRONG_VERSION: 2 } as const;
type SessionCode = (typeof Session)[keyof typeof Session];

const STOP_TYPE = MESSAGES.STOP.type;
const ESTOP_TYPE = MESSAGES.ESTOP.type;

function isCommandMessage(message: Message): message is CommandMessage {
  return MESSAGES[message.name].kind === 'command';
}

/**
 * The link as docs/protocol.md specifies it. Frames failing SLIP, length or CRC are counted, never
 * answered. Good-CRC frames are answered; a command consumes its seq exactly when it is the expected
 * one (whatever the answer). The tick path (`tick`) allocates nothing and never throws.
 */
export class Link {
  readonly transmitter: Transmitter;
  private readonly slip: SlipStreamDecoder;
  private readonly queue = new CommandQueue(COMMAND_QUEUE_CAPACITY);
  private readonly answers = new AnswerMemory(ANSWER_MEMORY_SIZE);
  private readonly dropCounts = new Uint32Array(16);
  private readonly reply: CommandReply = { note: 0, appliedValue: 0 };
  private expected: number;
  private session: SessionCode = Session.NONE;
  private receiveTick = 0;
  private tickNow = 0;
  private refused = 0;
  private statusRequested = false;

  /** `initialExpectedSeq`: the seq expected before the first HELLO (each HELLO moves it). */
  constructor(
    uartWrite: UartWrite,
    private readonly handler: LinkHandler,
    initialExpectedSeq = 0,
  ) {
    this.transmitter = new Transmitter(uartWrite);
    this.expected = initialExpectedSeq & 0xffff;
    this.slip = new SlipStreamDecoder(
      MAX_FRAME_BYTES,
      (frame) => this.onFrame(frame),
      (reason) => this.onSlipDrop(reason),
    );
  }

  /** True after a HELLO carrying PROTOCOL_VERSION. */
  get connected(): boolean {
    return this.session === Session.CONNECTED;
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
    return this.transmitter.encodeErrors;
  }

  /**
   * UART receive: decodes frames; STOP and ESTOP act now, STATUS_REQUEST is noted for the next
   * tick, sequenced frames are queued stamped with `nowTick`.
   */
  receive(bytes: Uint8Array, nowTick: number): void {
    this.receiveTick = nowTick;
    this.slip.push(bytes);
  }

  /** Control tick: handles up to COMMANDS_PER_TICK queued frames in arrival order. */
  tick(nowTick: number): void {
    this.tickNow = nowTick;
    for (let i = 0; i < COMMANDS_PER_TICK && this.queue.length > 0; i++) this.processFront(false);
  }

  /** True when a STATUS_REQUEST arrived since the last call (any number of them): answer with one STATUS. */
  takeStatusRequest(): boolean {
    const requested = this.statusRequested;
    this.statusRequested = false;
    return requested;
  }

  /** The reusable payload object of a pen-to-host message (fill it, then `send`). */
  payload<N extends MessageName>(name: N): Payload<N> {
    return this.transmitter.payload(name);
  }

  /** Encodes and transmits a pen-to-host frame carrying the pen's transmit counter as seq. */
  send<N extends MessageName>(name: N, payload: Payload<N>): void {
    this.transmitter.send(name, payload);
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
      if (seq === undefined || type === undefined) return this.countDrop(reason);
      this.refused++;
      if (isCommandType(type)) return this.enqueue(null, frame, reason);
      return this.sendNak(seq, type, reason);
    }
    const message = result.message;
    const spec = MESSAGES[message.name];
    if (spec.direction !== 'toPen') {
      this.refused++;
      return this.sendNak(message.seq, spec.type, Reason.WRONG_DIRECTION);
    }
    if (message.name === 'STOP' || message.name === 'ESTOP') return this.stop(message.name, message.seq);
    if (message.name === 'STATUS_REQUEST') {
      this.statusRequested = true;
      return;
    }
    this.enqueue(message, frame, Reason.NONE);
  }

  private enqueue(message: Message | null, frame: Uint8Array, reason: ReasonCode): void {
    if (this.queue.push(message, frame, reason, this.receiveTick)) return;
    this.sendNak((frame[1] as number) | ((frame[2] as number) << 8), frame[3] as number, Reason.QUEUE_FULL);
  }

  /**
   * STOP or ESTOP: the program stops first; then every queued frame is answered as its turn would
   * have answered it, except that none is acted on (CANCELLED_BY_STOP); a STOP seq a little ahead
   * moves the expected seq there (the host's next command); ACK carries the number discarded.
   */
  private stop(name: 'STOP' | 'ESTOP', seq: number): void {
    this.handler.onStop(name);
    const discarded = this.queue.length;
    while (this.queue.length > 0) this.processFront(true);
    // NOTE: pre-STOP commands carry seqs before the STOP's: moving there means none can act later (a lost one resent).
    const ahead = (seq - this.expected) & 0xffff;
    if (this.session === Session.CONNECTED && ahead >= 1 && ahead <= STOP_SEQ_MAX_AHEAD) this.expected = seq;
    this.sendAck(seq, name === 'STOP' ? STOP_TYPE : ESTOP_TYPE, Reason.NONE, discarded, this.expected);
  }

  private processFront(cancel: boolean): void {
    this.judgeFront(cancel);
    this.queue.shift();
  }

  /** Answers the oldest queued frame; `cancel`: a STOP discards it instead of acting on it. */
  private judgeFront(cancel: boolean): void {
    const queue = this.queue;
    const message = queue.frontMessage;
    const seq = queue.frontSeq;
    const type = queue.frontType;
    if (message !== null && message.name === 'HELLO') {
      if (!cancel) this.acceptHello(message.payload.protocolVersion);
      return;
    }
    if (this.session === Session.NONE) return this.sendNak(seq, type, Reason.NOT_CONNECTED);
    if (this.session === Session.WRONG_VERSION) return this.sendNak(seq, type, Reason.PROTOCOL_UNSUPPORTED);
    const bytes = queue.frontFrameStorage;
    const offset = queue.frontFrameOffset;
    const length = queue.frontFrameLength;
    const recall = this.answers.match(seq, bytes, offset, length);
    if (recall === Recall.DUPLICATE) return this.sendStored(seq, type);
    if (recall === Recall.REUSED) return this.sendNak(seq, type, Reason.SEQUENCE_REUSED);
    if (seq !== this.expected) return this.sendNak(seq, type, Reason.SEQUENCE_UNEXPECTED);
    this.expected = (this.expected + 1) & 0xffff;
    const reply = this.reply;
    reply.note = Reason.NONE;
    reply.appliedValue = 0;
    let code: number;
    if (message === null) code = queue.frontReason;
    else if (!isCommandMessage(message)) code = Reason.UNKNOWN_TYPE;
    else if (cancel) code = Reason.CANCELLED_BY_STOP;
    else code = this.handler.onCommand(message, queue.frontReceivedAtTick, reply);
    const ack = code === Reason.NONE;
    this.answers.remember(seq, bytes, offset, length, ack, ack ? reply.note : code, ack ? reply.appliedValue : 0);
    if (ack) this.sendAck(seq, type, reply.note, reply.appliedValue, this.expected);
    else this.sendNak(seq, type, code);
  }

  private acceptHello(protocolVersion: number): void {
    // NOTE: moving the expected sequence far away makes frames replayed from an earlier session miss (S15).
    this.expected = (this.expected + HELLO_SEQ_STRIDE + (this.tickNow & HELLO_SEQ_MIX_MASK)) & 0xffff;
    this.answers.clear();
    this.session = protocolVersion === PROTOCOL_VERSION ? Session.CONNECTED : Session.WRONG_VERSION;
    const info = this.transmitter.payload('INFO');
    this.handler.onHello(this.session === Session.CONNECTED, info);
    info.nextSeq = this.expected;
    this.transmitter.send('INFO', info);
  }

  /** Re-sends the answer stored for a duplicate: as first sent (its expectedSeq was seq + 1). */
  private sendStored(seq: number, type: number): void {
    const answers = this.answers;
    const expectedSeq = (seq + 1) & 0xffff;
    if (answers.storedAck) this.sendAck(seq, type, answers.storedCode, answers.storedValue, expectedSeq);
    else this.sendNak(seq, type, answers.storedCode, expectedSeq);
  }

  private sendAck(seq: number, type: number, note: number, appliedValue: number, expectedSeq: number): void {
    const ack = this.transmitter.payload('ACK');
    ack.ackedSeq = seq;
    ack.ackedType = type;
    ack.note = note;
    ack.appliedValue = appliedValue;
    ack.expectedSeq = expectedSeq;
    this.transmitter.send('ACK', ack);
  }

  private sendNak(seq: number, type: number, reason: number, expectedSeq = this.expected): void {
    const nak = this.transmitter.payload('NAK');
    nak.refusedSeq = seq;
    nak.refusedType = type;
    nak.reason = reason;
    nak.expectedSeq = expectedSeq;
    this.transmitter.send('NAK', nak);
  }
}
