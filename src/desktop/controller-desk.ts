// Controller mode: plan sessions on the one session runner with the simulated pen, the page's hand (or the scripted one) as operator.
import { DeskSimulation } from '../../sim/desk-simulation.js';
import { counter } from '../../sim/desk-watch.js';
import type { InjectionOutcome } from '../../sim/injection-watch.js';
import { SimulationPace } from '../../sim/pace.js';
import { SeededRandom, drawPenDefaults, type FaultSpec } from '../../sim/index.js';
import { HOME_MAX_DEPTH_UM, OVER_DEPTH_MARGIN_UM, PRO_MAX_DEPTH_UM } from '../limits/index.js';
import type { Plan } from '../policy/index.js';
import { Sku } from '../protocol/index.js';
import { formatHistory, readHistory } from '../wiring/history.js';
import { runSessionRequest, type SessionReport, type SessionRequest } from '../wiring/session-request.js';
import type { SessionRunner } from '../wiring/session-runner.js';
import { formatSummary } from '../wiring/summary.js';
import { FLUSH_HZ, FeedPublisher } from './feed-publisher.js';
import type { PageAssets } from './page-assets.js';
import { PenFeed } from './pen-feed.js';
import { injectionMessage, PLOT_BUCKET_MS } from './pen-only-desk.js';
import { penLimitsUm, penStatus } from './pen-status.js';
import { DeskServer, type DeskClient, type DeskHandler, type HandlerResult } from './server.js';
import { FAULT_DOCS, FAULT_KINDS, FAULT_PARAMETERS } from './shared/fault-options.js';
import {
  DESK_PROTOCOL_VERSION,
  OPERATORS,
  REQUEST_TYPES,
  type DeskRequest,
  type EndMessage,
  type OperatorChoice,
  type SessionMessage,
  type WelcomeMessage,
} from './shared/messages.js';
import { MachineEvents, sessionAreas, statePath } from './session-view.js';
import { SIM_SPEEDS, type SimSpeed } from '../../sim/pace.js';

/** Desk time between two sessions' pens, ms (the plots show a gap). */
const SESSION_GAP_MS = 1000;

export interface ControllerDeskOptions {
  /** The session as the CLI asks for it, without the pen: plan, mode, client, screening, records, signed documents. */
  readonly request: Omit<SessionRequest, 'pen' | 'onProgress'>;
  /** The plan, already checked (the CLI refused a bad one before the page was served). */
  readonly plan: Plan;
  /** The pen model; default the plan's mode. */
  readonly sku?: 'home' | 'pro';
  readonly seed: number;
  readonly cartridgeId?: number;
  readonly assets: PageAssets;
  /** TCP port of the page; 0 (the default) picks a free one. */
  readonly httpPort?: number;
}

/** One session the page started. */
interface DeskRun {
  readonly number: number;
  readonly operator: OperatorChoice;
  readonly pace: SimulationPace;
  readonly events: MachineEvents;
  desk: DeskSimulation | null;
  runner: SessionRunner | null;
  running: boolean;
  contactHolder: number | null;
  /** The last session report after the end was sent (nothing changes after it). */
  endReported: boolean;
  done: Promise<void>;
}

/**
 * Serves the page and runs one plan session at a time through the CLI's session request path
 * (the same inputs and refusals): the runner's machine decides everything; the page's requests
 * become operator inputs (SELECT_AREA, STOP, ESTOP, FINISH) and the hand's skin contact.
 */
export class ControllerDesk implements DeskHandler {
  private server: DeskServer | null = null;
  private readonly feed: PenFeed;
  private readonly publisher: FeedPublisher;
  private readonly injections = new Map<number, InjectionOutcome>();
  private flushTimer: ReturnType<typeof setInterval> | null = null;
  private run: DeskRun | null = null;
  private sessions = 0;
  private deskMs = 0;
  /** The simulated wall clock after the last session (ms since epoch): the next one starts no earlier. */
  private readonly sku: 'home' | 'pro';
  private readonly serialNumber: number;
  private readonly injectionIds = counter();

  private constructor(private readonly options: ControllerDeskOptions) {
    this.sku = options.sku ?? options.plan.mode;
    this.serialNumber = drawPenDefaults(new SeededRandom(options.seed)).serialNumber;
    this.feed = new PenFeed({ bucketMs: PLOT_BUCKET_MS, limitsUm: () => this.limitsUm() });
    this.publisher = new FeedPublisher(this.feed, (message, droppable) => this.server?.broadcast(message, droppable));
  }

