// Sends the screen feed to the pages at the screen's rate: plot rows and events each flush, with the feed's figures over the last second.
import type { PenFeed } from './pen-feed.js';
import { PLOT_COLUMNS, type EventMessage, type SamplesMessage, type ServerMessage } from './shared/messages.js';

/** Reports to the page per second (plot rows, events, status): the screen's rate, not the pen's. */
export const FLUSH_HZ = 20;

/** Figures of the feed over the last second, carried by the status report. */
export interface FeedFigures {
  readonly samplesPerSecond: number;
  readonly rowsPerSecond: number;
  readonly droppedChunks: number;
}

/** Sends a report to every page; droppable ones may be skipped for a page that is behind. */
export type Broadcast = (message: ServerMessage, droppable: boolean) => void;

/**
 * Drains the feed and broadcasts what it decoded. NOTE: runs on its own timer, off the pen's 1 ms
 * path: a slow page costs screen rows (dropped, counted), never pen steps or records.
 */
export class FeedPublisher {
  private readonly samplesPerFlush: number[] = [];
  private readonly rowsPerFlush: number[] = [];
  private droppedChunks = 0;

  constructor(
    private readonly feed: PenFeed,
    private readonly broadcast: Broadcast,
  ) {}

  /** Drains at desk time `nowMs` and broadcasts plot rows, then events in order. Returns the figures. */
  flush(nowMs: number): FeedFigures {
    const drained = this.feed.drain(nowMs);
    this.droppedChunks = drained.droppedChunks;
    const rows = drained.rows;
    remember(this.samplesPerFlush, drained.telemetryFrames);
    remember(this.rowsPerFlush, rows.tMs.length);
    if (rows.tMs.length > 0) {
      const columns = Object.fromEntries(PLOT_COLUMNS.map((name, index) => [name, rows.columns[index] as number[]]));
      const samples = { type: 'samples', t: rows.tMs.map((ms) => ms / 1000), ...columns, frames: rows.samples };
      this.broadcast(samples as SamplesMessage, true);
    }
    for (const event of drained.events) this.broadcast({ type: 'event', ...event } satisfies EventMessage, false);
    return this.figures;
  }

  get figures(): FeedFigures {
    return {
      samplesPerSecond: sum(this.samplesPerFlush),
      rowsPerSecond: sum(this.rowsPerFlush),
      droppedChunks: this.droppedChunks,
    };
  }
}

/** Keeps the last second of per-flush counts. */
function remember(window: number[], count: number): void {
  window.push(count);
  if (window.length > FLUSH_HZ) window.shift();
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
