// The pen's serial port as the link thread opens it: serialport's native open (termios: baud, raw, lock), then I/O on this thread's own event loop.
import { createRequire } from 'node:module';
import { ReadStream } from 'node:tty';
import type { PortLike } from '../transport/index.js';
import { PEN_BAUD_RATE, PortOpenError } from './open-port.js';

/** serialport's native open: configures the line (termios) and returns the file descriptor. */
type NativeOpen = (path: string, options: Record<string, unknown>) => Promise<number>;

/** The options serialport's Linux binding opens with (its defaults), at the pen's baud rate. */
const OPEN_OPTIONS = {
  baudRate: PEN_BAUD_RATE,
  dataBits: 8,
  stopBits: 1,
  parity: 'none',
  rtscts: false,
  xon: false,
  xoff: false,
  xany: false,
  hupcl: true,
  lock: true,
  vmin: 1,
  vtime: 0,
};

/** Longest wait for queued bytes at close, ms. */
const FLUSH_MS = 100;

/** A port on the link thread: a PortLike the PenLink uses, and its close. */
export interface ThreadPort extends PortLike {
  close(): Promise<void>;
}

/**
 * Opens the serial port at `path` for the link thread. Rejects with PortOpenError.
 * NOTE: serialport's stream binding cannot run in a worker thread: its Poller registers the fd with
 * the main thread's event loop (uv_default_loop) and calls into the worker's isolate from there
 * (V8 "Entering the V8 API without proper locking", abort). Only its open (termios) is used here;
 * bytes move through node:tty on this thread's own loop.
 */
export async function openThreadPort(path: string): Promise<ThreadPort> {
  const require = createRequire(import.meta.url);
  const { asyncOpen } = require('@serialport/bindings-cpp/dist/load-bindings.js') as { asyncOpen: NativeOpen };
  let fd: number;
  try {
    fd = await asyncOpen(path, OPEN_OPTIONS);
  } catch (error) {
    throw new PortOpenError(`cannot open serial port ${path}: ${(error as Error).message}`);
  }
  const stream = new ReadStream(fd);
  let open = true;
  const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  stream.once('close', () => (open = false));
  // NOTE: an 'error' (EIO: the peer went away) is followed by 'close'; the link listens to both.
  stream.on('error', () => {});
  return {
    get isOpen() {
      return open && !stream.destroyed;
    },
    write: (data) => stream.write(data),
    on(event, listener) {
      stream.on(event, listener as (...args: unknown[]) => void);
      return this;
    },
    removeListener(event, listener) {
      stream.removeListener(event, listener as (...args: unknown[]) => void);
      return this;
    },
    close: () => {
      // NOTE: bytes still queued (a STOP just written) go out first, for at most FLUSH_MS.
      if (stream.destroyed) return closed;
      if (stream.writableLength === 0) stream.destroy();
      else {
        const flushed = setTimeout(() => stream.destroy(), FLUSH_MS);
        stream.once('drain', () => {
          clearTimeout(flushed);
          stream.destroy();
        });
      }
      return closed;
    },
  };
}
