// `mnpen desktop`: the desktop simulator's page; pen-only mode puts the simulated pen on a serial port for an external controller.
import { spawn } from 'node:child_process';
import { DEMO_NEEDLE_COUNT } from '../wiring/session-request.js';
import { PageAssetsError, isPageStale, loadPageAssets } from '../desktop/page-assets.js';
import { PenOnlyDesk } from '../desktop/pen-only-desk.js';
import { closePenPort, openPenPort, PortOpenError } from '../wiring/open-port.js';
import { UsageError, choiceFlag, integerFlag, parseFlags, type CliCommand, type CommandOutput } from './command.js';

interface DesktopArgs {
  readonly path: string;
  readonly sku: 'home' | 'pro';
  readonly seed: number;
  readonly cartridgeId: number | undefined;
  readonly open: boolean;
}

function parseDesktopArgs(argv: readonly string[]): DesktopArgs | null {
  const values = parseFlags(argv, {
    port: { type: 'string' },
    sku: { type: 'string' },
    seed: { type: 'string' },
    cartridge: { type: 'string' },
    open: { type: 'boolean' },
  });
  if (values === null) return null;
  if (values.port === undefined || values.port.length === 0) {
    throw new UsageError('--port PATH is required: pen-only mode is the one available (see mnpen desktop --help)');
  }
  return {
    path: values.port,
    sku: choiceFlag('sku', values.sku, ['home', 'pro'] as const, 'home'),
    seed: integerFlag('seed', values.seed, 0, 0xffffffff) ?? 1,
    cartridgeId: integerFlag('cartridge', values.cartridge, 1, 0xffffffff),
    open: values.open === true,
  };
}

/** Opens the URL in the desktop's browser (xdg-open); a failure is reported, never fatal. */
function openInBrowser(url: string, out: CommandOutput): void {
  const child = spawn('xdg-open', [url], { stdio: 'ignore', detached: true });
  child.on('error', (error) => out.stderr(`mnpen desktop: could not open a browser (${error.message}): open the URL`));
  child.unref();
}

/** Runs until SIGINT or SIGTERM; resolves with 0, or 1 when the port or the page cannot be opened. */
async function runDesktop(args: DesktopArgs, out: CommandOutput): Promise<number> {
  let assets;
  try {
    assets = loadPageAssets();
  } catch (error) {
    if (!(error instanceof PageAssetsError)) throw error;
    out.stderr(`mnpen: ${error.message}`);
    return 1;
  }
  if (isPageStale()) out.stderr('mnpen desktop: the page bundle is older than its sources: run npm run build');
  let port;
  try {
    port = await openPenPort({ kind: 'path', path: args.path });
  } catch (error) {
    if (!(error instanceof PortOpenError)) throw error;
    out.stderr(`mnpen: ${error.message}`);
    return 1;
  }
  const desk = await PenOnlyDesk.start({
    port,
    portPath: args.path,
    sku: args.sku,
    seed: args.seed,
    assets,
    ...(args.cartridgeId === undefined ? {} : { cartridge: { id: args.cartridgeId, needleCount: DEMO_NEEDLE_COUNT } }),
  });
  out.stderr(`mnpen desktop: pen-only mode, ${args.sku} pen on ${args.path}; Ctrl-C to stop`);
  out.stdout(desk.url);
  if (args.open) openInBrowser(desk.url, out);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await desk.stop();
  await closePenPort(port);
  return 0;
}

const DESKTOP_HELP = `mnpen desktop: the desktop simulator's page (live pen view, fault injection)

Usage:
  mnpen desktop --port PATH [--sku home|pro] [--seed N] [--cartridge ID] [--open]

Pen-only mode: the simulated pen runs in real time on the serial port PATH for an external
controller, and a local page shows the pen side (depth and stroke-rate plots, contact, strokes,
punctures, battery, cartridge, pen state, every clamp, refusal, stop and fault with its reason
code) and injects the simulator's faults. Prints the page's URL (with its per-run token).

  --port PATH       the pen's end of a pty pair, e.g. made with
                    socat pty,raw,echo=0,link=/tmp/pen pty,raw,echo=0,link=/tmp/host
                    then: mnpen session --port /tmp/host --plan FILE --client ID --screening FILE
  --sku home|pro    pen model (default home: 250 um absolute maximum)
  --seed N          simulation seed (default 1)
  --cartridge ID    inserted cartridge id (default: derived from the seed)
  --open            also open the URL in the desktop's browser (nothing is opened otherwise)

The page listens on 127.0.0.1 only. Keys: space or S = STOP, Esc = ESTOP.
Runs until interrupted (Ctrl-C).
`;

export const desktopCommand: CliCommand = {
  name: 'desktop',
  synopsis: 'desktop --port PATH',
  summary: 'the desktop simulator page: the simulated pen on a serial port, live plots, fault injection',
  help: DESKTOP_HELP,
  async run(argv, out) {
    const args = parseDesktopArgs(argv);
    if (args === null) {
      out.stdout(DESKTOP_HELP);
      return 0;
    }
    return runDesktop(args, out);
  },
};
