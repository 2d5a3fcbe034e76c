// The one module that chooses the serial binding: a real port by path (USB pen, pty) or the simulated pen behind binding-mock.
import { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import type { PenSimulation } from '../../sim/index.js';

export const PEN_BAUD_RATE = 115200;

export type PortSource =
  { readonly kind: 'path'; readonly path: string } | { readonly kind: 'sim'; readonly simulation: PenSimulation };

/** A port could not be opened; the message names the path and the cause. */
export class PortOpenError extends Error {
  override readonly name = 'PortOpenError';
}

/** Opens the pen's serial port. Rejects with PortOpenError (e.g. a path that does not exist). */
export function openPenPort(source: PortSource): Promise<SerialPortStream> {
  const port =
    source.kind === 'sim'
      ? new SerialPortStream({
          binding: source.simulation.binding,
          path: source.simulation.portPath,
          baudRate: PEN_BAUD_RATE,
          autoOpen: false,
        })
      : new SerialPort({ path: source.path, baudRate: PEN_BAUD_RATE, autoOpen: false });
  const path = source.kind === 'sim' ? source.simulation.portPath : source.path;
  return new Promise((resolve, reject) => {
    port.open((error) => {
      if (error) reject(new PortOpenError(`cannot open serial port ${path}: ${error.message}`));
      else resolve(port);
    });
  });
}

/** Closes a port if open; never throws. */
export function closePenPort(port: SerialPortStream): Promise<void> {
  if (!port.isOpen) return Promise.resolve();
  return new Promise((resolve) => port.close(() => resolve()));
}
