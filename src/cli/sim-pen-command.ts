// `mnpen sim-pen`: the desktop simulator: the simulated pen in real time on a serial port (a pty end).
import { startRealtimePen } from '../../sim/realtime-pen.js';
import { Sku } from '../protocol/index.js';
import { closePenPort, openPenPort, PortOpenError } from '../wiring/open-port.js';
import type { SimPenArgs } from './args.js';
import type { CommandOutput } from './session-command.js';

/** Runs until SIGINT or SIGTERM; resolves with 0, or 1 when the port cannot be opened. */
export async function runSimPenCommand(args: SimPenArgs, out: CommandOutput): Promise<number> {
  let port;
  try {
    port = await openPenPort({ kind: 'path', path: args.path });
  } catch (error) {
    if (error instanceof PortOpenError) {
      out.stderr(`mnpen: ${error.message}`);
      return 1;
    }
    throw error;
  }
  const pen = startRealtimePen({
    port,
    sku: args.sku === 'pro' ? Sku.PRO : Sku.HOME,
    seed: args.seed,
    ...(args.cartridgeId === undefined ? {} : { cartridge: { id: args.cartridgeId, needleCount: 12 } }),
    ...(args.operatorAreas.length === 0
      ? {}
      : { operatorAreas: args.operatorAreas.map((area) => ({ area, passes: args.attemptPasses })) }),
  });
  out.stderr(`mnpen sim-pen: ${args.sku} pen on ${args.path}; Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  pen.stop();
  await closePenPort(port);
  return 0;
}
