// The host link to the pen: handshake, reliable commands, realtime stops, heartbeat and reports.
import {
  MESSAGES,
  PROTOCOL_VERSION,
  Reason,
  encodeFrame,
  slipEncode,
  type Message,
  type Payload,
  type ReportName,
} from '../protocol/index.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import { CommandWindow, seqDistance } from './command-window.js';
import { FrameReader } from './frame-reader.js';
import { Heartbeat } from './heartbeat.js';
import {
  LinkEvents,
  REPORT_EVENTS,
  type LinkEventName,
  type LinkListeners,
  type ReportPayloads,
} from './link-events.js';
import { DEFAULT_HEARTBEAT_PERIOD_MS, resolveLinkOptions, type LinkOptions } from './link-options.js';
import {
  LinkError,
  createLinkStats,
  deadLinkError,
  type CommandName,
  type CommandResult,
  type CommandSink,
  type LinkDeadReason,
  type LinkStats,
  type PortLike,
  type RealtimeName,
} from './link-types.js';

export interface PenLinkInit {
  /** An opened port (SerialPortStream or a fake). The link never opens or closes it. */
  readonly port: PortLike;
  readonly clock: Clock;
  readonly options?: Partial<LinkOptions>;
  /**
   * Asked before every HEARTBEAT: false means the controller's machine is not proven alive, so the
   * link sends no more heartbeats and dies with HOST_STALLED (the pen's lease lapses). Default: always true.
   */
  readonly heartbeatGate?: () => boolean;
  /** Heartbeat's deferVerdict: on a real event loop `setImmediate`, so a silent-pen verdict waits for the waiting I/O. */
  readonly deferVerdict?: (recheck: () => void) => void;
}

const STOP_TYPES: readonly number[] = [MESSAGES.STOP.type, MESSAGES.ESTOP.type];
const isStopType = (type: number): boolean => STOP_TYPES.includes(type);

interface HelloInProgress {
  readonly promise: Promise<Payload<'INFO'>>;
  readonly resolve: (info: Payload<'INFO'>) => void;
  readonly reject: (error: Error) => void;
  attempts: number;
  timer: TimerHandle | null;
}

/**
 * Passes a command's answer on, then ends the link when the pen answers NOT_CONNECTED or
 * PROTOCOL_UNSUPPORTED after the handshake: the pen lost the session (a reboot). A class, so a
 * command allocates no closures.
 */
class SessionLossWatch implements CommandSink {
  constructor(
    private readonly sink: CommandSink,
    private readonly onLost: () => void,
  ) {}

  resolve(result: CommandResult): void {
    this.sink.resolve(result);
    if (!result.ok && (result.reason === Reason.NOT_CONNECTED || result.reason === Reason.PROTOCOL_UNSUPPORTED)) {
      this.onLost();
    }
  }

  reject(error: Error): void {
    this.sink.reject(error);
  }
}

/**
 * One link session with one pen over an opened port. All time comes from the injected clock.
 * NOTE: every write checks `isOpen` first; a port found closed, a port 'close' or 'error', an
 * exhausted retry, or a silent peer while heartbeating makes the link dead: nothing is written
 * after that, pending commands reject, and 'linkDead' listeners are told once. The pen's lease
 * stops the needles on its own when the heartbeats stop (S10).
 */
export class PenLink {
  readonly options: LinkOptions;
  readonly stats: LinkStats = createLinkStats();
  readonly reader: FrameReader;
  private readonly port: PortLike;
  private readonly clock: Clock;
  private readonly events = new LinkEvents();
  private readonly window: CommandWindow;
  private readonly heartbeat: Heartbeat;
  private handshake: HelloInProgress | null = null;
  private connected = false;
  private deadCause: LinkDeadReason | null = null;
  private outstandingInfos = 0;
  private helloSeq = 0;
  private lastFrameMs = -Infinity;
  private lastPenSeq = -1;
  private readonly onData = (chunk: Buffer): void => this.reader.push(chunk);
  private readonly onClose = (): void => this.die('PORT_CLOSED', true);
  private readonly onError = (): void => this.die('PORT_CLOSED', true);

  constructor(init: PenLinkInit) {
    this.options = resolveLinkOptions(init.options);
    this.port = init.port;
    this.clock = init.clock;
    const gate = init.heartbeatGate;
    this.reader = new FrameReader(
      (message) => this.handleMessage(message),
      (rejection) => this.events.emitRejected(rejection),
    );
    this.window = new CommandWindow({
      clock: this.clock,
      options: this.options,
      stats: this.stats,
      write: (bytes) => this.writeBytes(bytes),
      onFailure: (reason) => this.die(reason, true),
    });
    this.heartbeat = new Heartbeat({
      clock: this.clock,
      deadLinkTimeoutMs: this.options.deadLinkTimeoutMs,
      sendHeartbeat: (sink) => {
        if (gate !== undefined && !gate()) return this.hostStalled();
        this.submit(MESSAGES.HEARTBEAT.type, (seq) => encodeFrame('HEARTBEAT', seq, {}), sink);
      },
      lastFrameMs: () => this.lastFrameMs,
      onTimeout: () => this.die('HEARTBEAT_TIMEOUT', true),
      ...(init.deferVerdict === undefined ? {} : { deferVerdict: init.deferVerdict }),
    });
    this.port.on('data', this.onData);
    this.port.on('close', this.onClose);
    this.port.on('error', this.onError);
  }

