// `mnpen session`: gathers the inputs (plan, client, records, pen), runs the one session runner, prints the machine's summary.
import { PenSimulation } from '../../sim/index.js';
import { DEFAULT_TREATMENT_CONFIG, aftercareLines, checkPatchTestPlan, type Plan } from '../policy/index.js';
import { Sku } from '../protocol/index.js';
import type { ControllerInput } from '../machine/index.js';
import { PortOpenError } from '../wiring/open-port.js';
import { runPortSession } from '../wiring/port-session.js';
import { runSimulatedSession } from '../wiring/sim-session.js';
import type { SessionResult } from '../wiring/session-runner.js';
import { formatSummary, treatedSkin, type SessionSummary } from '../wiring/summary.js';
import { UsageError, type CliCommand, type CommandOutput } from './command.js';
import { loadPlan } from './plan-file.js';
import { parseSessionArgs, type SessionArgs } from './session-args.js';
import { openSessionRecords } from './session-records.js';

/** Environment variable holding the credential that unlocks professional mode (until signed credentials). */
export const PRO_CREDENTIAL_ENV = 'MNPEN_PRO_CREDENTIAL';

/** Needles on the simulated pen's cartridge. */
export const DEMO_NEEDLE_COUNT = 12;

/** A cartridge id for a simulated session: new for every client, seed and start time; never 0. */
export function freshCartridgeId(clientId: string, seed: number, startedAtMs: number): number {
  let hash = Math.imul((startedAtMs % 0x7fffffff) ^ Math.imul(seed, 0x9e3779b1), 0x85ebca6b);
  for (let i = 0; i < clientId.length; i++) hash = Math.imul(hash ^ clientId.charCodeAt(i), 0x01000193);
  const id = hash >>> 0;
  return id === 0 ? 1 : id;
}

function patchTestProblems(plan: Plan): void {
  const problems = checkPatchTestPlan(plan, DEFAULT_TREATMENT_CONFIG);
  if (problems.length > 0) {
    throw new UsageError(
      `--patch-test: the plan is not a patch test:\n  ${problems.map((p) => `[${p.reason}] ${p.detail}`).join('\n  ')}`,
    );
  }
}

/** Runs the session; resolves with the exit code (0 completed, 1 fault or refusal). Throws UsageError (exit 2). */
async function runSession(args: SessionArgs, out: CommandOutput): Promise<number> {
  const plan = loadPlan(args.planPath, args.mode);
  if (args.patchTest) patchTestProblems(plan);
  const startedAtMs = args.atMs ?? Date.now();
  const simulated = args.source.kind === 'sim';
  let virtualElapsedMs = (): number => 0;
  const records = openSessionRecords({
    dbPath: args.dbPath,
    clientId: args.clientId,
    screeningPath: args.screeningPath,
    simulated,
    nowMs: () => (simulated ? startedAtMs + virtualElapsedMs() : Date.now()),
  });
  try {
    const credential = process.env[PRO_CREDENTIAL_ENV];
    const input: ControllerInput = {
      plan,
      mode: plan.mode,
      areaOrder: simulated ? 'operator' : 'plan',
      clientId: records.clientId,
      isPatchTest: args.patchTest,
      ...(args.unlock === undefined ? {} : { proCredential: args.unlock }),
      ...(credential ? { proCredentialExpected: credential } : {}),
    };
    let result: SessionResult;
    if (args.source.kind === 'sim') {
      const simulation = PenSimulation.create({
        seed: args.source.seed,
        sku: plan.mode === 'pro' ? Sku.PRO : Sku.HOME,
        cartridge: {
          id: args.cartridgeId ?? freshCartridgeId(records.clientId, args.source.seed, startedAtMs),
          needleCount: DEMO_NEEDLE_COUNT,
        },
        ...(args.batteryPercent === undefined ? {} : { batteryPercent: args.batteryPercent }),
      });
      const baseMs = simulation.clock.nowMs();
      virtualElapsedMs = () => simulation.clock.nowMs() - baseMs;
      const attemptPasses = args.attemptPasses ?? plan.operator?.attemptPasses;
      result = await runSimulatedSession({
        input,
        simulation,
        records: records.records,
        operator: {
          kind: 'scripted',
          seed: args.source.seed,
          ...(attemptPasses === undefined ? {} : { attemptPasses }),
        },
      });
    } else {
      result = await runPortSession({
        input,
        path: args.source.path,
        records: records.records,
        onProgress: (line) => out.stderr(line),
      });
    }
    const summary: SessionSummary = {
      ...result.summary,
      ...(treatedSkin(result.summary) ? { aftercare: aftercareLines() } : {}),
    };
    out.stdout(args.json ? JSON.stringify(summary) : formatSummary(summary));
    if (result.recordsFailed !== null) {
      out.stderr(`mnpen: the records could not be written: ${result.recordsFailed}`);
      return 1;
    }
    return summary.outcome === 'completed' ? 0 : 1;
  } catch (error) {
    if (error instanceof PortOpenError) {
      out.stderr(`mnpen: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    records.close();
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
  --unlock CREDENTIAL    unlocks professional mode (checked against MNPEN_PRO_CREDENTIAL)

Records:
  --db PATH              database file (default: $MNPEN_DATA_DIR/mnpen.db, MNPEN_DATA_DIR default ./data)
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
