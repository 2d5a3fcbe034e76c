// Entry point of the `mnpen` command: dispatch and exit codes (0 completed, 1 fault or refusal, 2 bad input).
import { parseCliArgs, UsageError } from './args.js';
import { helpFor } from './help.js';
import { runHistoryCommand } from './history-command.js';
import { runSessionCommand, type CommandOutput } from './session-command.js';
import { runSimPenCommand } from './sim-pen-command.js';

/** Runs one command line; resolves with the process exit code. */
export async function main(argv: readonly string[], out: CommandOutput): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    if (args.command === 'help') {
      out.stdout(helpFor(args.topic));
      return 0;
    }
    if (args.command === 'history') return await runHistoryCommand(args, out);
    if (args.command === 'sim-pen') return await runSimPenCommand(args, out);
    return await runSessionCommand(args, out);
  } catch (error) {
    if (error instanceof UsageError) {
      out.stderr(`mnpen: ${error.message}`);
      return 2;
    }
    out.stderr(`mnpen: internal error: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
}

/** Runs the command line of this process and sets its exit code (the entry of bin/mnpen.js and of tsx). */
export async function runMain(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
  });
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntryPoint) await runMain();
