// `mnpen session`: validates the plan, prepares records, runs the session (simulated or real pen), prints the summary.
import { aftercareLines } from '../policy/aftercare.js';
import { PortOpenError } from '../wiring/open-port.js';
import { runPortSession } from '../wiring/port-session.js';
import { runSimulatedSession } from '../wiring/sim-session.js';
import { formatSummary, type SessionSummary } from '../wiring/summary.js';
import { UsageError, type CliCommand, type CommandOutput } from './command.js';
import { parseSessionArgs, type SessionArgs } from './session-args.js';
import { loadPlan } from './plan-file.js';
import { prepareSessionRecords } from './session-records.js';
import { checkPatchTestPlan } from '../policy/session-rules.js';
import { DEFAULT_TREATMENT_CONFIG } from '../policy/treatment-config.js';

/** Environment variable holding the credential that unlocks professional mode. */
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

/** Runs the session; resolves with the exit code (0 completed, 1 fault or refusal). Throws UsageError (exit 2). */
async function runSession(args: SessionArgs, out: CommandOutput): Promise<number> {
  const plan = loadPlan(args.planPath, args.mode);
  if (args.patchTest) {
    const problems = checkPatchTestPlan(plan, DEFAULT_TREATMENT_CONFIG);
    if (problems.length > 0) {
      throw new UsageError(
        `--patch-test: the plan is not a patch test:\n  ${problems.map((p) => `[${p.reason}] ${p.detail}`).join('\n  ')}`,
      );
    }
  }
  const startedAtMs = args.atMs ?? Date.now();
  let virtualNowMs = (): number => 0;
  const records = prepareSessionRecords(plan, {
    dbPath: args.dbPath,
    clientId: args.clientId,
    screeningPath: args.screeningPath,
    patchTest: args.patchTest,
    allowDemoClient: args.source.kind === 'sim',
    nowMs: () => (args.source.kind === 'sim' ? startedAtMs + virtualNowMs() : Date.now()),
  });
  try {
    const input = {
      plan,
      mode: plan.mode,
      priorPassesByArea: records.priorPassesByArea,
      ...(process.env[PRO_CREDENTIAL_ENV] ? { proCredentialExpected: process.env[PRO_CREDENTIAL_ENV] } : {}),
    };
    const unlock = args.unlock === undefined ? {} : { unlockCredential: args.unlock };
    if (process.env.MNPEN_TRACE_PASSES === '1') {
      records.recorder.onPassReserved = (area, passNumber) =>
        process.stdout.write(`PASS_OPENED ${area} ${passNumber}\n`);
    }
    let summary: SessionSummary;
    if (args.source.kind === 'sim') {
      const attemptPasses = args.attemptPasses ?? plan.operator?.attemptPasses;
      const result = await runSimulatedSession({
        input,
        seed: args.source.seed,
        ...unlock,
        ...(attemptPasses === undefined ? {} : { attemptPasses }),
        cartridge: {
          id: args.cartridgeId ?? freshCartridgeId(records.clientId, args.source.seed, startedAtMs),
          needleCount: DEMO_NEEDLE_COUNT,
        },
        ...(args.batteryPercent === undefined ? {} : { batteryPercent: args.batteryPercent }),
        recorder: records.recorder,
        beforeStart: (info) => records.beforeStart(info),
        onSimulation: (simulation) => {
          const baseMs = simulation.clock.nowMs();
          virtualNowMs = () => simulation.clock.nowMs() - baseMs;
        },
      });
      summary = result.summary;
    } else {
      summary = (
        await runPortSession({
          input,
          path: args.source.path,
          ...unlock,
          recorder: records.recorder,
          beforeStart: (info) => records.beforeStart(info),
          onProgress: (line) => out.stderr(line),
        })
      ).summary;
    }
    records.finish(summary);
    const sessionId = records.recorder.sessionId;
    const full: SessionSummary = {
      ...summary,
      ...(sessionId === null ? {} : { sessionId }),
      ...(summary.outcome === 'completed' ? { aftercare: aftercareLines() } : {}),
    };
    out.stdout(args.json ? JSON.stringify(full) : formatSummary(full));
    return full.outcome === 'completed' ? 0 : 1;
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
  mnpen session --port PATH --plan FILE [options]

Pen:
  --sim                  the simulated pen, in virtual time, with a scripted operator
  --port PATH            a real pen (or a pty) at PATH
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
  --client ID            pseudonymous client id (default with --sim: the demo client)
  --screening FILE       screening answers (JSON)
  --patch-test           a patch-test session: one small area, low depth, one pass

Output:
  --json                 one JSON object instead of the readable summary

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
