// Puts a simulated pen behind @serialport/binding-mock so the host opens it by path like any serial port.
import type {
  BindingInterface,
  BindingPortInterface,
  OpenOptions,
  PortStatus,
  SetOptions,
  UpdateOptions,
} from '@serialport/bindings-interface';
import type { MockPortBinding } from '@serialport/binding-mock';
import { SerialPortMock } from 'serialport';

// NOTE: the one copy of the mock binding (dependencies.md trap 1): SerialPortMock.binding, never the ESM import.
const mockBinding = SerialPortMock.binding;

/** Default largest chunk one host read returns, bytes (as the mock binding's own default). */
export const DEFAULT_MAX_READ_BYTES = 1024;

const attachments = new Map<string, MockPortAttachment>();

export interface MockPortOptions {
  /** Port path the host opens, e.g. `/dev/mnpen-sim-1`. Throws Error when already attached. */
  readonly path: string;
  /** Called with a copy of every chunk the host wrote, once the write has completed. */
  readonly onHostBytes: (bytes: Uint8Array) => void;
  /** Largest chunk a single host read returns (1 splits every read into single bytes). */
  readonly maxReadBytes?: number;
}

/** The host's end of an open port as the device sees it. */
interface HostPortEnd {
  readonly isOpen: boolean;
  /** Queues device bytes for the host's next read. */
  receive(bytes: Uint8Array): void;
}

/** The device side of one mock port: receives host writes, emits bytes towards the host. */
export class MockPortAttachment {
  readonly path: string;
  readonly maxReadBytes: number;
  private hostPort: HostPortEnd | null = null;
  private attached = true;

  constructor(private readonly options: MockPortOptions) {
    this.path = options.path;
    this.maxReadBytes = options.maxReadBytes ?? DEFAULT_MAX_READ_BYTES;
  }

  /** True while a host has the port open. */
  get isHostOpen(): boolean {
    return this.attached && this.hostPort !== null && this.hostPort.isOpen;
  }

  /**
   * Emits bytes towards the host's open port (kept by reference until read: pass a chunk that is not
   * reused). Returns false (bytes lost) when no host has it open.
   */
  emitToHost(bytes: Uint8Array): boolean {
    if (!this.isHostOpen) return false;
    (this.hostPort as HostPortEnd).receive(bytes);
    return true;
  }

  /** Stops delivering in both directions and frees the path for another attachment. */
  detach(): void {
    this.attached = false;
    this.hostPort = null;
    if (attachments.get(this.path) === this) attachments.delete(this.path);
  }

  /** @internal Called by the binding. */
  hostOpened(port: HostPortEnd): void {
    if (this.attached) this.hostPort = port;
  }

  /** @internal Called by the binding. */
  hostClosed(port: HostPortEnd): void {
    if (this.hostPort === port) this.hostPort = null;
  }

  /** @internal Called by the binding after a completed write. */
  hostWrote(bytes: Uint8Array): void {
    if (this.attached) this.options.onHostBytes(bytes);
  }
}

/**
 * Creates the mock port at `options.path` and routes it to a device. The host opens it with
 * `new SerialPortStream({ binding: simulatedPortBinding, path, baudRate })`.
 */
export function attachMockPort(options: MockPortOptions): MockPortAttachment {
  if (attachments.has(options.path)) throw new Error(`mock port ${options.path} is already attached`);
  const maxReadSize = options.maxReadBytes ?? DEFAULT_MAX_READ_BYTES;
  if (!Number.isInteger(maxReadSize) || maxReadSize < 1) throw new RangeError(`maxReadBytes ${maxReadSize}`);
  mockBinding.createPort(options.path, { echo: false, record: false, maxReadSize });
  const attachment = new MockPortAttachment(options);
  attachments.set(options.path, attachment);
  return attachment;
}

/** What the mock binding rejects a pending read with on close; SerialPortStream ignores `canceled` errors. */
class ReadCanceledError extends Error {
  readonly canceled = true;
}

interface ReadResult {
  readonly buffer: Buffer;
  readonly bytesRead: number;
}

