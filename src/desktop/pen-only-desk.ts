// Pen-only mode: the simulated pen in real time on a serial port for an external controller, its page showing the pen side and injecting faults.
import type { Duplex } from 'node:stream';
import { DeskPen } from '../../sim/desk-pen.js';
import type { InjectionOutcome } from '../../sim/injection-watch.js';
import { Fault, Reason, Sku, codeName } from '../protocol/index.js';
import { FLUSH_HZ, FeedPublisher } from './feed-publisher.js';
import { PenFeed } from './pen-feed.js';
import { penLimitsUm, penStatus } from './pen-status.js';
import type { PageAssets } from './page-assets.js';
import { DeskServer, type DeskClient, type DeskHandler, type HandlerResult } from './server.js';
import { FAULT_DOCS, FAULT_KINDS, FAULT_PARAMETERS } from './shared/fault-options.js';
import {
  DESK_PROTOCOL_VERSION,
  REQUEST_TYPES,
  type DeskRequest,
  type InjectionMessage,
  type WelcomeMessage,
} from './shared/messages.js';

/** What the page may ask in pen-only mode. */
const PEN_ONLY_REQUESTS = REQUEST_TYPES.filter((type) => type !== 'start' && type !== 'finish' && type !== 'speed');

/** Plot bucket: 1 kHz telemetry becomes at most 2 rows per 10 ms, ms. */
export const PLOT_BUCKET_MS = 10;

export interface PenOnlyDeskOptions {
  /** The pen's end of the serial link, already open. */
  readonly port: Duplex;
  readonly portPath: string;
  readonly sku: 'home' | 'pro';
  readonly seed: number;
  readonly cartridge?: { readonly id: number; readonly needleCount: number };
  readonly assets: PageAssets;
  /** TCP port of the page; 0 (the default) picks a free one. */
  readonly httpPort?: number;
}

/**
 * Runs the desk pen, its screen feed and the page server. The page only asks: the firmware on the
 * simulated pen decides every stop, clamp and fault, as it does for any host.
 */
export class PenOnlyDesk implements DeskHandler {
  readonly pen: DeskPen;
  private server: DeskServer | null = null;
  private readonly feed: PenFeed;
  private readonly injections = new Map<number, InjectionOutcome>();
  private contactHolder: number | null = null;
  private readonly publisher: FeedPublisher;
  private flushTimer: ReturnType<typeof setInterval> | null = null;

  private constructor(private readonly options: PenOnlyDeskOptions) {
    this.pen = new DeskPen({
      port: options.port,
      sku: options.sku === 'pro' ? Sku.PRO : Sku.HOME,
      seed: options.seed,
      ...(options.cartridge === undefined ? {} : { cartridge: options.cartridge }),
    });
    this.feed = new PenFeed({ bucketMs: PLOT_BUCKET_MS, limitsUm: () => penLimitsUm(this.pen) });
    const feed = this.feed;
    this.publisher = new FeedPublisher(feed, (message, droppable) => this.server?.broadcast(message, droppable));
    this.pen.observe({
      transmitted: (bytes, atMs) => feed.record(bytes, atMs, 'toHost'),
      received: (bytes, atMs) => feed.record(bytes, atMs, 'toPen'),
      injection: (outcome) => void this.injections.set(outcome.id, outcome),
    });
  }

  /** Starts the pen in real time and the page server. Rejects when the TCP port is taken. */
  static async start(options: PenOnlyDeskOptions): Promise<PenOnlyDesk> {
    const desk = new PenOnlyDesk(options);
    desk.server = await DeskServer.start({
      handler: desk,
      assets: options.assets,
      ...(options.httpPort === undefined ? {} : { port: options.httpPort }),
    });
    desk.pen.start();
    desk.flushTimer = setInterval(() => desk.flush(), 1000 / FLUSH_HZ);
    return desk;
  }

  /** The page's URL, token included. */
  get url(): string {
    return (this.server as DeskServer).url;
  }

  get deskServer(): DeskServer {
    return this.server as DeskServer;
  }

  /** Stops the pen's clock, the reports and the server; the caller closes the serial port. */
  async stop(): Promise<void> {
    if (this.flushTimer !== null) clearInterval(this.flushTimer);
    this.flushTimer = null;
    this.pen.stop();
    await this.server?.close();
  }

