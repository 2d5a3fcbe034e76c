// Walking the audit chain (S16): every link, every covered row against its last recorded digest, the head kept beside the file.
import type Database from 'better-sqlite3';
import { auditHash, CHAIN_SEED, describeTables, rowDigest, selectRowsSql, type CoveredTable } from './chain.js';
import { schemaDifferences } from './expected-schema.js';
import type { ChainHead, HeadState } from './head.js';
import { CHAIN_SCHEMA_VERSION, coveredTableNames } from './schema.js';

export type ProblemKind =
  | 'SCHEMA_ALTERED'
  | 'AUDIT_ROWS_MISSING'
  | 'AUDIT_ROW_ALTERED'
  | 'ROW_ALTERED'
  | 'ROW_DELETED'
  | 'ROW_UNRECORDED'
  | 'RECORDS_LOST'
  | 'HEAD_MISMATCH'
  | 'CHAIN_HEAD_MISSING'
  | 'ANCHOR_MISMATCH';

/** One broken link: what, where (audit row, or table and key), and a sentence for people. */
export interface ChainProblem {
  readonly kind: ProblemKind;
  readonly auditId?: number;
  readonly table?: string;
  readonly key?: string;
  readonly message: string;
}

/** An audit row id and the hash it must have, kept elsewhere (e.g. printed by an earlier `db verify`). */
export type ChainAnchor = ChainHead;

export interface VerifyReport {
  readonly ok: boolean;
  readonly schemaVersion: number;
  /** Audit rows walked, and how many of them were written before the chain began (its genesis). */
  readonly auditRows: number;
  readonly genesisRows: number;
  /** Record rows checked against their recorded digests. */
  readonly coveredRows: number;
  /** The last audit row's id and chain hash: the head to keep elsewhere. */
  readonly lastLink: ChainHead;
  readonly head: HeadState;
  /** In the order found; the first is the first broken link. At most MAX_PROBLEMS are kept. */
  readonly problems: readonly ChainProblem[];
  readonly problemCount: number;
}

const MAX_PROBLEMS = 100;

/** A problem list that keeps the first MAX_PROBLEMS and counts them all. */
export function problemList(): {
  problems: ChainProblem[];
  count: () => number;
  report: (problem: ChainProblem) => void;
} {
  const problems: ChainProblem[] = [];
  let problemCount = 0;
  return {
    problems,
    count: () => problemCount,
    report: (problem) => {
      problemCount++;
      if (problems.length < MAX_PROBLEMS) problems.push(problem);
    },
  };
}

interface Recorded {
  readonly digest: string | null;
  readonly auditId: number;
}

export type AuditRow = [number, number, number | null, string, string, string | null, string | null];

/** Audit rows read per query: bounded memory, and cheaper than a row-by-row iterator. */
const PAGE_ROWS = 5000;

/** Walks the audit log in order: each link and id, the last recorded digest per row, the hashes asked for. */
export class Walk {
  rows = 0;
  genesisRows = 0;
  last: ChainHead = { auditId: 0, hash: CHAIN_SEED };
  readonly recorded = new Map<string, Recorded>();
  readonly hashesAt = new Map<number, string>();
  private chained = false;

  constructor(
    private readonly wanted: ReadonlySet<number>,
    private readonly report: (problem: ChainProblem) => void,
  ) {}

  visit([auditId, atMs, sessionId, kind, detailJson, rowsJson, stored]: AuditRow): void {
    this.rows++;
    if (auditId !== this.last.auditId + 1) {
      const gap = auditId - this.last.auditId - 1;
      this.report({
        kind: 'AUDIT_ROWS_MISSING',
        auditId,
        message: `audit rows ${this.last.auditId + 1}..${auditId - 1} are missing (${gap} deleted)`,
      });
    }
    const computed = auditHash(this.last.hash, { auditId, atMs, sessionId, kind, detailJson, rowsJson });
    let hash = computed;
    if (stored === null && !this.chained) this.genesisRows++;
    else if (stored !== computed) {
      const what = stored === null ? 'it carries no chain hash' : 'its contents no longer match its chain hash';
      const before =
        !this.chained && this.genesisRows > 0
          ? ` or one of rows 1..${auditId - 1} (written before the chain began)`
          : '';
      this.report({
        kind: 'AUDIT_ROW_ALTERED',
        auditId,
        message: `audit row ${auditId} (${kind})${before} was altered: ${what}`,
      });
      hash = stored ?? computed;
    }
    this.chained ||= stored !== null;
    if (this.wanted.has(auditId)) this.hashesAt.set(auditId, hash);
    this.last = { auditId, hash };
    if (rowsJson !== null) recordRows(rowsJson, auditId, this.recorded, this.report);
  }
}

