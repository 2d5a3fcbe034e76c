// `mnpen db`: verify the record file's chain (S16), show its status, migrate it, re-anchor its head after an accepted loss.
import {
  CHAIN_SCHEMA_VERSION,
  isPostgresUrl,
  LATEST_SCHEMA_VERSION,
  openRecords,
  pgStatus,
  reanchorStore,
  redactUrl,
  resolveRecordsTarget,
  storeStatus,
  verifyPgRecords,
  StoreError,
  verifyStoreFile,
  type ChainAnchor,
  type VerifyReport,
} from '../store/index.js';
import { parseFlags, UsageError, type CliCommand, type CommandOutput } from './command.js';

const DB_HELP = `mnpen db: the record file (SQLite) and its audit chain

Usage:
  mnpen db verify [--db PATH] [--anchor ID:HASH]... [--json]
  mnpen db status [--db PATH] [--json]
  mnpen db migrate [--db PATH]
  mnpen db reanchor [--db PATH] --reason TEXT

  verify     walks the whole chain read-only: every audit row's link, every record row against its
             recorded digest, the schema, and the chain head kept in PATH-head. Names the first
             broken link. --anchor checks that audit row ID still has HASH (a head printed earlier
             and kept elsewhere: this also catches a whole-file rollback). Exit 0 intact, 1 not.
  status     schema version, sizes, rows, the chain head; read-only, no verification
  migrate    brings an existing file to schema version ${LATEST_SCHEMA_VERSION} (never creates one)
  reanchor   after a loss a person has accepted (a deleted -wal, a restored copy, a lost head):
             when only the head disagrees, records the loss in the chain with --reason and moves
             the head to the file's end
  --db PATH  database file, or a postgres://USER@HOST:PORT/DB URL (default: $MNPEN_DATABASE_URL,
             else $MNPEN_DATA_DIR/mnpen.db)

Exit codes: 0 done (verify: intact), 1 verify found a broken link, 2 bad input or a file that
cannot be used.
`;

function dbPathOf(flag: string | undefined): string {
  return resolveRecordsTarget(process.env, flag);
}

/** How a target is named in output: a URL without its password. */
function shown(target: string): string {
  return isPostgresUrl(target) ? redactUrl(target) : target;
}

/** `ID:HASH` as printed by `db verify`; UsageError naming the flag otherwise. */
function parseAnchor(text: string): ChainAnchor {
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text);
  if (match === null) throw new UsageError(`--anchor: expected AUDIT_ID:HASH (64 hex digits), got "${text}"`);
  return { auditId: Number(match[1]), hash: match[2] as string };
}

/** Runs a store operation; a StoreError becomes a UsageError (exit 2) naming the file. */
function usingFile<T>(path: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof StoreError) throw new UsageError(`database ${shown(path)}: [${error.code}] ${error.message}`);
    throw error;
  }
}

function describeVerify(path: string, report: VerifyReport, elapsedMs: number): string {
  const head = `${report.lastLink.auditId}:${report.lastLink.hash}`;
  if (report.schemaVersion < CHAIN_SCHEMA_VERSION) {
    return `${path}: schema version ${report.schemaVersion} predates the audit chain; run \`mnpen db migrate --db ${path}\` to start it`;
  }
  if (report.ok) {
    return [
      `${path}: records intact`,
      `  ${report.auditRows} audit rows chained (${report.genesisRows} from before the chain), ${report.coveredRows} record rows match their digests, verified in ${elapsedMs} ms`,
      `  chain head ${head}  (keep it elsewhere; check later with --anchor ${head})`,
    ].join('\n');
  }
  const more =
    report.problemCount > report.problems.length ? [`  ... ${report.problemCount - report.problems.length} more`] : [];
  return [
    `${path}: RECORDS NOT INTACT: ${report.problemCount} problem(s); the first broken link:`,
    ...report.problems.map((problem) => `  [${problem.kind}] ${problem.message}`),
    ...more,
  ].join('\n');
}

function runVerify(argv: readonly string[], out: CommandOutput): number {
  const values = parseFlags(argv, {
    db: { type: 'string' },
    anchor: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  });
  if (values === null) return help(out);
  const path = dbPathOf(values.db);
  const anchors = (values.anchor ?? []).map(parseAnchor);
  const startedMs = performance.now();
  const report = usingFile(path, () =>
    isPostgresUrl(path) ? verifyPgRecords(path, anchors) : verifyStoreFile(path, anchors),
  );
  const elapsedMs = Math.round(performance.now() - startedMs);
  out.stdout(
    values.json === true
      ? JSON.stringify({ path: shown(path), elapsedMs, ...report })
      : describeVerify(shown(path), report, elapsedMs),
  );
  return report.ok ? 0 : 1;
}