  welcome(): WelcomeMessage {
    const { capUm, tripUm } = penLimitsUm(this.pen);
    return {
      type: 'welcome',
      protocol: DESK_PROTOCOL_VERSION,
      mode: 'pen-only',
      accepts: PEN_ONLY_REQUESTS,
      portPath: this.options.portPath,
      pen: { sku: this.options.sku, serialNumber: this.pen.serialNumber, capUm, tripUm },
      faults: FAULT_KINDS.map((kind) => ({ kind, doc: FAULT_DOCS[kind], parameters: [...FAULT_PARAMETERS[kind]] })),
      feed: { flushHz: FLUSH_HZ, bucketMs: PLOT_BUCKET_MS },
    };
  }

  handle(request: DeskRequest, client: DeskClient): HandlerResult {
    switch (request.type) {
      case 'stop':
      case 'estop': {
        const name = request.type === 'stop' ? 'STOP' : 'ESTOP';
        if (!this.pen.requestRealtime(name)) return { ok: false, code: 'REFUSED', message: `${name}s already waiting` };
        this.note(`DESK_${name}`, `${name} from the desk, handed to the pen's UART`);
        return { ok: true, detail: `${name} handed to the pen` };
      }
      case 'contact':
        if (request.area !== undefined) return notHere('an area (controller mode)');
        this.pen.setContact(request.on);
        this.contactHolder = request.on ? client.id : null;
        return { ok: true, detail: request.on ? 'tip on skin' : 'tip lifted' };
      case 'inject':
        return this.inject(request.fault);
      case 'clear-faults':
        this.pen.faults.clearAll();
        this.note('DESK_CLEAR_FAULTS', 'injected faults ended (a latched fault stays latched)');
        return { ok: true, detail: 'injected faults ended' };
      case 'power-cycle':
        this.pen.powerCycle();
        this.note('DESK_POWER_CYCLE', 'the pen was switched off and on');
        return { ok: true, detail: 'pen power-cycled' };
      case 'start':
      case 'finish':
      case 'speed':
        return notHere(`${request.type} (controller mode: mnpen desktop --plan FILE)`);
    }
  }

  disconnected(client: DeskClient): void {
    // NOTE: a page that goes away must not leave the tip on the skin.
    if (this.contactHolder !== client.id) return;
    this.contactHolder = null;
    this.pen.setContact(false);
    this.note('DESK_LIFT', 'the page holding contact disconnected: tip lifted');
  }

  private inject(fault: Extract<DeskRequest, { type: 'inject' }>['fault']): HandlerResult {
    try {
      const outcome = this.pen.inject(fault);
      this.injections.set(outcome.id, outcome);
      this.note('DESK_INJECT', `injected ${fault.kind} (#${outcome.id})`);
      return { ok: true, detail: `injection #${outcome.id}: ${fault.kind}` };
    } catch (error) {
      if (error instanceof RangeError) return { ok: false, code: 'REFUSED', message: error.message };
      throw error;
    }
  }

  private note(name: string, detail: string): void {
    this.feed.note({ atMs: this.pen.nowMs, kind: 'desk', code: null, name, detail });
  }

  private flush(): void {
    const server = this.server;
    if (server === null) return;
    const figures = this.publisher.flush(this.pen.nowMs);
    for (const outcome of this.injections.values()) server.broadcast(injectionMessage(outcome), false);
    this.injections.clear();
    server.broadcast(penStatus(this.pen, figures), true);
  }
}

function notHere(what: string): HandlerResult {
  return { ok: false, code: 'NOT_AVAILABLE', message: `pen-only mode: no ${what}` };
}

/** An injection outcome as the page shows it, codes with their names. */
export function injectionMessage(outcome: InjectionOutcome): InjectionMessage {
  return {
    type: 'injection',
    id: outcome.id,
    kind: outcome.kind,
    atMs: outcome.atMs,
    wasSafe: outcome.wasSafe,
    safeAfterMs: outcome.safeAfterMs,
    alreadyLatched:
      outcome.alreadyLatched === null
        ? null
        : { code: outcome.alreadyLatched, name: codeName(Fault, outcome.alreadyLatched) },
    latched:
      outcome.latchedFault === null
        ? null
        : {
            code: outcome.latchedFault,
            name: codeName(Fault, outcome.latchedFault),
            afterMs: outcome.latchedAfterMs ?? 0,
          },
    stop:
      outcome.stopReason === null
        ? null
        : {
            code: outcome.stopReason,
            name: outcome.stopReason === 0 ? 'POWER_LOST' : codeName(Reason, outcome.stopReason),
            afterMs: outcome.stoppedAfterMs ?? 0,
          },
    rebooted: outcome.rebooted,
    done: outcome.done,
  };
}
