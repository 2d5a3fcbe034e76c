// `mnpen history`: lists recorded sessions with areas, depths, passes and outcome.
import { openStore, resolveDataDir, StoreError, storePathIn, type Store } from '../store/index.js';
import { parseFlags, UsageError, type CliCommand, type CommandOutput } from './command.js';

interface HistoryArgs {
  readonly clientId: string | undefined;
  readonly dbPath: string | undefined;
  readonly json: boolean;
}

/** Opens the database for reading: it is never created or changed (StoreError -> UsageError, exit 2). */
function openForReading(dbPath: string | undefined): Store {
  const path = dbPath ?? storePathIn(resolveDataDir(process.env));
  try {
    return openStore(path, { access: 'read' });
  } catch (error) {
    if (error instanceof StoreError) throw new UsageError(`database ${path}: ${error.message}`);
    throw error;
  }
}

/** Prints the history; resolves with exit code 0. Throws UsageError for a bad or missing database (exit 2). */
async function runHistory(args: HistoryArgs, out: CommandOutput): Promise<number> {
  const store = openForReading(args.dbPath);
  try {
    const sessions = store.history(args.clientId);
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
      lines.push(
        `#${session.sessionId} ${when} client ${session.clientId}: ${kind}, ${session.outcome ?? 'not ended'}, cartridge ${session.cartridgeId ?? '-'}`,
      );
      for (const area of session.areas) {
        lines.push(
          `    ${area.area.padEnd(11)} ${String(area.depthUm).padStart(5)} um  passes ${area.passes}/${area.passLimit}`,
        );
      }
    }
    out.stdout(lines.join('\n'));
    return 0;
  } finally {
    store.close();
  }
}

const HISTORY_HELP = `mnpen history: list recorded sessions

Usage:
  mnpen history [--client ID] [--db PATH] [--json]

  --client ID            only this client's sessions
  --db PATH              database file (default: $MNPEN_DATA_DIR/mnpen.db)
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