  /** Starts the page server (no session runs until the page asks). Rejects when the TCP port is taken. */
  static async start(options: ControllerDeskOptions): Promise<ControllerDesk> {
    const desk = new ControllerDesk(options);
    desk.server = await DeskServer.start({
      handler: desk,
      assets: options.assets,
      ...(options.httpPort === undefined ? {} : { port: options.httpPort }),
    });
    desk.flushTimer = setInterval(() => desk.flush(), 1000 / FLUSH_HZ);
    return desk;
  }

  get url(): string {
    return (this.server as DeskServer).url;
  }

  get deskServer(): DeskServer {
    return this.server as DeskServer;
  }

  /** The running (or last) session's runner and pen, for tests and the benchmark. */
  get current(): {
    readonly runner: SessionRunner | null;
    readonly pen: DeskSimulation | null;
    readonly running: boolean;
  } {
    return { runner: this.run?.runner ?? null, pen: this.run?.desk ?? null, running: this.run?.running ?? false };
  }

  /** Resolves when the current session (if any) has ended and its end was reported. */
  async whenIdle(): Promise<void> {
    await this.run?.done;
  }

  /** STOPs a running session (recorded as aborted), waits for its end, then closes the server. */
  async stop(): Promise<void> {
    const run = this.run;
    if (run?.running === true) run.runner?.operator({ type: 'STOP' });
    await run?.done;
    if (this.flushTimer !== null) clearInterval(this.flushTimer);
    this.flushTimer = null;
    await this.server?.close();
  }

  welcome(): WelcomeMessage {
    const capUm = this.sku === 'pro' ? PRO_MAX_DEPTH_UM : HOME_MAX_DEPTH_UM;
    const { plan, request } = this.options;
    return {
      type: 'welcome',
      protocol: DESK_PROTOCOL_VERSION,
      mode: 'controller',
      accepts: [...REQUEST_TYPES],
      portPath: 'the simulated pen (virtual time, shared with the controller)',
      pen: { sku: this.sku, serialNumber: this.serialNumber, capUm, tripUm: capUm + OVER_DEPTH_MARGIN_UM },
      faults: FAULT_KINDS.map((kind) => ({ kind, doc: FAULT_DOCS[kind], parameters: [...FAULT_PARAMETERS[kind]] })),
      feed: { flushHz: FLUSH_HZ, bucketMs: PLOT_BUCKET_MS },
      controller: {
        planSource: request.plan.source,
        mode: plan.mode,
        clientId: request.clientId ?? null,
        areas: plan.areas.map((area) => ({
          area: area.area,
          depthUm: Math.round(area.depthMm * 1000),
          passes: area.passes,
        })),
        operators: [...OPERATORS],
        speeds: [...SIM_SPEEDS],
      },
    };
  }

  handle(request: DeskRequest, client: DeskClient): HandlerResult {
    const run = this.run;
    const live = run !== null && run.running ? run : null;
    switch (request.type) {
      case 'start':
        if (live !== null) return refused(`session ${live.number} is running: STOP or finish it first`);
        return this.startSession(request.operator, request.speed);
      case 'stop':
      case 'estop': {
        const type = request.type === 'stop' ? 'STOP' : 'ESTOP';
        if (live?.runner == null) return { ok: true, detail: `${type}: no session running, nothing to stop` };
        this.note(`DESK_${type}`, `${type} from the desk, to the machine`);
        live.runner.operator({ type });
        return { ok: true, detail: `${type} sent to the machine` };
      }
      case 'finish':
        if (live?.runner == null) return refused('no session running');
        this.note('DESK_FINISH', 'the operator is done');
        live.runner.operator({ type: 'FINISH' });
        return { ok: true, detail: 'FINISH sent to the machine' };
      case 'speed':
        if (live === null) return refused('no session running');
        live.pace.speed = request.speed;
        this.note('DESK_SPEED', `virtual time at ${request.speed}`);
        return { ok: true, detail: `speed ${request.speed}` };
      case 'contact':
        return this.contact(live, request.on, request.area, client);
      case 'inject':
        if (live?.desk == null) return refused('no session running: start one to inject faults');
        return this.inject(live.desk, request.fault);
      case 'clear-faults':
        if (live?.desk == null) return refused('no session running');
        live.desk.faults.clearAll();
        this.note('DESK_CLEAR_FAULTS', 'injected faults ended (a latched fault stays latched)');
        return { ok: true, detail: 'injected faults ended' };
      case 'power-cycle':
        if (live?.desk == null) return refused('no session running');
        live.desk.powerCycle();
        this.note('DESK_POWER_CYCLE', 'the pen was switched off and on');
        return { ok: true, detail: 'pen power-cycled' };
    }
  }