  /** Why the link is dead, or null while it works. */
  get deadReason(): LinkDeadReason | null {
    return this.deadCause;
  }

  /** Commands sent and not yet answered (at most windowSize). */
  get commandsInFlight(): number {
    return this.window.unansweredCount;
  }

  /** Commands waiting for room in the window. */
  get commandsQueued(): number {
    return this.window.queuedCount;
  }

  /** True once hello() resolved, until the link dies or a new hello() starts. */
  get isConnected(): boolean {
    return this.connected && this.deadCause === null;
  }

  /**
   * Opens a link session: sends HELLO (protocolVersion = PROTOCOL_VERSION) every helloTimeoutMs
   * until INFO arrives, then numbers commands from INFO.nextSeq. Does not judge INFO (the
   * controller does). Stops the heartbeat and rejects unanswered commands (LINK_RESET): the pen's
   * sequence moves on HELLO. Rejects with LinkError when the link is or becomes dead
   * (HELLO_TIMEOUT after helloMaxAttempts). A second call while one runs returns the same promise.
   */
  hello(): Promise<Payload<'INFO'>> {
    if (this.deadCause !== null) return Promise.reject(deadLinkError(this.deadCause));
    if (this.handshake !== null) return this.handshake.promise;
    this.heartbeat.stop();
    this.connected = false;
    this.window.failAll(new LinkError('LINK_RESET'));
    let resolve!: (info: Payload<'INFO'>) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<Payload<'INFO'>>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    this.handshake = { promise, resolve, reject, attempts: 0, timer: null };
    this.sendHello();
    return promise;
  }

