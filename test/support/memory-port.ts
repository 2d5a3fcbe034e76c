// Test double of an opened serial port: records host writes in order, delivers pen bytes on demand.
import { EventEmitter } from 'node:events';
import type { PortLike } from '../../src/transport/link-types.js';

/**
 * In-memory PortLike. Host writes are recorded and handed synchronously to `toPen`; `emitData`
 * delivers bytes to the host's 'data' listeners. `close()` behaves like a SerialPortStream
 * closing (isOpen false, then 'close'); `loseSilently()` makes isOpen false with no event.
 */
export class MemoryPort implements PortLike {
  readonly written: Uint8Array[] = [];
  writesWhileClosed = 0;
  toPen: (bytes: Uint8Array) => void = () => {};
  private open = true;
  private readonly emitter = new EventEmitter();

  get isOpen(): boolean {
    return this.open;
  }

  write(data: Buffer): boolean {
    if (!this.open) {
      this.writesWhileClosed++;
      return false;
    }
    const copy = Uint8Array.from(data);
    this.written.push(copy);
    this.toPen(copy);
    return true;
  }

  on(event: 'data' | 'close' | 'error', listener: (...args: never[]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  removeListener(event: 'data' | 'close' | 'error', listener: (...args: never[]) => void): this {
    this.emitter.removeListener(event, listener as (...args: unknown[]) => void);
    return this;
  }

  listenerCount(event: 'data' | 'close' | 'error'): number {
    return this.emitter.listenerCount(event);
  }

  /** Delivers bytes to the host as one read. */
  emitData(bytes: Uint8Array): void {
    this.emitter.emit('data', Buffer.from(bytes));
  }

  close(): void {
    this.open = false;
    this.emitter.emit('close');
  }

  fail(error: Error): void {
    this.emitter.emit('error', error);
  }

  loseSilently(): void {
    this.open = false;
  }

  /** Every byte the host wrote, concatenated. */
  allWritten(): Uint8Array {
    return Buffer.concat(this.written);
  }
}