  disconnected(client: DeskClient): void {
    // NOTE: a page that goes away must not leave the tip on the skin.
    const run = this.run;
    if (run === null || run.contactHolder !== client.id) return;
    run.contactHolder = null;
    run.desk?.setContact(false);
    this.note('DESK_LIFT', 'the page holding contact disconnected: tip lifted');
  }

  private startSession(operator: OperatorChoice, speed: SimSpeed): HandlerResult {
    const number = ++this.sessions;
    const run: DeskRun = {
      number,
      operator,
      pace: new SimulationPace(speed),
      events: new MachineEvents(),
      desk: null,
      runner: null,
      running: true,
      contactHolder: null,
      endReported: false,
      done: Promise.resolve(),
    };
    this.run = run;
    const { options } = this;
    const startMs = this.deskMs + SESSION_GAP_MS;
    const observer = {
      transmitted: (bytes: Uint8Array, atMs: number) => this.feed.record(bytes, atMs, 'toHost'),
      received: (bytes: Uint8Array, atMs: number) => this.feed.record(bytes, atMs, 'toPen'),
      injection: (outcome: InjectionOutcome) => void this.injections.set(outcome.id, outcome),
    };
    this.note('DESK_START', `session ${number}: ${operator} operator at ${speed}`);
    run.done = runSessionRequest({
      ...options.request,
      pen: {
        kind: 'sim',
        seed: options.seed,
        ...(options.cartridgeId === undefined ? {} : { cartridgeId: options.cartridgeId }),
        drive: {
          createSimulation: (simulationOptions) => {
            const sku = options.sku === undefined ? simulationOptions.sku : options.sku === 'pro' ? Sku.PRO : Sku.HOME;
            run.desk = new DeskSimulation({ ...simulationOptions, sku }, startMs, observer, this.injectionIds);
            return run.desk.simulation;
          },
          // NOTE: the page's hand acts through the runner attached below; the scripted hand is the CLI's.
          ...(operator === 'hand' ? { operator: { kind: 'none' as const } } : {}),
          pace: run.pace,
          attach: (runner) => void (run.runner = runner),
        },
      },
    }).then(
      (report) => {
        this.ended(run, report);
      },
      (error: unknown) => this.notStarted(run, error),
    );
    return { ok: true, detail: `session ${number} starting (${operator}, ${speed})` };
  }

  private contact(run: DeskRun | null, on: boolean, area: string | undefined, client: DeskClient): HandlerResult {
    if (!on) {
      // A lift-off is always accepted: it can only take the tip off the skin.
      run?.desk?.setContact(false);
      if (run !== null) run.contactHolder = null;
      return { ok: true, detail: 'tip lifted' };
    }
    if (run?.desk == null || run.runner === null) return refused('no session running: start one');
    if (run.operator !== 'hand') return refused('the scripted hand operates this session');
    const runner = run.runner;
    if (area !== undefined) {
      const snapshot = runner.snapshot;
      const choosing =
        snapshot.matches({ connected: { session: 'selectingArea' } }) ||
        snapshot.matches({ connected: { session: 'paused' } });
      // The hand picks the area first, as an operator does on the CLI's map; the machine may refuse it.
      if (choosing || snapshot.context.currentArea !== area) runner.operator({ type: 'SELECT_AREA', area });
    }
    run.desk.setContact(true);
    run.contactHolder = client.id;
    return { ok: true, detail: area === undefined ? 'tip on skin' : `tip on skin: ${area}` };
  }

  private inject(desk: DeskSimulation, fault: FaultSpec): HandlerResult {
    try {
      const outcome = desk.inject(fault);
      this.injections.set(outcome.id, outcome);
      this.note('DESK_INJECT', `injected ${fault.kind} (#${outcome.id})`);
      return { ok: true, detail: `injection #${outcome.id}: ${fault.kind}` };
    } catch (error) {
      if (error instanceof RangeError) return refused(error.message);
      throw error;
    }
  }

