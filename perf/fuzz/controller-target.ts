// Fuzz target: the controller's link (src/transport PenLink) receiving mutated pen frames on an in-memory port.
import { VirtualClock } from '../../src/clock/clock.js';
import { encodeFrame, MESSAGES, PROTOCOL_VERSION, Reason, slipEncode } from '../../src/protocol/index.js';
import { PenLink, REPORT_EVENTS } from '../../src/transport/index.js';
import { MemoryPort } from '../../test/support/memory-port.js';
import type { WireForm } from './mutator.js';
import { judge, reasonName, slipFrames, type Verdict } from './oracle.js';
import { seedBodies } from './seeds.js';
import { check, type FuzzTarget, type Outcome } from './target.js';

const RESET_EVERY = 5_000;
const IN_FLIGHT = 3;
const ignore = (): void => {};

const KNOWN_REASONS = new Set<number>(Object.values(Reason));

/** A reason's name, with every code the catalog does not name counted as one. */
function knownReasonName(code: number): string {
  return KNOWN_REASONS.has(code) ? reasonName(code) : 'UNNAMED_CODE';
}

/** True when the host must accept the frame: the reference accepts it and it is a pen-to-host message. */
function hostAccepts(verdict: Verdict): boolean {
  return verdict.kind === 'accepted' && MESSAGES[verdict.message.name].direction === 'toHost';
}

/**
 * Invariants: pushing any bytes never throws out of the port's 'data' handler; a frame the host must
 * not accept (reference refusal, or a host-to-pen message) is reported to 'rejected' with the
 * reference's reason (WRONG_DIRECTION for the wrong way) and changes nothing: no report delivered,
 * no frame counted, no command settled or dropped from the window, the link not killed. Valid frames
 * may settle commands or end the link (SEQUENCE_LOST, SESSION_LOST): the target then starts a new one.
 */
export class ControllerLinkTarget implements FuzzTarget {
  readonly name = 'controllerLink';
  private clock!: VirtualClock;
  private port!: MemoryPort;
  private link!: PenLink;
  private runs = 0;
  private submitted = 0;
  private events: string[] = [];
  private rejections: number[] = [];
  private hostSeqs: number[] = [];

  constructor() {
    this.reset();
  }

  seeds(): Uint8Array[] {
    return seedBodies('toHost');
  }

  hints(): readonly number[] {
    return this.hostSeqs;
  }

  reset(): void {
    this.runs = 0;
    this.clock = new VirtualClock();
    this.port = new MemoryPort();
    this.hostSeqs = [];
    this.port.toPen = (bytes) => {
      for (const frame of slipFrames(bytes).frames) {
        const verdict = judge(frame);
        check(verdict.kind === 'accepted', 'the host sent an invalid frame');
        this.hostSeqs.push(verdict.message.seq, MESSAGES[verdict.message.name].type);
        if (this.hostSeqs.length > 12) this.hostSeqs.splice(0, 2);
      }
      this.port.written.length = 0;
    };
    this.link = new PenLink({ port: this.port, clock: this.clock });
    // NOTE: every report of the catalog, from the transport's one table (a new report is listened to here too).
    for (const event of Object.values(REPORT_EVENTS)) this.link.on(event, () => this.events.push(event));
    this.link.on('linkDead', (reason) => this.events.push(`dead:${reason}`));
    this.link.on('rejected', (rejection) => this.rejections.push(rejection.reason));
    this.link.hello().catch(ignore);
    const info: Record<string, number> = Object.fromEntries(MESSAGES.INFO.fields.map((f) => [f.name, f.min]));
    info.nextSeq = 0x2000;
    info.protocolVersion = PROTOCOL_VERSION;
    this.port.emitData(slipEncode(encodeFrame('INFO', 0, info as never)));
    this.topUp();
  }

  run(input: WireForm): Outcome {
    if (++this.runs % RESET_EVERY === 0 || this.link.deadReason !== null) this.reset();
    const verdicts = slipFrames(input.wire).frames.map(judge);
    const refused = verdicts.filter((v) => !hostAccepts(v));
    const before = {
      received: this.link.stats.framesReceived,
      inFlight: this.link.commandsInFlight,
      queued: this.link.commandsQueued,
    };
    this.events = [];
    this.rejections = [];
    this.port.emitData(input.wire);
    const slipDrops = slipFrames(input.wire).slipDrops;
    check(this.rejections.length === refused.length + slipDrops, 'a refused frame was not reported');
    const expectedReasons = refused.map((v) => (v.kind === 'accepted' ? Reason.WRONG_DIRECTION : v.reason));
    const frameReasons = this.rejections.filter((r) => r !== Reason.FRAME_OVERSIZE && r !== Reason.FRAME_BAD_ESCAPE);
    const expectedFrameReasons = expectedReasons.filter(
      (r) => r !== Reason.FRAME_OVERSIZE && r !== Reason.FRAME_BAD_ESCAPE,
    );
    check(frameReasons.join() === expectedFrameReasons.join(), `reasons ${frameReasons} != ${expectedFrameReasons}`);
    if (refused.length === verdicts.length) {
      check(this.events.length === 0, `a refused frame raised ${this.events.join(',')}`);
      check(this.link.stats.framesReceived === before.received, 'a refused frame was counted as received');
      check(this.link.commandsInFlight === before.inFlight, 'a refused frame settled a command');
      check(this.link.commandsQueued === before.queued, 'a refused frame moved the queue');
      check(this.link.deadReason === null, `a refused frame killed the link (${this.link.deadReason})`);
    }
    const accepted = verdicts.find(hostAccepts);
    const reason =
      this.link.deadReason ??
      (accepted?.kind === 'accepted'
        ? accepted.message.name === 'NAK'
          ? `NAK_${knownReasonName(accepted.message.payload.reason)}`
          : accepted.message.name
        : this.rejections.length > 0
          ? reasonName(this.rejections[0] as number)
          : 'NO_FRAME');
    const settled = before.inFlight - this.link.commandsInFlight;
    this.clock.advanceTo(this.clock.nowMs() + 1);
    this.topUp();
    return { reason, signature: `${reason}:${this.events.join(',')}:${settled}` };
  }

  /** Keeps a few commands in the window so answers have something to settle. */
  private topUp(): void {
    while (this.link.isConnected && this.link.commandsInFlight + this.link.commandsQueued < IN_FLIGHT) {
      const n = this.submitted++ % 3;
      const command =
        n === 0
          ? this.link.command('SET_DEPTH', { depthUm: 300 })
          : n === 1
            ? this.link.command('ARM', {})
            : this.link.command('HEARTBEAT', {});
      command.catch(ignore);
    }
  }
}
