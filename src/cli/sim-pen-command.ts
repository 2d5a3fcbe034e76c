// `mnpen sim-pen`: the desktop simulator: the simulated pen in real time on a serial port (a pty end).
import type { SerialPortStream } from '@serialport/stream';
import { DEFAULT_NEEDLE_COUNT, SeededRandom, drawPenDefaults } from '../../sim/index.js';
import { startRealtimePen } from '../../sim/realtime-pen.js';
import { Sku } from '../protocol/index.js';
import { closePenPort, openPenPort, PortOpenError } from '../wiring/open-port.js';
import { UsageError, choiceFlag, integerFlag, parseFlags, type CliCommand, type CommandOutput } from './command.js';

interface SimPenArgs {
  readonly path: string;
  readonly sku: 'home' | 'pro';
  readonly seed: number;
  readonly cartridgeId: number | undefined;
  /** Areas the scripted operator works (passes each); none: no operator. */
  readonly operatorAreas: readonly string[];
  readonly attemptPasses: number;
}

function parseSimPenArgs(argv: readonly string[]): SimPenArgs | null {
  const values = parseFlags(argv, {
    port: { type: 'string' },
    sku: { type: 'string' },
    seed: { type: 'string' },
    cartridge: { type: 'string' },
    operator: { type: 'string' },
    'attempt-passes': { type: 'string' },
  });
  if (values === null) return null;
  if (values.port === undefined || values.port.length === 0) throw new UsageError('--port PATH is required');
  const operatorAreas =
    values.operator === undefined ? [] : values.operator.split(',').filter((area) => area.length > 0);
  return {
    path: values.port,
    sku: choiceFlag('sku', values.sku, ['home', 'pro'] as const, 'home'),
    seed: integerFlag('seed', values.seed, 0, 0xffffffff) ?? 1,
    cartridgeId: integerFlag('cartridge', values.cartridge, 1, 0xffffffff),
    operatorAreas,
    attemptPasses: integerFlag('attempt-passes', values['attempt-passes'], 1, 20) ?? 6,
  };
}

/** How often a lost port is tried again, ms. */
const REOPEN_INTERVAL_MS = 500;
/** A host that sent nothing for this long is reported lost (a closed pty end shows no serial event), ms. */
const HOST_QUIET_MS = 2000;

/**
 * Runs until SIGINT or SIGTERM; resolves with 0, or 1 when the port cannot be opened at start.
 * NOTE: when the host's end goes away (EIO, a closed or vanished pty) the pen runs on (its lease
 * stops the drive), the loss is reported, and the port is reopened when it comes back.
 */
async function runSimPen(args: SimPenArgs, out: CommandOutput): Promise<number> {
  let port: SerialPortStream;
  try {
    port = await openPenPort({ kind: 'path', path: args.path });
  } catch (error) {
    if (error instanceof PortOpenError) {
      out.stderr(`mnpen: ${error.message}`);
      return 1;
    }
    throw error;
  }
  const cartridge =
    args.cartridgeId === undefined
      ? drawPenDefaults(new SeededRandom(args.seed)).cartridge
      : { id: args.cartridgeId, needleCount: DEFAULT_NEEDLE_COUNT };
  const pen = startRealtimePen({
    port,
    sku: args.sku === 'pro' ? Sku.PRO : Sku.HOME,
    seed: args.seed,
    cartridge,
    ...(args.operatorAreas.length === 0
      ? {}
      : { operatorAreas: args.operatorAreas.map((area) => ({ area, passes: args.attemptPasses })) }),
  });
  let stopping = false;
  let reopenTimer: NodeJS.Timeout | null = null;
  let hostActive = false;
  let lastHostBytesMs = 0;
  const onHostBytes = (): void => {
    lastHostBytesMs = performance.now();
    if (hostActive) return;
    hostActive = true;
    out.stderr('mnpen sim-pen: host connected');
  };
  const quietTimer = setInterval(() => {
    if (!hostActive || performance.now() - lastHostBytesMs < HOST_QUIET_MS) return;
    hostActive = false;
    out.stderr(`mnpen sim-pen: host lost (nothing received for ${HOST_QUIET_MS / 1000} s); waiting for the next one`);
  }, REOPEN_INTERVAL_MS);
  const reopen = (): void => {
    reopenTimer = null;
    openPenPort({ kind: 'path', path: args.path }).then(
      (next) => {
        if (stopping) return void closePenPort(next);
        port = next;
        watch(next);
        pen.attach(next);
        out.stderr(`mnpen sim-pen: ${args.path} open again; waiting for a host`);
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
      out.stderr(`mnpen sim-pen: host lost (${cause}); waiting for ${args.path}`);
      void closePenPort(watched).then(() => (reopenTimer = setTimeout(reopen, REOPEN_INTERVAL_MS)));
    };
    watched.on('data', onHostBytes);
    watched.on('error', (error: Error) => onLost(error.message));
    watched.on('close', () => onLost('port closed'));
  };
  watch(port);
  out.stderr(
    `mnpen sim-pen: ${args.sku} pen on ${args.path}, cartridge ${cartridge.id} (${cartridge.needleCount} needles); Ctrl-C to stop`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  stopping = true;
  clearInterval(quietTimer);
  if (reopenTimer !== null) clearTimeout(reopenTimer);
  pen.stop();
  await closePenPort(port);
  return 0;
}

const SIM_PEN_HELP = `mnpen sim-pen: run the simulated pen, in real time, on a serial port

Usage:
  mnpen sim-pen --port PATH [--sku home|pro] [--seed N] [--cartridge ID] [--operator AREAS] [--attempt-passes N]

  --port PATH            the pen's end of a pty pair, e.g. made with
                         socat pty,raw,echo=0,link=/tmp/pen pty,raw,echo=0,link=/tmp/host
                         then: mnpen session --port /tmp/host --plan FILE --client ID --screening FILE
  --sku home|pro         pen model (default home: 250 um absolute maximum)
  --seed N               simulation seed (default 1)
  --cartridge ID         inserted cartridge id (default: a fresh one derived from the seed, 12 needles)
  --operator AREAS       comma-separated areas a scripted hand works while the drive runs
  --attempt-passes N     passes the scripted hand tries per area (default 6)

Runs until interrupted (Ctrl-C). When the host's end goes away the pen says so, runs on (its
lease stops the needles) and takes the next host when the port is back.
`;

export const simPenCommand: CliCommand = {
  name: 'sim-pen',
  synopsis: 'sim-pen --port PATH',
  summary: 'the simulated pen, in real time, on a serial port (headless desktop simulator)',
  help: SIM_PEN_HELP,
  async run(argv, out) {
    const args = parseSimPenArgs(argv);
    if (args === null) {
      out.stdout(SIM_PEN_HELP);
      return 0;
    }
    return runSimPen(args, out);
  },
};