function runStatus(argv: readonly string[], out: CommandOutput): number {
  const values = parseFlags(argv, { db: { type: 'string' }, json: { type: 'boolean' } });
  if (values === null) return help(out);
  const path = dbPathOf(values.db);
  if (isPostgresUrl(path)) return pgStatusOut(path, values.json === true, out);
  const status = usingFile(path, () => storeStatus(path));
  if (values.json === true) {
    out.stdout(JSON.stringify(status));
    return 0;
  }
  const head =
    status.head.state === 'present' ? `${status.head.head.auditId}:${status.head.head.hash}` : status.head.state;
  const last = status.lastLink === null ? 'none' : `${status.lastLink.auditId}:${status.lastLink.hash}`;
  out.stdout(
    [
      `${path}: schema version ${status.schemaVersion} (this mnpen: ${status.latestSchemaVersion})`,
      `  ${status.bytes} bytes, -wal ${status.walBytes} bytes; ${status.clients} clients, ${status.sessions} sessions (${status.openSessions} not ended), ${status.auditRows} audit rows`,
      `  last audit row ${last}`,
      `  chain head     ${head}`,
    ].join('\n'),
  );
  return 0;
}

function pgStatusOut(url: string, json: boolean, out: CommandOutput): number {
  const status = usingFile(url, () => pgStatus(url));
  if (json) {
    out.stdout(JSON.stringify(status));
    return 0;
  }
  if (status.state !== 'ours') {
    out.stdout(
      `${status.where}: ${status.state === 'empty' ? 'no mnpen records yet (run `mnpen db migrate`)' : `not an mnpen store: ${status.detail ?? ''}`}`,
    );
    return status.state === 'empty' ? 0 : 2;
  }
  const last = status.lastLink === null ? 'none' : `${status.lastLink.auditId}:${status.lastLink.hash}`;
  out.stdout(
    [
      `${status.where}: PostgreSQL, schema version ${status.schemaVersion} (this mnpen: ${status.latestSchemaVersion})`,
      `  ${status.sessions} sessions, ${status.auditRows} audit rows`,
      `  last audit row ${last} (the server keeps the chain head)`,
    ].join('\n'),
  );
  return 0;
}

function runMigrate(argv: readonly string[], out: CommandOutput): number {
  const values = parseFlags(argv, { db: { type: 'string' } });
  if (values === null) return help(out);
  const path = dbPathOf(values.db);
  const before = isPostgresUrl(path)
    ? usingFile(path, () => pgStatus(path)).schemaVersion
    : usingFile(path, () => storeStatus(path)).schemaVersion;
  usingFile(path, () => openRecords(path).close());
  out.stdout(
    before === LATEST_SCHEMA_VERSION
      ? `${shown(path)}: already at schema version ${before}`
      : `${shown(path)}: migrated from schema version ${before} to ${LATEST_SCHEMA_VERSION}`,
  );
  return 0;
}

function runReanchor(argv: readonly string[], out: CommandOutput): number {
  const values = parseFlags(argv, { db: { type: 'string' }, reason: { type: 'string' } });
  if (values === null) return help(out);
  if (values.reason === undefined || values.reason.trim() === '')
    throw new UsageError('--reason TEXT is required: say why the loss is accepted');
  const path = dbPathOf(values.db);
  if (isPostgresUrl(path))
    throw new UsageError(
      'db reanchor is for an SQLite file: PostgreSQL keeps its chain head on the server, in each commit',
    );
  const { previous, head } = usingFile(path, () => reanchorStore(path, values.reason as string, Date.now()));
  const was = previous.state === 'present' ? `${previous.head.auditId}:${previous.head.hash}` : previous.state;
  out.stdout(
    `${path}: chain head moved from ${was} to ${head.auditId}:${head.hash}; the loss is recorded in the chain`,
  );
  return 0;
}

function help(out: CommandOutput): number {
  out.stdout(DB_HELP);
  return 0;
}

const SUBCOMMANDS: Readonly<Record<string, (argv: readonly string[], out: CommandOutput) => number>> = {
  verify: runVerify,
  status: runStatus,
  migrate: runMigrate,
  reanchor: runReanchor,
};

export const dbCommand: CliCommand = {
  name: 'db',
  synopsis: 'db verify|status|migrate|reanchor [--db PATH]',
  summary: 'verify the record file and its audit chain, show its status, migrate it',
  help: DB_HELP,
  async run(argv, out) {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h') return help(out);
    const subcommand = SUBCOMMANDS[name];
    if (subcommand === undefined) throw new UsageError(`unknown db command "${name}" (try: mnpen db --help)`);
    return subcommand(rest, out);
  },
};