function walkAuditLog(
  db: Database.Database,
  hasChainColumns: boolean,
  wanted: ReadonlySet<number>,
  report: (problem: ChainProblem) => void,
): Walk {
  const walk = new Walk(wanted, report);
  const chainColumns = hasChainColumns ? 'rows_json, chain_hash' : 'NULL, NULL';
  const page = db
    .prepare(
      `SELECT audit_id, at, session_id, kind, detail_json, ${chainColumns} FROM audit_log
       WHERE audit_id > ? ORDER BY audit_id LIMIT ${PAGE_ROWS}`,
    )
    .raw();
  for (let rows = page.all(0) as AuditRow[]; rows.length > 0; rows = page.all(walk.last.auditId) as AuditRow[]) {
    for (const row of rows) walk.visit(row);
  }
  return walk;
}

function recordRows(
  rowsJson: string,
  auditId: number,
  recorded: Map<string, Recorded>,
  report: (problem: ChainProblem) => void,
): void {
  let rows: unknown;
  try {
    rows = JSON.parse(rowsJson);
  } catch {
    rows = null;
  }
  if (!Array.isArray(rows)) {
    report({ kind: 'AUDIT_ROW_ALTERED', auditId, message: `audit row ${auditId} describes its rows unreadably` });
    return;
  }
  for (const [table, key, digest] of rows as [string, string, string | null][])
    recorded.set(`${table}\u0000${key}`, { digest, auditId });
}

/** Checks that each anchor's audit row has the hash the anchor holds (ANCHOR_MISMATCH otherwise). */
export function checkAnchors(
  anchors: readonly ChainAnchor[],
  walk: Walk,
  report: (problem: ChainProblem) => void,
): void {
  for (const anchor of anchors) {
    if (walk.hashesAt.get(anchor.auditId) !== anchor.hash) {
      report({
        kind: 'ANCHOR_MISMATCH',
        auditId: anchor.auditId,
        message: `audit row ${anchor.auditId} does not have the anchored hash ${anchor.hash}`,
      });
    }
  }
}

/** Checks every covered row (`rowsOf` gives each as [key JSON, ...columns]) against the digest the walk recorded last. */
export function checkRows(
  rowsOf: (table: CoveredTable) => Iterable<[string, ...unknown[]]>,
  tables: readonly CoveredTable[],
  walk: Walk,
  report: (problem: ChainProblem) => void,
): number {
  let checked = 0;
  for (const table of tables) {
    for (const [key, ...values] of rowsOf(table)) {
      checked++;
      const id = `${table.name}\u0000${key}`;
      const recorded = walk.recorded.get(id);
      walk.recorded.delete(id);
      if (recorded === undefined || recorded.digest === null) {
        report({
          kind: 'ROW_UNRECORDED',
          table: table.name,
          key,
          message: `${table.name} row ${key} was never recorded by mnpen (written outside it)`,
        });
      } else if (recorded.digest !== rowDigest(table.name, values)) {
        report({
          kind: 'ROW_ALTERED',
          table: table.name,
          key,
          auditId: recorded.auditId,
          message: `${table.name} row ${key} differs from what audit row ${recorded.auditId} recorded`,
        });
      }
    }
  }
  for (const [id, recorded] of walk.recorded) {
    if (recorded.digest === null) continue;
    const [table, key] = id.split('\u0000') as [string, string];
    report({
      kind: 'ROW_DELETED',
      table,
      key,
      auditId: recorded.auditId,
      message: `${table} row ${key}, recorded by audit row ${recorded.auditId}, is missing (deleted)`,
    });
  }
  return checked;
}

