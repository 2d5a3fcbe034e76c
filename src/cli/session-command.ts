// `mnpen session`: gathers the inputs (plan, client, records, pen), runs the one session runner, prints the machine's summary.
import { PortOpenError } from '../wiring/open-port.js';
import { RequestError } from '../wiring/request-error.js';
import { runSessionRequest } from '../wiring/session-request.js';
import { formatSummary } from '../wiring/summary.js';
import { UsageError, type CliCommand, type CommandOutput } from './command.js';
import { parseSessionArgs, sessionRequestInputs, type SessionArgs } from './session-args.js';

/** Runs the session; resolves with the exit code (0 completed, 1 fault or refusal). Throws UsageError (exit 2). */
async function runSession(args: SessionArgs, out: CommandOutput): Promise<number> {
  const inputs = sessionRequestInputs(args);
  try {
    const report = await runSessionRequest({
      ...inputs,
      pen:
        args.source.kind === 'sim'
          ? {
              kind: 'sim',
              seed: args.source.seed,
              ...(args.cartridgeId === undefined ? {} : { cartridgeId: args.cartridgeId }),
              ...(args.batteryPercent === undefined ? {} : { batteryPercent: args.batteryPercent }),
              ...(args.atMs === undefined ? {} : { atMs: args.atMs }),
              ...(args.attemptPasses === undefined ? {} : { attemptPasses: args.attemptPasses }),
            }
          : { kind: 'port', path: args.source.path },
      onProgress: (line) => out.stderr(line),
    });
    out.stdout(args.json ? JSON.stringify(report.summary) : formatSummary(report.summary));
    if (report.recordsFailed !== null) {
      out.stderr(`mnpen: the records could not be written: ${report.recordsFailed}`);
      return 1;
    }
    return report.summary.outcome === 'completed' ? 0 : 1;
  } catch (error) {
    if (error instanceof RequestError) throw new UsageError(error.message);
    if (error instanceof PortOpenError) {
      out.stderr(`mnpen: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

const SESSION_HELP = `mnpen session: run one treatment session

Usage:
  mnpen session --sim --plan FILE [options]
  mnpen session --port PATH --plan FILE --client ID [options]

Pen:
  --sim                  the simulated pen, in virtual time, with a scripted operator hand
  --port PATH            a real pen (or a pty) at PATH: the areas are worked in plan order
  --seed N               simulation seed (default 1)
  --cartridge ID         id of the cartridge inserted in the simulated pen (default: a fresh one per session)
  --at ISO-8601          wall-clock time of a simulated session (default: now)
  --battery PERCENT      battery charge of the simulated pen (default 80)

Plan:
  --plan FILE            treatment plan (JSON): mode, areas with depthMm, passes (<= 6), strokeHz
  --mode home|pro        overrides the plan's mode
  --attempt-passes N     the scripted operator tries N passes per area (to show the limit)

Signed documents (mnpen keys, mnpen credential, mnpen profile):
  --credential FILE      clinician credential: unlocks professional depth on a pro pen when its
                         signature, issuer, validity, pen binding and revocation all pass
  --profile FILE         signed clinic profile: its caps, pass limits, intervals and budgets bind
                         (they may only tighten the product's); refused, nothing is sent to the pen
  --trust FILE           trusted public keys (default: $MNPEN_DATA_DIR/trust.json)
  --revocations FILE     signed revocation list (default: $MNPEN_DATA_DIR/revocations.jwt if present)
  A wall clock earlier than the newest record refuses the session (CLOCK_BEHIND_RECORDS).

Records:
  --db PATH|URL          database file or postgres:// URL (default: $MNPEN_DATABASE_URL, else $MNPEN_DATA_DIR/mnpen.db)
  --client ID            pseudonymous client id (1-64 characters); required on a real pen
  --screening FILE       screening answers (JSON), recorded for --client
  --patch-test           a patch-test session: one small area, low depth, one pass

  Without --client, --sim treats a fresh demo client in a separate demo database
  ($MNPEN_DATA_DIR/demo.db): demo records never clear a real session.

Output:
  --json                 one JSON object instead of the readable summary

Ctrl-C, SIGTERM and SIGHUP stop the needles at once and end the session (recorded as aborted).
Exit codes: 0 completed, 1 fault or refusal, 2 bad input (nothing is sent to the pen).
`;

export const sessionCommand: CliCommand = {
  name: 'session',
  synopsis: 'session --sim|--port PATH --plan FILE',
  summary: 'run a treatment session on the simulated pen (virtual time) or a pen at a serial port',
  help: SESSION_HELP,
  async run(argv, out) {
    const args = parseSessionArgs(argv);
    if (args === null) {
      out.stdout(SESSION_HELP);
      return 0;
    }
    return runSession(args, out);
  },
};
