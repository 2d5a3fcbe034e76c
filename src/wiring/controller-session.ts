// Wires the controller machine to the pen link: carries out the machine's named actions and turns link reports into machine events.
import { createActor, type Actor } from 'xstate';
import type { Clock, TimerHandle } from '../clock/clock.js';
import { controllerMachine } from '../machine/machine.js';
import type { ControllerEvent, ControllerInput, PenCommandName, SessionEndedParams } from '../machine/events.js';
import { PenLink, type CommandResult, type PortLike } from '../transport/index.js';
import type { Payload } from '../protocol/index.js';
import { NULL_RECORDER, type SessionRecorder } from './recorder.js';

/** Telemetry rate asked of the pen during a session, Hz. */
export const SESSION_TELEMETRY_HZ = 50;
export { HEARTBEAT_PERIOD_MS } from '../limits/index.js';
import { HEARTBEAT_PERIOD_MS } from '../limits/index.js';

export interface ControllerSessionDeps {
  readonly clock: Clock;
  /** Opens the port; called when the machine asks for `openLink`. The session closes it at shutdown. */
  readonly openPort: () => Promise<ClosablePort>;
  readonly recorder?: SessionRecorder;
}

type ControllerActor = Actor<typeof controllerMachine>;

/** A port the session can close (SerialPortStream fits). */
export type ClosablePort = PortLike & { close(callback?: (error?: Error | null) => void): void };

/**
 * One controller session: the machine actor, the link it drives and the timers it asks for.
 * Nothing here decides: every decision is the machine's.
 */
export class ControllerSession {
  readonly actor: ControllerActor;
  private link: PenLink | null = null;
  private port: ClosablePort | null = null;
  private debounceTimer: TimerHandle | null = null;
  private readonly recorder: SessionRecorder;
  private endedWith: SessionEndedParams | null = null;
  /** Audit entries raised while an event is being dispatched; null outside a dispatch. */
  private pendingAudit: [kind: string, detail: unknown][] | null = null;
  private readonly endWaiters: ((end: SessionEndedParams) => void)[] = [];
  private info: Payload<'INFO'> | null = null;
  private lastPenState = 0;

  constructor(
    input: ControllerInput,
    private readonly deps: ControllerSessionDeps,
  ) {
    this.recorder = deps.recorder ?? NULL_RECORDER;
    this.actor = createActor(this.provideMachine(), { input });
    this.actor.subscribe({ error: (error) => this.failSafe(error) });
  }

  /** Starts the machine and asks it to connect. */
  start(): void {
    this.actor.start();
    this.send({ type: 'CONNECT' });
  }

  /** Delivers an event to the machine; events after it stopped (final state or shutdown) are dropped. */
  send(event: ControllerEvent): void {
    if (this.actor.getSnapshot().status !== 'active') return;
    // NOTE: telemetry (50 Hz) is not a command or a decision: auditing it would be one durable write per sample.
    if (event.type === 'TELEMETRY') return this.actor.send(event);
    // NOTE: audit rows are durable writes; they are written after the machine has reacted (a STOP is
    // already on the wire), in causal order: the event, then the commands it caused.
    const outer = this.pendingAudit === null;
    if (outer) this.pendingAudit = [];
    this.pendingAudit!.push(['event', event]);
    try {
      this.actor.send(event);
    } finally {
      if (outer) this.flushAudit();
    }
  }

  private audit(kind: string, detail: unknown): void {
    if (this.pendingAudit !== null) this.pendingAudit.push([kind, detail]);
    else this.recorder.audit(kind, detail);
  }

  private flushAudit(): void {
    const entries = this.pendingAudit ?? [];
    this.pendingAudit = null;
    for (const [kind, detail] of entries) this.recorder.audit(kind, detail);
  }

  get penInfo(): Payload<'INFO'> | null {
    return this.info;
  }

  /** The pen's state as last reported (INFO, then TELEMETRY); 0 before the handshake. */
  get penState(): number {
    return this.lastPenState;
  }

  get hasEnded(): boolean {
    return this.endedWith !== null;
  }

