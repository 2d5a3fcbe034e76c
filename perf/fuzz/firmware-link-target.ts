// Fuzz target: the pen side of the link (firmware/link.ts) behind a handler that checks what it is asked to act on.
import { Link, type CommandMessage, type CommandReply, type LinkHandler } from '../../firmware/link.js';
import {
  encodeFrame,
  MESSAGES,
  PROTOCOL_VERSION,
  Reason,
  slipEncode,
  type Message,
  type Payload,
} from '../../src/protocol/index.js';
import type { WireForm } from './mutator.js';
import { judge, reasonName, slipFrames, type Verdict } from './oracle.js';
import { seedBodies } from './seeds.js';
import { check, type FuzzTarget, type Outcome } from './target.js';

const RESET_EVERY = 20_000;
/** Handler answers that make the link NAK an in-sequence command (a program refusing it). */
const REFUSALS: readonly number[] = [Reason.NOT_HOMED, Reason.BUSY_ARMED, Reason.DEPTH_OUT_OF_RANGE];

function samePayload(a: Message, b: Message): boolean {
  if (a.name !== b.name || a.seq !== b.seq) return false;
  const left = a.payload as Record<string, number>;
  const right = b.payload as Record<string, number>;
  return Object.keys(left).every((key) => left[key] === right[key]);
}

/**
 * Invariants: the link never throws; the program behind it is asked to act only on a frame the
 * reference accepts, of the right kind: onStop for a valid STOP/ESTOP, onHello for a valid HELLO,
 * onCommand for a valid toPen command carrying exactly the expected seq of a connected session (the
 * same payload); every frame failing SLIP, length or CRC goes unanswered, every good-CRC frame but
 * STATUS_REQUEST gets exactly one answer; every answer is a valid pen-to-host frame.
 */
export class FirmwareLinkTarget implements FuzzTarget {
  readonly name = 'firmwareLink';
  private link!: Link;
  private tickNow = 0;
  private runs = 0;
  private sent: Uint8Array[] = [];
  private verdicts: Verdict[] = [];
  private acted: string[] = [];

  constructor() {
    this.reset();
  }

  seeds(): Uint8Array[] {
    return seedBodies('toPen');
  }

  hints(): readonly number[] {
    const expected = this.link.expectedSeq;
    return [expected, (expected + 1) & 0xffff, (expected - 1) & 0xffff];
  }

  reset(): void {
    const handler: LinkHandler = {
      onStop: (name) => this.onStop(name),
      onHello: (connected, info) => this.onHello(connected, info),
      onCommand: (message, _atTick, reply) => this.onCommand(message, reply),
    };
    this.link = new Link((bytes) => this.sent.push(bytes.slice()), handler, this.runs & 0xffff);
    this.runs = 0;
    const hello = encodeFrame('HELLO', 0, { protocolVersion: PROTOCOL_VERSION });
    this.verdicts = [judge(hello)];
    this.link.receive(slipEncode(hello), this.tickNow);
    this.link.tick(++this.tickNow);
    this.sent = [];
  }

  run(input: WireForm): Outcome {
    if (++this.runs % RESET_EVERY === 0) this.reset();
    this.sent = [];
    this.acted = [];
    this.verdicts = slipFrames(input.wire).frames.map(judge);
    this.link.receive(input.wire, this.tickNow);
    for (let i = 0; i < 16 && this.link.queueLength > 0; i++) this.link.tick(++this.tickNow);
    check(this.link.queueLength === 0, 'queue not drained');
    check(this.link.transmitEncodeErrors === 0, 'the link failed to encode an answer');
    const answers = this.sent.flatMap((bytes) => slipFrames(bytes).frames.map(judge));
    const expectedAnswers = this.verdicts.filter(
      (v) => v.kind === 'refused' || (v.kind === 'accepted' && v.message.name !== 'STATUS_REQUEST'),
    ).length;
    check(answers.length === expectedAnswers, `${answers.length} answers to ${expectedAnswers} good-CRC frames`);
    let reason = 'NO_ANSWER';
    for (const answer of answers) {
      check(answer.kind === 'accepted' && MESSAGES[answer.message.name].direction === 'toHost', 'invalid answer');
      const message = answer.message;
      if (message.name === 'NAK') reason = reasonName(message.payload.reason);
      else reason = message.name;
    }
    if (answers.length === 0) {
      const dropped = this.verdicts.find((v) => v.kind === 'dropped');
      if (dropped !== undefined) reason = reasonName(dropped.reason);
    }
    return { reason, signature: `${this.link.connected}:${this.acted.join(',')}:${reason}` };
  }

  private accepted(name: string): Message[] {
    return this.verdicts.flatMap((v) => (v.kind === 'accepted' && v.message.name === name ? [v.message] : []));
  }

  private onStop(name: 'STOP' | 'ESTOP'): void {
    check(this.accepted(name).length > 0, `onStop(${name}) without a valid ${name} frame`);
    this.acted.push(name);
  }

  private onHello(connected: boolean, info: Payload<'INFO'>): void {
    const hellos = this.accepted('HELLO') as Extract<Message, { name: 'HELLO' }>[];
    check(hellos.length > 0, 'onHello without a valid HELLO frame');
    check(
      connected === hellos.some((h) => h.payload.protocolVersion === PROTOCOL_VERSION),
      'HELLO version judged wrong',
    );
    const fields = info as Record<string, number>;
    for (const field of MESSAGES.INFO.fields) fields[field.name] = field.min;
    info.protocolVersion = PROTOCOL_VERSION;
    this.acted.push('HELLO');
  }

  private onCommand(message: CommandMessage, reply: CommandReply): number {
    check(this.link.connected, `${message.name} acted on outside a connected session`);
    check(MESSAGES[message.name].kind === 'command', `${message.name} is not a command`);
    check(message.seq === ((this.link.expectedSeq - 1) & 0xffff), `${message.name} acted on out of sequence`);
    check(
      this.accepted(message.name).some((valid) => samePayload(valid, message)),
      `${message.name} acted on without a valid frame carrying it`,
    );
    this.acted.push(message.name);
    if (message.seq % 7 === 0) return REFUSALS[message.seq % REFUSALS.length] as number;
    reply.appliedValue = message.seq & 0xff;
    return Reason.NONE;
  }
}
