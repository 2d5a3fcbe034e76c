// Entry point of the `mnpen` command: dispatch and exit codes (0 completed, 1 fault or refusal, 2 bad input).
import { UsageError, type CommandOutput } from './command.js';
import { COMMANDS } from './commands.js';

/** `mnpen --help`: every command's synopsis and summary. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.synopsis.length));
  const lines = COMMANDS.map((command) => `  mnpen ${command.synopsis.padEnd(width)}  ${command.summary}`);
  return [
    'mnpen: controller of the mnpen smart microneedling pen',
    '',
    'Usage:',
    ...lines,
    `  mnpen ${'<command> --help'.padEnd(width)}  help for one command`,
    '',
    'Exit codes: 0 completed, 1 the session ended in a fault or was refused, 2 bad input.',
    '',
  ].join('\n');
}

/** Runs one command line; resolves with the process exit code. */
export async function main(argv: readonly string[], out: CommandOutput): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h') {
      out.stdout(mainHelp());
      return 0;
    }
    if (name === 'help') {
      out.stdout(COMMANDS.find((command) => command.name === rest[0])?.help ?? mainHelp());
      return 0;
    }
    const command = COMMANDS.find((candidate) => candidate.name === name);
    if (command === undefined) throw new UsageError(`unknown command "${name}" (try: mnpen --help)`);
    return await command.run(rest, out);
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
