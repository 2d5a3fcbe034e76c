// The simulated pen in real time on a serial port (a pty end): what `mnpen sim-pen` runs for an external controller.
import { startRealtimePen } from '../../sim/realtime-pen.js';
import { Sku } from '../protocol/index.js';
import { closePenPort, openPenPort } from './open-port.js';

export interface SimPenOptions {
  readonly path: string;
  readonly sku: 'home' | 'pro';
  readonly seed: number;
  readonly cartridgeId?: number;
  /** Areas a scripted hand works once the drive runs, `passes` attempts each. */
  readonly operatorAreas: readonly { readonly area: string; readonly passes: number }[];
}

/** Opens the port and starts the pen; resolves with its stop (which closes the port). Rejects with PortOpenError. */
export async function startSimPen(options: SimPenOptions): Promise<{ stop: () => Promise<void> }> {
  const port = await openPenPort({ kind: 'path', path: options.path });
  const pen = startRealtimePen({
    port,
    sku: options.sku === 'pro' ? Sku.PRO : Sku.HOME,
    seed: options.seed,
    ...(options.cartridgeId === undefined ? {} : { cartridge: { id: options.cartridgeId, needleCount: 12 } }),
    ...(options.operatorAreas.length === 0 ? {} : { operatorAreas: options.operatorAreas }),
  });
  return {
    stop: async () => {
      pen.stop();
      await closePenPort(port);
    },
  };
}
