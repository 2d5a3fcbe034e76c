// `mnpen history`: lists recorded sessions with areas, depths, passes and outcome.
import { readHistory } from '../wiring/history.js';
import { RequestError } from '../wiring/request-error.js';
import { UsageError, parseFlags, type CliCommand, type CommandOutput } from './command.js';

interface HistoryArgs {
  readonly clientId: string | undefined;
  readonly dbPath: string | undefined;
  readonly json: boolean;
}

/** Prints the history; resolves with exit code 0. Throws UsageError for a bad database (exit 2). */
async function runHistory(args: HistoryArgs, out: CommandOutput): Promise<number> {
  let sessions;
  try {
    sessions = readHistory(args.dbPath, args.clientId);
  } catch (error) {
    if (error instanceof RequestError) throw new UsageError(error.message);
    throw error;
  }
  if (args.json) {
    out.stdout(JSON.stringify(sessions));
    return 0;
  }
  if (sessions.length === 0) {
    out.stdout(
      args.clientId === undefined ? 'no sessions recorded' : `no sessions recorded for client ${args.clientId}`,
    );
    return 0;
  }
  const lines: string[] = [];
  for (const session of sessions) {
    const when = new Date(session.startedAtMs).toISOString().replace('.000Z', 'Z');
    const kind = session.isPatchTest ? 'patch test' : `${session.mode} session`;
    const interrupted = session.endedAtMs === null;
    lines.push(
      `#${session.sessionId} ${when} client ${session.clientId}: ${kind}, ${session.outcome ?? 'interrupted (not ended)'}, cartridge ${session.cartridgeId ?? '-'}`,
    );
    for (const unlock of session.unlocks) {
      lines.push(
        `    unlocked by ${unlock.clinicianName} (${unlock.clinicianId}), credential ${unlock.credentialId}, key ${unlock.keyId}, up to ${unlock.maxDepthUm} um`,
      );
    }
    for (const profile of session.profiles) {
      lines.push(
        `    clinic profile ${profile.profileId} (${profile.name}) of ${profile.clinicName}, key ${profile.keyId}, sha256 ${profile.tokenSha256}`,
      );
    }
    for (const area of session.areas) {
      // NOTE: an interrupted session's passes are its opened ones: each counts (S5).
      const passes = interrupted ? `${area.passesOpened} opened` : `${area.passes}`;
      lines.push(
        `    ${area.area.padEnd(11)} ${String(area.depthUm).padStart(5)} um  passes ${passes}/${area.passLimit}  strokes ${area.strokes}  punctures ${area.punctures}`,
      );
    }
    for (const refusal of session.refusals) lines.push(`    refused [${refusal.reason}] ${refusal.detail}`);
  }
  out.stdout(lines.join('\n'));
  return 0;
}

const HISTORY_HELP = `mnpen history: list recorded sessions

Usage:
  mnpen history [--client ID] [--db PATH] [--json]

  --client ID            only this client's sessions
  --db PATH|URL          database file or postgres:// URL (default: $MNPEN_DATABASE_URL, else $MNPEN_DATA_DIR/mnpen.db)
  --json                 JSON array instead of a table
`;

export const historyCommand: CliCommand = {
  name: 'history',
  synopsis: 'history [--client ID] [--json]',
  summary: 'list recorded sessions',
  help: HISTORY_HELP,
  async run(argv, out) {
    const values = parseFlags(argv, { client: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' } });
    if (values === null) {
      out.stdout(HISTORY_HELP);
      return 0;
    }
    return runHistory({ clientId: values.client, dbPath: values.db, json: values.json === true }, out);
  },
};
