// Test harness: a DeskPen on an in-memory port pair with a real PenLink host, stepped in lockstep virtual time.
import { Duplex } from 'node:stream';
import { DeskPen, type DeskPenOptions } from '../../sim/desk-pen.js';
import { VirtualClock } from '../../src/clock/clock.js';
import { PenState, Sku } from '../../src/protocol/index.js';
import { PenLink } from '../../src/transport/pen-link.js';

/** One end of an in-memory serial pair: writes arrive as 'data' on the other end. */
export class PairEnd extends Duplex {
  peer: PairEnd | null = null;
  isOpen = true;

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.peer?.push(Buffer.from(chunk));
    callback();
  }

  /** Closes this end as a serial port would: no more writes, then 'close'. */
  close(callback?: () => void): void {
    this.isOpen = false;
    this.destroy();
    callback?.();
  }
}

/** Two connected ends. */
export function portPair(): { readonly pen: PairEnd; readonly host: PairEnd } {
  const pen = new PairEnd();
  const host = new PairEnd();
  pen.peer = host;
  host.peer = pen;
  return { pen, host };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface DeskHarness {
  readonly desk: DeskPen;
  readonly link: PenLink;
  readonly clock: VirtualClock;
  readonly ports: { readonly pen: PairEnd; readonly host: PairEnd };
  /** Advances pen and host together by `ms`, one ms at a time, letting streams deliver. */
  advance(ms: number): Promise<void>;
  /** Steps until `predicate` holds; throws Error after `maxMs`. */
  until(predicate: () => boolean, maxMs: number, what: string): Promise<void>;
  /** Handshake, heartbeat, depth and speed, ARM: the drive runs (needles out, off the skin). */
  arm(depthUm?: number): Promise<void>;
  close(): void;
}

/** Builds the desk pen (home SKU unless told) and a host link on the other end of the pair. */
export function createDeskHarness(options: Partial<Omit<DeskPenOptions, 'port'>> = {}): DeskHarness {
  const ports = portPair();
  const clock = new VirtualClock();
  const desk = new DeskPen({ port: ports.pen, sku: Sku.HOME, seed: 7, ...options });
  const link = new PenLink({ port: ports.host, clock });
  const advance = async (ms: number): Promise<void> => {
    for (let i = 0; i < ms; i++) {
      const nowMs = desk.nowMs + 1;
      clock.advanceTo(nowMs);
      desk.advanceTo(nowMs);
      await turn();
    }
  };
  const until = async (predicate: () => boolean, maxMs: number, what: string): Promise<void> => {
    for (let waited = 0; !predicate(); waited++) {
      if (waited >= maxMs) throw new Error(`desk harness: ${what} not reached within ${maxMs} ms`);
      await advance(1);
    }
  };
  const settle = async <T>(promise: Promise<T>): Promise<T> => {
    let done = false;
    let value: T | undefined;
    let failure: unknown;
    promise.then(
      (result) => {
        done = true;
        value = result;
      },
      (error: unknown) => {
        done = true;
        failure = error;
      },
    );
    await until(() => done, 2000, 'an answer');
    if (failure !== undefined) throw failure;
    return value as T;
  };
  return {
    desk,
    link,
    clock,
    ports,
    advance,
    until,
    async arm(depthUm = 250) {
      await until(() => desk.diagnostics().state === PenState.IDLE, 3000, 'IDLE');
      await settle(link.hello());
      link.startHeartbeat(50);
      await settle(link.command('SET_DEPTH', { depthUm }));
      await settle(link.command('ARM', {}));
      await until(() => desk.pen.hardware.actuator.physicalUm >= depthUm - 10, 500, 'needles out');
    },
    close() {
      link.close();
      desk.stop();
    },
  };
}
