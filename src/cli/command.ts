// The contract of one `mnpen` command, its output, usage errors (exit 2) and the flag helpers every command shares.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad input on the command line or in a file it names: printed as `mnpen: message`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CommandOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** One command of `mnpen`: its name, a line for the main help, its own help, and how it runs. */
export interface CliCommand {
  readonly name: string;
  /** Usage line and summary shown by `mnpen --help`. */
  readonly synopsis: string;
  readonly summary: string;
  /** `mnpen NAME --help`. */
  readonly help: string;
  /** Runs with the arguments after the command name; resolves with the exit code. Throws UsageError (exit 2). */
  run(argv: readonly string[], out: CommandOutput): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's flags strictly (unknown flags and positionals are UsageErrors). Returns null
 * when `--help` was given: the caller prints its help.
 */
export function parseFlags<O extends Options>(argv: readonly string[], options: O): FlagValues<O> | null {
  const parsed = parseFlagsAndFiles(argv, options, 0);
  return parsed === null ? null : parsed.values;
}

type FlagValues<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>
>['values'];

/**
 * Like `parseFlags`, with exactly `files` positional arguments (file paths), named `fileLabel`
 * in the error when there are more or fewer. Null for `--help`.
 */
export function parseFlagsAndFiles<O extends Options>(
  argv: readonly string[],
  options: O,
  files: number,
  fileLabel = 'FILE',
): { values: FlagValues<O>; files: string[] } | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help === true) return null;
  if (parsed.positionals.length > files) throw new UsageError(`unexpected argument "${parsed.positionals[files]}"`);
  if (parsed.positionals.length < files) throw new UsageError(`${fileLabel} is required`);
  return { values: parsed.values as never, files: parsed.positionals };
}

/** An integer flag within [min, max], or undefined when absent; UsageError naming the flag otherwise. */
export function integerFlag(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new UsageError(`--${flag}: expected an integer, got "${text}"`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag}: ${text} is outside ${min}..${max}`);
  }
  return value;
}

/** One of `choices`, `fallback` when absent; UsageError naming the flag otherwise. */
export function choiceFlag<C extends string>(
  flag: string,
  text: string | undefined,
  choices: readonly C[],
  fallback: C,
): C {
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`--${flag}: expected ${choices.join(' or ')}, got "${text}"`);
  }
  return text as C;
}
