// npm run fuzz [-- --count N | --seconds S] [--seed N]: fuzzes decoder, firmware link, firmware and controller link; prints the figures.
import { addFoundCases, FOUND_CASES_PATH } from './fuzz/found-cases.js';
import { runFuzz, type FuzzReport } from './fuzz/fuzzer.js';

/** Parses `--count N`, `--seconds S`, `--seed N`. Throws Error naming a bad or unknown option. */
export function parseFuzzArgs(args: readonly string[]): { executions?: number; seconds?: number; seed: number } {
  const options: { executions?: number; seconds?: number; seed: number } = { seed: 0x5eed };
  for (let i = 0; i < args.length; i += 2) {
    const value = Number(args[i + 1]);
    if (!(Number.isFinite(value) && value > 0)) throw new Error(`${args[i]} needs a positive number`);
    if (args[i] === '--count') options.executions = Math.floor(value);
    else if (args[i] === '--seconds') options.seconds = value;
    else if (args[i] === '--seed') options.seed = Math.floor(value);
    else throw new Error(`unknown option ${args[i]} (use --count N, --seconds S, --seed N)`);
  }
  return options;
}

/** The figures as printed lines. */
export function fuzzLines(report: FuzzReport, added: number): string[] {
  const crashes = report.crashes.length === 0 ? 0 : Object.values(report.targets).reduce((s, t) => s + t.crashes, 0);
  const lines = [
    `fuzz: seed ${report.seed}, ${report.executions.toLocaleString('en')} executions in ${(report.wallMs / 1000).toFixed(1)} s ` +
      `(${Math.round(report.executions / (report.wallMs / 1000)).toLocaleString('en')}/s), ${crashes} crashes, ` +
      `${report.reasons.length} unique target:reason outcomes, ${added} cases added to the bad-input corpus`,
  ];
  for (const [name, t] of Object.entries(report.targets)) {
    lines.push(
      `  ${name.padEnd(15)} ${t.executions.toLocaleString('en').padStart(12)} executions, ${t.crashes} crashes, ` +
        `${String(t.reasons.size).padStart(3)} reasons, corpus ${t.corpusSeeds} seeds + ${t.corpusGrown} grown`,
    );
    lines.push(`    reasons: ${[...t.reasons].sort().join(' ')}`);
  }
  for (const crash of report.crashes)
    lines.push(
      `  CRASH ${crash.target} #${crash.execution}: ${crash.error} wire ${Buffer.from(crash.wire).toString('hex')}`,
    );
  return lines;
}

async function main(): Promise<void> {
  const options = parseFuzzArgs(process.argv.slice(2));
  const report = await runFuzz({
    ...options,
    onProgress: (executions) => process.stderr.write(`\r${executions.toLocaleString('en')} executions`),
  });
  process.stderr.write('\n');
  const added = addFoundCases(report.found);
  for (const line of fuzzLines(report, added)) console.log(line);
  if (added > 0) console.log(`  added ${added} cases to ${FOUND_CASES_PATH}`);
  if (report.crashes.length > 0) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