  /** Resolves when the machine reports the session's end (any outcome). */
  whenEnded(): Promise<SessionEndedParams> {
    if (this.endedWith !== null) return Promise.resolve(this.endedWith);
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  /** Stops timers and the link; the machine keeps its final snapshot. */
  shutdown(): void {
    this.cancelDebounce();
    this.link?.close();
    if (this.port?.isOpen) this.port.close(() => {});
    this.actor.stop();
  }

  private provideMachine() {
    const recorder = () => this.recorder;
    return controllerMachine.provide({
      actions: {
        openLink: () => void this.openLink(),
        sendHello: () => void this.hello(),
        sendDepth: (_, params) => this.command('SET_DEPTH', { depthUm: params.depthUm }),
        sendSpeed: (_, params) => this.command('SET_SPEED', { strokeHz: params.strokeHz }),
        armDrive: () => this.command('ARM', {}),
        disarmDrive: () => this.command('DISARM', {}),
        // NOTE: STOP and ESTOP take the link's priority path, ahead of every queued command.
        stopNeedles: () => this.realtime('STOP'),
        emergencyStop: () => this.realtime('ESTOP'),
        resetPen: () => {
          this.command('RESET_FAULT', {});
          this.command('HOME', {});
        },
        startDebounceTimer: (_, params) => {
          this.cancelDebounce();
          this.debounceTimer = this.deps.clock.setTimer(params.debounceMs, () => {
            this.debounceTimer = null;
            this.send({ type: 'PASS_DEBOUNCE_ELAPSED' });
          });
        },
        cancelDebounceTimer: () => this.cancelDebounce(),
        reservePass: (_, params) => recorder().reservePass(params),
        recordPassStarted: (_, params) => recorder().passStarted(params),
        recordPassEnded: (_, params) => recorder().passEnded(params),
        recordAreaLocked: (_, params) => recorder().areaLocked(params.area, params.reason),
        recordRefusal: (_, params) => recorder().refusal(params),
        recordClamp: (_, params) => recorder().clamp(params),
        recordStop: (_, params) => recorder().stop(params),
        recordFault: (_, params) => recorder().fault(params),
        sessionEnded: (_, params) => this.ended(params),
      },
    });
  }

  private async openLink(): Promise<void> {
    // NOTE: a reconnect (RESET then CONNECT) must not leave the previous link heartbeating on an open port.
    this.link?.close();
    this.link = null;
    if (this.port?.isOpen) this.port.close(() => {});
    this.port = null;
    try {
      const port = await this.deps.openPort();
      this.port = port;
      const link = new PenLink({ port, clock: this.deps.clock });
      this.link = link;
      link.on('telemetry', (payload) => {
        this.lastPenState = payload.state;
        this.send({ type: 'TELEMETRY', ...payload });
      });
      link.on('contact', (payload) =>
        this.send({
          type: payload.contact === 1 ? 'CONTACT_ON' : 'CONTACT_OFF',
          atMs: payload.deviceTickMs,
          strokeCount: payload.strokeCount,
        }),
      );
      link.on('fault', (payload) => this.send({ type: 'PEN_FAULT', faultCode: payload.faultCode }));
      link.on('stopped', (payload) => this.send({ type: 'PEN_STOPPED', reason: payload.reason }));
      link.on('cartridge', (payload) => {
        if (payload.present === 0) this.send({ type: 'CARTRIDGE_REMOVED' });
      });
      link.onLinkDead((reason) => this.send({ type: 'LINK_DEAD', reason }));
      this.send({ type: 'LINK_OPENED' });
    } catch (error) {
      this.send({ type: 'LINK_FAILED', reason: (error as Error).message });
    }
  }

  private async hello(): Promise<void> {
    const link = this.link;
    if (link === null) return;
    try {
      const info = await link.hello();
      this.info = info;
      this.lastPenState = info.state;
      link.startHeartbeat(HEARTBEAT_PERIOD_MS);
      void link.command('SET_TELEMETRY', { rateHz: SESSION_TELEMETRY_HZ }).catch(() => {});
      this.send({ type: 'INFO_RECEIVED', info });
    } catch {
      this.send({ type: 'HANDSHAKE_TIMEOUT' });
    }
  }

  private command<N extends PenCommandName>(name: N, payload: Payload<N>): void {
    const link = this.link;
    if (link === null) return;
    this.audit('command', { name, payload });
    link.command(name, payload).then(
      (result: CommandResult) =>
        this.send(
          result.ok
            ? { type: 'COMMAND_ACKED', command: name, note: result.note, appliedValue: result.appliedValue }
            : { type: 'COMMAND_NAKED', command: name, reason: result.reason },
        ),
      () => {
        // A dead link is reported once through onLinkDead; nothing more to do for this command.
      },
    );
  }

  private realtime(name: 'STOP' | 'ESTOP'): void {
    this.link?.realtime(name);
    this.audit('command', { name });
  }

  /**
   * The machine threw (e.g. a durable record could not be written): nothing decides any more, so
   * the needles stop now and the link goes quiet, which also lets the pen's lease lapse.
   */
  private failSafe(error: unknown): void {
    // NOTE: a dead controller with a live heartbeat would keep the drive running: stop and drop the link.
    this.link?.realtime('STOP');
    this.link?.close();
    this.cancelDebounce();
    const detail = error instanceof Error ? error.message : String(error);
    try {
      this.recorder.fault({ code: 0, reason: 'CONTROLLER_ERROR', detail });
    } catch {
      // The recorder may be what failed; the stop above does not depend on it.
    }
    this.ended({ outcome: 'fault', reason: 'CONTROLLER_ERROR' });
  }

  private cancelDebounce(): void {
    if (this.debounceTimer !== null) this.deps.clock.clearTimer(this.debounceTimer);
    this.debounceTimer = null;
  }

  private ended(end: SessionEndedParams): void {
    if (this.endedWith !== null) return;
    this.endedWith = end;
    try {
      this.recorder.sessionEnded(end);
    } finally {
      for (const waiter of this.endWaiters.splice(0)) waiter(end);
    }
  }

  /** How the session ended, as the machine (or the fail-safe) reported it; null while running. */
  get end(): SessionEndedParams | null {
    return this.endedWith;
  }
}
