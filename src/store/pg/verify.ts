// The schema check and the chain walk on PostgreSQL (S16): the same walk as SQLite's, the head read from the server.
import type { CoveredTable } from '../chain.js';
import type { ChainAnchor, ChainProblem, VerifyReport } from '../verify.js';
import { checkAnchors, checkRows, problemList, Walk, type AuditRow } from '../verify.js';
import type { PgConnection } from './connection.js';
import { PG_COVERED, PG_EXPECTED, PG_LATEST_SCHEMA_VERSION } from './schema.js';

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

function names(connection: PgConnection, sql: string): string[] {
  return connection.exec(sql).map((row) => String(row.name));
}

/** Every difference between the database's schema (public) and the form the migrations create, one sentence each. */
export function pgSchemaDifferences(connection: PgConnection): string[] {
  const differences: string[] = [];
  const compare = (kind: string, expected: readonly string[], actual: readonly string[]) => {
    for (const name of expected) if (!actual.includes(name)) differences.push(`${kind} ${name} is missing`);
    for (const name of actual) if (!expected.includes(name)) differences.push(`${kind} ${name} was added`);
  };
  compare(
    'table',
    PG_EXPECTED.tables,
    names(connection, "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"),
  );
  compare(
    'trigger',
    PG_EXPECTED.triggers,
    names(
      connection,
      `SELECT t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal`,
    ),
  );
  compare(
    'index',
    PG_EXPECTED.indexes,
    names(
      connection,
      `SELECT i.indexname AS name FROM pg_indexes i WHERE i.schemaname = 'public'
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)`,
    ),
  );
  const functions = connection.exec(
    `SELECT p.proname AS name, p.prosrc AS source FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = 'public'`,
  );
  compare(
    'function',
    Object.keys(PG_EXPECTED.functions),
    functions.map((row) => String(row.name)),
  );
  for (const row of functions) {
    const expected = PG_EXPECTED.functions[String(row.name)];
    if (expected !== undefined && expected !== row.source) differences.push(`function ${String(row.name)} was altered`);
  }
  return differences;
}

/** The covered tables' columns (in table order) and keys, as the database declares them. */
export function pgCoveredTables(connection: PgConnection): CoveredTable[] {
  return Object.entries(PG_COVERED).map(([name, keyColumns]) => {
    const columns = connection
      .exec(
        `SELECT attname AS name FROM pg_attribute WHERE attrelid = CAST($1 AS regclass) AND attnum > 0
           AND NOT attisdropped ORDER BY attnum`,
        [`public.${name}`],
      )
      .map((row) => String(row.name));
    return { name, keyColumns, columns };
  });
}

const PAGE_ROWS = 5000;

function* rowsOf(connection: PgConnection, table: CoveredTable): Iterable<[string, ...unknown[]]> {
  // NOTE: keys are re-serialised as the change log writes them (JSON.stringify of the key values).
  const order = table.keyColumns.map(quote).join(', ');
  const rows = connection.exec(
    `SELECT ${table.columns.map(quote).join(', ')} FROM ${quote(table.name)} ORDER BY ${order}`,
  );
  for (const row of rows) {
    const key = JSON.stringify(table.keyColumns.map((column) => row[column]));
    yield [key, ...table.columns.map((column) => row[column])];
  }
}

/**
 * Walks the chain in one read snapshot: schema, every link and id, every covered row against its
 * last recorded digest, the head the server keeps, each anchor. Never throws for a finding.
 */
export function verifyPg(connection: PgConnection, anchors: readonly ChainAnchor[] = []): VerifyReport {
  const { problems, count, report } = problemList();
  return connection.snapshot((): VerifyReport => {
    for (const difference of pgSchemaDifferences(connection))
      report({ kind: 'SCHEMA_ALTERED', message: `schema: ${difference}` });
    const headRow = connection.exec('SELECT audit_id, chain_hash FROM mnpen_chain_head')[0];
    const head = headRow === undefined ? null : { auditId: Number(headRow.audit_id), hash: String(headRow.chain_hash) };
    const wanted = new Set([...anchors.map((anchor) => anchor.auditId), head?.auditId ?? 0]);
    const walk = new Walk(wanted, report);
    for (;;) {
      const page = connection.exec(
        `SELECT audit_id, at, session_id, kind, detail_json, rows_json, chain_hash FROM audit_log
           WHERE audit_id > $1 ORDER BY audit_id LIMIT ${PAGE_ROWS}`,
        [walk.last.auditId],
      );
      for (const row of page) {
        walk.visit([
          row.audit_id,
          row.at,
          row.session_id,
          row.kind,
          row.detail_json,
          row.rows_json,
          row.chain_hash,
        ] as AuditRow);
      }
      if (page.length < PAGE_ROWS) break;
    }
    let coveredRows = 0;
    if (problems.every((problem) => problem.kind !== 'SCHEMA_ALTERED')) {
      coveredRows = checkRows((table) => rowsOf(connection, table), pgCoveredTables(connection), walk, report);
      checkServerHead(head, walk, report);
    }
    checkAnchors(anchors, walk, report);
    return {
      ok: count() === 0,
      schemaVersion: PG_LATEST_SCHEMA_VERSION,
      auditRows: walk.rows,
      genesisRows: walk.genesisRows,
      coveredRows,
      lastLink: walk.last,
      head: head === null ? { state: 'absent' } : { state: 'present', head },
      problems,
      problemCount: count(),
    };
  });
}

function checkServerHead(
  head: { auditId: number; hash: string } | null,
  walk: Walk,
  report: (problem: ChainProblem) => void,
): void {
  if (head === null) {
    report({ kind: 'CHAIN_HEAD_MISSING', message: 'the chain head row (mnpen_chain_head) is missing' });
    return;
  }
  if (head.auditId > walk.last.auditId) {
    report({
      kind: 'RECORDS_LOST',
      auditId: head.auditId,
      message: `the server's chain head shows audit row ${head.auditId} committed; the log ends at row ${walk.last.auditId}: the log's tail was deleted`,
    });
  } else if (head.auditId < walk.last.auditId || (head.auditId > 0 && walk.hashesAt.get(head.auditId) !== head.hash)) {
    report({
      kind: 'HEAD_MISMATCH',
      auditId: head.auditId,
      message: `the server's chain head (row ${head.auditId}) is not the log's last link (row ${walk.last.auditId}): written outside mnpen`,
    });
  }
}
