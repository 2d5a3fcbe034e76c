// `mnpen history`: lists recorded sessions with areas, depths, passes and outcome.
import { formatHistory, readHistory } from '../wiring/history.js';
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
  out.stdout(formatHistory(sessions, args.clientId));
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
