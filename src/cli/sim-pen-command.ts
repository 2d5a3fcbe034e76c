// `mnpen sim-pen`: the desktop simulator: the simulated pen in real time on a serial port (a pty end).
import { PortOpenError } from '../wiring/open-port.js';
import { startSimPen } from '../wiring/sim-pen.js';
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

/** Runs until SIGINT or SIGTERM; resolves with 0, or 1 when the port cannot be opened at start. */
async function runSimPen(args: SimPenArgs, out: CommandOutput): Promise<number> {
  let pen;
  try {
    pen = await startSimPen({
      path: args.path,
      sku: args.sku,
      seed: args.seed,
      ...(args.cartridgeId === undefined ? {} : { cartridgeId: args.cartridgeId }),
      operatorAreas: args.operatorAreas.map((area) => ({ area, passes: args.attemptPasses })),
      report: (line) => out.stderr(line),
    });
  } catch (error) {
    if (error instanceof PortOpenError) {
      out.stderr(`mnpen: ${error.message}`);
      return 1;
    }
    throw error;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await pen.stop();
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
