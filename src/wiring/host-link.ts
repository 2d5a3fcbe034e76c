// What the pen driver needs of a link to the pen: the in-thread PenLink (simulation) or the link thread (a real port).
import type { Clock } from '../clock/clock.js';
import { PenLink, type PortLike } from '../transport/index.js';

/** The part of PenLink the driver uses; ThreadLink offers the same across a worker thread. */
export type HostLink = Pick<PenLink, 'hello' | 'command' | 'realtime' | 'startHeartbeat' | 'on' | 'onLinkDead'> & {
  /** Ends the link (no heartbeat, nothing written after) but leaves the port open until close (a STOP just written still goes out). */
  quiet(): void;
  /** Ends the link and closes its port; resolves once the port is closed (never rejects). */
  close(): Promise<void>;
};

/** A port the driver can close (SerialPortStream fits). */
export type ClosablePort = PortLike & { close(callback?: (error?: Error | null) => void): void };

/** A PenLink on this thread over `port` (the simulated pen in virtual time); closing it closes the port. */
export function inThreadLink(port: ClosablePort, clock: Clock): HostLink {
  const link = new PenLink({ port, clock });
  return {
    hello: () => link.hello(),
    command: (name, payload) => link.command(name, payload),
    realtime: (name) => link.realtime(name),
    startHeartbeat: (periodMs) => link.startHeartbeat(periodMs),
    on: (event, listener) => link.on(event, listener),
    onLinkDead: (listener) => link.onLinkDead(listener),
    quiet: () => link.close(),
    close: () => {
      link.close();
      if (!port.isOpen) return Promise.resolve();
      return new Promise((resolve) => port.close(() => resolve()));
    },
  };
}