  /**
   * Sends a sequenced command and resolves with the pen's ACK or NAK (a NAK is a result, not an
   * error). At most windowSize commands are in flight; the rest wait in order. Rejects with a
   * RangeError for a payload outside the catalog (nothing sent), LinkError NOT_CONNECTED before
   * hello(), LINK_RESET when a new hello() supersedes it, LINK_DEAD / PORT_CLOSED when the link is
   * or becomes dead.
   */
  command<N extends CommandName>(name: N, payload: Payload<N>): Promise<CommandResult> {
    try {
      encodeFrame(name, 0, payload);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<CommandResult>((resolve, reject) => {
      this.submit(MESSAGES[name].type, (seq) => encodeFrame(name, seq, payload), { resolve, reject });
    });
  }

  /**
   * The priority path (grbl's realtime bytes): writes STOP, ESTOP or STATUS_REQUEST to the port at
   * once, ahead of every queued command and whatever the window holds. Works before hello().
   * Returns whether the frame was handed to the port; false when the link is dead or the port closed.
   * STOP and ESTOP cancel every command issued before them: those still waiting resolve
   * CANCELLED_BY_STOP at once, those in flight are never resent and resolve with the pen's answer
   * (CANCELLED_BY_STOP when it discarded them). Their seq is the next command's, where the pen continues.
   * NOTE: never waits for a write callback (dependencies trap 2).
   */
  realtime(name: RealtimeName): boolean {
    if (this.deadCause !== null) return false;
    const seq = name === 'STATUS_REQUEST' ? 0 : this.window.cancelForStop();
    return this.writeBytes(slipEncode(encodeFrame(name, seq, {})));
  }

  /**
   * Sends HEARTBEAT now and every `periodMs` (which must be below deadLinkTimeoutMs) through the
   * reliable path. A heartbeat unanswered, or no frame from the pen, for deadLinkTimeoutMs makes the
   * link dead with HEARTBEAT_TIMEOUT. Throws LinkError when not connected or dead, RangeError for
   * a bad period.
   */
  startHeartbeat(periodMs: number = DEFAULT_HEARTBEAT_PERIOD_MS): void {
    if (!(periodMs > 0 && periodMs < this.options.deadLinkTimeoutMs)) {
      throw new RangeError(`heartbeat period ${periodMs} ms not in (0, ${this.options.deadLinkTimeoutMs})`);
    }
    if (this.deadCause !== null) throw deadLinkError(this.deadCause);
    if (!this.connected) throw new LinkError('NOT_CONNECTED');
    this.heartbeat.start(periodMs);
  }

  /** Stops sending heartbeats (the pen's lease then lapses and it stops by itself). */
  stopHeartbeat(): void {
    this.heartbeat.stop();
  }

  /**
   * The controller's machine stopped proving it is alive: no heartbeat is sent any more, so the
   * pen's lease lapses and it stops by itself (S10). The link dies with HOST_STALLED.
   */
  hostStalled(): void {
    this.die('HOST_STALLED', true);
  }

  /** Adds a listener for a pen report or link event; returns the function that removes it. */
  on<E extends LinkEventName>(event: E, listener: LinkListeners[E]): () => void {
    return this.events.on(event, listener);
  }

  /** Shorthand for on('linkDead', listener). */
  onLinkDead(listener: LinkListeners['linkDead']): () => void {
    return this.events.on('linkDead', listener);
  }

  /**
   * Ends the link: stops timers, stops listening, rejects pending commands (PORT_CLOSED, CLOSED),
   * writes nothing after. Does not close the port and does not tell 'linkDead' listeners.
   */
  close(): void {
    this.die('CLOSED', false);
  }

  private submit(type: number, encode: (seq: number) => Uint8Array, sink: CommandSink): void {
    if (this.deadCause !== null) return sink.reject(deadLinkError(this.deadCause));
    if (!this.connected) return sink.reject(new LinkError('NOT_CONNECTED'));
    this.window.submit(type, encode, new SessionLossWatch(sink, this.onSessionLost));
  }

  private readonly onSessionLost = (): void => this.die('SESSION_LOST', true);

  private sendHello(): void {
    const hello = this.handshake;
    if (hello === null) return;
    if (hello.attempts >= this.options.helloMaxAttempts) {
      this.die('HELLO_TIMEOUT', true);
      return;
    }
    hello.attempts++;
    this.outstandingInfos++;
    hello.timer = this.clock.setTimer(this.options.helloTimeoutMs, () => this.sendHello());
    const seq = this.helloSeq;
    this.helloSeq = (seq + 1) & 0xffff;
    this.writeBytes(slipEncode(encodeFrame('HELLO', seq, { protocolVersion: PROTOCOL_VERSION })));
  }

  private handleInfo(info: Payload<'INFO'>): void {
    if (this.outstandingInfos === 0) {
      this.stats.unmatchedAnswers++;
      return;
    }
    this.outstandingInfos--;
    const hello = this.handshake;
    if (hello !== null) {
      if (hello.timer !== null) this.clock.clearTimer(hello.timer);
      this.handshake = null;
      this.window.start(info.nextSeq);
      this.connected = true;
      hello.resolve(info);
    } else if (this.connected) {
      this.window.renumber(info.nextSeq);
    }
  }

  private handleMessage(message: Message): void {
    if (this.deadCause !== null) return;
    this.stats.framesReceived++;
    this.lastFrameMs = this.clock.nowMs();
    const gap = this.lastPenSeq < 0 ? 0 : seqDistance(this.lastPenSeq, message.seq) - 1;
    if (gap > 0) this.stats.penFramesLost += gap;
    this.lastPenSeq = message.seq;
    switch (message.name) {
      case 'ACK':
        if (isStopType(message.payload.ackedType)) return this.window.handleStopAck(message.payload.ackedSeq);
        this.window.handleAck(
          message.payload.ackedSeq,
          message.payload.ackedType,
          message.payload.note,
          message.payload.appliedValue,
        );
        return;
      case 'NAK':
        this.window.handleNak(
          message.payload.refusedSeq,
          message.payload.refusedType,
          message.payload.reason,
          message.payload.expectedSeq,
        );
        return;
      case 'INFO':
        return this.handleInfo(message.payload);
      default:
        if (MESSAGES[message.name].kind === 'report')
          this.emitReport(message as Extract<Message, { name: ReportName }>);
        return; // host-to-pen messages never reach here: the reader rejects them
    }
  }

  private emitReport(message: Extract<Message, { name: ReportName }>): void {
    const event = REPORT_EVENTS[message.name];
    this.events.emitReport(event, message.payload as ReportPayloads[typeof event], message.seq);
  }

  private writeBytes(bytes: Uint8Array): boolean {
    if (this.deadCause !== null) return false;
    if (!this.port.isOpen) {
      this.die('PORT_CLOSED', true);
      return false;
    }
    try {
      this.port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch {
      this.die('PORT_CLOSED', true);
      return false;
    }
    this.stats.framesSent++;
    return true;
  }

  /** Makes the link dead once: no writes, timers stopped, pending work rejected, listeners told. */
  private die(reason: LinkDeadReason, notify: boolean): void {
    if (this.deadCause !== null) return;
    this.deadCause = reason;
    this.connected = false;
    this.heartbeat.stop();
    this.port.removeListener('data', this.onData);
    this.port.removeListener('close', this.onClose);
    // NOTE: the 'error' listener stays: an EventEmitter 'error' without a listener would throw.
    const error = deadLinkError(reason);
    const hello = this.handshake;
    this.handshake = null;
    if (hello !== null) {
      if (hello.timer !== null) this.clock.clearTimer(hello.timer);
      hello.reject(error);
    }
    this.window.failAll(error);
    if (notify) this.events.emitLinkDead(reason);
    this.events.clear();
  }
}
