// `mnpen desktop`: the desktop simulator's page; controller mode runs plan sessions on the simulated pen, pen-only mode puts it on a serial port.
import { spawn } from 'node:child_process';
import { ControllerDesk } from '../desktop/controller-desk.js';
import { PageAssetsError, isPageStale, loadPageAssets, type PageAssets } from '../desktop/page-assets.js';
import { PenOnlyDesk } from '../desktop/pen-only-desk.js';
import { closePenPort, openPenPort, PortOpenError } from '../wiring/open-port.js';
import { RequestError } from '../wiring/request-error.js';
import { DEMO_NEEDLE_COUNT, checkedPlan } from '../wiring/session-request.js';
import { loadSessionTrust } from '../wiring/session-trust.js';
import { UsageError, choiceFlag, integerFlag, parseFlags, type CliCommand, type CommandOutput } from './command.js';
import {
  SESSION_INPUT_OPTIONS,
  sessionInputArgs,
  sessionRequestInputs,
  type SessionInputArgs,
} from './session-args.js';

interface DesktopArgs {
  /** Pen-only mode: the serial port; controller mode: the session's inputs. */
  readonly mode:
    | { readonly kind: 'pen-only'; readonly path: string }
    | { readonly kind: 'controller'; readonly inputs: SessionInputArgs };
  /** The pen model; in controller mode default the plan's mode. */
  readonly sku: 'home' | 'pro' | undefined;
  readonly seed: number;
  readonly cartridgeId: number | undefined;
  readonly open: boolean;
}

function parseDesktopArgs(argv: readonly string[]): DesktopArgs | null {
  const values = parseFlags(argv, {
    ...SESSION_INPUT_OPTIONS,
    port: { type: 'string' },
    sku: { type: 'string' },
    seed: { type: 'string' },
    cartridge: { type: 'string' },
    open: { type: 'boolean' },
  });
  if (values === null) return null;
  if (values.port !== undefined && values.plan !== undefined) {
    throw new UsageError('--port and --plan: choose one (pen-only mode or controller mode)');
  }
  if (values.port === undefined && (values.plan === undefined || values.plan.length === 0)) {
    throw new UsageError('--plan FILE (controller mode) or --port PATH (pen-only mode) is required');
  }
  if (values.port !== undefined && values.port.length === 0) throw new UsageError('--port: empty path');
  const sessionFlags = Object.keys(SESSION_INPUT_OPTIONS).filter(
    (flag) => flag !== 'plan' && (values as Record<string, unknown>)[flag] !== undefined,
  );
  if (values.port !== undefined && sessionFlags.length > 0) {
    throw new UsageError(`--${sessionFlags[0]}: a session flag; pen-only mode has no session (use --plan)`);
  }
  return {
    mode:
      values.port !== undefined
        ? { kind: 'pen-only', path: values.port }
        : { kind: 'controller', inputs: sessionInputArgs(values, values.plan as string) },
    sku: values.sku === undefined ? undefined : choiceFlag('sku', values.sku, ['home', 'pro'] as const, 'home'),
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

/** Resolves on SIGINT or SIGTERM. */
function interrupted(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/**
 * Controller mode: the plan and the signed documents are checked before the page is served (bad
 * input exits 2, as `mnpen session`); the records' checks run when the page starts a session.
 */
async function runController(
  args: DesktopArgs,
  inputs: SessionInputArgs,
  assets: PageAssets,
  out: CommandOutput,
): Promise<number> {
  const request = sessionRequestInputs(inputs);
  let plan;
  try {
    plan = checkedPlan(request);
    loadSessionTrust(request.trust ?? {});
  } catch (error) {
    if (error instanceof RequestError) throw new UsageError(error.message);
    throw error;
  }
  const desk = await ControllerDesk.start({
    request,
    plan,
    ...(args.sku === undefined ? {} : { sku: args.sku }),
    seed: args.seed,
    ...(args.cartridgeId === undefined ? {} : { cartridgeId: args.cartridgeId }),
    assets,
  });
  out.stderr(
    `mnpen desktop: controller mode, ${plan.mode} plan ${inputs.planPath} (${plan.areas.length} areas); ` +
      'start a session on the page; Ctrl-C to stop',
  );
  out.stdout(desk.url);
  if (args.open) openInBrowser(desk.url, out);
  await interrupted();
  await desk.stop();
  return 0;
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
  if (args.mode.kind === 'controller') return runController(args, args.mode.inputs, assets, out);
  const path = args.mode.path;
  let port;
  try {
    port = await openPenPort({ kind: 'path', path });
  } catch (error) {
    if (!(error instanceof PortOpenError)) throw error;
    out.stderr(`mnpen: ${error.message}`);
    return 1;
  }
  const sku = args.sku ?? 'home';
  const desk = await PenOnlyDesk.start({
    port,
    portPath: path,
    sku,
    seed: args.seed,
    assets,
    ...(args.cartridgeId === undefined ? {} : { cartridge: { id: args.cartridgeId, needleCount: DEMO_NEEDLE_COUNT } }),
  });
  out.stderr(`mnpen desktop: pen-only mode, ${sku} pen on ${path}; Ctrl-C to stop`);
  out.stdout(desk.url);
  if (args.open) openInBrowser(desk.url, out);
  await interrupted();
  await desk.stop();
  await closePenPort(port);
  return 0;
}

const DESKTOP_HELP = `mnpen desktop: the desktop simulator's page (live pen view, treatment map, fault injection)

Usage:
  mnpen desktop --plan FILE [--client ID --screening FILE] [session options] [--sku home|pro] [--seed N] [--open]
  mnpen desktop --port PATH [--sku home|pro] [--seed N] [--cartridge ID] [--open]

Controller mode (--plan): the controller runs plan sessions on the simulated pen in virtual time,
through the same session path as mnpen session --sim (the same inputs and refusals). The page
starts a session, operated by the page's hand (press and hold an area of the face and body map:
skin contact on it; release: lift-off) or by the scripted hand, at 1x, 10x or as fast as
possible; it shows the machine's state, each area's passes, punctures and lock, every clamp,
refusal, stop and fault with its reason, and at the end the summary, aftercare and history.

  --plan FILE            treatment plan (JSON), as mnpen session
  --mode home|pro        overrides the plan's mode
  --client ID            pseudonymous client id; without it each session treats a fresh demo client
                         in the demo database ($MNPEN_DATA_DIR/demo.db)
  --screening FILE       screening answers (JSON), recorded for --client
  --db PATH              database file (default: $MNPEN_DATA_DIR/mnpen.db)
  --patch-test           a patch-test session
  --credential FILE, --profile FILE, --trust FILE, --revocations FILE
                         signed documents, as mnpen session
  --sku home|pro         pen model (default: the plan's mode)
  --cartridge ID         inserted cartridge id (default: a fresh one per session)

Pen-only mode (--port): the simulated pen runs in real time on the serial port PATH for an external
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
  synopsis: 'desktop --plan FILE | --port PATH',
  summary: 'the desktop simulator page: plan sessions (or the pen on a serial port), live plots, fault injection',
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
