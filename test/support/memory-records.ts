// In-memory SessionRecords for tests and benchmarks: clear admission facts, every batch kept, failures on demand.
import type { AdmissionFacts, ClaimRequest, ResumedSession } from '../../src/machine/index.js';
import type { ClaimOutcome, RecordBatch, SessionRecords } from '../../src/wiring/records.js';
import { clearFacts } from './machine-harness.js';

export interface MemoryRecordsOptions {
  /** Admission facts (default: every rule passes). */
  readonly facts?: AdmissionFacts;
  /** A resumed session to answer the claim with. */
  readonly resumed?: ResumedSession;
  /** Refuse the claim with this reason. */
  readonly refuseClaim?: { readonly reason: string; readonly detail: string };
  /** Throw from `write` for the batch this returns true for (e.g. the second pass reservation). */
  readonly failWrite?: (batch: RecordBatch, index: number) => boolean;
  /** Keep every batch (default true); false for long benchmark runs (memory stays flat). */
  readonly keepBatches?: boolean;
}

/** Records kept in memory: `batches` in write order; `claims` as asked. */
export class MemoryRecords implements SessionRecords {
  readonly batches: RecordBatch[] = [];
  readonly claims: ClaimRequest[] = [];

  constructor(private readonly options: MemoryRecordsOptions = {}) {}

  claim(request: ClaimRequest): ClaimOutcome {
    this.claims.push(request);
    if (this.options.refuseClaim !== undefined) return { ok: false, ...this.options.refuseClaim };
    return { ok: true, claim: { sessionId: 1, resumed: this.options.resumed ?? null } };
  }

  admissionFacts(): AdmissionFacts {
    return this.options.facts ?? clearFacts();
  }

  write(batch: RecordBatch): void {
    if (this.options.failWrite?.(batch, this.batches.length) === true) throw new Error('disk full');
    if (this.options.keepBatches !== false) this.batches.push(batch);
  }

  /** Every effect written, with its cause, in order. */
  get rows(): { readonly eventId: number; readonly cause: string; readonly effect: string }[] {
    return this.batches.flatMap((batch) =>
      batch.effects.map((effect) => ({ eventId: batch.cause.eventId, cause: batch.cause.type, effect: effect.type })),
    );
  }
}
