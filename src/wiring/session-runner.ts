// The one session runner: the controller machine with a clock, a pen port and records; operators only send it inputs.
import { createActor, type Actor, type SnapshotFrom } from 'xstate';
import type { Clock, TimerHandle } from '../clock/clock.js';
import {
  TIMER_EVENTS,
  controllerMachine,
  type ControllerContext,
  type ControllerEffect,
  type ControllerEvent,
  type ControllerInput,
  type OperatorEvent,
  type SessionEndedParams,
  type TelemetryEvent,
  type TimerName,
  isInertTelemetry,
} from '../machine/index.js';
import { PolicyReason } from '../policy/index.js';
import type { Payload } from '../protocol/index.js';
import { PenDriver, type LinkSource } from './pen-driver.js';
import type { RecordBatch, SessionRecords } from './records.js';
import { summarize, type SessionSummary } from './summary.js';

export type { ClosablePort } from './pen-driver.js';

/**
 * The pen's port (opened when the machine asks, closed by the runner at shutdown) or a link to it
 * (the link thread of a real port), the clock and the records.
 */
export type SessionPorts = LinkSource & {
  /** Host time for the link and the machine's timers (a VirtualClock in simulation). */
  readonly clock: Clock;
  readonly records: SessionRecords;
};

/** How a run ended: the machine's outcome (or the fail-safe's), its summary, and whether the records took all of it. */
export interface SessionResult {
  readonly end: SessionEndedParams;
  readonly summary: SessionSummary;
  /** The last record batch failed: the records may lack the end of the session (the summary is what happened). */
  readonly recordsFailed: string | null;
}

type ControllerActor = Actor<typeof controllerMachine>;
export type ControllerSnapshot = SnapshotFrom<typeof controllerMachine>;

/**
 * Runs one session. Nothing here decides: the machine does. The runner delivers events one at a
 * time (events raised while one is handled wait their turn), carries out the machine's effects in
 * order (link commands and timers at once; records in one batch per event, written after the
 * machine reacted, each row naming its cause), and answers the machine's requests (claim,
 * admission facts, pass reservations) with events once the records have answered.
 */
export class SessionRunner {
  readonly actor: ControllerActor;
  private readonly pen: PenDriver;
  private readonly timers = new Map<TimerName, TimerHandle>();
  private readonly queue: ControllerEvent[] = [];
  private dispatching = false;
  private eventId = 0;
  /** The latest inert telemetry sample not yet taken by the machine, with its event id (decision 0012). */
  private folded: { readonly event: TelemetryEvent; readonly eventId: number } | null = null;
  private foldedCount = 0;
  private effects: ControllerEffect[] = [];
  private writes: Promise<void> = Promise.resolve();
  private endedWith: SessionEndedParams | null = null;
  private recordsFailure: string | null = null;
  private readonly endWaiters: ((result: SessionResult) => void)[] = [];
  private readonly eventListeners = new Set<(event: ControllerEvent) => void>();
  private result: SessionResult | null = null;
  private failed = false;

  constructor(
    input: ControllerInput,
    private readonly ports: SessionPorts,
  ) {
    this.actor = createActor(controllerMachine, { input });
    this.actor.on('*', (effect) => this.effects.push(effect as ControllerEffect));
    this.actor.subscribe({ error: (error) => this.failSafe(error) });
    const send = (event: ControllerEvent): void => this.send(event);
    this.pen = new PenDriver(
      'openLink' in ports
        ? { clock: ports.clock, openLink: ports.openLink, send }
        : { clock: ports.clock, openPort: ports.openPort, send },
    );
  }

  /** Starts the machine and asks for the session (START_SESSION). */
  start(): void {
    this.actor.start();
    this.send({ type: 'START_SESSION' });
  }

  /** An operator input (the CLI, the desktop page, the scripted hand, the bench): the machine decides. */
  operator(event: OperatorEvent): void {
    this.send(event);
  }

  /**
   * Calls `listener` with every new snapshot (operators, progress lines, the desktop page). A
   * listener that throws, or a machine that fails, never reaches the caller: the fail-safe acts.
   */
  onSnapshot(listener: (snapshot: ControllerSnapshot) => void): () => void {
    const subscription = this.actor.subscribe({
      next: (snapshot) => {
        try {
          listener(snapshot);
        } catch (error) {
          this.failSafe(error);
        }
      },
      error: () => {},
    });
    return () => subscription.unsubscribe();
  }

