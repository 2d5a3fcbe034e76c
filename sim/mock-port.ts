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

/** The device side of one mock port: receives host writes, emits bytes towards the host. */
export class MockPortAttachment {
  readonly path: string;
  private hostPort: MockPortBinding | null = null;
  private attached = true;

  constructor(private readonly options: MockPortOptions) {
    this.path = options.path;
  }

  /** True while a host has the port open. */
  get isHostOpen(): boolean {
    return this.attached && this.hostPort !== null && this.hostPort.isOpen;
  }

  /** Emits bytes towards the host's open port. Returns false (bytes lost) when no host has it open. */
  emitToHost(bytes: Uint8Array): boolean {
    if (!this.isHostOpen) return false;
    (this.hostPort as MockPortBinding).emitData(Buffer.from(bytes));
    return true;
  }

  /** Stops delivering in both directions and frees the path for another attachment. */
  detach(): void {
    this.attached = false;
    this.hostPort = null;
    if (attachments.get(this.path) === this) attachments.delete(this.path);
  }

  /** @internal Called by the binding. */
  hostOpened(port: MockPortBinding): void {
    if (this.attached) this.hostPort = port;
  }

  /** @internal Called by the binding. */
  hostClosed(port: MockPortBinding): void {
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

/** A port handle that behaves exactly as the mock's and also tells the device about opens, writes and closes. */
class SimulatedPortBinding implements BindingPortInterface {
  constructor(
    private readonly inner: MockPortBinding,
    private readonly attachment: MockPortAttachment,
  ) {
    attachment.hostOpened(inner);
  }

  get openOptions(): Required<OpenOptions> {
    return this.inner.openOptions;
  }

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  async close(): Promise<void> {
    this.attachment.hostClosed(this.inner);
    await this.inner.close();
  }

  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    return this.inner.read(buffer, offset, length);
  }

  async write(buffer: Buffer): Promise<void> {
    await this.inner.write(buffer);
    this.attachment.hostWrote(new Uint8Array(buffer));
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
    return this.inner.flush();
  }

  drain(): Promise<void> {
    return this.inner.drain();
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