  private ended(run: DeskRun, report: SessionReport): void {
    const { summary } = report;
    let historyText: string;
    try {
      historyText = formatHistory(readHistory(report.recordsPath, summary.clientId), summary.clientId);
    } catch (error) {
      historyText = `history not readable: ${(error as Error).message}`;
    }
    this.takeMachineEvents(run);
    this.note(
      'DESK_END',
      `session ${run.number}: ${summary.outcome}${summary.outcomeReason ? ` (${summary.outcomeReason})` : ''}`,
    );
    this.finishRun(run);
    this.broadcastEnd({
      type: 'end',
      number: run.number,
      outcome: summary.outcome,
      outcomeReason: summary.outcomeReason,
      summaryText: formatSummary(summary).slice(0, 20_000),
      aftercare: [...(summary.aftercare ?? [])],
      historyText: historyText.slice(0, 50_000),
      recordsFailed: report.recordsFailed?.slice(0, 500) ?? null,
    });
  }

  /** The request was refused before anything reached the pen (bad input, a records problem), as the CLI refuses it. */
  private notStarted(run: DeskRun, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.note('DESK_REFUSED', `session ${run.number} not started: ${message}`.slice(0, 200));
    this.finishRun(run);
    this.broadcastEnd({
      type: 'end',
      number: run.number,
      outcome: 'not started',
      outcomeReason: null,
      summaryText: `mnpen session: not started\n${message}`.slice(0, 20_000),
      aftercare: [],
      historyText: '',
      recordsFailed: null,
    });
  }

  private finishRun(run: DeskRun): void {
    run.running = false;
    run.contactHolder = null;
    if (run.desk !== null) this.deskMs = Math.max(this.deskMs, run.desk.nowMs);
    this.flush();
  }

  private broadcastEnd(message: EndMessage): void {
    this.server?.broadcast(message, false);
  }

  private note(name: string, detail: string): void {
    this.feed.note({ atMs: this.nowMs(), kind: 'desk', code: null, name, detail });
  }

  private nowMs(): number {
    return this.run?.desk?.nowMs ?? this.deskMs;
  }

  /** The machine's effective cap for the area it works (the pen's own before one), and the pen limiter's trip line. */
  private limitsUm(): { readonly capUm: number; readonly tripUm: number } {
    const desk = this.run?.desk;
    if (desk == null) return { capUm: 0, tripUm: 0 };
    const pen = penLimitsUm(desk);
    const context = this.run?.runner?.context;
    const area = context?.areas.find((entry) => entry.area === context.currentArea);
    return { capUm: area !== undefined && area.capUm > 0 ? area.capUm : pen.capUm, tripUm: pen.tripUm };
  }

  private flush(): void {
    const server = this.server;
    if (server === null) return;
    const run = this.run;
    const nowMs = this.nowMs();
    const runner = run?.runner ?? null;
    if (run !== null) this.takeMachineEvents(run);
    const figures = this.publisher.flush(nowMs);
    for (const outcome of this.injections.values()) server.broadcast(injectionMessage(outcome), false);
    this.injections.clear();
    if (run === null || run.endReported) return;
    if (!run.running) run.endReported = true;
    if (runner !== null) server.broadcast(this.sessionMessage(run, runner, nowMs), run.running);
    if (run.desk !== null) server.broadcast(penStatus(run.desk, figures), run.running);
  }

  /** The machine's new decisions into the feed (in order with the pen's events). */
  private takeMachineEvents(run: DeskRun): void {
    if (run.runner === null) return;
    for (const event of run.events.take(run.runner.context, this.nowMs())) this.feed.note(event);
  }

  private sessionMessage(run: DeskRun, runner: SessionRunner, atMs: number): SessionMessage {
    const { context } = runner;
    return {
      type: 'session',
      atMs,
      number: run.number,
      running: run.running,
      operator: run.operator,
      speed: run.pace.speed,
      state: statePath(runner.snapshot.value).slice(0, 200),
      currentArea: context.currentArea,
      outcome: context.outcome,
      outcomeReason: context.outcomeReason,
      areas: sessionAreas(context),
    };
  }
}

function refused(message: string): HandlerResult {
  return { ok: false, code: 'REFUSED', message };
}