  /**
   * Calls `listener` with every event the machine took, once it has reacted (the bench reads the
   * pen's telemetry here). It only observes; a listener that throws never reaches the caller: the fail-safe acts.
   */
  onEvent(listener: (event: ControllerEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** The machine's snapshot, with every telemetry sample so far taken (a folded one is taken first). */
  get snapshot(): ControllerSnapshot {
    this.takeFolded();
    return this.actor.getSnapshot();
  }

  get context(): ControllerContext {
    return this.snapshot.context;
  }

  /** INFO as the pen last sent it, or null before the handshake. */
  get penInfo(): Payload<'INFO'> | null {
    return this.pen.info;
  }

  /** Telemetry samples folded so far: taken as inert, each replaced by the next (decision 0012). */
  get foldedSamples(): number {
    return this.foldedCount;
  }

  get hasEnded(): boolean {
    return this.endedWith !== null;
  }

  /** Resolves once the session has ended and its last records were written (or failed). */
  whenEnded(): Promise<SessionResult> {
    if (this.result !== null) return Promise.resolve(this.result);
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  /** Stops timers and the link; the machine keeps its final snapshot. Waits for pending record writes. */
  async shutdown(): Promise<void> {
    this.takeFolded();
    this.cancelAllTimers();
    this.pen.close();
    this.actor.stop();
    await this.writes;
    await this.pen.whenClosed();
  }

  /** Delivers an event; events after the machine stopped (final state or shutdown) are dropped. */
  send(event: ControllerEvent): void {
    this.queue.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) this.take(next);
    } finally {
      this.dispatching = false;
    }
  }

  /**
   * A telemetry sample the machine would take without a decision (isInertTelemetry, the machine's
   * own test) waits as the folded one, replacing any before it; any other event has the folded
   * sample taken first, so the machine decides every event on the context it would have had from
   * every sample (decision 0012).
   */
  private take(event: ControllerEvent): void {
    const snapshot = this.actor.getSnapshot();
    if (snapshot.status !== 'active') return;
    if (event.type === 'TELEMETRY' && this.isInert(snapshot, event)) {
      this.folded = { event, eventId: ++this.eventId };
      this.foldedCount += 1;
      this.notifyListeners(event);
      return;
    }
    this.takeFolded();
    this.dispatch(event, ++this.eventId, true);
  }

  /** The machine's fold test; when it throws, the machine takes the sample (and its fail-safe acts on a throw there). */
  private isInert(snapshot: ControllerSnapshot, event: TelemetryEvent): boolean {
    try {
      return isInertTelemetry(snapshot, event, this.folded?.event ?? null);
    } catch {
      return false;
    }
  }

  /** The folded sample, if any, to the machine (its observers saw it when it came). */
  private takeFolded(): void {
    const folded = this.folded;
    if (folded === null) return;
    this.folded = null;
    this.dispatch(folded.event, folded.eventId, false);
  }

  private notifyListeners(event: ControllerEvent): void {
    if (this.eventListeners.size === 0) return;
    try {
      for (const listener of this.eventListeners) listener(event);
    } catch (error) {
      this.failSafe(error);
    }
  }

  private dispatch(event: ControllerEvent, eventId: number, notify: boolean): void {
    if (this.actor.getSnapshot().status !== 'active') return;
    this.effects = [];
    this.actor.send(event);
    const effects = this.effects;
    try {
      // NOTE: telemetry that changes nothing writes nothing: it is not a decision (and arrives at 50 Hz).
      if (event.type !== 'TELEMETRY' || effects.length > 0) {
        for (const effect of effects) this.carryOut(effect);
        this.enqueueBatch(event, eventId, effects);
      }
      // NOTE: observers see the event after the machine reacted and its STOP is on the wire: never ahead of a decision.
      if (notify && this.eventListeners.size > 0) for (const listener of this.eventListeners) listener(event);
    } catch (error) {
      this.failSafe(error);
    }
  }

  /** Link commands and timers at once (a STOP is on the wire before any record is written). */
  private carryOut(effect: ControllerEffect): void {
    switch (effect.type) {
      case 'startTimer':
        return this.startTimer(effect.timer, effect.delayMs);
      case 'cancelTimer':
        return this.cancelTimer(effect.timer);
      case 'cancelAllTimers':
        return this.cancelAllTimers();
      case 'recordSessionEnded':
        this.endedWith ??= { outcome: effect.outcome, reason: effect.reason };
        return;
      default:
        this.pen.carryOut(effect);
    }
  }

  /** The event's rows, then the requests it made: answered only once the rows are durable. */
  private enqueueBatch(event: ControllerEvent, eventId: number, effects: readonly ControllerEffect[]): void {
    const context = this.actor.getSnapshot().context;
    const batch: RecordBatch = {
      sessionId: context.record.sessionId,
      cause: { eventId, type: event.type, detail: event },
      effects,
      ...(this.endedWith !== null && effects.some((effect) => effect.type === 'recordSessionEnded')
        ? { summary: this.summary() }
        : {}),
    };
    const records = this.ports.records;
    this.writes = this.writes.then(async () => {
      if (this.recordsFailure !== null) return;
      try {
        await records.write(batch);
      } catch (error) {
        this.recordsFailure = (error as Error).message;
        this.send({ type: 'RECORDS_UNAVAILABLE', detail: this.recordsFailure });
        return;
      }
      for (const effect of effects) await this.answer(effect);
    });
    if (batch.summary !== undefined) void this.writes.then(() => this.finish());
  }

  /** Answers a request effect with its event (after its batch was written). */
  private async answer(effect: ControllerEffect): Promise<void> {
    const records = this.ports.records;
    try {
      if (effect.type === 'claimSession') {
        const outcome = await records.claim(effect);
        this.send(
          outcome.ok
            ? { type: 'SESSION_CLAIMED', claim: outcome.claim }
            : { type: 'CLAIM_REFUSED', reason: outcome.reason, detail: outcome.detail },
        );
      } else if (effect.type === 'requestAdmissionFacts') {
        this.send({
          type: 'ADMISSION_FACTS',
          facts: await records.admissionFacts(effect.sessionId, effect.cartridgeId),
        });
      } else if (effect.type === 'reservePass') {
        this.send({ type: 'PASS_RESERVED', area: effect.area, passNumber: effect.passNumber });
      }
    } catch (error) {
      this.recordsFailure ??= (error as Error).message;
      this.send({ type: 'RECORDS_UNAVAILABLE', detail: (error as Error).message });
    }
  }

  private summary(): SessionSummary {
    return summarize(this.actor.getSnapshot().context, this.pen.info, this.endedWith);
  }

  private finish(): void {
    if (this.result !== null || this.endedWith === null) return;
    this.result = { end: this.endedWith, summary: this.summary(), recordsFailed: this.recordsFailure };
    for (const waiter of this.endWaiters.splice(0)) waiter(this.result);
  }

  private startTimer(timer: TimerName, delayMs: number): void {
    this.cancelTimer(timer);
    const event = { type: TIMER_EVENTS[timer] } as ControllerEvent;
    this.timers.set(
      timer,
      this.ports.clock.setTimer(delayMs, () => {
        this.timers.delete(timer);
        this.send(event);
      }),
    );
  }

  private cancelTimer(timer: TimerName): void {
    const handle = this.timers.get(timer);
    if (handle !== undefined) this.ports.clock.clearTimer(handle);
    this.timers.delete(timer);
  }

  private cancelAllTimers(): void {
    for (const handle of this.timers.values()) this.ports.clock.clearTimer(handle);
    this.timers.clear();
  }

  /**
   * The machine threw: nothing decides any more, so the needles stop now and the link goes quiet,
   * which also lets the pen's lease lapse. The session ends in fault (CONTROLLER_ERROR).
   */
  private failSafe(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    // NOTE: a dead controller with a live heartbeat would keep the drive running: stop and drop the link.
    this.pen.emergencyQuiet();
    this.cancelAllTimers();
    const detail = error instanceof Error ? error.message : String(error);
    this.endedWith ??= { outcome: 'fault', reason: PolicyReason.CONTROLLER_ERROR };
    const batch: RecordBatch = {
      sessionId: this.actor.getSnapshot().context.record.sessionId,
      cause: { eventId: ++this.eventId, type: 'CONTROLLER_ERROR', detail },
      effects: [
        { type: 'recordFault', code: 0, reason: PolicyReason.CONTROLLER_ERROR, detail },
        { type: 'recordSessionEnded', ...this.endedWith },
      ],
      summary: this.summary(),
    };
    this.writes = this.writes.then(async () => {
      try {
        await this.ports.records.write(batch);
      } catch (failure) {
        this.recordsFailure ??= (failure as Error).message;
      }
    });
    void this.writes.then(() => this.finish());
  }
}
