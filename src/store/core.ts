// The store's write path: one writer-serialised transaction per call, its chained audit row, then the chain head (beside the file, or on the server).
import { appendChained, lastLink, takeChanges, type CoveredTable } from './chain.js';
import type { ClaimHolder } from './claim-holder.js';
import { StoreError } from './errors.js';
import type { ChainHead } from './head.js';
import { encodeJson } from './json.js';
import type { SqlConnection } from './sql.js';
import { requireText } from './validate.js';

/** Where the chain head is kept after each commit: a file beside SQLite's (HeadWriter); PostgreSQL keeps its own in the commit. */
export interface HeadKeeper {
  readonly headPath: string;
  write(head: ChainHead): void;
  close(): void;
}

/** How a backend turns a failure into a StoreError whose message starts with `action`. */
export type FailureMapper = (error: unknown, action: string) => StoreError;

/** What every store operation shares: the connection, clock, covered tables, head, and this store's claim identity. */
export class StoreCore {
  /** Id of the audit row the last write of this store appended. */
  lastAuditId = 0;
  /** The event every audit row written inside `batch` names as its cause; null outside a batch. */
  private cause: number | null = null;
  /** Nesting of `batch`: inside one, writes are savepoints and the head waits for the outer commit. */
  private batchDepth = 0;
  constructor(
    /** The file, or the server URL without its password. */
    readonly path: string,
    readonly sql: SqlConnection,
    private readonly clock: () => number,
    readonly tables: readonly CoveredTable[],
    /** Null when the backend keeps the head inside the commit (PostgreSQL) or when read-only. */
    private readonly head: HeadKeeper | null,
    readonly holder: ClaimHolder,
    readonly readOnly: boolean,
    private readonly mapFailure: FailureMapper,
    private readonly closeConnection: () => void,
  ) {}

  /** Runs `body` in a write transaction: writers are serialised from its start (SQLite's IMMEDIATE lock, PostgreSQL's chain-head row lock). */
  immediate<T>(body: () => T): T {
    return this.sql.transaction(body);
  }

  /** Wall-clock ms since epoch, as an integer; StoreError INVALID when the clock gives nonsense. */
  now(): number {
    const nowMs = Math.floor(this.clock());
    if (!Number.isSafeInteger(nowMs) || nowMs < 0) throw new StoreError('INVALID', `clock gave ${nowMs}`);
    return nowMs;
  }

  /** Maps any failure of `action` (a sentence start, e.g. `pass.opened not recorded`) to a StoreError. */
  fail(error: unknown, action: string): StoreError {
    return this.mapFailure(error, action);
  }

  /**
   * Runs `body` and its audit row (kind, detail, the digests of every row it changed) in one
   * IMMEDIATE transaction, so the write lock is taken at BEGIN where the busy timeout applies;
   * then keeps the chain head. On disk (fsynced) when it returns. Throws StoreError; on any
   * failure nothing of the transaction was written.
   */
  write<T>(kind: string, sessionId: number | null, body: () => { result: T; detail: unknown }): T {
    if (this.readOnly) throw new StoreError('READ_ONLY', `${this.path} was opened for reading: ${kind} not recorded`);
    requireText(kind, 'audit kind', 100);
    let written: { result: T; auditId: number };
    try {
      written = this.immediate(() => {
        // NOTE: the change log is empty here: takeChanges empties it at each commit, a rollback undoes it.
        const done = body();
        const detail = this.cause === null ? done.detail : withCause(done.detail, this.cause);
        const detailJson = encodeJson(detail, `${kind} detail`);
        const rows = takeChanges(this.sql, this.tables);
        const link = appendChained(this.sql, { atMs: this.now(), sessionId, kind, detailJson, rows });
        return { result: done.result, auditId: link.auditId };
      });
    } catch (error) {
      throw this.fail(error, `${kind} not recorded`);
    }
    this.lastAuditId = written.auditId;
    if (this.batchDepth === 0) this.keepHead(kind);
    return written.result;
  }

  /**
   * Runs `body` as one IMMEDIATE transaction (one durable commit, one head update after it); the
   * writes inside are savepoints and every audit row they append names `causeEventId` as its
   * cause. Throws StoreError; then nothing of `body` was written.
   */
  batch<T>(causeEventId: number | null, body: () => T): T {
    if (this.readOnly) throw new StoreError('READ_ONLY', `${this.path} was opened for reading: batch not recorded`);
    const previous = this.cause;
    this.cause = causeEventId;
    this.batchDepth++;
    let result: T;
    try {
      result = this.immediate(body);
    } catch (error) {
      throw this.fail(error, 'batch not recorded');
    } finally {
      this.cause = previous;
      this.batchDepth--;
    }
    if (this.batchDepth === 0) this.keepHead('batch');
    return result;
  }

  /**
   * NOTE: S16: writes the last committed link to the head file and fdatasyncs it, holding the
   * write lock (an empty immediate transaction) so two processes never write heads out of order.
   * The head never runs ahead of the file: a deleted -wal shows as a head beyond the file's end.
   */
  keepHead(kind: string): void {
    const head = this.head;
    if (head === null) return;
    try {
      this.immediate(() => head.write(lastLink(this.sql)));
    } catch (error) {
      throw this.fail(error, `${kind} was recorded, but its chain head ${head.headPath} could not be kept`);
    }
  }

  close(): void {
    this.head?.close();
    this.closeConnection();
  }
}

/** An audit detail with the id of the event that caused it (objects gain `causeEventId`; other values are wrapped). */
function withCause(detail: unknown, causeEventId: number): unknown {
  if (typeof detail === 'object' && detail !== null && !Array.isArray(detail)) return { ...detail, causeEventId };
  return { value: detail ?? null, causeEventId };
}
