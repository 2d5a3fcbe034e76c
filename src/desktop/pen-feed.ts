// The screen's view of the pen's link: bytes recorded on the 1 ms path, decoded later into plot rows and events.
import {
  Fault,
  MAX_FRAME_BYTES,
  Reason,
  SlipStreamDecoder,
  codeName,
  decodeFrame,
  type Message,
  type Payload,
} from '../protocol/index.js';
import { MinMaxDecimator, type DecimatedRows } from './decimator.js';
import { PLOT_COLUMNS, type EventMessage } from './shared/messages.js';

/** Chunks the feed holds between drains (about 4 s of 1 kHz telemetry); older ones are dropped for the screen. */
export const FEED_CAPACITY_CHUNKS = 4096;
/** Events reported per drain; the rest are counted in one summary event. */
const MAX_EVENTS_PER_DRAIN = 100;
/** Host commands remembered to name the command an ACK or NAK answers. */
const COMMAND_MEMORY = 64;

export interface FeedOptions {
  /** Plot bucket, ms: 1 kHz telemetry becomes at most 2 rows per bucket. */
  readonly bucketMs: number;
  /** The cap and trip line drawn with each sample, um (the pen's own in pen-only mode). */
  readonly limitsUm: () => { readonly capUm: number; readonly tripUm: number };
}

/** One drain: plot rows, events in order, and the last telemetry seen (null when none). */
export interface FeedDrain {
  readonly rows: DecimatedRows;
  readonly events: Omit<EventMessage, 'type'>[];
  readonly lastTelemetry: Payload<'TELEMETRY'> | null;
  readonly telemetryFrames: number;
  readonly droppedChunks: number;
}

type Direction = 'toHost' | 'toPen';

/**
 * `record` is the only call on the pen's 1 ms path: it stores a reference in a ring (no decode, no
 * allocation beyond the ring's slots). `drain` decodes everything recorded, off that path.
 */
export class PenFeed {
  private readonly chunks: (Uint8Array | null)[] = new Array<Uint8Array | null>(FEED_CAPACITY_CHUNKS).fill(null);
  private readonly atMs = new Float64Array(FEED_CAPACITY_CHUNKS);
  private readonly toHost = new Uint8Array(FEED_CAPACITY_CHUNKS);
  private head = 0;
  private size = 0;
  private dropped = 0;
  private readonly decimator: MinMaxDecimator;
  private readonly values = new Float64Array(PLOT_COLUMNS.length);
  private readonly commands = new Map<number, { readonly name: string; readonly value: number | null }>();
  private events: Omit<EventMessage, 'type'>[] = [];
  private eventsOver = 0;
  private lastTelemetry: Payload<'TELEMETRY'> | null = null;
  private telemetryFrames = 0;
  private decodingAtMs = 0;
  private readonly penDecoder = new SlipStreamDecoder(MAX_FRAME_BYTES, (frame) => this.onFrame(frame, 'toHost'));
  private readonly hostDecoder = new SlipStreamDecoder(MAX_FRAME_BYTES, (frame) => this.onFrame(frame, 'toPen'));

  constructor(private readonly options: FeedOptions) {
    this.decimator = new MinMaxDecimator(options.bucketMs, PLOT_COLUMNS.length, 4096);
  }

  /** Records bytes that crossed the pen's UART at desk time `atMs`. NOTE: the 1 ms path: O(1), no decode. */
  record(bytes: Uint8Array, atMs: number, direction: Direction): void {
    if (this.size === FEED_CAPACITY_CHUNKS) {
      this.head = (this.head + 1) % FEED_CAPACITY_CHUNKS;
      this.size--;
      this.dropped++;
    }
    const slot = (this.head + this.size) % FEED_CAPACITY_CHUNKS;
    this.chunks[slot] = bytes;
    this.atMs[slot] = atMs;
    this.toHost[slot] = direction === 'toHost' ? 1 : 0;
    this.size++;
  }

  /** Adds an event that did not come from the link (a desk action), in order with the link's. */
  note(event: Omit<EventMessage, 'type'>): void {
    this.pushEvent(event);
  }

  /** Decodes every recorded chunk; returns rows of buckets ended by `nowMs` and the events since the last drain. */
  drain(nowMs: number): FeedDrain {
    this.lastTelemetry = null;
    this.telemetryFrames = 0;
    while (this.size > 0) {
      const slot = this.head;
      const bytes = this.chunks[slot] as Uint8Array;
      this.chunks[slot] = null;
      this.decodingAtMs = this.atMs[slot] as number;
      const decoder = this.toHost[slot] === 1 ? this.penDecoder : this.hostDecoder;
      this.head = (this.head + 1) % FEED_CAPACITY_CHUNKS;
      this.size--;
      decoder.push(bytes);
    }
    if (this.eventsOver > 0) {
      this.events.push(deskEvent(nowMs, `${this.eventsOver} more events not shown`));
      this.eventsOver = 0;
    }
    const drained: FeedDrain = {
      rows: this.decimator.take(nowMs),
      events: this.events,
      lastTelemetry: this.lastTelemetry,
      telemetryFrames: this.telemetryFrames,
      droppedChunks: this.dropped,
    };
    this.events = [];
    return drained;
  }

