// Test harness: a PenLink on a MemoryPort talking to a FakePen, in virtual time, with a wire log.
import { VirtualClock } from '../../src/clock/clock.js';
import type { Message, Payload } from '../../src/protocol/index.js';
import type { LinkOptions } from '../../src/transport/link-options.js';
import { PenLink } from '../../src/transport/pen-link.js';
import { FakePen, decodeWire } from './fake-pen.js';
import { MemoryPort } from './memory-port.js';

/** One frame seen on the wire: `toPen` written by the host, `toHost` delivered to it. */
export interface WireEvent {
  readonly direction: 'toPen' | 'toHost';
  readonly atMs: number;
  readonly message: Message;
}

export interface Harness {
  readonly clock: VirtualClock;
  readonly port: MemoryPort;
  readonly pen: FakePen;
  readonly link: PenLink;
  /** Frames in the order they crossed the port. */
  readonly wire: WireEvent[];
  /** Advances virtual time by `ms`, firing pen deliveries and link timers on the way. */
  advance(ms: number): void;
  /** Frames the host wrote, in order. */
  sentByHost(): Message[];
}

export interface HarnessOptions {
  readonly link?: Partial<LinkOptions>;
  readonly latencyMs?: number;
  readonly info?: Partial<Payload<'INFO'>>;
  /** PenLinkInit.heartbeatGate: whether the controller's machine is proven alive before each heartbeat. */
  readonly heartbeatGate?: () => boolean;
  /** PenLinkInit.deferVerdict: when a silent-pen verdict is checked again. */
  readonly deferVerdict?: (recheck: () => void) => void;
}

export function createHarness(options: HarnessOptions = {}): Harness {
  const clock = new VirtualClock();
  const port = new MemoryPort();
  const wire: WireEvent[] = [];
  const pen = new FakePen({
    clock,
    latencyMs: options.latencyMs ?? 1,
    ...(options.info ? { info: options.info } : {}),
    toHost: (bytes) => {
      if (!port.isOpen) return;
      for (const message of decodeWire(bytes)) wire.push({ direction: 'toHost', atMs: clock.nowMs(), message });
      port.emitData(bytes);
    },
  });
  port.toPen = (bytes) => {
    for (const message of decodeWire(bytes)) wire.push({ direction: 'toPen', atMs: clock.nowMs(), message });
    pen.receive(bytes);
  };
  const link = new PenLink({
    port,
    clock,
    ...(options.link ? { options: options.link } : {}),
    ...(options.heartbeatGate ? { heartbeatGate: options.heartbeatGate } : {}),
    ...(options.deferVerdict ? { deferVerdict: options.deferVerdict } : {}),
  });
  return {
    clock,
    port,
    pen,
    link,
    wire,
    advance: (ms) => clock.advanceTo(clock.nowMs() + ms),
    sentByHost: () => wire.filter((event) => event.direction === 'toPen').map((event) => event.message),
  };
}

/** Creates a harness and completes the handshake; the wire log starts empty after it. */
export async function connectedHarness(options: HarnessOptions = {}): Promise<Harness> {
  const harness = createHarness(options);
  let connected = false;
  const info = harness.link.hello().then(() => (connected = true));
  for (let ms = 0; ms < 1000 && !connected; ms++) {
    harness.advance(1);
    await Promise.resolve();
  }
  await info;
  harness.wire.length = 0;
  return harness;
}
