// `mnpen history`: lists recorded sessions with areas, depths, passes and outcome.
import { openRecordsStore } from './session-records.js';
import type { HistoryArgs } from './args.js';
import type { CommandOutput } from './session-command.js';

/** Prints the history; resolves with exit code 0. Throws UsageError for a bad database (exit 2). */
export async function runHistoryCommand(args: HistoryArgs, out: CommandOutput): Promise<number> {
  const store = openRecordsStore(args.dbPath, Date.now);
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