function checkTail(db: Database.Database, walk: Walk, report: (problem: ChainProblem) => void): void {
  const sequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").get() as
    { seq: number } | undefined;
  if (sequence !== undefined && sequence.seq > walk.last.auditId) {
    report({
      kind: 'AUDIT_ROWS_MISSING',
      auditId: walk.last.auditId + 1,
      message: `audit rows ${walk.last.auditId + 1}..${sequence.seq} were written and are missing (the log's tail was deleted)`,
    });
  }
}

function checkHead(head: HeadState, headPath: string, walk: Walk, report: (problem: ChainProblem) => void): void {
  if (head.state !== 'present') {
    const why = head.state === 'absent' ? 'is missing' : `is unreadable (${head.reason})`;
    report({
      kind: 'CHAIN_HEAD_MISSING',
      message: `the chain head ${headPath} ${why}: without it a deleted -wal or an older copy of the file cannot be told apart`,
    });
    return;
  }
  const { auditId, hash } = head.head;
  if (auditId === 0) return;
  if (auditId > walk.last.auditId) {
    report({
      kind: 'RECORDS_LOST',
      auditId,
      message: `the chain head ${headPath} shows audit row ${auditId} committed; the file ends at row ${walk.last.auditId}: ${auditId - walk.last.auditId} committed records are missing (a deleted -wal, or an older copy of the file)`,
    });
  } else if (walk.hashesAt.get(auditId) !== hash) {
    report({
      kind: 'HEAD_MISMATCH',
      auditId,
      message: `audit row ${auditId} is not the one the chain head ${headPath} recorded: the file was rolled back and rewritten, or replaced`,
    });
  }
}

/**
 * Verifies the open file (read transaction: a consistent snapshot, nothing written). `head` must
 * have been read before this call (a head is written only after its commit, so it never runs
 * ahead of a later snapshot). Checks the schema, every audit link and id, every covered row
 * against its last recorded digest, the log's tail, the head, and each anchor. Never throws for a
 * finding: it is in `problems`.
 */
export function verifyChain(
  db: Database.Database,
  options: {
    readonly version: number;
    readonly head: HeadState;
    readonly headPath: string;
    readonly anchors?: readonly ChainAnchor[];
  },
): VerifyReport {
  const problems: ChainProblem[] = [];
  let problemCount = 0;
  const report = (problem: ChainProblem) => {
    problemCount++;
    if (problems.length < MAX_PROBLEMS) problems.push(problem);
  };
  const anchors = options.anchors ?? [];
  return db.transaction((): VerifyReport => {
    for (const difference of schemaDifferences(db, options.version))
      report({ kind: 'SCHEMA_ALTERED', message: `schema: ${difference}` });
    const wanted = new Set([
      ...anchors.map((anchor) => anchor.auditId),
      options.head.state === 'present' ? options.head.head.auditId : 0,
    ]);
    const walk = walkAuditLog(db, options.version >= CHAIN_SCHEMA_VERSION, wanted, report);
    let coveredRows = 0;
    if (options.version >= CHAIN_SCHEMA_VERSION && problems.every((problem) => problem.kind !== 'SCHEMA_ALTERED')) {
      const rowsOf = (table: CoveredTable) =>
        db.prepare(selectRowsSql(table)).raw().iterate() as IterableIterator<[string, ...unknown[]]>;
      coveredRows = checkRows(rowsOf, describeTables(db, coveredTableNames(options.version)), walk, report);
      checkTail(db, walk, report);
      checkHead(options.head, options.headPath, walk, report);
    }
    checkAnchors(anchors, walk, report);
    return {
      ok: problemCount === 0,
      schemaVersion: options.version,
      auditRows: walk.rows,
      genesisRows: walk.genesisRows,
      coveredRows,
      lastLink: walk.last,
      head: options.head,
      problems,
      problemCount,
    };
  })();
}