  private onFrame(frame: Uint8Array, direction: Direction): void {
    const decoded = decodeFrame(frame);
    if (!decoded.ok) return;
    if (direction === 'toPen') this.onHostMessage(decoded.message);
    else this.onPenMessage(decoded.message);
  }

  private onHostMessage(message: Message): void {
    if (message.name === 'HELLO') {
      this.pushEvent(linkEvent(this.decodingAtMs, 'HELLO', 'a host opened a link session'));
      return;
    }
    const values = Object.values(message.payload as Record<string, number>);
    this.commands.set(message.seq, { name: message.name, value: values[0] ?? null });
    if (this.commands.size > COMMAND_MEMORY) this.commands.delete(this.commands.keys().next().value as number);
  }

  private onPenMessage(message: Message): void {
    const atMs = this.decodingAtMs;
    switch (message.name) {
      case 'TELEMETRY':
      case 'STATUS':
        return this.onTelemetry(message.payload, atMs);
      case 'EVENT_FAULT': {
        const { faultCode, measuredDepthUm, commandedDepthUm } = message.payload;
        const detail = `latched: measured ${measuredDepthUm} um, commanded ${commandedDepthUm} um`;
        return this.pushEvent({ atMs, kind: 'fault', code: faultCode, name: codeName(Fault, faultCode), detail });
      }
      case 'EVENT_STOPPED': {
        const { reason } = message.payload;
        return this.pushEvent({
          atMs,
          kind: 'stop',
          code: reason,
          name: codeName(Reason, reason),
          detail: 'drive stopped',
        });
      }
      case 'NAK': {
        const { reason, refusedSeq } = message.payload;
        const detail = `${this.commandName(refusedSeq)} refused, nothing changed`;
        return this.pushEvent({ atMs, kind: 'refusal', code: reason, name: codeName(Reason, reason), detail });
      }
      case 'ACK': {
        const { note, ackedSeq, appliedValue } = message.payload;
        if (note === Reason.NONE) return;
        const command = this.commands.get(ackedSeq);
        const detail = `${this.commandName(ackedSeq)} ${command?.value ?? '?'} applied as ${appliedValue}`;
        return this.pushEvent({ atMs, kind: 'clamp', code: note, name: codeName(Reason, note), detail });
      }
      case 'EVENT_CONTACT': {
        const on = message.payload.contact === 1;
        const detail = `at ${message.payload.strokeCount} strokes`;
        return this.pushEvent({ atMs, kind: 'contact', code: null, name: on ? 'CONTACT_ON' : 'CONTACT_OFF', detail });
      }
      case 'EVENT_CARTRIDGE': {
        const { present, cartridgeId, needleCount } = message.payload;
        const name = present === 1 ? 'CARTRIDGE_INSERTED' : 'CARTRIDGE_REMOVED';
        const detail = present === 1 ? `id ${cartridgeId}, ${needleCount} needles` : 'none inserted';
        return this.pushEvent({ atMs, kind: 'cartridge', code: null, name, detail });
      }
      case 'INFO':
        return this.pushEvent(
          linkEvent(atMs, 'INFO', `handshake answered, next command seq ${message.payload.nextSeq}`),
        );
      default:
        return;
    }
  }

  private onTelemetry(payload: Payload<'TELEMETRY'>, atMs: number): void {
    const { capUm, tripUm } = this.options.limitsUm();
    // In the order of PLOT_COLUMNS.
    const values = this.values;
    values[0] = payload.commandedDepthUm;
    values[1] = payload.measuredDepthUm;
    values[2] = capUm;
    values[3] = tripUm;
    values[4] = payload.commandedStrokeHz;
    values[5] = payload.measuredStrokeHz;
    this.decimator.add(atMs, values);
    this.lastTelemetry = payload;
    this.telemetryFrames++;
  }

  private commandName(seq: number): string {
    return `${this.commands.get(seq)?.name ?? 'command'} (seq ${seq})`;
  }

  private pushEvent(event: Omit<EventMessage, 'type'>): void {
    if (this.events.length >= MAX_EVENTS_PER_DRAIN) this.eventsOver++;
    else this.events.push(event);
  }
}

function linkEvent(atMs: number, name: string, detail: string): Omit<EventMessage, 'type'> {
  return { atMs, kind: 'link', code: null, name, detail };
}

function deskEvent(atMs: number, detail: string): Omit<EventMessage, 'type'> {
  return { atMs, kind: 'desk', code: null, name: 'DESK', detail };
}