/** A host read waiting for device bytes. */
interface WaitingRead {
  readonly buffer: Buffer;
  readonly offset: number;
  readonly length: number;
  readonly resolve: (result: ReadResult) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A port handle that opens, closes and configures through the mock binding and also tells the
 * device about opens, writes and closes. Device bytes go straight to the host's reads: the mock's
 * own data path copies and re-concatenates its whole buffer and defers twice per read, which
 * dominated the cost of a simulated read. Behaviour is the mock's: a read returns 1 to
 * maxReadBytes bytes, waits while there are none and is canceled by close; writes never overlap
 * and complete asynchronously, after which the device gets a copy.
 */
class SimulatedPortBinding implements BindingPortInterface, HostPortEnd {
  private readonly pending: Uint8Array[] = [];
  private pendingOffset = 0;
  private waitingRead: WaitingRead | null = null;
  private writeOperation: Promise<void> | null = null;

  constructor(
    private readonly inner: MockPortBinding,
    private readonly attachment: MockPortAttachment,
  ) {
    attachment.hostOpened(this);
  }

  get openOptions(): Required<OpenOptions> {
    return this.inner.openOptions;
  }

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  receive(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    const waiting = this.waitingRead;
    if (waiting === null) return;
    this.waitingRead = null;
    waiting.resolve(this.take(waiting.buffer, waiting.offset, waiting.length));
  }

  async close(): Promise<void> {
    this.attachment.hostClosed(this);
    await this.inner.close();
    this.discardPending();
    const waiting = this.waitingRead;
    this.waitingRead = null;
    waiting?.reject(new ReadCanceledError('port is closed'));
  }

  /** NOTE: a plain function, not `async`: a read that finds bytes settles at once, a waiting one when they come. */
  read(buffer: Buffer, offset: number, length: number): Promise<ReadResult> {
    if (!this.inner.isOpen) return Promise.reject(new Error('Port is not open'));
    if (this.pending.length > 0) return Promise.resolve(this.take(buffer, offset, length));
    return new Promise<ReadResult>((resolve, reject) => {
      this.waitingRead = { buffer, offset, length, resolve, reject };
    });
  }

  /** Copies up to `length` (and maxReadBytes) pending bytes of the oldest chunk into `buffer` at `offset`. */
  private take(buffer: Buffer, offset: number, length: number): ReadResult {
    const chunk = this.pending[0] as Uint8Array;
    const bytesRead = Math.min(length, this.attachment.maxReadBytes, chunk.length - this.pendingOffset);
    if (this.pendingOffset === 0 && bytesRead === chunk.length) buffer.set(chunk, offset);
    else buffer.set(chunk.subarray(this.pendingOffset, this.pendingOffset + bytesRead), offset);
    this.pendingOffset += bytesRead;
    if (this.pendingOffset === chunk.length) {
      this.pending.shift();
      this.pendingOffset = 0;
    }
    return { buffer, bytesRead };
  }

  write(buffer: Buffer): Promise<void> {
    if (!this.inner.isOpen) return Promise.reject(new Error('Port is not open'));
    if (this.writeOperation !== null) return Promise.reject(new Error('Overlapping writes are not supported'));
    const bytes = new Uint8Array(buffer);
    this.writeOperation = Promise.resolve().then(() => {
      this.writeOperation = null;
      if (!this.inner.isOpen) throw new Error('Write canceled');
      this.attachment.hostWrote(bytes);
    });
    return this.writeOperation;
  }

  update(options: UpdateOptions): Promise<void> {
    return this.inner.update(options);
  }

  set(options: SetOptions): Promise<void> {
    return this.inner.set(options);
  }

  get(): Promise<PortStatus> {
    return this.inner.get();
  }

  getBaudRate(): Promise<{ baudRate: number }> {
    return this.inner.getBaudRate();
  }

  flush(): Promise<void> {
    this.discardPending();
    return this.inner.flush();
  }

  async drain(): Promise<void> {
    await this.writeOperation;
    return this.inner.drain();
  }

  private discardPending(): void {
    this.pending.length = 0;
    this.pendingOffset = 0;
  }
}

/**
 * Binding for every simulated port: opens an attached path through the mock binding and
 * wires it to its device; any other path is opened as a plain mock port (or rejected by it).
 */
export const simulatedPortBinding: BindingInterface = {
  list: () => mockBinding.list(),
  async open(options: OpenOptions): Promise<BindingPortInterface> {
    const inner = await mockBinding.open(options);
    const attachment = attachments.get(options.path);
    return attachment === undefined ? inner : new SimulatedPortBinding(inner, attachment);
  },
};
