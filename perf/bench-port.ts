// Ports for host benchmarks: a direct PortLike, or a real SerialPortStream over the simulator's mock binding.
import { EventEmitter } from 'node:events';
import { SerialPortStream } from '@serialport/stream';
import { attachMockPort, simulatedPortBinding } from '../sim/index.js';
import type { ClosablePort } from '../src/wiring/session-runner.js';
import { PEN_BAUD_RATE } from '../src/wiring/open-port.js';

/** Which port a host benchmark runs over. */
export type BenchPortKind = 'direct' | 'stream';

/** Called synchronously at every host `write` call, before the port does anything with the bytes. */
export type HostWriteHook = (bytes: Uint8Array) => void;

/** A port the host opens, the pen end behind it, and a hook on the host's writes. */
export interface BenchPort {
  readonly kind: BenchPortKind;
  readonly port: ClosablePort;
  /**
   * Hands bytes to the host side: `direct` emits 'data' on the port at once (where the serial
   * stream hands data to the link); `stream` gives them to the mock binding (where an OS read would
   * land), and the SerialPortStream delivers them after event-loop turns.
   */
  deliverToHost(bytes: Uint8Array): void;
  onHostWrite: HostWriteHook | null;
  /** Closes the port if the session has not, and frees the mock path. */
  release(): Promise<void>;
}

/** A port whose writes go straight to `toPen`; 'data' is emitted synchronously by deliverToHost. */
class DirectPort implements ClosablePort, BenchPort {
  readonly kind = 'direct';
  onHostWrite: HostWriteHook | null = null;
  private open = true;
  private readonly emitter = new EventEmitter();

  constructor(private readonly toPen: (bytes: Uint8Array) => void) {}

  get port(): ClosablePort {
    return this;
  }

  get isOpen(): boolean {
    return this.open;
  }

  write(data: Buffer): boolean {
    this.onHostWrite?.(data);
    if (this.open) this.toPen(data);
    return this.open;
  }

  on(event: 'data' | 'close' | 'error', listener: (...args: never[]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  removeListener(event: 'data' | 'close' | 'error', listener: (...args: never[]) => void): this {
    this.emitter.removeListener(event, listener as (...args: unknown[]) => void);
    return this;
  }

  deliverToHost(bytes: Uint8Array): void {
    this.emitter.emit('data', Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  close(callback?: (error?: Error | null) => void): void {
    this.open = false;
    this.emitter.removeAllListeners();
    callback?.(null);
  }

  async release(): Promise<void> {
    this.close();
  }
}

let nextStreamPortNumber = 1;

/** A real SerialPortStream on a fresh mock port whose device end is `toPen`. */
async function openStreamPort(toPen: (bytes: Uint8Array) => void): Promise<BenchPort> {
  const path = `/dev/mnpen-bench-${process.pid}-${nextStreamPortNumber++}`;
  const attachment = attachMockPort({ path, onHostBytes: toPen });
  const stream = new SerialPortStream({
    binding: simulatedPortBinding,
    path,
    baudRate: PEN_BAUD_RATE,
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => stream.open((error) => (error ? reject(error) : resolve())));
  const bench: BenchPort = {
    kind: 'stream',
    port: stream,
    onHostWrite: null,
    deliverToHost: (bytes) => void attachment.emitToHost(bytes),
    release: async () => {
      attachment.detach();
      bench.onHostWrite = null;
      if (stream.isOpen) await new Promise<void>((resolve) => stream.close(() => resolve()));
    },
  };
  const write = stream.write.bind(stream) as (chunk: Buffer) => boolean;
  stream.write = ((chunk: Buffer) => {
    bench.onHostWrite?.(chunk);
    return write(chunk);
  }) as typeof stream.write;
  return bench;
}

/** Opens a bench port of `kind` whose host writes reach `toPen`. */
export function openBenchPort(kind: BenchPortKind, toPen: (bytes: Uint8Array) => void): Promise<BenchPort> {
  return kind === 'direct' ? Promise.resolve(new DirectPort(toPen)) : openStreamPort(toPen);
}
