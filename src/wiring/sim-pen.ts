// The simulated pen in real time on a serial port (a pty end), for an external controller: what `mnpen sim-pen` runs.
import type { SerialPortStream } from '@serialport/stream';
import { DEFAULT_NEEDLE_COUNT, SeededRandom, drawPenDefaults } from '../../sim/index.js';
import { startRealtimePen } from '../../sim/realtime-pen.js';
import { Sku } from '../protocol/index.js';
import { closePenPort, openPenPort } from './open-port.js';

/** How often a lost port is tried again, ms. */
const REOPEN_INTERVAL_MS = 500;
/** A host that sent nothing for this long is reported lost (a closed pty end shows no serial event), ms. */
const HOST_QUIET_MS = 2000;

export interface SimPenOptions {
  readonly path: string;
  readonly sku: 'home' | 'pro';
  readonly seed: number;
  /** Default: the cartridge derived from the seed (the one `session --sim --seed N` gets). */
  readonly cartridgeId?: number;
  /** Areas a scripted hand works once the drive runs, `passes` attempts each. */
  readonly operatorAreas: readonly { readonly area: string; readonly passes: number }[];
  /** Progress lines: the pen started, a host came or went, the port came back. */
  readonly report: (line: string) => void;
}

/**
 * Opens the port and starts the pen; resolves with its stop (which closes the port). Rejects with
 * PortOpenError when the port cannot be opened at start.
 * NOTE: when the host's end goes away (EIO, a closed or vanished pty) the pen runs on (its lease
 * stops the drive), the loss is reported, and the port is reopened when it comes back.
 */
export async function startSimPen(options: SimPenOptions): Promise<{ stop: () => Promise<void> }> {
  const { path, report } = options;
  let port: SerialPortStream = await openPenPort({ kind: 'path', path });
  const cartridge =
    options.cartridgeId === undefined
      ? drawPenDefaults(new SeededRandom(options.seed)).cartridge
      : { id: options.cartridgeId, needleCount: DEFAULT_NEEDLE_COUNT };
  const pen = startRealtimePen({
    port,
    sku: options.sku === 'pro' ? Sku.PRO : Sku.HOME,
    seed: options.seed,
    cartridge,
    ...(options.operatorAreas.length === 0 ? {} : { operatorAreas: options.operatorAreas }),
  });
  let stopping = false;
  let reopenTimer: NodeJS.Timeout | null = null;
  let hostActive = false;
  let lastHostBytesMs = 0;
  const onHostBytes = (): void => {
    lastHostBytesMs = performance.now();
    if (hostActive) return;
    hostActive = true;
    report('mnpen sim-pen: host connected');
  };
  const quietTimer = setInterval(() => {
    if (!hostActive || performance.now() - lastHostBytesMs < HOST_QUIET_MS) return;
    hostActive = false;
    report(`mnpen sim-pen: host lost (nothing received for ${HOST_QUIET_MS / 1000} s); waiting for the next one`);
  }, REOPEN_INTERVAL_MS);
  const reopen = (): void => {
    reopenTimer = null;
    openPenPort({ kind: 'path', path }).then(
      (next) => {
        if (stopping) return void closePenPort(next);
        port = next;
        watch(next);
        pen.attach(next);
        report(`mnpen sim-pen: ${path} open again; waiting for a host`);
      },
      () => {
        if (!stopping) reopenTimer = setTimeout(reopen, REOPEN_INTERVAL_MS);
      },
    );
  };
  const watch = (watched: SerialPortStream): void => {
    let lost = false;
    const onLost = (cause: string): void => {
      if (lost || stopping) return;
      lost = true;
      pen.detach();
      report(`mnpen sim-pen: host lost (${cause}); waiting for ${path}`);
      void closePenPort(watched).then(() => (reopenTimer = setTimeout(reopen, REOPEN_INTERVAL_MS)));
    };
    watched.on('data', onHostBytes);
    watched.on('error', (error: Error) => onLost(error.message));
    watched.on('close', () => onLost('port closed'));
  };
  watch(port);
  report(
    `mnpen sim-pen: ${options.sku} pen on ${path}, cartridge ${cartridge.id} (${cartridge.needleCount} needles); Ctrl-C to stop`,
  );
  return {
    stop: async () => {
      stopping = true;
      clearInterval(quietTimer);
      if (reopenTimer !== null) clearTimeout(reopenTimer);
      pen.stop();
      await closePenPort(port);
    },
  };
}
